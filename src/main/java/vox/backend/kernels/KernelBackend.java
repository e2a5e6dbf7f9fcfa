package vox.backend.kernels;

import static vox.backend.ShapeChecks.checkConv;
import static vox.backend.ShapeChecks.requireSameCount;
import static vox.backend.ShapeChecks.requireSameShape;
import static vox.backend.ShapeChecks.requireShape;

import java.util.Arrays;
import vox.backend.Backend;
import vox.backend.BinaryOp;
import vox.backend.Conv3dSpec;
import vox.backend.UnaryOp;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * The host side of the backends that run the kernels of
 * {@code src/main/cuda} (OpenCL and CUDA): shape checks, which kernel
 * each primitive launches, its arguments in order, its launch geometry
 * (OpenCL-style global and local sizes) and the splits of the two-pass
 * reductions. Every reduction has a fixed order (no atomics), so each
 * result is bit-identical from run to run on one device. Tensors are
 * viewed as (rows, C) with channels innermost, as in {@link Shape}.
 *
 * <p>A subclass supplies only what its API needs: a launch of a kernel
 * by file and name ({@link #launch}), buffers of a tensor, of scratch
 * memory and of constants, the convolutions, and device identity,
 * memory and lifetime.
 * Methods are synchronized on the backend.
 *
 * @param <B> the API's buffer handle (an OpenCL cl_mem, a CUDA device pointer)
 */
public abstract class KernelBackend<B> implements Backend, AutoCloseable {
    /** Work-items per group of reductions and elementwise kernels. */
    protected final int block;
    /** The most work-groups of a grid-stride launch. */
    protected final int maxGroups;

    /**
     * @param block work-items per group of reductions and elementwise
     *     kernels (VX_BLOCK of the kernel build)
     * @param maxGroups the most work-groups of a grid-stride launch
     */
    protected KernelBackend(int block, int maxGroups) {
        this.block = block;
        this.maxGroups = maxGroups;
    }

    // ---- what each API supplies --------------------------------------------

    /** A launch of {@code kernel} from the kernel source {@code file}. */
    protected abstract KernelLaunch<B> launch(String file, String kernel);

    /** The buffer of t, which must live on this backend's device (else the error names op). */
    protected abstract B mem(String op, Tensor t);

    /** Scratch memory of numel floats; release it right after the launches that use it. */
    protected abstract DeviceBuffer<B> temp(long numel);

    /** A small buffer holding a copy of {@code values}, for the launches that follow. */
    protected abstract DeviceBuffer<B> constant(float[] values);

    /** y = conv(x, w) + bias (bias may be null); shapes already checked. */
    protected abstract void convForward(B x, B w, B bias, Conv3dSpec spec, B y);

    /** dX = conv3d backward data of dY with w; shapes already checked. */
    protected abstract void convBackwardData(B dY, B w, Conv3dSpec spec, B dX);

    /** dW = conv3d backward weight of x and dY; shapes already checked. */
    protected abstract void convBackwardWeight(B x, B dY, Conv3dSpec spec, B dW);

    /** ceil(a / b) for positive b. */
    public static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    // ---- launch geometry ---------------------------------------------------

    /** Runs a grid-stride kernel over n items. */
    private void runFlat(KernelLaunch<B> l, long n) {
        long groups = Math.max(1, Math.min(ceil(n, block), maxGroups));
        l.run(new long[] {groups * block}, new long[] {block});
    }

    /** Runs a grid-stride kernel over {@code perSample} items of each of n samples (grid y). */
    private void runPerSample(KernelLaunch<B> l, long perSample, int n) {
        long groups = Math.max(1, Math.min(ceil(perSample, block),
                Math.max(1, maxGroups / n)));
        l.run(new long[] {groups * block, n}, new long[] {block, 1});
    }

    /** out (m) = sum over chunks of part (chunks, m), chunks in order. */
    public final void sumPartials(B part, int chunks, long m, B out) {
        runFlat(launch("reduce.cu", "sum_partials_final").mem(part).mem(out).i(chunks).l(m), m);
    }


    /**
     * How a reduction over rows of C channels is split: `lanes` channels
     * per group side by side, block / lanes rows in parallel, rows cut
     * into chunks. Depends on the shape and block size only.
     */
    private record ColumnPlan(int lanes, int chunks, long rowsPerChunk, int channelTiles) {
        long[] global(int block) {
            return new long[] {(long) chunks * block, channelTiles};
        }
    }

    private ColumnPlan columnPlan(long rows, int c) {
        int lanes = (int) Math.min(Math.min(32, block), Long.highestOneBit(2L * c - 1));
        int rowLanes = block / lanes;
        long chunks = Math.max(1, Math.min(512, ceil(rows, rowLanes * 16L)));
        long perChunk = ceil(rows, chunks);
        chunks = ceil(rows, perChunk);
        return new ColumnPlan(lanes, (int) chunks, perChunk, (int) ceil(c, lanes));
    }

    // ---- Backend: identity and memory --------------------------------------

    @Override
    public synchronized Tensor fromArray(Shape shape, float[] data) {
        return Backend.super.fromArray(shape, data);
    }

    @Override
    public synchronized void fill(Tensor t, float value) {
        runFlat(launch("elementwise.cu", "fill_forward").mem(mem("fill", t)).f(value)
                .l(t.numel()), t.numel());
    }

    @Override
    public synchronized void copy(Tensor src, Tensor dst) {
        requireSameCount("copy", src, dst);
        runFlat(launch("elementwise.cu", "copy_forward").mem(mem("copy", src))
                .mem(mem("copy", dst)).l(src.numel()), src.numel());
    }


    // ---- calibration ---------------------------------------------------------

    /** Independent multiply-add chains per work-item of peak.cu's {@code fma_peak}. */
    public static final int PEAK_CHAINS = 8;
    /** The multiplier of the calibration chains. */
    public static final float PEAK_SCALE = 0.999f;
    /** The addend of the calibration chains. */
    public static final float PEAK_OFFSET = 0.001f;

    /**
     * Work-items of one {@link #launchFmaPeak} launch: enough work-groups to
     * keep every compute unit busy ({@link #residentGroups()}).
     */
    public final int peakItems() {
        return residentGroups() * block;
    }

    /** Work-groups that fill the device; by default {@link #maxGroups}. */
    protected int residentGroups() {
        return maxGroups;
    }

    /**
     * Queues the FMA calibration kernel (peak.cu): {@link #peakItems()}
     * work-items, each running {@value #PEAK_CHAINS} chains of
     * {@code a = a * 0.999 + 0.001} for {@code iters} steps, and writing the
     * sum of its chains to {@code out}. Asynchronous: call
     * {@link #synchronize()} before reading a clock.
     *
     * @param out  peakItems() floats on this device
     * @return the FLOPs of the launch (a multiply-add is two)
     */
    public synchronized double launchFmaPeak(Tensor out, int iters) {
        requireShape("fmaPeak out", out, Shape.of(peakItems()));
        if (iters <= 0) {
            throw new IllegalArgumentException("fmaPeak: iters must be positive, got " + iters);
        }
        launch("peak.cu", "fma_peak").mem(mem("fmaPeak", out)).i(iters).f(PEAK_SCALE)
                .f(PEAK_OFFSET).run(new long[] {peakItems()}, new long[] {block});
        return 2.0 * PEAK_CHAINS * iters * peakItems();
    }

    @Override
    public synchronized void conv3dForward(Tensor x, Tensor w, Tensor bias, Conv3dSpec spec,
                                           Tensor y) {
        String op = "conv3dForward";
        checkConv(op, x, w, y, spec);
        if (bias != null) {
            requireShape(op + " bias", bias, Shape.of(spec.k()));
        }
        convForward(mem(op, x), mem(op, w), bias == null ? null : mem(op, bias), spec,
                mem(op, y));
    }

    @Override
    public synchronized void conv3dBackwardData(Tensor dY, Tensor w, Conv3dSpec spec,
                                                Tensor dX) {
        String op = "conv3dBackwardData";
        checkConv(op, dX, w, dY, spec);
        convBackwardData(mem(op, dY), mem(op, w), spec, mem(op, dX));
    }

    @Override
    public synchronized void conv3dBackwardWeight(Tensor x, Tensor dY, Conv3dSpec spec,
                                                  Tensor dW) {
        String op = "conv3dBackwardWeight";
        checkConv(op, x, dW, dY, spec);
        convBackwardWeight(mem(op, x), mem(op, dY), spec, mem(op, dW));
    }

    @Override
    public synchronized void sumPerChannel(Tensor x, Tensor out) {
        int c = channels("sumPerChannel", x);
        requireShape("sumPerChannel out", out, Shape.of(c));
        columnSum("sumPerChannel", x, x.numel() / c, c, out);
    }

    /** out (C) = sums over the rows of x viewed as (rows, C). */
    private void columnSum(String op, Tensor x, long rows, int c, Tensor out) {
        ColumnPlan p = columnPlan(rows, c);
        B xm = mem(op, x);
        B om = mem(op, out);
        if (p.chunks() == 1) {
            launch("reduce.cu", "sum_per_channel_partial").mem(xm).mem(om).l(rows).i(c)
                    .i(p.lanes()).l(p.rowsPerChunk()).run(p.global(block), new long[] {block, 1});
            return;
        }
        DeviceBuffer<B> part = temp((long) p.chunks() * c);
        try {
            launch("reduce.cu", "sum_per_channel_partial").mem(xm).mem(part.handle()).l(rows).i(c)
                    .i(p.lanes()).l(p.rowsPerChunk()).run(p.global(block), new long[] {block, 1});
            sumPartials(part.handle(), p.chunks(), c, om);
        } finally {
            part.release();
        }
    }

    // ---- normalisation and activations -------------------------------------

    /** Chunks per (n, g) of the group-norm statistics: a function of the shape only. */
    private long[] groupPlan(long elements) {
        long chunks = Math.max(1, Math.min(256, ceil(elements, block * 16L)));
        long perChunk = ceil(elements, chunks);
        return new long[] {ceil(elements, perChunk), perChunk};
    }

    @Override
    public synchronized void groupNormForward(Tensor x, Tensor gamma, Tensor beta, int groups,
                                              float eps, Tensor y, Tensor mean, Tensor rstd) {
        String op = "groupNormForward";
        int n = x.shape().dim(0);
        int c = channels(op, x);
        checkGroups(op, c, groups, n);
        requireShape(op + " gamma", gamma, Shape.of(c));
        requireShape(op + " beta", beta, Shape.of(c));
        requireShape(op + " mean", mean, Shape.of(n, groups));
        requireShape(op + " rstd", rstd, Shape.of(n, groups));
        requireSameShape(op, x, y);
        long s = x.shape().spatialSize();
        int ng = n * groups;
        long[] plan = groupPlan(s * (c / groups));
        int chunks = (int) plan[0];
        DeviceBuffer<B> part = temp((long) ng * chunks * 3);
        try {
            launch("group_norm.cu", "group_norm_stats_partial").mem(mem(op, x)).mem(part.handle())
                    .l(s).i(c).i(groups).i(chunks).l(plan[1])
                    .run(new long[] {(long) chunks * block, ng}, new long[] {block, 1});
            runFlat(launch("group_norm.cu", "group_norm_stats_final").mem(part.handle())
                    .mem(mem(op, mean)).mem(mem(op, rstd)).i(ng).i(chunks).f(eps), ng);
        } finally {
            part.release();
        }
        runPerSample(launch("group_norm.cu", "group_norm_forward").mem(mem(op, x))
                .mem(mem(op, gamma)).mem(mem(op, beta)).mem(mem(op, mean)).mem(mem(op, rstd))
                .mem(mem(op, y)).l(s).i(c).i(groups), s * c, n);
    }

    @Override
    public synchronized void groupNormBackward(Tensor x, Tensor dY, Tensor gamma, Tensor mean,
                                               Tensor rstd, int groups, Tensor dX,
                                               Tensor dGamma, Tensor dBeta) {
        String op = "groupNormBackward";
        int n = x.shape().dim(0);
        int c = channels(op, x);
        checkGroups(op, c, groups, n);
        requireSameShape(op, x, dY);
        requireSameShape(op, x, dX);
        requireShape(op + " gamma", gamma, Shape.of(c));
        requireShape(op + " mean", mean, Shape.of(n, groups));
        requireShape(op + " rstd", rstd, Shape.of(n, groups));
        requireShape(op + " dGamma", dGamma, Shape.of(c));
        requireShape(op + " dBeta", dBeta, Shape.of(c));
        long s = x.shape().spatialSize();
        int ng = n * groups;
        int cg = c / groups;
        B xm = mem(op, x);
        B dym = mem(op, dY);
        B gm = mem(op, gamma);
        B mm = mem(op, mean);
        B rm = mem(op, rstd);

        // Per-group means of dxh and dxh * xh, then dX.
        long[] plan = groupPlan(s * cg);
        int chunks = (int) plan[0];
        DeviceBuffer<B> part = temp((long) ng * chunks * 2);
        DeviceBuffer<B> coef = temp(2L * ng);
        try {
            launch("group_norm.cu", "group_norm_backward_stats_partial").mem(xm).mem(dym)
                    .mem(gm).mem(mm).mem(rm).mem(part.handle()).l(s).i(c).i(groups).i(chunks)
                    .l(plan[1]).run(new long[] {(long) chunks * block, ng}, new long[] {block, 1});
            runFlat(launch("group_norm.cu", "group_norm_backward_stats_final").mem(part.handle())
                    .mem(coef.handle()).i(ng).i(chunks).f((float) ((double) s * cg)), ng);
            runPerSample(launch("group_norm.cu", "group_norm_backward").mem(xm).mem(dym)
                    .mem(gm).mem(mm).mem(rm).mem(coef.handle()).mem(mem(op, dX)).l(s).i(c)
                    .i(groups), s * c, n);
        } finally {
            part.release();
            coef.release();
        }

        // dGamma and dBeta: sums over every row n*S + v.
        long rows = (long) n * s;
        ColumnPlan p = columnPlan(rows, c);
        DeviceBuffer<B> partG = temp((long) p.chunks() * c);
        DeviceBuffer<B> partB = temp((long) p.chunks() * c);
        try {
            launch("group_norm.cu", "group_norm_backward_params_partial").mem(xm).mem(dym)
                    .mem(mm).mem(rm).mem(partG.handle()).mem(partB.handle()).l(rows).l(s).i(c)
                    .i(groups).i(p.lanes()).l(p.rowsPerChunk())
                    .run(p.global(block), new long[] {block, 1});
            sumPartials(partG.handle(), p.chunks(), c, mem(op, dGamma));
            sumPartials(partB.handle(), p.chunks(), c, mem(op, dBeta));
        } finally {
            partG.release();
            partB.release();
        }
    }

    @Override
    public synchronized void preluForward(Tensor x, Tensor alpha, Tensor y) {
        String op = "preluForward";
        int c = channels(op, x);
        requireShape(op + " alpha", alpha, Shape.of(c));
        requireSameShape(op, x, y);
        runFlat(launch("prelu.cu", "prelu_forward").mem(mem(op, x)).mem(mem(op, alpha))
                .mem(mem(op, y)).l(x.numel()).i(c), x.numel());
    }

    @Override
    public synchronized void preluBackward(Tensor x, Tensor alpha, Tensor dY, Tensor dX,
                                           Tensor dAlpha) {
        String op = "preluBackward";
        int c = channels(op, x);
        requireShape(op + " alpha", alpha, Shape.of(c));
        requireShape(op + " dAlpha", dAlpha, Shape.of(c));
        requireSameShape(op, x, dY);
        requireSameShape(op, x, dX);
        long rows = x.numel() / c;
        ColumnPlan p = columnPlan(rows, c);
        DeviceBuffer<B> part = temp((long) p.chunks() * c);
        try {
            launch("prelu.cu", "prelu_backward").mem(mem(op, x)).mem(mem(op, alpha))
                    .mem(mem(op, dY)).mem(mem(op, dX)).mem(part.handle()).l(rows).i(c)
                    .i(p.lanes()).l(p.rowsPerChunk()).run(p.global(block), new long[] {block, 1});
            sumPartials(part.handle(), p.chunks(), c, mem(op, dAlpha));
        } finally {
            part.release();
        }
    }

    @Override
    public synchronized void unary(UnaryOp op, Tensor x, Tensor y) {
        String name = "unary " + op;
        requireSameCount(name, x, y);
        runFlat(launch("elementwise.cu", "unary_forward").mem(mem(name, x)).mem(mem(name, y))
                .i(unaryCode(op)).l(x.numel()), x.numel());
    }

    /** The op codes of elementwise.cu, by name rather than by enum position. */
    public static int unaryCode(UnaryOp op) {
        return switch (op) {
            case RELU -> 0;
            case EXP -> 1;
            case LOG -> 2;
            case NEG -> 3;
            case SQUARE -> 4;
            case SQRT -> 5;
            case ABS -> 6;
        };
    }

    /** The op codes of elementwise.cu for binary ops. */
    public static int binaryCode(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case RELU_BACKWARD -> 4;
            case LOG_BACKWARD -> 5;
        };
    }

    @Override
    public synchronized void binary(BinaryOp op, Tensor a, Tensor b, Tensor y) {
        String name = "binary " + op;
        requireSameCount(name, a, b);
        requireSameCount(name, a, y);
        runFlat(launch("elementwise.cu", "binary_forward").mem(mem(name, a)).mem(mem(name, b))
                .mem(mem(name, y)).i(binaryCode(op)).l(a.numel()), a.numel());
    }

    @Override
    public synchronized void axpby(float alpha, Tensor x, float beta, Tensor y) {
        requireSameCount("axpby", x, y);
        runFlat(launch("elementwise.cu", "axpby_forward").mem(mem("axpby", x))
                .mem(mem("axpby", y)).f(alpha).f(beta).l(x.numel()), x.numel());
    }

    @Override
    public synchronized void sum(Tensor x, Tensor out) {
        requireShape("sum out", out, Shape.of(1));
        columnSum("sum", x, x.numel(), 1, out);
    }

    // ---- channel ops -------------------------------------------------------

    @Override
    public synchronized void softmaxChannels(Tensor x, Tensor y) {
        String op = "softmaxChannels";
        int c = channels(op, x);
        requireSameShape(op, x, y);
        long v = x.numel() / c;
        runFlat(launch("softmax.cu", "softmax_forward").mem(mem(op, x)).mem(mem(op, y)).l(v)
                .i(c), v);
    }

    @Override
    public synchronized void softmaxChannelsBackward(Tensor y, Tensor dY, Tensor dX) {
        String op = "softmaxChannelsBackward";
        int c = channels(op, y);
        requireSameShape(op, y, dY);
        requireSameShape(op, y, dX);
        long v = y.numel() / c;
        runFlat(launch("softmax.cu", "softmax_backward").mem(mem(op, y)).mem(mem(op, dY))
                .mem(mem(op, dX)).l(v).i(c), v);
    }

    @Override
    public synchronized void argmaxChannels(Tensor x, Tensor out) {
        String op = "argmaxChannels";
        int c = channels(op, x);
        long v = x.numel() / c;
        if (out.numel() != v) {
            throw new IllegalArgumentException(op + ": out " + out.describe()
                    + " must have one element per voxel of " + x.describe());
        }
        runFlat(launch("softmax.cu", "argmax_forward").mem(mem(op, x)).mem(mem(op, out)).l(v)
                .i(c), v);
    }

    @Override
    public synchronized void diceSums(Tensor p, Tensor label, Tensor out) {
        String op = "diceSums";
        int c = channels(op, p);
        requireSameShape(op, p, label);
        requireShape(op + " out", out, Shape.of(3, c));
        long rows = p.numel() / c;
        ColumnPlan plan = columnPlan(rows, c);
        DeviceBuffer<B> part = temp((long) plan.chunks() * 3 * c);
        try {
            launch("dice.cu", "dice_sums_partial").mem(mem(op, p)).mem(mem(op, label))
                    .mem(part.handle()).l(rows).i(c).i(plan.lanes()).l(plan.rowsPerChunk())
                    .run(plan.global(block), new long[] {block, 1});
            sumPartials(part.handle(), plan.chunks(), 3L * c, mem(op, out));
        } finally {
            part.release();
        }
    }

    @Override
    public synchronized void diceBackward(Tensor p, Tensor label, float[] a, float[] b,
                                          Tensor dP) {
        String op = "diceBackward";
        int c = channels(op, p);
        requireSameShape(op, p, label);
        requireSameShape(op, p, dP);
        if (a.length != c || b.length != c) {
            throw new IllegalArgumentException(op + ": coefficient arrays must have " + c
                    + " entries, got " + a.length + " and " + b.length);
        }
        DeviceBuffer<B> am = constant(a);
        DeviceBuffer<B> bm = constant(b);
        try {
            runFlat(launch("dice.cu", "dice_backward").mem(mem(op, p)).mem(mem(op, label))
                    .mem(am.handle()).mem(bm.handle()).mem(mem(op, dP)).l(p.numel()).i(c),
                    p.numel());
        } finally {
            // Safe right away: the device frees or reuses them only after this launch.
            am.release();
            bm.release();
        }
    }

    @Override
    public synchronized void concatChannels(Tensor[] xs, Tensor y) {
        String op = "concatChannels";
        int cy = channels(op, y);
        long rows = y.numel() / cy;
        int total = 0;
        for (Tensor x : xs) {
            int cx = channels(op, x);
            if (x.numel() / cx != rows || x.shape().dim(0) != y.shape().dim(0)) {
                throw new IllegalArgumentException(op + ": " + x.describe()
                        + " does not match the other extents of " + y.describe());
            }
            total += cx;
        }
        if (total != cy) {
            throw new IllegalArgumentException(op + ": inputs have " + total
                    + " channels, output " + y.describe() + " has " + cy);
        }
        B ym = mem(op, y);
        int offset = 0;
        for (Tensor x : xs) {
            int cx = channels(op, x);
            runFlat(launch("channels.cu", "concat_forward").mem(mem(op, x)).mem(ym).l(rows)
                    .i(cx).i(cy).i(offset), rows * cx);
            offset += cx;
        }
    }

    @Override
    public synchronized void sliceChannels(Tensor x, int from, Tensor y) {
        String op = "sliceChannels";
        int cx = channels(op, x);
        int cy = channels(op, y);
        long rows = x.numel() / cx;
        if (from < 0 || from + cy > cx || y.numel() / cy != rows
                || x.shape().dim(0) != y.shape().dim(0)) {
            throw new IllegalArgumentException(op + ": cannot take channels [" + from + ", "
                    + (from + cy) + ") of " + x.describe() + " into " + y.describe());
        }
        runFlat(launch("channels.cu", "slice_forward").mem(mem(op, x)).mem(mem(op, y)).l(rows)
                .i(cx).i(cy).i(from), rows * cy);
    }

    @Override
    public synchronized void copyRegion(Tensor src, int[] srcOffset, Tensor dst,
                                        int[] dstOffset, int[] size) {
        String op = "copyRegion";
        if (!src.shape().is5d() || !dst.shape().is5d()) {
            throw new IllegalArgumentException(op + ": expected (N, C, D, H, W) tensors, got "
                    + src.describe() + " and " + dst.describe());
        }
        if (srcOffset.length != 3 || dstOffset.length != 3 || size.length != 3) {
            throw new IllegalArgumentException(op + ": offsets and size need 3 entries (D, H, W)"
                    + ", got " + Arrays.toString(srcOffset) + ", " + Arrays.toString(dstOffset)
                    + ", " + Arrays.toString(size));
        }
        Shape s = src.shape();
        Shape d = dst.shape();
        if (s.dim(0) != d.dim(0) || s.dim(1) != d.dim(1)) {
            throw new IllegalArgumentException(op + ": " + src.describe() + " and "
                    + dst.describe() + " differ in batch or channels");
        }
        for (int a = 0; a < 3; a++) {
            if (size[a] < 0 || srcOffset[a] < 0 || dstOffset[a] < 0
                    || srcOffset[a] + size[a] > s.dim(2 + a)
                    || dstOffset[a] + size[a] > d.dim(2 + a)) {
                throw new IllegalArgumentException(op + ": box of size " + Arrays.toString(size)
                        + " at " + Arrays.toString(srcOffset) + " in " + src.describe()
                        + " -> at " + Arrays.toString(dstOffset) + " in " + dst.describe()
                        + " leaves a tensor on axis " + a);
            }
        }
        long total = (long) s.dim(0) * size[0] * size[1] * size[2] * s.dim(1);
        if (total == 0) {
            return;
        }
        runFlat(launch("channels.cu", "copy_region_forward").mem(mem(op, src)).mem(mem(op, dst))
                .i(s.dim(0)).i(s.dim(1)).i(s.dim(2)).i(s.dim(3)).i(s.dim(4))
                .i(d.dim(2)).i(d.dim(3)).i(d.dim(4))
                .i(srcOffset[0]).i(srcOffset[1]).i(srcOffset[2])
                .i(dstOffset[0]).i(dstOffset[1]).i(dstOffset[2])
                .i(size[0]).i(size[1]).i(size[2]), total);
    }

    // ---- optimizers --------------------------------------------------------

    @Override
    public synchronized void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr,
                                      float beta1, float beta2, float eps, float weightDecay,
                                      int step) {
        String op = "adamStep";
        requireSameCount(op, p, g);
        requireSameCount(op, p, m);
        requireSameCount(op, p, v);
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step is 1-based, got " + step);
        }
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        runFlat(launch("optim.cu", "adam_step").mem(mem(op, p)).mem(mem(op, g)).mem(mem(op, m))
                .mem(mem(op, v)).f((float) (lr / bc1)).f(beta1).f(beta2).f(eps).f(weightDecay)
                .f((float) Math.sqrt(bc2)).l(p.numel()), p.numel());
    }

    @Override
    public synchronized void sgdStep(Tensor p, Tensor g, Tensor buf, float lr, float momentum,
                                     float weightDecay) {
        String op = "sgdStep";
        requireSameCount(op, p, g);
        requireSameCount(op, p, buf);
        runFlat(launch("optim.cu", "sgd_step").mem(mem(op, p)).mem(mem(op, g))
                .mem(mem(op, buf)).f(lr).f(momentum).f(weightDecay).l(p.numel()), p.numel());
    }

    // ---- lifetime ----------------------------------------------------------



    protected static int channels(String op, Tensor t) {
        if (t.shape().rank() < 2) {
            throw new IllegalArgumentException(op + ": expected a tensor with a channel"
                    + " dimension (rank >= 2), got " + t.describe());
        }
        return t.shape().dim(1);
    }

    protected static void checkGroups(String op, int c, int groups, int n) {
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException(op + ": " + c
                    + " channels cannot be split into " + groups + " equal groups");
        }
        if ((long) n * groups > 65535) {
            throw new IllegalArgumentException(op + ": N * groups must stay below 65536 for"
                    + " the launch grid, got " + n + " * " + groups);
        }
    }
}
