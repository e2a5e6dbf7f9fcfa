package vox.backend.cpu;

import static vox.backend.ShapeChecks.checkConv;
import static vox.backend.ShapeChecks.requireSameCount;
import static vox.backend.ShapeChecks.requireSameShape;
import static vox.backend.ShapeChecks.requireShape;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import vox.backend.Backend;
import vox.backend.BinaryOp;
import vox.backend.Conv3dSpec;
import vox.backend.MemoryStats;
import vox.backend.UnaryOp;
import vox.tensor.Device;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * The pure-Java backend: every primitive on the host, split over the fixed
 * pool of {@link Parallel}. Convolutions live in {@link CpuConv}.
 *
 * <p>Every tensor is viewed in memory as (outer, S, C): outer = dimension 0,
 * S = product of the spatial extents, C = dimension 1 (see {@link Shape}).
 * Reductions accumulate in double.
 */
public final class CpuBackend implements Backend {
    /** Largest tensor one Java array can hold. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    /**
     * Arrays of at least this many floats are kept for reuse when their
     * tensor is released; smaller ones cost less to allocate than to pool.
     */
    static final int POOL_MIN_ELEMENTS = 1 << 14;
    /** The most bytes the pool keeps: a quarter of the heap, at most 4 GiB. */
    static final long POOL_LIMIT_BYTES = Math.min(4L << 30,
            Runtime.getRuntime().maxMemory() / 4);
    /**
     * With {@code -Dvox.cpu.poisonReused=true}, every reused array is filled
     * with NaN before it is handed out, so that code that wrongly counts on
     * {@link #empty} being zero fails loudly (the tests run with it).
     */
    static final boolean POISON_REUSED = Boolean.getBoolean("vox.cpu.poisonReused");

    private final AtomicLong current = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    /** Released arrays by length, waiting for the next tensor of that size. */
    private final Map<Integer, ArrayDeque<float[]>> pool = new HashMap<>();
    private long pooledBytes;

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public String description() {
        return "cpu: " + Parallel.threads() + " threads, Java "
                + Runtime.version().feature() + ", vector width "
                + CpuConv.SPECIES.length() + " floats";
    }

    // ---- memory -----------------------------------------------------------

    @Override
    public Tensor empty(Shape shape) {
        return allocate(shape, false);
    }

    private Tensor allocate(Shape shape, boolean zero) {
        long n = shape.numel();
        if (n > MAX_ELEMENTS) {
            throw new IllegalArgumentException("cpu: tensor of shape " + shape + " has " + n
                    + " elements; the CPU backend holds at most " + MAX_ELEMENTS
                    + " per tensor (one Java array)");
        }
        long bytes = 4L * n;
        long now = current.addAndGet(bytes);
        peak.accumulateAndGet(now, Math::max);
        float[] a = n >= POOL_MIN_ELEMENTS ? reuse((int) n) : null;
        if (a == null) {
            a = newArray((int) n);  // Java arrays start zeroed
        } else if (zero) {
            float[] z = a;
            Parallel.range(z.length, 1 << 16, (from, to) -> Arrays.fill(z, from, to, 0f));
        }
        return new Tensor(shape, new CpuStorage(a, this));
    }

    /** A new array; when the heap is full, the pool is let go and it is tried once more. */
    private float[] newArray(int n) {
        try {
            return new float[n];
        } catch (OutOfMemoryError e) {
            synchronized (pool) {
                if (pooledBytes == 0) {
                    throw e;
                }
                pool.clear();
                pooledBytes = 0;
            }
            return new float[n];
        }
    }

    /** A pooled array of exactly n floats (contents undefined), or null. */
    private float[] reuse(int n) {
        float[] a;
        synchronized (pool) {
            ArrayDeque<float[]> list = pool.get(n);
            a = list == null ? null : list.poll();
            if (a == null) {
                return null;
            }
            pooledBytes -= 4L * n;
        }
        if (POISON_REUSED) {
            Arrays.fill(a, Float.NaN);
        }
        return a;
    }

    /**
     * The memory of a released tensor: large arrays wait in the pool for
     * the next tensor of their length (a training step allocates the same
     * sizes every time), which spares the JVM zeroing them and the
     * collector finding them.
     */
    void released(float[] data) {
        current.addAndGet(-4L * data.length);
        if (data.length < POOL_MIN_ELEMENTS) {
            return;
        }
        synchronized (pool) {
            if (pooledBytes + 4L * data.length <= POOL_LIMIT_BYTES) {
                pool.computeIfAbsent(data.length, k -> new ArrayDeque<>()).push(data);
                pooledBytes += 4L * data.length;
            }
        }
    }

