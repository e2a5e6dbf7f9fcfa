package vox.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.FileHandler;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import vox.autograd.Autograd;
import vox.autograd.Grad;
import vox.autograd.NonFiniteException;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.profile.Profiler;
import vox.model.CascadedVNet;
import vox.nn.Adam;
import vox.nn.LrSchedule;
import vox.ops.Arith;
import vox.ops.Loss;
import vox.tensor.Shape;
import vox.tensor.Tensor;
import vox.tensor.TensorScope;

/**
 * Trains a {@link CascadedVNet} with deep supervision: the loss is the mean
 * of both stages' soft-Dice losses. Batch 1, Adam, warm-up then cosine decay.
 *
 * <p>A run folder holds {@code config.json}, {@code metrics.csv},
 * {@code train.log} and {@code checkpoint-last.safetensors} (plus
 * {@code checkpoint-best.safetensors}, best validation Dice). The block of
 * step s is drawn from a generator seeded by (seed, s) alone, so a resumed
 * run continues exactly as an uninterrupted one.
 */
public final class Trainer {
    private static final Logger LOG = Logger.getLogger(Trainer.class.getName());
    public static final String LAST = "checkpoint-last.safetensors";
    public static final String BEST = "checkpoint-best.safetensors";

    private final TrainConfig cfg;
    private final TrainingSource source;
    private final Path runDir;
    private final PrintStream console;

    /** What a finished run reports. */
    public record Result(int steps, List<String> classes, double[] dice, double meanDice,
                         double seconds, Path runDir) {
    }

    public Trainer(TrainConfig cfg, TrainingSource source, Path runDir, PrintStream console) {
        if (source.classNames().size() != cfg.model().numClasses()) {
            throw new IllegalArgumentException("model has " + cfg.model().numClasses()
                    + " classes but the data has " + source.classNames().size() + ": "
                    + source.classNames());
        }
        this.cfg = cfg;
        this.source = source;
        this.runDir = runDir;
        this.console = console;
    }

    /** Trains from scratch, or from the last checkpoint of the run folder when resuming. */
    public Result run(boolean resume) throws IOException {
        return run(resume, cfg.steps());
    }

    /**
     * Like {@link #run(boolean)} but stops after step {@code stopAfter}
     * (checkpointing there), as if interrupted; the schedule still spans all steps.
     */
    public Result run(boolean resume, int stopAfter) throws IOException {
        if (stopAfter <= 0 || stopAfter > cfg.steps()) {
            throw new IllegalArgumentException("stopAfter must be in [1, " + cfg.steps()
                    + "], got " + stopAfter);
        }
        Files.createDirectories(runDir);
        FileHandler logFile = new FileHandler(runDir.resolve("train.log").toString(), true);
        logFile.setFormatter(new SimpleFormatter());
        Logger.getLogger("").addHandler(logFile);
        try {
            return train(resume, stopAfter);
        } finally {
            Logger.getLogger("").removeHandler(logFile);
            logFile.close();
        }
    }

