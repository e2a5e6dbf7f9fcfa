package vox.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import vox.data.Volume;
import vox.data.phantom.PhantomConfig;

class RefineSourceTest {
    private static final int N = 48;
    private static final InferenceSpec BASE = new InferenceSpec(
            List.of("background", "ball", "other"), 1000, 2.5, N, N, "none");

    /**
     * A case whose image value encodes its voxel position (so a crop's
     * origin can be read off its first voxel) and whose label 1 is a
     * small ball at {@code c}, label 2 a slab elsewhere.
     */
    private static RefineSource.Case ballCase(String id, int[] c, boolean withBall) {
        return new RefineSource.Case(id, () -> {
            float[] img = new float[N * N * N];
            float[] lab = new float[N * N * N];
            for (int z = 0; z < N; z++) {
                for (int y = 0; y < N; y++) {
                    for (int x = 0; x < N; x++) {
                        int i = (z * N + y) * N + x;
                        img[i] = x + 100 * y + 10_000 * z;
                        double d2 = (x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1])
                                + (z - c[2]) * (z - c[2]);
                        lab[i] = withBall && d2 <= 2.5 ? 1 : x < 4 ? 2 : 0;
                    }
                }
            }
            double[] sp = {1, 1, 1};
            return new Volume[] {Volume.of(N, N, N, img, sp), Volume.of(N, N, N, lab, sp)};
        });
    }

    private static int[] origin(Sample s) {
        int v = (int) s.image()[0];
        return new int[] {v % 100, (v / 100) % 100, v / 10_000};
    }

    @Test
    void trainingCropsHoldTheOrganOffCentreAndValidationCropsCentreIt() {
        int[] c = {24, 20, 26};
        int[] crop = {16, 16, 8};
        RefineSource src = new RefineSource("ball", 1, List.of(ballCase("a", c, true)),
                List.of(ballCase("v", c, true)), crop, RefineSource.doubleArea(crop), BASE,
                "test balls");
        assertEquals(List.of("background", "ball"), src.classNames());
        int draws = 400;
        int[][] seen = new int[3][];
        for (int a = 0; a < 3; a++) {
            seen[a] = new int[crop[a] + 1];
        }
        int middle = 0;
        for (int t = 0; t < draws; t++) {
            Sample s = src.trainingBlock(1000 + t);
            assertEquals(crop[2], s.d());
            assertEquals(crop[1], s.h());
            assertEquals(crop[0], s.w());
            int[] o = origin(s);
            int organVoxels = 0;
            for (float l : s.labels()) {
                assertTrue(l == 0 || l == 1, "two classes only, got " + l);
                organVoxels += (int) l;
            }
            assertTrue(organVoxels > 0, "crop at " + java.util.Arrays.toString(o)
                    + " holds the organ");
            boolean centred = true;
            for (int a = 0; a < 3; a++) {
                int u = c[a] - o[a];
                assertTrue(u >= 0 && u <= crop[a], "axis " + a + ": centre at " + u);
                seen[a][u]++;
                centred &= u == crop[a] / 2;
            }
            middle += centred ? 1 : 0;
        }
        for (int a = 0; a < 3; a++) {
            int positions = 0;
            for (int k : seen[a]) {
                positions += k > 0 ? 1 : 0;
            }
            assertTrue(positions >= crop[a] - 1, "axis " + a + ": the organ centre took only "
                    + positions + " of " + (crop[a] + 1) + " positions");
        }
        assertTrue(middle < draws / 20, middle + " of " + draws + " crops centred");
        assertEquals(src.trainingBlock(1234).id(), src.trainingBlock(1234).id(),
                "a crop is a function of its seed");

        Sample v = src.validationCases().get(0);
        int[] o = origin(v);
        for (int a = 0; a < 3; a++) {
            assertEquals(c[a] - crop[a] / 2, o[a], "validation crop axis " + a);
        }
    }

    @Test
    void casesWithoutTheOrganArePassedOverAndCheckpointsNameIt() {
        int[] c = {10, 30, 30};
        int[] crop = {16, 16, 16};
        RefineSource src = new RefineSource("ball", 1, List.of(ballCase("empty", c, false),
                ballCase("full", c, true)), List.of(ballCase("empty-v", c, false),
                ballCase("full-v", c, true)), crop, new int[] {32, 32, 16}, BASE, "test");
        for (int t = 0; t < 20; t++) {
            Sample s = src.trainingBlock(t);
            assertTrue(s.id().startsWith("full@"));
            int[] o = origin(s);
            int ball = 0;
            for (int i = 0; i < s.labels().length; i++) {
                float l = s.labels()[i];
                // The slab of label 2 (x < 4) is background for the ball's network.
                assertTrue(l == 0 || l == 1, "two classes only, got " + l);
                int x = o[0] + i % 16;
                int y = o[1] + i / 16 % 16;
                int z = o[2] + i / 256;
                double d2 = (x - c[0]) * (x - c[0]) + (y - c[1]) * (y - c[1])
                        + (z - c[2]) * (z - c[2]);
                assertEquals(d2 <= 2.5 ? 1f : 0f, l, 0f, "voxel " + x + "," + y + "," + z);
                ball += (int) l;
            }
            assertTrue(ball > 0);
        }
        assertEquals(1, src.validationCases().size());
        assertEquals("ball", src.metadata().get(RefineSource.ORGAN_KEY));
        assertEquals("16x16x16", src.metadata().get(RefineSource.CROP_KEY));
        assertEquals(List.of("background", "ball"), src.inferenceSpec().classNames());
        assertEquals(16, src.inferenceSpec().blockDepth());

        RefineSource none = new RefineSource("ball", 1, List.of(ballCase("e", c, false)),
                List.of(ballCase("f", c, true)), crop, crop, BASE, "test");
        var e = assertThrows(IllegalArgumentException.class, () -> none.trainingBlock(1));
        assertTrue(e.getMessage().contains("no training case holds label 1 (ball)"),
                e.getMessage());
    }

    @Test
    void unknownOrganAndSmallAreaAreRefusedClearly() {
        var e = assertThrows(IllegalArgumentException.class, () -> RefineSource.phantom(
                PhantomConfig.of(32, 32, 16, new double[] {6, 6, 8}), 1, 2, 1, "liver",
                new int[] {16, 16, 16}, new int[] {32, 32, 16}));
        assertTrue(e.getMessage().contains("'liver'") && e.getMessage().contains("esophagus"),
                e.getMessage());
        List<RefineSource.Case> one = new ArrayList<>(List.of(ballCase("a", new int[3], true)));
        e = assertThrows(IllegalArgumentException.class, () -> new RefineSource("ball", 1, one,
                one, new int[] {16, 16, 16}, new int[] {32, 8, 32}, BASE, "test"));
        assertTrue(e.getMessage().contains("[32, 8, 32]"), e.getMessage());
    }

    @Test
    void phantomCropsHoldTheEsophagus() {
        int[] crop = {16, 16, 16};
        RefineSource src = RefineSource.phantom(
                PhantomConfig.of(32, 32, 16, new double[] {6, 6, 8}), 3, 2, 1, "esophagus",
                crop, new int[] {32, 32, 16});
        assertEquals(1, src.label());
        int withOrgan = 0;
        for (int t = 0; t < 10; t++) {
            Sample s = src.trainingBlock(t);
            double sum = 0;
            for (float l : s.labels()) {
                sum += l;
            }
            withOrgan += sum > 0 ? 1 : 0;
            for (float x : s.image()) {
                assertTrue(x >= -1 && x <= 1, "scaled image value " + x);
            }
        }
        assertEquals(10, withOrgan);
    }
}
