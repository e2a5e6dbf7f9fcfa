package vox.backend.opencl;

import static org.jocl.CL.clEnqueueNDRangeKernel;
import static org.jocl.CL.clSetKernelArg;

import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * One kernel launch: arguments in order, then {@link #run}. Launches are
 * asynchronous; the backend serialises them (one queue, synchronized
 * methods), so a kernel object's arguments are never set by two threads.
 */
final class Launch {
    private final cl_command_queue queue;
    private final cl_kernel kernel;
    private final String name;
    private int index;

    Launch(cl_command_queue queue, cl_kernel kernel, String name) {
        this.queue = queue;
        this.kernel = kernel;
        this.name = name;
    }

    Launch mem(cl_mem m) {
        return set(Sizeof.cl_mem, Pointer.to(m));
    }

    Launch i(int v) {
        return set(Sizeof.cl_int, Pointer.to(new int[] {v}));
    }

    Launch l(long v) {
        return set(Sizeof.cl_long, Pointer.to(new long[] {v}));
    }

    Launch f(float v) {
        return set(Sizeof.cl_float, Pointer.to(new float[] {v}));
    }

    private Launch set(long size, Pointer p) {
        ClStatus.check(clSetKernelArg(kernel, index, size, p),
                "clSetKernelArg " + index + " of " + name);
        index++;
        return this;
    }

    /** Enqueues over {@code global} work-items in groups of {@code local} (1 to 3 dims). */
    void run(long[] global, long[] local) {
        ClStatus.check(clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local,
                0, null, null), "clEnqueueNDRangeKernel", name, global, local);
    }
}
