package vox.backend.opencl;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import vox.backend.Backends;

/**
 * The one OpenCL backend that the tests of this package share, so that
 * PoCL builds each program once per test run. Without an OpenCL platform
 * the tests skip, saying how to get one; with {@code VOX_REQUIRE_OPENCL=1}
 * (as CI sets) they fail instead.
 */
final class OpenClTests {
    private OpenClTests() {
    }

    static boolean required() {
        return "1".equals(System.getenv("VOX_REQUIRE_OPENCL"));
    }

    /** The backend of device opencl:0, or a skip (a failure when required). */
    static OpenClBackend backend() {
        String why = OpenClBackendProvider.reason();
        if (why != null) {
            if (required()) {
                fail("OpenCL is required (VOX_REQUIRE_OPENCL=1) but unavailable: " + why);
            }
            assumeTrue(false, "skipping OpenCL tests: " + why);
        }
        return (OpenClBackend) Backends.select("opencl:0");
    }
}
