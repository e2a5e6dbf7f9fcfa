package vox.data.phantom;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import vox.data.Volume;

/**
 * Plain-loop measurements on volumes, written independently of the
 * phantom's code, for the tests to compare against.
 */
final class Measure {
    static final int ESOPHAGUS = 1;
    static final int HEART = 2;
    static final int TRACHEA = 3;
    static final int AORTA = 4;

    private Measure() {
    }

    static int label(Volume lab, int x, int y, int z) {
        return Math.round(lab.get(x, y, z));
    }

    static long[] counts(Volume lab) {
        long[] n = new long[5];
        for (float f : lab.voxels()) {
            n[Math.round(f)]++;
        }
        return n;
    }

    /** Millilitres of one label. */
    static double millilitres(Volume lab, int label) {
        double[] s = lab.spacing();
        return counts(lab)[label] * s[0] * s[1] * s[2] / 1000;
    }

    /** Centroid (x, y, z) in voxels; null when the label is absent. */
    static double[] centroid(Volume lab, int label) {
        double sx = 0;
        double sy = 0;
        double sz = 0;
        long n = 0;
        for (int z = 0; z < lab.nz(); z++) {
            for (int y = 0; y < lab.ny(); y++) {
                for (int x = 0; x < lab.nx(); x++) {
                    if (label(lab, x, y, z) == label) {
                        sx += x;
                        sy += y;
                        sz += z;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? null : new double[] {sx / n, sy / n, sz / n};
    }

    /** Centroid (x, y) of a label in slice z; null when absent. */
    static double[] sliceCentroid(Volume lab, int label, int z) {
        double sx = 0;
        double sy = 0;
        long n = 0;
        for (int y = 0; y < lab.ny(); y++) {
            for (int x = 0; x < lab.nx(); x++) {
                if (label(lab, x, y, z) == label) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        return n == 0 ? null : new double[] {sx / n, sy / n, n};
    }

    /** {lowest z, highest z} holding the label, or null. */
    static int[] zRange(Volume lab, int label) {
        int lo = -1;
        int hi = -1;
        for (int z = 0; z < lab.nz(); z++) {
            if (sliceCentroid(lab, label, z) != null) {
                if (lo < 0) {
                    lo = z;
                }
                hi = z;
            }
        }
        return lo < 0 ? null : new int[] {lo, hi};
    }

    /**
     * 4-connected components of a label in slice z, each as
     * {centroid x, centroid y, voxel count}.
     */
    static List<double[]> components(Volume lab, int label, int z) {
        int nx = lab.nx();
        int ny = lab.ny();
        boolean[] seen = new boolean[nx * ny];
        List<double[]> out = new ArrayList<>();
        for (int y0 = 0; y0 < ny; y0++) {
            for (int x0 = 0; x0 < nx; x0++) {
                if (seen[y0 * nx + x0] || label(lab, x0, y0, z) != label) {
                    continue;
                }
                double sx = 0;
                double sy = 0;
                int n = 0;
                ArrayDeque<int[]> queue = new ArrayDeque<>();
                queue.add(new int[] {x0, y0});
                seen[y0 * nx + x0] = true;
                while (!queue.isEmpty()) {
                    int[] p = queue.poll();
                    sx += p[0];
                    sy += p[1];
                    n++;
                    int[][] nb = {{p[0] + 1, p[1]}, {p[0] - 1, p[1]},
                        {p[0], p[1] + 1}, {p[0], p[1] - 1}};
                    for (int[] q : nb) {
                        if (q[0] < 0 || q[1] < 0 || q[0] >= nx || q[1] >= ny) {
                            continue;
                        }
                        int k = q[1] * nx + q[0];
                        if (!seen[k] && label(lab, q[0], q[1], z) == label) {
                            seen[k] = true;
                            queue.add(q);
                        }
                    }
                }
                out.add(new double[] {sx / n, sy / n, n});
            }
        }
        return out;
    }

    /**
     * Smallest in-plane distance (mm) between voxel centres of labels a
     * and b in slice z; infinity when either is absent.
     */
    static double gapMm(Volume lab, int a, int b, int z) {
        double[] s = lab.spacing();
        List<int[]> pa = new ArrayList<>();
        List<int[]> pb = new ArrayList<>();
        for (int y = 0; y < lab.ny(); y++) {
            for (int x = 0; x < lab.nx(); x++) {
                int l = label(lab, x, y, z);
                if (l == a) {
                    pa.add(new int[] {x, y});
                } else if (l == b) {
                    pb.add(new int[] {x, y});
                }
            }
        }
        double best = Double.POSITIVE_INFINITY;
        for (int[] p : pa) {
            for (int[] q : pb) {
                double dx = (p[0] - q[0]) * s[0];
                double dy = (p[1] - q[1]) * s[1];
                best = Math.min(best, Math.sqrt(dx * dx + dy * dy));
            }
        }
        return best;
    }

    /**
     * Voxels of a label whose neighbours within r voxels in x and y and
     * one slice up and down all carry the same label.
     */
    static List<int[]> interior(Volume lab, int label, int r) {
        List<int[]> out = new ArrayList<>();
        for (int z = 1; z < lab.nz() - 1; z++) {
            for (int y = r; y < lab.ny() - r; y++) {
                for (int x = r; x < lab.nx() - r; x++) {
                    if (label(lab, x, y, z) == label && allSame(lab, label, x,
                            y, z, r)) {
                        out.add(new int[] {x, y, z});
                    }
                }
            }
        }
        return out;
    }

    private static boolean allSame(Volume lab, int label, int x, int y, int z,
            int r) {
        for (int dy = -r; dy <= r; dy++) {
            for (int dx = -r; dx <= r; dx++) {
                if (label(lab, x + dx, y + dy, z) != label) {
                    return false;
                }
            }
        }
        return label(lab, x, y, z - 1) == label && label(lab, x, y, z + 1) == label;
    }

    static double mean(Volume img, List<int[]> at) {
        double s = 0;
        for (int[] p : at) {
            s += img.get(p[0], p[1], p[2]);
        }
        return s / at.size();
    }

    static double median(Volume img, List<int[]> at) {
        double[] v = new double[at.size()];
        for (int i = 0; i < v.length; i++) {
            int[] p = at.get(i);
            v[i] = img.get(p[0], p[1], p[2]);
        }
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2]
                : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }

    /** Median of the 3 x 3 in-plane patch around (x, y) in slice z. */
    static double patchMedian(Volume img, int x, int y, int z) {
        double[] v = new double[9];
        int n = 0;
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                v[n++] = img.get(x + dx, y + dy, z);
            }
        }
        java.util.Arrays.sort(v);
        return v[4];
    }
}
