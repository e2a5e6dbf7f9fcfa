package vox.backend.profile;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Logger;
import vox.backend.Backend;
import vox.backend.BinaryOp;
import vox.backend.Conv3dSpec;
import vox.backend.MemoryStats;
import vox.backend.UnaryOp;
import vox.tensor.Device;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * A {@link Backend} around another that times every primitive launch and
 * hands it, with its op label, FLOPs, bytes and the allocator's figures, to
 * the running {@link Profile} and to the kernel log.
 *
 * <p>Timing: when the wrapped backend implements {@link EventTiming} its
 * device events give the kernel time; otherwise the wrapper reads
 * {@link System#nanoTime()} before the launch and after a
 * {@code synchronize()} that follows it. Either way each launch is waited
 * for, so a profiled run of an asynchronous backend loses its overlap of
 * host and device work; the CPU backend is synchronous anyway.
 *
 * <p>Results are the wrapped backend's, bit for bit: the wrapper only
 * forwards. Allocation ({@link #empty}) and {@link #memoryStats} are not
 * launches and pass straight through.
 */
public final class ProfilingBackend implements Backend {
    private static final Logger KERNEL_LOG = Logger.getLogger("vox.kernels");

    private final Backend inner;
    private final String track;

    public ProfilingBackend(Backend inner) {
        if (inner instanceof ProfilingBackend) {
            throw new IllegalArgumentException("profiler: " + inner.description()
                    + " is already profiled");
        }
        this.inner = inner;
        String queue = inner instanceof EventTiming e ? " " + e.queueName() : "";
        this.track = inner.device() + queue;
    }

    /** The backend that does the work. */
    public Backend inner() {
        return inner;
    }

    // ---- the one timing path ------------------------------------------------

    /**
     * Runs {@code work}, the launch of {@code primitive}, and reports it;
     * shapes and cost are computed after a launch that succeeded.
     */
    private void launch(String primitive, Supplier<String> shapes,
                        Supplier<KernelCost.Cost> costOf, Runnable work) {
        Profile p = Profiler.current();
        boolean log = Profiler.loggingKernels();
        if (p == null && !log) {
            work.run();
            return;
        }
        OpContext.Label label = OpContext.current();
        long start;
        long nanos;
        if (inner instanceof EventTiming timer) {
            start = System.nanoTime();
            nanos = timer.timeOnDevice(work);
        } else {
            inner.synchronize();
            start = System.nanoTime();
            work.run();
            inner.synchronize();
            nanos = System.nanoTime() - start;
        }
        MemoryStats m = inner.memoryStats();
        KernelCost.Cost cost = costOf.get();
        Launch l = new Launch(primitive, label, inner.device(), track, shapes.get(), start,
                nanos,
                cost.flops(), cost.bytes(), m.currentBytes(), m.peakBytes());
        if (p != null) {
            p.add(l);
        }
        if (log) {
            KERNEL_LOG.info(logLine(l));
        }
    }

    /** The kernel log's line: name, op, time, GFLOP/s, GB/s, then the shapes. */
    static String logLine(Launch l) {
        return String.format(Locale.ROOT, "kernel %-20s %-20s %9.3f ms %7.2f GFLOP/s"
                + " %6.2f GB/s  %s", l.primitive(), l.label().op(), l.durationNs() / 1e6,
                l.gflops(), l.gbPerSecond(), l.shapes());
    }

    private static String dims(Shape s) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < s.rank(); i++) {
            sb.append(i == 0 ? "" : ",").append(s.dim(i));
        }
        return sb.append(')').toString();
    }

    /** "x(1,8,16,16,16) w(8,8,3,3,3)": names and shapes of the tensors. */
    private static String shapes(Object... nameThenTensor) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nameThenTensor.length; i += 2) {
            Tensor t = (Tensor) nameThenTensor[i + 1];
            if (t != null) {
                sb.append(sb.length() == 0 ? "" : " ").append(nameThenTensor[i])
                        .append(dims(t.shape()));
            }
        }
        return sb.toString();
    }

    // ---- memory -------------------------------------------------------------

    @Override
    public Device device() {
        return inner.device();
    }

    @Override
    public String description() {
        return inner.description() + " (profiled)";
    }

    @Override
    public Tensor empty(Shape shape) {
        return inner.empty(shape);
    }

    @Override
    public Tensor fromArray(Shape shape, float[] data) {
        Tensor[] out = new Tensor[1];
        launch("fromArray", () -> "y" + dims(shape),
                () -> KernelCost.upload(shape.numel()),
                () -> out[0] = inner.fromArray(shape, data));
        return out[0];
    }

    @Override
    public Tensor zeros(Shape shape) {
        Tensor[] out = new Tensor[1];
        launch("zeros", () -> "y" + dims(shape),
                () -> KernelCost.upload(shape.numel()),
                () -> out[0] = inner.zeros(shape));
        return out[0];
    }

    @Override
    public void fill(Tensor t, float value) {
        launch("fill", () -> shapes("y", t),
                () -> KernelCost.fill(t),
                () -> inner.fill(t, value));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        launch("copy", () -> shapes("x", src, "y", dst),
                () -> KernelCost.copy(src),
                () -> inner.copy(src, dst));
    }

    @Override
    public void synchronize() {
        inner.synchronize();
    }

    @Override
    public MemoryStats memoryStats() {
        return inner.memoryStats();
    }

    // ---- convolution ----------------------------------------------------------

    @Override
    public void conv3dForward(Tensor x, Tensor w, Tensor bias, Conv3dSpec spec, Tensor y) {
        launch("conv3dForward", spec::toString,
                () -> KernelCost.conv3dForward(spec, bias != null),
                () -> inner.conv3dForward(x, w, bias, spec, y));
    }

    @Override
    public void conv3dBackwardData(Tensor dY, Tensor w, Conv3dSpec spec, Tensor dX) {
        launch("conv3dBackwardData", spec::toString,
                () -> KernelCost.conv3dBackwardData(spec),
                () -> inner.conv3dBackwardData(dY, w, spec, dX));
    }

    @Override
    public void conv3dBackwardWeight(Tensor x, Tensor dY, Conv3dSpec spec, Tensor dW) {
        launch("conv3dBackwardWeight", spec::toString,
                () -> KernelCost.conv3dBackwardWeight(spec),
                () -> inner.conv3dBackwardWeight(x, dY, spec, dW));
    }

    @Override
    public void sumPerChannel(Tensor x, Tensor out) {
        launch("sumPerChannel", () -> shapes("x", x),
                () -> KernelCost.sumPerChannel(x, out),
                () -> inner.sumPerChannel(x, out));
    }

    // ---- normalisation and activations --------------------------------------

    @Override
    public void groupNormForward(Tensor x, Tensor gamma, Tensor beta, int groups, float eps,
                                 Tensor y, Tensor mean, Tensor rstd) {
        launch("groupNormForward", () -> shapes("x", x) + " groups " + groups,
                () -> KernelCost.groupNormForward(x, gamma, y, mean),
                () -> inner.groupNormForward(x, gamma, beta, groups, eps, y, mean, rstd));
    }

    @Override
    public void groupNormBackward(Tensor x, Tensor dY, Tensor gamma, Tensor mean, Tensor rstd,
                                  int groups, Tensor dX, Tensor dGamma, Tensor dBeta) {
        launch("groupNormBackward", () -> shapes("x", x) + " groups " + groups,
                () -> KernelCost.groupNormBackward(x, gamma, mean),
                () -> inner.groupNormBackward(x, dY, gamma, mean, rstd, groups,
                        dX, dGamma, dBeta));
    }

    @Override
    public void preluForward(Tensor x, Tensor alpha, Tensor y) {
        launch("preluForward", () -> shapes("x", x),
                () -> KernelCost.preluForward(x, alpha),
                () -> inner.preluForward(x, alpha, y));
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dY, Tensor dX, Tensor dAlpha) {
        launch("preluBackward", () -> shapes("x", x),
                () -> KernelCost.preluBackward(x, alpha),
                () -> inner.preluBackward(x, alpha, dY, dX, dAlpha));
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y) {
        launch("unary." + op.name().toLowerCase(Locale.ROOT), () -> shapes("x", x),
                () -> KernelCost.unary(x),
                () -> inner.unary(op, x, y));
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor y) {
        launch("binary." + op.name().toLowerCase(Locale.ROOT), () -> shapes("a", a),
                () -> KernelCost.binary(a),
                () -> inner.binary(op, a, b, y));
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        launch("axpby", () -> shapes("x", x),
                () -> KernelCost.axpby(x),
                () -> inner.axpby(alpha, x, beta, y));
    }

    @Override
    public void sum(Tensor x, Tensor out) {
        launch("sum", () -> shapes("x", x),
                () -> KernelCost.sum(x),
                () -> inner.sum(x, out));
    }

    // ---- channel ops ----------------------------------------------------------

    @Override
    public void softmaxChannels(Tensor x, Tensor y) {
        launch("softmaxChannels", () -> shapes("x", x),
                () -> KernelCost.softmaxChannels(x),
                () -> inner.softmaxChannels(x, y));
    }

    @Override
    public void softmaxChannelsBackward(Tensor y, Tensor dY, Tensor dX) {
        launch("softmaxChannelsBackward", () -> shapes("y", y),
                () -> KernelCost.softmaxChannelsBackward(y),
                () -> inner.softmaxChannelsBackward(y, dY, dX));
    }

    @Override
    public void argmaxChannels(Tensor x, Tensor out) {
        launch("argmaxChannels", () -> shapes("x", x),
                () -> KernelCost.argmaxChannels(x, out),
                () -> inner.argmaxChannels(x, out));
    }

    @Override
    public void diceSums(Tensor p, Tensor label, Tensor out) {
        launch("diceSums", () -> shapes("p", p),
                () -> KernelCost.diceSums(p, out),
                () -> inner.diceSums(p, label, out));
    }

    @Override
    public void diceBackward(Tensor p, Tensor label, float[] a, float[] b, Tensor dP) {
        launch("diceBackward", () -> shapes("p", p),
                () -> KernelCost.diceBackward(p, a.length),
                () -> inner.diceBackward(p, label, a, b, dP));
    }

    @Override
    public void concatChannels(Tensor[] xs, Tensor y) {
        launch("concatChannels", () -> shapes("y", y) + " from " + xs.length,
                () -> KernelCost.concatChannels(xs, y),
                () -> inner.concatChannels(xs, y));
    }

    @Override
    public void sliceChannels(Tensor x, int from, Tensor y) {
        launch("sliceChannels", () -> shapes("x", x, "y", y),
                () -> KernelCost.sliceChannels(y),
                () -> inner.sliceChannels(x, from, y));
    }

    @Override
    public void copyRegion(Tensor src, int[] srcOffset, Tensor dst, int[] dstOffset,
                           int[] size) {
        launch("copyRegion", () -> shapes("x", src, "y", dst) + " box(" + size[0] + ","
                        + size[1] + "," + size[2] + ")",
                () -> KernelCost.copyRegion(src, size),
                () -> inner.copyRegion(src, srcOffset, dst, dstOffset, size));
    }

    // ---- optimizers -------------------------------------------------------------

    @Override
    public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float beta1,
                         float beta2, float eps, float weightDecay, int step) {
        launch("adamStep", () -> shapes("p", p),
                () -> KernelCost.adamStep(p),
                () -> inner.adamStep(p, g, m, v, lr, beta1, beta2, eps, weightDecay, step));
    }

    @Override
    public void sgdStep(Tensor p, Tensor g, Tensor buf, float lr, float momentum,
                        float weightDecay) {
        launch("sgdStep", () -> shapes("p", p),
                () -> KernelCost.sgdStep(p),
                () -> inner.sgdStep(p, g, buf, lr, momentum, weightDecay));
    }
}
