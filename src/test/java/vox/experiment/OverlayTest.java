package vox.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vox.data.Volume;

class OverlayTest {
    private static final int NX = 6;
    private static final int NY = 5;
    private static final int NZ = 4;
    private static final double[] SPACING = {1, 1, 2};

    // Soft-tissue grey of 40 HU: 255 * 200 / 400 = 127.5, rounded to 128.
    private static final int GREY = 0x808080;
    // Colours mixed half and half with grey 128, worked out by hand.
    private static final int ORGAN1 = 0x40c040;     // 0x00ff00
    private static final int ORGAN2 = 0xc05858;     // 0xff3030
    private static final int ORGAN3 = 0x40c0c0;     // 0x00ffff
    private static final int AGREE = 0x40c040;      // 0x00ff00
    private static final int FP = 0xc04040;         // 0xff0000
    private static final int FN = 0x4070c0;         // 0x0060ff
    private static final int WRONG = 0xc0c040;      // 0xffff00

    private static int at(int x, int y, int z) {
        return (z * NY + y) * NX + x;
    }

    private static Volume volume(float[] v, double[][] affine) {
        return new Volume(NX, NY, NZ, v, SPACING, affine);
    }

    private static double[][] diag(double a, double b, double c) {
        return new double[][] {{a, 0, 0, 0}, {0, b, 0, 0}, {0, 0, c, 0}, {0, 0, 0, 1}};
    }

    /** CT of 40 HU with a bright and a dark voxel; four labelled voxels in slice 3. */
    private static Volume[] scene(double[][] affine) {
        float[] ct = new float[NX * NY * NZ];
        java.util.Arrays.fill(ct, 40);
        ct[at(0, 0, 3)] = 1000;
        ct[at(5, 4, 3)] = -1000;
        float[] pred = new float[ct.length];
        float[] truth = new float[ct.length];
        pred[at(1, 2, 3)] = 1;
        truth[at(1, 2, 3)] = 1;
        pred[at(4, 2, 3)] = 2;
        truth[at(2, 3, 3)] = 3;
        pred[at(3, 1, 3)] = 1;
        truth[at(3, 1, 3)] = 2;
        return new Volume[] {volume(ct, affine), volume(pred, affine), volume(truth, affine)};
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xffffff;
    }

    @Test
    void axialPanelsShowPredictionTruthAndDifferencesAtTheirVoxels() {
        Volume[] s = scene(diag(1, 1, 2));
        BufferedImage img = Overlay.render(Overlay.View.AXIAL, s[0], s[1], s[2],
                Overlay.SOFT_TISSUE, new int[] {2, 2, 3}, 0);
        assertEquals(3 * NX + 2 * Overlay.GAP, img.getWidth());
        assertEquals(NY, img.getHeight());
        // RAS+ axes: x and y are drawn reversed (patient's right on the left,
        // anterior up), so voxel (x, y) is pixel (NX-1-x, NY-1-y).
        int p = NX + Overlay.GAP;
        assertEquals(ORGAN1, rgb(img, 4, 2));
        assertEquals(ORGAN1, rgb(img, p + 4, 2));
        assertEquals(AGREE, rgb(img, 2 * p + 4, 2));
        assertEquals(ORGAN2, rgb(img, 1, 2));
        assertEquals(GREY, rgb(img, p + 1, 2));
        assertEquals(FP, rgb(img, 2 * p + 1, 2));
        assertEquals(GREY, rgb(img, 3, 1));
        assertEquals(ORGAN3, rgb(img, p + 3, 1));
        assertEquals(FN, rgb(img, 2 * p + 3, 1));
        assertEquals(ORGAN1, rgb(img, 2, 3));
        assertEquals(ORGAN2, rgb(img, p + 2, 3));
        assertEquals(WRONG, rgb(img, 2 * p + 2, 3));
        assertEquals(0xffffff, rgb(img, 5, 4), "1000 HU is white");
        assertEquals(0x000000, rgb(img, 0, 0), "-1000 HU is black");
        assertEquals(0x202020, rgb(img, NX, 0), "gap");
    }