    private Result train(boolean resume, int stopAfter) throws IOException {
        Backend be = Backends.select(cfg.device());
        CascadedVNet model = new CascadedVNet(be, cfg.model(), cfg.seed());
        Adam adam = new Adam(model.namedParameters(), cfg.learningRate());
        LrSchedule schedule = LrSchedule.warmupCosine(cfg.learningRate(), cfg.warmupSteps(),
                0.05f);
        int startStep = 0;
        Path last = runDir.resolve(LAST);
        if (resume) {
            if (!Files.exists(last)) {
                throw new IllegalStateException("--resume: no " + LAST + " in " + runDir);
            }
            Map<String, String> meta = Checkpoint.load(last, model, adam);
            startStep = Integer.parseInt(meta.get(Checkpoint.STEP));
            LOG.info("resumed from " + last + " at step " + startStep);
        } else {
            Files.writeString(runDir.resolve("config.json"), cfg.toJson());
        }
        Sample probe = source.validationCases().get(0);
        Shape input = Shape.of(1, 1, probe.d(), probe.h(), probe.w());
        startupTable(be, model, input);

        MetricsCsv csv = new MetricsCsv(runDir.resolve("metrics.csv"), source.classNames(),
                resume);
        Progress progress = new Progress("train", startStep + 1, stopAfter, console);
        double bestDice = -1;
        double[] dice = null;
        long t0 = System.nanoTime();
        Map<String, String> meta =
                new java.util.LinkedHashMap<>(source.inferenceSpec().toMetadata());
        meta.putAll(source.metadata());
        meta.put(Checkpoint.CONFIG, cfg.toJson());
        int lastStep = startStep;
        for (int step = startStep + 1; step <= stopAfter; step++) {
            lastStep = step;
            float lr = schedule.at(step, cfg.steps());
            adam.setLearningRate(lr);
            long ts = System.nanoTime();
            Profiler.stepBegin(step);
            float[] losses = trainStep(be, model, adam, step);
            Profiler.stepEnd();
            double seconds = (System.nanoTime() - ts) / 1e9;
            progress.update(step, String.format(Locale.ROOT, "loss %.4f", losses[0]));

            boolean validate = step % cfg.validateEvery() == 0 || step == stopAfter;
            dice = validate ? validate(be, model) : null;
            csv.row(step, losses, lr, seconds, dice);
            if (validate) {
                double mean = meanForeground(dice);
                LOG.info(String.format(Locale.ROOT, "step %d validation mean Dice %.4f %s",
                        step, mean, diceLine(dice)));
                Checkpoint.save(last, model, adam, step, meta);
                if (mean > bestDice) {
                    bestDice = mean;
                    Checkpoint.save(runDir.resolve(BEST), model, adam, step,
                            meta);
                }
            }
        }
        csv.close();
        double total = (System.nanoTime() - t0) / 1e9;
        if (dice == null) {
            dice = validate(be, model);
        }
        return new Result(lastStep, source.classNames(), dice, meanForeground(dice), total,
                runDir);
    }

    /** One optimizer step; returns {loss, stage-1 loss, stage-2 loss}. */
    private float[] trainStep(Backend be, CascadedVNet model, Adam adam, int step) {
        Sample s = source.trainingBlock(blockSeed(cfg.seed(), step));
        float[] out;
        try (TensorScope scope = TensorScope.open()) {
            Tensor[] l = forwardLoss(be, model, s);
            out = new float[] {l[0].item(), l[1].item(), l[2].item()};
            if (!Float.isFinite(out[0])) {
                throw new IllegalStateException("training stopped at step " + step
                        + ": loss is " + out[0] + " (block " + s.id() + "); "
                        + findCulprit(be, model, s));
            }
            Autograd.backward(l[0]);
            adam.step();
            adam.zeroGrad();
        }
        return out;
    }

    private Tensor[] forwardLoss(Backend be, CascadedVNet model, Sample s) {
        int k = cfg.model().numClasses();
        Tensor x = be.fromArray(Shape.of(1, 1, s.d(), s.h(), s.w()), s.image());
        Tensor label = be.fromArray(Shape.of(1, k, s.d(), s.h(), s.w()),
                Loss.oneHot(s.labels(), k, s.id()));
        CascadedVNet.Output o = model.forward(x);
        Tensor l1 = Loss.softDice(o.stage1(), label, cfg.includeBackground(), cfg.diceEps());
        Tensor l2 = Loss.softDice(o.stage2(), label, cfg.includeBackground(), cfg.diceEps());
        return new Tensor[] {Arith.scale(Arith.add(l1, l2), 0.5f), l1, l2};
    }

    /** Replays a step with anomaly detection to name the op that made a NaN or Inf. */
    private String findCulprit(Backend be, CascadedVNet model, Sample s) {
        try (TensorScope scope = TensorScope.open(); var on = Grad.detectAnomaly()) {
            Tensor[] l = forwardLoss(be, model, s);
            Autograd.backward(l[0]);
            model.zeroGrad();
            return "replaying the step found no non-finite value";
        } catch (NonFiniteException e) {
            model.zeroGrad();
            return "the first non-finite value came from op '" + e.op() + "': "
                    + e.getMessage();
        }
    }

