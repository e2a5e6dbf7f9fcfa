package vox.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.Conv3dSpec;
import vox.backend.kernels.KernelBackend;
import vox.backend.profile.KernelCost;
import vox.backend.profile.Peaks;
import vox.model.ModelConfig;
import vox.tensor.Device;
import vox.tensor.Shape;
import vox.tensor.Tensor;
import vox.tensor.TensorScope;

/**
 * The measurements of {@code vox bench}: the machine's roofs
 * ({@link Calibration}), the three convolution directions at V-Net shapes,
 * and a training step of the phantom cascade, each as a {@link BenchRow}.
 *
 * <p>Convolution rows: at level l (1-based) of a V-Net with base width
 * {@code width}, a 3x3x3 convolution with padding 1 maps C = K =
 * width * 2^(l-1) channels on the block halved l - 1 times, as the
 * encoder's residual blocks do. The step row runs a Mixed R-BLSC cascade
 * (by default that of {@code vox train}: width 8, 4 levels) on a phantom
 * case of the block's size, batch 1, with Adam: forward, Dice loss of both
 * stages, backward and update. Its FLOPs and bytes are what the kernel
 * profiler counts over the warm-up step.
 *
 * <p>Every row is timed after a warm-up (see {@link #time}); the median of the timed
 * runs is reported, each ended by a {@code synchronize()}.
 */
public final class Bench {

    /**
     * What to run.
     *
     * @param device     backend spec (auto, cpu, opencl, cuda)
     * @param block      block (W, H, D); each a multiple of 2^(levels - 1)
     * @param width      channels at level 1 of the convolution rows
     * @param levels     levels of the convolution rows, 2 to 5
     * @param stepWidth  channels at level 1 of the cascade of the step row
     * @param stepLevels levels of that cascade, 2 to 5
     * @param runs       timed runs per row after the warm-up
     * @param trainStep  whether to time a training step
     * @param calibrate  whether to measure the roofs (off: no fraction of peak)
     */
    public record Config(String device, int[] block, int width, int levels, int stepWidth,
                         int stepLevels, int runs, boolean trainStep, boolean calibrate) {

        public Config {
            if (block.length != 3) {
                throw new IllegalArgumentException("bench: block needs 3 extents WxHxD, got "
                        + Arrays.toString(block));
            }
            checkLevels("levels", levels, block);
            if (trainStep) {
                checkLevels("step levels", stepLevels, block);
            }
            if (width <= 0 || stepWidth <= 0 || runs <= 0) {
                throw new IllegalArgumentException("bench: widths and runs must be positive,"
                        + " got width " + width + ", step width " + stepWidth + ", runs "
                        + runs);
            }
        }

        private static void checkLevels(String what, int levels, int[] block) {
            if (levels < 2 || levels > ModelConfig.ENCODER_CONVS.length) {
                throw new IllegalArgumentException("bench: " + what + " must be in [2, "
                        + ModelConfig.ENCODER_CONVS.length + "], got " + levels);
            }
            int m = 1 << (levels - 1);
            for (int b : block) {
                if (b <= 0 || b % m != 0) {
                    throw new IllegalArgumentException("bench: block " + block[0] + "x"
                            + block[1] + "x" + block[2] + " must be positive multiples of "
                            + m + " for " + levels + " " + what);
                }
            }
        }
    }

    /**
     * Everything {@code vox bench} prints.
     *
     * @param device backend description
     * @param peaks  the roofs, or null when not calibrated
     * @param config what ran
     * @param rows   roofs first, then convolutions, then the training step
     */
    public record Report(String device, Peaks peaks, Config config, List<BenchRow> rows) {
    }

    private Bench() {
    }

