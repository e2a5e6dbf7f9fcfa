package vox.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import vox.backend.kernels.DeviceBuffer;
import vox.tensor.Device;
import vox.tensor.Storage;

/**
 * Float32 memory in one block of a {@link CudaBackend}'s pool. Writes are
 * queued on the backend's stream (the driver copies pageable memory out
 * before the call returns); reads wait for every launch before them.
 * Release returns the block to the pool; a storage that becomes
 * unreachable without release is returned by a {@link Cleaner}.
 */
final class CudaStorage implements Storage, DeviceBuffer<CUdeviceptr> {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaBackend owner;
    private final long numel;
    private final Handle handle;
    private final Cleaner.Cleanable cleanable;

    /** The part that the cleaner keeps: it must not refer to the storage. */
    private static final class Handle implements Runnable {
        final CUdeviceptr ptr;
        final long bucketBytes;
        final CudaMemoryPool pool;
        final AtomicBoolean released = new AtomicBoolean();

        Handle(CUdeviceptr ptr, long bucketBytes, CudaMemoryPool pool) {
            this.ptr = ptr;
            this.bucketBytes = bucketBytes;
            this.pool = pool;
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                pool.release(ptr, bucketBytes);
            }
        }
    }

    CudaStorage(CudaBackend owner, CudaMemoryPool pool, long numel, String what) {
        this.owner = owner;
        this.numel = numel;
        long bytes = 4L * Math.max(1, numel);
        this.handle = new Handle(pool.acquire(bytes, what), CudaMemoryPool.bucket(bytes), pool);
        this.cleanable = CLEANER.register(this, handle);
    }

    CudaBackend owner() {
        return owner;
    }

    CUdeviceptr ptr() {
        if (handle.released.get()) {
            throw new IllegalStateException("CUDA tensor memory was already released");
        }
        return handle.ptr;
    }

    @Override
    public CUdeviceptr handle() {
        return ptr();
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
        synchronized (owner) {
            owner.bind();
            CudaStatus.check(cuMemcpyHtoDAsync(ptr(), Pointer.to(src), 4L * n, owner.stream()),
                    "cuMemcpyHtoDAsync of " + n + " floats");
            // A Java array may move once the call returns: wait for the copy.
            CudaStatus.check(cuStreamSynchronize(owner.stream()), "cuStreamSynchronize"
                    + " after a copy of " + n + " floats to the device");
        }
    }

    @Override
    public void read(float[] dst) {
        long n = Math.min(dst.length, numel);
        synchronized (owner) {
            owner.bind();
            CudaStatus.check(cuMemcpyDtoHAsync(Pointer.to(dst), ptr(), 4L * n, owner.stream()),
                    "cuMemcpyDtoHAsync of " + n + " floats");
            CudaStatus.check(cuStreamSynchronize(owner.stream()), "cuStreamSynchronize"
                    + " after a copy of " + n + " floats to the host");
        }
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
