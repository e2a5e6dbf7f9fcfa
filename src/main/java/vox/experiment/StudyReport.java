package vox.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import vox.metrics.Metric;
import vox.metrics.OrganScore;
import vox.metrics.RepeatedMeasuresAnova;
import vox.metrics.ScoreTable;

/**
 * The results of a study, from the scores.csv and metrics.csv files of its
 * runs: {@code results/summary.md} (per-organ Dice, HD and HD95 per model;
 * the repeated-measures ANOVA of each comparison), one pooled
 * {@code scores-MODEL.csv} per model, and the training curves under
 * {@code results/plots/}.
 *
 * <p>A table cell is the mean over seeds of the per-seed mean over test
 * cases, with the standard deviation over seeds after it when there are
 * several seeds. The ANOVA's subjects are either the test cases (each
 * value averaged over seeds) or the seeds (each value the mean over the
 * test cases); the models are the repeated measures. Missing runs are
 * listed, not guessed.
 */
final class StudyReport {
    private final Experiment exp;
    private final ExperimentConfig cfg;

    StudyReport(Experiment exp) {
        this.exp = exp;
        this.cfg = exp.config();
    }

    /** Per model, per seed: the scores of all folds' test cases. */
    private Map<String, Map<Long, ScoreTable>> load(List<String> missing) throws IOException {
        Map<String, Map<Long, ScoreTable>> out = new LinkedHashMap<>();
        for (ExperimentConfig.Model m : cfg.models()) {
            Map<Long, ScoreTable> bySeed = new LinkedHashMap<>();
            for (long seed : cfg.seeds()) {
                ScoreTable t = new ScoreTable();
                boolean complete = true;
                for (int fold : cfg.data().runFolds()) {
                    Path f = exp.runDir(m.name(), fold, seed).resolve(Experiment.SCORES);
                    if (Files.isRegularFile(f)) {
                        t.add(ScoreTable.readCsv(f).rows());
                    } else {
                        complete = false;
                        missing.add(m.name() + "/" + Experiment.runName(fold, seed));
                    }
                }
                if (complete) {
                    bySeed.put(seed, t);
                }
            }
            out.put(m.name(), bySeed);
        }
        return out;
    }

    void write(PrintStream console) throws IOException {
        Path dir = exp.resultsDir();
        Files.createDirectories(dir);
        List<String> missing = new ArrayList<>();
        Map<String, Map<Long, ScoreTable>> scores = load(missing);

        StringBuilder md = new StringBuilder();
        md.append("# ").append(cfg.name()).append(": results\n\n");
        md.append(describe()).append("\n\n");
        for (Metric m : new Metric[] {Metric.DICE, Metric.HD, Metric.HD95}) {
            md.append("## ").append(m == Metric.DICE ? "Dice (%)" : m == Metric.HD
                    ? "Hausdorff distance (mm)" : "95th percentile Hausdorff distance (mm)")
                    .append(" per organ\n\n");
            md.append(organTable(scores, m)).append('\n');
        }
        if (!cfg.compare().isEmpty()) {
            md.append("## Repeated-measures ANOVA\n\n").append(anova(scores)).append('\n');
        }
        writePooled(scores, dir);
        md.append(plots(dir.resolve("plots")));
        if (!missing.isEmpty()) {
            md.append("\n## Missing runs\n\nNot evaluated yet: ").append(String.join(", ",
                    missing)).append(".\n");
        }
        Files.writeString(dir.resolve("summary.md"), md.toString());
        console.println("results written to " + dir);
    }

