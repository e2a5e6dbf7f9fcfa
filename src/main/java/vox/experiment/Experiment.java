package vox.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.data.BlockSampler;
import vox.data.Dataset;
import vox.data.Folds;
import vox.data.Nifti;
import vox.data.NiftiDatatype;
import vox.data.Volume;
import vox.data.phantom.PhantomCase;
import vox.data.phantom.PhantomConfig;
import vox.data.phantom.ThoraxPhantom;
import vox.infer.Refiner;
import vox.infer.Segmenter;
import vox.metrics.Evaluation;
import vox.metrics.ScoreTable;
import vox.model.ModelConfig;
import vox.train.Checkpoint;
import vox.train.DatasetSource;
import vox.train.PhantomSource;
import vox.train.RefineSource;
import vox.train.SafeTensors;
import vox.train.Sources;
import vox.train.TrainConfig;
import vox.train.Trainer;
import vox.train.TrainingSource;

/**
 * Runs a study ({@link ExperimentConfig}): for every fold and seed, trains
 * each model and each organ's refinement network, evaluates each model on
 * the fold's test cases, then writes the tables, the ANOVA and the plots
 * ({@link StudyReport}).
 *
 * <p>Folders under the study's output:
 * <pre>
 *   runs/MODEL/fF-sS/            a Trainer run (config.json, metrics.csv, train.log,
 *                                checkpoints) plus scores.csv, pred/, overlay/
 *   runs/refine-ORGAN/fF-sS/     the refinement network of ORGAN
 *   results/                     summary.md, scores-MODEL.csv, plots/
 * </pre>
 * (a model built {@code from} another keeps only its evaluation in its own folder).
 *
 * <p>Everything resumes: a run whose last checkpoint has reached its steps
 * is not trained again; one with an earlier checkpoint continues from it
 * (its metrics.csv cut back to that step first); one without starts over.
 * An evaluation is redone only when a checkpoint it used is newer than its
 * scores.csv. A run folder whose checkpoint was made with another training
 * config is an error, not silently reused.
 */
public final class Experiment {
    /** Phantom test cases: seeds apart from training, validation and {@code vox phantom}. */
    static final long TEST_SEEDS = 1L << 42;
    static final String SCORES = "scores.csv";

    /** What happened to a run. */
    public enum Action {
        TRAINED, RESUMED, ALREADY_TRAINED, EVALUATED, ALREADY_EVALUATED
    }

    /** One step of the study: a run folder (relative to runs/) and what was done. */
    public record Event(String run, Action action) {
    }

    /** A test case: its id, its image file (null for the phantom) and a loader of {CT, labels}. */
    record TestCase(String id, Path image, Supplier<Volume[]> load) {
    }

    private final ExperimentConfig cfg;
    private final PrintStream console;
    private final List<Event> events = new ArrayList<>();

    /**
     * @param console where progress goes (results go to {@code results/})
     */
    public Experiment(ExperimentConfig cfg, PrintStream console) {
        this.cfg = cfg;
        this.console = console;
    }

    public ExperimentConfig config() {
        return cfg;
    }

    /** Folder of a run: {@code runs/GROUP/fFOLD-sSEED}. */
    public Path runDir(String group, int fold, long seed) {
        return cfg.output().resolve("runs").resolve(group).resolve(runName(fold, seed));
    }

    static String runName(int fold, long seed) {
        return "f" + fold + "-s" + seed;
    }

    public Path resultsDir() {
        return cfg.output().resolve("results");
    }

    /** Trains and evaluates whatever is not done yet, then writes the results. */
    public List<Event> run() throws IOException {
        Files.createDirectories(cfg.output());
        for (int fold : cfg.data().runFolds()) {
            Fold f = new Fold(fold);
            for (long seed : cfg.seeds()) {
                for (ExperimentConfig.Model m : cfg.models()) {
                    if (m.from() == null) {
                        train(m.name(), fold, seed, multiConfig(m, seed, f.classes()),
                                f::multiSource);
                    }
                }
                if (cfg.refine() != null) {
                    for (String organ : cfg.refine().organs()) {
                        train(ExperimentConfig.refineGroup(organ), fold, seed,
                                refineConfig(seed), () -> f.refineSource(organ));
                    }
                }
                for (ExperimentConfig.Model m : cfg.models()) {
                    evaluate(m, fold, seed, f);
                }
            }
        }
        new StudyReport(this).write(console);
        return List.copyOf(events);
    }

