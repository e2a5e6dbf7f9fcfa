package vox.backend.profile;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import vox.backend.Backend;
import vox.tensor.Device;

/**
 * The switch of the kernel profiler. Off by default; while off,
 * {@link #wrap} hands backends back as they are and nothing is recorded.
 *
 * <p>Two settings, each also read from the environment when this class
 * loads:
 * <ul>
 * <li>profiling ({@code VOX_PROFILE=1}, {@code vox train --profile}): every
 *     launch is timed and recorded in a {@link Profile};</li>
 * <li>the kernel log ({@code VOX_KERNEL_LOG=1}, {@code --log-kernels}): one
 *     log line per launch with its time, GFLOP/s and GB/s.</li>
 * </ul>
 * Either one makes {@code Backends} return a {@link ProfilingBackend} around
 * each backend, so that every launch goes through it.
 */
public final class Profiler {
    private static final Map<Device, ProfilingBackend> WRAPPERS = new ConcurrentHashMap<>();
    private static final boolean ENV_PROFILE = isSet("VOX_PROFILE");
    private static volatile Profile profile;
    private static volatile boolean logKernels = isSet("VOX_KERNEL_LOG");

    static {
        if (ENV_PROFILE) {
            start();
        }
        update();
    }

    private Profiler() {
    }

    private static boolean isSet(String env) {
        String v = System.getenv(env);
        return v != null && !v.isBlank() && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    /** Whether {@code VOX_PROFILE} asked for profiling. */
    public static boolean requestedByEnvironment() {
        return ENV_PROFILE;
    }

    /** Whether launches go through a {@link ProfilingBackend}. */
    public static boolean active() {
        return profile != null || logKernels;
    }

    /**
     * Starts a new session (ending any running one) and returns it; trace
     * launches are kept up to {@link Profile#DEFAULT_TRACE_LIMIT}.
     */
    public static Profile start() {
        return start(Profile.DEFAULT_TRACE_LIMIT);
    }

    /** Starts a session that keeps at most {@code traceLimit} launches for the trace. */
    public static synchronized Profile start(int traceLimit) {
        Profile p = new Profile(traceLimit);
        profile = p;
        update();
        return p;
    }

    /** Ends the running session and returns it (null if none ran). */
    public static synchronized Profile stop() {
        Profile p = profile;
        profile = null;
        update();
        return p;
    }

    /** The running session, or null. */
    public static Profile current() {
        return profile;
    }

    /** Turns the one-line-per-kernel log on or off. */
    public static synchronized void logKernels(boolean on) {
        logKernels = on;
        update();
    }

    public static boolean loggingKernels() {
        return logKernels;
    }

    private static void update() {
        OpContext.setEnabled(active());
    }

    /**
     * The backend that callers should use: {@code b} itself while the
     * profiler is off, else the one {@link ProfilingBackend} around it.
     */
    public static Backend wrap(Backend b) {
        if (!active() || b instanceof ProfilingBackend) {
            return b;
        }
        ProfilingBackend w = WRAPPERS.get(b.device());
        if (w == null || w.inner() != b) {
            w = new ProfilingBackend(b);
            WRAPPERS.put(b.device(), w);
        }
        return w;
    }

    /** Marks the start of training step {@code step}; clears the op label. */
    public static void stepBegin(int step) {
        Profile p = profile;
        if (p != null) {
            OpContext.clear();
            p.stepBegin(step);
        }
    }

    /** Marks the end of the step begun last; clears the op label. */
    public static void stepEnd() {
        Profile p = profile;
        if (p != null) {
            OpContext.clear();
            p.stepEnd();
        }
    }
}
