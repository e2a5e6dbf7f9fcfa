package vox.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    private static final String HEAD = "step,loss,loss_stage1,loss_stage2,lr,step_seconds,"
            + "val_mean_dice,val_dice_a\n";

    @Test
    void repeatedStepsKeepTheirLastRow(@TempDir Path tmp) throws Exception {
        Path csv = tmp.resolve("metrics.csv");
        Files.writeString(csv, HEAD
                + "1,0.9,0,0,0.1,1,,\n"
                + "2,0.8,0,0,0.1,1,0.2,0.2\n"
                + "3,0.7,0,0,0.1,1,,\n"
                + "3,0.75,0,0,0.1,1,,\n"
                + "4,0.6,0,0,0.1,1,0.4,0.4\n");
        Plots.Curves c = Plots.read(csv, "run");
        assertArrayEquals(new double[] {1, 2, 3, 4}, c.steps());
        assertArrayEquals(new double[] {0.9, 0.8, 0.75, 0.6}, c.loss(), 0);
        assertArrayEquals(new double[] {2, 4}, c.valSteps());
        assertArrayEquals(new double[] {0.2, 0.4}, c.valDice(), 0);
    }

    @Test
    void meanAveragesTheRunsThatReachedAStep() {
        Plots.Curves a = new Plots.Curves("a", new double[] {1, 2, 3}, new double[] {1, 2, 3},
                new double[] {2}, new double[] {0.5});
        Plots.Curves b = new Plots.Curves("b", new double[] {1, 2}, new double[] {3, 4},
                new double[] {2}, new double[] {0.7});
        Plots.Curves m = Plots.mean("m", List.of(a, b));
        assertArrayEquals(new double[] {1, 2, 3}, m.steps());
        assertArrayEquals(new double[] {2, 3, 3}, m.loss(), 1e-12);
        assertArrayEquals(new double[] {0.6}, m.valDice(), 1e-12);
    }

    @Test
    void smoothingIsATrailingMean() {
        assertArrayEquals(new double[] {1, 1.5, 2, 3, 4},
                Plots.smooth(new double[] {1, 2, 3, 4, 5}, 3), 1e-12);
    }

    @Test
    void chartIsWrittenAtTheAskedSize(@TempDir Path tmp) throws Exception {
        Plots.Curves a = new Plots.Curves("a", new double[] {1, 2, 3}, new double[] {1, 0.8, 0.6},
                new double[] {3}, new double[] {0.5});
        Path png = tmp.resolve("p/c.png");
        Plots.write(png, "title", List.of(a), 640, 480);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(480, img.getHeight());
        var e = assertThrows(java.io.IOException.class, () -> {
            Path bad = tmp.resolve("bad.csv");
            Files.writeString(bad, "a,b\n1,2\n");
            Plots.read(bad, "x");
        });
        assertTrue(e.getMessage().contains("step, loss and val_mean_dice"), e.getMessage());
    }
}
