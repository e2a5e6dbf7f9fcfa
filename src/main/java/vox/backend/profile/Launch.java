package vox.backend.profile;

import vox.tensor.Device;

/**
 * One primitive launch as the profiler saw it.
 *
 * @param primitive  the {@code Backend} method ("conv3dForward")
 * @param label      the autograd op that launched it
 * @param device     the device it ran on
 * @param track      backend and queue it ran on ("cpu", "opencl:0 (...) queue 0")
 * @param shapes     the shapes it worked on, for logs and the trace
 * @param startNs    host clock ({@link System#nanoTime()}) at the launch
 * @param durationNs kernel time: device events where the backend offers them,
 *                   else host time to completion
 * @param flops      floating-point operations ({@link KernelCost})
 * @param bytes      bytes moved ({@link KernelCost})
 * @param memCurrent allocator bytes in use after the launch
 * @param memPeak    allocator peak bytes after the launch
 */
public record Launch(String primitive, OpContext.Label label, Device device, String track,
                     String shapes,
                     long startNs, long durationNs, double flops, double bytes,
                     long memCurrent, long memPeak) {

    /** Forward, backward, or outside any op. */
    public Profile.Section section() {
        return Profile.Section.of(label);
    }

    public double gflops() {
        return durationNs == 0 ? 0 : flops / durationNs;
    }

    public double gbPerSecond() {
        return durationNs == 0 ? 0 : bytes / durationNs;
    }
}
