package vox.backend.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vox.backend.Backend;
import vox.backend.BinaryOp;
import vox.backend.Backends;
import vox.backend.Conv3dSpec;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** FLOP and byte counts against hand-computed values and plain counting loops. */
class KernelCostTest {

    @AfterEach
    void off() {
        Profiler.stop();
    }

    @Test
    void convCountsMatchHandComputedValues() {
        // x (1,2,4,4,4), K=3, 3x3x3, pad 1: 64 outputs per channel.
        Conv3dSpec s = new Conv3dSpec(1, 2, 4, 4, 4, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        // 2 * 64 voxels * 3 outputs * 2 inputs * 27 taps
        assertEquals(20736, KernelCost.conv3dForward(s, true).flops());
        assertEquals(20736, KernelCost.conv3dBackwardData(s).flops());
        assertEquals(20736, KernelCost.conv3dBackwardWeight(s).flops());
        // x 128 + w 162 + bias 3 + y 192 floats
        assertEquals(4 * 485, KernelCost.conv3dForward(s, true).bytes());
        assertEquals(4 * 482, KernelCost.conv3dForward(s, false).bytes());
        // dY 192 + w 162 + dX 128; x 128 + dY 192 + dW 162
        assertEquals(4 * 482, KernelCost.conv3dBackwardData(s).bytes());
        assertEquals(4 * 482, KernelCost.conv3dBackwardWeight(s).bytes());

        // Stride 2, no padding: x (2,3,5,6,7), K=4, kernel (2,2,2) -> (2,3,3).
        Conv3dSpec t = new Conv3dSpec(2, 3, 5, 6, 7, 4, 2, 2, 2, 2, 2, 2, 0, 0, 0);
        assertEquals(2.0 * 2 * 18 * 4 * 3 * 8, KernelCost.conv3dForward(t, false).flops());
        // x 1260 + w 96 + y 144 floats
        assertEquals(4.0 * (1260 + 96 + 144), KernelCost.conv3dForward(t, false).bytes());
    }

    @Test
    void convFlopsMatchACountingLoopOnRandomShapes() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 20; trial++) {
            int kd = 1 + rng.nextInt(3);
            int kh = 1 + rng.nextInt(3);
            int kw = 1 + rng.nextInt(3);
            int sd = 1 + rng.nextInt(2);
            int pd = rng.nextInt(2);
            Conv3dSpec s = new Conv3dSpec(1 + rng.nextInt(2), 1 + rng.nextInt(4),
                    kd + rng.nextInt(4), kh + rng.nextInt(4), kw + rng.nextInt(4),
                    1 + rng.nextInt(4), kd, kh, kw, sd, 1, sd, pd, 1, 0);
            assertEquals(countMultiplyAdds(s) * 2.0, KernelCost.conv3dForward(s, true).flops(),
                    s.toString());
        }
    }

    /** Multiply-adds of the convolution's defining sum, one loop per index. */
    private static long countMultiplyAdds(Conv3dSpec s) {
        int od = (s.d() + 2 * s.padD() - s.kd()) / s.strideD() + 1;
        int oh = (s.h() + 2 * s.padH() - s.kh()) / s.strideH() + 1;
        int ow = (s.w() + 2 * s.padW() - s.kw()) / s.strideW() + 1;
        long n = 0;
        for (int b = 0; b < s.n(); b++) {
            for (int z = 0; z < od; z++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        for (int k = 0; k < s.k(); k++) {
                            for (int c = 0; c < s.c(); c++) {
                                n += (long) s.kd() * s.kh() * s.kw();
                            }
                        }
                    }
                }
            }
        }
        return n;
    }

    @Test
    void elementwiseAndOptimizerCountsMatchHandComputedValues() {
        Backend be = Backends.cpu();
        Tensor x = be.zeros(Shape.of(1, 4, 2, 2, 2)); // 32 elements, 4 channels
        Tensor c4 = be.zeros(Shape.of(4));
        Tensor stats = be.zeros(Shape.of(1, 2)); // two groups
        Tensor ten = be.zeros(Shape.of(10));

        assertEquals(new KernelCost.Cost(10, 120), KernelCost.binary(ten));
        assertEquals(new KernelCost.Cost(30, 120), KernelCost.axpby(ten));
        assertEquals(new KernelCost.Cost(10, 80), KernelCost.unary(ten));
        assertEquals(new KernelCost.Cost(10, 44), KernelCost.sum(ten));
        assertEquals(new KernelCost.Cost(160, 280), KernelCost.adamStep(ten));
        assertEquals(new KernelCost.Cost(60, 200), KernelCost.sgdStep(ten));
        assertEquals(new KernelCost.Cost(0, 40), KernelCost.fill(ten));
        assertEquals(new KernelCost.Cost(0, 80), KernelCost.copy(ten));
        // 7 per element; x 32 + gamma, beta 8 + y 32 + mean, rstd 4 floats
        assertEquals(new KernelCost.Cost(224, 4 * 76),
                KernelCost.groupNormForward(x, c4, x, stats));
        // 13 per element; x, dY, dX 96 + gamma, dGamma, dBeta 12 + mean, rstd 4
        assertEquals(new KernelCost.Cost(416, 4 * 112),
                KernelCost.groupNormBackward(x, c4, stats));
        assertEquals(new KernelCost.Cost(32, 4 * 36), KernelCost.sumPerChannel(x, c4));
        assertEquals(new KernelCost.Cost(160, 4 * 64), KernelCost.softmaxChannels(x));
        // 3 per element; x, dY, dX 96 + alpha, dAlpha 8 floats
        assertEquals(new KernelCost.Cost(96, 4 * 104), KernelCost.preluBackward(x, c4));
        // box of 1x2x2 voxels, N=1, C=4: 16 floats read and 16 written
        assertEquals(new KernelCost.Cost(0, 4 * 32),
                KernelCost.copyRegion(x, new int[] {1, 2, 2}));
        assertEquals(new KernelCost.Cost(0, 4 * 64),
                KernelCost.concatChannels(new Tensor[] {x}, x));
    }

    @Test
    void profiledLaunchesCarryTheseCounts() {
        Profile p = Profiler.start();
        Backend be = Backends.cpu();
        Conv3dSpec s = new Conv3dSpec(1, 2, 4, 4, 4, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        Tensor x = be.zeros(s.inputShape());
        Tensor w = be.zeros(s.weightShape());
        Tensor y = be.empty(s.outputShape());
        Tensor a = be.zeros(Shape.of(10));
        be.conv3dForward(x, w, null, s, y);
        be.binary(BinaryOp.MUL, a, a, a);
        be.binary(BinaryOp.ADD, a, a, a);
        Profiler.stop();

        Profile.Totals conv = find(p, "conv3dForward");
        assertEquals(1, conv.calls());
        assertEquals(20736, conv.flops());
        assertEquals(4 * 482, conv.bytes());
        assertEquals(10, find(p, "binary.mul").flops());
        assertEquals(120, find(p, "binary.add").bytes());
    }

    private static Profile.Totals find(Profile p, String primitive) {
        return p.perOp().stream().filter(t -> t.primitive().equals(primitive)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + primitive));
    }
}
