package vox.backend.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.BinaryOp;
import vox.backend.UnaryOp;
import vox.backend.cpu.CpuBackend;
import vox.ops.Arith;
import vox.ops.Conv;
import vox.tensor.Device;
import vox.tensor.Shape;
import vox.tensor.Tensor;

class ProfilerTest {

    @AfterEach
    void off() {
        Profiler.stop();
        Profiler.logKernels(false);
    }

    @Test
    void profilingOffAddsNoWrapper() {
        assertFalse(Profiler.active());
        assertInstanceOf(CpuBackend.class, Backends.cpu());
        assertInstanceOf(CpuBackend.class, Backends.of(Device.CPU));
        assertInstanceOf(CpuBackend.class, Backends.select("cpu"));
        OpContext.forward("conv3d");
        assertSame(OpContext.NONE, OpContext.current(), "labels are not kept while off");
        assertEquals(null, OpContext.enterBackward("conv3d"));
    }

    @Test
    void profilingOnWrapsEveryWayToTheBackend() {
        Profiler.start();
        Backend a = Backends.cpu();
        assertInstanceOf(ProfilingBackend.class, a);
        assertSame(a, Backends.of(Device.CPU));
        assertSame(a, Backends.select("cpu"));
        assertInstanceOf(CpuBackend.class, ((ProfilingBackend) a).inner());
        Profiler.stop();
        assertInstanceOf(CpuBackend.class, Backends.of(Device.CPU));
    }

    @Test
    void launchesAreLabelledWithTheOpForwardAndBackward() {
        Profile p = Profiler.start();
        Backend be = Backends.cpu();
        Tensor x = be.zeros(Shape.of(1, 2, 3, 3, 3)).requiresGrad(true);
        Tensor w = be.zeros(Shape.of(2, 2, 3, 3, 3)).requiresGrad(true);
        Tensor y = Conv.conv3d(x, w, null, new int[] {1}, new int[] {1});
        Autograd.backward(Arith.sum(y));
        be.fill(x, 1f); // after backward: outside any op
        Profiler.stop();

        List<String> seen = new ArrayList<>();
        for (Launch l : p.traced()) {
            seen.add(l.label().op() + ":" + l.primitive());
        }
        assertTrue(seen.contains("conv3d:conv3dForward"), seen.toString());
        assertTrue(seen.contains("conv3d.backward:conv3dBackwardData"), seen.toString());
        assertTrue(seen.contains("conv3d.backward:conv3dBackwardWeight"), seen.toString());
        assertEquals("-:fill", seen.get(seen.size() - 1));
        for (Launch l : p.traced()) {
            assertEquals(l.label().op().endsWith(".backward")
                    || l.label() == OpContext.ACCUMULATE, l.label().backward(), l.toString());
        }
    }