    @Test
    void voxelOrderIsKeptWhenTheAffineAlreadyPointsLeftAndBack() {
        Volume[] s = scene(diag(-1, -1, 2));
        BufferedImage img = Overlay.render(Overlay.View.AXIAL, s[0], s[1], null,
                Overlay.SOFT_TISSUE, new int[] {0, 0, 3}, 0);
        assertEquals(2 * NX + Overlay.GAP, img.getWidth());
        int p = NX + Overlay.GAP;
        assertEquals(GREY, rgb(img, 1, 2), "left panel: the CT alone");
        assertEquals(ORGAN1, rgb(img, p + 1, 2));
        assertEquals(ORGAN2, rgb(img, p + 4, 2));
        assertEquals(0xffffff, rgb(img, 0, 0));
    }

    @Test
    void coronalAndSagittalViewsKeepMillimetresSquareWithSuperiorUp() {
        Volume[] s = scene(diag(1, 1, 2));
        int[] c = {2, 2, 3};
        BufferedImage cor = Overlay.render(Overlay.View.CORONAL, s[0], s[1], s[2],
                Overlay.SOFT_TISSUE, c, 0);
        // x across (6 px of 1 mm), z up (4 slices of 2 mm = 8 px), slice y = 2.
        assertEquals(3 * NX + 2 * Overlay.GAP, cor.getWidth());
        assertEquals(2 * NZ, cor.getHeight());
        int p = NX + Overlay.GAP;
        for (int row : new int[] {0, 1}) {
            assertEquals(AGREE, rgb(cor, 2 * p + 4, row), "voxel (1, 2, 3), row " + row);
            assertEquals(FP, rgb(cor, 2 * p + 1, row), "voxel (4, 2, 3), row " + row);
        }
        assertEquals(GREY, rgb(cor, 2 * p + 4, 2), "slice 2 holds no label");

        BufferedImage sag = Overlay.render(Overlay.View.SAGITTAL, s[0], s[1], s[2],
                Overlay.SOFT_TISSUE, c, 0);
        // y across reversed (anterior left), z up; slice x = 2 holds the FN voxel (2, 3, 3).
        assertEquals(3 * NY + 2 * Overlay.GAP, sag.getWidth());
        assertEquals(2 * NZ, sag.getHeight());
        int q = NY + Overlay.GAP;
        assertEquals(FN, rgb(sag, 2 * q + 1, 0));
        assertEquals(ORGAN3, rgb(sag, q + 1, 1));
        assertEquals(GREY, rgb(sag, 1, 1));
    }

    @Test
    void writtenFilesHaveTheDocumentedSizes(@TempDir Path tmp) throws Exception {
        Volume[] s = scene(diag(1, 1, 2));
        List<Path> files = Overlay.write(tmp, "case", s[0], s[1], s[2], Overlay.SOFT_TISSUE);
        assertEquals(List.of(tmp.resolve("case-axial.png"), tmp.resolve("case-coronal.png"),
                tmp.resolve("case-sagittal.png")), files);
        // Axial: long side 6 px -> factor ceil(256 / 6) = 43: 258 x 215 per panel.
        // Coronal: 6 x 8 px -> factor 32: 192 x 256. Sagittal: 5 x 8 px -> 160 x 256.
        int[][] want = {{3 * 258 + 8, 215}, {3 * 192 + 8, 256}, {3 * 160 + 8, 256}};
        for (int i = 0; i < 3; i++) {
            BufferedImage img = ImageIO.read(files.get(i).toFile());
            assertArrayEquals(want[i], new int[] {img.getWidth(), img.getHeight()},
                    files.get(i).toString());
        }
        BufferedImage axial = ImageIO.read(files.get(0).toFile());
        // Voxel (1, 2, 3) covers pixels 43 * 4 .. 43 * 5 - 1 across, 43 * 2 .. down.
        assertEquals(AGREE, rgb(axial, 2 * (258 + 4) + 43 * 4 + 21, 43 * 2 + 21));
    }

    @Test
    void centreIsTheMeanOfLabelledVoxelsInEitherMap() {
        Volume[] s = scene(diag(1, 1, 2));
        // Voxels (1,2,3), (4,2,3), (2,3,3), (3,1,3): mean (2.5, 2, 3), x rounds to 3.
        assertArrayEquals(new int[] {3, 2, 3}, Overlay.centre(s[1], s[2]));
        assertArrayEquals(new int[] {3, 2, 3}, Overlay.centre(s[1], null),
                "(1,2,3), (4,2,3), (3,1,3): mean (2.67, 1.67, 3)");
        Volume empty = volume(new float[NX * NY * NZ], diag(1, 1, 1));
        assertArrayEquals(new int[] {3, 2, 2}, Overlay.centre(empty, null));
    }
}
