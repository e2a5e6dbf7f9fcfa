package vox.infer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import vox.backend.Backend;
import vox.data.Volume;
import vox.model.CascadedVNet;
import vox.tensor.Shape;
import vox.tensor.TensorScope;
import vox.train.Checkpoint;
import vox.train.CropBox;
import vox.train.InferenceSpec;
import vox.train.OrganLocator;
import vox.train.RefineSource;
import vox.train.SafeTensors;
import vox.train.TrainConfig;

/**
 * Single-class refinement of hard organs after multi-class segmentation.
 *
 * <p>For each organ in turn, on the preprocessed grid: locate it in the
 * multi-class labels ({@link OrganLocator}, specks dropped; the centre of
 * its bounding box), crop the image there ({@link CropBox#centredAt},
 * padded with -1 past the volume), segment the crop with the organ's
 * two-class network, and paste the mask back ({@link CropBox#paste}):
 * inside the crop the organ's voxels are those of the refined mask
 * (taken only from voxels the multi-class result calls background or
 * the organ); outside the crop, and for other organs, nothing changes.
 * An organ that the multi-class result does not hold is left absent.
 */
public final class Refiner {
    private static final Logger LOG = Logger.getLogger(Refiner.class.getName());

    /**
     * One organ's refinement network.
     *
     * @param organ the organ's name
     * @param label its label in the multi-class result
     * @param model a two-class cascade (background, organ)
     * @param crop  crop extents {W, H, D}, multiples of the model's size step
     */
    public record Refinement(String organ, int label, CascadedVNet model, int[] crop) {

        public Refinement {
            int m = model.config().sizeMultiple();
            if (model.config().numClasses() != 2) {
                throw new IllegalArgumentException("refinement of " + organ + ": the network"
                        + " must have 2 classes (background, organ), it has "
                        + model.config().numClasses());
            }
            if (crop.length != 3 || crop[0] % m != 0 || crop[1] % m != 0 || crop[2] % m != 0
                    || crop[0] <= 0 || crop[1] <= 0 || crop[2] <= 0) {
                throw new IllegalArgumentException("refinement of " + organ + ": crop "
                        + Arrays.toString(crop) + " must be positive multiples of " + m);
            }
        }
    }

    /** Where one organ was refined: the crop, or null when the organ was not found. */
    public record Outcome(String organ, CropBox crop) {
    }

    private final List<Refinement> refinements;
    private final Backend be;

    public Refiner(List<Refinement> refinements, Backend be) {
        this.refinements = List.copyOf(refinements);
        this.be = be;
    }

    public List<Refinement> refinements() {
        return refinements;
    }

    /**
     * Loads refinement checkpoints written by training on a
     * {@link RefineSource}, for a multi-class model of spec {@code multi}.
     *
     * @throws IOException when a file is not such a checkpoint
     * @throws IllegalArgumentException when its organ is not a class of
     *         {@code multi} or its preprocessing differs
     */
    public static Refiner load(List<Path> checkpoints, InferenceSpec multi, Backend be)
            throws IOException {
        List<Refinement> out = new ArrayList<>();
        for (Path p : checkpoints) {
            Map<String, String> meta = SafeTensors.read(p).metadata();
            String organ = meta.get(RefineSource.ORGAN_KEY);
            String crop = meta.get(RefineSource.CROP_KEY);
            String json = meta.get(Checkpoint.CONFIG);
            if (organ == null || crop == null || json == null) {
                throw new IOException(p + ": not a refinement checkpoint (no '"
                        + RefineSource.ORGAN_KEY + "', '" + RefineSource.CROP_KEY + "' or '"
                        + Checkpoint.CONFIG + "' metadata)");
            }
            InferenceSpec spec = InferenceSpec.fromMetadata(meta, p.toString());
            if (spec.clipHu() != multi.clipHu() || spec.sliceSpacing() != multi.sliceSpacing()
                    || spec.inPlane() != multi.inPlane()) {
                throw new IllegalArgumentException(p + ": refinement of " + organ
                        + " was trained with clip " + spec.clipHu() + " HU, "
                        + spec.sliceSpacing() + " mm slices, in-plane " + spec.inPlane()
                        + "; the multi-class model uses " + multi.clipHu() + ", "
                        + multi.sliceSpacing() + ", " + multi.inPlane());
            }
            int label = RefineSource.labelOf(organ, multi.classNames());
            int[] size = Arrays.stream(crop.split("x")).mapToInt(Integer::parseInt).toArray();
            TrainConfig cfg = TrainConfig.fromJson(json);
            CascadedVNet model = new CascadedVNet(be, cfg.model(), cfg.seed());
            Checkpoint.load(p, model, null);
            out.add(new Refinement(organ, label, model, size));
        }
        return new Refiner(out, be);
    }

    /**
     * Refines the organs in place in {@code labels}, the multi-class
     * result on the grid of the preprocessed image {@code image}.
     */
    public List<Outcome> refine(float[] labels, Volume image) {
        int nx = image.nx();
        int ny = image.ny();
        int nz = image.nz();
        if (labels.length != image.voxels().length) {
            throw new IllegalArgumentException("Refiner.refine: labels have " + labels.length
                    + " voxels, the image " + nx + "x" + ny + "x" + nz);
        }
        List<Outcome> out = new ArrayList<>();
        for (Refinement r : refinements) {
            OrganLocator.Location loc = OrganLocator.locate(labels, nx, ny, nz, r.label(),
                    true);
            if (loc == null) {
                LOG.info("refine " + r.organ() + ": not in the multi-class result; skipped");
                out.add(new Outcome(r.organ(), null));
                continue;
            }
            CropBox box = CropBox.centredAt(loc.boxCentre(), r.crop(), nx, ny, nz);
            float[] x = box.extract(image.voxels(), nx, ny, nz, -1f);
            float[] mask;
            try (TensorScope scope = TensorScope.open()) {
                mask = r.model().predictLabels(be.fromArray(
                        Shape.of(1, 1, box.d(), box.h(), box.w()), x));
            }
            box.paste(labels, nx, ny, nz, mask, r.label());
            out.add(new Outcome(r.organ(), box));
        }
        return out;
    }

    /**
     * Segments a CT volume in HU with the multi-class model, refines, runs
     * the multi-class model's post-processing again (the refined organs
     * get its rules too) and returns labels on the CT's own grid.
     */
    public Volume segment(Segmenter seg, Volume ct) {
        Volume img = seg.preprocessing().image(ct);
        float[] labels = seg.labelsOnGrid(img);
        refine(labels, img);
        seg.postProcess(labels, img);
        return seg.preprocessing().restore(img.withVoxels(labels), ct);
    }
}
