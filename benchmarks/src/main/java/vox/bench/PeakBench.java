package vox.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
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
import vox.backend.cpu.Parallel;
import vox.backend.kernels.KernelBackend;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * Calibration: what this machine can do at best, measured the same way
 * as the kernels, so that results can be read as fractions.
 *
 * <p>{@code fmaPeak}: every thread of the CPU backend's pool runs the twelve
 * independent chains of {@link Calibration#fmaChains} on vectors of the preferred
 * species (the species the convolution kernels use), so nothing but the
 * FMA units limits it. {@code triad}: a[i] = b[i] + s * c[i] over arrays
 * of 64 Mi floats (768 MiB in all, far beyond the caches), split over the
 * pool; 12 bytes per element, as STREAM counts.
 *
 * <p>With {@code -p backend=opencl} (or cuda) both measure the device
 * instead, with its own kernels: {@code fmaPeak} runs peak.cu's chains
 * ({@link KernelBackend#launchFmaPeak}) on enough work-groups to fill the
 * device, each launch sized by {@link DeviceCalibration#fmaIters} to last
 * about 20 ms; {@code triad} is
 * the backend's axpby, y = a x + b y, over two tensors of 64 Mi floats
 * (also 12 bytes per element). {@link BenchMain} divides each result by
 * the peak of its own backend.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class PeakBench {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int FMA_STEPS = 1 << 25;
    static final int TRIAD_N = 1 << 26;

    @Param({"cpu"})
    public String backend;

    private float[] a;
    private float[] b;
    private float[] c;

    private Backend device;
    private KernelBackend<?> kernels;
    private Tensor peakOut;
    private int peakIters;
    private Tensor tx;
    private Tensor ty;

    @Setup(Level.Trial)
    public void setup() {
        if (!backend.equalsIgnoreCase("cpu")) {
            setupDevice();
            return;
        }
        a = new float[TRIAD_N];
        b = new float[TRIAD_N];
        c = new float[TRIAD_N];
        Parallel.range(TRIAD_N, 1 << 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                b[i] = i & 1023;
                c[i] = 1f / (1 + (i & 511));
            }
        });
    }

    private void setupDevice() {
        device = Backends.select(backend);
        kernels = DeviceCalibration.kernels(device);
        if (kernels == null) {
            throw new IllegalArgumentException("backend '" + backend + "' has no calibration"
                    + " kernel; expected cpu, opencl or cuda");
        }
        peakOut = device.empty(Shape.of(kernels.peakItems()));
        peakIters = DeviceCalibration.fmaIters(kernels, device, peakOut);
        tx = device.zeros(Shape.of(TRIAD_N));
        ty = device.zeros(Shape.of(TRIAD_N));
        device.fill(tx, 1f);
        device.synchronize();
    }

    @TearDown(Level.Trial)
    public void release() {
        for (Tensor t : new Tensor[] {peakOut, tx, ty}) {
            if (t != null) {
                t.close();
            }
        }
    }

    @Benchmark
    public float fmaPeak(Work work) {
        if (kernels != null) {
            work.flop += Math.round(kernels.launchFmaPeak(peakOut, peakIters));
            device.synchronize();
            return peakIters;
        }
        int threads = Parallel.threads();
        float[] out = new float[threads];
        Parallel.range(threads, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                out[t] = Calibration.fmaChains(FMA_STEPS);
            }
        });
        work.flop += 2L * Calibration.CHAINS * SPECIES.length() * (long) FMA_STEPS * threads;
        return out[0];
    }

    @Benchmark
    public Object triad(Work work) {
        if (device != null) {
            device.axpby(0.5f, tx, 0.5f, ty);
            device.synchronize();
            work.bytes += 12L * TRIAD_N;
            return ty;
        }
        float scale = 0.5f;
        int lanes = SPECIES.length();
        Parallel.range(TRIAD_N / lanes, 1 << 12, (from, to) -> {
            FloatVector sv = FloatVector.broadcast(SPECIES, scale);
            for (int i = from * lanes; i < to * lanes; i += lanes) {
                FloatVector.fromArray(SPECIES, c, i).fma(sv, FloatVector.fromArray(SPECIES, b, i))
                        .intoArray(a, i);
            }
        });
        work.bytes += 12L * TRIAD_N;
        return a;
    }
}