    @Override
    public Tensor zeros(Shape shape) {
        return allocate(shape, true);
    }

    /** The host array behind a tensor of this backend. */
    public static float[] data(Tensor t) {
        if (!(t.storage() instanceof CpuStorage s)) {
            throw new IllegalArgumentException("cpu backend got tensor " + t.describe()
                    + " that lives on " + t.device() + "; move it to the cpu first");
        }
        return s.data();
    }

    @Override
    public void fill(Tensor t, float value) {
        float[] a = data(t);
        int n = (int) t.numel();
        Parallel.range(n, 1 << 16, (from, to) -> java.util.Arrays.fill(a, from, to, value));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        requireSameCount("copy", src, dst);
        System.arraycopy(data(src), 0, data(dst), 0, (int) src.numel());
    }

    @Override
    public void synchronize() {
        // host work is synchronous
    }

    @Override
    public MemoryStats memoryStats() {
        synchronized (pool) {
            return new MemoryStats(current.get(), peak.get(), pooledBytes);
        }
    }

    // ---- convolution ------------------------------------------------------

    @Override
    public void conv3dForward(Tensor x, Tensor w, Tensor bias, Conv3dSpec spec, Tensor y) {
        checkConv("conv3dForward", x, w, y, spec);
        if (bias != null) {
            requireShape("conv3dForward bias", bias, Shape.of(spec.k()));
        }
        CpuConv.forward(data(x), data(w), bias == null ? null : data(bias), spec, data(y));
    }

    @Override
    public void conv3dBackwardData(Tensor dY, Tensor w, Conv3dSpec spec, Tensor dX) {
        checkConv("conv3dBackwardData", dX, w, dY, spec);
        CpuConv.backwardData(data(dY), data(w), spec, data(dX));
    }

    @Override
    public void conv3dBackwardWeight(Tensor x, Tensor dY, Conv3dSpec spec, Tensor dW) {
        checkConv("conv3dBackwardWeight", x, dW, dY, spec);
        CpuConv.backwardWeight(data(x), data(dY), spec, data(dW));
    }

    @Override
    public void sumPerChannel(Tensor x, Tensor out) {
        int c = channels(x);
        requireShape("sumPerChannel out", out, Shape.of(c));
        double[] sums = ChannelOps.reduce(ChannelOps.Sum.A, data(x), null, c, 0,
                x.numel() / c);
        float[] o = data(out);
        for (int i = 0; i < c; i++) {
            o[i] = (float) sums[i];
        }
    }

    // ---- normalisation and activations ------------------------------------

    @Override
    public void groupNormForward(Tensor x, Tensor gamma, Tensor beta, int groups, float eps,
                                 Tensor y, Tensor mean, Tensor rstd) {
        int n = x.shape().dim(0);
        int c = channels(x);
        checkGroups(c, groups);
        requireShape("groupNorm gamma", gamma, Shape.of(c));
        requireShape("groupNorm beta", beta, Shape.of(c));
        requireShape("groupNorm mean", mean, Shape.of(n, groups));
        requireShape("groupNorm rstd", rstd, Shape.of(n, groups));
        requireSameShape("groupNormForward", x, y);
        float[] xa = data(x);
        float[] ya = data(y);
        float[] ga = data(gamma);
        float[] ma = data(mean);
        float[] ra = data(rstd);
        float[] offsetE = ChannelOps.expand(data(beta), c);
        int s = (int) x.shape().spatialSize();
        int cg = c / groups;
        double count = (double) s * cg;
        float[] shift = new float[c];
        float[] scale = new float[c];
        for (int b = 0; b < n; b++) {
            // One pass for sum and sum of squares per channel, in double across chunks.
            double[] sums = ChannelOps.reduce(ChannelOps.Sum.A_AA, xa, null, c,
                    (long) b * s, (long) (b + 1) * s);
            for (int g = 0; g < groups; g++) {
                double sum = 0;
                double sq = 0;
                for (int i = g * cg; i < (g + 1) * cg; i++) {
                    sum += sums[i];
                    sq += sums[c + i];
                }
                double mu = sum / count;
                double var = Math.max(0, sq / count - mu * mu);
                int ng = b * groups + g;
                ma[ng] = (float) mu;
                ra[ng] = (float) (1.0 / Math.sqrt(var + eps));
                for (int i = g * cg; i < (g + 1) * cg; i++) {
                    shift[i] = ma[ng];
                    scale[i] = ra[ng] * ga[i];
                }
            }
            // y = (x - mean) * (rstd * gamma) + beta
            ChannelOps.affine(xa, ChannelOps.expand(shift, c), ChannelOps.expand(scale, c),
                    offsetE, c, b * s * c, (b + 1) * s * c, ya);
        }
    }

