package vox.backend.opencl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import vox.backend.Backend;
import vox.backend.BackendProvider;

/**
 * Makes the OpenCL backend known to {@code Backends} under the name
 * "opencl". It ranks after CUDA and before the CPU; {@code --device auto}
 * takes it only when a GPU or accelerator is present, because an OpenCL
 * CPU device (PoCL) is slower than the native CPU backend.
 */
public final class OpenClBackendProvider implements BackendProvider {
    /** How to get an OpenCL platform, for messages. */
    static final String HOW_TO_GET_ONE = "install an OpenCL ICD such as pocl-opencl-icd"
            + " (Debian/Ubuntu: apt-get install pocl-opencl-icd) or the OpenCL driver of"
            + " your GPU's vendor";

    private static final Map<Integer, OpenClBackend> OPEN = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public String unavailableReason() {
        return reason();
    }

    /** Null when OpenCL has at least one device, else why not and how to get one. */
    public static String reason() {
        try {
            if (ClDevice.all().isEmpty()) {
                return "OpenCL platforms were found but no device; " + HOW_TO_GET_ONE;
            }
            return null;
        } catch (LinkageError e) {
            return "the OpenCL library could not be loaded (" + e.getMessage() + "); "
                    + HOW_TO_GET_ONE;
        } catch (OpenClException e) {
            return "no OpenCL platform answered (" + e.getMessage() + "); " + HOW_TO_GET_ONE;
        } catch (RuntimeException e) {
            // JOCL throws its own CLException when its exceptions were switched on.
            return "OpenCL failed (" + e + "); " + HOW_TO_GET_ONE;
        }
    }

    @Override
    public List<String> listDevices() {
        if (reason() != null) {
            return List.of();
        }
        return ClDevice.all().stream().map(ClDevice::line).toList();
    }

    @Override
    public boolean preferredForAuto() {
        return reason() == null && ClDevice.all().stream().anyMatch(d -> !d.isCpu());
    }

    @Override
    public Backend create(int index) {
        String why = reason();
        if (why != null) {
            throw new IllegalStateException("opencl is unavailable: " + why);
        }
        List<ClDevice> all = ClDevice.all();
        if (index < 0 || index >= all.size()) {
            throw new IllegalArgumentException("opencl: no device " + index + "; there are "
                    + all.size() + " (opencl:0 to opencl:" + (all.size() - 1) + ")");
        }
        SignalChaining.warnIfInactive();
        return OPEN.computeIfAbsent(index, i -> new OpenClBackend(all.get(i)));
    }

    /**
     * Every OpenCL platform and its devices, one line each, for
     * {@code vox devices}; a single line with the reason when there are none.
     */
    public static List<String> describePlatforms() {
        String why = reason();
        if (why != null) {
            return List.of("opencl: unavailable: " + why);
        }
        List<String> lines = new ArrayList<>();
        int platform = -1;
        for (ClDevice d : ClDevice.all().stream()
                .sorted((a, b) -> Integer.compare(a.platformIndex(), b.platformIndex()))
                .toList()) {
            if (d.platformIndex() != platform) {
                platform = d.platformIndex();
                lines.add("opencl platform " + platform + ": " + d.platformName() + " ("
                        + d.platformVersion() + ")");
            }
            lines.add("  " + d.line());
        }
        return lines;
    }
}
