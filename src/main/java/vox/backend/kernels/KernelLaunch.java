package vox.backend.kernels;

/**
 * One kernel launch: arguments in the order of the kernel's parameters,
 * then {@link #run}. Launches are asynchronous.
 *
 * @param <B> the API's buffer handle
 */
public interface KernelLaunch<B> {
    /** A buffer argument. */
    KernelLaunch<B> mem(B buffer);

    /** A 32-bit integer argument. */
    KernelLaunch<B> i(int v);

    /** A 64-bit integer argument (i64 in the kernels). */
    KernelLaunch<B> l(long v);

    /** A float argument. */
    KernelLaunch<B> f(float v);

    /** Runs over {@code global} work-items in groups of {@code local} (1 to 3 dims). */
    void run(long[] global, long[] local);
}
