package vox.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuFuncGetAttribute;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import vox.backend.Backend;
import vox.backend.BinaryOp;
import vox.backend.Conv3dSpec;
import vox.backend.MemoryStats;
import vox.backend.UnaryOp;
import vox.tensor.Device;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * The CUDA backend: the kernels of {@code src/main/cuda}, compiled ahead
 * of time by nvcc into one fatbin (scripts/build-fatbin.sh), loaded with
 * cuModuleLoadData into the device's primary context, and launched
 * through the JCuda driver API on one stream.
 *
 * <p>It mirrors the OpenCL backend: the same kernels, the same launch
 * plans (global and local sizes become grid and block, see
 * {@link CudaLaunch}), the same two-pass reductions with a fixed order
 * (no atomics), so each result is bit-identical from run to run on one
 * device. Launches are asynchronous; reading a tensor waits for them.
 * Memory comes from a caching pool ({@link #memoryStats()}).
 *
 * <p>Methods are synchronized, and each makes the context current on the
 * calling thread first.
 *
 * <p>With {@code VOX_CUDA_PROFILE=1} (or {@code -Dvox.cuda.profile=true})
 * every launch waits for its kernel and logs one line with its name, time
 * and sizes; launches are then no longer asynchronous.
 */
public final class CudaBackend implements Backend, AutoCloseable {
    /** Threads per block of reductions and elementwise kernels (VX_BLOCK in the build). */
    private static final int BLOCK = 256;

    private final CudaDriver.Info info;
    private final Device device;
    private final CUdevice cuDevice = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final CudaMemoryPool pool;
    private final CudaConv conv;
    private final int block = BLOCK;
    private final int maxGroups;
    private final CudaStorage dummy;
    private final boolean profile;
    private final String driverVersion;
    private boolean closed;

    CudaBackend(CudaDriver.Info info) {
        this.info = info;
        this.device = new Device(Device.Kind.CUDA, info.index(), info.name());
        CudaStatus.check(cuDeviceGet(cuDevice, info.index()), "cuDeviceGet " + info.index());
        CudaStatus.check(cuDevicePrimaryCtxRetain(context, cuDevice),
                "cuDevicePrimaryCtxRetain on " + info.name());
        bind();
        CudaStatus.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING),
                "cuStreamCreate");
        int st = cuModuleLoadData(module, CudaDriver.fatbin());
        CudaStatus.check(st, "cuModuleLoadData of " + CudaDriver.FATBIN + " on " + info.name()
                + " (compute " + info.major() + "." + info.minor() + "; the fatbin holds"
                + " sm_80, sm_90 and compute_90 PTX)");
        this.driverVersion = CudaDriver.driverVersion();
        this.profile = "1".equals(System.getenv("VOX_CUDA_PROFILE"))
                || Boolean.getBoolean("vox.cuda.profile");
        this.maxGroups = Math.max(8, Math.min(65535, info.multiprocessors() * 32));
        this.pool = new CudaMemoryPool(info.name());
        this.conv = new CudaConv(this);
        this.dummy = new CudaStorage(this, pool, 1, "a placeholder");
    }

    // ---- plumbing used by CudaStorage and CudaConv ------------------------

    /** Makes this backend's context current on the calling thread. */
    void bind() {
        CudaStatus.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    CUstream stream() {
        return stream;
    }

    CUdeviceptr dummy() {
        return dummy.ptr();
    }

    /** Scratch memory from the pool; release it right after the launches that use it. */
    CudaStorage temp(long numel) {
        return new CudaStorage(this, pool, numel, "scratch of " + numel + " floats");
    }

    /** The function {@code name} of the fatbin, looked up once. */
    synchronized CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) {
            bind();
            f = new CUfunction();
            CudaStatus.check(cuModuleGetFunction(f, module, name), "cuModuleGetFunction "
                    + name + " (is the fatbin older than the backend? rebuild with nvcc)");
            functions.put(name, f);
        }
        return f;
    }

    /** The most threads per block that {@code name} can be launched with on this device. */
    int maxThreads(String name) {
        int[] v = new int[1];
        CudaStatus.check(cuFuncGetAttribute(v,
                CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, function(name)),
                "cuFuncGetAttribute " + name);
        return v[0];
    }

    int maxWorkGroup() {
        return 1024;
    }

    /** A launch of the fatbin's entry point {@code kernel}. */
    CudaLaunch launch(String kernel) {
        requireOpen();
        bind();
        return new CudaLaunch(stream, function(kernel), kernel, profile);
    }

    /** A launch of {@code kernel} from {@code file} (the file is for the reader only). */
    private CudaLaunch launch(String file, String kernel) {
        return launch(kernel);
    }

    /** Runs a grid-stride kernel over n items. */
    private void runFlat(CudaLaunch l, long n) {
        long groups = Math.max(1, Math.min(CudaConv.ceil(n, block), maxGroups));
        l.run(new long[] {groups * block}, new long[] {block});
    }

    /** Runs a grid-stride kernel over {@code perSample} items of each of n samples (grid y). */
    private void runPerSample(CudaLaunch l, long perSample, int n) {
        long groups = Math.max(1, Math.min(CudaConv.ceil(perSample, block),
                Math.max(1, maxGroups / n)));
        l.run(new long[] {groups * block, n}, new long[] {block, 1});
    }

    /** out (m) = sum over chunks of part (chunks, m), chunks in order. */
    void sumPartials(CUdeviceptr part, int chunks, long m, CUdeviceptr out) {
        runFlat(launch("reduce.cu", "sum_partials_final").mem(part).mem(out).i(chunks).l(m), m);
    }

    /** Turns the compile-time conv variants on or off (tests compare both ways). */
    void setSpecialisedConv(boolean on) {
        conv.setSpecialise(on);
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
        long chunks = Math.max(1, Math.min(512, CudaConv.ceil(rows, rowLanes * 16L)));
        long perChunk = CudaConv.ceil(rows, chunks);
        chunks = CudaConv.ceil(rows, perChunk);
        return new ColumnPlan(lanes, (int) chunks, perChunk, (int) CudaConv.ceil(c, lanes));
    }

    // ---- Backend: identity and memory --------------------------------------

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String description() {
        return info.line().replace(")", ", driver CUDA " + driverVersion + ")");
    }

    @Override
    public synchronized Tensor empty(Shape shape) {
        requireOpen();
        bind();
        return new Tensor(shape, new CudaStorage(this, pool, shape.numel(), "a tensor of shape "
                + shape));
    }

    @Override
    public synchronized Tensor fromArray(Shape shape, float[] data) {
        if (data.length != shape.numel()) {
            throw new IllegalArgumentException("fromArray: " + data.length
                    + " values do not fill shape " + shape + " (" + shape.numel() + ")");
        }
        Tensor t = empty(shape);
        t.storage().write(data);
        return t;
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

    @Override
    public synchronized void synchronize() {
        bind();
        CudaStatus.check(cuStreamSynchronize(stream), "cuStreamSynchronize (an error here"
                + " may come from any kernel launched since the last wait)");
    }

    @Override
    public MemoryStats memoryStats() {
        return pool.stats();
    }

    // ---- convolution -------------------------------------------------------

    @Override
    public synchronized void conv3dForward(Tensor x, Tensor w, Tensor bias, Conv3dSpec spec,
                                           Tensor y) {
        String op = "conv3dForward";
        checkConv(op, x, w, y, spec);
        if (bias != null) {
            requireShape(op + " bias", bias, Shape.of(spec.k()));
        }
        conv.forward(mem(op, x), mem(op, w), bias == null ? null : mem(op, bias), spec,
                mem(op, y));
    }

    @Override
    public synchronized void conv3dBackwardData(Tensor dY, Tensor w, Conv3dSpec spec,
                                                Tensor dX) {
        String op = "conv3dBackwardData";
        checkConv(op, dX, w, dY, spec);
        conv.backwardData(mem(op, dY), mem(op, w), spec, mem(op, dX));
    }

    @Override
    public synchronized void conv3dBackwardWeight(Tensor x, Tensor dY, Conv3dSpec spec,
                                                  Tensor dW) {
        String op = "conv3dBackwardWeight";
        checkConv(op, x, dW, dY, spec);
        conv.backwardWeight(mem(op, x), mem(op, dY), spec, mem(op, dW));
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
        CUdeviceptr xm = mem(op, x);
        CUdeviceptr om = mem(op, out);
        if (p.chunks() == 1) {
            launch("reduce.cu", "sum_per_channel_partial").mem(xm).mem(om).l(rows).i(c)
                    .i(p.lanes()).l(p.rowsPerChunk()).run(p.global(block), new long[] {block, 1});
            return;
        }
        CudaStorage part = temp((long) p.chunks() * c);
        try {
            launch("reduce.cu", "sum_per_channel_partial").mem(xm).mem(part.ptr()).l(rows).i(c)
                    .i(p.lanes()).l(p.rowsPerChunk()).run(p.global(block), new long[] {block, 1});
            sumPartials(part.ptr(), p.chunks(), c, om);
        } finally {
            part.release();
        }
    }

    // ---- normalisation and activations -------------------------------------

    /** Chunks per (n, g) of the group-norm statistics: a function of the shape only. */
    private long[] groupPlan(long elements) {
        long chunks = Math.max(1, Math.min(256, CudaConv.ceil(elements, block * 16L)));
        long perChunk = CudaConv.ceil(elements, chunks);
        return new long[] {CudaConv.ceil(elements, perChunk), perChunk};
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
        CudaStorage part = temp((long) ng * chunks * 3);
        try {
            launch("group_norm.cu", "group_norm_stats_partial").mem(mem(op, x)).mem(part.ptr())
                    .l(s).i(c).i(groups).i(chunks).l(plan[1])
                    .run(new long[] {(long) chunks * block, ng}, new long[] {block, 1});
            runFlat(launch("group_norm.cu", "group_norm_stats_final").mem(part.ptr())
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
        CUdeviceptr xm = mem(op, x);
        CUdeviceptr dym = mem(op, dY);
        CUdeviceptr gm = mem(op, gamma);
        CUdeviceptr mm = mem(op, mean);
        CUdeviceptr rm = mem(op, rstd);

        // Per-group means of dxh and dxh * xh, then dX.
        long[] plan = groupPlan(s * cg);
        int chunks = (int) plan[0];
        CudaStorage part = temp((long) ng * chunks * 2);
        CudaStorage coef = temp(2L * ng);
        try {
            launch("group_norm.cu", "group_norm_backward_stats_partial").mem(xm).mem(dym)
                    .mem(gm).mem(mm).mem(rm).mem(part.ptr()).l(s).i(c).i(groups).i(chunks)
                    .l(plan[1]).run(new long[] {(long) chunks * block, ng}, new long[] {block, 1});
            runFlat(launch("group_norm.cu", "group_norm_backward_stats_final").mem(part.ptr())
                    .mem(coef.ptr()).i(ng).i(chunks).f((float) ((double) s * cg)), ng);
            runPerSample(launch("group_norm.cu", "group_norm_backward").mem(xm).mem(dym)
                    .mem(gm).mem(mm).mem(rm).mem(coef.ptr()).mem(mem(op, dX)).l(s).i(c)
                    .i(groups), s * c, n);
        } finally {
            part.release();
            coef.release();
        }

        // dGamma and dBeta: sums over every row n*S + v.
        long rows = (long) n * s;
        ColumnPlan p = columnPlan(rows, c);
        CudaStorage partG = temp((long) p.chunks() * c);
        CudaStorage partB = temp((long) p.chunks() * c);
        try {
            launch("group_norm.cu", "group_norm_backward_params_partial").mem(xm).mem(dym)
                    .mem(mm).mem(rm).mem(partG.ptr()).mem(partB.ptr()).l(rows).l(s).i(c)
                    .i(groups).i(p.lanes()).l(p.rowsPerChunk())
                    .run(p.global(block), new long[] {block, 1});
            sumPartials(partG.ptr(), p.chunks(), c, mem(op, dGamma));
            sumPartials(partB.ptr(), p.chunks(), c, mem(op, dBeta));
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
        CudaStorage part = temp((long) p.chunks() * c);
        try {
            launch("prelu.cu", "prelu_backward").mem(mem(op, x)).mem(mem(op, alpha))
                    .mem(mem(op, dY)).mem(mem(op, dX)).mem(part.ptr()).l(rows).i(c)
                    .i(p.lanes()).l(p.rowsPerChunk()).run(p.global(block), new long[] {block, 1});
            sumPartials(part.ptr(), p.chunks(), c, mem(op, dAlpha));
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
    static int unaryCode(UnaryOp op) {
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

    static int binaryCode(BinaryOp op) {
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
        CudaStorage part = temp((long) plan.chunks() * 3 * c);
        try {
            launch("dice.cu", "dice_sums_partial").mem(mem(op, p)).mem(mem(op, label))
                    .mem(part.ptr()).l(rows).i(c).i(plan.lanes()).l(plan.rowsPerChunk())
                    .run(plan.global(block), new long[] {block, 1});
            sumPartials(part.ptr(), plan.chunks(), 3L * c, mem(op, out));
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
        CudaStorage am = constant(a);
        CudaStorage bm = constant(b);
        try {
            runFlat(launch("dice.cu", "dice_backward").mem(mem(op, p)).mem(mem(op, label))
                    .mem(am.ptr()).mem(bm.ptr()).mem(mem(op, dP)).l(p.numel()).i(c), p.numel());
        } finally {
            // Back to the pool: later users are queued after this launch on the one stream.
            am.release();
            bm.release();
        }
    }

    /** Pool memory holding a copy of {@code values}. */
    private CudaStorage constant(float[] values) {
        CudaStorage m = temp(values.length);
        m.write(values);
        return m;
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
        CUdeviceptr ym = mem(op, y);
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

    /** Waits for the stream, then frees pooled memory, the module and the stream. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        bind();
        cuStreamSynchronize(stream);
        closed = true;
        dummy.release();
        pool.trim();
        cuModuleUnload(module);
        cuStreamDestroy(stream);
        cuDevicePrimaryCtxRelease(cuDevice);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("cuda backend on " + device + " was closed");
        }
    }

    // ---- checks ------------------------------------------------------------

    /** The buffer of t, which must live on this backend's device. */
    private CUdeviceptr mem(String op, Tensor t) {
        if (!(t.storage() instanceof CudaStorage s) || s.owner() != this) {
            throw new IllegalArgumentException(op + ": tensor " + t.describe() + " lives on "
                    + t.device() + ", but this backend runs on " + device
                    + "; copy it to " + device + " first");
        }
        requireOpen();
        return s.ptr();
    }

    private static int channels(String op, Tensor t) {
        if (t.shape().rank() < 2) {
            throw new IllegalArgumentException(op + ": expected a tensor with a channel"
                    + " dimension (rank >= 2), got " + t.describe());
        }
        return t.shape().dim(1);
    }

    private static void checkGroups(String op, int c, int groups, int n) {
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException(op + ": " + c
                    + " channels cannot be split into " + groups + " equal groups");
        }
        if ((long) n * groups > 65535) {
            throw new IllegalArgumentException(op + ": N * groups must stay below 65536 for"
                    + " the launch grid, got " + n + " * " + groups);
        }
    }

    private static void requireShape(String what, Tensor t, Shape expected) {
        if (!t.shape().equals(expected)) {
            throw new IllegalArgumentException(what + ": expected shape " + expected
                    + ", got " + t.describe());
        }
    }

    private static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + a.describe()
                    + " vs " + b.describe());
        }
    }

    private static void requireSameCount(String op, Tensor a, Tensor b) {
        if (a.numel() != b.numel()) {
            throw new IllegalArgumentException(op + ": element counts differ: "
                    + a.describe() + " vs " + b.describe());
        }
    }

    private static void checkConv(String op, Tensor x, Tensor w, Tensor y, Conv3dSpec spec) {
        requireShape(op + " input", x, spec.inputShape());
        requireShape(op + " weight", w, spec.weightShape());
        requireShape(op + " output", y, spec.outputShape());
    }
}
