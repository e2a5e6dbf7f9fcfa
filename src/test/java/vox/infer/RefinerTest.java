package vox.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.data.Volume;
import vox.model.CascadedVNet;
import vox.model.KernelMode;
import vox.model.ModelConfig;
import vox.model.SkipMode;
import vox.tensor.Shape;
import vox.train.InferenceSpec;
import vox.train.OrganLocator;
import vox.train.RefineSource;
import vox.train.TrainConfig;
import vox.train.Trainer;

class RefinerTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final int NX = 24;
    private static final int NY = 20;
    private static final int NZ = 12;

    private static ModelConfig tiny() {
        return new ModelConfig(1, 2, 2, 2, SkipMode.BASELINE, KernelMode.SMALL, 1);
    }

    /** Labels: organ 1 in a box, organ 2 in another, one stray organ-1 voxel. */
    private static float[] labels() {
        float[] l = new float[NX * NY * NZ];
        for (int z = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int x = 0; x < NX; x++) {
                    int i = (z * NY + y) * NX + x;
                    if (x >= 15 && x <= 20 && y >= 4 && y <= 9 && z >= 3 && z <= 8) {
                        l[i] = 1;
                    } else if (x >= 9 && x <= 14 && y >= 5 && y <= 12 && z >= 2 && z <= 9) {
                        l[i] = 2;
                    }
                }
            }
        }
        l[(11 * NY + 19) * NX] = 1;
        return l;
    }

    @Test
    void locatorIgnoresSpecksOnlyWhenAsked() {
        float[] l = labels();
        OrganLocator.Location loc = OrganLocator.locate(l, NX, NY, NZ, 1, true);
        assertArrayEquals(new int[] {15, 4, 3}, loc.min());
        assertArrayEquals(new int[] {20, 9, 8}, loc.max());
        assertArrayEquals(new int[] {17, 6, 5}, loc.boxCentre());
        assertEquals(216, loc.voxels());
        assertArrayEquals(new double[] {17.5, 6.5, 5.5}, loc.mass(), 1e-12);
        OrganLocator.Location all = OrganLocator.locate(l, NX, NY, NZ, 1, false);
        assertArrayEquals(new int[] {0, 4, 3}, all.min());
        assertArrayEquals(new int[] {20, 19, 11}, all.max());
        assertEquals(217, all.voxels());
        assertNull(OrganLocator.locate(l, NX, NY, NZ, 3, true));
    }

    @Test
    void refinementPastesTheNetworksMaskAtTheLocatedCropOnly() {
        Backend be = Backends.cpu();
        CascadedVNet net = new CascadedVNet(be, tiny(), 5);
        int[] crop = {8, 8, 8};
        Refiner refiner = new Refiner(List.of(new Refiner.Refinement("one", 1, net, crop)), be);
        SplittableRandom rnd = new SplittableRandom(9);
        float[] img = new float[NX * NY * NZ];
        for (int i = 0; i < img.length; i++) {
            img[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        Volume image = Volume.of(NX, NY, NZ, img, new double[] {1, 1, 1});
        float[] before = labels();
        float[] got = before.clone();
        List<Refiner.Outcome> out = refiner.refine(got, image);

        // Box centre (17, 6, 5) -> crop start (13, 2, 1), inside the volume.
        assertEquals(List.of(new Refiner.Outcome("one",
                new vox.train.CropBox(13, 2, 1, 8, 8, 8))), out);
        float[] x = new float[512];
        for (int z = 0; z < 8; z++) {
            for (int y = 0; y < 8; y++) {
                for (int c = 0; c < 8; c++) {
                    x[(z * 8 + y) * 8 + c] = img[((1 + z) * NY + 2 + y) * NX + 13 + c];
                }
            }
        }
        float[] mask = net.predictLabels(be.fromArray(Shape.of(1, 1, 8, 8, 8), x));
        int organInMask = 0;
        for (int z = 0; z < NZ; z++) {
            for (int y = 0; y < NY; y++) {
                for (int c = 0; c < NX; c++) {
                    int i = (z * NY + y) * NX + c;
                    boolean inCrop = c >= 13 && c < 21 && y >= 2 && y < 10 && z >= 1 && z < 9;
                    float want = before[i];
                    if (inCrop && (before[i] == 0 || before[i] == 1)) {
                        want = mask[((z - 1) * 8 + y - 2) * 8 + c - 13];
                        organInMask += (int) want;
                    }
                    assertEquals(want, got[i], 0f, "voxel " + c + "," + y + "," + z);
                }
            }
        }
        assertEquals(1f, got[(11 * NY + 19) * NX], 0f, "stray voxel outside the crop kept");
        assertTrue(organInMask > 0 && organInMask < 512, "the untrained network's mask is"
                + " mixed (" + organInMask + " organ voxels), so the check above means something");
    }

    @Test
    void absentOrganIsLeftAlone() {
        Backend be = Backends.cpu();
        Refiner refiner = new Refiner(List.of(new Refiner.Refinement("three", 3,
                new CascadedVNet(be, tiny(), 1), new int[] {8, 8, 8})), be);
        float[] l = labels();
        float[] got = l.clone();
        List<Refiner.Outcome> out = refiner.refine(got, Volume.of(NX, NY, NZ,
                new float[l.length], new double[] {1, 1, 1}));
        assertNull(out.get(0).crop());
        assertArrayEquals(l, got, 0f);
    }

    @Test
    void cropsThatDoNotFitTheNetworkAreRefused() {
        Backend be = Backends.cpu();
        CascadedVNet net = new CascadedVNet(be, tiny(), 1);
        var e = assertThrows(IllegalArgumentException.class,
                () -> new Refiner.Refinement("one", 1, net, new int[] {8, 7, 8}));
        assertTrue(e.getMessage().contains("[8, 7, 8]") && e.getMessage().contains("of 2"),
                e.getMessage());
    }

    @Test
    void checkpointOfARefinementRunLoadsForTheMatchingModelOnly(@TempDir Path tmp)
            throws Exception {
        int n = 16;
        RefineSource.Case c = new RefineSource.Case("c", () -> {
            float[] img = new float[n * n * n];
            float[] lab = new float[n * n * n];
            for (int i = 0; i < img.length; i++) {
                boolean in = Math.abs(i % n - 8) < 3 && Math.abs(i / n % n - 8) < 3;
                lab[i] = in ? 2 : 0;
                img[i] = in ? 0.5f : -0.5f;
            }
            double[] sp = {1, 1, 1};
            return new Volume[] {Volume.of(n, n, n, img, sp), Volume.of(n, n, n, lab, sp)};
        });
        InferenceSpec multi = new InferenceSpec(List.of("background", "a", "tube"), 350, 3,
                n, n, "none");
        RefineSource src = new RefineSource("tube", 2, List.of(c), List.of(c),
                new int[] {8, 8, 16}, new int[] {16, 16, 16}, multi, "test");
        TrainConfig cfg = new TrainConfig(tiny(), 1, 0.01f, 0, 3, 1, false, 1e-5f, "cpu");
        new Trainer(cfg, src, tmp, QUIET).run(false);
        Path ckpt = tmp.resolve(Trainer.LAST);

        Refiner r = Refiner.load(List.of(ckpt), multi, Backends.cpu());
        Refiner.Refinement one = r.refinements().get(0);
        assertEquals("tube", one.organ());
        assertEquals(2, one.label());
        assertArrayEquals(new int[] {8, 8, 16}, one.crop());

        InferenceSpec other = new InferenceSpec(List.of("background", "a"), 350, 3, n, n,
                "none");
        var e = assertThrows(IllegalArgumentException.class,
                () -> Refiner.load(List.of(ckpt), other, Backends.cpu()));
        assertTrue(e.getMessage().contains("'tube'"), e.getMessage());
        InferenceSpec clip = new InferenceSpec(multi.classNames(), 1000, 3, n, n, "none");
        e = assertThrows(IllegalArgumentException.class,
                () -> Refiner.load(List.of(ckpt), clip, Backends.cpu()));
        assertTrue(e.getMessage().contains("clip 350.0"), e.getMessage());
    }
}
