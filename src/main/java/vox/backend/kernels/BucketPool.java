package vox.backend.kernels;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import vox.backend.MemoryStats;

/**
 * A caching allocator of device buffers. Sizes are rounded up to buckets
 * (four per doubling, at least 256 bytes), and a released buffer waits in
 * its bucket for the next request of that bucket, so that the same
 * activations and gradients reuse the same memory step after step
 * without a driver allocation on the hot path.
 *
 * <p>Reuse needs no events when the backend has one in-order queue or
 * stream: any kernel that uses a recycled buffer is launched after every
 * kernel that used it before. A subclass allocates and frees through its
 * API and words its out-of-memory errors. Thread-safe.
 *
 * @param <B> the API's buffer handle
 */
public abstract class BucketPool<B> {
    private static final long MIN_BUCKET = 256;

    private final Map<Long, ArrayDeque<B>> free = new HashMap<>();
    private long currentBytes;
    private long peakBytes;
    private long pooledBytes;

    /** The bucket that a request of {@code bytes} is served from. */
    public static long bucket(long bytes) {
        if (bytes <= MIN_BUCKET) {
            return MIN_BUCKET;
        }
        long top = Long.highestOneBit(bytes);
        long quarter = Math.max(1, top / 4);
        return (bytes + quarter - 1) / quarter * quarter;
    }

    /**
     * A buffer of at least {@code bytes}; its size is {@link #bucket}(bytes).
     * {@code what} names the tensor for an out-of-memory message.
     */
    public final synchronized B acquire(long bytes, String what) {
        long size = bucket(bytes);
        checkSize(size, bytes);
        ArrayDeque<B> list = free.get(size);
        B b = list == null ? null : list.poll();
        if (b != null) {
            pooledBytes -= size;
        } else {
            b = create(size, bytes, what);
        }
        currentBytes += size;
        peakBytes = Math.max(peakBytes, currentBytes);
        return b;
    }

    /** Throws if the device cannot hold one buffer of {@code size} bytes; by default never. */
    protected void checkSize(long size, long asked) {
    }

    /**
     * A new buffer of {@code size} bytes from the driver (called with the
     * pool locked). On out-of-memory it may {@link #trim} and try once more.
     */
    protected abstract B create(long size, long asked, String what);

    /** Gives one cached buffer back to the driver. */
    protected abstract void destroy(B buffer);

    /** Waits until no launch in flight can still use a cached buffer; by default nothing. */
    protected void beforeTrim() {
    }

    /** Returns a buffer from {@link #acquire} to its bucket. */
    public final synchronized void release(B buffer, long bucketBytes) {
        currentBytes -= bucketBytes;
        pooledBytes += bucketBytes;
        free.computeIfAbsent(bucketBytes, k -> new ArrayDeque<>()).push(buffer);
    }

    /** Frees every cached buffer (not those in use). */
    public final synchronized void trim() {
        beforeTrim();
        for (ArrayDeque<B> list : free.values()) {
            for (B b : list) {
                destroy(b);
            }
        }
        free.clear();
        pooledBytes = 0;
    }

    /** Bytes in use, peak and cached. */
    public final synchronized MemoryStats stats() {
        return new MemoryStats(currentBytes, peakBytes, pooledBytes);
    }

    /** Bytes handed out and not yet released. */
    protected final synchronized long currentBytes() {
        return currentBytes;
    }

    /** The most bytes handed out at once. */
    protected final synchronized long peakBytes() {
        return peakBytes;
    }

    /** Bytes cached in buckets. */
    protected final synchronized long pooledBytes() {
        return pooledBytes;
    }
}
