package vox.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import vox.data.Volume;

/** Per-organ scores of label maps against plain counts and all-pairs distances. */
class EvaluationTest {

    private static final List<String> ORGANS = List.of("a", "b", "c", "d");

    /** Label map of blobs: each label a random box, later labels drawn over earlier. */
    private static Volume blobs(int nx, int ny, int nz, double[] s, Random rnd, int skip) {
        float[] v = new float[nx * ny * nz];
        for (int l = 1; l <= 4; l++) {
            if (l == skip) {
                continue;
            }
            int x0 = rnd.nextInt(nx - 2);
            int y0 = rnd.nextInt(ny - 2);
            int z0 = rnd.nextInt(nz - 1);
            int x1 = x0 + 1 + rnd.nextInt(nx - x0 - 1);
            int y1 = y0 + 1 + rnd.nextInt(ny - y0 - 1);
            int z1 = z0 + rnd.nextInt(nz - z0);
            for (int z = z0; z <= z1; z++) {
                for (int y = y0; y <= y1; y++) {
                    for (int x = x0; x <= x1; x++) {
                        if (rnd.nextDouble() < 0.9) {
                            v[(z * ny + y) * nx + x] = l;
                        }
                    }
                }
            }
        }
        return Volume.of(nx, ny, nz, v, s);
    }

    private static boolean[] mask(Volume v, int l) {
        boolean[] m = new boolean[v.voxels().length];
        for (int i = 0; i < m.length; i++) {
            m[i] = v.voxels()[i] == l;
        }
        return m;
    }

    /** All-pairs symmetric surface distances: {hd, hd95}. */
    private static double[] bruteHd(boolean[] a, boolean[] b, int nx, int ny, int nz,
            double[] s) {
        boolean[] sa = SurfaceDistance.surface(a, nx, ny, nz);
        boolean[] sb = SurfaceDistance.surface(b, nx, ny, nz);
        java.util.List<Double> all = new java.util.ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            boolean[] from = pass == 0 ? sa : sb;
            boolean[] to = pass == 0 ? sb : sa;
            for (int i = 0; i < from.length; i++) {
                if (!from[i]) {
                    continue;
                }
                double best = Double.POSITIVE_INFINITY;
                for (int j = 0; j < to.length; j++) {
                    if (to[j]) {
                        double dx = (i % nx - j % nx) * s[0];
                        double dy = ((i / nx) % ny - (j / nx) % ny) * s[1];
                        double dz = (i / (nx * ny) - j / (nx * ny)) * s[2];
                        best = Math.min(best, Math.sqrt(dx * dx + dy * dy + dz * dz));
                    }
                }
                all.add(best);
            }
        }
        java.util.Collections.sort(all);
        double r = 0.95 * (all.size() - 1);
        int lo = (int) r;
        int hi = (int) Math.ceil(r);
        return new double[] {all.get(all.size() - 1),
            all.get(lo) + (r - lo) * (all.get(hi) - all.get(lo))};
    }

    @Test
    void scoresMatchPlainCountsAndAllPairsDistances() {
        Random rnd = new Random(21);
        for (int t = 0; t < 5; t++) {
            double[] s = {
                0.6 + rnd.nextDouble(), 0.6 + rnd.nextDouble(), 1.5 + 2 * rnd.nextDouble()
            };
            int nx = 14;
            int ny = 12;
            int nz = 7;
            Volume truth = blobs(nx, ny, nz, s, rnd, 0);
            Volume pred = blobs(nx, ny, nz, s, rnd, 0);
            List<OrganScore> scores = Evaluation.evaluate("case" + t, pred, truth, ORGANS);
            assertEquals(4, scores.size());
            for (int l = 1; l <= 4; l++) {
                OrganScore sc = scores.get(l - 1);
                assertEquals(ORGANS.get(l - 1), sc.organ());
                assertEquals(l, sc.label());
                long np = 0;
                long nt = 0;
                long both = 0;
                for (int i = 0; i < truth.voxels().length; i++) {
                    boolean p = pred.voxels()[i] == l;
                    boolean q = truth.voxels()[i] == l;
                    np += p ? 1 : 0;
                    nt += q ? 1 : 0;
                    both += p && q ? 1 : 0;
                }
                assertEquals(np, sc.predVoxels());
                assertEquals(nt, sc.truthVoxels());
                assertEquals(2.0 * both / (np + nt), sc.dice(), 1e-12);
                double[] hd = bruteHd(mask(pred, l), mask(truth, l), nx, ny, nz, s);
                assertEquals(hd[0], sc.hd(), 1e-5 * hd[0]);
                assertEquals(hd[1], sc.hd95(), 1e-5 * Math.max(1, hd[1]));
            }
        }
    }

    @Test
    void emptyOrgansFollowTheConvention() {
        Random rnd = new Random(5);
        double[] s = {1, 1, 1};
        Volume truth = blobs(10, 10, 5, s, rnd, 2);
        // prediction misses organ 2 too (both empty) and organ 3 (one empty)
        float[] p = truth.voxels().clone();
        for (int i = 0; i < p.length; i++) {
            if (p[i] == 3) {
                p[i] = 0;
            }
        }
        Volume pred = truth.withVoxels(p);
        List<OrganScore> sc = Evaluation.evaluate("x", pred, truth, ORGANS);
        assertEquals(1.0, sc.get(0).dice());
        assertEquals(0.0, sc.get(0).hd());
        assertEquals(1.0, sc.get(1).dice(), "both empty");
        assertEquals(0.0, sc.get(1).hd(), "both empty");
        assertEquals(0.0, sc.get(1).hd95(), "both empty");
        assertEquals(0.0, sc.get(2).dice(), "prediction empty");
        assertTrue(Double.isNaN(sc.get(2).hd()), "prediction empty");
        assertTrue(Double.isNaN(sc.get(2).hd95()), "prediction empty");
    }

    @Test
    void mismatchedGridsAndBadLabelsAreRejected() {
        Volume a = Volume.of(2, 2, 2, new float[8], new double[] {1, 1, 1});
        Volume b = Volume.of(2, 2, 3, new float[12], new double[] {1, 1, 1});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.evaluate("c1", a, b, ORGANS));
        assertTrue(e.getMessage().contains("c1") && e.getMessage().contains("2x2x3"),
                e.getMessage());
        Volume c = Volume.of(2, 2, 2, new float[8], new double[] {1, 1, 2});
        assertThrows(IllegalArgumentException.class, () -> Evaluation.evaluate("c2", a, c, ORGANS));
        float[] bad = new float[8];
        bad[3] = 7;
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> Evaluation.evaluate("c3", a.withVoxels(bad), a, ORGANS));
        assertTrue(e2.getMessage().contains("7.0") && e2.getMessage().contains("0..4"),
                e2.getMessage());
    }
}
