package vox.backend.cuda;

import java.util.List;
import jcuda.driver.CUdeviceptr;
import vox.backend.Conv3dSpec;
import vox.backend.kernels.ConvPlanner;

/**
 * Plans and launches the three convolution GEMMs of {@code conv3d.cu}
 * through the shared {@link ConvPlanner}, with the same grids as the
 * OpenCL backend. This class picks the compiled variant (kernel extents
 * and strides fixed for 3x3x3, 1x1x1, 2x2x2 stride 2 and the long-axis
 * kernels (k,1,1), (1,k,1), (1,1,k) with k = 3 or 5, all in the fatbin;
 * generic otherwise) and names its entry point; the planner picks the
 * tile shape, the grid, and for backward-weight the split ranges.
 *
 * <p>Each variant is one set of entry points in the fatbin, named
 * {@code conv3d_forward__wide_k333s111} or {@code conv3d_forward__narrow_generic}
 * ({@link #entry}); scripts/build-fatbin.sh builds the same list as
 * {@link #FIXED} and {@link Tiles}.
 */
final class CudaConv extends ConvPlanner<CUdeviceptr> {
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

    private final CudaBackend backend;

    CudaConv(CudaBackend backend) {
        super(backend, "CUDA");
        this.backend = backend;
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

    @Override
    protected int maxWorkGroup() {
        return backend.maxWorkGroup();
    }

    @Override
    protected long groupLimit(Conv3dSpec s, Tiles t, String kernel) {
        return backend.maxThreads(name(s, t, kernel));
    }

    private String name(Conv3dSpec s, Tiles t, String kernel) {
        return entry(kernel, t, specialise() ? variant(s) : "generic");
    }

    @Override
    protected CudaLaunch launch(Conv3dSpec s, Tiles t, String kernel) {
        return backend.launch(name(s, t, kernel));
    }

    @Override
    protected CUdeviceptr dummy() {
        return backend.dummy();
    }
}
