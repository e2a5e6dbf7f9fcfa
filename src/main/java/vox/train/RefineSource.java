package vox.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import vox.data.Dataset;
import vox.data.Folds;
import vox.data.Preprocess;
import vox.data.Volume;
import vox.data.phantom.PhantomCase;
import vox.data.phantom.PhantomConfig;
import vox.data.phantom.ThoraxPhantom;

/**
 * Training crops for the single-class refinement of one hard organ: two
 * classes, background and the organ, on crops of W x H x D voxels of the
 * preprocessed images.
 *
 * <p>A training crop is drawn with {@link CropBox#randomAround}: the
 * case first, then the crop's position, uniformly inside an area (by
 * default twice the crop) laid around the centre of the organ's bounding
 * box in the ground truth, so that the network sees the organ off centre
 * as it will when the multi-class model locates it roughly. Validation
 * crops are centred on the organ. Cases without the organ are passed
 * over. Everything is a pure function of the step's seed, so resumed runs
 * match uninterrupted ones.
 *
 * <p>Checkpoints of a run on this source carry {@link #ORGAN_KEY} and
 * {@link #CROP_KEY}, which {@code vox.infer.Refiner} reads.
 */
public final class RefineSource implements TrainingSource {
    /** Checkpoint metadata: the refined organ's name. */
    public static final String ORGAN_KEY = "vox.refine.organ";
    /** Checkpoint metadata: the crop as "WxHxD". */
    public static final String CROP_KEY = "vox.refine.crop";
    /** Checkpoint metadata: the training area as "WxHxD". */
    public static final String AREA_KEY = "vox.refine.area";

    /**
     * A labelled case on the preprocessed grid, read when first needed.
     *
     * @param id   case id
     * @param load returns {image scaled to [-1, 1], label map of class ids}
     */
    public record Case(String id, Supplier<Volume[]> load) {
    }

    /** A case with its organ's centre (labels kept whole, shared with other organs). */
    private record Loaded(String id, Volume image, float[] labels, int[] centre) {
    }

    private final String organ;
    private final int label;
    private final List<Case> train;
    private final List<Case> held;
    private final int[] crop;
    private final int[] area;
    private final InferenceSpec base;
    private final String origin;
    private final Map<String, Loaded> cache = new ConcurrentHashMap<>();
    private List<Sample> validation;

    /**
     * @param organ  the organ's name
     * @param label  its label value in the cases' label maps
     * @param crop   crop extents {W, H, D}
     * @param area   extents {W, H, D} of the area crops are drawn in (each at least crop's)
     * @param base   preprocessing of the cases (the multi-class model's spec)
     * @param origin one line on where the cases come from
     */
    public RefineSource(String organ, int label, List<Case> train, List<Case> held,
                        int[] crop, int[] area, InferenceSpec base, String origin) {
        if (crop.length != 3 || area.length != 3) {
            throw new IllegalArgumentException("refine " + organ + ": crop and area must be"
                    + " {W, H, D}, got " + Arrays.toString(crop) + " and "
                    + Arrays.toString(area));
        }
        for (int a = 0; a < 3; a++) {
            if (crop[a] <= 0 || area[a] < crop[a]) {
                throw new IllegalArgumentException("refine " + organ + ": crop "
                        + Arrays.toString(crop) + " must be positive and the area "
                        + Arrays.toString(area) + " at least as large on every axis");
            }
        }
        if (train.isEmpty() || held.isEmpty()) {
            throw new IllegalArgumentException("refine " + organ + ": need at least one"
                    + " training and one validation case, got " + train.size() + " and "
                    + held.size());
        }
        if (label < 1) {
            throw new IllegalArgumentException("refine " + organ + ": label must be >= 1, got "
                    + label);
        }
        this.organ = organ;
        this.label = label;
        this.train = List.copyOf(train);
        this.held = List.copyOf(held);
        this.crop = crop.clone();
        this.area = area.clone();
        this.base = base;
        this.origin = origin;
    }

