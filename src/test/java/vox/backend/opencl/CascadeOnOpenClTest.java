package vox.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.model.CascadedVNet;
import vox.model.KernelMode;
import vox.model.ModelConfig;
import vox.model.SkipMode;
import vox.nn.Parameter;
import vox.ops.Arith;
import vox.ops.Loss;
import vox.tensor.Shape;
import vox.tensor.Tensor;
import vox.tensor.TensorScope;

/**
 * The whole cascade, forward and backward, on OpenCL against the CPU
 * backend: the same seed gives the same initial weights on both, so
 * outputs, loss and every parameter gradient must agree to float32
 * rounding (relative error 1e-4 in norm, as for single primitives).
 */
class CascadeOnOpenClTest {
    private static final double TOL = 1e-4;

    private record Run(float[] p1, float[] p2, float loss, Map<String, float[]> grads) {
    }

    private static Run run(Backend be, ModelConfig cfg, float[] image, float[] onehot,
                           Shape x, Shape l) {
        CascadedVNet net = new CascadedVNet(be, cfg, 17);
        try (TensorScope scope = TensorScope.open()) {
            CascadedVNet.Output o = net.forward(be.fromArray(x, image));
            Tensor label = be.fromArray(l, onehot);
            Tensor loss = Arith.scale(Arith.add(Loss.softDice(o.stage1(), label, true, 1e-5f),
                    Loss.softDice(o.stage2(), label, true, 1e-5f)), 0.5f);
            Autograd.backward(loss);
            Map<String, float[]> grads = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                grads.put(e.getKey(), e.getValue().grad().toArray());
            }
            return new Run(o.stage1().toArray(), o.stage2().toArray(), loss.item(), grads);
        }
    }

    private static double relError(float[] a, float[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - ref[i]) * (double) (a[i] - ref[i]);
            den += ref[i] * (double) ref[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-30));
    }

    @Test
    void cascadeForwardAndBackwardMatchTheCpu() {
        Backend cl = OpenClTests.backend();
        Backend cpu = Backends.cpu();
        ModelConfig cfg = new ModelConfig(1, 3, 4, 3, SkipMode.D_BLSC, KernelMode.MIXED, 2);
        Shape x = Shape.of(1, 1, 8, 12, 16);
        Shape l = Shape.of(1, 3, 8, 12, 16);
        SplittableRandom rng = new SplittableRandom(4);
        float[] image = new float[(int) x.numel()];
        float[] ids = new float[image.length];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) (rng.nextDouble() * 2 - 1);
            ids[i] = image[i] > 0.3 ? 1 : image[i] < -0.5 ? 2 : 0;
        }
        float[] onehot = Loss.oneHot(ids, 3, "test");
        Run a = run(cl, cfg, image, onehot, x, l);
        Run b = run(cpu, cfg, image, onehot, x, l);

        assertTrue(relError(a.p1(), b.p1()) < TOL, "stage 1 " + relError(a.p1(), b.p1()));
        assertTrue(relError(a.p2(), b.p2()) < TOL, "stage 2 " + relError(a.p2(), b.p2()));
        assertTrue(Math.abs(a.loss() - b.loss()) < TOL * Math.abs(b.loss()),
                "loss " + a.loss() + " vs " + b.loss());
        for (String k : b.grads().keySet()) {
            double e = relError(a.grads().get(k), b.grads().get(k));
            assertTrue(e < TOL, "gradient of " + k + " differs by " + e);
        }
    }
}
