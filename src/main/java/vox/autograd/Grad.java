package vox.autograd;

/**
 * Whether ops record the graph for {@link Autograd#backward}. Recording is on
 * by default; {@link #noGrad()} turns it off for the current thread until the
 * returned scope closes (inference, optimizer updates).
 *
 * <pre>{@code
 * try (var off = Grad.noGrad()) {
 *     Tensor y = net.forward(x);   // no graph kept
 * }
 * }</pre>
 */
public final class Grad {
    private static final ThreadLocal<int[]> DISABLED = ThreadLocal.withInitial(() -> new int[1]);
    private static final ThreadLocal<boolean[]> ANOMALY =
            ThreadLocal.withInitial(() -> new boolean[1]);

    private Grad() {
    }

    /** A scope that closes back to the previous state. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    public static boolean isEnabled() {
        return DISABLED.get()[0] == 0;
    }

    public static Scope noGrad() {
        int[] depth = DISABLED.get();
        depth[0]++;
        return () -> depth[0]--;
    }

    /**
     * Anomaly detection: every op checks its output (and backward its
     * gradients) for NaN or infinity and throws {@link NonFiniteException}
     * naming the op. Slow: each check reads the tensor to the host.
     */
    public static Scope detectAnomaly() {
        boolean[] flag = ANOMALY.get();
        boolean before = flag[0];
        flag[0] = true;
        return () -> flag[0] = before;
    }

    public static boolean anomalyDetection() {
        return ANOMALY.get()[0];
    }
}
