package vox.train;

/**
 * One training or validation block: a preprocessed image and its labels on
 * a D x H x W grid, x fastest (the memory order of a (1, 1, D, H, W) tensor).
 *
 * @param id      where it came from (case id and block position)
 * @param image   intensities scaled to about [-1, 1]
 * @param labels  class ids 0 .. numClasses-1, as floats
 * @param spacing voxel size in millimetres (x, y, z)
 */
public record Sample(String id, int d, int h, int w, float[] image, float[] labels,
                     double[] spacing) {

    public Sample {
        long n = (long) d * h * w;
        if (image.length != n || labels.length != n) {
            throw new IllegalArgumentException("sample " + id + ": " + d + "x" + h + "x" + w
                    + " needs " + n + " voxels, got image " + image.length + ", labels "
                    + labels.length);
        }
    }
}
