package vox.bench;

import java.util.Random;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.Conv3dSpec;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * The convolution of one backend ({@code -p backend=cpu|opencl|cuda}) at
 * the V-Net's shapes: forward, backward-data and backward-weight. Each
 * invocation counts 2 * N * OD * OH * OW * K * C * KD * KH * KW FLOP
 * (padding taps included, as everyone counts them) and ends with the
 * backend's {@code synchronize()}, so that device backends are timed to
 * the end of their kernels.
 *
 * <p>Each benchmark also takes a {@link PeakProbe}, so that its rate can be
 * read against the CPU's FMA peak of the same moment (the right reference
 * for the CPU backend and for OpenCL on a CPU, as PoCL runs).
 *
 * <p>The UP shapes run the three directions of the decoder's transposed
 * convolution as {@link vox.ops.Conv#convTranspose3d} does: its forward
 * is the adjoint spec's backward-data, its backward-data that spec's
 * forward, its backward-weight that spec's backward-weight (the same
 * shapes, with the roles of data and gradient exchanged).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class ConvBench {

    @Param({"L1_3x3x3_SMALL", "L2_3x3x3_SMALL", "L3_3x3x3_SMALL", "L4_3x3x3_SMALL",
            "L3_7x1x1_SMALL", "L3_1x7x1_SMALL", "L3_1x1x7_SMALL", "DOWN_2x2x2_SMALL",
            "L1_3x3x3", "L2_3x3x3", "L3_3x3x3", "L4_3x3x3",
            "L3_7x1x1", "L3_1x7x1", "L3_1x1x7", "DOWN_2x2x2",
            "UP_2x2x2_SMALL", "UP_2x2x2"})
    public String shape;

    @Param({"cpu"})
    public String backend;

    private Backend be;
    private boolean transposed;
    private Conv3dSpec spec;
    private long flop;
    private Tensor x;
    private Tensor w;
    private Tensor y;
    private Tensor dX;
    private Tensor dW;

    @Setup(Level.Trial)
    public void setup() {
        be = Backends.select(backend);
        ConvShape s = ConvShape.valueOf(shape);
        spec = s.spec();
        transposed = s.transposed();
        flop = Math.round(spec.flops());
        Random rnd = new Random(1);
        x = be.fromArray(spec.inputShape(), random(spec.inputShape(), rnd));
        w = be.fromArray(spec.weightShape(), random(spec.weightShape(), rnd));
        y = be.fromArray(spec.outputShape(), random(spec.outputShape(), rnd));
        dX = be.empty(spec.inputShape());
        dW = be.empty(spec.weightShape());
        be.synchronize();
    }

    static float[] random(Shape shape, Random rnd) {
        float[] a = new float[(int) shape.numel()];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
        }
        return a;
    }

    @TearDown(Level.Trial)
    public void release() {
        for (Tensor t : new Tensor[] {x, w, y, dX, dW}) {
            t.close();
        }
    }

    // For a transposed shape, x (the spec's input shape) holds its output or the
    // gradient of it, y (the spec's output shape) its input.

    @Benchmark
    public Tensor forward(Work work, PeakProbe probe) {
        Tensor out = transposed ? runBackwardData() : runForward();
        work.flop += flop;
        return out;
    }

    @Benchmark
    public Tensor backwardData(Work work, PeakProbe probe) {
        Tensor out = transposed ? runForward() : runBackwardData();
        work.flop += flop;
        return out;
    }

    @Benchmark
    public Tensor backwardWeight(Work work, PeakProbe probe) {
        // The same call for a transposed shape: the gradient of its output has the
        // adjoint spec's input shape, its input the adjoint spec's output shape.
        be.conv3dBackwardWeight(x, y, spec, dW);
        be.synchronize();
        work.flop += flop;
        return dW;
    }

    private Tensor runForward() {
        be.conv3dForward(x, w, null, spec, y);
        be.synchronize();
        return y;
    }

    private Tensor runBackwardData() {
        be.conv3dBackwardData(y, w, spec, dX);
        be.synchronize();
        return dX;
    }
}