    /** Writes the results of the runs finished so far; trains nothing. */
    public void report() throws IOException {
        new StudyReport(this).write(console);
    }

    /** One line per run: trained steps and evaluation state; nothing is changed. */
    public String plan() throws IOException {
        StringBuilder sb = new StringBuilder();
        long left = 0;
        for (int fold : cfg.data().runFolds()) {
            for (long seed : cfg.seeds()) {
                for (String g : cfg.trainingGroups()) {
                    Path dir = runDir(g, fold, seed);
                    int steps = g.startsWith("refine-") ? cfg.refine().train().steps()
                            : cfg.train().steps();
                    int done = Math.max(0, checkpointStep(dir));
                    left += steps - Math.min(done, steps);
                    sb.append(String.format(Locale.ROOT, "%-28s %-10s trained %6d/%d%n", g,
                            runName(fold, seed), Math.min(done, steps), steps));
                }
                for (ExperimentConfig.Model m : cfg.models()) {
                    boolean ok = Files.isRegularFile(runDir(m.name(), fold, seed)
                            .resolve(SCORES));
                    sb.append(String.format(Locale.ROOT, "%-28s %-10s %s%n", m.name(),
                            runName(fold, seed), ok ? "evaluated" : "not evaluated"));
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "training steps left: %d%n", left));
        return sb.toString();
    }

    // ---------------------------------------------------------------- training

    TrainConfig multiConfig(ExperimentConfig.Model m, long seed, int classes) {
        ExperimentConfig.Train t = cfg.train();
        ModelConfig mc = new ModelConfig(1, classes, t.width(), t.levels(), m.skips(),
                m.kernels(), t.maxGroups());
        return new TrainConfig(mc, t.steps(), t.learningRate(), t.warmupSteps(), seed,
                t.validateEvery(), t.includeBackground(), 1e-5f, cfg.device());
    }

    TrainConfig refineConfig(long seed) {
        ExperimentConfig.Refine r = cfg.refine();
        ExperimentConfig.Train t = r.train();
        ModelConfig mc = new ModelConfig(1, 2, t.width(), t.levels(), r.skips(), r.kernels(),
                t.maxGroups());
        return new TrainConfig(mc, t.steps(), t.learningRate(), t.warmupSteps(), seed,
                t.validateEvery(), t.includeBackground(), 1e-5f, cfg.device());
    }

    private void train(String group, int fold, long seed, TrainConfig tc,
                       Supplier<TrainingSource> source) throws IOException {
        Path dir = runDir(group, fold, seed);
        String run = group + "/" + runName(fold, seed);
        int done = checkpointStep(dir);
        if (done >= 0) {
            checkSameConfig(dir, tc);
        }
        if (done >= tc.steps()) {
            events.add(new Event(run, Action.ALREADY_TRAINED));
            return;
        }
        boolean resume = done > 0;
        console.printf(Locale.ROOT, "== train %s: %s%n", run, resume
                ? "resuming at step " + done + " of " + tc.steps() : tc.steps() + " steps");
        if (resume) {
            cutMetrics(dir.resolve("metrics.csv"), done);
        }
        new Trainer(tc, source.get(), dir, console).run(resume);
        events.add(new Event(run, resume ? Action.RESUMED : Action.TRAINED));
    }

    /** The step of a run's last checkpoint, or -1 when it has none. */
    static int checkpointStep(Path dir) throws IOException {
        Path last = dir.resolve(Trainer.LAST);
        if (!Files.isRegularFile(last)) {
            return -1;
        }
        String s = SafeTensors.read(last).metadata().get(Checkpoint.STEP);
        if (s == null) {
            throw new IOException(last + ": no '" + Checkpoint.STEP + "' metadata");
        }
        return Integer.parseInt(s);
    }

    private static void checkSameConfig(Path dir, TrainConfig want) throws IOException {
        Path last = dir.resolve(Trainer.LAST);
        String json = SafeTensors.read(last).metadata().get(Checkpoint.CONFIG);
        TrainConfig have = json == null ? null : TrainConfig.fromJson(json);
        if (!want.equals(have)) {
            throw new IllegalStateException(dir + " holds a run trained with another config:\n"
                    + "  in the folder: " + (have == null ? "none" : oneLine(have)) + "\n"
                    + "  now asked for: " + oneLine(want) + "\n"
                    + "delete the folder to train it afresh, or restore the experiment config");
        }
    }

    private static String oneLine(TrainConfig c) {
        return c.toJson().replaceAll("\\s+", " ");
    }

    /** Keeps the header and the rows up to {@code step} of a metrics.csv. */
    static void cutMetrics(Path csv, int step) throws IOException {
        if (!Files.isRegularFile(csv)) {
            return;
        }
        List<String> lines = Files.readAllLines(csv);
        List<String> keep = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (i == 0) {
                keep.add(l);
                continue;
            }
            String first = l.split(",", 2)[0];
            if (first.matches("\\d+") && Integer.parseInt(first) <= step) {
                keep.add(l);
            }
        }
        Files.write(csv, keep, StandardCharsets.UTF_8);
    }

