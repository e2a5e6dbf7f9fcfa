package vox.bench;

import java.util.Locale;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import vox.backend.cpu.Parallel;
import vox.backend.profile.Peaks;

/**
 * Measures the roofs of this machine that kernels are compared with:
 * the FP32 multiply-add peak and the memory bandwidth, both on the CPU
 * backend's thread count ({@link Parallel#threads()}, {@code VOX_THREADS}).
 *
 * <p>Peak: every thread runs a Vector API loop of {@value #CHAINS}
 * independent fused multiply-add chains on the widest float vectors, after
 * a warm-up that lets the JIT compile it; enough chains to hide the FMA
 * latency on the cores we know of. The best of a few timed runs counts.
 *
 * <p>Bandwidth: the STREAM triad {@code a[i] = b[i] + s * c[i]} over three
 * arrays much larger than the last-level cache, split evenly over the
 * threads, counting 12 bytes per element (two reads, one write; the
 * write-allocate read that most caches add is not counted, as in STREAM).
 */
public final class Calibration {
    /** Independent FMA chains per thread. */
    public static final int CHAINS = 12;
    /** Triad array length by default: 16 Mi floats, 64 MiB per array. */
    public static final int DEFAULT_TRIAD_ELEMENTS = 16 << 20;

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static volatile float sink;

    private Calibration() {
    }

    /**
     * What was measured.
     *
     * @param gflops        FP32 FMA peak, GFLOP/s over all threads
     * @param gbPerSecond   triad bandwidth, GB/s
     * @param threads       threads used
     * @param lanes         floats per vector
     * @param triadElements elements per triad array
     */
    public record Result(double gflops, double gbPerSecond, int threads, int lanes,
                         int triadElements) {

        /** As the profiler's roofs. */
        public Peaks peaks() {
            return new Peaks(gflops, gbPerSecond, describe());
        }

        public String describe() {
            return String.format(Locale.ROOT, "fp32 fma on %d threads x %d lanes; triad over"
                    + " 3 x %d MiB", threads, lanes, triadElements * 4L >> 20);
        }
    }

    /** Both roofs with the defaults: about a second and 192 MiB of heap. */
    public static Result measure() {
        return measure(Parallel.threads(), 0.2, DEFAULT_TRIAD_ELEMENTS);
    }

    /**
     * @param threads       threads to run on
     * @param seconds       length of each timed FMA run (five are run)
     * @param triadElements length of each triad array
     */
    public static Result measure(int threads, double seconds, int triadElements) {
        double peak = fmaPeak(threads, seconds);
        double bw = triadBandwidth(threads, triadElements, 10);
        return new Result(peak, bw, threads, SPECIES.length(), triadElements);
    }

    // ---- FMA peak -----------------------------------------------------------

    /** FP32 GFLOP/s of FMA chains on {@code threads} threads; best of five runs. */
    public static double fmaPeak(int threads, double seconds) {
        if (threads <= 0 || !(seconds > 0)) {
            throw new IllegalArgumentException("fmaPeak: threads and seconds must be positive,"
                    + " got " + threads + " and " + seconds);
        }
        // Warm-up: enough calls on every thread for the JIT to compile the loop.
        int iters = 1 << 14;
        long t = timeOnThreads(threads, i -> {
            for (int r = 0; r < 200; r++) {
                sink += fmaChains(iters);
            }
        });
        double callsPerSecond = 200 / Math.max(t / 1e9, 1e-6);
        int calls = (int) Math.max(1, Math.min(1 << 24, callsPerSecond * seconds));
        double best = 0;
        for (int run = 0; run < 5; run++) {
            long ns = timeOnThreads(threads, i -> {
                float s = 0;
                for (int r = 0; r < calls; r++) {
                    s += fmaChains(iters);
                }
                sink += s;
            });
            double flops = 2.0 * CHAINS * SPECIES.length() * (double) iters * calls * threads;
            best = Math.max(best, flops / ns);
        }
        return best;
    }

