package vox.backend.opencl;

import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clGetEventProfilingInfo;
import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clSetKernelArg;
import static org.jocl.CL.clWaitForEvents;

import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import vox.backend.kernels.KernelLaunch;

/**
 * One kernel launch: arguments in order, then {@link #run}. Launches are
 * asynchronous; the backend serialises them (one queue, synchronized
 * methods), so a kernel object's arguments are never set by two threads.
 */
final class Launch implements KernelLaunch<cl_mem> {
    private static final Logger LOG = Logger.getLogger(Launch.class.getName());

    private final cl_command_queue queue;
    private final cl_kernel kernel;
    private final String name;
    private final boolean profile;
    private final List<cl_event> record;
    private int index;

    /**
     * With {@code profile}, each run waits for its kernel and logs the time
     * it took. With a {@code record} list, the run's event is added to it
     * (its owner reads and releases it); null for none.
     */
    Launch(cl_command_queue queue, cl_kernel kernel, String name, boolean profile,
           List<cl_event> record) {
        this.queue = queue;
        this.kernel = kernel;
        this.name = name;
        this.profile = profile;
        this.record = record;
    }

    /** A profiling time of a finished event (CL_PROFILING_COMMAND_START or _END), in ns. */
    static long eventTime(cl_event event, int what) {
        long[] t = new long[1];
        ClStatus.check(clGetEventProfilingInfo(event, what, Sizeof.cl_ulong, Pointer.to(t),
                null), "clGetEventProfilingInfo");
        return t[0];
    }

    @Override
    public Launch mem(cl_mem m) {
        return set(Sizeof.cl_mem, Pointer.to(m));
    }

    @Override
    public Launch i(int v) {
        return set(Sizeof.cl_int, Pointer.to(new int[] {v}));
    }

    @Override
    public Launch l(long v) {
        return set(Sizeof.cl_long, Pointer.to(new long[] {v}));
    }

    @Override
    public Launch f(float v) {
        return set(Sizeof.cl_float, Pointer.to(new float[] {v}));
    }

    private Launch set(long size, Pointer p) {
        ClStatus.check(clSetKernelArg(kernel, index, size, p),
                "clSetKernelArg " + index + " of " + name);
        index++;
        return this;
    }

    /** Enqueues over {@code global} work-items in groups of {@code local} (1 to 3 dims). */
    @Override
    public void run(long[] global, long[] local) {
        cl_event event = profile || record != null ? new cl_event() : null;
        ClStatus.check(clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local,
                0, null, event), "clEnqueueNDRangeKernel", name, global, local);
        if (profile) {
            ClStatus.check(clWaitForEvents(1, new cl_event[] {event}), "clWaitForEvents",
                    name, global, local);
            long ns = eventTime(event, CL_PROFILING_COMMAND_END)
                    - eventTime(event, CL_PROFILING_COMMAND_START);
            LOG.log(Level.INFO, () -> String.format("opencl kernel %-34s %9.3f ms  global %s"
                    + " local %s", name, ns / 1e6, Arrays.toString(global),
                    Arrays.toString(local)));
        }
        if (record != null) {
            record.add(event);
        } else if (event != null) {
            clReleaseEvent(event);
        }
    }
}
