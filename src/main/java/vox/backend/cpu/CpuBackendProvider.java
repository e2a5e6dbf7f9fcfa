package vox.backend.cpu;

import java.util.List;
import vox.backend.Backend;
import vox.backend.BackendProvider;

/** Makes the CPU backend known to {@code Backends}; always available. */
public final class CpuBackendProvider implements BackendProvider {
    private static volatile CpuBackend instance;

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public List<String> listDevices() {
        return List.of("cpu:0  " + Runtime.getRuntime().availableProcessors() + " cores, "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB heap");
    }

    @Override
    public Backend create(int index) {
        if (index != 0) {
            throw new IllegalArgumentException("cpu: there is only device cpu:0, asked for "
                    + index);
        }
        if (instance == null) {
            synchronized (CpuBackendProvider.class) {
                if (instance == null) {
                    instance = new CpuBackend();
                }
            }
        }
        return instance;
    }
}
