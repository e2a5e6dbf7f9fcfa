package vox.backend.cuda;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import vox.backend.Backend;
import vox.backend.BackendProvider;

/**
 * Makes the CUDA backend known to {@code Backends} under the name "cuda".
 * It ranks first, so {@code --device auto} takes an NVIDIA GPU whenever
 * the driver, a device and the built kernels are all present.
 */
public final class CudaBackendProvider implements BackendProvider {
    private static final Map<Integer, CudaBackend> OPEN = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String unavailableReason() {
        return CudaDriver.unavailableReason();
    }

    @Override
    public List<String> listDevices() {
        if (CudaDriver.unavailableReason() != null) {
            return List.of();
        }
        return CudaDriver.devices().stream().map(CudaDriver.Info::line).toList();
    }

    @Override
    public Backend create(int index) {
        String why = CudaDriver.unavailableReason();
        if (why != null) {
            throw new IllegalStateException("cuda is unavailable: " + why);
        }
        List<CudaDriver.Info> all = CudaDriver.devices();
        if (index < 0 || index >= all.size()) {
            throw new IllegalArgumentException("cuda: no device " + index + "; there are "
                    + all.size() + " (cuda:0 to cuda:" + (all.size() - 1) + ")");
        }
        return OPEN.computeIfAbsent(index, i -> new CudaBackend(all.get(i)));
    }
}
