package vox.bench;

import java.util.Locale;
import vox.backend.Backend;
import vox.backend.kernels.KernelBackend;
import vox.backend.profile.Peaks;
import vox.backend.profile.ProfilingBackend;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * The roofs of a device backend (OpenCL, CUDA), measured with its own
 * kernels: the FMA chains of {@code src/main/cuda/peak.cu}
 * ({@link KernelBackend#launchFmaPeak}) over enough work-groups to fill
 * the device, and the backend's axpby, y = a x + b y, as a triad over two
 * tensors (12 bytes per element). The best of a few timed runs counts.
 */
public final class DeviceCalibration {
    /** Length an FMA launch is sized to. */
    public static final double LAUNCH_SECONDS = 0.02;
    /** Elements of each triad tensor: 16 Mi floats, 64 MiB. */
    public static final int TRIAD_ELEMENTS = 16 << 20;

    private DeviceCalibration() {
    }

    /**
     * What was measured.
     *
     * @param gflops      FMA rate of the calibration kernel, GFLOP/s
     * @param gbPerSecond axpby triad bandwidth, GB/s
     * @param items       work-items of one FMA launch
     * @param iters       steps per chain of one FMA launch
     */
    public record Result(double gflops, double gbPerSecond, int items, int iters) {
        /** As the profiler's roofs. */
        public Peaks peaks() {
            return new Peaks(gflops, gbPerSecond, String.format(Locale.ROOT,
                    "device kernels: fma chains on %d work-items; axpby over 2 x %d MiB", items,
                    TRIAD_ELEMENTS * 4L >> 20));
        }
    }

    /** The kernel backend behind {@code be} (unwrapping the profiler), or null. */
    public static KernelBackend<?> kernels(Backend be) {
        Backend inner = be instanceof ProfilingBackend p ? p.inner() : be;
        return inner instanceof KernelBackend<?> k ? k : null;
    }

    /**
     * Steps per chain that make one FMA launch last about {@link #LAUNCH_SECONDS}
     * (doubling from 1024; the first launch also builds the kernel).
     */
    public static int fmaIters(KernelBackend<?> k, Backend be, Tensor out) {
        int iters = 1 << 10;
        while (true) {
            k.launchFmaPeak(out, iters);
            be.synchronize();
            long t0 = System.nanoTime();
            k.launchFmaPeak(out, iters);
            be.synchronize();
            double seconds = (System.nanoTime() - t0) * 1e-9;
            if (seconds >= LAUNCH_SECONDS / 2 || iters >= 1 << 24) {
                return iters;
            }
            iters *= 2;
        }
    }

    /** Measures both roofs of {@code be}, a device backend (else IllegalArgumentException). */
    public static Result measure(Backend be) {
        KernelBackend<?> k = kernels(be);
        if (k == null) {
            throw new IllegalArgumentException("device calibration: " + be.description()
                    + " has no calibration kernel; expected an OpenCL or CUDA backend");
        }
        try (Tensor out = be.empty(Shape.of(k.peakItems()));
             Tensor x = be.zeros(Shape.of(TRIAD_ELEMENTS));
             Tensor y = be.zeros(Shape.of(TRIAD_ELEMENTS))) {
            int iters = fmaIters(k, be, out);
            double best = 0;
            for (int run = 0; run < 5; run++) {
                long t0 = System.nanoTime();
                double flops = k.launchFmaPeak(out, iters);
                be.synchronize();
                best = Math.max(best, flops / ((System.nanoTime() - t0) * 1e-9));
            }
            be.fill(x, 1f);
            double bw = 0;
            for (int run = 0; run < 6; run++) {
                long t0 = System.nanoTime();
                be.axpby(0.5f, x, 0.5f, y);
                be.synchronize();
                double s = (System.nanoTime() - t0) * 1e-9;
                if (run > 0) {  // the first run also builds the kernel
                    bw = Math.max(bw, 12.0 * TRIAD_ELEMENTS / s);
                }
            }
            return new Result(best / 1e9, bw / 1e9, k.peakItems(), iters);
        }
    }
}
