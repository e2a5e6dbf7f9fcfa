package vox.backend.profile;

/**
 * The autograd op that is running on this thread, so that the profiler can
 * say which op launched each kernel ("conv3d" for a forward,
 * "conv3d.backward" for its backward).
 *
 * <p>Ops call {@link #forward(String)} as they start; autograd brackets
 * each node's backward with {@link #enterBackward} and {@link #exit}. A forward
 * label stays until the next op or {@link #clear()}: ops have no exit hook,
 * so a launch made between ops by other code (an optimizer, a copy) shows
 * the op that ran last on the thread unless something clears the label;
 * the trainer clears it at the start and end of each step, and autograd
 * at the end of backward.
 *
 * <p>While the profiler is off every method returns after reading one
 * static flag, so the calls cost nothing measurable.
 */
public final class OpContext {
    /** The label of launches made outside any op. */
    public static final Label NONE = new Label("-", false);
    /** The label of gradient accumulation in the backward pass. */
    public static final Label ACCUMULATE = new Label("grad.accumulate", true);

    private static volatile boolean enabled;
    private static final ThreadLocal<Label[]> CURRENT =
            ThreadLocal.withInitial(() -> new Label[] {NONE});

    private OpContext() {
    }

    /**
     * What launched a kernel.
     *
     * @param op       op name; a backward carries the suffix ".backward"
     * @param backward whether it runs in the backward pass
     */
    public record Label(String op, boolean backward) {
    }

    /** Whether labels are being kept (the profiler or the kernel log is on). */
    public static boolean enabled() {
        return enabled;
    }

    static void setEnabled(boolean on) {
        enabled = on;
    }

    /** Marks the start of forward op {@code op} on this thread. */
    public static void forward(String op) {
        if (enabled) {
            CURRENT.get()[0] = new Label(op, false);
        }
    }

    /**
     * Labels the following launches "op.backward" and returns a token for
     * {@link #exit}; null while disabled.
     */
    public static Object enterBackward(String op) {
        return enabled ? enter(new Label(op + ".backward", true)) : null;
    }

    /** Sets the label and returns a token for {@link #exit}; null while disabled. */
    public static Object enter(Label label) {
        if (!enabled) {
            return null;
        }
        Label[] cur = CURRENT.get();
        Label prev = cur[0];
        cur[0] = label;
        return prev;
    }

    /** Restores the label that {@link #enter} replaced; a null token does nothing. */
    public static void exit(Object token) {
        if (token != null) {
            CURRENT.get()[0] = (Label) token;
        }
    }

    /** Forgets the label of this thread: following launches belong to no op. */
    public static void clear() {
        if (enabled) {
            CURRENT.get()[0] = NONE;
        }
    }

    /** The label of this thread ({@link #NONE} outside ops or while disabled). */
    public static Label current() {
        return enabled ? CURRENT.get()[0] : NONE;
    }
}
