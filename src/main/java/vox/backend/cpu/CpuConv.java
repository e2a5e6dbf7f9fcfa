package vox.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import vox.backend.Conv3dSpec;

/**
 * Direct 3D convolution on the host, channels innermost.
 *
 * <pre>
 *   x  (N, D, H, W, C)     dX same
 *   w  (K, KD, KH, KW, C)  canonical weight order; dW same
 *   y  (N, OD, OH, OW, K)  dY same
 * </pre>
 *
 * No im2col buffer: each output voxel gathers its taps straight from x.
 * The forward pass repacks w as (KD, KH, KW, C, K) so that the inner loop
 * is an axpy over K output channels, vectorised with the Vector API.
 * Threads split the output rows (forward), input rows (backward-data) or
 * kernel taps (backward-weight); no two threads write one element.
 */
final class CpuConv {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    private CpuConv() {
    }

    /** y = conv(x, w) + bias. */
    static void forward(float[] x, float[] w, float[] bias, Conv3dSpec s, float[] y) {
        final int c = s.c();
        final int k = s.k();
        final int taps = s.kd() * s.kh() * s.kw();
        final float[] wt = packTapChannelK(w, k, taps, c);
        final int od = s.od();
        final int oh = s.oh();
        final int ow = s.ow();
        Parallel.range(s.n() * od * oh, (from, to) -> {
            float[] acc = new float[k];
            for (int row = from; row < to; row++) {
                int n = row / (od * oh);
                int zo = (row / oh) % od;
                int yo = row % oh;
                for (int xo = 0; xo < ow; xo++) {
                    if (bias != null) {
                        System.arraycopy(bias, 0, acc, 0, k);
                    } else {
                        java.util.Arrays.fill(acc, 0f);
                    }
                    for (int a = 0; a < s.kd(); a++) {
                        int zi = zo * s.strideD() - s.padD() + a;
                        if (zi < 0 || zi >= s.d()) {
                            continue;
                        }
                        for (int b = 0; b < s.kh(); b++) {
                            int yi = yo * s.strideH() - s.padH() + b;
                            if (yi < 0 || yi >= s.h()) {
                                continue;
                            }
                            for (int e = 0; e < s.kw(); e++) {
                                int xi = xo * s.strideW() - s.padW() + e;
                                if (xi < 0 || xi >= s.w()) {
                                    continue;
                                }
                                int tap = (a * s.kh() + b) * s.kw() + e;
                                int xOff = (((n * s.d() + zi) * s.h() + yi) * s.w() + xi) * c;
                                int wOff = tap * c * k;
                                for (int ci = 0; ci < c; ci++) {
                                    axpy(x[xOff + ci], wt, wOff + ci * k, acc, 0, k);
                                }
                            }
                        }
                    }
                    int yOff = (((n * od + zo) * oh + yo) * ow + xo) * k;
                    System.arraycopy(acc, 0, y, yOff, k);
                }
            }
        });
    }

    /** dX = conv^T(dY, w): each input voxel gathers the output voxels it fed. */
    static void backwardData(float[] dy, float[] w, Conv3dSpec s, float[] dx) {
        final int c = s.c();
        final int k = s.k();
        final int od = s.od();
        final int oh = s.oh();
        final int ow = s.ow();
        final int taps = s.kd() * s.kh() * s.kw();
        Parallel.range(s.n() * s.d() * s.h(), (from, to) -> {
            float[] acc = new float[c];
            for (int row = from; row < to; row++) {
                int n = row / (s.d() * s.h());
                int zi = (row / s.h()) % s.d();
                int yi = row % s.h();
                for (int xi = 0; xi < s.w(); xi++) {
                    java.util.Arrays.fill(acc, 0f);
                    for (int a = 0; a < s.kd(); a++) {
                        int zt = zi + s.padD() - a;
                        if (zt < 0 || zt % s.strideD() != 0 || zt / s.strideD() >= od) {
                            continue;
                        }
                        int zo = zt / s.strideD();
                        for (int b = 0; b < s.kh(); b++) {
                            int yt = yi + s.padH() - b;
                            if (yt < 0 || yt % s.strideH() != 0 || yt / s.strideH() >= oh) {
                                continue;
                            }
                            int yo = yt / s.strideH();
                            for (int e = 0; e < s.kw(); e++) {
                                int xt = xi + s.padW() - e;
                                if (xt < 0 || xt % s.strideW() != 0 || xt / s.strideW() >= ow) {
                                    continue;
                                }
                                int xo = xt / s.strideW();
                                int tap = (a * s.kh() + b) * s.kw() + e;
                                int dyOff = (((n * od + zo) * oh + yo) * ow + xo) * k;
                                for (int ki = 0; ki < k; ki++) {
                                    int wOff = (ki * taps + tap) * c;
                                    axpy(dy[dyOff + ki], w, wOff, acc, 0, c);
                                }
                            }
                        }
                    }
                    int xOff = (((n * s.d() + zi) * s.h() + yi) * s.w() + xi) * c;
                    System.arraycopy(acc, 0, dx, xOff, c);
                }
            }
        });
    }

