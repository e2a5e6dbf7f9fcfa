package vox.backend;

import vox.tensor.Shape;

/**
 * The complete geometry of one 3D convolution, named as in the rest of vox.
 *
 * <pre>
 *   x  (N, C, D, H, W)         input, stored (N, D, H, W, C)
 *   w  (K, C, KD, KH, KW)      weight, stored (K, KD, KH, KW, C)
 *   y  (N, K, OD, OH, OW)      output, stored (N, OD, OH, OW, K)
 *   OD = (D + 2 padD - KD) / strideD + 1, likewise OH, OW
 *   y[n,k,od,oh,ow] = bias[k] + sum_{c,kd,kh,kw}
 *       x[n, c, od*strideD - padD + kd, oh*strideH - padH + kh, ow*strideW - padW + kw]
 *       * w[k, c, kd, kh, kw]        (taps outside x read zero)
 * </pre>
 *
 * A transposed convolution is described by the spec of the forward
 * convolution that maps its output back to its input.
 */
public record Conv3dSpec(
        int n, int c, int d, int h, int w,          // input
        int k, int kd, int kh, int kw,              // output channels, kernel
        int strideD, int strideH, int strideW,
        int padD, int padH, int padW) {

    public Conv3dSpec {
        int[] all = {n, c, d, h, w, k, kd, kh, kw, strideD, strideH, strideW};
        for (int v : all) {
            if (v <= 0) {
                throw new IllegalArgumentException("conv3d: extents, kernel and stride must be"
                        + " positive, got " + describeRaw(n, c, d, h, w, k, kd, kh, kw,
                        strideD, strideH, strideW, padD, padH, padW));
            }
        }
        if (padD < 0 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv3d: padding must be >= 0, got ("
                    + padD + ", " + padH + ", " + padW + ")");
        }
        if (d + 2 * padD < kd || h + 2 * padH < kh || w + 2 * padW < kw) {
            throw new IllegalArgumentException("conv3d: kernel (" + kd + ", " + kh + ", " + kw
                    + ") is larger than the padded input (" + (d + 2 * padD) + ", "
                    + (h + 2 * padH) + ", " + (w + 2 * padW) + ")");
        }
    }

    /** Spec for input shape (N, C, D, H, W), K outputs, kernel, stride and padding per axis. */
    public static Conv3dSpec of(Shape x, int k, int[] kernel, int[] stride, int[] pad) {
        if (!x.is5d()) {
            throw new IllegalArgumentException("conv3d: input must be (N, C, D, H, W), got " + x);
        }
        return new Conv3dSpec(x.dim(0), x.dim(1), x.dim(2), x.dim(3), x.dim(4), k,
                kernel[0], kernel[1], kernel[2], stride[0], stride[1], stride[2],
                pad[0], pad[1], pad[2]);
    }

    public int od() {
        return (d + 2 * padD - kd) / strideD + 1;
    }

    public int oh() {
        return (h + 2 * padH - kh) / strideH + 1;
    }

    public int ow() {
        return (w + 2 * padW - kw) / strideW + 1;
    }

    public Shape inputShape() {
        return Shape.of(n, c, d, h, w);
    }

    public Shape weightShape() {
        return Shape.of(k, c, kd, kh, kw);
    }

    public Shape outputShape() {
        return Shape.of(n, k, od(), oh(), ow());
    }

    /** Multiply-adds times two: the FLOPs of the forward pass. */
    public double flops() {
        return 2.0 * n * od() * oh() * ow() * (double) k * c * kd * kh * kw;
    }

    public boolean isUnitStride() {
        return strideD == 1 && strideH == 1 && strideW == 1;
    }

    @Override
    public String toString() {
        return describeRaw(n, c, d, h, w, k, kd, kh, kw, strideD, strideH, strideW,
                padD, padH, padW);
    }

    private static String describeRaw(int n, int c, int d, int h, int w, int k,
            int kd, int kh, int kw, int sd, int sh, int sw, int pd, int ph, int pw) {
        return "x(" + n + "," + c + "," + d + "," + h + "," + w + ") k=" + k
                + " kernel(" + kd + "," + kh + "," + kw + ") stride(" + sd + "," + sh + ","
                + sw + ") pad(" + pd + "," + ph + "," + pw + ")";
    }
}
