package vox.backend.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import vox.backend.kernels.KernelLaunch;

/**
 * One kernel launch: arguments in the order of the kernel's parameters,
 * then {@link #run}. Sizes are given as OpenCL-style global and local
 * work sizes (as the OpenCL backend computes them) and turned into a grid
 * of global / local blocks of local threads, so that both backends launch
 * the same kernels with the same geometry. Launches are asynchronous on
 * the backend's one stream.
 */
final class CudaLaunch implements KernelLaunch<CUdeviceptr> {
    private static final Logger LOG = Logger.getLogger(CudaLaunch.class.getName());

    private final CUstream stream;
    private final CUfunction function;
    private final String name;
    private final boolean profile;
    private final List<Pointer> args = new ArrayList<>();

    /** With {@code profile}, each run waits for its kernel and logs the time it took. */
    CudaLaunch(CUstream stream, CUfunction function, String name, boolean profile) {
        this.stream = stream;
        this.function = function;
        this.name = name;
        this.profile = profile;
    }

    @Override
    public CudaLaunch mem(CUdeviceptr p) {
        args.add(Pointer.to(p));
        return this;
    }

    @Override
    public CudaLaunch i(int v) {
        args.add(Pointer.to(new int[] {v}));
        return this;
    }

    /** A 64-bit integer argument (i64 in the kernels). */
    @Override
    public CudaLaunch l(long v) {
        args.add(Pointer.to(new long[] {v}));
        return this;
    }

    @Override
    public CudaLaunch f(float v) {
        args.add(Pointer.to(new float[] {v}));
        return this;
    }

    /** Launches over {@code global} threads in blocks of {@code local} (1 to 3 dims). */
    @Override
    public void run(long[] global, long[] local) {
        int[] grid = {1, 1, 1};
        int[] block = {1, 1, 1};
        for (int d = 0; d < global.length; d++) {
            if (global[d] % local[d] != 0) {
                throw new IllegalStateException("cuda: launch of " + name + ": global size "
                        + Arrays.toString(global) + " is not a multiple of the block "
                        + Arrays.toString(local));
            }
            long g = global[d] / local[d];
            long limit = d == 0 ? Integer.MAX_VALUE : 65535;
            if (g < 1 || g > limit) {
                throw new IllegalArgumentException("cuda: launch of " + name + " needs "
                        + g + " blocks along grid axis " + d + ", the limit is " + limit);
            }
            grid[d] = (int) g;
            block[d] = (int) local[d];
        }
        Pointer params = Pointer.to(args.toArray(new Pointer[0]));
        CUevent start = null;
        CUevent end = null;
        if (profile) {
            start = new CUevent();
            end = new CUevent();
            CudaStatus.check(cuEventCreate(start, 0), "cuEventCreate");
            CudaStatus.check(cuEventCreate(end, 0), "cuEventCreate");
            CudaStatus.check(cuEventRecord(start, stream), "cuEventRecord");
        }
        CudaStatus.check(cuLaunchKernel(function, grid[0], grid[1], grid[2], block[0],
                block[1], block[2], 0, stream, params, null), "cuLaunchKernel", name, grid,
                block);
        if (profile) {
            CudaStatus.check(cuEventRecord(end, stream), "cuEventRecord");
            CudaStatus.check(cuEventSynchronize(end), "cuEventSynchronize after " + name,
                    name, grid, block);
            float[] ms = new float[1];
            CudaStatus.check(cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
            cuEventDestroy(start);
            cuEventDestroy(end);
            LOG.log(Level.INFO, () -> String.format("cuda kernel %-48s %9.3f ms  grid %s"
                    + " block %s", name, ms[0], Arrays.toString(grid), Arrays.toString(block)));
        }
    }
}
