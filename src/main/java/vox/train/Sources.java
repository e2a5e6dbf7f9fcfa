package vox.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import vox.data.BlockSampler;
import vox.data.BtcvDataset;
import vox.data.Dataset;
import vox.data.PairedFolderDataset;
import vox.data.Preprocess;
import vox.data.SegThorDataset;
import vox.data.phantom.PhantomConfig;

/** Opens the training source that a command line names. */
public final class Sources {
    private Sources() {
    }

    /**
     * What a command line says about real data; null fields take the
     * dataset's defaults.
     *
     * @param root         dataset folder
     * @param organs       organ names (the "pairs" layout only)
     * @param clipHu       HU window k
     * @param sliceSpacing target slice spacing in mm
     * @param inPlane      target in-plane size
     * @param block        training block (W, H, D)
     */
    public record RealData(Path root, List<String> organs, Double clipHu, Double sliceSpacing,
                           Integer inPlane, int[] block) {
    }

    /** Opens a dataset by kind: segthor, btcv or pairs. */
    public static Dataset dataset(String kind, RealData real) throws IOException {
        if (real == null || real.root() == null) {
            throw new IllegalArgumentException("--dataset " + kind + " needs --data DIR");
        }
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "segthor" -> new SegThorDataset(real.root());
            case "btcv" -> new BtcvDataset(real.root());
            case "pairs" -> {
                if (real.organs() == null || real.organs().isEmpty()) {
                    throw new IllegalArgumentException("--dataset pairs needs --organs A,B,...");
                }
                yield new PairedFolderDataset(real.root(), real.organs(), 5,
                        Preprocess.Spec.thorax());
            }
            default -> throw new IllegalArgumentException("--dataset " + kind
                    + ": expected phantom, segthor, btcv or pairs");
        };
    }

    /** The dataset's preprocessing with the command line's overrides. */
    public static Preprocess.Spec preprocessing(Dataset ds, RealData real) {
        Preprocess.Spec d = ds.preprocessing();
        return new Preprocess.Spec(
                real.clipHu() != null ? real.clipHu() : d.clip(),
                real.sliceSpacing() != null ? real.sliceSpacing() : d.sliceSpacing(),
                real.inPlane() != null ? real.inPlane() : d.inPlane());
    }

    /**
     * @param kind phantom, segthor, btcv or pairs
     * @param real dataset folder and overrides (null for the phantom)
     */
    public static TrainingSource open(String kind, RealData real, int fold, long seed,
                                      int trainCases, int valCases) throws IOException {
        if (kind.equalsIgnoreCase("phantom")) {
            if (real != null && real.root() != null) {
                throw new IllegalArgumentException("--data is for real datasets; the phantom"
                        + " is built in (use --dataset segthor with --data DIR)");
            }
            return new PhantomSource(defaultPhantomGrid(), seed, trainCases, valCases);
        }
        Dataset ds = dataset(kind, real);
        BlockSampler.Config d = BlockSampler.Config.defaults();
        int[] b = real.block() != null ? real.block()
                : new int[] {d.width(), d.height(), d.depth()};
        BlockSampler.Config blocks = new BlockSampler.Config(b[0], b[1], b[2], d.margin(),
                Math.min(d.maxOverlap(), b[2] / 2), d.imagePad());
        return new DatasetSource(ds, preprocessing(ds, real), blocks, fold, seed, valCases);
    }

    /** The phantom grid of {@code vox train}: the mediastinum, 64x64x32 voxels of 3 mm. */
    public static PhantomConfig defaultPhantomGrid() {
        return PhantomConfig.of(64, 64, 32, new double[] {3.0, 3.0, 4.0});
    }
}
