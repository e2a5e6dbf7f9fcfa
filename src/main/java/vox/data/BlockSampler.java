package vox.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cuts training blocks of W x H x D voxels (default 256 x 256 x 48) from a
 * preprocessed image and its label map.
 *
 * <p>Along z, the blocks cover the slices that hold any organ (label > 0)
 * plus {@code margin} slices on each side (clipped to the volume): the
 * first block starts at the first of these slices, and each next block
 * starts {@code D - overlap} slices after the previous one, the overlap
 * drawn uniformly from 0 to {@code maxOverlap} (inclusive) by the caller's
 * seeded {@link Random}; the last block is the first that reaches the last
 * covered slice. When the covered range is shorter than D, one block is
 * centred on it and then moved inside the volume (when the volume has at
 * least D slices). Slices outside the volume are padding.
 *
 * <p>In-plane, a volume larger than W x H is centre-cropped and a smaller
 * one centre-padded. Padding takes {@code imagePad} in the image (default
 * -1, air after {@link Preprocess#clipAndScale}) and 0 in the label.
 */
public final class BlockSampler {

    /**
     * Block geometry.
     *
     * @param width      W, columns per block
     * @param height     H, rows per block
     * @param depth      D, slices per block
     * @param margin     slices added on both sides of the organ range
     * @param maxOverlap largest overlap of adjacent blocks, below D
     * @param imagePad   image value of padding voxels
     */
    public record Config(int width, int height, int depth, int margin, int maxOverlap,
            float imagePad) {

        public Config {
            if (width <= 0 || height <= 0 || depth <= 0) {
                throw new IllegalArgumentException("BlockSampler: block size must be positive,"
                        + " got " + width + "x" + height + "x" + depth);
            }
            if (margin < 0 || maxOverlap < 0 || maxOverlap >= depth) {
                throw new IllegalArgumentException("BlockSampler: expected margin >= 0 and"
                        + " 0 <= maxOverlap < depth (" + depth + "), got margin " + margin
                        + ", maxOverlap " + maxOverlap);
            }
        }

        /** 256 x 256 x 48, margin 8 slices, overlap 0 to 24, padding -1. */
        public static Config defaults() {
            return new Config(256, 256, 48, 8, 24, -1f);
        }
    }

    /**
     * One block: slices {@code z0 .. z0 + D - 1} of the volume, cropped or
     * padded in-plane from column {@code x0} and row {@code y0}. Its volumes
     * carry the source's spacing and an affine moved to the block's first
     * voxel.
     */
    public record Block(int x0, int y0, int z0, Volume image, Volume label) {
    }

    private final Config config;

    public BlockSampler(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /**
     * The first and last slice (inclusive) that hold a label > 0, or null
     * when the map is empty.
     */
    public static int[] organSlices(Volume label) {
        int plane = label.nx() * label.ny();
        float[] v = label.voxels();
        int first = -1;
        int last = -1;
        for (int z = 0; z < label.nz(); z++) {
            for (int i = z * plane; i < (z + 1) * plane; i++) {
                if (v[i] > 0) {
                    if (first < 0) {
                        first = z;
                    }
                    last = z;
                    break;
                }
            }
        }
        return first < 0 ? null : new int[] {first, last};
    }

    /**
     * Block start slices for a label map; empty when it holds no organ.
     */
    public List<Integer> plan(Volume label, Random rnd) {
        int[] organs = organSlices(label);
        if (organs == null) {
            return List.of();
        }
        int lo = Math.max(0, organs[0] - config.margin());
        int hi = Math.min(label.nz() - 1, organs[1] + config.margin());
        return cover(lo, hi, label.nz(), config.depth(), config.maxOverlap(), rnd);
    }

    /**
     * Start slices of blocks of {@code depth} covering slices {@code lo..hi}
     * of a volume of {@code nz} slices, adjacent blocks overlapping by a
     * random 0 to {@code maxOverlap} slices (see the class comment).
     */
    public static List<Integer> cover(int lo, int hi, int nz, int depth, int maxOverlap,
            Random rnd) {
        if (lo < 0 || hi < lo || hi >= nz || maxOverlap < 0 || maxOverlap >= depth) {
            throw new IllegalArgumentException("BlockSampler.cover: expected 0 <= lo <= hi < nz"
                    + " and 0 <= maxOverlap < depth, got lo " + lo + ", hi " + hi + ", nz " + nz
                    + ", depth " + depth + ", maxOverlap " + maxOverlap);
        }
        int len = hi - lo + 1;
        List<Integer> starts = new ArrayList<>();
        if (len <= depth) {
            int z0 = lo - (depth - len) / 2;
            if (nz >= depth) {
                z0 = Math.max(0, Math.min(nz - depth, z0));
            } else {
                z0 = -((depth - nz) / 2);
            }
            starts.add(z0);
            return starts;
        }
        int z0 = lo;
        starts.add(z0);
        while (z0 + depth - 1 < hi) {
            int overlap = rnd.nextInt(maxOverlap + 1);
            z0 += depth - overlap;
            starts.add(z0);
        }
        return starts;
    }

    /**
     * Cuts the block starting at slice z0 (may be negative or run past the
     * end: those slices are padding).
     *
     * @throws IllegalArgumentException when image and label extents differ
     */
    public Block extract(Volume image, Volume label, int z0) {
        checkSameGrid(image, label);
        int w = config.width();
        int h = config.height();
        int d = config.depth();
        int x0 = (image.nx() - w) / 2;
        int y0 = (image.ny() - h) / 2;
        float[] img = new float[w * h * d];
        float[] lab = new float[w * h * d];
        for (int z = 0; z < d; z++) {
            int sz = z0 + z;
            for (int y = 0; y < h; y++) {
                int sy = y0 + y;
                for (int x = 0; x < w; x++) {
                    int sx = x0 + x;
                    int o = (z * h + y) * w + x;
                    boolean in = sx >= 0 && sx < image.nx() && sy >= 0 && sy < image.ny()
                            && sz >= 0 && sz < image.nz();
                    if (in) {
                        int i = image.index(sx, sy, sz);
                        img[o] = image.voxels()[i];
                        lab[o] = label.voxels()[i];
                    } else {
                        img[o] = config.imagePad();
                    }
                }
            }
        }
        double[][] a = image.affine();
        double[][] b = new double[4][];
        for (int r = 0; r < 4; r++) {
            b[r] = a[r].clone();
        }
        for (int r = 0; r < 3; r++) {
            b[r][3] = a[r][3] + a[r][0] * x0 + a[r][1] * y0 + a[r][2] * z0;
        }
        double[] s = image.spacing().clone();
        double[][] bl = new double[4][];
        for (int r = 0; r < 4; r++) {
            bl[r] = b[r].clone();
        }
        return new Block(x0, y0, z0, new Volume(w, h, d, img, s, b),
                new Volume(w, h, d, lab, s.clone(), bl));
    }

    /**
     * The training blocks of one case: {@link #plan}, {@link #extract}, and
     * only the blocks whose label holds an organ voxel.
     */
    public List<Block> sample(Volume image, Volume label, Random rnd) {
        checkSameGrid(image, label);
        List<Block> out = new ArrayList<>();
        for (int z0 : plan(label, rnd)) {
            Block b = extract(image, label, z0);
            boolean organ = false;
            for (float f : b.label().voxels()) {
                if (f > 0) {
                    organ = true;
                    break;
                }
            }
            if (organ) {
                out.add(b);
            }
        }
        return out;
    }

    private static void checkSameGrid(Volume image, Volume label) {
        if (image.nx() != label.nx() || image.ny() != label.ny() || image.nz() != label.nz()) {
            throw new IllegalArgumentException("BlockSampler: image " + image.nx() + "x"
                    + image.ny() + "x" + image.nz() + " and label " + label.nx() + "x"
                    + label.ny() + "x" + label.nz() + " must have the same extents");
        }
    }
}
