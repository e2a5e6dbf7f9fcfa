package vox.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import vox.backend.Backends;

/**
 * One full training step of the phantom cascade ({@link TrainStep}): the
 * model of {@code vox train} (Mixed R-BLSC, width 8, 4 levels by default)
 * on one phantom block of batch 1, forward, soft-Dice loss of both
 * stages, backward and Adam update. The primary score is steps per
 * second; the step's FLOPs and bytes, which the kernel profiler counts
 * over one step during setup, make the GFLOP/s and GB/s of the table.
 *
 * <p>{@code block} is W x H x D of the phantom block; the default is that
 * of {@code vox train}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class TrainStepBench {

    @Param({"cpu"})
    public String backend;

    @Param({"8"})
    public int width;

    @Param({"4"})
    public int levels;

    @Param({"64x64x32"})
    public String block;

    private TrainStep step;
    private long flop;
    private long bytes;

    @Setup(Level.Trial)
    public void setup() {
        String[] parts = block.split("x");
        if (parts.length != 3) {
            throw new IllegalArgumentException("block: expected WxHxD, e.g. 64x64x32, got '"
                    + block + "'");
        }
        int[] b = new int[3];
        for (int i = 0; i < 3; i++) {
            b[i] = Integer.parseInt(parts[i].trim());
        }
        step = new TrainStep(Backends.select(backend), width, levels, b).count();
        flop = Math.round(step.flops());
        bytes = Math.round(step.bytes());
    }

    @Benchmark
    public void trainStep(Work work, PeakProbe probe) {
        step.run();
        work.flop += flop;
        work.bytes += bytes;
    }
}
