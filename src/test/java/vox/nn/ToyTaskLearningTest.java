package vox.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.ops.Activation;
import vox.ops.Loss;
import vox.tensor.Shape;
import vox.tensor.Tensor;
import vox.tensor.TensorScope;

/**
 * A small conv net learns a toy 3D segmentation: mark the voxels of a
 * randomly placed bright ball in noise. The soft-Dice loss must fall at
 * least tenfold.
 */
class ToyTaskLearningTest {
    private static final int S = 12;

    private static float[][] sample(SplittableRandom rng) {
        float[] img = new float[S * S * S];
        float[] lab = new float[S * S * S];
        double cz = 3 + rng.nextDouble() * 6;
        double cy = 3 + rng.nextDouble() * 6;
        double cx = 3 + rng.nextDouble() * 6;
        double r = 2 + rng.nextDouble() * 1.5;
        for (int z = 0; z < S; z++) {
            for (int y = 0; y < S; y++) {
                for (int x = 0; x < S; x++) {
                    int i = (z * S + y) * S + x;
                    double d = Math.sqrt((z - cz) * (z - cz) + (y - cy) * (y - cy)
                            + (x - cx) * (x - cx));
                    boolean in = d <= r;
                    lab[i] = in ? 1 : 0;
                    img[i] = (float) ((in ? 1.0 : 0.0) + 0.3 * Init.gaussian(rng));
                }
            }
        }
        return new float[][] {img, lab};
    }

    @Test
    void smallConvNetLossFallsTenfold() {
        Backend be = Backends.cpu();
        SplittableRandom rng = new SplittableRandom(11);
        Sequential net = new Sequential(
                Conv3d.same(be, rng, 1, 8, new int[] {3, 3, 3}),
                new PReLU(be, 8),
                Conv3d.same(be, rng, 8, 8, new int[] {3, 3, 3}),
                new GroupNorm(be, 4, 8),
                new PReLU(be, 8),
                new Conv3d(be, rng, 8, 2, new int[] {1, 1, 1}, new int[] {1, 1, 1},
                        new int[3], true));
        Adam adam = new Adam(net.namedParameters(), 0.01f);
        float[][][] data = new float[8][][];
        for (int i = 0; i < data.length; i++) {
            data[i] = sample(rng);
        }
        Shape img = Shape.of(1, 1, S, S, S);
        Shape lab = Shape.of(1, 2, S, S, S);
        double first = 0;
        double last = 0;
        int steps = 160;
        long start = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            float[][] d = data[step % data.length];
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = be.fromArray(img, d[0]);
                Tensor l = be.fromArray(lab, Loss.oneHot(d[1], 2, "toy"));
                Tensor p = Activation.softmaxChannels(net.forward(x));
                Tensor loss = Loss.softDice(p, l, false, 1e-5f);
                float value = loss.item();
                if (step < data.length) {
                    first += value / data.length;
                }
                if (step >= steps - data.length) {
                    last += value / data.length;
                }
                Autograd.backward(loss);
                adam.step();
                adam.zeroGrad();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(last * 10 <= first, "loss fell from " + first + " to " + last
                + ", less than tenfold");
        assertTrue(seconds < 30, "took " + seconds + " s");
    }
}