    @Test
    void traceHasOneCompleteEventPerLaunch(@TempDir Path tmp) throws Exception {
        Profile p = Profiler.start();
        Backend be = Backends.cpu();
        Profiler.stepBegin(1);
        Tensor a = be.fromArray(Shape.of(2, 3), new float[] {1, 2, 3, 4, 5, 6});
        Tensor b = be.empty(Shape.of(2, 3));
        OpContext.forward("myop");
        be.unary(UnaryOp.EXP, a, b);
        Object token = OpContext.enterBackward("myop");
        be.binary(BinaryOp.MUL, a, b, b);
        OpContext.exit(token);
        be.axpby(2f, a, 1f, b);
        Profiler.stepEnd();
        be.fill(a, 0f);
        Profiler.stop();

        Path file = tmp.resolve("trace.json");
        ChromeTrace.write(p, file);
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        JsonArray events = root.getAsJsonArray("traceEvents");
        List<JsonObject> kernels = new ArrayList<>();
        int steps = 0;
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            if (!o.get("ph").getAsString().equals("X")) {
                continue;
            }
            if (o.get("cat").getAsString().equals(ChromeTrace.STEP_CATEGORY)) {
                steps++;
            } else {
                kernels.add(o);
            }
        }
        assertEquals(1, steps);
        assertEquals(5, p.launches());
        assertEquals(5, kernels.size());
        String[] names = {"fromArray", "unary.exp", "binary.mul", "axpby", "fill"};
        String[] ops = {"-", "myop", "myop.backward", "myop", "-"};
        String[] cats = {"other", "forward", "backward", "forward", "other"};
        for (int i = 0; i < names.length; i++) {
            JsonObject k = kernels.get(i);
            assertEquals(names[i], k.get("name").getAsString());
            assertEquals(cats[i], k.get("cat").getAsString());
            assertEquals(ops[i], k.getAsJsonObject("args").get("op").getAsString());
            assertTrue(k.get("dur").getAsDouble() >= 0);
            assertNotNull(k.get("tid"));
        }
        // The fill ran after the step: it is outside the table.
        assertEquals(1, p.outsideSteps().calls());
        long inTable = p.perOp().stream().mapToLong(Profile.Totals::calls).sum();
        assertEquals(4, inTable);
    }

    @Test
    void traceKeepsAtMostItsLimit() {
        Profile p = Profiler.start(2);
        Backend be = Backends.cpu();
        Tensor a = be.empty(Shape.of(4));
        for (int i = 0; i < 5; i++) {
            be.fill(a, i);
        }
        Profiler.stop();
        assertEquals(2, p.traced().size());
        assertEquals(3, p.droppedFromTrace());
        assertEquals(5, p.perOp().get(0).calls());
    }

    @Test
    void deviceEventsGiveTheTimeWhenTheBackendHasThem() {
        CpuBackend cpu = (CpuBackend) Backends.cpu();
        long[] timed = new long[1];
        Backend timedBackend = (Backend) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {Backend.class, EventTiming.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("timeOnDevice")) {
                        ((Runnable) args[0]).run();
                        timed[0]++;
                        return 7_000_000L;
                    }
                    if (method.getName().equals("queueName")) {
                        return "queue 3";
                    }
                    try {
                        return method.invoke(cpu, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Profile p = Profiler.start();
        ProfilingBackend be = new ProfilingBackend(timedBackend);
        Tensor a = cpu.zeros(Shape.of(1000));
        be.unary(UnaryOp.NEG, a, a);
        Profiler.stop();
        assertEquals(1, timed[0]);
        Launch l = p.traced().get(0);
        assertEquals(7_000_000L, l.durationNs());
        assertEquals("cpu queue 3", l.track());
        assertEquals(1000.0 / 7_000_000, l.gflops(), 1e-15);
    }

    @Test
    void kernelLogWritesOneLinePerLaunch() {
        List<LogRecord> lines = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("vox.kernels");
        log.addHandler(h);
        try {
            Profiler.logKernels(true);
            assertTrue(Profiler.active());
            assertEquals(null, Profiler.current(), "logging alone records no profile");
            Backend be = Backends.cpu();
            Tensor a = be.zeros(Shape.of(1, 2, 2, 2, 4));
            be.softmaxChannels(a, a);
            be.sum(a, be.empty(Shape.of(1)));
        } finally {
            log.removeHandler(h);
        }
        assertEquals(3, lines.size(), "zeros, softmax, sum");
        String line = lines.get(1).getMessage();
        assertTrue(line.startsWith("kernel softmaxChannels"), line);
        assertTrue(line.contains("x(1,2,2,2,4)") && line.contains(" ms ")
                && line.contains("GFLOP/s") && line.contains("GB/s"), line);
    }

    @Test
    void tableShowsRatesSharesAndRoofs() {
        Profile p = new Profile(10);
        p.stepBegin(1);
        OpContext.Label conv = new OpContext.Label("conv3d", false);
        OpContext.Label convBack = new OpContext.Label("conv3d.backward", true);
        // 2 ms and 4e9 FLOP: 2000 GFLOP/s; 1 ms and 1e6 bytes: 1 GB/s.
        p.add(new Launch("conv3dForward", conv, Device.CPU, "cpu", "", 0, 2_000_000, 4e9, 0,
                0, 0));
        p.add(new Launch("conv3dBackwardData", convBack, Device.CPU, "cpu", "", 0, 1_000_000,
                0, 1e6, 0, 0));
        p.add(new Launch("conv3dForward", conv, Device.CPU, "cpu", "", 0, 2_000_000, 4e9, 0,
                0, 5L << 20));
        p.stepEnd();
        String t = ProfileReport.table(p, new Peaks(4000, 10, "test roofs"));
        assertTrue(t.contains("Allocator peak 5.0 MiB"), t);
        String fwd = line(t, "conv3dForward");
        // 2 calls, 4 ms, 2 ms each, 2000 GFLOP/s = 50% of the 4000 GFLOP/s roof
        assertTrue(fwd.matches(".*conv3d +conv3dForward +2 +4\\.00 +2\\.000 .*"), fwd);
        assertTrue(fwd.contains("2000.00") && fwd.endsWith("50.0 F"), fwd);
        String bwd = line(t, "conv3dBackwardData");
        assertTrue(bwd.contains(" 1.00 ") && bwd.endsWith("10.0 B"), bwd);
        assertTrue(t.indexOf("Forward") < t.indexOf("conv3dForward")
                && t.indexOf("Backward") < t.indexOf("conv3dBackwardData")
                && t.indexOf("conv3dForward") < t.indexOf("Backward"), t);
    }

    private static String line(String text, String containing) {
        for (String l : text.split("\n")) {
            if (l.contains(containing)) {
                return l.strip();
            }
        }
        throw new AssertionError("no line with " + containing + " in\n" + text);
    }
}
