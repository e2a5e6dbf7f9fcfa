package vox.train;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A box of {@code w x h x d} voxels whose first voxel is (x0, y0, z0) in a
 * volume's voxel grid (x fastest). A box may reach past the volume when
 * the volume is smaller than the box along an axis; {@link #extract} pads
 * there and {@link #paste} ignores those voxels.
 *
 * <p>Two ways of placing one around an organ whose centre voxel is c
 * (per axis, volume extent n, box extent s):
 * <ul>
 * <li>{@link #centredAt}: start {@code c - s/2}, then clamped into the
 *     volume ({@code [0, n - s]}); when {@code n < s} the box is centred
 *     on the volume instead, starting at {@code (n - s) / 2} (padding on
 *     both sides).
 * <li>{@link #randomAround}: an area of {@code a >= s} voxels starting at
 *     {@code c - a/2} is laid around the centre, the start is drawn
 *     uniformly among the {@code a - s + 1} positions that keep the box
 *     inside the area, then clamped into the volume as above. With
 *     {@code a = 2s} the centre falls anywhere from the box's first voxel
 *     to one past its last, so the organ is not always in the middle.
 * </ul>
 *
 * @param x0 first column (may be negative only when w exceeds the volume)
 * @param y0 first row
 * @param z0 first slice
 * @param w  columns (W)
 * @param h  rows (H)
 * @param d  slices (D)
 */
public record CropBox(int x0, int y0, int z0, int w, int h, int d) {

    public CropBox {
        if (w <= 0 || h <= 0 || d <= 0) {
            throw new IllegalArgumentException("CropBox: extents must be positive, got "
                    + w + "x" + h + "x" + d);
        }
    }

    /** Voxels in the box. */
    public int size() {
        return w * h * d;
    }

    /** The extents as {W, H, D}. */
    public int[] extents() {
        return new int[] {w, h, d};
    }

    /**
     * The box of extents {@code size = {W, H, D}} centred on voxel
     * {@code centre = {x, y, z}}, clamped into an nx x ny x nz volume.
     */
    public static CropBox centredAt(int[] centre, int[] size, int nx, int ny, int nz) {
        checkSize("centredAt", size);
        int[] n = {nx, ny, nz};
        int[] start = new int[3];
        for (int a = 0; a < 3; a++) {
            start[a] = clamp(centre[a] - size[a] / 2, size[a], n[a]);
        }
        return new CropBox(start[0], start[1], start[2], size[0], size[1], size[2]);
    }

    /**
     * A box of extents {@code size} drawn at random inside the area of
     * extents {@code area} (each at least the box's) laid around voxel
     * {@code centre}, then clamped into the volume.
     */
    public static CropBox randomAround(int[] centre, int[] size, int[] area, int nx, int ny,
                                       int nz, RandomGenerator rnd) {
        checkSize("randomAround", size);
        if (area.length != 3) {
            throw new IllegalArgumentException("CropBox.randomAround: area must be {W, H, D},"
                    + " got " + Arrays.toString(area));
        }
        int[] n = {nx, ny, nz};
        int[] start = new int[3];
        for (int a = 0; a < 3; a++) {
            if (area[a] < size[a]) {
                throw new IllegalArgumentException("CropBox.randomAround: area "
                        + Arrays.toString(area) + " must be at least the crop "
                        + Arrays.toString(size) + " along every axis");
            }
            int areaStart = centre[a] - area[a] / 2;
            int s = areaStart + rnd.nextInt(area[a] - size[a] + 1);
            start[a] = clamp(s, size[a], n[a]);
        }
        return new CropBox(start[0], start[1], start[2], size[0], size[1], size[2]);
    }

    private static int clamp(int start, int size, int n) {
        if (n < size) {
            return (n - size) / 2;
        }
        return Math.max(0, Math.min(n - size, start));
    }

    private static void checkSize(String op, int[] size) {
        if (size.length != 3 || size[0] <= 0 || size[1] <= 0 || size[2] <= 0) {
            throw new IllegalArgumentException("CropBox." + op + ": size must be three positive"
                    + " extents {W, H, D}, got " + Arrays.toString(size));
        }
    }

    /**
     * The box's voxels of a volume (nx x ny x nz, x fastest), x fastest;
     * voxels outside the volume take {@code pad}.
     */
    public float[] extract(float[] volume, int nx, int ny, int nz, float pad) {
        checkVolume("extract", volume, nx, ny, nz);
        float[] out = new float[size()];
        Arrays.fill(out, pad);
        for (int z = 0; z < d; z++) {
            int vz = z0 + z;
            if (vz < 0 || vz >= nz) {
                continue;
            }
            for (int y = 0; y < h; y++) {
                int vy = y0 + y;
                if (vy < 0 || vy >= ny) {
                    continue;
                }
                int from = Math.max(0, -x0);
                int to = Math.min(w, nx - x0);
                if (to > from) {
                    System.arraycopy(volume, (vz * ny + vy) * nx + x0 + from, out,
                            (z * h + y) * w + from, to - from);
                }
            }
        }
        return out;
    }

    /**
     * Pastes a single-organ mask back into a label volume (in place):
     * inside the box, voxels labelled {@code organ} or background become
     * {@code organ} where {@code mask} is non-zero and background where it
     * is zero. Voxels of other organs, and everything outside the box, are
     * left as they are.
     *
     * @param labels class ids of the whole volume (nx x ny x nz, x fastest)
     * @param mask   the box's voxels (w x h x d, x fastest), non-zero = organ
     */
    public void paste(float[] labels, int nx, int ny, int nz, float[] mask, int organ) {
        checkVolume("paste", labels, nx, ny, nz);
        if (mask.length != size()) {
            throw new IllegalArgumentException("CropBox.paste: mask has " + mask.length
                    + " voxels, the box " + w + "x" + h + "x" + d + " needs " + size());
        }
        for (int z = Math.max(0, -z0); z < Math.min(d, nz - z0); z++) {
            for (int y = Math.max(0, -y0); y < Math.min(h, ny - y0); y++) {
                int row = ((z0 + z) * ny + y0 + y) * nx + x0;
                for (int x = Math.max(0, -x0); x < Math.min(w, nx - x0); x++) {
                    float v = labels[row + x];
                    if (v == organ || v == 0) {
                        labels[row + x] = mask[(z * h + y) * w + x] != 0 ? organ : 0;
                    }
                }
            }
        }
    }

    private static void checkVolume(String op, float[] v, int nx, int ny, int nz) {
        if ((long) nx * ny * nz != v.length) {
            throw new IllegalArgumentException("CropBox." + op + ": volume has " + v.length
                    + " voxels, not " + nx + "x" + ny + "x" + nz);
        }
    }

    @Override
    public String toString() {
        return w + "x" + h + "x" + d + " at (" + x0 + ", " + y0 + ", " + z0 + ")";
    }
}