    /** Runs the configured rows; progress goes to {@code log}. */
    public static Report run(Config cfg, PrintStream log) {
        Backend be = Backends.select(cfg.device());
        List<BenchRow> rows = new ArrayList<>();
        Peaks peaks = null;
        if (cfg.calibrate() && be.device().kind() == Device.Kind.CPU) {
            log.println("bench: calibrating the CPU roofs (about 2 s)");
            Calibration.Result c = Calibration.measure();
            peaks = c.peaks();
            rows.add(new BenchRow("fp32 fma peak", Calibration.CHAINS + " chains x " + c.lanes()
                    + " lanes x " + c.threads() + " threads", Double.NaN, 0, 0, c.gflops(), 0,
                    1, "F"));
            rows.add(new BenchRow("triad bandwidth", "3 x " + (c.triadElements() * 4L >> 20)
                    + " MiB", Double.NaN, 0, 0, 0, c.gbPerSecond(), 1, "B"));
        } else if (cfg.calibrate() && DeviceCalibration.kernels(be) != null) {
            log.println("bench: calibrating the device roofs with its own kernels");
            DeviceCalibration.Result c = DeviceCalibration.measure(be);
            peaks = c.peaks();
            rows.add(new BenchRow("fp32 fma peak (device)", c.items() + " work-items x "
                    + KernelBackend.PEAK_CHAINS + " chains", Double.NaN, 0, 0, c.gflops(), 0, 1,
                    "F"));
            rows.add(new BenchRow("axpby triad (device)", "2 x "
                    + (DeviceCalibration.TRIAD_ELEMENTS * 4L >> 20) + " MiB", Double.NaN, 0, 0,
                    0, c.gbPerSecond(), 1, "B"));
        }
        Peaks roofs = peaks;
        for (int l = 0; l < cfg.levels(); l++) {
            log.printf(Locale.ROOT, "bench: convolutions at level %d%n", l + 1);
            rows.addAll(convRows(be, cfg, l, roofs));
        }
        if (cfg.trainStep()) {
            log.println("bench: training step of the phantom cascade");
            rows.add(trainStepRow(be, cfg, roofs));
        }
        return new Report(be.description(), peaks, cfg, rows);
    }

    /** The spec of the level-l (0-based) 3x3x3 convolution. */
    static Conv3dSpec levelSpec(Config cfg, int level) {
        int c = cfg.width() << level;
        int[] b = cfg.block();
        return new Conv3dSpec(1, c, b[2] >> level, b[1] >> level, b[0] >> level, c,
                3, 3, 3, 1, 1, 1, 1, 1, 1);
    }

