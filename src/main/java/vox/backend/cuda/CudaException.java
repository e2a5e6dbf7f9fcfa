package vox.backend.cuda;

/** A failed CUDA driver call; {@link #status()} is the CUresult code. */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public CudaException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The CUresult of the failed call. */
    public int status() {
        return status;
    }
}
