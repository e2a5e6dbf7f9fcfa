package vox.reference;

import vox.backend.BinaryOp;
import vox.backend.Conv3dSpec;
import vox.backend.UnaryOp;

/**
 * Float64 reference implementations of every primitive of
 * {@code vox.backend.Backend}, written as plain loops that a reader can
 * check by eye. They are slow on purpose: no blocking, no threads, no
 * clever index arithmetic. Backends are tested against these.
 *
 * <p>Arrays are in vox's memory order, channels innermost (see
 * {@code vox.tensor.Shape}):
 * <pre>
 *   activation (N, C, D, H, W)     stored (N, D, H, W, C)
 *   weight     (K, C, KD, KH, KW)  stored (K, KD, KH, KW, C)
 * </pre>
 * A tensor with a channel dimension is viewed as {@code rows} voxels of
 * {@code C} channels: element (voxel r, channel c) is at {@code r * C + c}.
 * Where a batch is needed, voxel r belongs to batch {@code r / S} with
 * {@code S} voxels per batch item.
 */
public final class RefOps {

    private RefOps() {
    }

    // ---- indexing ---------------------------------------------------------

    /** Index of x[n, c, z, y, x] in an (N, C, D, H, W) tensor stored channels last. */
    static int at(int n, int c, int z, int y, int x,
                  int cs, int d, int h, int w) {
        return (((n * d + z) * h + y) * w + x) * cs + c;
    }

    /** Index of w[k, c, a, b, e] in a (K, C, KD, KH, KW) weight stored (K, KD, KH, KW, C). */
    static int wat(int k, int c, int a, int b, int e,
                   int cs, int kd, int kh, int kw) {
        return (((k * kd + a) * kh + b) * kw + e) * cs + c;
    }

    // ---- convolution ------------------------------------------------------

