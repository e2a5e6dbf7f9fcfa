package vox.backend.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.BinaryOp;
import vox.backend.Conv3dSpec;
import vox.backend.UnaryOp;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** Every primitive through the wrapper: the same results, one recorded launch each. */
class ProfilingBackendTest {
    private static final Shape X = Shape.of(2, 4, 3, 2, 3);
    private static final Conv3dSpec CONV =
            new Conv3dSpec(2, 4, 3, 2, 3, 3, 3, 2, 1, 1, 2, 1, 1, 0, 0);

    private final Backend cpu = Backends.cpu();

    @AfterEach
    void off() {
        Profiler.stop();
    }

    private Tensor rand(Shape s, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] a = new float[(int) s.numel()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 0.5);
        }
        return cpu.fromArray(s, a);
    }

    /** Each primitive: inputs made on the raw backend, the launch on {@code be}. */
    private Map<String, Function<Backend, Tensor[]>> cases() {
        Map<String, Function<Backend, Tensor[]>> m = new LinkedHashMap<>();
        Shape w = CONV.weightShape();
        Shape y = CONV.outputShape();
        Shape c = Shape.of(4);
        m.put("fromArray", be -> new Tensor[] {be.fromArray(c, new float[] {1, 2, 3, 4})});
        m.put("zeros", be -> new Tensor[] {be.zeros(c)});
        m.put("fill", be -> out(rand(X, 1), t -> be.fill(t, 2.5f)));
        m.put("copy", be -> out(cpu.empty(X), t -> be.copy(rand(X, 2), t)));
        m.put("conv3dForward", be -> out(cpu.empty(y),
                t -> be.conv3dForward(rand(X, 3), rand(w, 4), rand(Shape.of(3), 5), CONV, t)));
        m.put("conv3dBackwardData", be -> out(cpu.empty(X),
                t -> be.conv3dBackwardData(rand(y, 6), rand(w, 7), CONV, t)));
        m.put("conv3dBackwardWeight", be -> out(cpu.empty(w),
                t -> be.conv3dBackwardWeight(rand(X, 8), rand(y, 9), CONV, t)));
        m.put("sumPerChannel", be -> out(cpu.empty(c), t -> be.sumPerChannel(rand(X, 10), t)));
        m.put("groupNormForward", be -> {
            Tensor[] o = {cpu.empty(X), cpu.empty(Shape.of(2, 2)), cpu.empty(Shape.of(2, 2))};
            be.groupNormForward(rand(X, 11), rand(c, 12), rand(c, 13), 2, 1e-5f, o[0], o[1],
                    o[2]);
            return o;
        });
        m.put("groupNormBackward", be -> {
            Tensor x = rand(X, 14);
            Tensor mean = cpu.empty(Shape.of(2, 2));
            Tensor rstd = cpu.empty(Shape.of(2, 2));
            cpu.groupNormForward(x, rand(c, 15), rand(c, 16), 2, 1e-5f, cpu.empty(X), mean,
                    rstd);
            Tensor[] o = {cpu.empty(X), cpu.empty(c), cpu.empty(c)};
            be.groupNormBackward(x, rand(X, 17), rand(c, 18), mean, rstd, 2, o[0], o[1], o[2]);
            return o;
        });
        m.put("preluForward", be -> out(cpu.empty(X),
                t -> be.preluForward(rand(X, 19), rand(c, 20), t)));
        m.put("preluBackward", be -> {
            Tensor[] o = {cpu.empty(X), cpu.empty(c)};
            be.preluBackward(rand(X, 21), rand(c, 22), rand(X, 23), o[0], o[1]);
            return o;
        });
        m.put("unary.sqrt", be -> out(cpu.empty(X), t -> be.unary(UnaryOp.SQRT,
                rand(X, 24), t)));
        m.put("binary.div", be -> out(cpu.empty(X), t -> be.binary(BinaryOp.DIV,
                rand(X, 25), rand(X, 26), t)));
        m.put("axpby", be -> out(rand(X, 27), t -> be.axpby(0.5f, rand(X, 28), -2f, t)));
        m.put("sum", be -> out(cpu.empty(Shape.of(1)), t -> be.sum(rand(X, 29), t)));
        m.put("softmaxChannels", be -> out(cpu.empty(X),
                t -> be.softmaxChannels(rand(X, 30), t)));
        m.put("softmaxChannelsBackward", be -> out(cpu.empty(X),
                t -> be.softmaxChannelsBackward(rand(X, 31), rand(X, 32), t)));
        m.put("argmaxChannels", be -> out(cpu.empty(X.with(1, 1)),
                t -> be.argmaxChannels(rand(X, 33), t)));
        m.put("diceSums", be -> out(cpu.empty(Shape.of(3, 4)),
                t -> be.diceSums(rand(X, 34), rand(X, 35), t)));
        m.put("diceBackward", be -> out(cpu.empty(X), t -> be.diceBackward(rand(X, 36),
                rand(X, 37), new float[] {1, 2, 3, 4}, new float[] {-1, 0.5f, 2, 3}, t)));
        m.put("concatChannels", be -> out(cpu.empty(X.with(1, 7)), t -> be.concatChannels(
                new Tensor[] {rand(X, 38), rand(X.with(1, 3), 39)}, t)));
        m.put("sliceChannels", be -> out(cpu.empty(X.with(1, 2)),
                t -> be.sliceChannels(rand(X, 40), 1, t)));
        m.put("copyRegion", be -> out(rand(X, 41), t -> be.copyRegion(rand(X, 42),
                new int[] {1, 0, 1}, t, new int[] {0, 1, 0}, new int[] {2, 1, 2})));
        m.put("adamStep", be -> {
            Tensor[] o = {rand(X, 43), rand(X, 44), rand(X, 45)};
            cpu.unary(UnaryOp.ABS, o[2], o[2]); // a second moment is >= 0
            be.adamStep(o[0], rand(X, 46), o[1], o[2], 1e-2f, 0.9f, 0.99f, 1e-8f, 1e-3f, 3);
            return o;
        });
        m.put("sgdStep", be -> {
            Tensor[] o = {rand(X, 47), rand(X, 48)};
            be.sgdStep(o[0], rand(X, 49), o[1], 0.1f, 0.9f, 1e-3f);
            return o;
        });
        return m;
    }

    private static Tensor[] out(Tensor t, java.util.function.Consumer<Tensor> launch) {
        launch.accept(t);
        return new Tensor[] {t};
    }

    @Test
    void everyPrimitiveForwardsUnchangedAndIsRecordedOnce() {
        Map<String, Function<Backend, Tensor[]>> cases = cases();
        for (var e : cases.entrySet()) {
            Tensor[] expected = e.getValue().apply(cpu);
            Profile p = Profiler.start();
            ProfilingBackend be = new ProfilingBackend(cpu);
            Tensor[] got = e.getValue().apply(be);
            Profiler.stop();
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i].toArray(), got[i].toArray(), 0f,
                        e.getKey() + " output " + i);
            }
            assertEquals(1, p.launches(), e.getKey());
            Launch l = p.traced().get(0);
            assertEquals(e.getKey(), l.primitive());
            assertTrue(l.durationNs() >= 0 && l.bytes() > 0, l.toString());
        }
    }

    @Test
    void casesCoverEveryMethodOfTheBackendInterface() {
        TreeSet<String> launches = new TreeSet<>();
        for (Method m : Backend.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            launches.add(m.getName());
        }
        // Not launches: identity, allocation and the allocator's figures.
        launches.removeAll(java.util.List.of("device", "description", "empty", "synchronize",
                "memoryStats"));
        TreeSet<String> covered = new TreeSet<>();
        for (String k : cases().keySet()) {
            covered.add(k.replaceAll("\\..*", "")); // "unary.sqrt" is unary
        }
        assertEquals(launches, covered);
    }
}
