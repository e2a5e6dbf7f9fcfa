package vox.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import vox.backend.BackendProvider;
import vox.backend.Backends;
import vox.tensor.Device;

/** Registration, ranking and device listing of the OpenCL provider. */
class OpenClBackendProviderTest {

    @Test
    void registeredBetweenCudaAndCpu() {
        BackendProvider opencl = Backends.provider("opencl");
        assertTrue(opencl instanceof OpenClBackendProvider);
        assertTrue(opencl.priority() < Backends.provider("cpu").priority());
        for (BackendProvider p : Backends.providers()) {
            if (p.name().equals("cuda")) {
                assertTrue(p.priority() < opencl.priority());
            }
        }
    }

    /**
     * The build preloads libjsig into the test JVM wherever the JDK has it,
     * so that an OpenCL runtime cannot take the JVM's SIGSEGV handler.
     */
    @Test
    void testsRunWithSignalChaining() {
        if (SignalChaining.library() != null) {
            assertTrue(SignalChaining.active(), "LD_PRELOAD should name "
                    + SignalChaining.library() + ", is " + System.getenv("LD_PRELOAD"));
        }
    }

    @Test
    void autoSkipsAnOpenClCpuDevice() {
        OpenClTests.backend();
        boolean anyAccelerator = ClDevice.all().stream().anyMatch(d -> !d.isCpu());
        assertEquals(anyAccelerator, new OpenClBackendProvider().preferredForAuto());
        if (!anyAccelerator) {
            assertFalse(Backends.select("auto").device().kind() == Device.Kind.OPENCL,
                    "auto must not pick an OpenCL CPU device over the native CPU backend");
        }
    }

    @Test
    void listsEveryDeviceAndPlatform() {
        OpenClTests.backend();
        OpenClBackendProvider p = new OpenClBackendProvider();
        List<String> devices = p.listDevices();
        assertEquals(ClDevice.all().size(), devices.size());
        assertTrue(devices.get(0).startsWith("opencl:0  "), devices.get(0));
        List<String> lines = OpenClBackendProvider.describePlatforms();
        assertTrue(lines.get(0).startsWith("opencl platform 0: "), lines.get(0));
        assertEquals(devices.size(), lines.stream().filter(l -> l.startsWith("  opencl:"))
                .count());
    }

    @Test
    void selectReturnsOneBackendPerDevice() {
        OpenClBackend be = OpenClTests.backend();
        assertSame(be, Backends.select("opencl"));
        assertSame(be, Backends.of(be.device()));
        assertEquals(Device.Kind.OPENCL, be.device().kind());
        assertTrue(be.description().startsWith("opencl:0 "), be.description());
        int count = ClDevice.all().size();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new OpenClBackendProvider().create(count));
        assertTrue(e.getMessage().contains("no device " + count), e.getMessage());
    }
}
