package vox.backend.kernels;

/**
 * Device memory held for a short while (scratch, constants).
 *
 * @param <B> the API's buffer handle
 */
public interface DeviceBuffer<B> {
    /** The handle to pass to a launch. */
    B handle();

    /** Gives the memory back; launches already queued still see it. */
    void release();
}
