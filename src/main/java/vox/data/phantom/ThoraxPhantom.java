package vox.data.phantom;

import java.util.SplittableRandom;
import vox.data.Volume;

/**
 * The built-in thorax phantom: a CT volume in Hounsfield units with
 * SegTHOR labels (1 esophagus, 2 heart, 3 trachea, 4 aorta), drawn
 * procedurally from a seed.
 *
 * <p>Axes: voxel x grows from the patient's right to the left, y from
 * anterior to posterior, z from inferior to superior (LPS order, the
 * radiological view when x is drawn left to right and y top to bottom).
 * The volume's affine maps voxel indices to RAS+ millimetres, so its
 * first two diagonal entries are negative; the volume centre is at the
 * world origin.
 *
 * <p>Everything (anatomy and noise) is a pure function of the seed and
 * the configuration: the same inputs give the same voxels on any machine
 * and thread (one {@code SplittableRandom} stream per case, strict
 * floating point, {@code StrictMath} for every transcendental function).
 * The anatomy does not depend on the grid or on the noise
 * setting, so one seed rendered at two spacings, or with and without
 * noise, shows the same patient.
 */
public final class ThoraxPhantom {

    private ThoraxPhantom() {
    }

    /** A case on the {@link PhantomConfig#DEFAULT} grid. */
    public static PhantomCase generate(long seed) {
        return generate(seed, PhantomConfig.DEFAULT);
    }

    /**
     * A case on an nx x ny x nz grid of the given spacing (x, y, z) in mm,
     * with noise drawn per case and the default blur.
     *
     * @throws IllegalArgumentException for sizes or spacings out of range
     */
    public static PhantomCase generate(long seed, int nx, int ny, int nz,
            double[] spacingMm) {
        return generate(seed, PhantomConfig.of(nx, ny, nz, spacingMm));
    }

    /** A case rendered with the given configuration. */
    public static PhantomCase generate(long seed, PhantomConfig cfg) {
        Anatomy a = new Anatomy(seed);
        double[] sp = cfg.spacingMm();
        Grid g = new Grid(cfg.nx(), cfg.ny(), cfg.nz(), sp, a.centreU,
                a.centreV, a.centreW);
        Canvas c = new Canvas(g, -1000);
        new Renderer(a, g, c).render();

        float[] hu = c.hu;
        if (cfg.blurSigmaVoxels() > 0) {
            blur(hu, g, cfg.blurSigmaVoxels());
        }
        double sigma = Double.isNaN(cfg.noiseSigmaHu()) ? a.noiseSigma
                : cfg.noiseSigmaHu();
        addNoise(hu, sigma, new SplittableRandom(mix(seed)));

        float[] lab = new float[c.label.length];
        for (int p = 0; p < lab.length; p++) {
            lab[p] = c.label[p];
        }
        double[][] affine = affine(g.nx, g.ny, g.nz, sp);
        Volume image = new Volume(g.nx, g.ny, g.nz, hu, sp, affine);
        Volume labels = new Volume(g.nx, g.ny, g.nz, lab, sp.clone(),
                affine(g.nx, g.ny, g.nz, sp));
        return new PhantomCase(seed, image, labels, sigma);
    }

    /**
     * Voxel to RAS+ mm for LPS-ordered voxels centred on the origin:
     * x index to the left is -R, y index to the posterior is -A.
     */
    static double[][] affine(int nx, int ny, int nz, double[] sp) {
        return new double[][] {
            {-sp[0], 0, 0, 0.5 * (nx - 1) * sp[0]},
            {0, -sp[1], 0, 0.5 * (ny - 1) * sp[1]},
            {0, 0, sp[2], -0.5 * (nz - 1) * sp[2]},
            {0, 0, 0, 1}};
    }

    /** Separable Gaussian along x, y and z; edges replicate. */
    static void blur(float[] hu, Grid g, double sigma) {
        int r = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] k = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            k[i + r] = StrictMath.exp(-0.5 * i * i / (sigma * sigma));
            sum += k[i + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        float[] tmp = new float[hu.length];
        int nx = g.nx;
        int ny = g.ny;
        int nz = g.nz;
        int plane = nx * ny;
        // along x, one row at a time
        for (int row = 0; row < ny * nz; row++) {
            int base = row * nx;
            for (int x = 0; x < nx; x++) {
                double acc = 0;
                for (int t = -r; t <= r; t++) {
                    int m = Math.min(nx - 1, Math.max(0, x + t));
                    acc += k[t + r] * hu[base + m];
                }
                tmp[base + x] = (float) acc;
            }
        }
        // along y and z, whole rows and planes at once (contiguous)
        java.util.Arrays.fill(hu, 0);
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                int out = z * plane + y * nx;
                for (int t = -r; t <= r; t++) {
                    int in = z * plane + Math.min(ny - 1, Math.max(0, y + t)) * nx;
                    axpy((float) k[t + r], tmp, in, hu, out, nx);
                }
            }
        }
        java.util.Arrays.fill(tmp, 0);
        for (int z = 0; z < nz; z++) {
            for (int t = -r; t <= r; t++) {
                int in = Math.min(nz - 1, Math.max(0, z + t)) * plane;
                axpy((float) k[t + r], hu, in, tmp, z * plane, plane);
            }
        }
        System.arraycopy(tmp, 0, hu, 0, hu.length);
    }

    /** y[yo + i] += a * x[xo + i] for i in [0, n). */
    private static void axpy(float a, float[] x, int xo, float[] y, int yo,
            int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /**
     * Gaussian noise (Box-Muller), rounded to integers and clipped.
     */
    // TODO: the noise is white; real CT noise is correlated in-plane and
    // has streaks near bone and metal
    static void addNoise(float[] hu, double sigma, SplittableRandom rng) {
        int n = hu.length;
        for (int p = 0; p < n; p += 2) {
            double g0 = 0;
            double g1 = 0;
            if (sigma > 0) {
                double u1 = 1 - rng.nextDouble();
                double u2 = rng.nextDouble();
                double rad = sigma * Math.sqrt(-2 * StrictMath.log(u1));
                g0 = rad * StrictMath.cos(2 * Math.PI * u2);
                g1 = rad * StrictMath.sin(2 * Math.PI * u2);
            }
            hu[p] = clip(hu[p] + g0);
            if (p + 1 < n) {
                hu[p + 1] = clip(hu[p + 1] + g1);
            }
        }
    }

    private static float clip(double x) {
        return (float) Math.max(-1024, Math.min(3071, Math.rint(x)));
    }

    /** A second, independent stream for the noise. */
    private static long mix(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
