package vox.data.phantom;

import java.util.Arrays;

/**
 * Size and acquisition settings of generated phantom cases.
 *
 * <p>The anatomy is built in millimetres, so the spacing decides how much
 * of the patient the grid covers. About 350 x 350 x 250 mm (x, y, z)
 * holds the whole thorax, from the lung apices to below the diaphragm; a
 * smaller field of view crops it around the heart and the carina, as a
 * narrow scan would.
 *
 * @param nx              voxels along x (patient right to left), at least 8
 * @param ny              voxels along y (anterior to posterior), at least 8
 * @param nz              voxels along z (inferior to superior), at least 4
 * @param spacingMm       voxel size (x, y, z) in mm, each in [0.25, 20]
 * @param noiseSigmaHu    standard deviation of the added Gaussian noise in
 *                        HU, in [0, 200]; {@link #RANDOM_NOISE} draws it per
 *                        case from [10, 25]
 * @param blurSigmaVoxels standard deviation of the scanner blur applied
 *                        before the noise, in voxels along each axis, in
 *                        [0, 3]; 0 leaves only the partial-volume edges
 */
public record PhantomConfig(int nx, int ny, int nz, double[] spacingMm,
        double noiseSigmaHu, double blurSigmaVoxels) {

    /** Noise level marker: draw sigma per case, uniformly in [10, 25] HU. */
    public static final double RANDOM_NOISE = Double.NaN;

    /** Extent (x, y, z) in mm that holds the whole phantom thorax. */
    public static final double[] THORAX_MM = {352, 352, 256};

    /** 128 x 128 x 64 voxels of 2.75 x 2.75 x 4 mm: the whole thorax. */
    public static final PhantomConfig DEFAULT = covering(128, 128, 64);

    public PhantomConfig {
        check("nx", nx, 8);
        check("ny", ny, 8);
        check("nz", nz, 4);
        if ((long) nx * ny * nz > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("phantom: grid " + nx + "x"
                    + ny + "x" + nz + " has more than 2^31-1 voxels");
        }
        if (spacingMm == null || spacingMm.length != 3) {
            throw new IllegalArgumentException("phantom: spacingMm must"
                    + " have 3 entries (x, y, z), got "
                    + Arrays.toString(spacingMm));
        }
        spacingMm = spacingMm.clone();
        for (int i = 0; i < 3; i++) {
            double s = spacingMm[i];
            if (!(s >= 0.25 && s <= 20)) {
                throw new IllegalArgumentException("phantom: spacingMm["
                        + i + "] must be in [0.25, 20] mm, got " + s);
            }
        }
        if (!Double.isNaN(noiseSigmaHu)
                && !(noiseSigmaHu >= 0 && noiseSigmaHu <= 200)) {
            throw new IllegalArgumentException("phantom: noiseSigmaHu must"
                    + " be in [0, 200] or RANDOM_NOISE, got " + noiseSigmaHu);
        }
        if (!(blurSigmaVoxels >= 0 && blurSigmaVoxels <= 3)) {
            throw new IllegalArgumentException("phantom: blurSigmaVoxels"
                    + " must be in [0, 3], got " + blurSigmaVoxels);
        }
    }

    private static void check(String name, int n, int min) {
        if (n < min) {
            throw new IllegalArgumentException("phantom: " + name
                    + " must be at least " + min + ", got " + n);
        }
    }

    /** A grid of the given size and spacing, default noise and blur. */
    public static PhantomConfig of(int nx, int ny, int nz,
            double[] spacingMm) {
        return new PhantomConfig(nx, ny, nz, spacingMm, RANDOM_NOISE, 0.5);
    }

    /**
     * A grid of the given size whose spacing covers {@link #THORAX_MM}:
     * 96 x 96 x 48 gives 3.67 x 3.67 x 5.33 mm voxels.
     */
    public static PhantomConfig covering(int nx, int ny, int nz) {
        return of(nx, ny, nz, new double[] {THORAX_MM[0] / nx,
            THORAX_MM[1] / ny, THORAX_MM[2] / nz});
    }

    /** The same grid with a fixed noise level (0 for a clean image). */
    public PhantomConfig withNoise(double sigmaHu) {
        return new PhantomConfig(nx, ny, nz, spacingMm, sigmaHu,
                blurSigmaVoxels);
    }

    /** The same grid with another blur. */
    public PhantomConfig withBlur(double sigmaVoxels) {
        return new PhantomConfig(nx, ny, nz, spacingMm, noiseSigmaHu,
                sigmaVoxels);
    }

    @Override
    public double[] spacingMm() {
        return spacingMm.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhantomConfig p && p.nx == nx && p.ny == ny
                && p.nz == nz && Arrays.equals(p.spacingMm, spacingMm)
                && Double.compare(p.noiseSigmaHu, noiseSigmaHu) == 0
                && Double.compare(p.blurSigmaVoxels, blurSigmaVoxels) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * (31 * nx + ny) + nz) + Arrays.hashCode(spacingMm))
                + Double.hashCode(noiseSigmaHu) * 7 + Double.hashCode(blurSigmaVoxels);
    }

    @Override
    public String toString() {
        return "PhantomConfig[" + nx + "x" + ny + "x" + nz + " at "
                + Arrays.toString(spacingMm) + " mm, noise "
                + (Double.isNaN(noiseSigmaHu) ? "random" : noiseSigmaHu + " HU")
                + ", blur " + blurSigmaVoxels + " voxels]";
    }
}
