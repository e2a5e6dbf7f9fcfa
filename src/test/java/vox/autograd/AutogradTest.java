package vox.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.ops.Activation;
import vox.ops.Arith;
import vox.tensor.Shape;
import vox.tensor.Tensor;
import vox.tensor.TensorScope;

class AutogradTest {
    private final Backend be = Backends.cpu();

    private Tensor vec(float... v) {
        return be.fromArray(Shape.of(1, v.length), v);
    }

    @Test
    void gradientsOfAReusedTensorAccumulate() {
        // L = sum(x * x + x): dL/dx = 2x + 1, with x feeding three uses.
        Tensor x = vec(1f, -2f, 0.5f).requiresGrad(true);
        Tensor loss = Arith.sum(Arith.add(Arith.mul(x, x), x));
        Autograd.backward(loss);
        assertArrayEquals(new float[] {3f, -3f, 2f}, x.grad().toArray(), 1e-6f);
    }

    @Test
    void diamondGraphSumsBothPaths() {
        // y = exp(x); L = sum(y * y + y) -> dL/dx = (2y + 1) * y
        Tensor x = vec(0.1f, -0.3f).requiresGrad(true);
        Tensor y = Activation.exp(x);
        Autograd.backward(Arith.sum(Arith.add(Arith.mul(y, y), y)));
        float[] g = x.grad().toArray();
        for (int i = 0; i < 2; i++) {
            double yi = Math.exp(i == 0 ? 0.1 : -0.3);
            assertEquals((2 * yi + 1) * yi, g[i], 1e-5);
        }
    }

    @Test
    void secondBackwardAccumulatesIntoLeaves() {
        Tensor x = vec(2f).requiresGrad(true);
        Autograd.backward(Arith.sum(Arith.scale(x, 3f)));
        Autograd.backward(Arith.sum(Arith.scale(x, 4f)));
        assertArrayEquals(new float[] {7f}, x.grad().toArray());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = vec(1f, 2f).requiresGrad(true);
        Tensor y;
        try (var off = Grad.noGrad()) {
            y = Arith.mul(x, x);
        }
        assertFalse(y.requiresGrad());
        assertNull(y.gradNode());
        assertTrue(Grad.isEnabled());
        assertThrows(IllegalArgumentException.class, () -> Autograd.backward(Arith.sum(y)));
    }

    @Test
    void backwardRejectsNonScalar() {
        Tensor x = vec(1f, 2f).requiresGrad(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.backward(Arith.mul(x, x)));
        assertTrue(e.getMessage().contains("scalar"), e.getMessage());
    }

    @Test
    void anomalyDetectionNamesTheOp() {
        Tensor x = vec(1f, 1000f).requiresGrad(true);
        try (var on = Grad.detectAnomaly()) {
            NonFiniteException e = assertThrows(NonFiniteException.class,
                    () -> Activation.exp(x));
            assertEquals("exp", e.op());
        }
        Activation.exp(x); // no check outside the scope
    }

    @Test
    void scopeFreesIntermediatesButKeepsWhatIsKept() {
        Tensor x = vec(1f, 2f);
        Tensor kept;
        Tensor dropped;
        try (TensorScope s = TensorScope.open()) {
            dropped = Arith.scale(x, 2f);
            kept = s.keep(Arith.scale(x, 3f));
        }
        assertTrue(dropped.isClosed());
        assertFalse(kept.isClosed());
        assertArrayEquals(new float[] {3f, 6f}, kept.toArray());
        assertThrows(IllegalStateException.class, dropped::toArray);
    }
}