    /** Seed of the training block of a step: depends on nothing but (seed, step). */
    static long blockSeed(long seed, int step) {
        long z = seed * 0x9E3779B97F4A7C15L + step;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Dice per class (index 0 unused) on the validation cases, pooled over cases. */
    private double[] validate(Backend be, CascadedVNet model) {
        int k = cfg.model().numClasses();
        double[] sumDice = new double[k];
        List<Sample> cases = source.validationCases();
        for (Sample s : cases) {
            float[] pred;
            try (TensorScope scope = TensorScope.open()) {
                pred = model.predictLabels(be.fromArray(Shape.of(1, 1, s.d(), s.h(), s.w()),
                        s.image()));
            }
            List<String> organs = source.classNames().subList(1, k);
            var scores = vox.metrics.Evaluation.evaluate(s.id(),
                    vox.data.Volume.of(s.w(), s.h(), s.d(), pred, s.spacing()),
                    vox.data.Volume.of(s.w(), s.h(), s.d(), s.labels(), s.spacing()), organs);
            for (var o : scores) {
                sumDice[o.label()] += o.dice() / cases.size();
            }
        }
        return sumDice;
    }

    static double meanForeground(double[] dice) {
        double s = 0;
        for (int c = 1; c < dice.length; c++) {
            s += dice[c];
        }
        return s / (dice.length - 1);
    }

    private String diceLine(double[] dice) {
        List<String> parts = new ArrayList<>();
        for (int c = 1; c < dice.length; c++) {
            parts.add(source.classNames().get(c) + " " + String.format(Locale.ROOT, "%.3f",
                    dice[c]));
        }
        return "(" + String.join(", ", parts) + ")";
    }

    private void startupTable(Backend be, CascadedVNet model, Shape input) {
        var m = cfg.model();
        double flops = model.forwardFlops(be, input);
        LOG.info(String.format(Locale.ROOT, "%-12s %s", "device", be.description()));
        LOG.info(String.format(Locale.ROOT, "%-12s %s skips, %s kernels, width %d, %d levels,"
                + " %d classes", "model", m.skips(), m.kernels(), m.width(), m.levels(),
                m.numClasses()));
        LOG.info(String.format(Locale.ROOT, "%-12s %,d", "parameters", model.parameterCount()));
        LOG.info(String.format(Locale.ROOT, "%-12s %.2f GFLOP per forward (convolutions)",
                "flops", flops / 1e9));
        LOG.info(String.format(Locale.ROOT, "%-12s %s", "block", input));
        LOG.info(String.format(Locale.ROOT, "%-12s %s", "data", source.describe()));
        LOG.info(String.format(Locale.ROOT, "%-12s %d steps, lr %.2g, seed %d, run %s",
                "schedule", cfg.steps(), cfg.learningRate(), cfg.seed(), runDir));
    }

    /** metrics.csv: one row per step; validation columns filled where validated. */
    private static final class MetricsCsv implements AutoCloseable {
        private final Writer out;
        private final int classes;

        MetricsCsv(Path file, List<String> classNames, boolean append) throws IOException {
            boolean header = !append || !Files.exists(file);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, append ? StandardOpenOption.APPEND
                            : StandardOpenOption.TRUNCATE_EXISTING);
            classes = classNames.size();
            if (header) {
                StringBuilder sb = new StringBuilder(
                        "step,loss,loss_stage1,loss_stage2,lr,step_seconds,val_mean_dice");
                for (int c = 1; c < classes; c++) {
                    sb.append(",val_dice_").append(classNames.get(c));
                }
                out.write(sb.append('\n').toString());
            }
        }

        void row(int step, float[] loss, float lr, double seconds, double[] dice)
                throws IOException {
            StringBuilder sb = new StringBuilder();
            sb.append(step).append(',').append(loss[0]).append(',').append(loss[1]).append(',')
                    .append(loss[2]).append(',').append(lr).append(',')
                    .append(String.format(Locale.ROOT, "%.4f", seconds)).append(',');
            sb.append(dice == null ? "" : String.format(Locale.ROOT, "%.5f",
                    meanForeground(dice)));
            for (int c = 1; c < classes; c++) {
                sb.append(',');
                if (dice != null) {
                    sb.append(String.format(Locale.ROOT, "%.5f", dice[c]));
                }
            }
            out.write(sb.append('\n').toString());
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
