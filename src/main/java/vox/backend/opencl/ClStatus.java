package vox.backend.opencl;

import java.util.Arrays;
import org.jocl.CL;

/** The one status check of the OpenCL backend: every call goes through here. */
final class ClStatus {
    private ClStatus() {
    }

    /** The CL_ name and number of a status, e.g. "CL_OUT_OF_RESOURCES (-5)". */
    static String name(int status) {
        String s;
        try {
            s = CL.stringFor_errorCode(status);
        } catch (LinkageError e) {
            s = "status";
        }
        return s + " (" + status + ")";
    }

    /** Throws unless {@code status} is CL_SUCCESS; {@code call} names what was done. */
    static void check(int status, String call) {
        if (status != CL.CL_SUCCESS) {
            throw new OpenClException("opencl: " + call + " failed with " + name(status), status);
        }
    }

    /** The check for a kernel launch: names the kernel and the launch size. */
    static void check(int status, String call, String kernel, long[] global, long[] local) {
        if (status != CL.CL_SUCCESS) {
            throw new OpenClException("opencl: " + call + " failed with " + name(status)
                    + " for kernel " + kernel + ", global size " + Arrays.toString(global)
                    + ", local size " + Arrays.toString(local), status);
        }
    }
}
