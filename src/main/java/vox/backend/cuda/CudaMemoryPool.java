package vox.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import vox.backend.kernels.BucketPool;

/**
 * The CUDA {@link BucketPool}: blocks from cuMemAlloc, which synchronises
 * the device and so stays off the hot path. Reuse needs no events because
 * the backend has one stream. On out-of-memory the pool frees its cached
 * blocks and tries once more; then it throws with the bytes asked, free
 * and pooled. The caller must have the backend's context current.
 */
final class CudaMemoryPool extends BucketPool<CUdeviceptr> {
    private final String deviceName;

    CudaMemoryPool(String deviceName) {
        this.deviceName = deviceName;
    }

    @Override
    protected CUdeviceptr create(long size, long asked, String what) {
        CUdeviceptr p = new CUdeviceptr();
        int st = cuMemAlloc(p, size);
        if (st == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            long pooled = pooledBytes();
            trim();
            st = cuMemAlloc(p, size);
            if (st == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                long[] freeBytes = {-1};
                long[] total = {-1};
                cuMemGetInfo(freeBytes, total);
                throw new CudaException("cuda: out of memory on " + deviceName + " allocating "
                        + what + ": asked for " + asked + " bytes (bucket " + size + "), "
                        + freeBytes[0] + " bytes free of " + total[0] + ", " + pooled
                        + " bytes were cached in the pool (now freed), " + currentBytes()
                        + " bytes in use by tensors, peak " + peakBytes(), st);
            }
        }
        CudaStatus.check(st, "cuMemAlloc of " + size + " bytes for " + what);
        return p;
    }

    @Override
    protected void destroy(CUdeviceptr p) {
        cuMemFree(p);
    }

    @Override
    protected void beforeTrim() {
        // A cached block may still be read by a launch in flight.
        cuCtxSynchronize();
    }
}
