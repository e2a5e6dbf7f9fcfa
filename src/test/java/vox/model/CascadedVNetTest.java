package vox.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.ops.Loss;
import vox.tensor.Shape;
import vox.tensor.Tensor;
import vox.tensor.TensorScope;

class CascadedVNetTest {
    private static final int[] ENC = {1, 2, 3, 3, 3};
    private static final int[] DEC = {1, 2, 3, 3};
    private final Backend be = Backends.cpu();

    // ---- parameter count, derived by hand from the architecture --------------------

    private static long conv(long cIn, long cOut, long taps, boolean bias) {
        return cIn * cOut * taps + (bias ? cOut : 0);
    }

    private static long stage(int cin, int w, int levels, int classes, KernelMode mode,
                              int[] e, int[] f) {
        long total = 0;
        for (int l = 0; l < levels; l++) {
            long c = (long) w << l;
            long in = (l == 0 ? cin : c) + e[l];
            int n = ENC[l];
            if (mode != KernelMode.LARGE) {
                total += conv(in, c, 27, true) + (n - 1) * (conv(c, c, 27, true) + c) + 2 * c;
            }
            if (mode != KernelMode.SMALL) {
                total += 3 * (conv(in, c, 2 * n + 1, true) + 2 * c);
            }
            total += (in != c ? in * c : 0) + c;
            if (l < levels - 1) {
                total += conv(c, 2 * c, 8, true) + 2 * c;                 // down + PReLU
                total += conv(2 * c, c, 8, false) + 2 * c + c;           // up + GN + PReLU
                long dIn = 2 * c + f[l];
                int m = DEC[l];
                total += conv(dIn, c, 27, true) + (m - 1) * (conv(c, c, 27, true) + c)
                        + 2 * c + c;
            }
        }
        return total + conv(w, classes, 1, true);
    }

    private static long expectedParameters(ModelConfig m) {
        int levels = m.levels();
        int[] none = new int[levels];
        int[] e = new int[levels];
        int[] f = new int[levels];
        for (int l = 0; l < levels; l++) {
            int c = m.width() << l;
            boolean dec = l < levels - 1;
            if (m.skips() == SkipMode.R_BLSC) {
                e[l] = c;
                f[l] = dec ? c : 0;
            } else if (m.skips() == SkipMode.D_BLSC) {
                e[l] = dec ? 2 * c : c;
                f[l] = dec ? 2 * c : 0;
            }
        }
        return stage(m.inChannels(), m.width(), levels, m.numClasses(), m.kernels(), none, none)
                + stage(m.inChannels() + m.numClasses(), m.width(), levels, m.numClasses(),
                m.kernels(), e, f);
    }

    @Test
    void everyModeBuildsWithExpectedShapeAndParameterCount() {
        for (SkipMode skips : SkipMode.values()) {
            for (KernelMode kernels : KernelMode.values()) {
                ModelConfig cfg = new ModelConfig(1, 3, 4, 3, skips, kernels, 2);
                CascadedVNet net = new CascadedVNet(be, cfg, 1);
                String what = skips + "/" + kernels;
                assertEquals(expectedParameters(cfg), net.parameterCount(), what);
                try (TensorScope scope = TensorScope.open()) {
                    Tensor x = be.fromArray(Shape.of(1, 1, 4, 8, 12),
                            random(4 * 8 * 12, new SplittableRandom(2)));
                    CascadedVNet.Output o = net.forward(x);
                    assertEquals(Shape.of(1, 3, 4, 8, 12), o.stage1().shape(), what);
                    assertEquals(Shape.of(1, 3, 4, 8, 12), o.stage2().shape(), what);
                    float[] p = o.stage2().toArray();
                    for (int v = 0; v < p.length; v += 3) {
                        assertEquals(1.0, p[v] + p[v + 1] + p[v + 2], 1e-5, what);
                    }
                }
            }
        }
    }

    @Test
    void paperConfigurationHasTheMethodsWidths() {
        ModelConfig cfg = ModelConfig.paper(5, SkipMode.R_BLSC, KernelMode.MIXED);
        assertEquals(16, cfg.channels(0));
        assertEquals(256, cfg.channels(4));
        assertEquals(16, cfg.sizeMultiple());
        assertEquals(expectedParameters(cfg), new CascadedVNet(be, cfg, 1).parameterCount());
    }

    @Test
    void inputExtentsMustFitTheLevels() {
        CascadedVNet net = new CascadedVNet(be,
                new ModelConfig(1, 2, 2, 3, SkipMode.BASELINE, KernelMode.SMALL, 1), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.forward(be.zeros(Shape.of(1, 1, 4, 6, 8))));
        assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
    }

    // ---- block level skips carry gradient into stage 1 -------------------------------

    /**
     * With stage 1's output convolution zeroed, stage 1's probabilities are
     * constant, so a stage-2 loss can reach stage 1's encoder only through
     * block level skips: none for BASELINE, some for R-BLSC and D-BLSC.
     */
    @Test
    void blockLevelSkipsCarryGradientIntoStageOne() {
        for (SkipMode skips : SkipMode.values()) {
            ModelConfig cfg = new ModelConfig(1, 3, 4, 3, skips, KernelMode.MIXED, 2);
            CascadedVNet net = new CascadedVNet(be, cfg, 5);
            var params = net.namedParameters();
            Tensor head = params.get("stage1.head.weight").value();
            head.storage().write(new float[(int) head.numel()]);
            try (TensorScope scope = TensorScope.open()) {
                SplittableRandom rng = new SplittableRandom(9);
                Tensor x = be.fromArray(Shape.of(1, 1, 4, 8, 8), random(256, rng));
                float[] ids = new float[256];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rng.nextInt(3);
                }
                Tensor label = be.fromArray(Shape.of(1, 3, 4, 8, 8), Loss.oneHot(ids, 3, "t"));
                Tensor loss = Loss.softDice(net.forward(x).stage2(), label, false, 1e-5f);
                Autograd.backward(loss);
                double norm = 0;
                for (var e : params.entrySet()) {
                    if (e.getKey().startsWith("stage1.enc") && e.getValue().grad() != null) {
                        for (float g : e.getValue().grad().toArray()) {
                            norm += g * g;
                        }
                    }
                }
                if (skips == SkipMode.BASELINE) {
                    assertEquals(0.0, norm, "baseline: stage-1 encoder got gradient");
                } else {
                    assertTrue(norm > 1e-12, skips + ": no gradient reached stage 1's encoder");
                }
                net.zeroGrad();
            }
        }
    }

    static float[] random(int n, SplittableRandom rng) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }
}
