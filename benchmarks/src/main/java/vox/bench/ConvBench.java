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
 * The CPU convolution at the V-Net's shapes: forward, backward-data and
 * backward-weight. Each invocation counts 2 * N * OD * OH * OW * K * C *
 * KD * KH * KW FLOP (padding taps included, as everyone counts them).
 *
 * <p>Each benchmark also takes a {@link PeakProbe}, so that its rate can be
 * read against the FMA peak of the same moment.
 *
 * <p>The 2x2x2 stride-2 up-convolution of the decoder is the transpose of
 * DOWN_2x2x2: its forward is DOWN's backwardData, its backward-data is
 * DOWN's forward, and its backward-weight is DOWN's backwardWeight.
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
            "L3_7x1x1", "L3_1x7x1", "L3_1x1x7", "DOWN_2x2x2"})
    public String shape;

    private Backend be;
    private Conv3dSpec spec;
    private long flop;
    private Tensor x;
    private Tensor w;
    private Tensor y;
    private Tensor dX;
    private Tensor dW;

    @Setup(Level.Trial)
    public void setup() {
        be = Backends.cpu();
        spec = ConvShape.valueOf(shape).spec();
        flop = Math.round(spec.flops());
        Random rnd = new Random(1);
        x = be.fromArray(spec.inputShape(), random(spec.inputShape(), rnd));
        w = be.fromArray(spec.weightShape(), random(spec.weightShape(), rnd));
        y = be.fromArray(spec.outputShape(), random(spec.outputShape(), rnd));
        dX = be.empty(spec.inputShape());
        dW = be.empty(spec.weightShape());
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

    @Benchmark
    public Tensor forward(Work work, PeakProbe probe) {
        be.conv3dForward(x, w, null, spec, y);
        work.flop += flop;
        return y;
    }

    @Benchmark
    public Tensor backwardData(Work work, PeakProbe probe) {
        be.conv3dBackwardData(y, w, spec, dX);
        work.flop += flop;
        return dX;
    }

    @Benchmark
    public Tensor backwardWeight(Work work, PeakProbe probe) {
        be.conv3dBackwardWeight(x, y, spec, dW);
        work.flop += flop;
        return dW;
    }
}
