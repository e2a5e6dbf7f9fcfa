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
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * Memory-bound kernels, in bytes per second: group norm (16 channels, 4
 * groups) and the soft-Dice partial sums and backward (5 classes), on a
 * full 256x256x48 block or a crop of 64x64x12. Bytes are the least
 * traffic each kernel needs: group norm forward reads x and writes y,
 * backward reads x and dY and writes dX; Dice sums read p and the label,
 * Dice backward also writes dP. Each invocation ends with the backend's
 * {@code synchronize()}; {@code -p backend=opencl} (or cuda) runs the
 * device kernels.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class NormBench {
    static final int GROUPS = 4;

    @Param({"SMALL", "FULL"})
    public String size;

    @Param({"cpu"})
    public String backend;

    private Backend be;
    private Tensor x;
    private Tensor dY;
    private Tensor y;
    private Tensor dX;
    private Tensor gamma;
    private Tensor beta;
    private Tensor dGamma;
    private Tensor dBeta;
    private Tensor mean;
    private Tensor rstd;
    private Tensor p;
    private Tensor label;
    private Tensor dP;
    private Tensor sums;
    private float[] coefA;
    private float[] coefB;
    private long gnElements;
    private long diceElements;

    @Setup(Level.Trial)
    public void setup() {
        be = Backends.select(backend);
        boolean full = size.equals("FULL");
        int d = full ? 48 : 12;
        int h = full ? 256 : 64;
        Shape act = Shape.of(1, 16, d, h, h);
        Shape probs = Shape.of(1, 5, d, h, h);
        Random rnd = new Random(2);
        x = be.fromArray(act, ConvBench.random(act, rnd));
        dY = be.fromArray(act, ConvBench.random(act, rnd));
        y = be.empty(act);
        dX = be.empty(act);
        gamma = be.fromArray(Shape.of(16), ConvBench.random(Shape.of(16), rnd));
        beta = be.fromArray(Shape.of(16), ConvBench.random(Shape.of(16), rnd));
        dGamma = be.empty(Shape.of(16));
        dBeta = be.empty(Shape.of(16));
        mean = be.empty(Shape.of(1, GROUPS));
        rstd = be.empty(Shape.of(1, GROUPS));
        be.groupNormForward(x, gamma, beta, GROUPS, 1e-5f, y, mean, rstd);
        p = be.fromArray(probs, ConvBench.random(probs, rnd));
        label = be.fromArray(probs, ConvBench.random(probs, rnd));
        dP = be.empty(probs);
        sums = be.empty(Shape.of(3, 5));
        coefA = new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
        coefB = new float[] {-0.1f, -0.2f, -0.3f, -0.4f, -0.5f};
        gnElements = act.numel();
        diceElements = probs.numel();
        be.synchronize();
    }

    @TearDown(Level.Trial)
    public void release() {
        for (Tensor t : new Tensor[] {x, dY, y, dX, gamma, beta, dGamma, dBeta, mean, rstd,
                p, label, dP, sums}) {
            t.close();
        }
    }

    @Benchmark
    public Tensor groupNormForward(Work work) {
        be.groupNormForward(x, gamma, beta, GROUPS, 1e-5f, y, mean, rstd);
        be.synchronize();
        work.bytes += 8 * gnElements;
        return y;
    }

    @Benchmark
    public Tensor groupNormBackward(Work work) {
        be.groupNormBackward(x, dY, gamma, mean, rstd, GROUPS, dX, dGamma, dBeta);
        be.synchronize();
        work.bytes += 12 * gnElements;
        return dX;
    }

    @Benchmark
    public Tensor diceSums(Work work) {
        be.diceSums(p, label, sums);
        be.synchronize();
        work.bytes += 8 * diceElements;
        return sums;
    }

    @Benchmark
    public Tensor diceBackward(Work work) {
        be.diceBackward(p, label, coefA, coefB, dP);
        be.synchronize();
        work.bytes += 12 * diceElements;
        return dP;
    }
}
