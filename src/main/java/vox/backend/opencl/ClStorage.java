package vox.backend.opencl;

import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jocl.Pointer;
import org.jocl.cl_mem;
import vox.backend.kernels.DeviceBuffer;
import vox.tensor.Device;
import vox.tensor.Storage;

/**
 * Float32 memory in one buffer of an {@link OpenClBackend}'s pool. Reads
 * and writes block; a read waits for every launch before it on the queue.
 * Release returns the buffer to the pool; a storage that becomes
 * unreachable without release is returned by a {@link Cleaner}.
 */
final class ClStorage implements Storage, DeviceBuffer<cl_mem> {
    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenClBackend owner;
    private final long numel;
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /** The part that the cleaner keeps: it must not refer to the storage. */
    private static final class Handle implements Runnable {
        final cl_mem mem;
        final long bucketBytes;
        final ClBufferPool pool;
        final AtomicBoolean released = new AtomicBoolean();

        Handle(cl_mem mem, long bucketBytes, ClBufferPool pool) {
            this.mem = mem;
            this.bucketBytes = bucketBytes;
            this.pool = pool;
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                pool.release(mem, bucketBytes);
            }
        }
    }

    ClStorage(OpenClBackend owner, ClBufferPool pool, long numel) {
        this.owner = owner;
        this.numel = numel;
        long bytes = 4L * numel;
        this.handle = new Handle(pool.acquire(bytes), ClBufferPool.bucket(bytes), pool);
        this.cleanable = CLEANER.register(this, handle);
    }

    OpenClBackend owner() {
        return owner;
    }

    cl_mem mem() {
        if (handle.released.get()) {
            throw new IllegalStateException("OpenCL tensor memory was already released");
        }
        return handle.mem;
    }

    @Override
    public cl_mem handle() {
        return mem();
    }

    @Override
    public Device device() {
        return owner.device();
    }

    @Override
    public long numel() {
        return numel;
    }

    @Override
    public void write(float[] src) {
        long n = Math.min(src.length, numel);
        ClStatus.check(clEnqueueWriteBuffer(owner.queue(), mem(), true, 0, 4L * n,
                Pointer.to(src), 0, null, null), "clEnqueueWriteBuffer of " + n + " floats");
    }

    @Override
    public void read(float[] dst) {
        long n = Math.min(dst.length, numel);
        ClStatus.check(clEnqueueReadBuffer(owner.queue(), mem(), true, 0, 4L * n,
                Pointer.to(dst), 0, null, null), "clEnqueueReadBuffer of " + n + " floats");
    }

    @Override
    public void release() {
        cleanable.clean();
    }

    @Override
    public boolean isReleased() {
        return handle.released.get();
    }
}
