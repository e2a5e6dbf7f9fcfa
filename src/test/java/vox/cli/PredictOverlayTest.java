package vox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import vox.data.Nifti;
import vox.data.NiftiDatatype;
import vox.data.Volume;
import vox.data.phantom.PhantomCase;
import vox.data.phantom.PhantomConfig;
import vox.data.phantom.ThoraxPhantom;
import vox.experiment.Overlay;
import vox.model.KernelMode;
import vox.model.ModelConfig;
import vox.model.SkipMode;
import vox.train.PhantomSource;
import vox.train.TrainConfig;
import vox.train.Trainer;

/** {@code vox predict --overlay DIR --truth FILE} on a tiny model and a coarse phantom. */
class PredictOverlayTest {

    @Test
    void overlayPicturesAreWrittenBesideThePrediction(@TempDir Path tmp) throws Exception {
        PhantomConfig grid = PhantomConfig.of(32, 32, 16, new double[] {6, 6, 8});
        ModelConfig m = new ModelConfig(1, 5, 2, 2, SkipMode.BASELINE, KernelMode.SMALL, 1);
        TrainConfig cfg = new TrainConfig(m, 1, 0.01f, 0, 1, 1, false, 1e-5f, "cpu");
        Path run = tmp.resolve("run");
        new Trainer(cfg, new PhantomSource(grid, 1, 1, 1), run,
                new PrintStream(OutputStream.nullOutputStream())).run(false);

        PhantomCase c = ThoraxPhantom.generate(99, grid);
        Path ct = tmp.resolve("case.nii.gz");
        Path gt = tmp.resolve("GT.nii.gz");
        Nifti.write(ct, c.image(), NiftiDatatype.INT16);
        Nifti.write(gt, c.labels(), NiftiDatatype.UINT8);
        Path pred = tmp.resolve("pred.nii.gz");
        Path pics = tmp.resolve("pics");
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("predict",
                "--checkpoint", run.resolve(Trainer.LAST).toString(), "--input", ct.toString(),
                "--output", pred.toString(), "--overlay", pics.toString(), "--truth",
                gt.toString());
        assertEquals(0, rc, err.toString());
        Volume labels = Nifti.read(pred);
        BufferedImage axial = ImageIO.read(pics.resolve("case-axial.png").toFile());
        // 32 voxels of 6 mm across: factor 8, three panels of 256 x 256.
        assertEquals(3 * 256 + 2 * Overlay.GAP, axial.getWidth());
        assertEquals(256, axial.getHeight());
        int[] centre = Overlay.centre(labels, c.labels());
        // The phantom's affine points left and back: voxel (x, y) is pixel (8x.., 8y..).
        int found = 0;
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int t = (int) c.labels().get(x, y, centre[2]);
                if (t != 0) {
                    int rgb = axial.getRGB(256 + Overlay.GAP + 8 * x + 4, 8 * y + 4) & 0xffffff;
                    int g = Overlay.grey(c.image().get(x, y, centre[2]), Overlay.SOFT_TISSUE);
                    assertEquals(Overlay.blend(g, Overlay.organColour(t)), rgb,
                            "truth panel at voxel " + x + ", " + y);
                    found++;
                }
            }
        }
        assertTrue(found > 20, "the centre slice shows organs (" + found + " voxels)");
        assertTrue(Files.isRegularFile(pics.resolve("case-coronal.png")));
        assertTrue(Files.isRegularFile(pics.resolve("case-sagittal.png")));

        rc = new CommandLine(new Main()).setErr(new PrintWriter(err)).execute("predict",
                "--checkpoint", run.resolve(Trainer.LAST).toString(), "--input", ct.toString(),
                "--output", pred.toString(), "--truth", gt.toString());
        assertTrue(err.toString().contains("goes with --overlay"), err.toString());
    }
}
