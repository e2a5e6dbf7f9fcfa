package vox.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import jdk.incubator.vector.FloatVector;

class CalibrationTest {

    @Test
    void fmaChainsComputeTheRecurrenceTheyCount() {
        // Each lane of chain j runs a <- a * 0.999 + 0.001 from its own start.
        float[] starts = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1.1f, 1.2f,
            1.3f};
        int iters = 500;
        double expected = 0;
        for (float a0 : starts) {
            double a = a0;
            for (int i = 0; i < iters; i++) {
                a = a * 0.999f + 1e-3f;
            }
            expected += a;
        }
        expected *= FloatVector.SPECIES_PREFERRED.length();
        assertEquals(Calibration.CHAINS, starts.length);
        assertEquals(expected, Calibration.fmaChains(iters), 1e-3 * expected);
    }

    @Test
    void measuredRoofsArePhysicallyPossible() {
        Calibration.Result r = Calibration.measure(1, 0.03, 1 << 20);
        // A core retires at most a few vector FMAs per cycle at a few GHz:
        // 4 FMAs x 2 FLOPs x lanes x 6 GHz bounds what one thread can reach.
        double ceiling = 4 * 2 * r.lanes() * 6.0;
        assertTrue(r.gflops() > 0.1 && r.gflops() < ceiling,
                "FMA peak " + r.gflops() + " GFLOP/s on one thread, ceiling " + ceiling);
        assertTrue(r.gbPerSecond() > 0.05 && r.gbPerSecond() < 2000,
                "triad " + r.gbPerSecond() + " GB/s");
        assertEquals(1, r.threads());
        assertTrue(r.peaks().source().contains("1 threads"), r.peaks().source());
    }

    @Test
    void timingSpansEveryThread() {
        // Two threads that each sleep 50 ms, the second after 30 ms more.
        long ns = Calibration.timeOnThreads(2, i -> {
            try {
                Thread.sleep(i == 0 ? 50 : 80);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(ns >= 80_000_000L, "took " + ns + " ns");
    }

    @Test
    void badArgumentsAreRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Calibration.triadBandwidth(2, 1, 1));
        assertTrue(e.getMessage().startsWith("triadBandwidth"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Calibration.fmaPeak(0, 1));
        assertTrue(e.getMessage().startsWith("fmaPeak"), e.getMessage());
    }
}
