package vox.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuFuncGetAttribute;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import vox.backend.Conv3dSpec;
import vox.backend.MemoryStats;
import vox.backend.kernels.KernelBackend;
import vox.tensor.Device;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * The CUDA backend: the kernels of {@code src/main/cuda}, compiled ahead
 * of time by nvcc into one fatbin (scripts/build-fatbin.sh), loaded with
 * cuModuleLoadData into the device's primary context, and launched
 * through the JCuda driver API on one stream.
 *
 * <p>It shares the primitives of {@link KernelBackend} with the OpenCL
 * backend: the same kernels, the same launch plans (global and local
 * sizes become grid and block, see {@link CudaLaunch}), the same two-pass
 * reductions with a fixed order
 * (no atomics), so each result is bit-identical from run to run on one
 * device. Launches are asynchronous; reading a tensor waits for them.
 * Memory comes from a caching pool ({@link #memoryStats()}).
 *
 * <p>Methods are synchronized, and each makes the context current on the
 * calling thread first.
 *
 * <p>With {@code VOX_CUDA_PROFILE=1} (or {@code -Dvox.cuda.profile=true})
 * every launch waits for its kernel and logs one line with its name, time
 * and sizes; launches are then no longer asynchronous.
 */
public final class CudaBackend extends KernelBackend<CUdeviceptr> {
    /** Threads per block of reductions and elementwise kernels (VX_BLOCK in the build). */
    private static final int BLOCK = 256;

    private final CudaDriver.Info info;
    private final Device device;
    private final CUdevice cuDevice = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final CudaMemoryPool pool;
    private final CudaConv conv;
    private final CudaStorage dummy;
    private final boolean profile;
    private final String driverVersion;
    private boolean closed;

    CudaBackend(CudaDriver.Info info) {
        super(BLOCK, Math.max(8, Math.min(65535, info.multiprocessors() * 32)));
        this.info = info;
        this.device = new Device(Device.Kind.CUDA, info.index(), info.name());
        CudaStatus.check(cuDeviceGet(cuDevice, info.index()), "cuDeviceGet " + info.index());
        CudaStatus.check(cuDevicePrimaryCtxRetain(context, cuDevice),
                "cuDevicePrimaryCtxRetain on " + info.name());
        bind();
        CudaStatus.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING),
                "cuStreamCreate");
        int st = cuModuleLoadData(module, CudaDriver.fatbin());
        CudaStatus.check(st, "cuModuleLoadData of " + CudaDriver.FATBIN + " on " + info.name()
                + " (compute " + info.major() + "." + info.minor() + "; the fatbin holds"
                + " sm_80, sm_90 and compute_90 PTX)");
        this.driverVersion = CudaDriver.driverVersion();
        this.profile = "1".equals(System.getenv("VOX_CUDA_PROFILE"))
                || Boolean.getBoolean("vox.cuda.profile");
        this.pool = new CudaMemoryPool(info.name());
        this.conv = new CudaConv(this);
        this.dummy = new CudaStorage(this, pool, 1, "a placeholder");
    }

    // ---- plumbing used by CudaStorage and CudaConv ------------------------

    /** Makes this backend's context current on the calling thread. */
    void bind() {
        CudaStatus.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    CUstream stream() {
        return stream;
    }

    CUdeviceptr dummy() {
        return dummy.ptr();
    }

    /** Scratch memory from the pool; release it right after the launches that use it. */
    @Override
    protected CudaStorage temp(long numel) {
        return new CudaStorage(this, pool, numel, "scratch of " + numel + " floats");
    }

    /** The function {@code name} of the fatbin, looked up once. */
    synchronized CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) {
            bind();
            f = new CUfunction();
            CudaStatus.check(cuModuleGetFunction(f, module, name), "cuModuleGetFunction "
                    + name + " (is the fatbin older than the backend? rebuild with nvcc)");
            functions.put(name, f);
        }
        return f;
    }

    /** The most threads per block that {@code name} can be launched with on this device. */
    int maxThreads(String name) {
        int[] v = new int[1];
        CudaStatus.check(cuFuncGetAttribute(v,
                CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK, function(name)),
                "cuFuncGetAttribute " + name);
        return v[0];
    }

    int maxWorkGroup() {
        return 1024;
    }

    /** A launch of the fatbin's entry point {@code kernel}. */
    CudaLaunch launch(String kernel) {
        requireOpen();
        bind();
        return new CudaLaunch(stream, function(kernel), kernel, profile);
    }

    /** A launch of {@code kernel} from {@code file} (the file is for the reader only). */
    @Override
    protected CudaLaunch launch(String file, String kernel) {
        return launch(kernel);
    }

    /** Turns the compile-time conv variants on or off (tests compare both ways). */
    void setSpecialisedConv(boolean on) {
        conv.setSpecialise(on);
    }

    @Override
    protected void convForward(CUdeviceptr x, CUdeviceptr w, CUdeviceptr bias, Conv3dSpec spec,
                               CUdeviceptr y) {
        conv.forward(x, w, bias, spec, y);
    }

    @Override
    protected void convBackwardData(CUdeviceptr dY, CUdeviceptr w, Conv3dSpec spec,
                                    CUdeviceptr dX) {
        conv.backwardData(dY, w, spec, dX);
    }

    @Override
    protected void convBackwardWeight(CUdeviceptr x, CUdeviceptr dY, Conv3dSpec spec,
                                      CUdeviceptr dW) {
        conv.backwardWeight(x, dY, spec, dW);
    }

    // ---- Backend: identity and memory --------------------------------------

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String description() {
        return info.line().replace(")", ", driver CUDA " + driverVersion + ")");
    }

    @Override
    public synchronized Tensor empty(Shape shape) {
        requireOpen();
        bind();
        return new Tensor(shape, new CudaStorage(this, pool, shape.numel(), "a tensor of shape "
                + shape));
    }

    @Override
    public synchronized void synchronize() {
        bind();
        CudaStatus.check(cuStreamSynchronize(stream), "cuStreamSynchronize (an error here"
                + " may come from any kernel launched since the last wait)");
    }

    @Override
    public MemoryStats memoryStats() {
        return pool.stats();
    }

    /** Pool memory holding a copy of {@code values}. */
    @Override
    protected CudaStorage constant(float[] values) {
        CudaStorage m = temp(values.length);
        m.write(values);
        return m;
    }

    // ---- lifetime ----------------------------------------------------------

    /** Waits for the stream, then frees pooled memory, the module and the stream. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        bind();
        cuStreamSynchronize(stream);
        closed = true;
        dummy.release();
        pool.trim();
        cuModuleUnload(module);
        cuStreamDestroy(stream);
        cuDevicePrimaryCtxRelease(cuDevice);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("cuda backend on " + device + " was closed");
        }
    }

    /** The buffer of t, which must live on this backend's device. */
    @Override
    protected CUdeviceptr mem(String op, Tensor t) {
        if (!(t.storage() instanceof CudaStorage s) || s.owner() != this) {
            throw new IllegalArgumentException(op + ": tensor " + t.describe() + " lives on "
                    + t.device() + ", but this backend runs on " + device
                    + "; copy it to " + device + " first");
        }
        requireOpen();
        return s.ptr();
    }
}
