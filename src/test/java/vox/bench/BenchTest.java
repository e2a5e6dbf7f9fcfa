package vox.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;
import vox.backend.Conv3dSpec;
import vox.backend.opencl.OpenClBackendProvider;
import vox.backend.profile.Profiler;

class BenchTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void rowsCoverEveryLevelAndTheStepWithHandComputedWork() {
        Bench.Config cfg = new Bench.Config("cpu", new int[] {8, 8, 4}, 2, 2, 2, 2, 1, true,
                false);
        Bench.Report r = Bench.run(cfg, QUIET);
        assertEquals(3 * 2 + 1, r.rows().size());
        assertEquals(null, r.peaks());
        // Level 1: x (1,2,4,8,8), K=2, 3x3x3 pad 1: 2 * 256 * 2 * 2 * 27 FLOP.
        BenchRow l1 = r.rows().get(0);
        assertEquals("conv L1 forward", l1.name());
        assertEquals(2.0 * 256 * 2 * 2 * 27 / 1e9, l1.gflop(), 1e-15);
        assertEquals(l1.gflop() / (l1.ms() * 1e-3), l1.gflops(), 1e-9 * l1.gflops());
        assertTrue(Double.isNaN(l1.roof()), "no roofs measured");
        // Level 2: channels double, extents halve: x (1,4,2,4,4).
        Conv3dSpec s = Bench.levelSpec(cfg, 1);
        assertEquals(4, s.c());
        assertEquals(2, s.d());
        assertEquals(4, s.w());
        BenchRow step = r.rows().get(6);
        assertEquals("train step", step.name());
        assertTrue(step.ms() > 0 && step.gflop() > 0, step.toString());
        assertFalse(Profiler.active(), "the counting run leaves the profiler off");
        String table = Bench.table(r);
        assertTrue(table.contains("conv L2 backward-weight"), table);
    }

    /** On a device the roofs come from its own kernels, and the rows are read against them. */
    @Test
    void deviceRunIsReadAgainstDeviceRoofs() {
        String why = OpenClBackendProvider.reason();
        if (why != null && "1".equals(System.getenv("VOX_REQUIRE_OPENCL"))) {
            fail("OpenCL is required (VOX_REQUIRE_OPENCL=1) but unavailable: " + why);
        }
        assumeTrue(why == null, "no OpenCL device: " + why);
        Bench.Config cfg = new Bench.Config("opencl", new int[] {8, 8, 4}, 2, 2, 2, 2, 1, false,
                true);
        Bench.Report r = Bench.run(cfg, QUIET);
        assertEquals(2 + 3 * 2, r.rows().size());
        assertTrue(r.peaks() != null && r.peaks().gflops() > 0 && r.peaks().gbPerSecond() > 0,
                String.valueOf(r.peaks()));
        assertEquals("fp32 fma peak (device)", r.rows().get(0).name());
        assertEquals(r.peaks().gflops(), r.rows().get(0).gflops(), 1e-9);
        BenchRow l1 = r.rows().get(2);
        assertEquals("conv L1 forward", l1.name());
        assertEquals(r.peaks().fractionOfRoof(l1.gflops(), l1.gbPerSecond()), l1.roof(), 1e-12);
    }

    @Test
    void blockThatTheLevelsCannotHalveIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Bench.Config("cpu", new int[] {8, 8, 6}, 2, 3, 2, 2, 1, false,
                        false));
        assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
    }
}
