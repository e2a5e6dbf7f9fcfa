package vox.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import vox.backend.BackendProvider;
import vox.backend.Backends;

/**
 * The CUDA provider is found by name, ranks before OpenCL and the CPU, and
 * where CUDA cannot run says why in words rather than throwing.
 */
class CudaBackendProviderTest {

    @Test
    void isRegisteredAndRanksFirst() {
        BackendProvider cuda = null;
        for (BackendProvider p : Backends.providers()) {
            if (p.name().equals("cuda")) {
                cuda = p;
            }
        }
        assertTrue(cuda != null, "no provider named cuda in META-INF/services");
        for (BackendProvider p : Backends.providers()) {
            if (!p.name().equals("cuda")) {
                assertTrue(cuda.priority() < p.priority(), "cuda must rank before " + p.name());
            }
        }
    }

    @Test
    void unavailableMeansAReasonAndNoDevices() {
        CudaBackendProvider p = new CudaBackendProvider();
        String why = p.unavailableReason();
        assumeTrue(why != null, "CUDA is available here: " + p.listDevices());
        assumeTrue(!"1".equals(System.getenv("VOX_REQUIRE_CUDA")), "CUDA is required");
        assertTrue(why.startsWith("no CUDA driver") || why.startsWith("no CUDA device")
                || why.startsWith("kernels not built") || why.startsWith("the CUDA driver"),
                "unclear reason: " + why);
        assertEquals(List.of(), p.listDevices());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.create(0));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void withoutLibcudaTheReasonSaysSo() {
        boolean libcuda = List.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1",
                "/usr/lib64/libcuda.so.1", "/usr/lib/libcuda.so.1").stream()
                .anyMatch(f -> new java.io.File(f).exists());
        assumeTrue(!libcuda, "libcuda.so.1 is installed here");
        String why = new CudaBackendProvider().unavailableReason();
        assertTrue(why != null && why.contains("libcuda.so.1"), String.valueOf(why));
    }

    @Test
    void availableMeansADeviceOpens() {
        CudaBackendProvider p = new CudaBackendProvider();
        assumeTrue(p.unavailableReason() == null, "skipping: " + p.unavailableReason());
        assertTrue(!p.listDevices().isEmpty());
        assertTrue(p.create(0).description().startsWith("cuda:0 "));
    }
}
