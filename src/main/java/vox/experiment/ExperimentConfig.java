package vox.experiment;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import vox.data.BtcvDataset;
import vox.data.SegThorDataset;
import vox.model.KernelMode;
import vox.model.SkipMode;

/**
 * A study in one JSON file: the data, the models, the seeds, the training
 * schedule, the refinement of hard organs and the comparisons to test.
 * See {@code docs/experiments.md} for every field; {@link #read} checks
 * them all and names the field of any mistake.
 *
 * @param name     study name (folder names, titles)
 * @param output   folder of the study (runs, results)
 * @param device   backend spec: cpu, opencl, cuda, auto
 * @param seeds    one run per seed for every model and fold
 * @param data     where cases come from
 * @param train    schedule and network size of the multi-class models
 * @param models   models in table order
 * @param refine   refinement of hard organs; null when no model refines
 * @param compare  groups of model names to compare (repeated-measures ANOVA)
 * @param subjects ANOVA subjects: "case" (values averaged over seeds) or "seed"
 * @param checkpoint which checkpoint evaluation uses: "last" or "best"
 * @param overlays test cases per (model, fold, seed) with overlay PNGs
 * @param savePredictions whether predictions are written as NIfTI
 */
public record ExperimentConfig(String name, Path output, String device, List<Long> seeds,
                               Data data, Train train, List<Model> models, Refine refine,
                               List<List<String>> compare, String subjects, String checkpoint,
                               int overlays, boolean savePredictions) {

    /** Organs of the built-in phantom, in label order. */
    public static final List<String> PHANTOM_ORGANS = SegThorDataset.ORGANS;

    /**
     * The cases.
     *
     * @param kind        phantom, segthor, btcv or pairs
     * @param root        dataset folder (real data)
     * @param organs      organ names in label order
     * @param folds       k of the k-fold split (real data)
     * @param runFolds    folds to run (default all)
     * @param splitSeed   seed of the fold split, fixed across run seeds
     * @param clipHu      HU window override (null: the dataset's)
     * @param sliceSpacing slice spacing override in mm
     * @param inPlane     in-plane size override
     * @param block       training block {W, H, D} (null: the default)
     * @param validationCases held-out cases validated during training (real data)
     * @param size        phantom grid {X, Y, Z}
     * @param spacing     phantom voxel size {x, y, z} in mm
     * @param trainCases  phantom training cases
     * @param valCases    phantom validation cases
     * @param testCases   phantom test cases (never trained or validated on)
     * @param dataSeed    seed of the phantom cases, fixed across run seeds
     */
    public record Data(String kind, Path root, List<String> organs, int folds,
                       List<Integer> runFolds, long splitSeed, Double clipHu,
                       Double sliceSpacing, Integer inPlane, int[] block, int validationCases,
                       int[] size, double[] spacing, int trainCases, int valCases,
                       int testCases, long dataSeed) {

        public boolean phantom() {
            return kind.equals("phantom");
        }
    }

    /**
     * Training of the multi-class models (the refinement has its own).
     *
     * @param steps        optimizer steps per run
     * @param learningRate peak Adam learning rate
     * @param warmupSteps  linear warm-up steps
     * @param validateEvery steps between validations and checkpoints
     * @param width        channels at level 1
     * @param levels       resolution levels
     * @param maxGroups    group norm groups at most
     * @param includeBackground whether the Dice loss includes class 0
     */
    public record Train(int steps, float learningRate, int warmupSteps, int validateEvery,
                        int width, int levels, int maxGroups, boolean includeBackground) {
    }

    /**
     * One model of the study.
     *
     * @param name    unique name (a folder name)
     * @param skips   block level skips (null when {@code from} is set)
     * @param kernels encoder kernels (null when {@code from} is set)
     * @param from    another model whose trained runs this one reuses, or null
     * @param refine  whether the refinement of {@link Refine#organs} follows
     */
    public record Model(String name, SkipMode skips, KernelMode kernels, String from,
                        boolean refine) {

        /** The model whose runs hold this model's multi-class network. */
        public String trainedAs() {
            return from != null ? from : name;
        }
    }

    /**
     * Single-class refinement of hard organs: one network per organ, fold
     * and seed, shared by every model that refines.
     *
     * @param organs   organs to refine
     * @param crop     crop {W, H, D}
     * @param area     training area {W, H, D} crops are drawn in (default 2 x crop)
     * @param batch    crops per optimizer step (only 1 is supported)
     * @param train    schedule and size of the refinement networks
     * @param skips    their block level skips
     * @param kernels  their encoder kernels
     */
    public record Refine(List<String> organs, int[] crop, int[] area, int batch, Train train,
                         SkipMode skips, KernelMode kernels) {
    }

    /** Reads and checks a config file. */
    public static ExperimentConfig read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read the experiment config (" + e + ")", e);
        }
        String stem = file.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(text, file.toString(), stem);
    }

    /**
     * Parses and checks config text.
     *
     * @param source      the file name for messages
     * @param defaultName the study name when the config has none
     */
    public static ExperimentConfig parse(String text, String source, String defaultName) {
        JsonElement root;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setLenient(false);
            root = JsonParser.parseReader(reader);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: "
                    + e.getMessage().replaceFirst("^com\\.google\\.gson\\.[A-Za-z.]+: ", ""));
        }
        JsonFields f = JsonFields.of(root, source);
        f.string("comment", "");
        String name = f.string("name", defaultName);
        checkName(name, f.path("name"));
        Path output = Path.of(f.string("output", "runs/" + name));
        String device = f.string("device", "cpu");
        List<Long> seeds = f.longs("seeds");
        seeds = seeds == null ? List.of(1L) : seeds;
        if (new HashSet<>(seeds).size() != seeds.size()) {
            throw new IllegalArgumentException(f.path("seeds") + ": seeds repeat: " + seeds);
        }
        JsonFields d = f.object("data");
        if (d == null) {
            throw new IllegalArgumentException(f.path("data") + ": required field is missing"
                    + " (e.g. {\"kind\": \"phantom\"})");
        }
        Data data = data(d);
        JsonFields t = f.object("train");
        Train train = train(t, f.path("train"), defaults());
        checkGrid(data, train, f.path("data"));
        List<Model> models = models(f.array("models"), f.path("models"));
        JsonFields r = f.object("refine");
        Refine refine = r == null ? null : refine(r, data, train);
        List<List<String>> compare = compare(f.array("compare"), f.path("compare"), models);
        String subjects = choice(f.string("anovaSubjects", "case"), f.path("anovaSubjects"),
                "case", "seed");
        String checkpoint = choice(f.string("checkpoint", "last"), f.path("checkpoint"),
                "last", "best");
        int overlays = f.integer("overlays", 1, 0, 1000);
        boolean save = f.bool("savePredictions", true);
        f.finish();

        for (Model m : models) {
            if (m.refine() && refine == null) {
                throw new IllegalArgumentException(f.path("models") + ": model '" + m.name()
                        + "' refines, so the config needs a \"refine\" section");
            }
        }
        if (models.stream().noneMatch(Model::refine) && refine != null) {
            throw new IllegalArgumentException(f.path("refine") + ": no model has"
                    + " \"refine\": true, so this section would not be used");
        }
        return new ExperimentConfig(name, output, device, List.copyOf(seeds), data, train,
                models, refine, compare, subjects, checkpoint, overlays, save);
    }

    private static Data data(JsonFields d) {
        String kind = choice(d.requiredString("kind").toLowerCase(Locale.ROOT), d.path("kind"),
                "phantom", "segthor", "btcv", "pairs");
        boolean phantom = kind.equals("phantom");
        String root = d.string("root", null);
        List<String> organs = d.strings("organs");
        Integer folds = d.optionalInteger("folds", 2, 1000);
        List<Long> run = d.longs("runFolds");
        long splitSeed = d.longValue("splitSeed", 1);
        Double clip = d.optionalNumber("clipHu", 1, 100_000);
        Double slice = d.optionalNumber("sliceSpacing", 0, 100);
        Integer inPlane = d.optionalInteger("inPlane", 0, 8192);
        int[] block = d.ints("block", 3, 1, 8192);
        int validation = d.integer("validationCases", 4, 1, 1000);
        int[] size = d.ints("size", 3, 8, 4096);
        double[] spacing = d.numbers("spacing", 3, 0.25, 20);
        int trainCases = d.integer("trainCases", 24, 1, 100_000);
        int valCases = d.integer("valCases", 4, 1, 100_000);
        int testCases = d.integer("testCases", 8, 2, 100_000);
        long dataSeed = d.longValue("dataSeed", 1);
        d.finish();

        if (phantom) {
            for (String k : new String[] {"root", "folds", "runFolds", "clipHu", "sliceSpacing",
                "inPlane", "block", "organs"}) {
                if (d.has(k)) {
                    throw new IllegalArgumentException(d.path(k) + ": not used with the"
                            + " phantom (its cases are built in: size, spacing, trainCases,"
                            + " valCases, testCases, dataSeed)");
                }
            }
            return new Data(kind, null, PHANTOM_ORGANS, 1, List.of(0), splitSeed, null, null,
                    null, null, validation, size != null ? size : new int[] {64, 64, 32},
                    spacing != null ? spacing : new double[] {3, 3, 4}, trainCases, valCases,
                    testCases, dataSeed);
        }
        for (String k : new String[] {"size", "spacing", "trainCases", "valCases", "testCases",
            "dataSeed"}) {
            if (d.has(k)) {
                throw new IllegalArgumentException(d.path(k) + ": only for the phantom; " + kind
                        + " takes root, folds, runFolds, splitSeed, validationCases and the"
                        + " preprocessing overrides");
            }
        }
        if (root == null) {
            throw new IllegalArgumentException(d.path("root") + ": required for " + kind
                    + " (the dataset folder)");
        }
        List<String> names = switch (kind) {
            case "segthor" -> SegThorDataset.ORGANS;
            case "btcv" -> BtcvDataset.ORGANS;
            default -> organs;
        };
        if (kind.equals("pairs") && organs == null) {
            throw new IllegalArgumentException(d.path("organs") + ": required for pairs (organ"
                    + " names in label order)");
        }
        if (!kind.equals("pairs") && organs != null) {
            throw new IllegalArgumentException(d.path("organs") + ": " + kind + " has fixed"
                    + " organs " + names + "; organs is for pairs only");
        }
        int k = folds != null ? folds : kind.equals("btcv") ? 6 : 5;
        List<Integer> runFolds = new ArrayList<>();
        if (run == null) {
            for (int i = 0; i < k; i++) {
                runFolds.add(i);
            }
        } else {
            for (long v : run) {
                if (v < 0 || v >= k || runFolds.contains((int) v)) {
                    throw new IllegalArgumentException(d.path("runFolds") + ": folds must be"
                            + " distinct and in 0 .. " + (k - 1) + ", got " + run);
                }
                runFolds.add((int) v);
            }
        }
        return new Data(kind, Path.of(root), names, k, List.copyOf(runFolds), splitSeed, clip,
                slice, inPlane, block, validation, null, null, 0, 0, 0, 0);
    }

    /** The phantom grid, or a real dataset's training block, must suit the network. */
    private static void checkGrid(Data data, Train train, String where) {
        int m = 1 << (train.levels() - 1);
        int[] g = data.phantom() ? data.size() : data.block();
        String what = data.phantom() ? "size" : "block";
        if (g != null && (g[0] % m != 0 || g[1] % m != 0 || g[2] % m != 0)) {
            throw new IllegalArgumentException(where + "." + what + ": " + Arrays.toString(g)
                    + " must be multiples of " + m + " for a network of " + train.levels()
                    + " levels");
        }
    }

    private static Train defaults() {
        return new Train(600, 0.003f, -1, 100, 8, 4, 4, true);
    }

    private static Train train(JsonFields t, String where, Train def) {
        if (t == null) {
            return withWarmup(def);
        }
        int steps = t.integer("steps", def.steps(), 1, 100_000_000);
        float lr = (float) t.number("learningRate", def.learningRate(), 1e-9, 10);
        int warmup = t.integer("warmupSteps", def.warmupSteps(), 0, 100_000_000);
        int every = t.integer("validateEvery", def.validateEvery(), 1, 100_000_000);
        int width = t.integer("width", def.width(), 1, 1024);
        int levels = t.integer("levels", def.levels(), 2, 5);
        int groups = t.integer("maxGroups", def.maxGroups(), 1, 1024);
        boolean bg = t.bool("includeBackground", def.includeBackground());
        t.finish();
        return withWarmup(new Train(steps, lr, warmup, every, width, levels, groups, bg));
    }

    /** A warm-up of -1 means "a tenth of the steps, at most 50", as {@code vox train} does. */
    private static Train withWarmup(Train t) {
        if (t.warmupSteps() >= 0) {
            return t;
        }
        return new Train(t.steps(), t.learningRate(), Math.min(50, t.steps() / 10),
                t.validateEvery(), t.width(), t.levels(), t.maxGroups(), t.includeBackground());
    }

    private static List<Model> models(JsonArray a, String where) {
        if (a == null) {
            throw new IllegalArgumentException(where + ": required field is missing (a list of"
                    + " {\"name\", \"skips\", \"kernels\"})");
        }
        List<Model> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < a.size(); i++) {
            JsonFields m = JsonFields.of(a.get(i), where + "[" + i + "]");
            String name = m.requiredString("name");
            checkName(name, m.path("name"));
            if (!names.add(name) || name.startsWith("refine-")) {
                throw new IllegalArgumentException(m.path("name") + ": '" + name + "' is used"
                        + " twice or starts with 'refine-' (kept for refinement runs)");
            }
            String from = m.string("from", null);
            String skips = m.string("skips", null);
            String kernels = m.string("kernels", null);
            boolean refine = m.bool("refine", false);
            m.finish();
            if (from != null) {
                if (skips != null || kernels != null) {
                    throw new IllegalArgumentException(m.path("from") + ": a model built"
                            + " 'from' another takes that model's skips and kernels; remove"
                            + " skips/kernels here");
                }
                Model base = out.stream().filter(o -> o.name().equals(from)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(m.path("from")
                                + ": no earlier model is named '" + from + "'"));
                if (base.from() != null) {
                    throw new IllegalArgumentException(m.path("from") + ": '" + from
                            + "' is itself built from '" + base.from() + "'; name that one");
                }
                out.add(new Model(name, null, null, from, refine));
            } else {
                SkipMode s = parseEnum(SkipMode.class, skips == null ? "R_BLSC" : skips,
                        m.path("skips"));
                KernelMode k = parseEnum(KernelMode.class, kernels == null ? "SMALL" : kernels,
                        m.path("kernels"));
                out.add(new Model(name, s, k, null, refine));
            }
        }
        return List.copyOf(out);
    }

    private static Refine refine(JsonFields r, Data data, Train multi) {
        List<String> organs = r.strings("organs");
        int[] crop = r.ints("crop", 3, 1, 4096);
        int[] area = r.ints("area", 3, 1, 8192);
        int batch = r.integer("batch", 1, 1, 64);
        JsonFields t = r.object("train");
        String skips = r.string("skips", "R_BLSC");
        String kernels = r.string("kernels", "MIXED");
        Train def = new Train(multi.steps(), multi.learningRate(), -1, multi.validateEvery(),
                multi.width(), multi.levels(), multi.maxGroups(), multi.includeBackground());
        Train train = train(t, r.path("train"), def);
        r.finish();
        if (organs == null) {
            throw new IllegalArgumentException(r.path("organs") + ": required (e.g. [\""
                    + data.organs().get(0) + "\"])");
        }
        for (String o : organs) {
            if (!data.organs().contains(o)) {
                throw new IllegalArgumentException(r.path("organs") + ": '" + o + "' is not an"
                        + " organ of " + data.kind() + "; expected one of " + data.organs());
            }
        }
        if (new HashSet<>(organs).size() != organs.size()) {
            throw new IllegalArgumentException(r.path("organs") + ": organs repeat: " + organs);
        }
        if (crop == null) {
            throw new IllegalArgumentException(r.path("crop") + ": required: the crop [W, H, D]"
                    + " (the method uses [112, 112, 112]; the phantom needs e.g. [32, 32, 32])");
        }
        int m = 1 << (train.levels() - 1);
        for (int a = 0; a < 3; a++) {
            if (crop[a] % m != 0) {
                throw new IllegalArgumentException(r.path("crop") + ": " + Arrays.toString(crop)
                        + " must be multiples of " + m + " (2^(levels-1) with "
                        + train.levels() + " levels)");
            }
        }
        if (data.phantom()) {
            int[] g = data.size();
            if (crop[0] > g[0] || crop[1] > g[1] || crop[2] > g[2]) {
                throw new IllegalArgumentException(r.path("crop") + ": " + Arrays.toString(crop)
                        + " does not fit the phantom grid " + Arrays.toString(g)
                        + "; use e.g. [" + g[0] / 2 + ", " + g[1] / 2 + ", " + g[2] + "]");
            }
        }
        if (area == null) {
            area = new int[] {2 * crop[0], 2 * crop[1], 2 * crop[2]};
        }
        for (int a = 0; a < 3; a++) {
            if (area[a] < crop[a]) {
                throw new IllegalArgumentException(r.path("area") + ": " + Arrays.toString(area)
                        + " must be at least the crop " + Arrays.toString(crop)
                        + " on every axis");
            }
        }
        if (batch != 1) {
            // TODO: batches of several crops per step (the Trainer takes one block a step).
            throw new IllegalArgumentException(r.path("batch") + ": only 1 is supported (the"
                    + " trainer takes one crop per optimizer step), got " + batch);
        }
        return new Refine(List.copyOf(organs), crop, area, batch, train,
                parseEnum(SkipMode.class, skips, r.path("skips")),
                parseEnum(KernelMode.class, kernels, r.path("kernels")));
    }

    private static List<List<String>> compare(JsonArray a, String where, List<Model> models) {
        List<List<String>> out = new ArrayList<>();
        if (a == null) {
            return out;
        }
        Set<String> names = new HashSet<>();
        models.forEach(m -> names.add(m.name()));
        for (int i = 0; i < a.size(); i++) {
            String p = where + "[" + i + "]";
            JsonArray g = JsonFields.array(a.get(i), p);
            List<String> group = new ArrayList<>();
            for (int j = 0; j < g.size(); j++) {
                String n = JsonFields.asString(g.get(j), p + "[" + j + "]");
                if (!names.contains(n)) {
                    throw new IllegalArgumentException(p + "[" + j + "]: no model is named '" + n
                            + "'; models are " + models.stream().map(Model::name).toList());
                }
                if (group.contains(n)) {
                    throw new IllegalArgumentException(p + ": '" + n + "' appears twice");
                }
                group.add(n);
            }
            if (group.size() < 2) {
                throw new IllegalArgumentException(p + ": a comparison needs at least two"
                        + " models, got " + group);
            }
            out.add(List.copyOf(group));
        }
        return List.copyOf(out);
    }

    private static String choice(String v, String path, String... allowed) {
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new IllegalArgumentException(path + ": expected one of " + String.join(", ",
                allowed) + ", got '" + v + "'");
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String v, String path) {
        String norm = v.toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(norm)) {
                return e;
            }
        }
        throw new IllegalArgumentException(path + ": expected one of "
                + Arrays.toString(type.getEnumConstants()) + ", got '" + v + "'");
    }

    private static void checkName(String name, String path) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._+-]*")) {
            throw new IllegalArgumentException(path + ": '" + name + "' must be a folder name:"
                    + " letters, digits and . _ + - (not starting with a symbol)");
        }
    }

    /** The same study written to another folder. */
    public ExperimentConfig withOutput(Path dir) {
        return new ExperimentConfig(name, dir, device, seeds, data, train, models, refine,
                compare, subjects, checkpoint, overlays, savePredictions);
    }

    /** Group names of training runs: the trained models, then "refine-ORGAN" per organ. */
    public List<String> trainingGroups() {
        List<String> g = new ArrayList<>();
        for (Model m : models) {
            if (m.from() == null) {
                g.add(m.name());
            }
        }
        if (refine != null) {
            for (String o : refine.organs()) {
                g.add(refineGroup(o));
            }
        }
        return g;
    }

    /** The folder name of an organ's refinement runs. */
    public static String refineGroup(String organ) {
        return "refine-" + organ.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /** The model of a name. */
    public Model model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no model '" + name + "'"));
    }
}
