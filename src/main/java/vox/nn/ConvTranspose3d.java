package vox.nn;

import java.util.SplittableRandom;
import vox.backend.Backend;
import vox.ops.Conv;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** Transposed 3D convolution layer without bias: weight (C, K, KD, KH, KW). */
public final class ConvTranspose3d extends Layer {
    private final Parameter weight;
    private final int[] stride;
    private final int[] pad;

    public ConvTranspose3d(Backend be, SplittableRandom rng, int c, int k, int[] kernel,
                           int[] stride, int[] pad) {
        Shape ws = Shape.of(c, k, kernel[0], kernel[1], kernel[2]);
        // Each output voxel sums C inputs times the taps that overlap it.
        double fanIn = (double) c * kernel[0] * kernel[1] * kernel[2]
                / ((double) stride[0] * stride[1] * stride[2]);
        this.weight = param("weight",
                be.fromArray(ws, Init.heNormal((int) ws.numel(), fanIn, 0.25, rng)));
        this.stride = stride.clone();
        this.pad = pad.clone();
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Conv.convTranspose3d(x, weight.value(), stride, pad);
    }

    /** FLOPs of one forward pass for input shape x (N, C, D, H, W). */
    public double flops(Shape x) {
        Shape w = weight.value().shape();
        return 2.0 * x.numel() * w.dim(1) * w.dim(2) * w.dim(3) * w.dim(4);
    }
}