    private String describe() {
        ExperimentConfig.Data d = cfg.data();
        ExperimentConfig.Train t = cfg.train();
        String data = d.phantom()
                ? String.format(Locale.ROOT, "Thorax phantom %dx%dx%d voxels of %sx%sx%s mm:"
                        + " %d training, %d validation, %d test cases (data seed %d)",
                        d.size()[0], d.size()[1], d.size()[2], num(d.spacing()[0]),
                        num(d.spacing()[1]), num(d.spacing()[2]), d.trainCases(),
                        d.valCases(), d.testCases(), d.dataSeed())
                : String.format(Locale.ROOT, "%s in %s: %d-fold cross-validation (split"
                        + " seed %d), folds %s", d.kind(), d.root(), d.folds(), d.splitSeed(),
                        d.runFolds());
        StringBuilder sb = new StringBuilder(data).append(".\n");
        sb.append(String.format(Locale.ROOT, "Seeds %s. Multi-class networks: width %d, %d"
                + " levels, %d steps, learning rate %s; evaluated with the %s checkpoint.",
                cfg.seeds(), t.width(), t.levels(), t.steps(), Float.toString(t.learningRate()),
                cfg.checkpoint()));
        ExperimentConfig.Refine r = cfg.refine();
        if (r != null) {
            sb.append(String.format(Locale.ROOT, "\nRefinement of %s: %s %s networks, width"
                    + " %d, %d levels, %d steps, crops %dx%dx%d drawn in %dx%dx%d.",
                    String.join(", ", r.organs()), r.skips(), r.kernels(), r.train().width(),
                    r.train().levels(), r.train().steps(), r.crop()[0], r.crop()[1],
                    r.crop()[2], r.area()[0], r.area()[1], r.area()[2]));
        }
        return sb.toString();
    }

