package vox.metrics;

import java.util.Arrays;

/**
 * Hausdorff distance (HD), its 95th percentile (HD95) and the average
 * symmetric surface distance (ASSD) between two binary masks, in mm.
 *
 * <p>Definitions:
 * <ul>
 * <li>The <b>surface</b> of a mask is the set of its foreground voxels
 *     that have at least one background 6-neighbour (face neighbour);
 *     voxels outside the volume count as background, so foreground on the
 *     volume's border is surface.</li>
 * <li>A surface voxel stands for its centre; the distance between two
 *     voxels is the Euclidean distance between their centres in mm,
 *     {@code sqrt(sum((di * spacing_i)^2))}.</li>
 * <li>For each surface voxel of A, {@code d(a, S_B)} is the distance to the
 *     nearest surface voxel of B, and the other way round. The <b>symmetric
 *     set</b> is the multiset of all these values: |S_A| + |S_B| numbers.</li>
 * <li><b>HD</b> is the maximum of the symmetric set.</li>
 * <li><b>HD95</b> is its 95th percentile, linearly interpolated: with the
 *     values sorted ascending {@code v[0..n-1]} and {@code r = 0.95 (n-1)},
 *     {@code v[floor r] + (r - floor r) (v[ceil r] - v[floor r])} (the
 *     default of numpy.percentile).</li>
 * <li><b>ASSD</b> is the mean of the symmetric set.</li>
 * </ul>
 * Empty masks: both empty gives 0 for all three; exactly one empty gives
 * NaN (undefined), which tables show as "n/a" and leave out of means.
 *
 * <p>Cost: the work is confined to the bounding box of the two masks, where
 * two exact distance transforms ({@link DistanceTransform}) run; distances
 * from the surface of A to that of B are read off the transform of S_B.
 */
public final class SurfaceDistance {

    /** HD, HD95 and ASSD in mm, and the surface sizes. */
    public record Result(double hd, double hd95, double assd, int surfaceA, int surfaceB) {
    }

    private SurfaceDistance() {
    }

    /**
     * The distances between masks a and b on one grid.
     *
     * @param spacing voxel size (x, y, z) in mm
     * @throws IllegalArgumentException when the masks do not fit the extents
     */
    public static Result compute(boolean[] a, boolean[] b, int nx, int ny, int nz,
            double[] spacing) {
        long n = (long) nx * ny * nz;
        if (a.length != n || b.length != n) {
            throw new IllegalArgumentException("SurfaceDistance: masks of " + a.length + " and "
                    + b.length + " voxels for extents " + nx + "x" + ny + "x" + nz);
        }
        int[] box = boundingBox(a, b, nx, ny, nz);
        if (box == null) {
            return new Result(0, 0, 0, 0, 0);
        }
        // crop both masks to the union bounding box: outside it all is background
        int cx = box[3] - box[0] + 1;
        int cy = box[4] - box[1] + 1;
        int cz = box[5] - box[2] + 1;
        boolean[] ca = new boolean[cx * cy * cz];
        boolean[] cb = new boolean[ca.length];
        for (int z = 0; z < cz; z++) {
            for (int y = 0; y < cy; y++) {
                int src = ((z + box[2]) * ny + y + box[1]) * nx + box[0];
                int dst = (z * cy + y) * cx;
                System.arraycopy(a, src, ca, dst, cx);
                System.arraycopy(b, src, cb, dst, cx);
            }
        }
        boolean[] sa = surface(ca, cx, cy, cz);
        boolean[] sb = surface(cb, cx, cy, cz);
        int na = count(sa);
        int nb = count(sb);
        if (na == 0 || nb == 0) {
            return new Result(Double.NaN, Double.NaN, Double.NaN, na, nb);
        }
        double[] all = new double[na + nb];
        gather(sa, DistanceTransform.squared(sb, cx, cy, cz, spacing), all, 0);
        gather(sb, DistanceTransform.squared(sa, cx, cy, cz, spacing), all, na);
        Arrays.sort(all);
        double sum = 0;
        for (double d : all) {
            sum += d;
        }
        return new Result(all[all.length - 1], percentile(all, 95), sum / all.length, na, nb);
    }

    /**
     * The q-th percentile (0..100) of ascending values, linear between
     * ranks as numpy.percentile's default.
     */
    public static double percentile(double[] sorted, double q) {
        double r = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(r);
        int hi = (int) Math.ceil(r);
        return sorted[lo] + (r - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void gather(boolean[] s, double[] sq, double[] out, int at) {
        int k = at;
        for (int i = 0; i < s.length; i++) {
            if (s[i]) {
                out[k++] = Math.sqrt(sq[i]);
            }
        }
    }

    private static int count(boolean[] m) {
        int c = 0;
        for (boolean x : m) {
            c += x ? 1 : 0;
        }
        return c;
    }

    /**
     * The surface of a mask: foreground voxels with a background
     * 6-neighbour, outside the volume counting as background.
     */
    public static boolean[] surface(boolean[] m, int nx, int ny, int nz) {
        boolean[] s = new boolean[m.length];
        int plane = nx * ny;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    int i = (z * ny + y) * nx + x;
                    if (!m[i]) {
                        continue;
                    }
                    s[i] = x == 0 || !m[i - 1] || x == nx - 1 || !m[i + 1]
                            || y == 0 || !m[i - nx] || y == ny - 1 || !m[i + nx]
                            || z == 0 || !m[i - plane] || z == nz - 1 || !m[i + plane];
                }
            }
        }
        return s;
    }

    /** {x0, y0, z0, x1, y1, z1} (inclusive) of a or b, null when both are empty. */
    private static int[] boundingBox(boolean[] a, boolean[] b, int nx, int ny, int nz) {
        int[] box = {nx, ny, nz, -1, -1, -1};
        int i = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, i++) {
                    if (a[i] || b[i]) {
                        box[0] = Math.min(box[0], x);
                        box[1] = Math.min(box[1], y);
                        box[2] = Math.min(box[2], z);
                        box[3] = Math.max(box[3], x);
                        box[4] = Math.max(box[4], y);
                        box[5] = Math.max(box[5], z);
                    }
                }
            }
        }
        return box[3] < 0 ? null : box;
    }
}
