package vox.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * The CPU backend's one fixed thread pool. Work is split into contiguous
 * index ranges, up to {@value #PIECES_PER_THREAD} per thread, so that uneven
 * ranges still balance, and so that a thread the operating system pauses
 * (the machine may be shared) holds up little work while the others steal
 * the rest. Set {@code VOX_THREADS} to override the thread count.
 */
public final class Parallel {
    private static final int THREADS = threadCount();
    private static final int PIECES_PER_THREAD = 16;
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS);

    private Parallel() {
    }

    /** Body of a parallel loop over the index range [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    public static int threads() {
        return THREADS;
    }

    /** Runs {@code body} over [0, n), split into ranges of at least {@code grain} indices. */
    public static void range(int n, int grain, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.max(1, Math.min(THREADS * PIECES_PER_THREAD, n / Math.max(1, grain)));
        if (chunks == 1 || THREADS == 1) {
            body.run(0, n);
            return;
        }
        if (Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread t
                && t.getPool() == POOL) {
            // Already on a worker: nested loops run inline rather than deadlock-prone.
            body.run(0, n);
            return;
        }
        POOL.invoke(new Split(body, n, chunks, 0, chunks));
    }

    public static void range(int n, RangeBody body) {
        range(n, 1, body);
    }

    private static final class Split extends RecursiveAction {
        private final RangeBody body;
        private final int n;
        private final int chunks;
        private final int lo;
        private final int hi;

        Split(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int from = (int) ((long) n * lo / chunks);
                int to = (int) ((long) n * hi / chunks);
                body.run(from, to);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Split(body, n, chunks, lo, mid), new Split(body, n, chunks, mid, hi));
        }
    }

    private static int threadCount() {
        String env = System.getenv("VOX_THREADS");
        if (env != null && !env.isBlank()) {
            try {
                int t = Integer.parseInt(env.trim());
                if (t > 0) {
                    return t;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the core count
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
