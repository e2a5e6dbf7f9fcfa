package vox.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import vox.backend.Conv3dSpec;

/**
 * Checks of the references themselves, so that the conformance suite
 * rests on something: hand-computed cases, the adjoint identities that tie
 * a convolution to its two backward passes, and central finite
 * differences for every other backward.
 */
class RefOpsTest {
    private final Random rnd = new Random(7);

    @Test
    void conv3dForwardMatchesHandComputedCases() {
        // One row of three voxels, kernel (1,1,3) = [1, 0, -1], padding 1 on W.
        Conv3dSpec row = new Conv3dSpec(1, 1, 1, 1, 3, 1, 1, 1, 3, 1, 1, 1, 0, 0, 1);
        double[] y = RefOps.conv3dForward(new double[] {1, 2, 3},
                new double[] {1, 0, -1}, null, row);
        assertArrayEquals(new double[] {-2, -2, 2}, y, 0);

        // 1x1x1 kernel: a matrix product over channels at each voxel, plus bias.
        // x has 2 voxels of C=2; w (K=3, C=2); memory keeps channels innermost.
        Conv3dSpec pointwise = new Conv3dSpec(1, 2, 1, 1, 2, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0);
        double[] x = {1, 10, 2, 20};
        double[] w = {1, 0, 0, 1, 1, -1};
        double[] bias = {0.5, 0, 0};
        assertArrayEquals(new double[] {1.5, 10, -9, 2.5, 20, -18},
                RefOps.conv3dForward(x, w, bias, pointwise), 0);

        // 2x2x2 stride 2 on a 2x2x2 block of ones with C=1: one output, the
        // sum of the weights, with weight memory (KD, KH, KW) in order.
        Conv3dSpec down = new Conv3dSpec(1, 1, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0);
        double[] ones = {1, 1, 1, 1, 1, 1, 1, 1};
        double[] wd = {1, 2, 3, 4, 5, 6, 7, 8};
        assertArrayEquals(new double[] {36}, RefOps.conv3dForward(ones, wd, null, down), 0);
    }

    @Test
    void convBackwardsAreAdjointsOfTheForward() {
        Conv3dSpec[] specs = {
            new Conv3dSpec(2, 3, 7, 6, 9, 5, 5, 3, 1, 2, 1, 3, 2, 1, 0),
            new Conv3dSpec(1, 4, 5, 6, 5, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1),
            new Conv3dSpec(2, 2, 4, 6, 8, 3, 2, 2, 2, 2, 2, 2, 0, 0, 0),
        };
        for (Conv3dSpec s : specs) {
            double[] x = random((int) s.inputShape().numel());
            double[] w = random((int) s.weightShape().numel());
            double[] dY = random((int) s.outputShape().numel());
            // <conv(x, w), dY> = <x, dX(dY, w)> = <w, dW(x, dY)>
            double lhs = dot(RefOps.conv3dForward(x, w, null, s), dY);
            assertEquals(lhs, dot(x, RefOps.conv3dBackwardData(dY, w, s)),
                    1e-10 * Math.abs(lhs), "backward-data adjoint " + s);
            assertEquals(lhs, dot(w, RefOps.conv3dBackwardWeight(x, dY, s)),
                    1e-10 * Math.abs(lhs), "backward-weight adjoint " + s);
        }
    }

    @Test
    void groupNormBackwardMatchesFiniteDifferences() {
        int n = 2;
        int c = 6;
        int groups = 3;
        int len = n * c * 5;
        double[] x = random(len);
        double[] gamma = random(c);
        double[] beta = random(c);
        double[] r = random(len);
        double eps = 1e-5;
        RefOps.GroupNormGrad g = RefOps.groupNormBackward(x, r, n, c, groups, gamma, eps);
        checkGradient("groupNorm dX", x, g.dX(), v -> dot(r,
                RefOps.groupNormForward(v, n, c, groups, gamma, beta, eps).y()));
        checkGradient("groupNorm dGamma", gamma, g.dGamma(), v -> dot(r,
                RefOps.groupNormForward(x, n, c, groups, v, beta, eps).y()));
        checkGradient("groupNorm dBeta", beta, g.dBeta(), v -> dot(r,
                RefOps.groupNormForward(x, n, c, groups, gamma, v, eps).y()));
    }

    @Test
    void preluAndSoftmaxBackwardsMatchFiniteDifferences() {
        int c = 4;
        double[] x = random(c * 6);
        double[] alpha = random(c);
        double[] r = random(c * 6);
        RefOps.PreluGrad pg = RefOps.preluBackward(x, alpha, r);
        checkGradient("prelu dX", x, pg.dX(), v -> dot(r, RefOps.preluForward(v, alpha)));
        checkGradient("prelu dAlpha", alpha, pg.dAlpha(),
                v -> dot(r, RefOps.preluForward(x, v)));

        double[] y = RefOps.softmaxChannels(x, c);
        double[] dX = RefOps.softmaxChannelsBackward(y, r, c);
        checkGradient("softmax dX", x, dX, v -> dot(r, RefOps.softmaxChannels(v, c)));
    }

    @Test
    void adamFirstStepMovesEachWeightByLearningRate() {
        // At step 1 with zero state, m_hat = g and v_hat = g^2: p moves by lr * sign(g).
        double[] p = {1, 1, 1};
        double[] g = {0.5, -2, 3};
        RefOps.OptState s = RefOps.adamStep(p, g, new double[3], new double[3],
                0.1, 0.9, 0.999, 0, 0, 1);
        assertArrayEquals(new double[] {0.9, 1.1, 0.9}, s.p(), 1e-12);
    }

    private void checkGradient(String what, double[] at, double[] grad,
                               Function<double[], Double> f) {
        double h = 1e-6;
        for (int i = 0; i < at.length; i++) {
            double[] plus = at.clone();
            double[] minus = at.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (f.apply(plus) - f.apply(minus)) / (2 * h);
            assertEquals(fd, grad[i], 1e-6 * Math.max(1, Math.abs(fd)), what + " [" + i + "]");
        }
    }

    private double[] random(int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 2 * rnd.nextDouble() - 1;
        }
        return a;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
