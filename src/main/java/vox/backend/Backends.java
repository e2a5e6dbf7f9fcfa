package vox.backend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import vox.backend.profile.Profiler;
import vox.tensor.Device;
import vox.tensor.Tensor;

/**
 * Finds backends and keeps one open instance per device, so that a tensor's
 * device always leads back to the backend that owns its memory.
 *
 * <p>While the kernel profiler is on ({@link Profiler#active()}), every
 * backend handed out is its {@code ProfilingBackend}, so that all launches
 * are timed; while it is off, backends are handed out as they are.
 */
public final class Backends {
    private static final Logger LOG = Logger.getLogger(Backends.class.getName());
    private static final Map<Device, Backend> OPEN = new ConcurrentHashMap<>();
    private static volatile List<BackendProvider> providers;

    private Backends() {
    }

    /** All providers on the class path, in auto-selection order. */
    public static List<BackendProvider> providers() {
        if (providers == null) {
            List<BackendProvider> list = new ArrayList<>();
            ServiceLoader.load(BackendProvider.class).forEach(list::add);
            list.sort(Comparator.comparingInt(BackendProvider::priority));
            providers = List.copyOf(list);
        }
        return providers;
    }

    public static BackendProvider provider(String name) {
        for (BackendProvider p : providers()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown device kind '" + name
                + "'; known: auto, " + String.join(", ", providers().stream()
                .map(BackendProvider::name).toList()));
    }

    /** The CPU backend (always available). */
    public static Backend cpu() {
        return select("cpu");
    }

    /**
     * Opens a backend by name: "auto" (CUDA, then an OpenCL GPU, then the CPU),
     * "cpu", "opencl", "cuda", optionally with ":index".
     */
    public static Backend select(String spec) {
        String name = spec;
        int index = 0;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            name = spec.substring(0, colon);
            try {
                index = Integer.parseInt(spec.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("device '" + spec
                        + "': expected KIND or KIND:INDEX, e.g. opencl:0");
            }
        }
        if (name.equalsIgnoreCase("auto")) {
            for (BackendProvider p : providers()) {
                String why = p.unavailableReason();
                if (why == null && p.preferredForAuto()) {
                    Backend b = register(p.create(0));
                    LOG.info("device auto: chose " + b.description());
                    return Profiler.wrap(b);
                }
                if (why != null) {
                    LOG.fine("device auto: " + p.name() + " unavailable: " + why);
                }
            }
            throw new IllegalStateException("no backend available");
        }
        BackendProvider p = provider(name);
        String why = p.unavailableReason();
        if (why != null) {
            throw new IllegalStateException("device '" + spec + "' is unavailable: " + why);
        }
        for (Backend b : OPEN.values()) {
            if (b.device().kind().name().equalsIgnoreCase(name) && b.device().index() == index) {
                return Profiler.wrap(b);
            }
        }
        return Profiler.wrap(register(p.create(index)));
    }

    private static synchronized Backend register(Backend b) {
        Backend prev = OPEN.putIfAbsent(b.device(), b);
        return prev != null ? prev : b;
    }

    /** The open backend that owns {@code device}'s memory. */
    public static Backend of(Device device) {
        Backend b = OPEN.get(device);
        if (b == null) {
            if (device.kind() == Device.Kind.CPU) {
                return cpu();
            }
            throw new IllegalStateException("no open backend for device " + device);
        }
        return Profiler.wrap(b);
    }

    public static Backend of(Tensor t) {
        return of(t.device());
    }
}
