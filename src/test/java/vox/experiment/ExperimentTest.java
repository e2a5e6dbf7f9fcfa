package vox.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vox.metrics.ScoreTable;
import vox.train.PhantomSource;
import vox.train.Trainer;
import vox.data.phantom.PhantomConfig;

/** A whole (tiny) study on a coarse phantom: runs, resumes, skips, reports. */
class ExperimentTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static ExperimentConfig tiny(Path out, int steps) {
        String json = """
                {"name": "tiny", "output": "%s", "seeds": [3],
                 "data": {"kind": "phantom", "size": [32, 32, 16], "spacing": [6, 6, 8],
                          "trainCases": 2, "valCases": 1, "testCases": 2, "dataSeed": 4},
                 "train": {"steps": %d, "validateEvery": 2, "width": 2, "levels": 2,
                           "maxGroups": 1, "learningRate": 0.01},
                 "models": [{"name": "base", "skips": "BASELINE", "kernels": "SMALL"},
                            {"name": "base+refine", "from": "base", "refine": true}],
                 "refine": {"organs": ["esophagus"], "crop": [16, 16, 16],
                            "skips": "BASELINE", "kernels": "SMALL",
                            "train": {"steps": 2, "validateEvery": 2}},
                 "compare": [["base", "base+refine"]], "overlays": 1}
                """.formatted(out.toString().replace("\\", "/"), steps);
        return ExperimentConfig.parse(json, "tiny.json", "tiny");
    }

    private static List<String> events(List<Experiment.Event> ev, Experiment.Action a) {
        List<String> out = new ArrayList<>();
        for (Experiment.Event e : ev) {
            if (e.action() == a) {
                out.add(e.run());
            }
        }
        return out;
    }

    @Test
    void secondRunSkipsEverythingFinished(@TempDir Path tmp) throws Exception {
        Experiment exp = new Experiment(tiny(tmp, 4), QUIET);
        List<Experiment.Event> first = exp.run();
        assertEquals(List.of("base/f0-s3", "refine-esophagus/f0-s3"),
                events(first, Experiment.Action.TRAINED));
        assertEquals(List.of("base/f0-s3", "base+refine/f0-s3"),
                events(first, Experiment.Action.EVALUATED));

        Path results = exp.resultsDir();
        String summary = Files.readString(results.resolve("summary.md"));
        assertTrue(summary.contains("| organ | base | base+refine |"), summary);
        assertTrue(summary.contains("| base vs base+refine | dice | mean |"), summary);
        ScoreTable pooled = ScoreTable.readCsv(results.resolve("scores-base+refine.csv"));
        assertEquals(List.of("phantom-test-0@s3", "phantom-test-1@s3"), pooled.cases());
        for (String png : new String[] {"models.png", "base.png", "refine-esophagus.png"}) {
            assertTrue(ImageIO.read(results.resolve("plots").resolve(png).toFile())
                    .getWidth() > 100, png);
        }
        Path runDir = exp.runDir("base+refine", 0, 3);
        assertTrue(Files.isRegularFile(runDir.resolve("pred/phantom-test-1.nii.gz")));
        assertTrue(Files.isRegularFile(runDir.resolve("overlay/phantom-test-0-axial.png")));

        Path ckpt = exp.runDir("base", 0, 3).resolve(Trainer.LAST);
        FileTime trained = Files.getLastModifiedTime(ckpt);
        Path scores = runDir.resolve(Experiment.SCORES);
        FileTime evaluated = Files.getLastModifiedTime(scores);
        List<Experiment.Event> second = new Experiment(tiny(tmp, 4), QUIET).run();
        assertEquals(List.of("base/f0-s3", "refine-esophagus/f0-s3"),
                events(second, Experiment.Action.ALREADY_TRAINED));
        assertEquals(List.of("base/f0-s3", "base+refine/f0-s3"),
                events(second, Experiment.Action.ALREADY_EVALUATED));
        assertEquals(4, second.size(), second.toString());
        assertEquals(trained, Files.getLastModifiedTime(ckpt));
        assertEquals(evaluated, Files.getLastModifiedTime(scores));
    }

    @Test
    void interruptedTrainingResumesFromItsCheckpoint(@TempDir Path tmp) throws Exception {
        Experiment exp = new Experiment(tiny(tmp, 4), QUIET);
        ExperimentConfig cfg = exp.config();
        // An earlier invocation stopped after step 3; its checkpoint is from step 2.
        Path dir = exp.runDir("base", 0, 3);
        var tc = exp.multiConfig(cfg.model("base"), 3, 5);
        var src = new PhantomSource(PhantomConfig.of(32, 32, 16, new double[] {6, 6, 8}), 4,
                2, 1);
        new Trainer(tc, src, dir, QUIET).run(false, 2);
        Files.writeString(dir.resolve("metrics.csv"), "3,0.9,0.9,0.9,0.01,0.1,,,,,\n",
                java.nio.file.StandardOpenOption.APPEND);
        assertEquals("2", exp.plan().lines().filter(l -> l.startsWith("base "))
                .findFirst().orElseThrow().replaceAll(".*trained +(\\d+)/4", "$1"));

        List<Experiment.Event> ev = exp.run();
        assertEquals(List.of("base/f0-s3"), events(ev, Experiment.Action.RESUMED));
        List<String> rows = Files.readAllLines(dir.resolve("metrics.csv"));
        List<String> steps = new ArrayList<>();
        for (String r : rows.subList(1, rows.size())) {
            steps.add(r.split(",")[0]);
        }
        assertEquals(List.of("1", "2", "3", "4"), steps, "each step once");
        assertEquals(4, Experiment.checkpointStep(dir));
    }

    @Test
    void runFolderOfAnotherConfigIsRefused(@TempDir Path tmp) throws Exception {
        Experiment two = new Experiment(tiny(tmp, 2), QUIET);
        var tc = two.multiConfig(two.config().model("base"), 3, 5);
        new Trainer(tc, new PhantomSource(PhantomConfig.of(32, 32, 16,
                new double[] {6, 6, 8}), 4, 2, 1), two.runDir("base", 0, 3), QUIET).run(false);
        var e = assertThrows(IllegalStateException.class,
                () -> new Experiment(tiny(tmp, 4), QUIET).run());
        assertTrue(e.getMessage().contains("base" + java.io.File.separator + "f0-s3 holds a run"
                + " trained with another config"), e.getMessage());
    }
}
