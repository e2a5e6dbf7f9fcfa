package vox.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Coverage, overlaps, padding and contents of training blocks. */
class BlockSamplerTest {

    /** A label map with organ voxels only on slices first..last. */
    private static Volume labels(int nx, int ny, int nz, int first, int last) {
        float[] v = new float[nx * ny * nz];
        for (int z = first; z <= last; z++) {
            v[(z * ny + ny / 2) * nx + nx / 2] = 1 + z % 3;
        }
        return Volume.of(nx, ny, nz, v, new double[] {1, 1, 2.5});
    }

    private static Volume ramp(int nx, int ny, int nz) {
        float[] v = new float[nx * ny * nz];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.001f;
        }
        return Volume.of(nx, ny, nz, v, new double[] {1, 1, 2.5});
    }

    @Test
    void blocksCoverTheOrganSlicesPlusMarginWithBoundedOverlaps() {
        BlockSampler.Config cfg = new BlockSampler.Config(4, 4, 48, 8, 24, -1);
        BlockSampler s = new BlockSampler(cfg);
        Random cases = new Random(1);
        int minOverlap = Integer.MAX_VALUE;
        int maxOverlap = Integer.MIN_VALUE;
        for (int trial = 0; trial < 300; trial++) {
            int nz = 60 + cases.nextInt(300);
            int first = cases.nextInt(nz);
            int last = first + cases.nextInt(nz - first);
            Volume lab = labels(4, 4, nz, first, last);
            List<Integer> starts = s.plan(lab, new Random(trial));
            int lo = Math.max(0, first - 8);
            int hi = Math.min(nz - 1, last + 8);

            // every slice of lo..hi lies in some block
            for (int z = lo; z <= hi; z++) {
                boolean covered = false;
                for (int z0 : starts) {
                    covered |= z >= z0 && z < z0 + 48;
                }
                assertTrue(covered, "slice " + z + " uncovered, starts " + starts);
            }
            if (hi - lo + 1 > 48) {
                assertEquals(lo, starts.get(0));
                for (int i = 1; i < starts.size(); i++) {
                    int overlap = starts.get(i - 1) + 48 - starts.get(i);
                    assertTrue(overlap >= 0 && overlap <= 24, "overlap " + overlap);
                    minOverlap = Math.min(minOverlap, overlap);
                    maxOverlap = Math.max(maxOverlap, overlap);
                }
                // no block past the one that reaches hi
                int n = starts.size();
                assertTrue(starts.get(n - 1) + 47 >= hi);
                assertTrue(starts.get(n - 2) + 47 < hi);
            } else {
                assertEquals(1, starts.size());
                int z0 = starts.get(0);
                assertTrue(z0 >= 0 && z0 + 48 <= nz, "single block inside the volume");
            }
        }
        // the random overlaps use the whole range 0..24
        assertEquals(0, minOverlap);
        assertEquals(24, maxOverlap);
    }

    @Test
    void plansAreDeterministicPerSeed() {
        BlockSampler s = new BlockSampler(BlockSampler.Config.defaults());
        Volume lab = labels(2, 2, 400, 20, 380);
        assertEquals(s.plan(lab, new Random(5)), s.plan(lab, new Random(5)));
        assertNotEquals(s.plan(lab, new Random(5)), s.plan(lab, new Random(6)));
    }

    @Test
    void extractCopiesSlicesAndPadsOutside() {
        BlockSampler.Config cfg = new BlockSampler.Config(6, 3, 8, 0, 3, -1);
        BlockSampler s = new BlockSampler(cfg);
        Volume img = ramp(4, 5, 10);
        Volume lab = labels(4, 5, 10, 0, 9);
        for (int z0 : new int[] {-3, 0, 5}) {
            BlockSampler.Block b = s.extract(img, lab, z0);
            // in-plane: 4 -> 6 columns padded (x0 = -1), 5 -> 3 rows cropped (y0 = 1)
            assertEquals(-1, b.x0());
            assertEquals(1, b.y0());
            for (int z = 0; z < 8; z++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 6; x++) {
                        int sx = x - 1;
                        int sy = y + 1;
                        int sz = z + z0;
                        boolean in = sx >= 0 && sx < 4 && sz >= 0 && sz < 10;
                        float wantImg = in ? img.get(sx, sy, sz) : -1f;
                        float wantLab = in ? lab.get(sx, sy, sz) : 0f;
                        assertEquals(wantImg, b.image().get(x, y, z));
                        assertEquals(wantLab, b.label().get(x, y, z));
                    }
                }
            }
            // the block's affine puts its voxel (0,0,0) at the source's (x0,y0,z0)
            assertEquals(-1.0, b.image().affine()[0][3]);
            assertEquals(1.0, b.image().affine()[1][3]);
            assertEquals(2.5 * z0, b.image().affine()[2][3]);
        }
    }

    @Test
    void shortVolumesGiveOneCentredPaddedBlock() {
        BlockSampler s = new BlockSampler(new BlockSampler.Config(4, 4, 48, 8, 24, -1));
        Volume lab = labels(4, 4, 20, 5, 12);
        List<Integer> starts = s.plan(lab, new Random(1));
        assertEquals(List.of(-14), starts);
        List<BlockSampler.Block> blocks = s.sample(ramp(4, 4, 20), lab, new Random(1));
        assertEquals(1, blocks.size());
        BlockSampler.Block b = blocks.get(0);
        assertEquals(-1f, b.image().get(0, 0, 13));
        assertEquals(0f, b.image().get(0, 0, 14));
        assertEquals(ramp(4, 4, 20).get(3, 3, 19), b.image().get(3, 3, 33));
        assertEquals(-1f, b.image().get(0, 0, 34));
    }

    @Test
    void emptyLabelsGiveNoBlocksAndBlocksWithoutOrgansAreDropped() {
        BlockSampler s = new BlockSampler(new BlockSampler.Config(2, 2, 10, 0, 0, -1));
        assertEquals(List.of(), s.plan(labels(2, 2, 30, 0, -1), new Random(1)));
        // organs on slices 0..3 and 25..29, nothing in 10..19
        float[] v = new float[2 * 2 * 30];
        for (int z : new int[] {0, 3, 25, 29}) {
            v[z * 4] = 2;
        }
        Volume lab = Volume.of(2, 2, 30, v, new double[] {1, 1, 1});
        assertEquals(List.of(0, 10, 20), s.plan(lab, new Random(1)));
        List<BlockSampler.Block> blocks = s.sample(ramp(2, 2, 30), lab, new Random(1));
        assertEquals(List.of(0, 20), blocks.stream().map(BlockSampler.Block::z0).toList());
    }

    @Test
    void badConfigsAndGridsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> new BlockSampler.Config(4, 4, 24, 0, 24, -1));
        assertThrows(IllegalArgumentException.class,
                () -> new BlockSampler.Config(0, 4, 24, 0, 2, -1));
        BlockSampler s = new BlockSampler(BlockSampler.Config.defaults());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.sample(ramp(4, 4, 4), ramp(4, 4, 5), new Random(1)));
        assertTrue(e.getMessage().contains("4x4x5"), e.getMessage());
    }
}
