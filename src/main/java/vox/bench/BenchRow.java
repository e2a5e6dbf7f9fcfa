package vox.bench;

/**
 * One line of {@code vox bench}.
 *
 * @param name        what was measured ("conv L1 forward")
 * @param shape       the shapes or sizes it ran at
 * @param ms          time per run in ms (median of the timed runs); NaN for the roofs
 * @param gflop       floating-point work per run, GFLOP (0 when not counted)
 * @param gbytes      bytes moved per run, GB ({@code vox.backend.profile.KernelCost})
 * @param gflops      achieved GFLOP/s
 * @param gbPerSecond achieved GB/s
 * @param roof        fraction of the roofline reached, in [0, 1] (NaN when no roof applies)
 * @param bound       "F" when the arithmetic peak is the nearer roof, "B" for bandwidth
 */
public record BenchRow(String name, String shape, double ms, double gflop, double gbytes,
                       double gflops, double gbPerSecond, double roof, String bound) {
}
