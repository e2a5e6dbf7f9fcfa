package vox.data.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomDatasetTest {
    private static final PhantomConfig TINY = PhantomConfig.covering(32, 32, 16);

    @Test
    void caseIUsesSeedBasePlusI() {
        PhantomDataset ds = new PhantomDataset(1000, 3, TINY);
        assertEquals(3, ds.size());
        for (int i = 0; i < ds.size(); i++) {
            PhantomCase c = ds.get(i);
            PhantomCase direct = ThoraxPhantom.generate(1000 + i, TINY);
            assertEquals(1000 + i, c.seed());
            assertEquals(1000 + i, ds.seed(i));
            assertArrayEquals(direct.image().voxels(), c.image().voxels());
            assertArrayEquals(direct.labels().voxels(), c.labels().voxels());
        }
        int n = 0;
        for (PhantomCase c : ds) {
            assertEquals(1000 + n, c.seed());
            n++;
        }
        assertEquals(3, n);
        assertEquals(TINY, ds.config());
        assertEquals(1000, ds.baseSeed());
    }

    @Test
    void outOfRangeAndBadArgumentsAreRejected() {
        PhantomDataset ds = new PhantomDataset(5, 2, TINY);
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(2));
        assertThrows(IndexOutOfBoundsException.class, () -> ds.get(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PhantomDataset(0, -1, TINY));
        assertTrue(e.getMessage().contains("count"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PhantomDataset(0, 1, null));
        assertEquals(0, new PhantomDataset(0, 0).size());
        assertEquals(PhantomConfig.DEFAULT, new PhantomDataset(0, 1).config());
    }

    @Test
    void previewSheetIsAReadablePng(@TempDir Path dir) throws Exception {
        PhantomCase c = ThoraxPhantom.generate(3, TINY);
        Path file = dir.resolve("sheet.png");
        PhantomPreview.write(c, file);
        assertTrue(Files.size(file) > 1000);
        BufferedImage img = ImageIO.read(file.toFile());
        double[] s = TINY.spacingMm();
        // five axial panels side by side, one pixel per millimetre
        assertEquals(5 * Math.round(32 * s[0]), img.getWidth());
        assertEquals(2 * Math.round(32 * s[1]) + Math.round(16 * s[2]), img.getHeight());
    }
}
