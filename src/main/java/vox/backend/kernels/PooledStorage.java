package vox.backend.kernels;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import vox.tensor.Device;
import vox.tensor.Storage;

/**
 * Float32 memory in one buffer of a {@link BucketPool}. Release returns
 * the buffer to the pool; a storage that becomes unreachable without
 * release is returned by a {@link Cleaner}. A subclass copies to and
 * from the host through its API.
 *
 * @param <B> the API's buffer handle
 * @param <O> the backend that owns the storage
 */
public abstract class PooledStorage<B, O extends KernelBackend<B>>
        implements Storage, DeviceBuffer<B> {
    private static final Cleaner CLEANER = Cleaner.create();

    private final O owner;
    private final long numel;
    private final String api;
    private final Handle<B> handle;
    private final Cleaner.Cleanable cleanable;

    /** The part that the cleaner keeps: it must not refer to the storage. */
    private static final class Handle<B> implements Runnable {
        final B buffer;
        final long bucketBytes;
        final BucketPool<B> pool;
        final AtomicBoolean released = new AtomicBoolean();

        Handle(B buffer, long bucketBytes, BucketPool<B> pool) {
            this.buffer = buffer;
            this.bucketBytes = bucketBytes;
            this.pool = pool;
        }

        @Override
        public void run() {
            if (released.compareAndSet(false, true)) {
                pool.release(buffer, bucketBytes);
            }
        }
    }

    /**
     * @param owner the backend whose device holds the memory
     * @param pool where the buffer comes from and goes back to
     * @param numel the float count
     * @param bytes the bytes to ask the pool for
     * @param what names the memory in an out-of-memory message
     * @param api the API's name in the error on use after release ("OpenCL", "CUDA")
     */
    protected PooledStorage(O owner, BucketPool<B> pool, long numel, long bytes, String what,
                            String api) {
        this.owner = owner;
        this.numel = numel;
        this.api = api;
        this.handle = new Handle<>(pool.acquire(bytes, what), BucketPool.bucket(bytes), pool);
        this.cleanable = CLEANER.register(this, handle);
    }

    @Override
    public B handle() {
        if (handle.released.get()) {
            throw new IllegalStateException(api + " tensor memory was already released");
        }
        return handle.buffer;
    }

    /** The backend whose device holds the memory. */
    public O owner() {
        return owner;
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
    public void release() {
        cleanable.clean();
    }

    @Override
    public boolean isReleased() {
        return handle.released.get();
    }
}
