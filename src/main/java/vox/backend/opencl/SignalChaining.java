package vox.backend.opencl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Whether the JVM runs with HotSpot's signal chaining ({@code libjsig}).
 *
 * <p>OpenCL runtimes built on LLVM, PoCL among them, install their own
 * handlers for SIGSEGV, SIGBUS, SIGFPE and SIGILL when they start. The JVM
 * uses SIGSEGV itself (implicit null checks, safepoint polls), so with its
 * handler replaced a run on OpenCL dies now and then with exit status 139
 * and no error file. Preloading the JDK's {@code lib/libjsig.so} keeps the
 * JVM's handlers in place and passes the signals it does not own on to the
 * library. The {@code vox} launcher, the test build and the benchmarks jar
 * preload it; anything else that opens an OpenCL backend gets a warning.
 */
public final class SignalChaining {
    private static final Logger LOG = Logger.getLogger(SignalChaining.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private SignalChaining() {
    }

    /** Whether {@code libjsig} is preloaded into this JVM. */
    public static boolean active() {
        String preload = System.getenv("LD_PRELOAD");
        return preload != null && preload.contains("libjsig");
    }

    /** This JDK's {@code lib/libjsig.so}, or null where it has none (not Linux). */
    public static Path library() {
        Path p = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        return Files.isRegularFile(p) ? p : null;
    }

    /** Logs once, at WARNING, how to preload libjsig when it is not preloaded. */
    static void warnIfInactive() {
        Path lib = library();
        if (lib != null && !active() && WARNED.compareAndSet(false, true)) {
            LOG.warning("OpenCL runtimes such as PoCL replace the JVM's SIGSEGV handler, and the"
                    + " JVM may then crash (exit status 139); start java with LD_PRELOAD=" + lib
                    + " (the vox launcher does)");
        }
    }
}
