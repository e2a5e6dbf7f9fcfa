package vox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import vox.data.Nifti;
import vox.data.Volume;
import vox.metrics.ScoreTable;

/**
 * The documented workflow on a small scale: write phantom cases in
 * SegTHOR's layout, train on them with --data, predict the folder, and
 * evaluate the predictions against the labels.
 */
class CliRoundTripTest {

    private static int run(String... args) {
        return Main.commandLine().execute(args);
    }

    @Test
    void phantomDatasetRoundTripsThroughTrainPredictEvaluate(@TempDir Path tmp)
            throws Exception {
        Path data = tmp.resolve("data");
        Path runDir = tmp.resolve("run");
        Path pred = tmp.resolve("pred");
        assertEquals(0, run("phantom", "--out", data.toString(), "--cases", "5",
                "--size", "32x32x16", "--spacing", "6x6x8"));
        assertTrue(Files.exists(data.resolve("Patient_03/GT.nii.gz")));

        assertEquals(0, run("train", "--dataset", "segthor", "--data", data.toString(),
                "--in-plane", "32", "--slice-spacing", "8", "--block", "32x32x16",
                "--width", "2", "--levels", "2", "--steps", "2", "--validate-every", "2",
                "--out", runDir.toString()));
        Path ckpt = runDir.resolve("checkpoint-last.safetensors");
        assertTrue(Files.exists(ckpt));
        assertTrue(Files.exists(runDir.resolve("metrics.csv")));

        assertEquals(0, run("predict", "--checkpoint", ckpt.toString(), "--input",
                data.toString(), "--output", pred.toString()));
        Volume ct = Nifti.read(data.resolve("Patient_02/Patient_02.nii.gz"));
        Volume seg = Nifti.read(pred.resolve("Patient_02.nii.gz"));
        assertEquals(List.of(ct.nx(), ct.ny(), ct.nz()), List.of(seg.nx(), seg.ny(), seg.nz()));
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(ct.affine()[r][c], seg.affine()[r][c], 1e-4, "affine kept");
            }
        }

        assertEquals(0, run("evaluate", "--pred", pred.toString(), "--truth",
                data.toString()));
        ScoreTable t = ScoreTable.readCsv(pred.resolve("scores.csv"));
        assertEquals(5, t.cases().size());
        assertEquals(List.of("esophagus", "heart", "trachea", "aorta"), t.organs());
    }

    @Test
    void badArgumentsGiveOneClearLine() {
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new java.io.PrintWriter(err, true));
        assertEquals(2, cli.execute("train", "--model", "nonsense"));
        assertTrue(err.toString().contains("--model nonsense"), err.toString());
    }
}