    /** The default area: twice the crop along every axis. */
    public static int[] doubleArea(int[] crop) {
        return new int[] {2 * crop[0], 2 * crop[1], 2 * crop[2]};
    }

    /**
     * Refinement crops from the built-in phantom with the cases of a
     * {@link PhantomSource} of the same grid, seed and counts.
     */
    public static RefineSource phantom(PhantomConfig grid, long seed, int trainCases,
                                       int valCases, String organ, int[] crop, int[] area) {
        PhantomSource multi = new PhantomSource(grid, seed, trainCases, valCases);
        int label = labelOf(organ, multi.classNames());
        List<Case> train = new ArrayList<>();
        for (int i = 0; i < trainCases; i++) {
            long s = seed * 1_000 + i;
            train.add(new Case("phantom-train-" + i, () -> phantomCase(s, grid)));
        }
        List<Case> held = new ArrayList<>();
        for (int i = 0; i < valCases; i++) {
            long s = PhantomSource.VALIDATION_SEEDS + seed * 1_000 + i;
            held.add(new Case("phantom-val-" + i, () -> phantomCase(s, grid)));
        }
        return new RefineSource(organ, label, train, held, crop, area, multi.inferenceSpec(),
                multi.describe());
    }

    private static Volume[] phantomCase(long seed, PhantomConfig grid) {
        PhantomCase c = ThoraxPhantom.generate(seed, grid);
        return new Volume[] {Preprocess.clipAndScale(c.image(), PhantomSource.CLIP_HU),
            c.labels()};
    }

    /**
     * Refinement crops from a dataset on disk: the training and held-out
     * cases of fold {@code fold} of a {@code k}-fold split (as
     * {@link DatasetSource} makes it), at most {@code maxValidation} of the
     * latter for validation.
     */
    public static RefineSource dataset(Dataset ds, Preprocess.Spec spec, int k, int fold,
                                       long splitSeed, int maxValidation, String organ,
                                       int[] crop, int[] area) {
        return dataset(ds, spec, k, fold, splitSeed, maxValidation, organ, crop, area,
                new ConcurrentHashMap<>());
    }

    /**
     * As above, with the preprocessed cases kept in {@code cache} (by case
     * id), which the sources of several organs of one fold can share.
     */
    public static RefineSource dataset(Dataset ds, Preprocess.Spec spec, int k, int fold,
                                       long splitSeed, int maxValidation, String organ,
                                       int[] crop, int[] area, Map<String, Volume[]> cache) {
        List<String> names = new ArrayList<>();
        names.add("background");
        names.addAll(ds.organs());
        int label = labelOf(organ, names);
        List<Folds.Fold> folds = Folds.split(ds.cases(), k, splitSeed);
        if (fold < 0 || fold >= folds.size()) {
            throw new IllegalArgumentException("refine " + organ + ": fold " + fold
                    + " is not in 0 .. " + (folds.size() - 1));
        }
        List<Case> train = new ArrayList<>();
        for (Dataset.Case c : folds.get(fold).train()) {
            train.add(datasetCase(ds, spec, c, cache));
        }
        List<Case> held = new ArrayList<>();
        List<Dataset.Case> test = folds.get(fold).test();
        for (Dataset.Case c : test.subList(0, Math.min(maxValidation, test.size()))) {
            held.add(datasetCase(ds, spec, c, cache));
        }
        InferenceSpec is = new InferenceSpec(names, spec.clip(), spec.sliceSpacing(),
                spec.inPlane(), crop[2], "none");
        return new RefineSource(organ, label, train, held, crop, area, is,
                String.format(Locale.ROOT, "%s in %s, fold %d of %d", ds.name(), ds.root(),
                        fold, k));
    }

