package vox.backend.profile;

import vox.backend.Conv3dSpec;
import vox.tensor.Tensor;

/**
 * The work of one primitive launch, in one place: floating-point
 * operations and bytes moved.
 *
 * <p>FLOPs count a multiply-add as two. For a convolution every direction
 * (forward, backward-data, backward-weight) does the same multiply-adds:
 * {@code 2 * N * OD * OH * OW * K * C * KD * KH * KW}; the bias add is not
 * counted. Elementwise and channel primitives count a nominal number of
 * operations per element, written beside each method (an exp or a sqrt
 * counts one).
 *
 * <p>Bytes are what a kernel must at least move: every input read once
 * and every output written once, 4 bytes per float. A tensor that is both
 * read and written (the y of axpby, the moments of Adam) counts twice.
 * Caches and re-reads (a convolution reads x up to KD*KH*KW times) are not
 * counted, so GB/s is a lower bound on the traffic.
 */
public final class KernelCost {
    private static final double F = 4.0; // bytes per float

    private KernelCost() {
    }

    /** Floating-point operations and bytes of one launch. */
    public record Cost(double flops, double bytes) {
        /** No arithmetic, {@code floats} floats moved. */
        static Cost move(double floats) {
            return new Cost(0, F * floats);
        }
    }

    /** Reads x, w and bias, writes y. */
    public static Cost conv3dForward(Conv3dSpec s, boolean bias) {
        double io = elems(s.inputShape().numel(), s.weightShape().numel(),
                s.outputShape().numel()) + (bias ? s.k() : 0);
        return new Cost(s.flops(), F * io);
    }

    /** Reads dY and w, writes dX. */
    public static Cost conv3dBackwardData(Conv3dSpec s) {
        return new Cost(s.flops(), F * elems(s.outputShape().numel(),
                s.weightShape().numel(), s.inputShape().numel()));
    }

    /** Reads x and dY, writes dW. */
    public static Cost conv3dBackwardWeight(Conv3dSpec s) {
        return new Cost(s.flops(), F * elems(s.inputShape().numel(),
                s.outputShape().numel(), s.weightShape().numel()));
    }

    /** One add per element of x; reads x, writes out (C). */
    public static Cost sumPerChannel(Tensor x, Tensor out) {
        return new Cost(x.numel(), F * elems(x.numel(), out.numel()));
    }

    /**
     * Seven per element: sum and square-sum (3), then normalise, scale and
     * shift (4). Reads x, gamma, beta; writes y, mean, rstd.
     */
    public static Cost groupNormForward(Tensor x, Tensor gamma, Tensor y, Tensor mean) {
        double floats = elems(x.numel(), 2 * gamma.numel(), y.numel(), 2 * mean.numel());
        return new Cost(7.0 * x.numel(), F * floats);
    }

    /**
     * Thirteen per element: x-hat (2), dY * gamma (1), the sums for dGamma
     * and dBeta (3), the two group sums (3) and dX (4). Reads x, dY, gamma,
     * mean, rstd; writes dX, dGamma, dBeta.
     */
    public static Cost groupNormBackward(Tensor x, Tensor gamma, Tensor mean) {
        double floats = elems(3 * x.numel(), 3 * gamma.numel(), 2 * mean.numel());
        return new Cost(13.0 * x.numel(), F * floats);
    }

    /** One per element; reads x and alpha, writes y. */
    public static Cost preluForward(Tensor x, Tensor alpha) {
        return new Cost(x.numel(), F * elems(2 * x.numel(), alpha.numel()));
    }

    /** Three per element (dX, and the product and sum of dAlpha); reads x, alpha, dY. */
    public static Cost preluBackward(Tensor x, Tensor alpha) {
        return new Cost(3.0 * x.numel(), F * elems(3 * x.numel(), 2 * alpha.numel()));
    }

    /** One per element; reads x, writes y. */
    public static Cost unary(Tensor x) {
        return new Cost(x.numel(), F * 2 * x.numel());
    }

    /** One per element; reads a and b, writes y. */
    public static Cost binary(Tensor a) {
        return new Cost(a.numel(), F * 3 * a.numel());
    }

    /** Three per element; reads x and y, writes y. */
    public static Cost axpby(Tensor x) {
        return new Cost(3.0 * x.numel(), F * 3 * x.numel());
    }

    /** One per element; reads x, writes one float. */
    public static Cost sum(Tensor x) {
        return new Cost(x.numel(), F * (x.numel() + 1));
    }

    /** Five per element: max, subtract, exp, sum, divide; reads x, writes y. */
    public static Cost softmaxChannels(Tensor x) {
        return new Cost(5.0 * x.numel(), F * 2 * x.numel());
    }

    /** Four per element: product, sum, subtract, multiply; reads y and dY, writes dX. */
    public static Cost softmaxChannelsBackward(Tensor y) {
        return new Cost(4.0 * y.numel(), F * 3 * y.numel());
    }

    /** One compare per element; reads x, writes one float per voxel. */
    public static Cost argmaxChannels(Tensor x, Tensor out) {
        return new Cost(x.numel(), F * elems(x.numel(), out.numel()));
    }

    /** Six per element: three products and three sums; reads p and label, writes (3, C). */
    public static Cost diceSums(Tensor p, Tensor out) {
        return new Cost(6.0 * p.numel(), F * elems(2 * p.numel(), out.numel()));
    }

    /** Three per element; reads p, label and the 2C coefficients, writes dP. */
    public static Cost diceBackward(Tensor p, int channels) {
        return new Cost(3.0 * p.numel(), F * elems(3 * p.numel(), 2L * channels));
    }

    /** Reads every x, writes y. */
    public static Cost concatChannels(Tensor[] xs, Tensor y) {
        long in = 0;
        for (Tensor x : xs) {
            in += x.numel();
        }
        return Cost.move(in + y.numel());
    }

    /** Reads the slice of x, writes y. */
    public static Cost sliceChannels(Tensor y) {
        return Cost.move(2.0 * y.numel());
    }

    /** Reads and writes the box, all channels. */
    public static Cost copyRegion(Tensor src, int[] size) {
        double box = (double) src.shape().dim(0) * src.shape().dim(1)
                * size[0] * size[1] * size[2];
        return Cost.move(2 * box);
    }

    /** Writes t. */
    public static Cost fill(Tensor t) {
        return Cost.move(t.numel());
    }

    /** Reads src, writes dst. */
    public static Cost copy(Tensor src) {
        return Cost.move(2.0 * src.numel());
    }

    /** Writes the new tensor (from the host, or zeros). */
    public static Cost upload(long elements) {
        return Cost.move(elements);
    }

    /**
     * Sixteen per element: weight decay (2), the two moments (3 + 4), bias
     * correction (2) and the update (5). Reads p, g, m, v; writes p, m, v.
     */
    public static Cost adamStep(Tensor p) {
        return new Cost(16.0 * p.numel(), F * 7 * p.numel());
    }

    /** Six per element: buf update (4) and p update (2). Reads p, g, buf; writes p, buf. */
    public static Cost sgdStep(Tensor p) {
        return new Cost(6.0 * p.numel(), F * 5 * p.numel());
    }

    private static double elems(long... counts) {
        double s = 0;
        for (long c : counts) {
            s += c;
        }
        return s;
    }
}
