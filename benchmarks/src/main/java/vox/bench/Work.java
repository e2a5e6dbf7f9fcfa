package vox.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The useful work a benchmark invocation did, counted by JMH as secondary
 * results: {@code flop} (floating-point operations, a multiply-add is two)
 * and {@code bytes} (the least memory traffic the kernel must cause). In
 * throughput mode JMH reports them per second, so they come out as FLOP/s
 * and B/s in the JSON and in {@link BenchMain}'s table.
 *
 * <p>This is the hook for new benchmarks, such as a full training step of
 * the phantom cascade: take a {@code Work} parameter in the
 * {@code @Benchmark} method and add what one invocation did.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Work {
    /** Floating-point operations done in this iteration. */
    public long flop;
    /** Bytes read and written in this iteration. */
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
        flop = 0;
        bytes = 0;
    }
}
