package vox.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vox.backend.profile.ChromeTrace;
import vox.backend.profile.Profile;
import vox.backend.profile.ProfileReport;
import vox.backend.profile.Profiler;
import vox.model.KernelMode;
import vox.model.ModelConfig;
import vox.model.SkipMode;

/** A profiled training run computes exactly what an unprofiled one does. */
class ProfiledTrainingTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @AfterEach
    void off() {
        Profiler.stop();
    }

    @Test
    void profiledRunGivesBitIdenticalWeightsAndACompleteTrace(@TempDir Path tmp)
            throws Exception {
        ModelConfig m = new ModelConfig(1, 3, 4, 3, SkipMode.R_BLSC, KernelMode.MIXED, 2);
        TrainConfig cfg = new TrainConfig(m, 3, 0.01f, 1, 7, 3, false, 1e-5f, "cpu");
        TrainingSource src = new BallsSource(4, 8, 8);
        Path plain = tmp.resolve("plain");
        Path profiled = tmp.resolve("profiled");

        new Trainer(cfg, src, plain, QUIET).run(false);
        Profile p = Profiler.start();
        try {
            new Trainer(cfg, src, profiled, QUIET).run(false);
        } finally {
            Profiler.stop();
        }

        // Weights and optimizer state: equal bit for bit.
        SafeTensors.Contents a = SafeTensors.read(plain.resolve(Trainer.LAST));
        SafeTensors.Contents b = SafeTensors.read(profiled.resolve(Trainer.LAST));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (String k : a.tensors().keySet()) {
            assertArrayEquals(bits(a.tensors().get(k).data()), bits(b.tensors().get(k).data()),
                    k);
        }

        // The table covers the three steps, forward and backward apart.
        assertEquals(3, p.steps().size());
        assertTrue(p.perOp().stream().anyMatch(t -> t.op().equals("conv3d")
                && t.primitive().equals("conv3dForward")));
        assertTrue(p.perOp().stream().anyMatch(t -> t.op().equals("conv3d.backward")
                && t.primitive().equals("conv3dBackwardWeight")));
        assertTrue(p.perOp().stream().anyMatch(t -> t.primitive().equals("adamStep")
                && t.section() == Profile.Section.OTHER));
        long inSteps = p.perOp().stream().mapToLong(Profile.Totals::calls).sum();
        assertEquals(p.launches(), inSteps + p.outsideSteps().calls());

        // The trace: one complete event per launch, all of them kept.
        ProfileReport.writeAll(p, null, profiled);
        JsonObject root = JsonParser.parseString(
                Files.readString(profiled.resolve(ProfileReport.TRACE))).getAsJsonObject();
        long kernels = 0;
        for (JsonElement e : root.getAsJsonArray("traceEvents")) {
            JsonObject o = e.getAsJsonObject();
            if (o.get("ph").getAsString().equals("X")
                    && !o.get("cat").getAsString().equals(ChromeTrace.STEP_CATEGORY)) {
                kernels++;
            }
        }
        assertEquals(0, p.droppedFromTrace());
        assertEquals(p.launches(), kernels);
        assertTrue(Files.readString(profiled.resolve(ProfileReport.TABLE))
                .contains("Kernel profile of 3 training steps"));
        assertTrue(Files.readAllLines(profiled.resolve(ProfileReport.CSV)).size() > 10);
    }

    private static int[] bits(float[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Float.floatToRawIntBits(a[i]);
        }
        return out;
    }
}
