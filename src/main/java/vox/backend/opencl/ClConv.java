package vox.backend.opencl;

import org.jocl.cl_mem;
import vox.backend.Conv3dSpec;
import vox.backend.kernels.ConvPlanner;

/**
 * Plans and launches the three convolution GEMMs of {@code conv3d.cu}:
 * picks the compile-time variant (kernel extents and strides fixed for
 * 3x3x3, (k,1,1), (1,k,1), (1,1,k), 2x2x2 stride 2 and 1x1x1; generic
 * otherwise), the tile shape (narrow when the GEMM has at most 16
 * columns, as the full-resolution layers of a V-Net do), the grid, and
 * for backward-weight the number of split ranges (see {@link ConvPlanner}).
 * Each variant and tile shape is one build of the source with -D defines.
 */
final class ClConv extends ConvPlanner<cl_mem> {
    private final OpenClBackend backend;

    ClConv(OpenClBackend backend) {
        super(backend, "OpenCL");
        this.backend = backend;
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

    @Override
    protected int maxWorkGroup() {
        return backend.maxWorkGroup();
    }

    @Override
    protected long groupLimit(Conv3dSpec s, Tiles t, String kernel) {
        return backend.programs().workGroupLimit(FILE, options(s, t), kernel);
    }

    private String options(Conv3dSpec s, Tiles t) {
        return (t.defines + " " + (specialise() ? variant(s) : "")).trim();
    }

    @Override
    protected Launch launch(Conv3dSpec s, Tiles t, String kernel) {
        return backend.launch(FILE, options(s, t), kernel);
    }

    @Override
    protected cl_mem dummy() {
        return backend.dummy();
    }
}