    // -------------------------------------------------------------- evaluation

    private void evaluate(ExperimentConfig.Model m, int fold, long seed, Fold f)
            throws IOException {
        String ckptName = cfg.checkpoint().equals("best") ? Trainer.BEST : Trainer.LAST;
        Path ckpt = runDir(m.trainedAs(), fold, seed).resolve(ckptName);
        List<Path> refines = new ArrayList<>();
        if (m.refine()) {
            for (String organ : cfg.refine().organs()) {
                refines.add(runDir(ExperimentConfig.refineGroup(organ), fold, seed)
                        .resolve(ckptName));
            }
        }
        Path dir = runDir(m.name(), fold, seed);
        Path scores = dir.resolve(SCORES);
        String run = m.name() + "/" + runName(fold, seed);
        List<Path> used = new ArrayList<>(refines);
        used.add(ckpt);
        if (Files.isRegularFile(scores) && newerThanAll(scores, used)) {
            events.add(new Event(run, Action.ALREADY_EVALUATED));
            return;
        }
        console.printf(Locale.ROOT, "== evaluate %s on %d test cases%n", run,
                f.testCases().size());
        Backend be = Backends.select(cfg.device());
        Segmenter seg = Segmenter.load(ckpt, be);
        Refiner refiner = m.refine() ? Refiner.load(refines, seg.spec(), be) : null;
        ScoreTable table = new ScoreTable();
        int shown = 0;
        for (TestCase tc : f.testCases()) {
            long t0 = System.nanoTime();
            Volume[] v = tc.load().get();
            Volume pred = refiner == null ? seg.segment(v[0]) : refiner.segment(seg, v[0]);
            table.add(Evaluation.evaluate(tc.id(), pred, v[1], cfg.data().organs()));
            if (cfg.savePredictions()) {
                Path out = dir.resolve("pred").resolve(tc.id() + ".nii.gz");
                Files.createDirectories(out.getParent());
                if (tc.image() != null) {
                    Nifti.write(out, pred, NiftiDatatype.UINT8, Nifti.readHeader(tc.image()));
                } else {
                    Nifti.write(out, pred, NiftiDatatype.UINT8);
                }
            }
            if (shown++ < cfg.overlays()) {
                Overlay.write(dir.resolve("overlay"), tc.id(), v[0], pred, v[1],
                        Overlay.SOFT_TISSUE);
            }
            console.printf(Locale.ROOT, "   %s: %.1f s%n", tc.id(), (System.nanoTime() - t0)
                    / 1e9);
        }
        Files.createDirectories(dir);
        table.writeCsv(scores);
        events.add(new Event(run, Action.EVALUATED));
    }