    /** dW[k, tap, c] = sum over output voxels of dY[o, k] * x[in(o, tap), c]. */
    static void backwardWeight(float[] x, float[] dy, Conv3dSpec s, float[] dw) {
        final int c = s.c();
        final int k = s.k();
        final int od = s.od();
        final int oh = s.oh();
        final int ow = s.ow();
        final int taps = s.kd() * s.kh() * s.kw();
        Parallel.range(taps, (from, to) -> {
            float[] rowAcc = new float[k * c];
            double[] acc = new double[k * c];
            for (int tap = from; tap < to; tap++) {
                int a = tap / (s.kh() * s.kw());
                int b = (tap / s.kw()) % s.kh();
                int e = tap % s.kw();
                java.util.Arrays.fill(acc, 0);
                for (int n = 0; n < s.n(); n++) {
                    for (int zo = 0; zo < od; zo++) {
                        int zi = zo * s.strideD() - s.padD() + a;
                        if (zi < 0 || zi >= s.d()) {
                            continue;
                        }
                        for (int yo = 0; yo < oh; yo++) {
                            int yi = yo * s.strideH() - s.padH() + b;
                            if (yi < 0 || yi >= s.h()) {
                                continue;
                            }
                            // Float partial sums over one output row, then double.
                            java.util.Arrays.fill(rowAcc, 0f);
                            for (int xo = 0; xo < ow; xo++) {
                                int xi = xo * s.strideW() - s.padW() + e;
                                if (xi < 0 || xi >= s.w()) {
                                    continue;
                                }
                                int xOff = (((n * s.d() + zi) * s.h() + yi) * s.w() + xi) * c;
                                int dyOff = (((n * od + zo) * oh + yo) * ow + xo) * k;
                                for (int ki = 0; ki < k; ki++) {
                                    axpy(dy[dyOff + ki], x, xOff, rowAcc, ki * c, c);
                                }
                            }
                            for (int i = 0; i < k * c; i++) {
                                acc[i] += rowAcc[i];
                            }
                        }
                    }
                }
                for (int ki = 0; ki < k; ki++) {
                    for (int ci = 0; ci < c; ci++) {
                        dw[(ki * taps + tap) * c + ci] = (float) acc[ki * c + ci];
                    }
                }
            }
        });
    }

    /** (K, taps, C) to (taps, C, K). */
    static float[] packTapChannelK(float[] w, int k, int taps, int c) {
        float[] out = new float[w.length];
        for (int ki = 0; ki < k; ki++) {
            for (int t = 0; t < taps; t++) {
                for (int ci = 0; ci < c; ci++) {
                    out[(t * c + ci) * k + ki] = w[(ki * taps + t) * c + ci];
                }
            }
        }
        return out;
    }

    /** y[yo .. yo+len) += a * x[xo .. xo+len). */
    static void axpy(float a, float[] x, int xo, float[] y, int yo, int len) {
        int i = 0;
        if (len >= LANES) {
            FloatVector va = FloatVector.broadcast(SPECIES, a);
            int bound = SPECIES.loopBound(len);
            for (; i < bound; i += LANES) {
                FloatVector vx = FloatVector.fromArray(SPECIES, x, xo + i);
                FloatVector vy = FloatVector.fromArray(SPECIES, y, yo + i);
                vx.fma(va, vy).intoArray(y, yo + i);
            }
        }
        for (; i < len; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /** Sum of a[ao + i] * b[bo + i] for i below len. */
    static float dot(float[] a, int ao, float[] b, int bo, int len) {
        int i = 0;
        float s = 0;
        if (len >= LANES) {
            FloatVector acc = FloatVector.zero(SPECIES);
            int bound = SPECIES.loopBound(len);
            for (; i < bound; i += LANES) {
                acc = FloatVector.fromArray(SPECIES, a, ao + i)
                        .fma(FloatVector.fromArray(SPECIES, b, bo + i), acc);
            }
            s = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < len; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }
}
