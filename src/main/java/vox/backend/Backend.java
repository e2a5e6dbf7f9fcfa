package vox.backend;

import vox.tensor.Device;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * The primitive kernels of one device. Autograd and ops are written once,
 * above this interface; each backend implements only these primitives.
 *
 * <p>Conventions for every method:
 * <ul>
 * <li>All tensors must live on {@link #device()}; a foreign tensor is an
 *     {@link IllegalArgumentException} that names both devices.</li>
 * <li>Outputs are passed in, allocated by the caller with the documented
 *     shape, and fully overwritten (never accumulated into) unless a method
 *     says otherwise. An output may alias an input only for elementwise ops.</li>
 * <li>Device backends may run asynchronously; reading a tensor on the host
 *     waits for the work that writes it.</li>
 * </ul>
 * Shapes use the letters of {@link Shape}; per-channel vectors have shape (C).
 */
public interface Backend {

    Device device();

    /** One line: kind, device name, and what it runs with (threads, compute units). */
    String description();

    // ---- memory -----------------------------------------------------------

    /** A tensor with undefined contents. */
    Tensor empty(Shape shape);

    /** A tensor holding {@code data}, given in memory order (see {@link Shape}). */
    default Tensor fromArray(Shape shape, float[] data) {
        if (data.length != shape.numel()) {
            throw new IllegalArgumentException("fromArray: " + data.length
                    + " values do not fill shape " + shape + " (" + shape.numel() + ")");
        }
        Tensor t = empty(shape);
        t.storage().write(data);
        return t;
    }

    default Tensor zeros(Shape shape) {
        Tensor t = empty(shape);
        fill(t, 0f);
        return t;
    }

    void fill(Tensor t, float value);

    /** {@code dst = src}; same number of elements. */
    void copy(Tensor src, Tensor dst);

    /** Waits for all launched work. */
    void synchronize();

    MemoryStats memoryStats();

    // ---- convolution ------------------------------------------------------

    /** y (N,K,OD,OH,OW) = conv(x (N,C,D,H,W), w (K,C,KD,KH,KW)) + bias (K); bias may be null. */
    void conv3dForward(Tensor x, Tensor w, Tensor bias, Conv3dSpec spec, Tensor y);

    /** dX (N,C,D,H,W) from dY (N,K,OD,OH,OW) and w. */
    void conv3dBackwardData(Tensor dY, Tensor w, Conv3dSpec spec, Tensor dX);

    /** dW (K,C,KD,KH,KW) from x and dY. */
    void conv3dBackwardWeight(Tensor x, Tensor dY, Conv3dSpec spec, Tensor dW);

    /** out (C) = sum of x (N,C,...) over every dimension but the channel. */
    void sumPerChannel(Tensor x, Tensor out);

    // ---- normalisation and activations ------------------------------------

    /**
     * Group norm of x (N,C,D,H,W) with {@code groups} groups of C/groups
     * channels: y = (x - mean) * rstd * gamma[c] + beta[c]. Also writes the
     * statistics that the backward pass needs: mean and rstd of shape (N, G).
     */
    void groupNormForward(Tensor x, Tensor gamma, Tensor beta, int groups, float eps,
                          Tensor y, Tensor mean, Tensor rstd);

    /** dX, dGamma (C), dBeta (C) of group norm, from the forward's saved statistics. */
    void groupNormBackward(Tensor x, Tensor dY, Tensor gamma, Tensor mean, Tensor rstd,
                           int groups, Tensor dX, Tensor dGamma, Tensor dBeta);

    /** y = x if x > 0, else alpha[c] * x; alpha has shape (C). */
    void preluForward(Tensor x, Tensor alpha, Tensor y);

    /** dX and dAlpha (C) of PReLU. */
    void preluBackward(Tensor x, Tensor alpha, Tensor dY, Tensor dX, Tensor dAlpha);

    void unary(UnaryOp op, Tensor x, Tensor y);

    void binary(BinaryOp op, Tensor a, Tensor b, Tensor y);

    /** y = alpha * x + beta * y, elementwise, in place on y. */
    void axpby(float alpha, Tensor x, float beta, Tensor y);

    /** out (1) = sum of all elements of x. */
    void sum(Tensor x, Tensor out);

    // ---- channel ops ------------------------------------------------------

    /** Softmax over the channel dimension of x (N,C,...), at each voxel. */
    void softmaxChannels(Tensor x, Tensor y);

    /** dX = y * (dY - sum_c y * dY), per voxel, from the softmax output y. */
    void softmaxChannelsBackward(Tensor y, Tensor dY, Tensor dX);

    /** out (N,1,...) = index of the largest channel at each voxel, as a float. */
    void argmaxChannels(Tensor x, Tensor out);

    /**
     * Partial sums of the soft-Dice loss over p and label, both (N,C,...):
     * out (3, C) holds per channel sum(p * label), sum(p^2), sum(label^2).
     */
    void diceSums(Tensor p, Tensor label, Tensor out);

    /** dP[..., c] = a[c] * label[..., c] + b[c] * p[..., c]: the Dice loss backward. */
    void diceBackward(Tensor p, Tensor label, float[] a, float[] b, Tensor dP);

    /** y = x_0, x_1, ... concatenated along channels; all (N, C_i, ...) with equal rest. */
    void concatChannels(Tensor[] xs, Tensor y);

    /** y (N, Cy, ...) = x[:, from : from + Cy, ...]. */
    void sliceChannels(Tensor x, int from, Tensor y);

    /**
     * Copies a box of {@code size} (D, H, W) voxels, all channels, from src at
     * {@code srcOffset} to dst at {@code dstOffset}; both (N, C, ...) with the
     * same N and C. Voxels of dst outside the box are left as they are.
     */
    void copyRegion(Tensor src, int[] srcOffset, Tensor dst, int[] dstOffset, int[] size);

    // ---- optimizers -------------------------------------------------------

    /**
     * One Adam step in place on p, m and v with bias correction for step
     * {@code step} (1-based); weightDecay is L2 added to the gradient.
     */
    void adamStep(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float beta1,
                  float beta2, float eps, float weightDecay, int step);

    /** SGD with momentum in place: buf = momentum * buf + g + wd * p; p -= lr * buf. */
    void sgdStep(Tensor p, Tensor g, Tensor buf, float lr, float momentum, float weightDecay);
}
