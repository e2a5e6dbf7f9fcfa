package vox.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.BenchmarkParams;
import vox.backend.cpu.Parallel;

/**
 * The FMA peak measured again right before each iteration (about 100 ms,
 * all threads), reported per iteration as the secondary result
 * {@code peakMflops}. On a shared machine the load changes from minute to
 * minute; a kernel's rate divided by the peak of the same moment is a
 * steadier ratio than one divided by a calibration run minutes apart.
 * {@link BenchMain} prints the median of these per-iteration ratios, and
 * the guard uses it. A benchmark on the cuda backend is not probed: the
 * CPU's peak says nothing of a GPU's.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class PeakProbe {
    static final long PROBE_NANOS = 100_000_000L;
    // Bursts of a few milliseconds: waking the pool costs little next to one.
    static final int STEPS = 1 << 20;

    /** The probe's own warm-up: its loop must be compiled before it means anything. */
    static final long WARMUP_NANOS = 1_000_000_000L;

    private boolean warmedUp;
    private long measuredMflops;

    @Setup(Level.Iteration)
    public void probe(BenchmarkParams params) {
        if (params.getParamsKeys().contains("backend")
                && "cuda".equalsIgnoreCase(params.getParam("backend"))) {
            measuredMflops = 0;
            return;
        }
        if (!warmedUp) {
            measure(WARMUP_NANOS);
            warmedUp = true;
        }
        measuredMflops = Math.round(measure(PROBE_NANOS) / 1e6);
    }

    /**
     * FMA rate of all threads, in MFLOP/s, just before this iteration. A
     * method, not a field: JMH zeroes counter fields after the setup runs.
     */
    public long peakMflops() {
        return measuredMflops;
    }

    /** FLOP/s of the FMA chains on every thread of the pool, over about {@code nanos}. */
    static double measure(long nanos) {
        int threads = Parallel.threads();
        long flopPerBurst = 2L * Calibration.CHAINS * PeakBench.SPECIES.length() * STEPS
                * threads;
        float[] sink = new float[threads];
        long bursts = 0;
        long t0 = System.nanoTime();
        long t;
        do {
            Parallel.range(threads, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    sink[i] += Calibration.fmaChains(STEPS);
                }
            });
            bursts++;
            t = System.nanoTime();
        } while (t - t0 < nanos);
        if (Float.isNaN(sink[0])) {
            throw new IllegalStateException("FMA probe produced NaN");
        }
        return bursts * (double) flopPerBurst / ((t - t0) * 1e-9);
    }
}
