package vox.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import vox.data.Preprocess.Interp;

/**
 * Preprocessing against float64 references written plainly here: world
 * coordinates through the affines, trilinear and nearest lookups in 3D,
 * block means, and exact overlap integrals.
 */
class PreprocessTest {

    // ------------------------------------------------------------ helpers

    private static double[][] rotatedAffine(double[] s) {
        double a = 0.25;
        double c = Math.cos(a);
        double si = Math.sin(a);
        double[][] r = {{c, -si, 0}, {si, c, 0}, {0, 0, 1}};
        double[][] m = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                m[i][j] = r[i][j] * s[j];
            }
        }
        m[0][3] = -40;
        m[1][3] = 12.5;
        m[2][3] = -100;
        m[3][3] = 1;
        return m;
    }

    private static Volume random(int nx, int ny, int nz, double[] s, long seed) {
        Random rnd = new Random(seed);
        float[] v = new float[nx * ny * nz];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 200);
        }
        return new Volume(nx, ny, nz, v, s, rotatedAffine(s));
    }

    private static double[] world(double[][] a, double x, double y, double z) {
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) {
            w[r] = a[r][0] * x + a[r][1] * y + a[r][2] * z + a[r][3];
        }
        return w;
    }

    /** Voxel coordinates of a world point: solves A p = w - t by Cramer's rule. */
    private static double[] voxelOf(double[][] a, double[] w) {
        double[] b = {w[0] - a[0][3], w[1] - a[1][3], w[2] - a[2][3]};
        double det = det3(a[0][0], a[0][1], a[0][2], a[1][0], a[1][1], a[1][2],
                a[2][0], a[2][1], a[2][2]);
        double[] p = new double[3];
        for (int k = 0; k < 3; k++) {
            double[][] m = new double[3][3];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    m[r][c] = c == k ? b[r] : a[r][c];
                }
            }
            p[k] = det3(m[0][0], m[0][1], m[0][2], m[1][0], m[1][1], m[1][2],
                    m[2][0], m[2][1], m[2][2]) / det;
        }
        return p;
    }

    private static double det3(double a, double b, double c, double d, double e, double f,
            double g, double h, double i) {
        return a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    }

    private static int clampI(int i, int n) {
        return Math.max(0, Math.min(n - 1, i));
    }

    /** Trilinear with edge clamping, as 8 corner weights in float64. */
    private static double trilinearRef(Volume v, double[] p) {
        int[] n = {v.nx(), v.ny(), v.nz()};
        double[] c = new double[3];
        for (int a = 0; a < 3; a++) {
            c[a] = Math.max(0, Math.min(n[a] - 1, p[a]));
        }
        int x0 = (int) Math.floor(c[0]);
        int y0 = (int) Math.floor(c[1]);
        int z0 = (int) Math.floor(c[2]);
        double tx = c[0] - x0;
        double ty = c[1] - y0;
        double tz = c[2] - z0;
        double s = 0;
        for (int dz = 0; dz <= 1; dz++) {
            for (int dy = 0; dy <= 1; dy++) {
                for (int dx = 0; dx <= 1; dx++) {
                    double w = (dx == 0 ? 1 - tx : tx) * (dy == 0 ? 1 - ty : ty)
                            * (dz == 0 ? 1 - tz : tz);
                    s += w * v.get(clampI(x0 + dx, n[0]), clampI(y0 + dy, n[1]),
                            clampI(z0 + dz, n[2]));
                }
            }
        }
        return s;
    }

    /** Nearest with ties going up and edge clamping. */
    private static double nearestRef(Volume v, double[] p) {
        return v.get(clampI((int) Math.floor(p[0] + 0.5), v.nx()),
                clampI((int) Math.floor(p[1] + 0.5), v.ny()),
                clampI((int) Math.floor(p[2] + 0.5), v.nz()));
    }

    /** Same directions, scaled columns, same world centre, as promised. */
    private static void assertGridKeepsExtent(Volume in, Volume out) {
        double[] ci = world(in.affine(), (in.nx() - 1) / 2.0, (in.ny() - 1) / 2.0,
                (in.nz() - 1) / 2.0);
        double[] co = world(out.affine(), (out.nx() - 1) / 2.0, (out.ny() - 1) / 2.0,
                (out.nz() - 1) / 2.0);
        assertArrayEquals(ci, co, 1e-9, "grid centre");
        for (int j = 0; j < 3; j++) {
            double ratio = out.spacing()[j] / in.spacing()[j];
            for (int r = 0; r < 3; r++) {
                assertEquals(in.affine()[r][j] * ratio, out.affine()[r][j], 1e-12,
                        "affine column " + j);
            }
        }
    }

    // -------------------------------------------------------------- tests

    @Test
    void clipAndScaleMatchesFormula() {
        Volume v = random(9, 7, 4, new double[] {1, 1, 1}, 1);
        for (double k : new double[] {1000, 350, 50}) {
            Volume out = Preprocess.clipAndScale(v, k);
            for (int i = 0; i < v.voxels().length; i++) {
                double x = v.voxels()[i];
                double want = x < -k ? -1 : x > k ? 1 : x / k;
                assertEquals(want, out.voxels()[i], 1e-7);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Preprocess.clipAndScale(v, 0));
    }

    @Test
    void linearSliceResamplingMatchesTrilinearReference() {
        double[] s = {0.7, 0.8, 2.0};
        Volume v = random(6, 5, 11, s, 2);
        for (double target : new double[] {2.5, 1.3, 5.0, 2.0}) {
            Volume out = Preprocess.resampleSlices(v, target, Interp.LINEAR);
            assertEquals(Math.round(11 * 2.0 / target), out.nz(), "slices for " + target);
            assertEquals(6, out.nx());
            assertEquals(5, out.ny());
            assertEquals(target, out.spacing()[2], 1e-12);
            assertGridKeepsExtent(v, out);
            for (int z = 0; z < out.nz(); z++) {
                for (int y = 0; y < out.ny(); y++) {
                    for (int x = 0; x < out.nx(); x++) {
                        double[] p = voxelOf(v.affine(), world(out.affine(), x, y, z));
                        assertEquals(trilinearRef(v, p), out.get(x, y, z), 1e-3,
                                "target " + target + " at " + x + "," + y + "," + z);
                    }
                }
            }
        }
    }

    @Test
    void nearestSliceResamplingKeepsLabelsAndMatchesReference() {
        double[] s = {1, 1, 3.0};
        Random rnd = new Random(3);
        float[] lab = new float[5 * 4 * 9];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = rnd.nextInt(5);
        }
        Volume v = new Volume(5, 4, 9, lab, s, rotatedAffine(s));
        Volume out = Preprocess.resampleSlices(v, 2.5, Interp.NEAREST);
        assertEquals(11, out.nz());
        assertGridKeepsExtent(v, out);
        for (int z = 0; z < out.nz(); z++) {
            for (int y = 0; y < out.ny(); y++) {
                for (int x = 0; x < out.nx(); x++) {
                    double[] p = voxelOf(v.affine(), world(out.affine(), x, y, z));
                    assertEquals(nearestRef(v, p), out.get(x, y, z), 0);
                }
            }
        }
    }

    @Test
    void halvingInPlaneWithAreaAndLinearGivesTwoByTwoMeans() {
        Volume v = random(8, 6, 3, new double[] {0.5, 0.6, 2.5}, 4);
        for (Interp interp : new Interp[] {Interp.AREA, Interp.LINEAR}) {
            Volume out = Preprocess.resizeInPlane(v, 4, 3, interp);
            assertArrayEquals(new double[] {1.0, 1.2, 2.5}, out.spacing(), 1e-12);
            assertGridKeepsExtent(v, out);
            for (int z = 0; z < 3; z++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 4; x++) {
                        double mean = 0;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                mean += v.get(2 * x + dx, 2 * y + dy, z) / 4.0;
                            }
                        }
                        assertEquals(mean, out.get(x, y, z), 1e-3, interp + "");
                    }
                }
            }
        }
    }

    @Test
    void halvingLabelsWithNearestTakesTheUpperOfEachPair() {
        Random rnd = new Random(5);
        float[] lab = new float[8 * 6 * 2];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = rnd.nextInt(4);
        }
        Volume v = Volume.of(8, 6, 2, lab, new double[] {1, 1, 1});
        Volume out = Preprocess.resizeInPlane(v, 4, 3, Interp.NEAREST);
        for (int z = 0; z < 2; z++) {
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    assertEquals(v.get(2 * x + 1, 2 * y + 1, z), out.get(x, y, z));
                }
            }
        }
    }

    @Test
    void areaWithFractionalFactorIntegratesExactly() {
        // 7 columns to 3: each output averages a footprint of 7/3 columns
        Volume v = random(7, 2, 2, new double[] {1, 1, 1}, 6);
        Volume out = Preprocess.resizeInPlane(v, 3, 2, Interp.AREA);
        double f = 7.0 / 3;
        for (int z = 0; z < 2; z++) {
            for (int y = 0; y < 2; y++) {
                double sumIn = 0;
                double sumOut = 0;
                for (int x = 0; x < 3; x++) {
                    double lo = x * f;
                    double hi = (x + 1) * f;
                    double integral = 0;
                    for (int i = 0; i < 7; i++) {
                        double overlap = Math.max(0, Math.min(hi, i + 1) - Math.max(lo, i));
                        integral += overlap * v.get(i, y, z);
                    }
                    assertEquals(integral / f, out.get(x, y, z), 1e-3);
                    sumOut += out.get(x, y, z) * f;
                }
                for (int i = 0; i < 7; i++) {
                    sumIn += v.get(i, y, z);
                }
                assertEquals(sumIn, sumOut, 1e-2, "area keeps the integral");
            }
        }
    }

    @Test
    void linearResamplingIsExactOnALinearRamp() {
        // a field linear in world coordinates must be reproduced exactly
        // inside the grid, whatever the resampling factors
        double[] s = {0.9, 1.1, 2.0};
        int nx = 10;
        int ny = 8;
        int nz = 12;
        double[][] a = rotatedAffine(s);
        float[] v = new float[nx * ny * nz];
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    double[] w = world(a, x, y, z);
                    v[(z * ny + y) * nx + x] = (float) (0.5 * w[0] - 0.25 * w[1] + 2 * w[2]);
                }
            }
        }
        Volume in = new Volume(nx, ny, nz, v, s, a);
        Volume out = Preprocess.resize(Preprocess.resampleSlices(in, 3.0, Interp.LINEAR),
                7, 5, 8, Interp.LINEAR);
        for (int z = 0; z < out.nz(); z++) {
            for (int y = 0; y < out.ny(); y++) {
                for (int x = 0; x < out.nx(); x++) {
                    double[] p = voxelOf(a, world(out.affine(), x, y, z));
                    boolean interior = p[0] >= 0 && p[0] <= nx - 1 && p[1] >= 0
                            && p[1] <= ny - 1 && p[2] >= 0 && p[2] <= nz - 1;
                    if (interior) {
                        double[] w = world(out.affine(), x, y, z);
                        double want = 0.5 * w[0] - 0.25 * w[1] + 2 * w[2];
                        assertEquals(want, out.get(x, y, z), 2e-3);
                    }
                }
            }
        }
    }

    @Test
    void restoreBringsLabelsBackToTheOriginalGrid() {
        // labels constant on 2x2 in-plane blocks survive halving and restoring
        int nx = 16;
        int ny = 12;
        int nz = 10;
        double[] s = {0.8, 0.8, 2.5};
        float[] lab = new float[nx * ny * nz];
        Random rnd = new Random(7);
        float[] blocks = new float[(nx / 2) * (ny / 2) * nz];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = rnd.nextInt(5);
        }
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    lab[(z * ny + y) * nx + x] = blocks[(z * (ny / 2) + y / 2) * (nx / 2) + x / 2];
                }
            }
        }
        Volume original = new Volume(nx, ny, nz, lab, s, rotatedAffine(s));
        Preprocess.Spec spec = new Preprocess.Spec(1000, 2.5, 8);
        Volume small = spec.label(original);
        assertEquals(8, small.nx());
        assertEquals(6, small.ny());
        assertEquals(10, small.nz());
        Volume back = spec.restore(small, original);
        assertEquals(nx, back.nx());
        assertArrayEquals(original.spacing(), back.spacing());
        assertArrayEquals(lab, back.voxels());
    }

    @Test
    void resampleToGridMatchesWorldReference() {
        double[] s = {1.6, 1.6, 3.0};
        Random rnd = new Random(8);
        float[] lab = new float[6 * 5 * 4];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = rnd.nextInt(3);
        }
        Volume src = new Volume(6, 5, 4, lab, s, rotatedAffine(s));
        double[] t = {0.8, 0.8, 2.0};
        double[][] ta = rotatedAffine(t);
        // shifted off the half-voxel ties, where rounding could go either way
        ta[0][3] += 0.13;
        ta[1][3] -= 0.07;
        ta[2][3] += 0.31;
        Volume grid = new Volume(15, 10, 6, new float[15 * 10 * 6], t, ta);
        Volume out = Preprocess.resampleToGrid(src, grid, Interp.NEAREST, -1);
        Volume lin = Preprocess.resampleToGrid(src, grid, Interp.LINEAR, -1);
        int outside = 0;
        for (int z = 0; z < 6; z++) {
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 15; x++) {
                    double[] p = voxelOf(src.affine(), world(grid.affine(), x, y, z));
                    boolean in = p[0] >= -1 && p[0] <= 6 && p[1] >= -1 && p[1] <= 5
                            && p[2] >= -1 && p[2] <= 4;
                    double want = in ? nearestRef(src, p) : -1;
                    double wantLin = in ? trilinearRef(src, p) : -1;
                    assertEquals(want, out.get(x, y, z), 0, x + "," + y + "," + z);
                    assertEquals(wantLin, lin.get(x, y, z), 1e-5, x + "," + y + "," + z);
                    outside += in ? 0 : 1;
                }
            }
        }
        // the two grids have nearly one origin but not one centre: some fall outside
        assertTrue(outside > 0);
    }

    @Test
    void specPresetsProduceTheDocumentedGrid() {
        Volume ct = random(64, 48, 10, new double[] {0.7, 0.7, 2.0}, 9);
        Volume img = new Preprocess.Spec(350, 3.0, 32).image(ct);
        assertEquals(32, img.nx());
        assertEquals(24, img.ny());
        assertEquals(7, img.nz());
        assertArrayEquals(new double[] {1.4, 1.4, 3.0}, img.spacing(), 1e-12);
        Set<Boolean> inRange = new HashSet<>();
        for (float f : img.voxels()) {
            inRange.add(f >= -1 && f <= 1);
        }
        assertEquals(Set.of(true), inRange);
        // enlarging in-plane interpolates linearly
        Volume small = random(16, 8, 3, new double[] {1, 1, 2}, 10);
        Volume up = new Preprocess.Spec(1000, 0, 32).image(small);
        Volume want = Preprocess.resizeInPlane(Preprocess.clipAndScale(small, 1000), 32, 16,
                Interp.LINEAR);
        assertArrayEquals(want.voxels(), up.voxels());
        assertEquals(1000, Preprocess.Spec.thorax().clip());
        assertEquals(2.5, Preprocess.Spec.thorax().sliceSpacing());
        assertEquals(350, Preprocess.Spec.abdomen().clip());
        assertEquals(3.0, Preprocess.Spec.abdomen().sliceSpacing());
        assertEquals(256, Preprocess.Spec.abdomen().inPlane());
    }
}