    @Override
    public void groupNormBackward(Tensor x, Tensor dY, Tensor gamma, Tensor mean, Tensor rstd,
                                  int groups, Tensor dX, Tensor dGamma, Tensor dBeta) {
        int n = x.shape().dim(0);
        int c = channels(x);
        checkGroups(c, groups);
        requireSameShape("groupNormBackward", x, dY);
        requireSameShape("groupNormBackward", x, dX);
        requireShape("groupNormBackward gamma", gamma, Shape.of(c));
        requireShape("groupNormBackward mean", mean, Shape.of(n, groups));
        requireShape("groupNormBackward rstd", rstd, Shape.of(n, groups));
        requireShape("groupNormBackward dGamma", dGamma, Shape.of(c));
        requireShape("groupNormBackward dBeta", dBeta, Shape.of(c));
        float[] xa = data(x);
        float[] dya = data(dY);
        float[] dxa = data(dX);
        float[] ga = data(gamma);
        float[] ma = data(mean);
        float[] ra = data(rstd);
        int s = (int) x.shape().spatialSize();
        int cg = c / groups;
        double count = (double) s * cg;
        double[] dGammaAcc = new double[c];
        double[] dBetaAcc = new double[c];
        float[] ca = new float[c];
        float[] shift = new float[c];
        float[] cb = new float[c];
        float[] offset = new float[c];
        for (int b = 0; b < n; b++) {
            // Per channel: sum dY and sum dY * x; then xh = (x - mean) * rstd gives
            // sum dY * xh = rstd * (sum dY * x - mean * sum dY).
            double[] sums = ChannelOps.reduce(ChannelOps.Sum.A_AB, dya, xa, c,
                    (long) b * s, (long) (b + 1) * s);
            for (int g = 0; g < groups; g++) {
                int ng = b * groups + g;
                double mu = ma[ng];
                double rs = ra[ng];
                double sumG = 0;
                double sumGXh = 0;
                for (int i = g * cg; i < (g + 1) * cg; i++) {
                    double sumDy = sums[i];
                    double sumDyXh = rs * (sums[c + i] - mu * sumDy);
                    dBetaAcc[i] += sumDy;
                    dGammaAcc[i] += sumDyXh;
                    sumG += ga[i] * sumDy;
                    sumGXh += ga[i] * sumDyXh;
                }
                // dX = rstd * (dY * gamma - m1 - xh * m2), with m1, m2 the group means
                //    = dY * (rstd * gamma) + (x - mean) * (-rstd^2 * m2) - rstd * m1
                double m1 = sumG / count;
                double m2 = sumGXh / count;
                for (int i = g * cg; i < (g + 1) * cg; i++) {
                    ca[i] = (float) (rs * ga[i]);
                    shift[i] = (float) mu;
                    cb[i] = (float) (-rs * rs * m2);
                    offset[i] = (float) (-rs * m1);
                }
            }
            ChannelOps.combine(dya, ChannelOps.expand(ca, c), xa, ChannelOps.expand(shift, c),
                    ChannelOps.expand(cb, c), ChannelOps.expand(offset, c), c,
                    b * s * c, (b + 1) * s * c, dxa);
        }
        float[] dga = data(dGamma);
        float[] dba = data(dBeta);
        for (int i = 0; i < c; i++) {
            dga[i] = (float) dGammaAcc[i];
            dba[i] = (float) dBetaAcc[i];
        }
    }

    @Override
    public void preluForward(Tensor x, Tensor alpha, Tensor y) {
        int c = channels(x);
        requireShape("prelu alpha", alpha, Shape.of(c));
        requireSameShape("preluForward", x, y);
        ChannelOps.prelu(data(x), ChannelOps.expand(data(alpha), c), c, null, data(y));
    }

