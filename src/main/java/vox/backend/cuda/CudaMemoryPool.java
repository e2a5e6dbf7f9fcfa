package vox.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import vox.backend.MemoryStats;

/**
 * A caching allocator of device memory. Sizes are rounded up to buckets
 * (four per doubling, at least 256 bytes), and a released block waits in
 * its bucket for the next request of that bucket, so that the same
 * activations and gradients reuse the same memory step after step
 * without cuMemAlloc (which synchronises the device) on the hot path.
 *
 * <p>Reuse needs no events because the backend has one stream: any kernel
 * that uses a recycled block is launched after every kernel that used it
 * before. On out-of-memory the pool frees its cached blocks and tries
 * once more; then it throws with the bytes asked, free and pooled.
 * Thread-safe. The caller must have the backend's context current.
 */
final class CudaMemoryPool {
    private static final long MIN_BUCKET = 256;

    private final String deviceName;
    private final Map<Long, ArrayDeque<CUdeviceptr>> free = new HashMap<>();
    private long currentBytes;
    private long peakBytes;
    private long pooledBytes;

    CudaMemoryPool(String deviceName) {
        this.deviceName = deviceName;
    }

    /** The bucket that a request of {@code bytes} is served from. */
    static long bucket(long bytes) {
        if (bytes <= MIN_BUCKET) {
            return MIN_BUCKET;
        }
        long top = Long.highestOneBit(bytes);
        long quarter = Math.max(1, top / 4);
        return (bytes + quarter - 1) / quarter * quarter;
    }

    /**
     * A block of at least {@code bytes}; its size is {@link #bucket}(bytes).
     * {@code what} names the tensor for an out-of-memory message.
     */
    synchronized CUdeviceptr acquire(long bytes, String what) {
        long size = bucket(bytes);
        ArrayDeque<CUdeviceptr> list = free.get(size);
        CUdeviceptr p = list == null ? null : list.poll();
        if (p != null) {
            pooledBytes -= size;
        } else {
            p = create(size, bytes, what);
        }
        currentBytes += size;
        peakBytes = Math.max(peakBytes, currentBytes);
        return p;
    }

    private CUdeviceptr create(long size, long asked, String what) {
        CUdeviceptr p = new CUdeviceptr();
        int st = cuMemAlloc(p, size);
        if (st == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long pooled = pooledBytes;
            trim();
            st = cuMemAlloc(p, size);
            if (st == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                long[] freeBytes = {-1};
                long[] total = {-1};
                cuMemGetInfo(freeBytes, total);
                throw new CudaException("cuda: out of memory on " + deviceName + " allocating "
                        + what + ": asked for " + asked + " bytes (bucket " + size + "), "
                        + freeBytes[0] + " bytes free of " + total[0] + ", " + pooled
                        + " bytes were cached in the pool (now freed), " + currentBytes
                        + " bytes in use by tensors, peak " + peakBytes, st);
            }
        }
        CudaStatus.check(st, "cuMemAlloc of " + size + " bytes for " + what);
        return p;
    }

    /** Returns a block from {@link #acquire} to its bucket. */
    synchronized void release(CUdeviceptr p, long bucketBytes) {
        currentBytes -= bucketBytes;
        pooledBytes += bucketBytes;
        free.computeIfAbsent(bucketBytes, b -> new ArrayDeque<>()).push(p);
    }

    /** Frees every cached block (not those in use). */
    synchronized void trim() {
        // A cached block may still be read by a launch in flight.
        cuCtxSynchronize();
        for (ArrayDeque<CUdeviceptr> list : free.values()) {
            for (CUdeviceptr p : list) {
                cuMemFree(p);
            }
        }
        free.clear();
        pooledBytes = 0;
    }

    synchronized MemoryStats stats() {
        return new MemoryStats(currentBytes, peakBytes, pooledBytes);
    }
}