    /**
     * {@code iters} rounds of {@value #CHAINS} independent FMAs on vectors of
     * the preferred species (2 x CHAINS x lanes x iters FLOP); the result
     * depends on every chain. The JMH calibration runs the same loop.
     */
    public static float fmaChains(int iters) {
        FloatVector m = FloatVector.broadcast(SPECIES, 0.999f);
        FloatVector c = FloatVector.broadcast(SPECIES, 1e-3f);
        // Each chain tends to c / (1 - m) = 1: values stay normal, never overflow.
        FloatVector a0 = FloatVector.broadcast(SPECIES, 0.1f);
        FloatVector a1 = FloatVector.broadcast(SPECIES, 0.2f);
        FloatVector a2 = FloatVector.broadcast(SPECIES, 0.3f);
        FloatVector a3 = FloatVector.broadcast(SPECIES, 0.4f);
        FloatVector a4 = FloatVector.broadcast(SPECIES, 0.5f);
        FloatVector a5 = FloatVector.broadcast(SPECIES, 0.6f);
        FloatVector a6 = FloatVector.broadcast(SPECIES, 0.7f);
        FloatVector a7 = FloatVector.broadcast(SPECIES, 0.8f);
        FloatVector a8 = FloatVector.broadcast(SPECIES, 0.9f);
        FloatVector a9 = FloatVector.broadcast(SPECIES, 1.1f);
        FloatVector a10 = FloatVector.broadcast(SPECIES, 1.2f);
        FloatVector a11 = FloatVector.broadcast(SPECIES, 1.3f);
        for (int i = 0; i < iters; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5)
                .add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return s.reduceLanes(VectorOperators.ADD);
    }

    // ---- bandwidth ------------------------------------------------------------

    /** Triad GB/s over arrays of {@code elements} floats; best of {@code repeats} passes. */
    public static double triadBandwidth(int threads, int elements, int repeats) {
        if (threads <= 0 || elements < threads || repeats <= 0) {
            throw new IllegalArgumentException("triadBandwidth: need threads > 0, elements >="
                    + " threads and repeats > 0, got " + threads + ", " + elements + ", "
                    + repeats);
        }
        float[] a = new float[elements];
        float[] b = new float[elements];
        float[] c = new float[elements];
        IntConsumer init = i -> {
            int from = (int) ((long) elements * i / threads);
            int to = (int) ((long) elements * (i + 1) / threads);
            for (int k = from; k < to; k++) {
                b[k] = 1f;
                c[k] = 2f;
            }
        };
        timeOnThreads(threads, init);
        float s = 0.5f;
        IntConsumer triad = i -> {
            int from = (int) ((long) elements * i / threads);
            int to = (int) ((long) elements * (i + 1) / threads);
            for (int k = from; k < to; k++) {
                a[k] = b[k] + s * c[k];
            }
        };
        timeOnThreads(threads, triad); // warm-up (JIT, page mapping)
        long best = Long.MAX_VALUE;
        for (int r = 0; r < repeats; r++) {
            best = Math.min(best, timeOnThreads(threads, triad));
        }
        sink += a[elements / 2];
        return 12.0 * elements / best;
    }

    /**
     * Runs body(0) .. body(threads - 1) on as many threads, released
     * together; returns ns from the first start to the last end, as each
     * thread reads the clock itself (the releasing thread may be descheduled).
     */
    static long timeOnThreads(int threads, IntConsumer body) {
        CyclicBarrier go = new CyclicBarrier(threads);
        Thread[] ts = new Thread[threads];
        long[] start = new long[threads];
        long[] end = new long[threads];
        Throwable[] failure = new Throwable[1];
        for (int i = 0; i < threads; i++) {
            int id = i;
            ts[i] = new Thread(() -> {
                try {
                    go.await();
                    start[id] = System.nanoTime();
                    body.accept(id);
                    end[id] = System.nanoTime();
                } catch (InterruptedException | BrokenBarrierException e) {
                    Thread.currentThread().interrupt();
                    failure[0] = e;
                } catch (RuntimeException | Error e) {
                    failure[0] = e;
                }
            }, "vox-calibration-" + i);
            ts[i].start();
        }
        try {
            for (Thread t : ts) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("calibration interrupted", e);
        }
        if (failure[0] != null) {
            throw new IllegalStateException("calibration failed: " + failure[0], failure[0]);
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < threads; i++) {
            first = Math.min(first, start[i]);
            last = Math.max(last, end[i]);
        }
        return Math.max(last - first, 1);
    }
}
