package vox.tensor;

/**
 * Float32 memory owned by one backend. A backend hands out its own storage
 * class and checks, on every launch, that a tensor's storage is its own.
 */
public interface Storage {

    Device device();

    /** Number of float32 elements. */
    long numel();

    /** Copies {@code src} into this storage from element 0; blocks until done. */
    void write(float[] src);

    /** Copies this storage into {@code dst} from element 0; waits for pending work. */
    void read(float[] dst);

    /** Returns the memory to its backend; the storage must not be used again. */
    void release();

    boolean isReleased();
}