    /** Organ rows, model columns, "mean ± sd" cells; a last row for the mean over organs. */
    private String organTable(Map<String, Map<Long, ScoreTable>> scores, Metric m) {
        List<String> models = new ArrayList<>(scores.keySet());
        List<String> organs = cfg.data().organs();
        double scale = m == Metric.DICE ? 100 : 1;
        StringBuilder sb = new StringBuilder("| organ |");
        for (String model : models) {
            sb.append(' ').append(model).append(" |");
        }
        sb.append("\n| --- |").append(" ---: |".repeat(models.size())).append('\n');
        List<String> rows = new ArrayList<>(organs);
        rows.add("mean");
        for (String organ : rows) {
            sb.append("| ").append(organ).append(" |");
            for (String model : models) {
                List<Double> perSeed = new ArrayList<>();
                for (ScoreTable t : scores.get(model).values()) {
                    double v = organ.equals("mean") ? t.overall(m).mean()
                            : t.organSummary(organ, m).mean();
                    perSeed.add(v * scale);
                }
                sb.append(' ').append(cell(perSeed)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String cell(List<Double> perSeed) {
        double sum = 0;
        int n = 0;
        for (double v : perSeed) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        if (n == 0) {
            return "n/a";
        }
        double mean = sum / n;
        if (n == 1) {
            return String.format(Locale.ROOT, "%.2f", mean);
        }
        double ss = 0;
        for (double v : perSeed) {
            if (!Double.isNaN(v)) {
                ss += (v - mean) * (v - mean);
            }
        }
        return String.format(Locale.ROOT, "%.2f ± %.2f", mean, Math.sqrt(ss / (n - 1)));
    }

    // ------------------------------------------------------------------ ANOVA

    private String anova(Map<String, Map<Long, ScoreTable>> scores) {
        boolean bySeed = cfg.subjects().equals("seed");
        StringBuilder sb = new StringBuilder();
        sb.append(bySeed ? "Subjects are the seeds (each value the mean over the test"
                + " cases)." : "Subjects are the test cases (each value the mean over"
                + " the seeds).").append(" Mean over organs first, then organ by organ.\n\n");
        sb.append("| models | metric | organ | F | df | p | subjects |\n");
        sb.append("| --- | --- | --- | ---: | ---: | ---: | ---: |\n");
        for (List<String> group : cfg.compare()) {
            for (Metric m : new Metric[] {Metric.DICE, Metric.HD}) {
                List<String> organs = new ArrayList<>();
                organs.add(null);
                organs.addAll(cfg.data().organs());
                for (String organ : organs) {
                    sb.append("| ").append(String.join(" vs ", group)).append(" | ")
                            .append(m.column).append(" | ")
                            .append(organ == null ? "mean" : organ).append(" | ");
                    sb.append(anovaCells(scores, group, m, organ, bySeed)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    private String anovaCells(Map<String, Map<Long, ScoreTable>> scores, List<String> group,
                              Metric m, String organ, boolean bySeed) {
        List<double[]> rows = new ArrayList<>();
        int dropped = 0;
        List<Long> seeds = new ArrayList<>(cfg.seeds());
        for (String model : group) {
            seeds.retainAll(scores.get(model).keySet());
        }
        if (bySeed) {
            for (long s : seeds) {
                double[] row = new double[group.size()];
                for (int j = 0; j < group.size(); j++) {
                    ScoreTable t = scores.get(group.get(j)).get(s);
                    row[j] = organ == null ? t.overall(m).mean() : t.organSummary(organ, m)
                            .mean();
                }
                dropped += addRow(rows, row);
            }
        } else if (!seeds.isEmpty()) {
            Set<String> cases = new LinkedHashSet<>(
                    scores.get(group.get(0)).get(seeds.get(0)).cases());
            for (String c : cases) {
                double[] row = new double[group.size()];
                for (int j = 0; j < group.size(); j++) {
                    double sum = 0;
                    for (long s : seeds) {
                        ScoreTable t = scores.get(group.get(j)).get(s);
                        sum += organ == null ? t.caseMean(c, m) : t.value(c, organ, m);
                    }
                    row[j] = sum / seeds.size();
                }
                dropped += addRow(rows, row);
            }
        }
        String n = rows.size() + (dropped > 0 ? " (" + dropped + " dropped)" : "");
        if (rows.size() < 2) {
            return "n/a | n/a | n/a | " + n + " |";
        }
        if (identical(rows)) {
            // No difference at all (e.g. an organ that refinement does not touch).
            return "equal | n/a | n/a | " + n + " |";
        }
        RepeatedMeasuresAnova.Result r = RepeatedMeasuresAnova.test(rows.toArray(
                new double[0][]));
        return String.format(Locale.ROOT, "%.4f | %d, %d | %.4g | %s |", r.f(), r.dfModels(),
                r.dfError(), r.p(), n);
    }

    /** Whether every subject has the same value under every model. */
    private static boolean identical(List<double[]> rows) {
        for (double[] r : rows) {
            for (double v : r) {
                if (Math.abs(v - r[0]) > 1e-12 * Math.max(1, Math.abs(r[0]))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Adds a row when every value is defined; returns 1 when it was dropped. */
    private static int addRow(List<double[]> rows, double[] row) {
        for (double v : row) {
            if (Double.isNaN(v)) {
                return 1;
            }
        }
        rows.add(row);
        return 0;
    }

    // ------------------------------------------------------------ files, plots

    private void writePooled(Map<String, Map<Long, ScoreTable>> scores, Path dir)
            throws IOException {
        for (var e : scores.entrySet()) {
            ScoreTable pooled = new ScoreTable();
            for (var s : e.getValue().entrySet()) {
                List<OrganScore> rows = new ArrayList<>();
                for (OrganScore o : s.getValue().rows()) {
                    rows.add(new OrganScore(o.caseId() + "@s" + s.getKey(), o.organ(),
                            o.label(), o.dice(), o.hd(), o.hd95(), o.assd(), o.predVoxels(),
                            o.truthVoxels()));
                }
                pooled.add(rows);
            }
            if (!pooled.rows().isEmpty()) {
                pooled.writeCsv(dir.resolve("scores-" + e.getKey() + ".csv"));
            }
        }
    }

    /** One PNG per training group (every run) and two across models (means); markdown links. */
    private String plots(Path dir) throws IOException {
        StringBuilder sb = new StringBuilder("## Training curves\n\n");
        List<Plots.Curves> means = new ArrayList<>();
        for (String g : cfg.trainingGroups()) {
            List<Path> csvs = new ArrayList<>();
            List<String> labels = new ArrayList<>();
            for (int fold : cfg.data().runFolds()) {
                for (long seed : cfg.seeds()) {
                    csvs.add(exp.runDir(g, fold, seed).resolve("metrics.csv"));
                    labels.add(Experiment.runName(fold, seed));
                }
            }
            List<Plots.Curves> runs = Plots.readAll(csvs, labels);
            if (runs.isEmpty()) {
                continue;
            }
            Path png = dir.resolve(g + ".png");
            Plots.write(png, g + ": every run", runs, 900, 650);
            sb.append("![").append(g).append("](plots/").append(g).append(".png)\n");
            if (!g.startsWith("refine-")) {
                means.add(Plots.mean(g, runs));
            }
        }
        if (!means.isEmpty()) {
            Plots.write(dir.resolve("models.png"), cfg.name() + ": mean over runs", means,
                    1000, 700);
            sb.insert("## Training curves\n\n".length(), "![models](plots/models.png)\n");
        }
        return sb.toString();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
