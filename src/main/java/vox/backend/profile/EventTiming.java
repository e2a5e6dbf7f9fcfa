package vox.backend.profile;

/**
 * Optional for a device backend: timing its own launches with device
 * events (OpenCL profiling events, CUDA events). The profiler uses it when
 * the backend it wraps implements it; otherwise it reads a monotonic host
 * clock around the launch and a {@code synchronize()}.
 */
public interface EventTiming {

    /**
     * Runs {@code launch}, which enqueues work on this backend's queue,
     * waits until that work has finished, and returns the device time from
     * the start of its first command to the end of its last, in ns.
     */
    long timeOnDevice(Runnable launch);

    /** Name of the queue the launches run on: one trace track per queue. */
    default String queueName() {
        return "queue 0";
    }
}