    private static List<BenchRow> convRows(Backend be, Config cfg, int level, Peaks roofs) {
        Conv3dSpec s = levelSpec(cfg, level);
        String shape = String.format(Locale.ROOT, "x(1,%d,%d,%d,%d) K=%d 3x3x3", s.c(), s.d(),
                s.h(), s.w(), s.k());
        SplittableRandom rng = new SplittableRandom(level);
        List<BenchRow> rows = new ArrayList<>();
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = random(be, s.inputShape(), rng);
            Tensor w = random(be, s.weightShape(), rng);
            Tensor bias = random(be, Shape.of(s.k()), rng);
            Tensor y = random(be, s.outputShape(), rng);
            Tensor dX = be.empty(s.inputShape());
            Tensor dW = be.empty(s.weightShape());
            String name = "conv L" + (level + 1) + " ";
            rows.add(row(name + "forward", shape, KernelCost.conv3dForward(s, true),
                    time(be, cfg.runs(), true, () -> be.conv3dForward(x, w, bias, s, y)),
                    roofs));
            rows.add(row(name + "backward-data", shape, KernelCost.conv3dBackwardData(s),
                    time(be, cfg.runs(), true, () -> be.conv3dBackwardData(y, w, s, dX)),
                    roofs));
            rows.add(row(name + "backward-weight", shape, KernelCost.conv3dBackwardWeight(s),
                    time(be, cfg.runs(), true, () -> be.conv3dBackwardWeight(x, y, s, dW)),
                    roofs));
        }
        return rows;
    }

    private static BenchRow trainStepRow(Backend be, Config cfg, Peaks roofs) {
        int[] b = cfg.block();
        TrainStep step = new TrainStep(be, cfg.stepWidth(), cfg.stepLevels(), b).count();
        double ms = time(be, cfg.runs(), true, step::run);
        String shape = String.format(Locale.ROOT, "mixed-r-blsc w%d L%d, phantom %dx%dx%d",
                cfg.stepWidth(), cfg.stepLevels(), b[0], b[1], b[2]);
        return row("train step", shape, new KernelCost.Cost(step.flops(), step.bytes()), ms,
                roofs);
    }

    private static BenchRow row(String name, String shape, KernelCost.Cost cost, double ms,
                                Peaks roofs) {
        double gflops = cost.flops() / (ms * 1e6);
        double gbs = cost.bytes() / (ms * 1e6);
        double roof = roofs == null ? Double.NaN : roofs.fractionOfRoof(gflops, gbs);
        String bound = roofs == null ? "" : roofs.bound(gflops, gbs);
        return new BenchRow(name, shape, ms, cost.flops() / 1e9, cost.bytes() / 1e9, gflops,
                gbs, roof, bound);
    }

    /** Fewest warm-up runs of a row. */
    static final int WARMUP_RUNS = 3;
    /** Warm-up runs continue until this much time has passed (at most 50 runs). */
    static final long WARMUP_NANOS = 500_000_000L;

    /**
     * Median ms of {@code runs} timed runs, after a warm-up if asked: at
     * least {@value #WARMUP_RUNS} runs and half a second, so that the JIT
     * has compiled the Vector API kernels (they run tens of times slower
     * before).
     */
    static double time(Backend be, int runs, boolean warmUp, Runnable work) {
        if (warmUp) {
            long end = System.nanoTime() + WARMUP_NANOS;
            int n = 0;
            do {
                work.run();
                be.synchronize();
                n++;
            } while (n < WARMUP_RUNS || (System.nanoTime() < end && n < 50));
        }
        double[] ms = new double[runs];
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            work.run();
            be.synchronize();
            ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
    }

    private static Tensor random(Backend be, Shape shape, SplittableRandom rng) {
        float[] a = new float[(int) shape.numel()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return be.fromArray(shape, a);
    }

    /**
     * The report as JSON: device, peaks, config and rows with the fields of
     * {@link BenchRow}; a value that does not apply (the time of a roof, the
     * roof of a device without one) is null.
     */
    public static String toJson(Report r) {
        Gson gson = new GsonBuilder().setPrettyPrinting().serializeNulls().create();
        JsonObject root = new JsonObject();
        root.addProperty("device", r.device());
        root.add("peaks", gson.toJsonTree(r.peaks()));
        root.add("config", gson.toJsonTree(r.config()));
        JsonArray rows = new JsonArray();
        for (BenchRow row : r.rows()) {
            JsonObject o = new JsonObject();
            o.addProperty("name", row.name());
            o.addProperty("shape", row.shape());
            o.addProperty("ms", finite(row.ms()));
            o.addProperty("gflop", row.gflop());
            o.addProperty("gbytes", row.gbytes());
            o.addProperty("gflops", row.gflops());
            o.addProperty("gbPerSecond", row.gbPerSecond());
            o.addProperty("roof", finite(row.roof()));
            o.addProperty("bound", row.bound());
            rows.add(o);
        }
        root.add("rows", rows);
        return gson.toJson(root);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** The report as a fixed-width table, one row per line. */
    public static String table(Report r) {
        Config c = r.config();
        StringBuilder sb = new StringBuilder();
        sb.append("vox bench on ").append(r.device()).append('\n');
        sb.append(String.format(Locale.ROOT, "block %dx%dx%d; convolutions of width %d, %d"
                + " levels; median of %d runs after a warm-up%n", c.block()[0], c.block()[1],
                c.block()[2], c.width(), c.levels(), c.runs()));
        if (r.peaks() != null) {
            sb.append("roofs: ").append(r.peaks().source()).append('\n');
        }
        String fmt = "%-26s %-40s %9s %8s %9s %8s %8s%n";
        sb.append('\n').append(String.format(Locale.ROOT, fmt, "row", "shape", "ms", "GFLOP",
                "GFLOP/s", "GB/s", "roof%"));
        for (BenchRow row : r.rows()) {
            sb.append(String.format(Locale.ROOT, fmt, row.name(), row.shape(),
                    Double.isNaN(row.ms()) ? "-" : String.format(Locale.ROOT, "%.3f", row.ms()),
                    row.gflop() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", row.gflop()),
                    row.gflops() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", row.gflops()),
                    row.gbPerSecond() == 0 ? "-"
                            : String.format(Locale.ROOT, "%.2f", row.gbPerSecond()),
                    Double.isNaN(row.roof()) ? "-" : String.format(Locale.ROOT, "%.1f %s",
                            100 * row.roof(), row.bound())));
        }
        return sb.toString();
    }
}