    private static boolean newerThanAll(Path file, List<Path> deps) throws IOException {
        FileTime t = Files.getLastModifiedTime(file);
        for (Path d : deps) {
            if (!Files.isRegularFile(d) || Files.getLastModifiedTime(d).compareTo(t) > 0) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ data

    /** The data of one fold, opened on first use. */
    private final class Fold {
        private final int index;
        private TrainingSource multi;
        private final Map<String, TrainingSource> refine = new java.util.HashMap<>();
        /** Preprocessed cases shared by the refinement sources of all organs. */
        private final Map<String, Volume[]> refineCases =
                new java.util.concurrent.ConcurrentHashMap<>();
        private List<TestCase> tests;
        private Dataset dataset;

        Fold(int index) {
            this.index = index;
        }

        int classes() {
            return cfg.data().organs().size() + 1;
        }

        private PhantomConfig grid() {
            ExperimentConfig.Data d = cfg.data();
            return PhantomConfig.of(d.size()[0], d.size()[1], d.size()[2], d.spacing());
        }

        private Sources.RealData real() {
            ExperimentConfig.Data d = cfg.data();
            return new Sources.RealData(d.root(), d.organs(), d.clipHu(), d.sliceSpacing(),
                    d.inPlane(), d.block());
        }

        private Dataset dataset() {
            if (dataset == null) {
                try {
                    dataset = Sources.dataset(cfg.data().kind(), real());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return dataset;
        }

        TrainingSource multiSource() {
            if (multi == null) {
                ExperimentConfig.Data d = cfg.data();
                if (d.phantom()) {
                    multi = new PhantomSource(grid(), d.dataSeed(), d.trainCases(),
                            d.valCases());
                } else {
                    Dataset ds = dataset();
                    BlockSampler.Config def = BlockSampler.Config.defaults();
                    int[] b = d.block() != null ? d.block()
                            : new int[] {def.width(), def.height(), def.depth()};
                    BlockSampler.Config blocks = new BlockSampler.Config(b[0], b[1], b[2],
                            def.margin(), Math.min(def.maxOverlap(), b[2] / 2), def.imagePad());
                    multi = new DatasetSource(ds, Sources.preprocessing(ds, real()), blocks,
                            d.folds(), index, d.splitSeed(), d.validationCases());
                }
            }
            return multi;
        }

        TrainingSource refineSource(String organ) {
            return refine.computeIfAbsent(organ, o -> {
                ExperimentConfig.Data d = cfg.data();
                ExperimentConfig.Refine r = cfg.refine();
                if (d.phantom()) {
                    return RefineSource.phantom(grid(), d.dataSeed(), d.trainCases(),
                            d.valCases(), o, r.crop(), r.area());
                }
                Dataset ds = dataset();
                return RefineSource.dataset(ds, Sources.preprocessing(ds, real()), d.folds(),
                        index, d.splitSeed(), d.validationCases(), o, r.crop(), r.area(),
                        refineCases);
            });
        }

        List<TestCase> testCases() {
            if (tests == null) {
                tests = new ArrayList<>();
                ExperimentConfig.Data d = cfg.data();
                if (d.phantom()) {
                    PhantomConfig g = grid();
                    for (int i = 0; i < d.testCases(); i++) {
                        long s = TEST_SEEDS + d.dataSeed() * 1_000 + i;
                        // Small volumes: generated once and kept for every model.
                        PhantomCase[] made = new PhantomCase[1];
                        tests.add(new TestCase("phantom-test-" + i, null, () -> {
                            if (made[0] == null) {
                                made[0] = ThoraxPhantom.generate(s, g);
                            }
                            return new Volume[] {made[0].image(), made[0].labels()};
                        }));
                    }
                } else {
                    Dataset ds = dataset();
                    List<Folds.Fold> folds = Folds.split(ds.cases(), d.folds(), d.splitSeed());
                    for (Dataset.Case c : folds.get(index).test()) {
                        if (c.hasLabel()) {
                            tests.add(new TestCase(c.id(), c.image(), () -> {
                                try {
                                    Dataset.Sample s = ds.load(c);
                                    return new Volume[] {s.image(), s.label()};
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            }));
                        }
                    }
                    if (tests.isEmpty()) {
                        throw new IllegalArgumentException(ds.name() + ": fold " + index
                                + " has no labelled test case");
                    }
                }
            }
            return tests;
        }
    }
}
