package vox.backend.cuda;

import java.util.Arrays;
import jcuda.driver.CUresult;

/** The one status check of the CUDA backend: every driver call goes through here. */
final class CudaStatus {
    private CudaStatus() {
    }

    /** The name and number of a status, e.g. "CUDA_ERROR_OUT_OF_MEMORY (2)". */
    static String name(int status) {
        String s;
        try {
            s = CUresult.stringFor(status);
        } catch (LinkageError e) {
            s = "status";
        }
        return s + " (" + status + ")";
    }

    /** Throws unless {@code status} is CUDA_SUCCESS; {@code call} names what was done. */
    static void check(int status, String call) {
        if (status != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuda: " + call + " failed with " + name(status), status);
        }
    }

    /** The check for a kernel launch: names the kernel and the launch size. */
    static void check(int status, String call, String kernel, int[] grid, int[] block) {
        if (status != CUresult.CUDA_SUCCESS) {
            throw new CudaException("cuda: " + call + " failed with " + name(status)
                    + " for kernel " + kernel + ", grid " + Arrays.toString(grid)
                    + ", block " + Arrays.toString(block), status);
        }
    }
}
