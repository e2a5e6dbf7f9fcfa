package vox.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.logging.Logger;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.profile.Peaks;
import vox.backend.profile.Profile;
import vox.backend.profile.ProfileReport;
import vox.backend.profile.Profiler;
import vox.bench.Calibration;
import vox.bench.DeviceCalibration;
import vox.tensor.Device;

/** The {@code --profile} and {@code --log-kernels} flags of a command. */
final class Profiling {
    private static final Logger LOG = Logger.getLogger(Profiling.class.getName());

    private final Profile profile;

    private Profiling(Profile profile) {
        this.profile = profile;
    }

    /**
     * Turns the profiler on as the flags or the environment ({@code VOX_PROFILE},
     * {@code VOX_KERNEL_LOG}) ask; call before the command opens its backend.
     */
    static Profiling begin(boolean profile, boolean logKernels) {
        if (logKernels) {
            Profiler.logKernels(true);
        }
        boolean on = profile || Profiler.requestedByEnvironment();
        return new Profiling(on ? Profiler.start() : null);
    }

    /**
     * Stops the profiler and, when profiling, writes the table, the CSV and
     * the trace into {@code runDir} and prints the table on {@code out}.
     * The roofs are measured when every launch ran on one device: the CPU,
     * or an OpenCL or CUDA device with its own kernels.
     */
    void finish(Path runDir, PrintStream out) throws IOException {
        Profiler.stop();
        if (profile == null) {
            return;
        }
        Peaks peaks = null;
        Set<Device> devices = profile.devices();
        if (!devices.isEmpty() && devices.stream().allMatch(d -> d.kind() == Device.Kind.CPU)) {
            LOG.info("profile: measuring the CPU roofs (about 2 s)");
            peaks = Calibration.measure().peaks();
        } else if (devices.size() == 1) {
            Backend be = Backends.of(devices.iterator().next());
            if (DeviceCalibration.kernels(be) != null) {
                LOG.info("profile: measuring the roofs of " + be.device() + " with its kernels");
                peaks = DeviceCalibration.measure(be).peaks();
            }
        }
        ProfileReport.writeAll(profile, peaks, runDir);
        out.println();
        out.print(ProfileReport.table(profile, peaks));
        out.println("Wrote " + runDir.resolve(ProfileReport.TABLE) + ", "
                + ProfileReport.CSV + " and " + ProfileReport.TRACE
                + " (open in ui.perfetto.dev or chrome://tracing)");
        if (profile.droppedFromTrace() > 0) {
            LOG.warning("profile: the trace keeps the first " + profile.traced().size()
                    + " launches; " + profile.droppedFromTrace() + " later ones are only in"
                    + " the table");
        }
    }
}
