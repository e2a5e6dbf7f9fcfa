package vox.backend.opencl;

import org.jocl.cl_mem;
import vox.backend.Conv3dSpec;

/**
 * Plans and launches the three convolution GEMMs of {@code conv3d.cu}:
 * picks the compile-time variant (kernel extents and strides fixed for
 * 3x3x3, (k,1,1), (1,k,1), (1,1,k), 2x2x2 stride 2 and 1x1x1; generic
 * otherwise), the tile shape (narrow when the GEMM has at most 16
 * columns, as the full-resolution layers of a V-Net do), the grid, and
 * for backward-weight the number of split ranges.
 */
final class ClConv {
    static final String FILE = "conv3d.cu";

    /** Tile shapes; each is one set of -D defines, built once per variant. */
    enum Tiles {
        WIDE(64, 64, 16, 4, 4),
        NARROW(128, 16, 16, 8, 2);

        final int tm;
        final int tn;
        final int tr;
        final int threads;
        final String defines;

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

    private final OpenClBackend backend;
    private volatile boolean specialise = true;

    ClConv(OpenClBackend backend) {
        this.backend = backend;
    }

    /** Whether to build the compile-time variants; off, every spec runs the generic kernel. */
    void setSpecialise(boolean on) {
        specialise = on;
    }

    /** The -D defines of the variant for {@code s}, or "" for the generic kernel. */
    static String variant(Conv3dSpec s) {
        int kd = s.kd();
        int kh = s.kh();
        int kw = s.kw();
        boolean unit = s.isUnitStride();
        boolean fix = false;
        if (unit && kd == 3 && kh == 3 && kw == 3) {
            fix = true;                       // the V-Net's main convolution
        } else if (unit && kd == 1 && kh == 1 && kw == 1) {
            fix = true;                       // the class-score projection
        } else if (unit && ((kh == 1 && kw == 1) || (kd == 1 && kw == 1)
                || (kd == 1 && kh == 1))) {
            fix = true;                       // long-axis branches (k,1,1) and kin
        } else if (kd == 2 && kh == 2 && kw == 2 && s.strideD() == 2 && s.strideH() == 2
                && s.strideW() == 2) {
            fix = true;                       // down-sampling and its transpose
        }
        if (!fix) {
            return "";
        }
        return "-DCONV_KD=" + kd + " -DCONV_KH=" + kh + " -DCONV_KW=" + kw
                + " -DCONV_SD=" + s.strideD() + " -DCONV_SH=" + s.strideH()
                + " -DCONV_SW=" + s.strideW();
    }

    /**
     * Narrow tiles for at most 16 columns; wide ones otherwise, unless the
     * device cannot run the wide kernel with all its work-items (too many
     * registers or too little local memory for 256).
     */
    private Tiles tiles(Conv3dSpec s, int cols, String kernel) {
        if (cols <= 16 || backend.maxWorkGroup() < Tiles.WIDE.threads) {
            return Tiles.NARROW;
        }
        long limit = backend.programs().workGroupLimit(FILE, options(s, Tiles.WIDE), kernel);
        return limit >= Tiles.WIDE.threads ? Tiles.WIDE : Tiles.NARROW;
    }

    private String options(Conv3dSpec s, Tiles t) {
        return (t.defines + " " + (specialise ? variant(s) : "")).trim();
    }

    private Launch launch(Conv3dSpec s, Tiles t, String kernel) {
        return backend.launch(FILE, options(s, t), kernel);
    }

    private static Launch geometry(Launch l, Conv3dSpec s) {
        return l.i(s.n()).i(s.c()).i(s.d()).i(s.h()).i(s.w()).i(s.k())
                .i(s.od()).i(s.oh()).i(s.ow()).i(s.kd()).i(s.kh()).i(s.kw())
                .i(s.strideD()).i(s.strideH()).i(s.strideW())
                .i(s.padD()).i(s.padH()).i(s.padW());
    }

    static void checkLimits(String op, Conv3dSpec s) {
        long in = (long) s.n() * s.d() * s.h() * s.w();
        long out = (long) s.n() * s.od() * s.oh() * s.ow();
        long weight = (long) s.k() * s.kd() * s.kh() * s.kw() * s.c();
        if (in > Integer.MAX_VALUE || out > Integer.MAX_VALUE || weight > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": the OpenCL kernels take fewer than 2^31"
                    + " voxels per tensor and weight elements, got " + in + " input voxels, "
                    + out + " output voxels and " + weight + " weights for " + s);
        }
        if (s.k() > 65535 * 16 || s.c() > 65535 * 16) {
            throw new IllegalArgumentException(op + ": too many channels for the launch grid: "
                    + s);
        }
    }

    /** y = conv(x, w) + bias; bias may be null. */
    void forward(cl_mem x, cl_mem w, cl_mem bias, Conv3dSpec s, cl_mem y) {
        checkLimits("conv3dForward", s);
        Tiles t = tiles(s, s.k(), "conv3d_forward");
        long m = (long) s.n() * s.od() * s.oh() * s.ow();
        Launch l = launch(s, t, "conv3d_forward").mem(x).mem(w)
                .mem(bias == null ? backend.dummy() : bias).mem(y).i(bias == null ? 0 : 1);
        geometry(l, s).run(new long[] {ceil(m, t.tm) * t.threads, ceil(s.k(), t.tn)},
                new long[] {t.threads, 1});
    }

    /** dX = conv^T(dY, w), one grid layer per stride phase. */
    void backwardData(cl_mem dY, cl_mem w, Conv3dSpec s, cl_mem dX) {
        checkLimits("conv3dBackwardData", s);
        Tiles t = tiles(s, s.c(), "conv3d_backward_data");
        long rows = (long) s.n() * ceil(s.d(), s.strideD()) * ceil(s.h(), s.strideH())
                * ceil(s.w(), s.strideW());
        long phases = (long) s.strideD() * s.strideH() * s.strideW();
        Launch l = launch(s, t, "conv3d_backward_data").mem(dY).mem(w).mem(dX);
        geometry(l, s).run(new long[] {ceil(rows, t.tm) * t.threads, ceil(s.c(), t.tn), phases},
                new long[] {t.threads, 1, 1});
    }

    /** dW = sum over output voxels, split into ranges that are added in a fixed order. */
    void backwardWeight(cl_mem x, cl_mem dY, Conv3dSpec s, cl_mem dW) {
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
            Launch l = launch(s, t, "conv3d_backward_weight").mem(x).mem(dY).mem(dW).i(perSplit);
            geometry(l, s).run(global, local);
            return;
        }
        ClStorage part = backend.temp((long) splits * s.k() * rw);
        try {
            Launch l = launch(s, t, "conv3d_backward_weight").mem(x).mem(dY).mem(part.mem())
                    .i(perSplit);
            geometry(l, s).run(global, local);
            backend.sumPartials(part.mem(), splits, s.k() * rw, dW);
        } finally {
            part.release();
        }
    }

    /**
     * How many ranges backward-weight splits its reduction into: enough
     * groups to fill a device, ranges of at least 256 voxels, and a bounded
     * partial buffer. Depends on the shapes only, so results do too.
     */
    static int splits(long voxels, long tiles, long weights) {
        long want = Math.max(1, ceil(1024, tiles));
        long byVoxels = Math.max(1, voxels / 256);
        long byMemory = Math.max(1, MAX_PARTIAL_FLOATS / weights);
        return (int) Math.max(1, Math.min(Math.min(want, byVoxels), Math.min(byMemory, 256)));
    }

    static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }
}
