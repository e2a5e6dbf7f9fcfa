package vox.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.Conv3dSpec;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * CPU-specific properties the conformance suite does not cover: results
 * that do not change from run to run (reductions in a fixed order), and
 * clear errors for bad shapes.
 */
class CpuBackendTest {
    private final Backend be = Backends.cpu();
    private final Random rnd = new Random(5);

    private Tensor random(Shape shape) {
        float[] a = new float[(int) shape.numel()];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
        }
        return be.fromArray(shape, a);
    }

    @Test
    void reductionsAreBitwiseRepeatable() {
        // Enough output rows for many weight-gradient chunks and threads.
        Conv3dSpec s = new Conv3dSpec(2, 16, 6, 24, 20, 32, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        Tensor x = random(s.inputShape());
        Tensor dY = random(s.outputShape());
        float[] first = null;
        for (int run = 0; run < 3; run++) {
            Tensor dW = be.empty(s.weightShape());
            be.conv3dBackwardWeight(x, dY, s, dW);
            Tensor sums = be.empty(Shape.of(3, 16));
            be.diceSums(x, x, sums);
            Tensor total = be.empty(Shape.of(1));
            be.sum(x, total);
            float[] all = concat(dW.toArray(), sums.toArray(), total.toArray());
            if (first == null) {
                first = all;
            } else {
                assertArrayEquals(first, all, "run " + run + " differs from run 0");
            }
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    @Test
    void convRejectsTensorsOfTheWrongShape() {
        Conv3dSpec s = new Conv3dSpec(1, 4, 5, 5, 5, 8, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        Tensor x = random(s.inputShape());
        Tensor w = random(Shape.of(8, 4, 3, 3, 1));
        Tensor y = be.empty(s.outputShape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.conv3dForward(x, w, null, s, y));
        assertTrue(e.getMessage().contains("conv3dForward weight"), e.getMessage());
        assertTrue(e.getMessage().contains("(8, 4, 3, 3, 3)"), e.getMessage());
    }

    @Test
    void groupNormRejectsChannelsThatDoNotSplitIntoGroups() {
        Shape shape = Shape.of(1, 6, 2, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.groupNormForward(random(shape), random(Shape.of(6)),
                        random(Shape.of(6)), 4, 1e-5f, be.empty(shape),
                        be.empty(Shape.of(1, 4)), be.empty(Shape.of(1, 4))));
        assertTrue(e.getMessage().contains("6 channels cannot be split into 4"),
                e.getMessage());
    }
}