    @Override
    public void preluBackward(Tensor x, Tensor alpha, Tensor dY, Tensor dX, Tensor dAlpha) {
        int c = channels(x);
        requireShape("prelu alpha", alpha, Shape.of(c));
        requireShape("preluBackward dAlpha", dAlpha, Shape.of(c));
        requireSameShape("preluBackward", x, dY);
        requireSameShape("preluBackward", x, dX);
        float[] xa = data(x);
        float[] dya = data(dY);
        // dAlpha first: dX may alias dY.
        double[] sums = ChannelOps.reduce(ChannelOps.Sum.AB_WHERE_A_NONPOSITIVE, xa, dya, c,
                0, x.numel() / c);
        ChannelOps.prelu(xa, ChannelOps.expand(data(alpha), c), c, dya, data(dX));
        float[] da = data(dAlpha);
        for (int i = 0; i < c; i++) {
            da[i] = (float) sums[i];
        }
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y) {
        requireSameCount("unary " + op, x, y);
        float[] xa = data(x);
        float[] ya = data(y);
        // The switch sits outside the loops so that each loop is simple enough to vectorise.
        Parallel.range((int) x.numel(), 1 << 14, (from, to) -> {
            switch (op) {
                case RELU -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = xa[i] > 0 ? xa[i] : 0f;
                    }
                }
                case EXP -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = (float) Math.exp(xa[i]);
                    }
                }
                case LOG -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = (float) Math.log(Math.max(xa[i], 1e-30f));
                    }
                }
                case NEG -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = -xa[i];
                    }
                }
                case SQUARE -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = xa[i] * xa[i];
                    }
                }
                case SQRT -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = (float) Math.sqrt(xa[i]);
                    }
                }
                case ABS -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = Math.abs(xa[i]);
                    }
                }
            }
        });
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor y) {
        requireSameCount("binary " + op, a, b);
        requireSameCount("binary " + op, a, y);
        float[] aa = data(a);
        float[] ba = data(b);
        float[] ya = data(y);
        Parallel.range((int) a.numel(), 1 << 14, (from, to) -> {
            switch (op) {
                case ADD -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = aa[i] + ba[i];
                    }
                }
                case SUB -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = aa[i] - ba[i];
                    }
                }
                case MUL -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = aa[i] * ba[i];
                    }
                }
                case DIV -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = aa[i] / ba[i];
                    }
                }
                case RELU_BACKWARD -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = aa[i] > 0 ? ba[i] : 0f;
                    }
                }
                case LOG_BACKWARD -> {
                    for (int i = from; i < to; i++) {
                        ya[i] = ba[i] / Math.max(aa[i], 1e-30f);
                    }
                }
            }
        });
    }

    @Override
    public void axpby(float alpha, Tensor x, float beta, Tensor y) {
        requireSameCount("axpby", x, y);
        float[] xa = data(x);
        float[] ya = data(y);
        Parallel.range((int) x.numel(), 1 << 14, (from, to) -> {
            for (int i = from; i < to; i++) {
                ya[i] = alpha * xa[i] + beta * ya[i];
            }
        });
    }

    @Override
    public void sum(Tensor x, Tensor out) {
        requireShape("sum out", out, Shape.of(1));
        float[] a = data(x);
        int n = (int) x.numel();
        // Chunks of a fixed size, not one per thread: the sum must not depend
        // on the thread count.
        int chunks = Math.max(1, (n + (1 << 16) - 1) >> 16);
        double[] part = new double[chunks];
        Parallel.range(chunks, (cf, ct) -> {
            for (int ch = cf; ch < ct; ch++) {
                int from = (int) ((long) n * ch / chunks);
                int to = (int) ((long) n * (ch + 1) / chunks);
                double s = 0;
                for (int i = from; i < to; i++) {
                    s += a[i];
                }
                part[ch] = s;
            }
        });
        double s = 0;
        for (double p : part) {
            s += p;
        }
        data(out)[0] = (float) s;
    }

    // ---- channel ops ------------------------------------------------------

    @Override
    public void softmaxChannels(Tensor x, Tensor y) {
        int c = channels(x);
        requireSameShape("softmaxChannels", x, y);
        float[] xa = data(x);
        float[] ya = data(y);
        Parallel.range((int) (x.numel() / c), 1024, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * c;
                float max = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < c; i++) {
                    max = Math.max(max, xa[base + i]);
                }
                float sum = 0;
                for (int i = 0; i < c; i++) {
                    float e = (float) Math.exp(xa[base + i] - max);
                    ya[base + i] = e;
                    sum += e;
                }
                float inv = 1f / sum;
                for (int i = 0; i < c; i++) {
                    ya[base + i] *= inv;
                }
            }
        });
    }

    @Override
    public void softmaxChannelsBackward(Tensor y, Tensor dY, Tensor dX) {
        int c = channels(y);
        requireSameShape("softmaxChannelsBackward", y, dY);
        requireSameShape("softmaxChannelsBackward", y, dX);
        float[] ya = data(y);
        float[] ga = data(dY);
        float[] da = data(dX);
        Parallel.range((int) (y.numel() / c), 1024, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * c;
                float dot = 0;
                for (int i = 0; i < c; i++) {
                    dot += ya[base + i] * ga[base + i];
                }
                for (int i = 0; i < c; i++) {
                    da[base + i] = ya[base + i] * (ga[base + i] - dot);
                }
            }
        });
    }

    @Override
    public void argmaxChannels(Tensor x, Tensor out) {
        int c = channels(x);
        if (out.numel() != x.numel() / c) {
            throw new IllegalArgumentException("argmaxChannels: out " + out.describe()
                    + " must have one element per voxel of " + x.describe());
        }
        float[] xa = data(x);
        float[] oa = data(out);
        Parallel.range((int) out.numel(), 4096, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * c;
                int best = 0;
                for (int i = 1; i < c; i++) {
                    if (xa[base + i] > xa[base + best]) {
                        best = i;
                    }
                }
                oa[r] = best;
            }
        });
    }

    @Override
    public void diceSums(Tensor p, Tensor label, Tensor out) {
        int c = channels(p);
        requireSameShape("diceSums", p, label);
        requireShape("diceSums out", out, Shape.of(3, c));
        double[] sums = ChannelOps.reduce(ChannelOps.Sum.AB_AA_BB, data(p), data(label), c, 0,
                p.numel() / c);
        float[] o = data(out);
        for (int j = 0; j < 3 * c; j++) {
            o[j] = (float) sums[j];
        }
    }

    @Override
    public void diceBackward(Tensor p, Tensor label, float[] a, float[] b, Tensor dP) {
        int c = channels(p);
        requireSameShape("diceBackward", p, label);
        requireSameShape("diceBackward", p, dP);
        if (a.length != c || b.length != c) {
            throw new IllegalArgumentException("diceBackward: coefficient arrays must have "
                    + c + " entries, got " + a.length + " and " + b.length);
        }
        float[] zero = ChannelOps.expand(new float[c], c);
        // dP = label * a[c] + (p - 0) * b[c] + 0
        ChannelOps.combine(data(label), ChannelOps.expand(a, c), data(p), zero,
                ChannelOps.expand(b, c), zero, c, 0, (int) p.numel(), data(dP));
    }

    @Override
    public void concatChannels(Tensor[] xs, Tensor y) {
        int cy = channels(y);
        long rows = y.numel() / cy;
        int total = 0;
        for (Tensor x : xs) {
            int cx = channels(x);
            if (x.numel() / cx != rows || x.shape().dim(0) != y.shape().dim(0)) {
                throw new IllegalArgumentException("concatChannels: " + x.describe()
                        + " does not match the other extents of " + y.describe());
            }
            total += cx;
        }
        if (total != cy) {
            throw new IllegalArgumentException("concatChannels: inputs have " + total
                    + " channels, output " + y.describe() + " has " + cy);
        }
        float[] ya = data(y);
        int off = 0;
        for (Tensor x : xs) {
            int cx = channels(x);
            float[] xa = data(x);
            int o = off;
            Parallel.range((int) rows, 4096, (from, to) -> {
                for (int r = from; r < to; r++) {
                    System.arraycopy(xa, r * cx, ya, r * cy + o, cx);
                }
            });
            off += cx;
        }
    }

    @Override
    public void sliceChannels(Tensor x, int from, Tensor y) {
        int cx = channels(x);
        int cy = channels(y);
        long rows = x.numel() / cx;
        if (from < 0 || from + cy > cx || y.numel() / cy != rows) {
            throw new IllegalArgumentException("sliceChannels: cannot take channels ["
                    + from + ", " + (from + cy) + ") of " + x.describe() + " into " + y.describe());
        }
        float[] xa = data(x);
        float[] ya = data(y);
        Parallel.range((int) rows, 4096, (f, t) -> {
            for (int r = f; r < t; r++) {
                System.arraycopy(xa, r * cx + from, ya, r * cy, cy);
            }
        });
    }

    @Override
    public void copyRegion(Tensor src, int[] srcOffset, Tensor dst, int[] dstOffset, int[] size) {
        Shape s = src.shape().requireRank(5);
        Shape d = dst.shape().requireRank(5);
        if (s.dim(0) != d.dim(0) || s.dim(1) != d.dim(1)) {
            throw new IllegalArgumentException("copyRegion: " + src.describe() + " and "
                    + dst.describe() + " differ in batch or channels");
        }
        for (int a = 0; a < 3; a++) {
            if (size[a] < 0 || srcOffset[a] < 0 || dstOffset[a] < 0
                    || srcOffset[a] + size[a] > s.dim(2 + a)
                    || dstOffset[a] + size[a] > d.dim(2 + a)) {
                throw new IllegalArgumentException("copyRegion: box of size "
                        + java.util.Arrays.toString(size) + " at "
                        + java.util.Arrays.toString(srcOffset) + " in " + src.describe()
                        + " -> at " + java.util.Arrays.toString(dstOffset) + " in "
                        + dst.describe() + " leaves a tensor on axis " + a);
            }
        }
        int n = s.dim(0);
        int c = s.dim(1);
        float[] sa = data(src);
        float[] da = data(dst);
        int rows = n * size[0] * size[1];
        int run = size[2] * c;
        Parallel.range(rows, 256, (from, to) -> {
            for (int r = from; r < to; r++) {
                int b = r / (size[0] * size[1]);
                int z = (r / size[1]) % size[0];
                int y = r % size[1];
                int si = (((b * s.dim(2) + srcOffset[0] + z) * s.dim(3) + srcOffset[1] + y)
                        * s.dim(4) + srcOffset[2]) * c;
                int di = (((b * d.dim(2) + dstOffset[0] + z) * d.dim(3) + dstOffset[1] + y)
                        * d.dim(4) + dstOffset[2]) * c;
                System.arraycopy(sa, si, da, di, run);
            }
        });
    }

    // ---- optimizers -------------------------------------------------------

    @Override
    public void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float beta1,
                         float beta2, float eps, float weightDecay, int step) {
        requireSameCount("adamStep", p, g);
        float[] pa = data(p);
        float[] ga = data(g);
        float[] ma = data(m);
        float[] va = data(v);
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float bc2Sqrt = (float) Math.sqrt(bc2);
        Parallel.range((int) p.numel(), 1 << 14, (from, to) -> {
            for (int i = from; i < to; i++) {
                float gi = ga[i] + weightDecay * pa[i];
                ma[i] = beta1 * ma[i] + (1 - beta1) * gi;
                va[i] = beta2 * va[i] + (1 - beta2) * gi * gi;
                float denom = (float) Math.sqrt(va[i]) / bc2Sqrt + eps;
                pa[i] -= stepSize * ma[i] / denom;
            }
        });
    }

    @Override
    public void sgdStep(Tensor p, Tensor g, Tensor buf, float lr, float momentum,
                        float weightDecay) {
        requireSameCount("sgdStep", p, g);
        float[] pa = data(p);
        float[] ga = data(g);
        float[] ba = data(buf);
        Parallel.range((int) p.numel(), 1 << 14, (from, to) -> {
            for (int i = from; i < to; i++) {
                ba[i] = momentum * ba[i] + ga[i] + weightDecay * pa[i];
                pa[i] -= lr * ba[i];
            }
        });
    }

    // ---- checks -----------------------------------------------------------

    private static int channels(Tensor t) {
        if (t.shape().rank() < 2) {
            throw new IllegalArgumentException("expected a tensor with a channel dimension"
                    + " (rank >= 2), got " + t.describe());
        }
        return t.shape().dim(1);
    }

    private static void checkGroups(int c, int groups) {
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException("groupNorm: " + c
                    + " channels cannot be split into " + groups + " equal groups");
        }
    }
}
