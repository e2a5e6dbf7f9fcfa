package vox.backend.opencl;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_MEM_COPY_HOST_PTR;
import static org.jocl.CL.CL_MEM_READ_ONLY;
import static org.jocl.CL.clCreateBuffer;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clFinish;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clReleaseCommandQueue;
import static org.jocl.CL.clReleaseContext;
import static org.jocl.CL.clReleaseMemObject;

import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_mem;
import vox.backend.Conv3dSpec;
import vox.backend.MemoryStats;
import vox.backend.kernels.DeviceBuffer;
import vox.backend.kernels.KernelBackend;
import vox.backend.profile.EventTiming;
import vox.tensor.Device;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * The OpenCL backend: the kernels of {@code src/main/cuda}, built at run
 * time as OpenCL C, on one device through one in-order queue.
 *
 * <p>The primitives (checks, kernels, arguments, launch geometry) are
 * those of {@link KernelBackend}; this class holds the OpenCL context,
 * queue, program cache and buffers. Launches are asynchronous; reading a
 * tensor waits for them. Memory comes from a caching pool
 * ({@link #memoryStats()}). Every reduction is two-pass with a fixed
 * order (no atomics), so each result is bit-identical from run to run on
 * one device. Tensors are viewed as (rows, C) with channels innermost, as
 * in {@link Shape}.
 *
 * <p>Methods are synchronized: kernel objects carry their arguments, so
 * two threads must not launch at once.
 *
 * <p>With {@code VOX_OPENCL_PROFILE=1} (or {@code -Dvox.opencl.profile=true})
 * every launch waits for its kernel and logs one line with its name, time
 * and sizes; launches are then no longer asynchronous.
 *
 * <p>The queue always has profiling enabled, so that the kernel profiler
 * ({@code --profile}) times launches with OpenCL events
 * ({@link #timeOnDevice}) rather than the host clock.
 */
public final class OpenClBackend extends KernelBackend<cl_mem> implements EventTiming {
    /** Work-items per group of reductions and elementwise kernels, if the device allows. */
    private static final int BLOCK = 256;

    private final ClDevice dev;
    private final Device device;
    /** Events of the launches of a {@link #timeOnDevice} call; null outside one. */
    private List<cl_event> recording;
    private final cl_context context;
    private final cl_command_queue queue;
    private final ClBufferPool pool;
    private final ClPrograms programs;
    private final ClConv conv;
    private final ClStorage dummy;
    private final boolean profile;
    private boolean closed;

    OpenClBackend(ClDevice dev) {
        super(blockFor(dev), maxGroupsFor(dev));
        this.dev = dev;
        this.device = new Device(Device.Kind.OPENCL, dev.index(), dev.name());
        int[] status = new int[1];
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, dev.platform());
        this.context = clCreateContext(props, 1, new cl_device_id[] {dev.id()}, null, null,
                status);
        ClStatus.check(status[0], "clCreateContext for " + dev.name());
        this.profile = "1".equals(System.getenv("VOX_OPENCL_PROFILE"))
                || Boolean.getBoolean("vox.opencl.profile");
        this.queue = createQueue(context, dev);
        this.pool = new ClBufferPool(context, dev.name(), dev.maxAllocBytes());
        this.programs = new ClPrograms(context, dev, "-cl-std=CL1.2 -DVX_BLOCK=" + block);
        this.conv = new ClConv(this);
        this.dummy = new ClStorage(this, pool, 1);
    }

    /** Work-items per group: BLOCK, or the device's largest power of two below it. */
    /**
     * The most work-groups of a grid-stride launch. On a GPU, enough to
     * fill it (32 per compute unit) and each work-item strides on. On a
     * CPU device the runtime runs a group's work-items one after another
     * on one core, so a striding work-item walks memory 64 KiB apart at
     * every step; there a launch gets one work-item per element (each
     * stride loop runs once) and consecutive work-items touch consecutive
     * floats.
     */
    static int maxGroupsFor(ClDevice dev) {
        return dev.isCpu() ? CPU_MAX_GROUPS : fillingGroups(dev);
    }

    /** Work-groups of a grid-stride launch on a CPU device: 2^31 work-items of 256. */
    static final int CPU_MAX_GROUPS = 1 << 23;

    /** Work-groups that keep every compute unit busy: 32 per unit. */
    private static int fillingGroups(ClDevice dev) {
        return Math.max(8, Math.min(65535, dev.computeUnits() * 32));
    }

    @Override
    protected int residentGroups() {
        return fillingGroups(dev);
    }

    private static int blockFor(ClDevice dev) {
        int block = (int) Math.min(BLOCK, Long.highestOneBit(Math.max(1,
                dev.maxWorkGroupSize())));
        if (block < 128) {
            throw new IllegalStateException("opencl: device " + dev.name() + " allows only "
                    + dev.maxWorkGroupSize() + " work-items per group; vox needs 128");
        }
        return block;
    }

    @SuppressWarnings("deprecation")
    private static cl_command_queue createQueue(cl_context ctx, ClDevice dev) {
        int[] status = new int[1];
        // clCreateCommandQueue is the OpenCL 1.2 call; 2.0+ platforms keep it.
        cl_command_queue q = CL.clCreateCommandQueue(ctx, dev.id(),
                CL.CL_QUEUE_PROFILING_ENABLE, status);
        ClStatus.check(status[0], "clCreateCommandQueue for " + dev.name());
        return q;
    }

    // ---- event timing ---------------------------------------------------------

    /**
     * Runs {@code work}, waits for it, and returns the device time from the
     * start of its first kernel to the end of its last, from OpenCL
     * profiling events. Work that launches no kernel (a buffer write or
     * read) is timed with the host clock around it and the wait. Calls do
     * not nest: the profiler times one primitive at a time.
     */
    @Override
    public synchronized long timeOnDevice(Runnable work) {
        synchronize();
        List<cl_event> events = new ArrayList<>();
        List<cl_event> outer = recording;
        recording = events;
        long t0 = System.nanoTime();
        try {
            work.run();
        } finally {
            recording = outer;
        }
        synchronize();
        long host = System.nanoTime() - t0;
        if (events.isEmpty()) {
            return host;
        }
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (cl_event e : events) {
            start = Math.min(start, Launch.eventTime(e, CL.CL_PROFILING_COMMAND_START));
            end = Math.max(end, Launch.eventTime(e, CL.CL_PROFILING_COMMAND_END));
            clReleaseEvent(e);
        }
        return Math.max(0, end - start);
    }

    @Override
    public String queueName() {
        return "queue 0";
    }

    // ---- plumbing used by ClStorage and ClConv ----------------------------

    cl_command_queue queue() {
        return queue;
    }

    int maxWorkGroup() {
        return (int) Math.min(Integer.MAX_VALUE, dev.maxWorkGroupSize());
    }

    cl_mem dummy() {
        return dummy.mem();
    }

    /** Scratch memory from the pool; release it right after the launches that use it. */
    @Override
    protected ClStorage temp(long numel) {
        return new ClStorage(this, pool, numel);
    }

    Launch launch(String file, String options, String kernel) {
        return new Launch(queue, programs.kernel(file, options, kernel), kernel, profile,
                recording);
    }

    @Override
    protected Launch launch(String file, String kernel) {
        return launch(file, "", kernel);
    }

    /**
     * A small read-only buffer holding a copy of {@code values}, made
     * without a queue sync; the driver frees it once the launches that
     * use it have finished.
     */
    @Override
    protected DeviceBuffer<cl_mem> constant(float[] values) {
        int[] status = new int[1];
        cl_mem m = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                (long) Sizeof.cl_float * values.length, Pointer.to(values), status);
        ClStatus.check(status[0], "clCreateBuffer of " + values.length + " constants");
        return new DeviceBuffer<>() {
            @Override
            public cl_mem handle() {
                return m;
            }

            @Override
            public void release() {
                clReleaseMemObject(m);
            }
        };
    }

    @Override
    protected void convForward(cl_mem x, cl_mem w, cl_mem bias, Conv3dSpec spec, cl_mem y) {
        conv.forward(x, w, bias, spec, y);
    }

    @Override
    protected void convBackwardData(cl_mem dY, cl_mem w, Conv3dSpec spec, cl_mem dX) {
        conv.backwardData(dY, w, spec, dX);
    }

    @Override
    protected void convBackwardWeight(cl_mem x, cl_mem dY, Conv3dSpec spec, cl_mem dW) {
        conv.backwardWeight(x, dY, spec, dW);
    }

    /** The program cache, for tests that build every kernel source. */
    ClPrograms programs() {
        return programs;
    }

    /** Turns the compile-time conv variants on or off (tests compare both ways). */
    void setSpecialisedConv(boolean on) {
        conv.setSpecialise(on);
    }

    // ---- Backend: identity and memory --------------------------------------

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String description() {
        return "opencl:" + dev.index() + " " + dev.name() + " (" + dev.typeName() + ", "
                + dev.computeUnits() + " compute units, " + (dev.globalMemBytes() >> 20)
                + " MiB, " + dev.version() + ", platform " + dev.platformName() + ")";
    }

    @Override
    public synchronized Tensor empty(Shape shape) {
        requireOpen();
        return new Tensor(shape, new ClStorage(this, pool, shape.numel()));
    }

    @Override
    public synchronized void synchronize() {
        ClStatus.check(clFinish(queue), "clFinish");
    }

    @Override
    public MemoryStats memoryStats() {
        return pool.stats();
    }

    // ---- lifetime ----------------------------------------------------------

    /** Waits for the queue, then frees programs, pooled buffers, queue and context. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        clFinish(queue);
        closed = true;
        dummy.release();
        programs.release();
        pool.trim();
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("opencl backend on " + device + " was closed");
        }
    }

    /** The buffer of t, which must live on this backend's device. */
    @Override
    protected cl_mem mem(String op, Tensor t) {
        if (!(t.storage() instanceof ClStorage s) || s.owner() != this) {
            throw new IllegalArgumentException(op + ": tensor " + t.describe() + " lives on "
                    + t.device() + ", but this backend runs on " + device
                    + "; copy it to " + device + " first");
        }
        requireOpen();
        return s.mem();
    }
}
