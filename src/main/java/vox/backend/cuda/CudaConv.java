package vox.backend.cuda;

import java.util.List;
import jcuda.driver.CUdeviceptr;
import vox.backend.Conv3dSpec;

/**
 * Plans and launches the three convolution GEMMs of {@code conv3d.cu}, as
 * the OpenCL backend's {@code ClConv} does, with the same grids: picks the
 * compiled variant (kernel extents and strides fixed for 3x3x3, 1x1x1,
 * 2x2x2 stride 2 and the long-axis kernels (k,1,1), (1,k,1), (1,1,k) with
 * k = 3 or 5, all in the fatbin; generic otherwise), the tile shape
 * (narrow when the GEMM has at most 16 columns), the grid, and for
 * backward-weight the number of split ranges.
 *
 * <p>Each variant is one set of entry points in the fatbin, named
 * {@code conv3d_forward__wide_k333s111} or {@code conv3d_forward__narrow_generic}
 * ({@link #entry}); scripts/build-fatbin.sh builds the same list as
 * {@link #FIXED} and {@link Tiles}.
 */
final class CudaConv {
    static final String FILE = "conv3d.cu";

    /** The three entry points of conv3d.cu. */
    static final List<String> KERNELS = List.of("conv3d_forward", "conv3d_backward_data",
            "conv3d_backward_weight");

    /** Fixed geometries in the fatbin: KD KH KW SD SH SW. */
    static final List<int[]> FIXED = List.of(
            new int[] {3, 3, 3, 1, 1, 1}, new int[] {1, 1, 1, 1, 1, 1},
            new int[] {2, 2, 2, 2, 2, 2},
            new int[] {3, 1, 1, 1, 1, 1}, new int[] {1, 3, 1, 1, 1, 1},
            new int[] {1, 1, 3, 1, 1, 1},
            new int[] {5, 1, 1, 1, 1, 1}, new int[] {1, 5, 1, 1, 1, 1},
            new int[] {1, 1, 5, 1, 1, 1});

    /** Tile shapes, as in scripts/build-fatbin.sh; each variant is built with both. */
    enum Tiles {
        WIDE(64, 64, 16, 4, 4),
        NARROW(128, 16, 16, 8, 2);

        final int tm;
        final int tn;
        final int tr;
        final int threads;

        Tiles(int tm, int tn, int tr, int rm, int rn) {
            this.tm = tm;
            this.tn = tn;
            this.tr = tr;
            this.threads = (tm / rm) * (tn / rn);
        }
    }

    /** Most floats that backward-weight spends on its partial sums. */
    private static final long MAX_PARTIAL_FLOATS = 1L << 24;

    private final CudaBackend backend;
    private volatile boolean specialise = true;

    CudaConv(CudaBackend backend) {
        this.backend = backend;
    }

    /** Whether to use the compile-time variants; off, every spec runs the generic kernel. */
    void setSpecialise(boolean on) {
        specialise = on;
    }

    /** The variant part of an entry-point name: "k333s111", or "generic". */
    static String variant(Conv3dSpec s) {
        int[] g = {s.kd(), s.kh(), s.kw(), s.strideD(), s.strideH(), s.strideW()};
        for (int[] f : FIXED) {
            if (java.util.Arrays.equals(f, g)) {
                return "k" + g[0] + g[1] + g[2] + "s" + g[3] + g[4] + g[5];
            }
        }
        return "generic";
    }

    /** The fatbin's name of {@code kernel} for tiles t and variant v. */
    static String entry(String kernel, Tiles t, String v) {
        return kernel + "__" + t.name().toLowerCase(java.util.Locale.ROOT) + "_" + v;
    }

    /** Every conv entry point in the fatbin (what the build must produce). */
    static List<String> allEntries() {
        List<String> out = new java.util.ArrayList<>();
        for (Tiles t : Tiles.values()) {
            for (String k : KERNELS) {
                out.add(entry(k, t, "generic"));
                for (int[] f : FIXED) {
                    out.add(entry(k, t, "k" + f[0] + f[1] + f[2] + "s" + f[3] + f[4] + f[5]));
                }
            }
        }
        return out;
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
        long limit = backend.maxThreads(name(s, Tiles.WIDE, kernel));
        return limit >= Tiles.WIDE.threads ? Tiles.WIDE : Tiles.NARROW;
    }

    private String name(Conv3dSpec s, Tiles t, String kernel) {
        return entry(kernel, t, specialise ? variant(s) : "generic");
    }

    private CudaLaunch launch(Conv3dSpec s, Tiles t, String kernel) {
        return backend.launch(name(s, t, kernel));
    }

    private static CudaLaunch geometry(CudaLaunch l, Conv3dSpec s) {
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
            throw new IllegalArgumentException(op + ": the CUDA kernels take fewer than 2^31"
                    + " voxels per tensor and weight elements, got " + in + " input voxels, "
                    + out + " output voxels and " + weight + " weights for " + s);
        }
        if (s.k() > 65535 * 16 || s.c() > 65535 * 16) {
            throw new IllegalArgumentException(op + ": too many channels for the launch grid: "
                    + s);
        }
    }

    /** y = conv(x, w) + bias; bias may be null. */
    void forward(CUdeviceptr x, CUdeviceptr w, CUdeviceptr bias, Conv3dSpec s, CUdeviceptr y) {
        checkLimits("conv3dForward", s);
        Tiles t = tiles(s, s.k(), "conv3d_forward");
        long m = (long) s.n() * s.od() * s.oh() * s.ow();
        CudaLaunch l = launch(s, t, "conv3d_forward").mem(x).mem(w)
                .mem(bias == null ? backend.dummy() : bias).mem(y).i(bias == null ? 0 : 1);
        geometry(l, s).run(new long[] {ceil(m, t.tm) * t.threads, ceil(s.k(), t.tn)},
                new long[] {t.threads, 1});
    }

    /** dX = conv^T(dY, w), one grid layer per stride phase. */
    void backwardData(CUdeviceptr dY, CUdeviceptr w, Conv3dSpec s, CUdeviceptr dX) {
        checkLimits("conv3dBackwardData", s);
        Tiles t = tiles(s, s.c(), "conv3d_backward_data");
        long rows = (long) s.n() * ceil(s.d(), s.strideD()) * ceil(s.h(), s.strideH())
                * ceil(s.w(), s.strideW());
        long phases = (long) s.strideD() * s.strideH() * s.strideW();
        CudaLaunch l = launch(s, t, "conv3d_backward_data").mem(dY).mem(w).mem(dX);
        geometry(l, s).run(new long[] {ceil(rows, t.tm) * t.threads, ceil(s.c(), t.tn), phases},
                new long[] {t.threads, 1, 1});
    }

    /** dW = sum over output voxels, split into ranges that are added in a fixed order. */
    void backwardWeight(CUdeviceptr x, CUdeviceptr dY, Conv3dSpec s, CUdeviceptr dW) {
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
            CudaLaunch l = launch(s, t, "conv3d_backward_weight").mem(x).mem(dY).mem(dW)
                    .i(perSplit);
            geometry(l, s).run(global, local);
            return;
        }
        CudaStorage part = backend.temp((long) splits * s.k() * rw);
        try {
            CudaLaunch l = launch(s, t, "conv3d_backward_weight").mem(x).mem(dY).mem(part.ptr())
                    .i(perSplit);
            geometry(l, s).run(global, local);
            backend.sumPartials(part.ptr(), splits, s.k() * rw, dW);
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
