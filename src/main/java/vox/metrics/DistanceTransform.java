package vox.metrics;

import java.util.stream.IntStream;

/**
 * Exact Euclidean distance transform with anisotropic voxel spacing.
 *
 * <p>Felzenszwalb and Huttenlocher's separable algorithm: the squared
 * distance to the nearest feature voxel is the lower envelope of parabolas,
 * computed by one 1D pass along x, then y, then z, each pass O(n) per line.
 * Positions are voxel centres times the spacing, so distances are in the
 * spacing's unit (mm), exact up to double rounding.
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
    public static double[] squared(boolean[] feature, int nx, int ny, int nz, double[] spacing) {
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
        double[] d = new double[feature.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = feature[i] ? 0 : Double.POSITIVE_INFINITY;
        }
        int plane = nx * ny;
        // x: contiguous lines, one per (y, z)
        IntStream.range(0, nz).parallel().forEach(z -> {
            Line line = new Line(nx);
            for (int y = 0; y < ny; y++) {
                line.run(d, (z * ny + y) * nx, 1, spacing[0]);
            }
        });
        // y and z: the lines of a plane are walked side by side, x fastest,
        // so that memory is read in rows rather than one voxel per row
        IntStream.range(0, nz).parallel().forEach(z ->
                new Columns(ny, nx).run(d, z * plane, nx, spacing[1]));
        IntStream.range(0, ny).parallel().forEach(y ->
                new Columns(nz, nx).run(d, y * nx, plane, spacing[2]));
        return d;
    }

    /** Work arrays for one 1D transform of n samples. */
    private static final class Line {
        final int n;
        final double[] f;
        final double[] out;
        final int[] v;
        final double[] z;

        Line(int n) {
            this.n = n;
            f = new double[n];
            out = new double[n];
            v = new int[n];
            z = new double[n + 1];
        }

        void run(double[] d, int base, int stride, double sp) {
            for (int i = 0; i < n; i++) {
                f[i] = d[base + i * stride];
            }
            if (envelope(f, n, sp, out, v, z)) {
                for (int i = 0; i < n; i++) {
                    d[base + i * stride] = out[i];
                }
            }
        }
    }

    /**
     * The transform along an axis of n samples for w adjacent lines (x =
     * 0..w-1): rows of w values are copied in, columns transformed, rows
     * copied back.
     */
    private static final class Columns {
        final int n;
        final int w;
        final double[] buf;
        final Line line;

        Columns(int n, int w) {
            this.n = n;
            this.w = w;
            buf = new double[n * w];
            line = new Line(n);
        }

        void run(double[] d, int base, int stride, double sp) {
            if (n == 1) {
                return;
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(d, base + i * stride, buf, i * w, w);
            }
            for (int x = 0; x < w; x++) {
                line.run(buf, x, w, sp);
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(buf, i * w, d, base + i * stride, w);
            }
        }
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
