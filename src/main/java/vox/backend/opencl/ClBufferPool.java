package vox.backend.opencl;

import static org.jocl.CL.CL_MEM_READ_WRITE;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clReleaseMemObject;

import org.jocl.CL;
import org.jocl.cl_context;
import org.jocl.cl_mem;
import vox.backend.kernels.BucketPool;

/**
 * The OpenCL {@link BucketPool}: buffers from clCreateBuffer in one
 * context. Reuse is safe without events because the backend has one
 * in-order queue: any command that uses a recycled buffer is enqueued
 * after every command that used it before. Thread-safe.
 */
final class ClBufferPool extends BucketPool<cl_mem> {
    private final cl_context context;
    private final String deviceName;
    private final long maxAllocBytes;

    ClBufferPool(cl_context context, String deviceName, long maxAllocBytes) {
        this.context = context;
        this.deviceName = deviceName;
        this.maxAllocBytes = maxAllocBytes;
    }

    @Override
    protected void checkSize(long size, long bytes) {
        if (size > maxAllocBytes) {
            throw new IllegalArgumentException("opencl: a buffer of " + bytes
                    + " bytes exceeds the largest single allocation of " + deviceName
                    + " (CL_DEVICE_MAX_MEM_ALLOC_SIZE = " + maxAllocBytes + " bytes)");
        }
    }

    @Override
    protected cl_mem create(long size, long asked, String what) {
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
                    + "; in use " + currentBytes() + " bytes, peak " + peakBytes(), status[0]);
        }
        return mem;
    }

    @Override
    protected void destroy(cl_mem mem) {
        clReleaseMemObject(mem);
    }
}