    /**
     * y[n,k,o] = bias[k] + sum over c and taps of x[n,c,o*stride-pad+tap] * w[k,c,tap].
     * bias may be null.
     */
    public static double[] conv3dForward(double[] x, double[] w, double[] bias,
                                         Conv3dSpec s) {
        int od = s.od();
        int oh = s.oh();
        int ow = s.ow();
        double[] y = new double[s.n() * od * oh * ow * s.k()];
        for (int n = 0; n < s.n(); n++) {
            for (int k = 0; k < s.k(); k++) {
                for (int oz = 0; oz < od; oz++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            double acc = bias == null ? 0 : bias[k];
                            for (int c = 0; c < s.c(); c++) {
                                for (int a = 0; a < s.kd(); a++) {
                                    for (int b = 0; b < s.kh(); b++) {
                                        for (int e = 0; e < s.kw(); e++) {
                                            int iz = oz * s.strideD() - s.padD() + a;
                                            int iy = oy * s.strideH() - s.padH() + b;
                                            int ix = ox * s.strideW() - s.padW() + e;
                                            if (inside(iz, iy, ix, s)) {
                                                acc += x[at(n, c, iz, iy, ix,
                                                        s.c(), s.d(), s.h(), s.w())]
                                                        * w[wat(k, c, a, b, e,
                                                        s.c(), s.kd(), s.kh(), s.kw())];
                                            }
                                        }
                                    }
                                }
                            }
                            y[at(n, k, oz, oy, ox, s.k(), od, oh, ow)] = acc;
                        }
                    }
                }
            }
        }
        return y;
    }

    /**
     * dX of the forward above: every product x*w that fed y[n,k,o] sends
     * dY[n,k,o] * w back to the x element it read (a scatter).
     */
    public static double[] conv3dBackwardData(double[] dY, double[] w, Conv3dSpec s) {
        int od = s.od();
        int oh = s.oh();
        int ow = s.ow();
        double[] dX = new double[s.n() * s.d() * s.h() * s.w() * s.c()];
        for (int n = 0; n < s.n(); n++) {
            for (int k = 0; k < s.k(); k++) {
                for (int oz = 0; oz < od; oz++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            double g = dY[at(n, k, oz, oy, ox, s.k(), od, oh, ow)];
                            for (int c = 0; c < s.c(); c++) {
                                for (int a = 0; a < s.kd(); a++) {
                                    for (int b = 0; b < s.kh(); b++) {
                                        for (int e = 0; e < s.kw(); e++) {
                                            int iz = oz * s.strideD() - s.padD() + a;
                                            int iy = oy * s.strideH() - s.padH() + b;
                                            int ix = ox * s.strideW() - s.padW() + e;
                                            if (inside(iz, iy, ix, s)) {
                                                dX[at(n, c, iz, iy, ix,
                                                        s.c(), s.d(), s.h(), s.w())] += g
                                                        * w[wat(k, c, a, b, e,
                                                        s.c(), s.kd(), s.kh(), s.kw())];
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return dX;
    }

    /** dW[k,c,tap] = sum over n and output voxels o of dY[n,k,o] * x[n,c,o*stride-pad+tap]. */
    public static double[] conv3dBackwardWeight(double[] x, double[] dY, Conv3dSpec s) {
        int od = s.od();
        int oh = s.oh();
        int ow = s.ow();
        double[] dW = new double[s.k() * s.kd() * s.kh() * s.kw() * s.c()];
        for (int k = 0; k < s.k(); k++) {
            for (int c = 0; c < s.c(); c++) {
                for (int a = 0; a < s.kd(); a++) {
                    for (int b = 0; b < s.kh(); b++) {
                        for (int e = 0; e < s.kw(); e++) {
                            double acc = 0;
                            for (int n = 0; n < s.n(); n++) {
                                for (int oz = 0; oz < od; oz++) {
                                    for (int oy = 0; oy < oh; oy++) {
                                        for (int ox = 0; ox < ow; ox++) {
                                            int iz = oz * s.strideD() - s.padD() + a;
                                            int iy = oy * s.strideH() - s.padH() + b;
                                            int ix = ox * s.strideW() - s.padW() + e;
                                            if (inside(iz, iy, ix, s)) {
                                                acc += dY[at(n, k, oz, oy, ox,
                                                        s.k(), od, oh, ow)]
                                                        * x[at(n, c, iz, iy, ix,
                                                        s.c(), s.d(), s.h(), s.w())];
                                            }
                                        }
                                    }
                                }
                            }
                            dW[wat(k, c, a, b, e, s.c(), s.kd(), s.kh(), s.kw())] = acc;
                        }
                    }
                }
            }
        }
        return dW;
    }

    private static boolean inside(int z, int y, int x, Conv3dSpec s) {
        return z >= 0 && z < s.d() && y >= 0 && y < s.h() && x >= 0 && x < s.w();
    }

    /** out[c] = sum of x over every voxel (and batch) at channel c. */
    public static double[] sumPerChannel(double[] x, int channels) {
        double[] out = new double[channels];
        for (int i = 0; i < x.length; i++) {
            out[i % channels] += x[i];
        }
        return out;
    }

    // ---- group norm -------------------------------------------------------

    /** Outputs of the group norm forward: y, and mean and rstd of shape (N, G). */
    public record GroupNorm(double[] y, double[] mean, double[] rstd) {
    }

    /**
     * Group norm of x (N, C, S voxels): for each batch item n and group g of
     * C/G consecutive channels, mean and biased variance over the group's
     * channels and all voxels; y = (x - mean) / sqrt(var + eps) * gamma + beta.
     */
    public static GroupNorm groupNormForward(double[] x, int n, int channels, int groups,
                                             double[] gamma, double[] beta, double eps) {
        int s = x.length / (n * channels);
        int cg = channels / groups;
        double[] mean = new double[n * groups];
        double[] rstd = new double[n * groups];
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                double sum = 0;
                for (int v = 0; v < s; v++) {
                    for (int c = g * cg; c < (g + 1) * cg; c++) {
                        sum += x[(b * s + v) * channels + c];
                    }
                }
                double mu = sum / (s * cg);
                double sq = 0;
                for (int v = 0; v < s; v++) {
                    for (int c = g * cg; c < (g + 1) * cg; c++) {
                        double dev = x[(b * s + v) * channels + c] - mu;
                        sq += dev * dev;
                    }
                }
                double var = sq / (s * cg);
                double r = 1 / Math.sqrt(var + eps);
                mean[b * groups + g] = mu;
                rstd[b * groups + g] = r;
                for (int v = 0; v < s; v++) {
                    for (int c = g * cg; c < (g + 1) * cg; c++) {
                        int i = (b * s + v) * channels + c;
                        y[i] = (x[i] - mu) * r * gamma[c] + beta[c];
                    }
                }
            }
        }
        return new GroupNorm(y, mean, rstd);
    }

    /** Gradients of the group norm: dX, dGamma (C), dBeta (C). */
    public record GroupNormGrad(double[] dX, double[] dGamma, double[] dBeta) {
    }

    /**
     * Backward of {@link #groupNormForward}, from its own float64 statistics.
     * With xh = (x - mean) * rstd and g = dY * gamma, over the M elements of a group:
     * dX = rstd * (g - mean(g) - xh * mean(g * xh)); dGamma = sum dY * xh; dBeta = sum dY.
     */
    public static GroupNormGrad groupNormBackward(double[] x, double[] dY, int n, int channels,
                                                  int groups, double[] gamma, double eps) {
        GroupNorm f = groupNormForward(x, n, channels, groups,
                new double[channels], new double[channels], eps);
        int s = x.length / (n * channels);
        int cg = channels / groups;
        double m = (double) s * cg;
        double[] dX = new double[x.length];
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        for (int b = 0; b < n; b++) {
            for (int g = 0; g < groups; g++) {
                double mu = f.mean()[b * groups + g];
                double r = f.rstd()[b * groups + g];
                double sumG = 0;
                double sumGXh = 0;
                for (int v = 0; v < s; v++) {
                    for (int c = g * cg; c < (g + 1) * cg; c++) {
                        int i = (b * s + v) * channels + c;
                        double xh = (x[i] - mu) * r;
                        sumG += dY[i] * gamma[c];
                        sumGXh += dY[i] * gamma[c] * xh;
                        dGamma[c] += dY[i] * xh;
                        dBeta[c] += dY[i];
                    }
                }
                for (int v = 0; v < s; v++) {
                    for (int c = g * cg; c < (g + 1) * cg; c++) {
                        int i = (b * s + v) * channels + c;
                        double xh = (x[i] - mu) * r;
                        dX[i] = r * (dY[i] * gamma[c] - sumG / m - xh * sumGXh / m);
                    }
                }
            }
        }
        return new GroupNormGrad(dX, dGamma, dBeta);
    }

    // ---- PReLU ------------------------------------------------------------

    /** y = x where x > 0, else alpha[c] * x. */
    public static double[] preluForward(double[] x, double[] alpha) {
        int channels = alpha.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] > 0 ? x[i] : alpha[i % channels] * x[i];
        }
        return y;
    }

    /** Gradients of PReLU: dX and dAlpha (C). */
    public record PreluGrad(double[] dX, double[] dAlpha) {
    }

    /** dX = dY where x > 0, else alpha[c] * dY; dAlpha[c] = sum of dY * x where x <= 0. */
    public static PreluGrad preluBackward(double[] x, double[] alpha, double[] dY) {
        int channels = alpha.length;
        double[] dX = new double[x.length];
        double[] dAlpha = new double[channels];
        for (int i = 0; i < x.length; i++) {
            int c = i % channels;
            if (x[i] > 0) {
                dX[i] = dY[i];
            } else {
                dX[i] = alpha[c] * dY[i];
                dAlpha[c] += dY[i] * x[i];
            }
        }
        return new PreluGrad(dX, dAlpha);
    }

    // ---- elementwise ------------------------------------------------------

    /** y = op(x), elementwise, as {@link UnaryOp} documents. */
    public static double[] unary(UnaryOp op, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            switch (op) {
                case RELU -> y[i] = v > 0 ? v : 0;
                case EXP -> y[i] = Math.exp(v);
                case LOG -> y[i] = Math.log(Math.max(v, 1e-30));
                case NEG -> y[i] = -v;
                case SQUARE -> y[i] = v * v;
                case SQRT -> y[i] = Math.sqrt(v);
                case ABS -> y[i] = Math.abs(v);
                default -> throw new IllegalArgumentException("unary: no reference for " + op);
            }
        }
        return y;
    }

    /** y = op(a, b), elementwise, as {@link BinaryOp} documents. */
    public static double[] binary(BinaryOp op, double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            switch (op) {
                case ADD -> y[i] = a[i] + b[i];
                case SUB -> y[i] = a[i] - b[i];
                case MUL -> y[i] = a[i] * b[i];
                case DIV -> y[i] = a[i] / b[i];
                case RELU_BACKWARD -> y[i] = a[i] > 0 ? b[i] : 0;
                case LOG_BACKWARD -> y[i] = b[i] / Math.max(a[i], 1e-30);
                default -> throw new IllegalArgumentException("binary: no reference for " + op);
            }
        }
        return y;
    }

    /** alpha * x + beta * y, elementwise (a new array; y is not changed). */
    public static double[] axpby(double alpha, double[] x, double beta, double[] y) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = alpha * x[i] + beta * y[i];
        }
        return out;
    }

    /** The sum of all elements, as a one-element array. */
    public static double[] sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return new double[] {s};
    }

    // ---- channel ops ------------------------------------------------------

    /** At each voxel: y[c] = exp(x[c]) / sum over c' of exp(x[c']). */
    public static double[] softmaxChannels(double[] x, int channels) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / channels; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < channels; c++) {
                max = Math.max(max, x[r * channels + c]);
            }
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += Math.exp(x[r * channels + c] - max);
            }
            for (int c = 0; c < channels; c++) {
                y[r * channels + c] = Math.exp(x[r * channels + c] - max) / sum;
            }
        }
        return y;
    }

    /** At each voxel: dX[c] = y[c] * (dY[c] - sum over c' of y[c'] * dY[c']). */
    public static double[] softmaxChannelsBackward(double[] y, double[] dY, int channels) {
        double[] dX = new double[y.length];
        for (int r = 0; r < y.length / channels; r++) {
            double dot = 0;
            for (int c = 0; c < channels; c++) {
                dot += y[r * channels + c] * dY[r * channels + c];
            }
            for (int c = 0; c < channels; c++) {
                dX[r * channels + c] = y[r * channels + c] * (dY[r * channels + c] - dot);
            }
        }
        return dX;
    }

    /** At each voxel: the index of the largest channel (the first one on ties). */
    public static double[] argmaxChannels(double[] x, int channels) {
        double[] out = new double[x.length / channels];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int c = 1; c < channels; c++) {
                if (x[r * channels + c] > x[r * channels + best]) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** out (3, C): per channel sum(p * label), sum(p^2), sum(label^2). */
    public static double[] diceSums(double[] p, double[] label, int channels) {
        double[] out = new double[3 * channels];
        for (int i = 0; i < p.length; i++) {
            int c = i % channels;
            out[c] += p[i] * label[i];
            out[channels + c] += p[i] * p[i];
            out[2 * channels + c] += label[i] * label[i];
        }
        return out;
    }

    /** dP[..., c] = a[c] * label[..., c] + b[c] * p[..., c]. */
    public static double[] diceBackward(double[] p, double[] label, double[] a, double[] b) {
        int channels = a.length;
        double[] dP = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            int c = i % channels;
            dP[i] = a[c] * label[i] + b[c] * p[i];
        }
        return dP;
    }

    /** Concatenation along channels of tensors with rows voxels each; cs[i] channels of xs[i]. */
    public static double[] concatChannels(double[][] xs, int[] cs, int rows) {
        int total = 0;
        for (int c : cs) {
            total += c;
        }
        double[] y = new double[rows * total];
        for (int r = 0; r < rows; r++) {
            int offset = 0;
            for (int i = 0; i < xs.length; i++) {
                for (int c = 0; c < cs[i]; c++) {
                    y[r * total + offset + c] = xs[i][r * cs[i] + c];
                }
                offset += cs[i];
            }
        }
        return y;
    }

    /** Channels [from, from + count) of x, which has {@code channels} channels. */
    public static double[] sliceChannels(double[] x, int channels, int from, int count) {
        int rows = x.length / channels;
        double[] y = new double[rows * count];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < count; c++) {
                y[r * count + c] = x[r * channels + from + c];
            }
        }
        return y;
    }

    /**
     * dst with a box of size (D, H, W), all channels and batch items, copied
     * from src at srcOffset to dst at dstOffset. Shapes are (N, C, D, H, W).
     */
    public static double[] copyRegion(double[] src, int[] srcShape, int[] srcOffset,
                                      double[] dst, int[] dstShape, int[] dstOffset,
                                      int[] size) {
        double[] out = dst.clone();
        int n = srcShape[0];
        int channels = srcShape[1];
        for (int b = 0; b < n; b++) {
            for (int z = 0; z < size[0]; z++) {
                for (int y = 0; y < size[1]; y++) {
                    for (int x = 0; x < size[2]; x++) {
                        for (int c = 0; c < channels; c++) {
                            int si = at(b, c, srcOffset[0] + z, srcOffset[1] + y,
                                    srcOffset[2] + x, channels,
                                    srcShape[2], srcShape[3], srcShape[4]);
                            int di = at(b, c, dstOffset[0] + z, dstOffset[1] + y,
                                    dstOffset[2] + x, channels,
                                    dstShape[2], dstShape[3], dstShape[4]);
                            out[di] = src[si];
                        }
                    }
                }
            }
        }
        return out;
    }

    // ---- optimizers -------------------------------------------------------

    /** Parameters and optimizer state after one step: p, and m, v (Adam) or buf (SGD). */
    public record OptState(double[] p, double[] m, double[] v) {
    }

    /**
     * Adam with L2 weight decay added to the gradient, bias-corrected for
     * the 1-based step t: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
     * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
     */
    public static OptState adamStep(double[] p, double[] g, double[] m, double[] v,
                                    double lr, double beta1, double beta2, double eps,
                                    double weightDecay, int t) {
        double[] p2 = p.clone();
        double[] m2 = m.clone();
        double[] v2 = v.clone();
        for (int i = 0; i < p.length; i++) {
            double gi = g[i] + weightDecay * p[i];
            m2[i] = beta1 * m[i] + (1 - beta1) * gi;
            v2[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
            double mHat = m2[i] / (1 - Math.pow(beta1, t));
            double vHat = v2[i] / (1 - Math.pow(beta2, t));
            p2[i] = p[i] - lr * mHat / (Math.sqrt(vHat) + eps);
        }
        return new OptState(p2, m2, v2);
    }

    /** SGD with momentum: buf = momentum * buf + g + wd * p; p -= lr * buf. State in m. */
    public static OptState sgdStep(double[] p, double[] g, double[] buf, double lr,
                                   double momentum, double weightDecay) {
        double[] p2 = p.clone();
        double[] b2 = buf.clone();
        for (int i = 0; i < p.length; i++) {
            b2[i] = momentum * buf[i] + g[i] + weightDecay * p[i];
            p2[i] = p[i] - lr * b2[i];
        }
        return new OptState(p2, b2, null);
    }
}
