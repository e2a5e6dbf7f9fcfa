package vox.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import vox.data.Preprocess;
import vox.data.Volume;
import vox.data.phantom.PhantomCase;
import vox.data.phantom.PhantomConfig;
import vox.data.phantom.ThoraxPhantom;

/**
 * Training and validation cases drawn from the built-in thorax phantom,
 * with SegTHOR's labels. Each case is generated at the block size, so a
 * case is one block. Training case i has seed {@code seed * 1_000 + i};
 * validation cases come from a separate seed range, so they are never
 * trained on. Intensities are clipped to [-1000, 1000] HU and scaled to
 * [-1, 1], as for SegTHOR.
 */
public final class PhantomSource implements TrainingSource {
    /** HU window of the thorax preprocessing. */
    public static final double CLIP_HU = 1000;
    static final long VALIDATION_SEEDS = 1L << 40;

    private final PhantomConfig grid;
    private final long seed;
    private final int trainCases;
    private final int valCases;
    private final Map<Integer, Sample> cache = new ConcurrentHashMap<>();
    private List<Sample> validation;

    /**
     * @param grid       size and spacing of every case
     * @param trainCases distinct training cases; each step draws one of them
     * @param valCases   held-out cases for validation
     */
    public PhantomSource(PhantomConfig grid, long seed, int trainCases, int valCases) {
        if (trainCases <= 0 || valCases <= 0) {
            throw new IllegalArgumentException("phantom: need at least one training and one"
                    + " validation case, got " + trainCases + " and " + valCases);
        }
        this.grid = grid;
        this.seed = seed;
        this.trainCases = trainCases;
        this.valCases = valCases;
    }

    @Override
    public List<String> classNames() {
        return List.of("background", "esophagus", "heart", "trachea", "aorta");
    }

    @Override
    public Sample trainingBlock(long blockSeed) {
        int i = (int) Math.floorMod(blockSeed, (long) trainCases);
        return cache.computeIfAbsent(i, k -> sample("phantom-train-" + k,
                seed * 1_000 + k));
    }

    @Override
    public synchronized List<Sample> validationCases() {
        if (validation == null) {
            List<Sample> v = new ArrayList<>();
            for (int i = 0; i < valCases; i++) {
                v.add(sample("phantom-val-" + i, VALIDATION_SEEDS + seed * 1_000 + i));
            }
            validation = List.copyOf(v);
        }
        return validation;
    }

    private Sample sample(String id, long caseSeed) {
        PhantomCase c = ThoraxPhantom.generate(caseSeed, grid);
        Volume img = Preprocess.clipAndScale(c.image(), CLIP_HU);
        Volume lab = c.labels();
        return new Sample(id, img.nz(), img.ny(), img.nx(), img.voxels(), lab.voxels(),
                img.spacing());
    }

    @Override
    public InferenceSpec inferenceSpec() {
        return new InferenceSpec(classNames(), CLIP_HU, grid.spacingMm()[2], grid.nx(),
                grid.nz(), "thorax");
    }

    @Override
    public String describe() {
        double[] s = grid.spacingMm();
        return String.format(java.util.Locale.ROOT, "thorax phantom, %d training and %d"
                + " validation cases of %dx%dx%d voxels (%.2fx%.2fx%.2f mm)", trainCases,
                valCases, grid.nx(), grid.ny(), grid.nz(), s[0], s[1], s[2]);
    }
}
