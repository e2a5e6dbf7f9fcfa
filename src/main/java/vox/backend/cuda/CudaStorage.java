package vox.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import vox.backend.kernels.PooledStorage;

/**
 * Float32 memory in one block of a {@link CudaBackend}'s pool. Writes are
 * queued on the backend's stream (the driver copies pageable memory out
 * before the call returns); reads wait for every launch before them.
 * Release returns the block to the pool ({@link PooledStorage}).
 */
final class CudaStorage extends PooledStorage<CUdeviceptr, CudaBackend> {
    CudaStorage(CudaBackend owner, CudaMemoryPool pool, long numel, String what) {
        super(owner, pool, numel, 4L * Math.max(1, numel), what, "CUDA");
    }

    CUdeviceptr ptr() {
        return handle();
    }

    @Override
    public void write(float[] src) {
        long n = Math.min(src.length, numel());
        CudaBackend owner = owner();
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
        long n = Math.min(dst.length, numel());
        CudaBackend owner = owner();
        synchronized (owner) {
            owner.bind();
            CudaStatus.check(cuMemcpyDtoHAsync(Pointer.to(dst), ptr(), 4L * n, owner.stream()),
                    "cuMemcpyDtoHAsync of " + n + " floats");
            CudaStatus.check(cuStreamSynchronize(owner.stream()), "cuStreamSynchronize"
                    + " after a copy of " + n + " floats to the host");
        }
    }
}
