package vox.train;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds where an organ lies in a label volume (x fastest): the bounding
 * box and the centre of its voxels.
 *
 * <p>A prediction can hold stray voxels far from the organ, which would
 * stretch a plain bounding box. {@link #locate} with {@code dropSpecks}
 * therefore splits the organ into 26-connected 3D components and keeps
 * only those with at least {@link #MIN_COMPONENT_FRACTION} of the largest
 * one's voxels (a tube broken in a few pieces stays whole; specks go).
 */
public final class OrganLocator {
    /** Components smaller than this fraction of the largest are ignored. */
    public static final double MIN_COMPONENT_FRACTION = 0.1;

    private OrganLocator() {
    }

    /**
     * Where an organ is.
     *
     * @param min    first voxel of the bounding box {x, y, z}
     * @param max    last voxel of the bounding box {x, y, z} (inclusive)
     * @param mass   mean voxel position {x, y, z}
     * @param voxels voxels counted
     */
    public record Location(int[] min, int[] max, double[] mass, long voxels) {

        /** The voxel at the middle of the bounding box, rounding down. */
        public int[] boxCentre() {
            return new int[] {(min[0] + max[0]) / 2, (min[1] + max[1]) / 2,
                (min[2] + max[2]) / 2};
        }
    }

    /**
     * Locates voxels labelled {@code organ}; null when there are none.
     *
     * @param dropSpecks whether to ignore small components (for predictions)
     */
    public static Location locate(float[] labels, int nx, int ny, int nz, int organ,
                                  boolean dropSpecks) {
        if ((long) nx * ny * nz != labels.length) {
            throw new IllegalArgumentException("OrganLocator.locate: volume has "
                    + labels.length + " voxels, not " + nx + "x" + ny + "x" + nz);
        }
        int[] comp = null;
        boolean[] keep = null;
        if (dropSpecks) {
            comp = new int[labels.length];
            List<Integer> sizes = components(labels, nx, ny, nz, organ, comp);
            int largest = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
            keep = new boolean[sizes.size() + 1];
            for (int i = 0; i < sizes.size(); i++) {
                keep[i + 1] = sizes.get(i) >= MIN_COMPONENT_FRACTION * largest;
            }
        }
        int[] min = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
        int[] max = {-1, -1, -1};
        double[] sum = new double[3];
        long n = 0;
        int i = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, i++) {
                    if (labels[i] != organ || (keep != null && !keep[comp[i]])) {
                        continue;
                    }
                    int[] p = {x, y, z};
                    for (int a = 0; a < 3; a++) {
                        min[a] = Math.min(min[a], p[a]);
                        max[a] = Math.max(max[a], p[a]);
                        sum[a] += p[a];
                    }
                    n++;
                }
            }
        }
        if (n == 0) {
            return null;
        }
        return new Location(min, max, new double[] {sum[0] / n, sum[1] / n, sum[2] / n}, n);
    }

    /**
     * Labels the 26-connected components of {@code organ}: comp gets
     * 1-based ids (0 elsewhere); returns their sizes in id order.
     */
    static List<Integer> components(float[] labels, int nx, int ny, int nz, int organ,
                                    int[] comp) {
        List<Integer> sizes = new ArrayList<>();
        int[] queue = new int[labels.length];
        for (int start = 0; start < labels.length; start++) {
            if (labels[start] != organ || comp[start] != 0) {
                continue;
            }
            int id = sizes.size() + 1;
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            comp[start] = id;
            while (head < tail) {
                int p = queue[head++];
                int px = p % nx;
                int py = (p / nx) % ny;
                int pz = p / (nx * ny);
                for (int dz = -1; dz <= 1; dz++) {
                    for (int dy = -1; dy <= 1; dy++) {
                        for (int dx = -1; dx <= 1; dx++) {
                            int qx = px + dx;
                            int qy = py + dy;
                            int qz = pz + dz;
                            if (qx < 0 || qy < 0 || qz < 0 || qx >= nx || qy >= ny
                                    || qz >= nz) {
                                continue;
                            }
                            int q = (qz * ny + qy) * nx + qx;
                            if (comp[q] == 0 && labels[q] == organ) {
                                comp[q] = id;
                                queue[tail++] = q;
                            }
                        }
                    }
                }
            }
            sizes.add(tail);
        }
        return sizes;
    }
}
