package vox.nn;

import java.util.SplittableRandom;
import vox.backend.Backend;
import vox.ops.Conv;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * 3D convolution layer: weight (K, C, KD, KH, KW), optional bias (K), He
 * initialisation for a following PReLU of slope 0.25, bias zero.
 */
public final class Conv3d extends Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final int[] stride;
    private final int[] pad;

    /**
     * @param kernel (KD, KH, KW)
     * @param stride (D, H, W)
     * @param pad    zero padding per side (D, H, W)
     */
    public Conv3d(Backend be, SplittableRandom rng, int c, int k, int[] kernel, int[] stride,
                  int[] pad, boolean withBias) {
        Shape ws = Shape.of(k, c, kernel[0], kernel[1], kernel[2]);
        double fanIn = (double) c * kernel[0] * kernel[1] * kernel[2];
        this.weight = param("weight",
                be.fromArray(ws, Init.heNormal((int) ws.numel(), fanIn, 0.25, rng)));
        this.bias = withBias ? param("bias", be.zeros(Shape.of(k))) : null;
        this.stride = stride.clone();
        this.pad = pad.clone();
    }

    /** A "same" convolution: stride 1, padding kernel/2 on each axis. */
    public static Conv3d same(Backend be, SplittableRandom rng, int c, int k, int[] kernel) {
        return new Conv3d(be, rng, c, k, kernel, new int[] {1, 1, 1},
                new int[] {kernel[0] / 2, kernel[1] / 2, kernel[2] / 2}, true);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Conv.conv3d(x, weight.value(), bias == null ? null : bias.value(), stride, pad);
    }

    /** FLOPs of one forward pass for input shape x. */
    public double flops(Shape x) {
        Shape w = weight.value().shape();
        return vox.backend.Conv3dSpec.of(x, w.dim(0), new int[] {w.dim(2), w.dim(3), w.dim(4)},
                stride, pad).flops();
    }
}
