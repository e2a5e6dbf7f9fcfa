package vox.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.reference.RefOps;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** Adam and SGD over several steps against the float64 reference updates. */
class OptimizerTest {
    private final Backend be = Backends.cpu();
    private final SplittableRandom rng = new SplittableRandom(7);

    private double[] random(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static float[] f(double[] v) {
        float[] o = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = (float) v[i];
        }
        return o;
    }

    private static final class One extends Module {
        final Parameter p;

        One(Tensor t) {
            p = param("p", t);
        }
    }

    private void run(boolean adam) {
        int n = 37;
        double[] p = random(n);
        One m = new One(be.fromArray(Shape.of(n), f(p)));
        Map<String, Parameter> params = m.namedParameters();
        Optimizer opt = adam ? new Adam(params, 0.01f, 0.9f, 0.99f, 1e-6f, 0.01f)
                : new Sgd(params, 0.05f, 0.9f, 0.001f);
        double[] s1 = new double[n];
        double[] s2 = new double[n];
        for (int step = 1; step <= 5; step++) {
            double[] g = random(n);
            m.p.value().setGrad(be.fromArray(Shape.of(n), f(g)));
            opt.step();
            RefOps.OptState st = adam
                    ? RefOps.adamStep(p, g, s1, s2, 0.01, 0.9, 0.99, 1e-6, 0.01, step)
                    : RefOps.sgdStep(p, g, s1, 0.05, 0.9, 0.001);
            p = st.p();
            s1 = st.m();
            s2 = st.v() == null ? s2 : st.v();
            opt.zeroGrad();
        }
        float[] got = m.p.value().toArray();
        double err = 0;
        double ref = 0;
        for (int i = 0; i < n; i++) {
            err += (got[i] - p[i]) * (got[i] - p[i]);
            ref += p[i] * p[i];
        }
        assertEquals(0, Math.sqrt(err / ref), 1e-5, (adam ? "adam" : "sgd") + " drifted");
        assertEquals(5, opt.stepCount());
    }

    @Test
    void adamMatchesReference() {
        run(true);
    }

    @Test
    void sgdMatchesReference() {
        run(false);
    }

    @Test
    void parametersAreNamedByPath() {
        Sequential s = new Sequential(
                Conv3d.same(be, new SplittableRandom(1), 2, 4, new int[] {3, 3, 3}),
                new PReLU(be, 4));
        assertEquals(java.util.List.of("0.weight", "0.bias", "1.alpha"),
                java.util.List.copyOf(s.namedParameters().keySet()));
        assertEquals(4 * 2 * 27 + 4 + 4, s.parameterCount());
    }

    @Test
    void heInitHasTheStatedDeviation() {
        float[] w = Init.heNormal(200_000, 50, 0.25, new SplittableRandom(3));
        double sq = 0;
        for (float v : w) {
            sq += v * v;
        }
        double expected = Math.sqrt(2.0 / (1.0625 * 50));
        assertEquals(expected, Math.sqrt(sq / w.length), expected * 0.01);
    }
}