    private static Case datasetCase(Dataset ds, Preprocess.Spec spec, Dataset.Case c,
                                    Map<String, Volume[]> cache) {
        return new Case(c.id(), () -> cache.computeIfAbsent(c.id(), id -> {
            try {
                return new Volume[] {spec.image(ds.loadImage(c)), spec.label(ds.loadLabel(c))};
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
    }

    /** The label of an organ in class names (background first), or a clear error. */
    public static int labelOf(String organ, List<String> classNames) {
        int i = classNames.indexOf(organ);
        if (i < 1) {
            throw new IllegalArgumentException("refine: no organ '" + organ + "'; the classes"
                    + " are " + classNames.subList(1, classNames.size()));
        }
        return i;
    }

    public String organ() {
        return organ;
    }

    public int label() {
        return label;
    }

    @Override
    public List<String> classNames() {
        return List.of("background", organ);
    }

    /** The case with its organ centre; null when it lacks the organ. */
    private Loaded load(Case c) {
        Loaded l = cache.computeIfAbsent(c.id(), id -> {
            Volume[] v = c.load().get();
            Volume img = v[0];
            float[] lab = v[1].voxels();
            if (lab.length != img.voxels().length) {
                throw new IllegalArgumentException("refine " + organ + ": case " + id
                        + " has image and labels of different sizes");
            }
            OrganLocator.Location loc = OrganLocator.locate(lab, img.nx(), img.ny(), img.nz(),
                    label, false);
            return new Loaded(id, img, lab, loc == null ? null : loc.boxCentre());
        });
        return l.centre() == null ? null : l;
    }

    @Override
    public Sample trainingBlock(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        // Cases without the organ are passed over; give up after many tries.
        for (int attempt = 0; attempt < 4 * train.size() + 8; attempt++) {
            Loaded l = load(train.get(rnd.nextInt(train.size())));
            if (l != null) {
                Volume img = l.image();
                CropBox box = CropBox.randomAround(l.centre(), crop, area, img.nx(), img.ny(),
                        img.nz(), rnd);
                return sample(l, box);
            }
        }
        throw new IllegalArgumentException("refine " + organ + ": no training case holds"
                + " label " + label + " (" + organ + ")");
    }

    @Override
    public synchronized List<Sample> validationCases() {
        if (validation == null) {
            List<Sample> out = new ArrayList<>();
            for (Case c : held) {
                Loaded l = load(c);
                if (l != null) {
                    Volume img = l.image();
                    out.add(sample(l, CropBox.centredAt(l.centre(), crop, img.nx(), img.ny(),
                            img.nz())));
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("refine " + organ + ": no validation case"
                        + " holds label " + label + " (" + organ + ")");
            }
            validation = List.copyOf(out);
        }
        return validation;
    }

    private Sample sample(Loaded l, CropBox box) {
        Volume img = l.image();
        float[] x = box.extract(img.voxels(), img.nx(), img.ny(), img.nz(), -1f);
        float[] y = box.extract(l.labels(), img.nx(), img.ny(), img.nz(), 0f);
        for (int i = 0; i < y.length; i++) {
            y[i] = y[i] == label ? 1 : 0;
        }
        return new Sample(l.id() + "@" + box.x0() + "," + box.y0() + "," + box.z0(), box.d(),
                box.h(), box.w(), x, y, img.spacing());
    }

    @Override
    public InferenceSpec inferenceSpec() {
        return new InferenceSpec(classNames(), base.clipHu(), base.sliceSpacing(),
                base.inPlane(), crop[2], "none");
    }

    @Override
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ORGAN_KEY, organ);
        m.put(CROP_KEY, crop[0] + "x" + crop[1] + "x" + crop[2]);
        m.put(AREA_KEY, area[0] + "x" + area[1] + "x" + area[2]);
        return m;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "refinement of %s (label %d): crops %dx%dx%d drawn"
                + " in %dx%dx%d around it; %d training, %d validation cases of %s", organ,
                label, crop[0], crop[1], crop[2], area[0], area[1], area[2], train.size(),
                held.size(), origin);
    }
}
