package vox.metrics;

import java.util.stream.IntStream;

/**
 * Exact Euclidean distance transform with anisotropic voxel spacing.
 *
 * <p>Felzenszwalb and Huttenlocher's separable algorithm: the squared
 * distance to the nearest feature voxel is the lower envelope of parabolas,
 * computed by one 1D pass along x, then y, then z, each pass O(n) per line.
 * Positions are voxel centres times the spacing, so distances are in the
 * spacing's unit (mm). The result is exact up to float32 rounding of the
 * squared distances between passes (relative error about 1e-7).
 */
public final class DistanceTransform {

    private DistanceTransform() {
    }

    /**
     * Squared distance from every voxel to the nearest {@code feature} voxel;
     * +infinity everywhere when there is none.
     *
     * @param feature nx*ny*nz flags, x fastest
     * @param spacing voxel size (x, y, z), positive
     * @throws IllegalArgumentException when sizes or spacing are invalid
     */
    public static float[] squared(boolean[] feature, int nx, int ny, int nz, double[] spacing) {
        if ((long) nx * ny * nz != feature.length || nx <= 0 || ny <= 0 || nz <= 0) {
            throw new IllegalArgumentException("DistanceTransform: " + nx + "x" + ny + "x" + nz
                    + " needs " + ((long) nx * ny * nz) + " flags, got " + feature.length);
        }
        for (double s : spacing) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("DistanceTransform: spacing must be"
                        + " positive, got " + java.util.Arrays.toString(spacing));
            }
        }
        float[] d = new float[feature.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = feature[i] ? 0f : Float.POSITIVE_INFINITY;
        }
        int plane = nx * ny;
        // x lines: one per (y, z)
        pass(d, nx, 1, spacing[0], ny * nz, line -> line * nx);
        // y lines: one per (x, z)
        pass(d, ny, nx, spacing[1], nx * nz, line -> (line / nx) * plane + line % nx);
        // z lines: one per (x, y)
        pass(d, nz, plane, spacing[2], plane, line -> line);
        return d;
    }

    private interface LineStart {
        int at(int line);
    }

    /** Transforms every line of length n, stride {@code stride}, in place. */
    private static void pass(float[] d, int n, int stride, double sp, int lines, LineStart start) {
        if (n == 1) {
            return;
        }
        int chunks = Math.min(lines, 4 * Runtime.getRuntime().availableProcessors());
        IntStream.range(0, chunks).parallel().forEach(c -> {
            double[] f = new double[n];
            double[] out = new double[n];
            int[] v = new int[n];
            double[] z = new double[n + 1];
            for (int line = c; line < lines; line += chunks) {
                int base = start.at(line);
                for (int i = 0; i < n; i++) {
                    f[i] = d[base + i * stride];
                }
                if (envelope(f, n, sp, out, v, z)) {
                    for (int i = 0; i < n; i++) {
                        d[base + i * stride] = (float) out[i];
                    }
                }
            }
        });
    }

    /**
     * 1D squared distance transform of sampled function f at positions
     * {@code i * sp}: out(q) = min_p (q sp - p sp)^2 + f(p). Returns false
     * (out untouched) when f is infinite everywhere.
     */
    static boolean envelope(double[] f, int n, double sp, double[] out, int[] v, double[] z) {
        int k = -1;
        for (int q = 0; q < n; q++) {
            if (f[q] == Double.POSITIVE_INFINITY) {
                continue;
            }
            double pq = q * sp;
            double s = Double.NEGATIVE_INFINITY;
            while (k >= 0) {
                double pp = v[k] * sp;
                // where the parabolas of v[k] and q intersect
                s = ((f[q] + pq * pq) - (f[v[k]] + pp * pp)) / (2 * (pq - pp));
                if (s <= z[k]) {
                    k--;
                } else {
                    break;
                }
            }
            if (k < 0) {
                s = Double.NEGATIVE_INFINITY;
            }
            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = Double.POSITIVE_INFINITY;
        }
        if (k < 0) {
            return false;
        }
        k = 0;
        for (int q = 0; q < n; q++) {
            double x = q * sp;
            while (z[k + 1] < x) {
                k++;
            }
            double dx = x - v[k] * sp;
            out[q] = dx * dx + f[v[k]];
        }
        return true;
    }
}
