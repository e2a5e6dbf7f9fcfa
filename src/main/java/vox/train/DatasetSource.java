package vox.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import vox.data.BlockSampler;
import vox.data.Dataset;
import vox.data.Folds;
import vox.data.Preprocess;
import vox.data.Volume;

/**
 * Training blocks from a labelled dataset on disk (SegTHOR, BTCV, pairs).
 * The cases of one cross-validation fold are held out for validation; the
 * others are preprocessed on first use and kept in memory. The block of a
 * step is drawn from a generator seeded by the step's seed alone: the case,
 * then the layout of its blocks over the organ slices (random overlaps),
 * then one of those blocks.
 */
public final class DatasetSource implements TrainingSource {
    private final Dataset dataset;
    private final Preprocess.Spec spec;
    private final BlockSampler sampler;
    private final List<Dataset.Case> train;
    private final List<Dataset.Case> held;
    private final int fold;
    private final Map<String, Volume[]> cache = new ConcurrentHashMap<>();
    private List<Sample> validation;

    /**
     * @param maxValidation validation uses the middle block of at most this many held-out cases
     */
    public DatasetSource(Dataset dataset, Preprocess.Spec spec, BlockSampler.Config blocks,
                         int fold, long seed, int maxValidation) {
        this(dataset, spec, blocks, dataset.defaultFolds(), fold, seed, maxValidation);
    }

    /** As above with {@code k} folds instead of the dataset's usual number. */
    public DatasetSource(Dataset dataset, Preprocess.Spec spec, BlockSampler.Config blocks,
                         int k, int fold, long seed, int maxValidation) {
        List<Folds.Fold> folds = Folds.split(dataset.cases(), k, seed);
        if (fold < 0 || fold >= folds.size()) {
            throw new IllegalArgumentException("--fold " + fold + ": " + dataset.name()
                    + " is split into " + folds.size() + " folds (0 .. " + (folds.size() - 1)
                    + ")");
        }
        this.dataset = dataset;
        this.spec = spec;
        this.sampler = new BlockSampler(blocks);
        this.fold = fold;
        this.train = folds.get(fold).train();
        List<Dataset.Case> test = folds.get(fold).test();
        this.held = test.subList(0, Math.min(maxValidation, test.size()));
        if (train.isEmpty() || held.isEmpty()) {
            throw new IllegalArgumentException(dataset.name() + " in " + dataset.root()
                    + ": fold " + fold + " leaves " + train.size() + " training and "
                    + held.size() + " validation cases; need at least one of each");
        }
    }

    @Override
    public List<String> classNames() {
        List<String> names = new ArrayList<>();
        names.add("background");
        names.addAll(dataset.organs());
        return names;
    }

    /** The preprocessed image and label of a case, read once. */
    private Volume[] load(Dataset.Case c) {
        return cache.computeIfAbsent(c.id(), id -> {
            try {
                return new Volume[] {spec.image(dataset.loadImage(c)),
                    spec.label(dataset.loadLabel(c))};
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Sample trainingBlock(long seed) {
        Random rnd = new Random(seed);
        Dataset.Case c = train.get(rnd.nextInt(train.size()));
        Volume[] v = load(c);
        List<Integer> starts = sampler.plan(v[1], rnd);
        if (starts.isEmpty()) {
            throw new IllegalArgumentException(dataset.name() + " case " + c.id() + " ("
                    + c.label() + ") holds no organ label; remove it from training");
        }
        int z0 = starts.get(rnd.nextInt(starts.size()));
        return toSample(c.id() + "@z" + z0, sampler.extract(v[0], v[1], z0));
    }

    @Override
    public synchronized List<Sample> validationCases() {
        if (validation == null) {
            List<Sample> out = new ArrayList<>();
            for (Dataset.Case c : held) {
                Volume[] v = load(c);
                List<Integer> starts = sampler.plan(v[1], new Random(0));
                if (!starts.isEmpty()) {
                    int z0 = starts.get(starts.size() / 2);
                    out.add(toSample(c.id() + "@z" + z0, sampler.extract(v[0], v[1], z0)));
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(dataset.name() + ": no held-out case of"
                        + " fold " + fold + " holds an organ label");
            }
            validation = List.copyOf(out);
        }
        return validation;
    }

    private static Sample toSample(String id, BlockSampler.Block b) {
        Volume img = b.image();
        return new Sample(id, img.nz(), img.ny(), img.nx(), img.voxels(), b.label().voxels(),
                img.spacing());
    }

    @Override
    public InferenceSpec inferenceSpec() {
        boolean thorax = dataset.organs().equals(vox.data.SegThorDataset.ORGANS);
        return new InferenceSpec(classNames(), spec.clip(), spec.sliceSpacing(), spec.inPlane(),
                sampler.config().depth(), thorax ? "thorax" : "none");
    }

    @Override
    public String describe() {
        var b = sampler.config();
        return String.format(java.util.Locale.ROOT, "%s in %s, fold %d: %d training, %d"
                + " validation cases; blocks %dx%dx%d; clip %.0f HU, %.2f mm slices, %d"
                + " in-plane", dataset.name(), dataset.root(), fold, train.size(), held.size(),
                b.width(), b.height(), b.depth(), spec.clip(), spec.sliceSpacing(),
                spec.inPlane());
    }
}
