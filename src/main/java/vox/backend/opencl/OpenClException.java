package vox.backend.opencl;

/**
 * An OpenCL call failed. The message names the call, the status (by its
 * CL_ name and number) and, for a kernel launch, the kernel and its sizes;
 * for a program build it carries the compiler's log.
 */
public final class OpenClException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    OpenClException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The OpenCL status code, e.g. -5 for CL_OUT_OF_RESOURCES. */
    public int status() {
        return status;
    }
}
