package vox.backend.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clReleaseMemObject;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_mem;
import vox.backend.MemoryStats;

/**
 * A caching allocator of device buffers. Sizes are rounded up to buckets
 * (four per doubling, at least 256 bytes), and a released buffer waits in
 * its bucket for the next request of that bucket, so that the same
 * activations and gradients reuse the same memory step after step.
 *
 * <p>Reuse is safe without events because the backend has one in-order
 * queue: any command that uses a recycled buffer is enqueued after every
 * command that used it before. Thread-safe.
 */
final class ClBufferPool {
    private static final long MIN_BUCKET = 256;

    private final cl_context context;
    private final String deviceName;
    private final long maxAllocBytes;
    private final Map<Long, ArrayDeque<cl_mem>> free = new HashMap<>();
    private long currentBytes;
    private long peakBytes;
    private long pooledBytes;

    ClBufferPool(cl_context context, String deviceName, long maxAllocBytes) {
        this.context = context;
        this.deviceName = deviceName;
        this.maxAllocBytes = maxAllocBytes;
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

    /** A buffer of at least {@code bytes}; its size is {@link #bucket}(bytes). */
    synchronized cl_mem acquire(long bytes) {
        long size = bucket(bytes);
        if (size > maxAllocBytes) {
            throw new IllegalArgumentException("opencl: a buffer of " + bytes
                    + " bytes exceeds the largest single allocation of " + deviceName
                    + " (CL_DEVICE_MAX_MEM_ALLOC_SIZE = " + maxAllocBytes + " bytes)");
        }
        ArrayDeque<cl_mem> list = free.get(size);
        cl_mem mem = list == null ? null : list.poll();
        if (mem != null) {
            pooledBytes -= size;
        } else {
            mem = create(size);
        }
        currentBytes += size;
        peakBytes = Math.max(peakBytes, currentBytes);
        return mem;
    }

    private cl_mem create(long size) {
        int[] status = new int[1];
        cl_mem mem = clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, status);
        if (status[0] == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE
                || status[0] == CL.CL_OUT_OF_RESOURCES
                || status[0] == CL.CL_OUT_OF_HOST_MEMORY) {
            // Give the cached buffers back to the driver and try once more.
            trim();
            mem = clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, status);
        }
        if (status[0] != CL.CL_SUCCESS) {
            throw new OpenClException("opencl: clCreateBuffer of " + size + " bytes on "
                    + deviceName + " failed with " + ClStatus.name(status[0])
                    + "; in use " + currentBytes + " bytes, peak " + peakBytes, status[0]);
        }
        return mem;
    }

    /** Returns a buffer from {@link #acquire} to its bucket. */
    synchronized void release(cl_mem mem, long bucketBytes) {
        currentBytes -= bucketBytes;
        pooledBytes += bucketBytes;
        free.computeIfAbsent(bucketBytes, b -> new ArrayDeque<>()).push(mem);
    }

    /** Frees every cached buffer (not those in use). */
    synchronized void trim() {
        for (ArrayDeque<cl_mem> list : free.values()) {
            for (cl_mem m : list) {
                clReleaseMemObject(m);
            }
        }
        free.clear();
        pooledBytes = 0;
    }

    synchronized MemoryStats stats() {
        return new MemoryStats(currentBytes, peakBytes, pooledBytes);
    }
}
