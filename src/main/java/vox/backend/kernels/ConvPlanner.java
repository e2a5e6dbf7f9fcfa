package vox.backend.kernels;

import vox.backend.Conv3dSpec;

/**
 * Plans and launches the three convolution GEMMs of {@code conv3d.cu} for
 * a {@link KernelBackend}: the tile shape (narrow when the GEMM has at
 * most 16 columns, as the full-resolution layers of a V-Net do, or when
 * the device cannot run the wide kernel with all its work-items), the
 * argument lists, the grid (OpenCL-style global and local sizes), and for
 * backward-weight the number of split ranges. A subclass says how a
 * variant is named in its API (build options or a fatbin entry point)
 * and how large a work-group it may launch.
 *
 * @param <B> the API's buffer handle
 */
public abstract class ConvPlanner<B> {
    /** The kernel source of the convolutions. */
    public static final String FILE = "conv3d.cu";

    /** Tile shapes; each is one set of -D defines, built once per variant. */
    public enum Tiles {
        WIDE(64, 64, 16, 4, 4),
        NARROW(128, 16, 16, 8, 2);

        /** Output rows per tile. */
        public final int tm;
        /** Output columns per tile. */
        public final int tn;
        /** Reduction depth per step. */
        public final int tr;
        /** Work-items per group. */
        public final int threads;
        /** The -D defines of the kernel build. */
        public final String defines;

        Tiles(int tm, int tn, int tr, int rm, int rn) {
            this.tm = tm;
            this.tn = tn;
            this.tr = tr;
            this.threads = (tm / rm) * (tn / rn);
            this.defines = "-DCONV_TM=" + tm + " -DCONV_TN=" + tn + " -DCONV_TR=" + tr
                    + " -DCONV_RM=" + rm + " -DCONV_RN=" + rn;
        }
    }

    /** Most floats that backward-weight spends on its partial sums. */
    private static final long MAX_PARTIAL_FLOATS = 1L << 24;

    private final KernelBackend<B> backend;
    private final String api;
    private volatile boolean specialise = true;

    /**
     * @param backend the backend that launches the kernels
     * @param api the API's name in error messages ("OpenCL", "CUDA")
     */
    protected ConvPlanner(KernelBackend<B> backend, String api) {
        this.backend = backend;
        this.api = api;
    }

    /** Whether to use the compile-time variants; off, every spec runs the generic kernel. */
    public void setSpecialise(boolean on) {
        specialise = on;
    }

    /** Whether the compile-time variants are in use. */
    protected boolean specialise() {
        return specialise;
    }

    /** The most work-items per group the device allows. */
    protected abstract int maxWorkGroup();

    /** The most work-items per group of {@code kernel} built for s with tiles t. */
    protected abstract long groupLimit(Conv3dSpec s, Tiles t, String kernel);

    /** A launch of {@code kernel} built for s with tiles t. */
    protected abstract KernelLaunch<B> launch(Conv3dSpec s, Tiles t, String kernel);

    /** A buffer to pass where the kernel takes no bias. */
    protected abstract B dummy();

    /**
     * Narrow tiles for at most 16 columns; wide ones otherwise, unless the
     * device cannot run the wide kernel with all its work-items (too many
     * registers or too little local memory for 256).
     */
    private Tiles tiles(Conv3dSpec s, int cols, String kernel) {
        if (cols <= 16 || maxWorkGroup() < Tiles.WIDE.threads) {
            return Tiles.NARROW;
        }
        long limit = groupLimit(s, Tiles.WIDE, kernel);
        return limit >= Tiles.WIDE.threads ? Tiles.WIDE : Tiles.NARROW;
    }

    private static <T> KernelLaunch<T> geometry(KernelLaunch<T> l, Conv3dSpec s) {
        return l.i(s.n()).i(s.c()).i(s.d()).i(s.h()).i(s.w()).i(s.k())
                .i(s.od()).i(s.oh()).i(s.ow()).i(s.kd()).i(s.kh()).i(s.kw())
                .i(s.strideD()).i(s.strideH()).i(s.strideW())
                .i(s.padD()).i(s.padH()).i(s.padW());
    }

