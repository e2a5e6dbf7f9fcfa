package vox.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * HD, HD95 and ASSD against all-pairs surface distances in float64, and
 * hand-computed cases.
 */
class SurfaceDistanceTest {

    private static boolean fg(boolean[] m, int nx, int ny, int nz, int x, int y, int z) {
        return x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz
                && m[(z * ny + y) * nx + x];
    }

    /** Surface voxels as {x, y, z}: foreground with a background face neighbour. */
    private static List<int[]> surfaceRef(boolean[] m, int nx, int ny, int nz) {
        int[][] dirs = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        List<int[]> out = new ArrayList<>();
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    if (!fg(m, nx, ny, nz, x, y, z)) {
                        continue;
                    }
                    for (int[] d : dirs) {
                        if (!fg(m, nx, ny, nz, x + d[0], y + d[1], z + d[2])) {
                            out.add(new int[] {x, y, z});
                            break;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** {hd, hd95, assd} from all pairs of surface voxels. */
    private static double[] bruteForce(boolean[] a, boolean[] b, int nx, int ny, int nz,
            double[] s) {
        List<int[]> sa = surfaceRef(a, nx, ny, nz);
        List<int[]> sb = surfaceRef(b, nx, ny, nz);
        double[] all = new double[sa.size() + sb.size()];
        int k = directed(sa, sb, s, all, 0);
        directed(sb, sa, s, all, k);
        Arrays.sort(all);
        double rank = 0.95 * (all.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        double p95 = all[lo] + (rank - lo) * (all[hi] - all[lo]);
        double mean = Arrays.stream(all).sum() / all.length;
        return new double[] {all[all.length - 1], p95, mean};
    }

    /** Nearest distance from each voxel of one list to the other, from index k on. */
    private static int directed(List<int[]> from, List<int[]> to, double[] s, double[] out,
            int k) {
        for (int[] p : from) {
            double best = Double.POSITIVE_INFINITY;
            for (int[] q : to) {
                double dx = (p[0] - q[0]) * s[0];
                double dy = (p[1] - q[1]) * s[1];
                double dz = (p[2] - q[2]) * s[2];
                best = Math.min(best, Math.sqrt(dx * dx + dy * dy + dz * dz));
            }
            out[k++] = best;
        }
        return k;
    }

    private static boolean[] sphere(int nx, int ny, int nz, double cx, double cy, double cz,
            double r, double[] s) {
        boolean[] m = new boolean[nx * ny * nz];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double dx = (x - cx) * s[0];
                    double dy = (y - cy) * s[1];
                    double dz = (z - cz) * s[2];
                    m[(z * ny + y) * nx + x] = dx * dx + dy * dy + dz * dz <= r * r;
                }
            }
        }
        return m;
    }

    private static boolean[] box(int nx, int ny, int nz, int x0, int y0, int z0, int x1, int y1,
            int z1) {
        boolean[] m = new boolean[nx * ny * nz];
        for (int z = z0; z <= z1; z++) {
            for (int y = y0; y <= y1; y++) {
                for (int x = x0; x <= x1; x++) {
                    m[(z * ny + y) * nx + x] = true;
                }
            }
        }
        return m;
    }

    private static void assertMatchesBruteForce(boolean[] a, boolean[] b, int nx, int ny, int nz,
            double[] s, String what) {
        SurfaceDistance.Result r = SurfaceDistance.compute(a, b, nx, ny, nz, s);
        double[] want = bruteForce(a, b, nx, ny, nz, s);
        assertEquals(want[0], r.hd(), 1e-5 * Math.max(1, want[0]), what + " hd");
        assertEquals(want[1], r.hd95(), 1e-5 * Math.max(1, want[1]), what + " hd95");
        assertEquals(want[2], r.assd(), 1e-5 * Math.max(1, want[2]), what + " assd");
        assertEquals(surfaceRef(a, nx, ny, nz).size(), r.surfaceA(), what);
    }

    @Test
    void surfaceMatchesTheSixNeighbourDefinition() {
        Random rnd = new Random(3);
        boolean[] m = new boolean[7 * 6 * 5];
        for (int i = 0; i < m.length; i++) {
            m[i] = rnd.nextDouble() < 0.6;
        }
        boolean[] s = SurfaceDistance.surface(m, 7, 6, 5);
        boolean[] want = new boolean[m.length];
        for (int[] p : surfaceRef(m, 7, 6, 5)) {
            want[(p[2] * 6 + p[1]) * 7 + p[0]] = true;
        }
        assertTrue(Arrays.equals(want, s));
    }

    @Test
    void shiftedCubesHaveTheShiftAsHausdorffDistance() {
        double[] s = {0.5, 1.0, 2.0};
        boolean[] a = box(14, 12, 12, 2, 2, 2, 6, 6, 6);
        // shifted by 2 voxels along x: 1 mm
        SurfaceDistance.Result rx = SurfaceDistance.compute(a, box(14, 12, 12, 4, 2, 2, 8, 6, 6),
                14, 12, 12, s);
        assertEquals(1.0, rx.hd(), 1e-6);
        // shifted by 2 voxels along z: 4 mm
        SurfaceDistance.Result rz = SurfaceDistance.compute(a, box(14, 12, 12, 2, 2, 4, 6, 6, 8),
                14, 12, 12, s);
        assertEquals(4.0, rz.hd(), 1e-6);
        // identical masks: 0
        SurfaceDistance.Result same = SurfaceDistance.compute(a, a, 14, 12, 12, s);
        assertEquals(0.0, same.hd());
        assertEquals(0.0, same.hd95());
        assertEquals(98, same.surfaceA(), "5^3 cube minus 3^3 interior");
    }

    @Test
    void cubesSpheresAndShiftsMatchAllPairsReference() {
        double[] iso = {1, 1, 1};
        double[] aniso = {0.8, 0.8, 2.5};
        int n = 16;
        assertMatchesBruteForce(sphere(n, n, n, 7, 7, 7, 4, iso), sphere(n, n, n, 7, 7, 7, 6, iso),
                n, n, n, iso, "concentric spheres");
        assertMatchesBruteForce(sphere(n, n, 8, 6, 7, 3, 4, aniso),
                sphere(n, n, 8, 8.5, 6, 4, 3.5, aniso), n, n, 8, aniso, "shifted spheres");
        assertMatchesBruteForce(box(n, n, 8, 1, 2, 1, 9, 8, 5), sphere(n, n, 8, 6, 6, 3, 4, aniso),
                n, n, 8, aniso, "cube vs sphere");
        // touching the volume's border: border voxels are surface
        assertMatchesBruteForce(box(10, 9, 6, 0, 0, 0, 9, 4, 5), box(10, 9, 6, 0, 3, 0, 6, 8, 3),
                10, 9, 6, aniso, "border boxes");
    }

    @Test
    void randomBlobsMatchAllPairsReference() {
        Random rnd = new Random(17);
        for (int t = 0; t < 6; t++) {
            int nx = 6 + rnd.nextInt(8);
            int ny = 6 + rnd.nextInt(8);
            int nz = 3 + rnd.nextInt(6);
            double[] s = {0.5 + rnd.nextDouble(), 0.5 + rnd.nextDouble(), 1 + 3 * rnd.nextDouble()};
            boolean[] a = new boolean[nx * ny * nz];
            boolean[] b = new boolean[a.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextDouble() < 0.3;
                b[i] = rnd.nextDouble() < 0.2;
            }
            assertMatchesBruteForce(a, b, nx, ny, nz, s, "random " + t);
        }
    }

    @Test
    void emptyMasksFollowTheDocumentedConvention() {
        boolean[] empty = new boolean[27];
        boolean[] one = new boolean[27];
        one[13] = true;
        double[] s = {1, 1, 1};
        SurfaceDistance.Result both = SurfaceDistance.compute(empty, empty, 3, 3, 3, s);
        assertEquals(0.0, both.hd());
        assertEquals(0.0, both.hd95());
        SurfaceDistance.Result oneEmpty = SurfaceDistance.compute(one, empty, 3, 3, 3, s);
        assertTrue(Double.isNaN(oneEmpty.hd()));
        assertTrue(Double.isNaN(oneEmpty.hd95()));
        assertTrue(Double.isNaN(SurfaceDistance.compute(empty, one, 3, 3, 3, s).assd()));
    }

    @Test
    void percentileInterpolatesLinearlyBetweenRanks() {
        double[] v = new double[101];
        for (int i = 0; i <= 100; i++) {
            v[i] = i;
        }
        assertEquals(95.0, SurfaceDistance.percentile(v, 95), 1e-12);
        // rank 0.95 * 3 = 2.85: 2 + 0.85 * (3 - 2)
        assertEquals(2.85, SurfaceDistance.percentile(new double[] {0, 1, 2, 3}, 95), 1e-12);
        assertEquals(7.0, SurfaceDistance.percentile(new double[] {7}, 95));
    }
}
