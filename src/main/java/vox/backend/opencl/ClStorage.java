package vox.backend.opencl;

import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

import org.jocl.Pointer;
import org.jocl.cl_mem;
import vox.backend.kernels.PooledStorage;

/**
 * Float32 memory in one buffer of an {@link OpenClBackend}'s pool (see
 * {@link PooledStorage}). Reads and writes block; a read waits for every
 * launch before it on the queue.
 */
final class ClStorage extends PooledStorage<cl_mem, OpenClBackend> {
    ClStorage(OpenClBackend owner, ClBufferPool pool, long numel) {
        super(owner, pool, numel, 4L * numel, "a buffer", "OpenCL");
    }

    cl_mem mem() {
        return handle();
    }

    @Override
    public void write(float[] src) {
        long n = Math.min(src.length, numel());
        ClStatus.check(clEnqueueWriteBuffer(owner().queue(), mem(), true, 0, 4L * n,
                Pointer.to(src), 0, null, null), "clEnqueueWriteBuffer of " + n + " floats");
    }

    @Override
    public void read(float[] dst) {
        long n = Math.min(dst.length, numel());
        ClStatus.check(clEnqueueReadBuffer(owner().queue(), mem(), true, 0, 4L * n,
                Pointer.to(dst), 0, null, null), "clEnqueueReadBuffer of " + n + " floats");
    }
}
