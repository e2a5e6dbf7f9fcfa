package vox.infer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import vox.backend.Backend;
import vox.data.Preprocess;
import vox.data.Volume;
import vox.model.CascadedVNet;
import vox.train.Checkpoint;
import vox.train.InferenceSpec;
import vox.train.SafeTensors;
import vox.train.TrainConfig;

/**
 * A trained cascade ready to segment CT volumes: preprocessing as in
 * training, two-pass block inference, post-processing, and the labels
 * brought back to the input's grid.
 */
public final class Segmenter {
    /** Slices added on each side of the organ range in the second pass. */
    public static final int SECOND_PASS_MARGIN = 4;

    private final CascadedVNet model;
    private final InferenceSpec spec;
    private final Backend be;

    public Segmenter(CascadedVNet model, InferenceSpec spec, Backend be) {
        this.model = model;
        this.spec = spec;
        this.be = be;
    }

    /** Loads a checkpoint written by {@code vox train} onto {@code be}. */
    public static Segmenter load(Path checkpoint, Backend be) throws IOException {
        Map<String, String> meta = SafeTensors.read(checkpoint).metadata();
        String json = meta.get(Checkpoint.CONFIG);
        if (json == null) {
            throw new IOException(checkpoint + ": no '" + Checkpoint.CONFIG
                    + "' metadata; not a checkpoint of vox train");
        }
        TrainConfig cfg = TrainConfig.fromJson(json);
        InferenceSpec spec = InferenceSpec.fromMetadata(meta, checkpoint.toString());
        CascadedVNet model = new CascadedVNet(be, cfg.model(), cfg.seed());
        Checkpoint.load(checkpoint, model, null);
        return new Segmenter(model, spec, be);
    }

    public InferenceSpec spec() {
        return spec;
    }

    public CascadedVNet model() {
        return model;
    }

    /** Labels (class ids) of a CT volume in HU, on the CT's own grid. */
    public Volume segment(Volume ct) {
        Volume img = preprocessing().image(ct);
        return preprocessing().restore(img.withVoxels(labelsOnGrid(img)), ct);
    }

    /** The preprocessing the model was trained with. */
    public Preprocess.Spec preprocessing() {
        return new Preprocess.Spec(spec.clipHu(), spec.sliceSpacing(), spec.inPlane());
    }

    /** Post-processed labels of a preprocessed image, on its grid (x fastest). */
    public float[] labelsOnGrid(Volume img) {
        BlockInference inf = new BlockInference(model, be, spec.blockDepth(),
                SECOND_PASS_MARGIN, -1f);
        float[] labels = inf.predict(img.voxels(), img.nz(), img.ny(), img.nx()).labels();
        postProcess(labels, img);
        return labels;
    }

    /** Applies the spec's post-processing in place to labels on img's grid. */
    public void postProcess(float[] labels, Volume img) {
        if (spec.postprocess().equals("thorax")) {
            double[] sp = img.spacing();
            PostProcess.apply(labels, img.nx(), img.ny(), img.nz(),
                    PostProcess.thorax(sp[0] * sp[1]));
        }
    }
}
