package vox.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vox.model.KernelMode;
import vox.model.ModelConfig;
import vox.model.SkipMode;

class TrainerTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static TrainConfig config(int steps) {
        ModelConfig m = new ModelConfig(1, 3, 4, 3, SkipMode.R_BLSC, KernelMode.MIXED, 2);
        return new TrainConfig(m, steps, 0.01f, 2, 42, 3, false, 1e-5f, "cpu");
    }

    @Test
    void resumeReproducesTheUninterruptedRunExactly(@TempDir Path tmp) throws Exception {
        TrainingSource src = new BallsSource(4, 8, 8);
        Path straight = tmp.resolve("straight");
        Path split = tmp.resolve("split");
        new Trainer(config(6), src, straight, QUIET).run(false);
        new Trainer(config(6), src, split, QUIET).run(false, 3);
        Trainer.Result r = new Trainer(config(6), src, split, QUIET).run(true);
        assertEquals(6, r.steps());

        SafeTensors.Contents a = SafeTensors.read(straight.resolve(Trainer.LAST));
        SafeTensors.Contents b = SafeTensors.read(split.resolve(Trainer.LAST));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        assertTrue(a.tensors().keySet().stream().anyMatch(k -> k.startsWith("adam.m.")));
        for (String k : a.tensors().keySet()) {
            assertArrayEquals(a.tensors().get(k).data(), b.tensors().get(k).data(), 0f, k);
        }
        assertEquals("6", b.metadata().get(Checkpoint.STEP));
        List<String> rows = Files.readAllLines(split.resolve("metrics.csv"));
        assertEquals(7, rows.size(), "header plus one row per step: " + rows);
        assertEquals(Files.readAllLines(straight.resolve("metrics.csv")).get(4).split(",")[1],
                rows.get(4).split(",")[1], "loss of step 4 after resuming");
    }

    @Test
    void nanLossStopsTheRunNamingStepAndOp(@TempDir Path tmp) {
        TrainingSource src = new BallsSource(4, 8, 8, 1f);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(config(4), src, tmp, QUIET).run(false));
        assertTrue(e.getMessage().contains("step 1"), e.getMessage());
        assertTrue(e.getMessage().contains("op '"), e.getMessage());
    }

    @Test
    void trainingLowersTheLoss(@TempDir Path tmp) throws Exception {
        TrainConfig cfg = config(30);
        new Trainer(cfg, new BallsSource(4, 8, 8), tmp, QUIET).run(false);
        List<String> rows = Files.readAllLines(tmp.resolve("metrics.csv"));
        double early = 0;
        double late = 0;
        for (int i = 1; i <= 5; i++) {
            early += Double.parseDouble(rows.get(i).split(",")[1]);
            late += Double.parseDouble(rows.get(rows.size() - i).split(",")[1]);
        }
        assertTrue(late < 0.8 * early, "loss went from " + early / 5 + " to " + late / 5);
    }

    @Test
    void checkpointOfAnotherModelIsRefusedByName(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("c.safetensors");
        SafeTensors.write(f, Map.of("w", new SafeTensors.Entry(new int[] {2},
                new float[] {1, 2})), Map.of());
        var model = new vox.model.CascadedVNet(vox.backend.Backends.cpu(),
                config(1).model(), 1);
        var e = assertThrows(java.io.IOException.class, () -> Checkpoint.load(f, model, null));
        assertTrue(e.getMessage().contains("no tensor 'stage1."), e.getMessage());
    }

    @Test
    void truncatedSafetensorsFileIsReported(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("t.safetensors");
        SafeTensors.write(f, Map.of("w", new SafeTensors.Entry(new int[] {3},
                new float[] {1, 2, 3})), Map.of("k", "v"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertArrayEquals(new float[] {1, 2, 3}, c.tensors().get("w").data());
        assertEquals("v", c.metadata().get("k"));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 4));
        var e = assertThrows(java.io.IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
    }
}
