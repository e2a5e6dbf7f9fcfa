package vox.ops;

import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.Conv3dSpec;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** Convolution ops: {@link #conv3d} and {@link #convTranspose3d}, with gradients. */
public final class Conv {
    private static final ThreadLocal<double[]> FLOP_COUNTER = new ThreadLocal<>();

    private Conv() {
    }

    /**
     * Runs {@code work} and returns the forward FLOPs of the convolutions it
     * launched on this thread (2 per multiply-add).
     */
    public static double countFlops(Runnable work) {
        double[] outer = FLOP_COUNTER.get();
        double[] mine = new double[1];
        FLOP_COUNTER.set(mine);
        try {
            work.run();
        } finally {
            FLOP_COUNTER.set(outer);
            if (outer != null) {
                outer[0] += mine[0];
            }
        }
        return mine[0];
    }

    private static void count(double flops) {
        double[] c = FLOP_COUNTER.get();
        if (c != null) {
            c[0] += flops;
        }
    }

    /**
     * 3D convolution.
     *
     * @param x      input (N, C, D, H, W)
     * @param w      weight (K, C, KD, KH, KW)
     * @param bias   (K) or null
     * @param stride (D, H, W) or one value for all axes
     * @param pad    zero padding per side (D, H, W) or one value
     * @return y (N, K, OD, OH, OW)
     */
    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] pad) {
        Backend be = OpSupport.backend("conv3d", x, w, bias);
        OpSupport.require5d("conv3d", "input", x);
        OpSupport.require5d("conv3d", "weight", w);
        Shape ws = w.shape();
        if (ws.dim(1) != x.shape().dim(1)) {
            throw new IllegalArgumentException("conv3d: weight " + w.describe() + " expects "
                    + ws.dim(1) + " input channels, input " + x.describe() + " has "
                    + x.shape().dim(1));
        }
        int[] kernel = {ws.dim(2), ws.dim(3), ws.dim(4)};
        Conv3dSpec spec = Conv3dSpec.of(x.shape(), ws.dim(0), kernel,
                OpSupport.triple("conv3d", "stride", stride),
                OpSupport.triple("conv3d", "pad", pad));
        Tensor y = be.empty(spec.outputShape());
        be.conv3dForward(x, w, bias, spec, y);
        count(spec.flops());

        return Autograd.record("conv3d", y, new Tensor[] {x, w, bias}, dY -> {
            Tensor dX = null;
            Tensor dW = null;
            Tensor dB = null;
            if (x.requiresGrad()) {
                dX = be.empty(x.shape());
                be.conv3dBackwardData(dY, w, spec, dX);
            }
            if (w.requiresGrad()) {
                dW = be.empty(w.shape());
                be.conv3dBackwardWeight(x, dY, spec, dW);
            }
            if (bias != null && bias.requiresGrad()) {
                dB = be.empty(bias.shape());
                be.sumPerChannel(dY, dB);
            }
            return new Tensor[] {dX, dW, dB};
        });
    }

    /**
     * Transposed 3D convolution, the adjoint of {@link #conv3d}: used with
     * kernel 2 and stride 2 for the V-Net's up-sampling.
     *
     * <pre>
     *   x (N, C, D, H, W), w (C, K, KD, KH, KW)   -> y (N, K, OD, OH, OW)
     *   OD = (D - 1) * strideD - 2 padD + KD, likewise OH, OW
     * </pre>
     * It has no bias: in vox it is always followed by a normalisation.
     */
    public static Tensor convTranspose3d(Tensor x, Tensor w, int[] stride, int[] pad) {
        Backend be = OpSupport.backend("convTranspose3d", x, w);
        OpSupport.require5d("convTranspose3d", "input", x);
        OpSupport.require5d("convTranspose3d", "weight", w);
        Shape xs = x.shape();
        Shape ws = w.shape();
        if (ws.dim(0) != xs.dim(1)) {
            throw new IllegalArgumentException("convTranspose3d: weight " + w.describe()
                    + " expects " + ws.dim(0) + " input channels, input " + x.describe()
                    + " has " + xs.dim(1));
        }
        int[] s = OpSupport.triple("convTranspose3d", "stride", stride);
        int[] p = OpSupport.triple("convTranspose3d", "pad", pad);
        int[] out = new int[3];
        for (int a = 0; a < 3; a++) {
            out[a] = (xs.dim(2 + a) - 1) * s[a] - 2 * p[a] + ws.dim(2 + a);
            if (out[a] <= 0) {
                throw new IllegalArgumentException("convTranspose3d: output extent " + out[a]
                        + " on axis " + a + " for input " + x.describe());
            }
        }
        // The forward convolution that maps y back onto x.
        Conv3dSpec spec = new Conv3dSpec(xs.dim(0), ws.dim(1), out[0], out[1], out[2],
                ws.dim(0), ws.dim(2), ws.dim(3), ws.dim(4), s[0], s[1], s[2], p[0], p[1], p[2]);
        if (!spec.outputShape().equals(xs)) {
            throw new IllegalArgumentException("convTranspose3d: input " + x.describe()
                    + " is not reachable with stride and padding " + spec);
        }
        Tensor y = be.empty(spec.inputShape());
        be.conv3dBackwardData(x, w, spec, y);
        count(spec.flops());

        return Autograd.record("convTranspose3d", y, new Tensor[] {x, w}, dY -> {
            Tensor dX = null;
            Tensor dW = null;
            if (x.requiresGrad()) {
                dX = be.empty(xs);
                be.conv3dForward(dY, w, null, spec, dX);
            }
            if (w.requiresGrad()) {
                dW = be.empty(ws);
                be.conv3dBackwardWeight(dY, x, spec, dW);
            }
            return new Tensor[] {dX, dW};
        });
    }
}
