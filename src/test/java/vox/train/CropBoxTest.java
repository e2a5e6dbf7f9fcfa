package vox.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CropBoxTest {

    @Test
    void centredCropPutsTheCentreVoxelInTheMiddle() {
        CropBox b = CropBox.centredAt(new int[] {40, 45, 20}, new int[] {32, 16, 24},
                100, 90, 50);
        assertEquals(new CropBox(24, 37, 8, 32, 16, 24), b);
    }

    @Test
    void centredCropIsClampedAtTheVolumeEdges() {
        int[] size = {32, 16, 24};
        assertEquals(new CropBox(0, 74, 26, 32, 16, 24),
                CropBox.centredAt(new int[] {3, 88, 49}, size, 100, 90, 50));
        assertEquals(new CropBox(68, 0, 0, 32, 16, 24),
                CropBox.centredAt(new int[] {99, 0, 2}, size, 100, 90, 50));
        // Anywhere in the volume: inside it, and holding the centre voxel.
        SplittableRandom rnd = new SplittableRandom(3);
        int[] n = {100, 90, 50};
        for (int t = 0; t < 500; t++) {
            int[] c = {rnd.nextInt(n[0]), rnd.nextInt(n[1]), rnd.nextInt(n[2])};
            CropBox box = CropBox.centredAt(c, size, n[0], n[1], n[2]);
            int[] start = {box.x0(), box.y0(), box.z0()};
            for (int a = 0; a < 3; a++) {
                assertTrue(start[a] >= 0 && start[a] + size[a] <= n[a], box + " in volume");
                assertTrue(start[a] <= c[a] && c[a] < start[a] + size[a],
                        box + " holds " + java.util.Arrays.toString(c));
            }
        }
    }

    @Test
    void cropLargerThanTheVolumeIsCentredOnItAndPadded() {
        CropBox b = CropBox.centredAt(new int[] {2, 5, 1}, new int[] {16, 8, 8}, 10, 8, 4);
        assertEquals(new CropBox(-3, 0, -2, 16, 8, 8), b);
        float[] vol = ramp(10, 8, 4);
        float[] got = b.extract(vol, 10, 8, 4, -7f);
        assertArrayEquals(referenceExtract(vol, 10, 8, 4, b, -7f), got, 0f);
        assertEquals(-7f, got[0], 0f);
        assertEquals(vol[0], got[((2 * 8) + 0) * 16 + 3], 0f);
    }

    @Test
    void extractMatchesPlainLoopsForBoxesPartlyOutside() {
        SplittableRandom rnd = new SplittableRandom(5);
        int nx = 13;
        int ny = 9;
        int nz = 7;
        float[] vol = ramp(nx, ny, nz);
        for (int t = 0; t < 50; t++) {
            CropBox b = new CropBox(rnd.nextInt(-6, nx), rnd.nextInt(-6, ny), rnd.nextInt(-6, nz),
                    1 + rnd.nextInt(16), 1 + rnd.nextInt(12), 1 + rnd.nextInt(10));
            assertArrayEquals(referenceExtract(vol, nx, ny, nz, b, -1f),
                    b.extract(vol, nx, ny, nz, -1f), 0f, b.toString());
        }
    }

    @Test
    void pasteChangesOnlyTheRefinedOrganInsideTheCrop() {
        SplittableRandom rnd = new SplittableRandom(7);
        int nx = 12;
        int ny = 10;
        int nz = 8;
        int organ = 2;
        for (int t = 0; t < 40; t++) {
            float[] labels = new float[nx * ny * nz];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rnd.nextInt(4);
            }
            CropBox b = new CropBox(rnd.nextInt(-4, nx), rnd.nextInt(-4, ny), rnd.nextInt(-4, nz),
                    1 + rnd.nextInt(10), 1 + rnd.nextInt(10), 1 + rnd.nextInt(8));
            float[] mask = new float[b.size()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = rnd.nextInt(2);
            }
            float[] expected = labels.clone();
            for (int z = 0; z < nz; z++) {
                for (int y = 0; y < ny; y++) {
                    for (int x = 0; x < nx; x++) {
                        int cx = x - b.x0();
                        int cy = y - b.y0();
                        int cz = z - b.z0();
                        boolean inside = cx >= 0 && cx < b.w() && cy >= 0 && cy < b.h()
                                && cz >= 0 && cz < b.d();
                        int i = (z * ny + y) * nx + x;
                        boolean mine = labels[i] == organ || labels[i] == 0;
                        if (inside && mine) {
                            expected[i] = mask[(cz * b.h() + cy) * b.w() + cx] == 1 ? organ : 0;
                        }
                    }
                }
            }
            float[] got = labels.clone();
            b.paste(got, nx, ny, nz, mask, organ);
            assertArrayEquals(expected, got, 0f, b.toString());
        }
    }

    @Test
    void trainingCropsPutTheOrganAtVariedPositionsInsideTheDoubleArea() {
        int[] size = {32, 24, 16};
        int[] area = RefineSource.doubleArea(size);
        int[] n = {200, 150, 100};
        int[] c = {90, 70, 45};
        SplittableRandom rnd = new SplittableRandom(11);
        int draws = 4000;
        int[][] hist = new int[3][4];
        int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
        int[] hi = {-1, -1, -1};
        int centred = 0;
        double[] mean = new double[3];
        for (int t = 0; t < draws; t++) {
            CropBox b = CropBox.randomAround(c, size, area, n[0], n[1], n[2], rnd);
            int[] start = {b.x0(), b.y0(), b.z0()};
            boolean middle = true;
            for (int a = 0; a < 3; a++) {
                int areaStart = c[a] - size[a];
                assertTrue(start[a] >= areaStart && start[a] + size[a] <= areaStart + area[a],
                        b + " inside the area of " + area[a] + " around " + c[a]);
                int u = c[a] - start[a];
                lo[a] = Math.min(lo[a], u);
                hi[a] = Math.max(hi[a], u);
                mean[a] += u / (double) draws;
                hist[a][Math.min(3, u * 4 / size[a])]++;
                middle &= u == size[a] / 2;
            }
            centred += middle ? 1 : 0;
        }
        for (int a = 0; a < 3; a++) {
            assertEquals(0, lo[a], "axis " + a + ": centre at the crop's first voxel");
            assertEquals(size[a], hi[a], "axis " + a + ": centre one past the crop's end");
            assertEquals(size[a] / 2.0, mean[a], 0.05 * size[a], "axis " + a + " mean");
            for (int q = 0; q < 4; q++) {
                assertTrue(hist[a][q] > 0.17 * draws && hist[a][q] < 0.33 * draws,
                        "axis " + a + " quarter " + q + ": " + hist[a][q] + " of " + draws);
            }
        }
        assertTrue(centred < 0.01 * draws, centred + " crops exactly centred");
    }

    @Test
    void trainingCropsNearTheEdgeStayInsideTheVolume() {
        int[] size = {32, 32, 32};
        int[] area = {64, 64, 64};
        int[] n = {64, 48, 40};
        SplittableRandom rnd = new SplittableRandom(13);
        for (int t = 0; t < 1000; t++) {
            int[] c = {rnd.nextInt(n[0]), rnd.nextInt(n[1]), rnd.nextInt(n[2])};
            CropBox b = CropBox.randomAround(c, size, area, n[0], n[1], n[2], rnd);
            int[] start = {b.x0(), b.y0(), b.z0()};
            for (int a = 0; a < 3; a++) {
                assertTrue(start[a] >= 0 && start[a] + size[a] <= n[a], b + " in volume");
                assertTrue(start[a] >= c[a] - size[a] && start[a] <= c[a],
                        b + " around " + java.util.Arrays.toString(c));
            }
        }
    }

    @Test
    void badSizesAreRefusedWithTheirValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> CropBox.randomAround(
                new int[] {5, 5, 5}, new int[] {8, 8, 8}, new int[] {16, 4, 16}, 20, 20, 20,
                new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("[16, 4, 16]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CropBox.centredAt(
                new int[] {1, 1, 1}, new int[] {8, 0, 8}, 20, 20, 20));
        assertTrue(e.getMessage().contains("[8, 0, 8]"), e.getMessage());
    }

    static float[] ramp(int nx, int ny, int nz) {
        float[] v = new float[nx * ny * nz];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        return v;
    }

    /** Box voxels by coordinates, pad outside. */
    static float[] referenceExtract(float[] vol, int nx, int ny, int nz, CropBox b, float pad) {
        float[] out = new float[b.size()];
        for (int z = 0; z < b.d(); z++) {
            for (int y = 0; y < b.h(); y++) {
                for (int x = 0; x < b.w(); x++) {
                    int vx = b.x0() + x;
                    int vy = b.y0() + y;
                    int vz = b.z0() + z;
                    boolean in = vx >= 0 && vx < nx && vy >= 0 && vy < ny && vz >= 0 && vz < nz;
                    out[(z * b.h() + y) * b.w() + x] = in ? vol[(vz * ny + vy) * nx + vx] : pad;
                }
            }
        }
        return out;
    }
}