    private void checkLimits(String op, Conv3dSpec s) {
        long in = (long) s.n() * s.d() * s.h() * s.w();
        long out = (long) s.n() * s.od() * s.oh() * s.ow();
        long weight = (long) s.k() * s.kd() * s.kh() * s.kw() * s.c();
        if (in > Integer.MAX_VALUE || out > Integer.MAX_VALUE || weight > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": the " + api + " kernels take fewer than"
                    + " 2^31 voxels per tensor and weight elements, got " + in
                    + " input voxels, " + out + " output voxels and " + weight + " weights for "
                    + s);
        }
        if (s.k() > 65535 * 16 || s.c() > 65535 * 16) {
            throw new IllegalArgumentException(op + ": too many channels for the launch grid: "
                    + s);
        }
    }

    /** y = conv(x, w) + bias; bias may be null. */
    public final void forward(B x, B w, B bias, Conv3dSpec s, B y) {
        checkLimits("conv3dForward", s);
        Tiles t = tiles(s, s.k(), "conv3d_forward");
        long m = (long) s.n() * s.od() * s.oh() * s.ow();
        KernelLaunch<B> l = launch(s, t, "conv3d_forward").mem(x).mem(w)
                .mem(bias == null ? dummy() : bias).mem(y).i(bias == null ? 0 : 1);
        geometry(l, s).run(new long[] {ceil(m, t.tm) * t.threads, ceil(s.k(), t.tn)},
                new long[] {t.threads, 1});
    }

    /** dX = conv^T(dY, w), one grid layer per stride phase. */
    public final void backwardData(B dY, B w, Conv3dSpec s, B dX) {
        checkLimits("conv3dBackwardData", s);
        Tiles t = tiles(s, s.c(), "conv3d_backward_data");
        long rows = (long) s.n() * ceil(s.d(), s.strideD()) * ceil(s.h(), s.strideH())
                * ceil(s.w(), s.strideW());
        long phases = (long) s.strideD() * s.strideH() * s.strideW();
        KernelLaunch<B> l = launch(s, t, "conv3d_backward_data").mem(dY).mem(w).mem(dX);
        geometry(l, s).run(new long[] {ceil(rows, t.tm) * t.threads, ceil(s.c(), t.tn), phases},
                new long[] {t.threads, 1, 1});
    }

    /** dW = sum over output voxels, split into ranges that are added in a fixed order. */
    public final void backwardWeight(B x, B dY, Conv3dSpec s, B dW) {
        checkLimits("conv3dBackwardWeight", s);
        Tiles t = tiles(s, s.k(), "conv3d_backward_weight");
        long rw = (long) s.kd() * s.kh() * s.kw() * s.c();
        long m = (long) s.n() * s.od() * s.oh() * s.ow();
        long tiles = ceil(rw, t.tm) * ceil(s.k(), t.tn);
        int splits = splits(m, tiles, s.k() * rw);
        int perSplit = (int) ceil(m, splits);
        splits = (int) ceil(m, perSplit);
        long[] global = {ceil(rw, t.tm) * t.threads, ceil(s.k(), t.tn), splits};
        long[] local = {t.threads, 1, 1};
        if (splits == 1) {
            KernelLaunch<B> l = launch(s, t, "conv3d_backward_weight").mem(x).mem(dY).mem(dW)
                    .i(perSplit);
            geometry(l, s).run(global, local);
            return;
        }
        DeviceBuffer<B> part = backend.temp((long) splits * s.k() * rw);
        try {
            KernelLaunch<B> l = launch(s, t, "conv3d_backward_weight").mem(x).mem(dY)
                    .mem(part.handle()).i(perSplit);
            geometry(l, s).run(global, local);
            backend.sumPartials(part.handle(), splits, s.k() * rw, dW);
        } finally {
            part.release();
        }
    }

    /**
     * How many ranges backward-weight splits its reduction into: enough
     * groups to fill a device, ranges of at least 256 voxels, and a bounded
     * partial buffer. Depends on the shapes only, so results do too.
     */
    public static int splits(long voxels, long tiles, long weights) {
        long want = Math.max(1, ceil(1024, tiles));
        long byVoxels = Math.max(1, voxels / 256);
        long byMemory = Math.max(1, MAX_PARTIAL_FLOATS / weights);
        return (int) Math.max(1, Math.min(Math.min(want, byVoxels), Math.min(byMemory, 256)));
    }

    private static long ceil(long a, long b) {
        return KernelBackend.ceil(a, b);
    }
}
