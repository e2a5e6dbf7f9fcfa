package vox.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The separable transform against all-pairs distances in float64. */
class DistanceTransformTest {

    private static double bruteSquared(boolean[] f, int nx, int ny, int nz, double[] s,
            int x, int y, int z) {
        double best = Double.POSITIVE_INFINITY;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int i = 0; i < nx; i++) {
                    if (f[(k * ny + j) * nx + i]) {
                        double dx = (x - i) * s[0];
                        double dy = (y - j) * s[1];
                        double dz = (z - k) * s[2];
                        best = Math.min(best, dx * dx + dy * dy + dz * dz);
                    }
                }
            }
        }
        return best;
    }

    @Test
    void matchesBruteForceOnRandomFeaturesWithAnisotropicSpacing() {
        Random rnd = new Random(11);
        int[][] sizes = {{9, 7, 5}, {1, 6, 4}, {12, 1, 1}, {5, 5, 9}};
        double[][] spacings = {{0.7, 1.3, 2.9}, {1, 1, 1}, {0.25, 3, 5}, {2.5, 0.6, 0.9}};
        for (int t = 0; t < sizes.length; t++) {
            int nx = sizes[t][0];
            int ny = sizes[t][1];
            int nz = sizes[t][2];
            for (double density : new double[] {0.01, 0.1, 0.5}) {
                boolean[] f = new boolean[nx * ny * nz];
                for (int i = 0; i < f.length; i++) {
                    f[i] = rnd.nextDouble() < density;
                }
                f[rnd.nextInt(f.length)] = true;
                double[] d = DistanceTransform.squared(f, nx, ny, nz, spacings[t]);
                for (int z = 0; z < nz; z++) {
                    for (int y = 0; y < ny; y++) {
                        for (int x = 0; x < nx; x++) {
                            double want = bruteSquared(f, nx, ny, nz, spacings[t], x, y, z);
                            assertEquals(want, d[(z * ny + y) * nx + x], 1e-6 * Math.max(1, want));
                        }
                    }
                }
            }
        }
    }

    @Test
    void noFeatureGivesInfinity() {
        double[] d = DistanceTransform.squared(new boolean[24], 2, 3, 4, new double[] {1, 1, 1});
        for (double v : d) {
            assertEquals(Double.POSITIVE_INFINITY, v);
        }
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> DistanceTransform.squared(new boolean[5], 2, 2, 2, new double[] {1, 1, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> DistanceTransform.squared(new boolean[8], 2, 2, 2, new double[] {1, 0, 1}));
    }
}
