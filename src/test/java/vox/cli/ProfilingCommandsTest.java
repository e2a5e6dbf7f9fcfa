package vox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.profile.ProfileReport;
import vox.backend.profile.Profiler;
import vox.ops.Arith;
import vox.ops.Conv;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** {@code vox bench --json}, and the profiling flags of {@code vox train}. */
class ProfilingCommandsTest {

    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = new CommandLine(new Main()).execute(args);
            assertEquals(0, code, "exit code of vox " + String.join(" ", args));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void benchPrintsOneTableAndWritesTheSameAsJson(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("bench.json");
        String table = run("bench", "--block", "8x8x4", "--width", "2", "--levels", "2",
                "--runs", "1", "--no-train-step", "--json", json.toString());
        String text = Files.readString(json);
        assertFalse(text.contains("NaN") || text.contains("Infinity"), "strict JSON: " + text);
        JsonObject root = JsonParser.parseString(text).getAsJsonObject();
        JsonArray rows = root.getAsJsonArray("rows");
        assertEquals(3 + 3 + 2, rows.size(), "two roofs and three rows per level");
        JsonObject peak = rows.get(0).getAsJsonObject();
        assertEquals("fp32 fma peak", peak.get("name").getAsString());
        assertTrue(peak.get("ms").isJsonNull(), peak.toString());
        assertEquals(peak.get("gflops").getAsDouble(),
                root.getAsJsonObject("peaks").get("gflops").getAsDouble());
        for (int i = 0; i < rows.size(); i++) {
            String name = rows.get(i).getAsJsonObject().get("name").getAsString();
            assertTrue(table.contains(name), name + " missing from\n" + table);
        }
        JsonObject conv = rows.get(2).getAsJsonObject();
        assertTrue(conv.get("roof").getAsDouble() > 0, conv.toString());
    }

    @Test
    void trainTakesTheProfilingFlags() {
        TrainCommand t = new TrainCommand();
        new CommandLine(t).parseArgs("--profile", "--log-kernels");
        assertTrue(t.profile && t.logKernels);
        TrainCommand plain = new TrainCommand();
        new CommandLine(plain).parseArgs();
        assertFalse(plain.profile || plain.logKernels);
    }

    @Test
    void profilingWritesTableCsvAndTraceIntoTheRunFolder(@TempDir Path tmp) throws Exception {
        Profiling p = Profiling.begin(true, false);
        assertTrue(Profiler.active());
        Backend be = Backends.cpu();
        Profiler.stepBegin(1);
        Tensor x = be.zeros(Shape.of(1, 2, 4, 4, 4)).requiresGrad(true);
        Tensor w = be.zeros(Shape.of(2, 2, 3, 3, 3)).requiresGrad(true);
        Autograd.backward(Arith.sum(Conv.conv3d(x, w, null, new int[] {1}, new int[] {1})));
        Profiler.stepEnd();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.finish(tmp, new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);

        assertFalse(Profiler.active(), "the profiler is off afterwards");
        assertTrue(text.contains("Kernel profile of 1 training steps"), text);
        assertTrue(text.contains("conv3d.backward") && text.contains("Roofs: "), text);
        assertEquals(Files.readString(tmp.resolve(ProfileReport.TABLE)).strip(),
                text.substring(0, text.indexOf("Wrote ")).strip());
        assertTrue(Files.readString(tmp.resolve(ProfileReport.CSV)).contains("conv3dForward"));
        JsonParser.parseString(Files.readString(tmp.resolve(ProfileReport.TRACE)));
    }
}
