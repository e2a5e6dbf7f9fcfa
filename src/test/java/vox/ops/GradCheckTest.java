package vox.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.BinaryOp;
import vox.backend.Conv3dSpec;
import vox.backend.UnaryOp;
import vox.reference.RefOps;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * Every differentiable op's backward against central finite differences of
 * an independent float64 forward (the plain loops of {@link RefOps}).
 *
 * <p>The checked scalar is L = sum(op(inputs) * R) for a random R. The
 * analytic gradient comes from vox's autograd in float32; the numeric one
 * from (L(v + h) - L(v - h)) / 2h in float64 at the same point, on a random
 * subset of each input's elements.
 */
class GradCheckTest {
    private static final Backend BE = Backends.cpu();
    private static final double H = 1e-5;
    private static final double TOL = 2e-3;
    private static final int PROBES = 48;

    @FunctionalInterface
    interface Forward64 {
        double[] apply(double[][] in);
    }

    @FunctionalInterface
    interface Forward32 {
        Tensor apply(Tensor[] in);
    }

    private final SplittableRandom rng = new SplittableRandom(20261203);

    // ---- the harness --------------------------------------------------------

    private double[] random(int n, double scale, double awayFromZero) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double r;
            do {
                r = (rng.nextDouble() * 2 - 1) * scale;
            } while (Math.abs(r) < awayFromZero);
            v[i] = (float) r; // representable exactly in float32
        }
        return v;
    }

    private void check(String op, Shape[] shapes, double[][] values, boolean[] differentiable,
                       Forward32 f32, Forward64 f64) {
        Tensor[] in = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            in[i] = BE.fromArray(shapes[i], toFloat(values[i])).requiresGrad(differentiable[i]);
        }
        Tensor out = f32.apply(in);
        double[] r = random((int) out.numel(), 1.0, 0);
        Tensor loss = Arith.sum(Arith.mul(out, BE.fromArray(out.shape(), toFloat(r))));
        Autograd.backward(loss);

        for (int i = 0; i < shapes.length; i++) {
            if (!differentiable[i]) {
                continue;
            }
            assertTrue(in[i].grad() != null, op + ": no gradient reached input " + i);
            float[] analytic = in[i].grad().toArray();
            int n = values[i].length;
            double num = 0;
            double den = 0;
            for (int p = 0; p < Math.min(PROBES, n); p++) {
                int j = n <= PROBES ? p : rng.nextInt(n);
                double keep = values[i][j];
                values[i][j] = keep + H;
                double up = dot(f64.apply(values), r);
                values[i][j] = keep - H;
                double down = dot(f64.apply(values), r);
                values[i][j] = keep;
                double fd = (up - down) / (2 * H);
                num += (analytic[j] - fd) * (analytic[j] - fd);
                den += fd * fd;
            }
            double rel = Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
            assertTrue(rel < TOL, op + ": input " + i + " gradient differs from finite"
                    + " differences, relative error " + rel);
        }
    }

    private static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    // ---- convolution ----------------------------------------------------------

    private void checkConv(Shape x, int k, int[] kernel, int[] stride, int[] pad, boolean bias) {
        Conv3dSpec spec = Conv3dSpec.of(x, k, kernel, stride, pad);
        Shape w = spec.weightShape();
        Shape[] shapes = bias ? new Shape[] {x, w, Shape.of(k)} : new Shape[] {x, w};
        double[][] v = new double[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            v[i] = random((int) shapes[i].numel(), 1.0, 0);
        }
        boolean[] diff = bias ? new boolean[] {true, true, true} : new boolean[] {true, true};
        check("conv3d " + spec, shapes, v, diff,
                t -> Conv.conv3d(t[0], t[1], bias ? t[2] : null, stride, pad),
                d -> RefOps.conv3dForward(d[0], d[1], bias ? d[2] : null, spec));
    }

    @Test
    void conv3dBackwardMatchesFiniteDifferences() {
        checkConv(Shape.of(2, 3, 5, 4, 6), 5, new int[] {3, 3, 3}, new int[] {1, 1, 1},
                new int[] {1, 1, 1}, true);
        checkConv(Shape.of(1, 5, 7, 6, 5), 3, new int[] {3, 3, 3}, new int[] {2, 2, 2},
                new int[] {1, 0, 1}, true);
        checkConv(Shape.of(1, 4, 9, 3, 4), 6, new int[] {7, 1, 1}, new int[] {1, 1, 1},
                new int[] {3, 0, 0}, false);
        checkConv(Shape.of(1, 3, 3, 4, 9), 2, new int[] {1, 1, 5}, new int[] {1, 1, 2},
                new int[] {0, 0, 2}, true);
        checkConv(Shape.of(1, 2, 4, 6, 4), 3, new int[] {2, 2, 2}, new int[] {2, 2, 2},
                new int[] {0, 0, 0}, true);
    }

    @Test
    void convTranspose3dBackwardMatchesFiniteDifferences() {
        int[][] cases = {
            // C, K, D, H, W, kernel, stride, pad
            {3, 5, 2, 3, 2, 2, 2, 0},
            {4, 2, 3, 2, 3, 3, 2, 1},
            {2, 3, 3, 3, 2, 3, 1, 1},
        };
        for (int[] c : cases) {
            Shape x = Shape.of(1, c[0], c[2], c[3], c[4]);
            int[] kernel = {c[5], c[5], c[5]};
            int[] stride = {c[6], c[6], c[6]};
            int[] pad = {c[7], c[7], c[7]};
            int[] out = new int[3];
            for (int a = 0; a < 3; a++) {
                out[a] = (x.dim(2 + a) - 1) * stride[a] - 2 * pad[a] + kernel[a];
            }
            Conv3dSpec fwd = new Conv3dSpec(1, c[1], out[0], out[1], out[2], c[0],
                    kernel[0], kernel[1], kernel[2], stride[0], stride[1], stride[2],
                    pad[0], pad[1], pad[2]);
            Shape w = Shape.of(c[0], c[1], kernel[0], kernel[1], kernel[2]);
            double[][] v = {random((int) x.numel(), 1, 0), random((int) w.numel(), 1, 0)};
            check("convTranspose3d " + fwd, new Shape[] {x, w}, v, new boolean[] {true, true},
                    t -> Conv.convTranspose3d(t[0], t[1], stride, pad),
                    d -> RefOps.conv3dBackwardData(d[0], d[1], fwd));
        }
    }

    // ---- normalisation and activations ------------------------------------------

    @Test
    void groupNormBackwardMatchesFiniteDifferences() {
        int n = 2;
        int c = 6;
        int groups = 3;
        Shape x = Shape.of(n, c, 3, 2, 4);
        double[][] v = {random((int) x.numel(), 2, 0), random(c, 1.5, 0.1), random(c, 1, 0)};
        check("groupNorm", new Shape[] {x, Shape.of(c), Shape.of(c)}, v,
                new boolean[] {true, true, true},
                t -> Norm.groupNorm(t[0], t[1], t[2], groups, 1e-5f),
                d -> RefOps.groupNormForward(d[0], n, c, groups, d[1], d[2], 1e-5).y());
    }

    @Test
    void preluBackwardMatchesFiniteDifferences() {
        Shape x = Shape.of(2, 5, 3, 3, 2);
        double[][] v = {random((int) x.numel(), 1, 0.01), random(5, 0.5, 0)};
        check("prelu", new Shape[] {x, Shape.of(5)}, v, new boolean[] {true, true},
                t -> Activation.prelu(t[0], t[1]), d -> RefOps.preluForward(d[0], d[1]));
    }

    @Test
    void unaryOpsBackwardMatchFiniteDifferences() {
        Shape x = Shape.of(1, 3, 2, 3, 4);
        int n = (int) x.numel();
        check("relu", new Shape[] {x}, new double[][] {random(n, 1, 0.01)},
                new boolean[] {true}, t -> Activation.relu(t[0]),
                d -> RefOps.unary(UnaryOp.RELU, d[0]));
        check("exp", new Shape[] {x}, new double[][] {random(n, 1, 0)},
                new boolean[] {true}, t -> Activation.exp(t[0]),
                d -> RefOps.unary(UnaryOp.EXP, d[0]));
        double[] positive = random(n, 1, 0.05);
        for (int i = 0; i < n; i++) {
            positive[i] = Math.abs(positive[i]) + 0.1f;
        }
        check("log", new Shape[] {x}, new double[][] {positive},
                new boolean[] {true}, t -> Activation.log(t[0]),
                d -> RefOps.unary(UnaryOp.LOG, d[0]));
    }

    @Test
    void softmaxBackwardMatchesFiniteDifferences() {
        Shape x = Shape.of(2, 5, 2, 3, 3);
        check("softmax", new Shape[] {x}, new double[][] {random((int) x.numel(), 3, 0)},
                new boolean[] {true}, t -> Activation.softmaxChannels(t[0]),
                d -> RefOps.softmaxChannels(d[0], 5));
    }

    // ---- arithmetic and reductions ------------------------------------------------

    @Test
    void arithmeticBackwardMatchesFiniteDifferences() {
        Shape s = Shape.of(2, 3, 2, 2, 3);
        int n = (int) s.numel();
        Shape[] two = {s, s};
        boolean[] both = {true, true};
        check("add", two, new double[][] {random(n, 1, 0), random(n, 1, 0)}, both,
                t -> Arith.add(t[0], t[1]), d -> RefOps.binary(BinaryOp.ADD, d[0], d[1]));
        check("sub", two, new double[][] {random(n, 1, 0), random(n, 1, 0)}, both,
                t -> Arith.sub(t[0], t[1]), d -> RefOps.binary(BinaryOp.SUB, d[0], d[1]));
        check("mul", two, new double[][] {random(n, 1, 0), random(n, 1, 0)}, both,
                t -> Arith.mul(t[0], t[1]), d -> RefOps.binary(BinaryOp.MUL, d[0], d[1]));
        check("scale", new Shape[] {s}, new double[][] {random(n, 1, 0)}, new boolean[] {true},
                t -> Arith.scale(t[0], -2.5f), d -> RefOps.axpby(-2.5, d[0], 0, new double[n]));
        check("sum", new Shape[] {s}, new double[][] {random(n, 1, 0)}, new boolean[] {true},
                t -> Arith.sum(t[0]), d -> RefOps.sum(d[0]));
        check("mean", new Shape[] {s}, new double[][] {random(n, 1, 0)}, new boolean[] {true},
                t -> Arith.mean(t[0]), d -> new double[] {RefOps.sum(d[0])[0] / n});
    }

    // ---- channel and spatial ops -------------------------------------------------

    @Test
    void concatAndSliceBackwardMatchFiniteDifferences() {
        Shape a = Shape.of(2, 3, 2, 3, 2);
        Shape b = Shape.of(2, 5, 2, 3, 2);
        int rows = 2 * 2 * 3 * 2;
        check("concat", new Shape[] {a, b},
                new double[][] {random((int) a.numel(), 1, 0), random((int) b.numel(), 1, 0)},
                new boolean[] {true, true}, t -> Channels.concat(t[0], t[1]),
                d -> RefOps.concatChannels(d, new int[] {3, 5}, rows));
        check("slice", new Shape[] {b}, new double[][] {random((int) b.numel(), 1, 0)},
                new boolean[] {true}, t -> Channels.slice(t[0], 1, 3),
                d -> RefOps.sliceChannels(d[0], 5, 1, 3));
    }

    @Test
    void cropAndPadBackwardMatchFiniteDifferences() {
        Shape x = Shape.of(1, 3, 5, 4, 6);
        int[] xs = x.dims();
        int[] off = {1, 0, 2};
        int[] size = {3, 4, 3};
        int[] ys = {1, 3, size[0], size[1], size[2]};
        check("crop", new Shape[] {x}, new double[][] {random((int) x.numel(), 1, 0)},
                new boolean[] {true}, t -> Channels.crop(t[0], off, size),
                d -> RefOps.copyRegion(d[0], xs, off, new double[3 * 36], ys, new int[3], size));
        int[] before = {1, 2, 0};
        int[] after = {2, 0, 1};
        int[] ps = {1, 3, 8, 6, 7};
        check("pad", new Shape[] {x}, new double[][] {random((int) x.numel(), 1, 0)},
                new boolean[] {true}, t -> Channels.pad(t[0], before, after),
                d -> RefOps.copyRegion(d[0], xs, new int[3], new double[3 * 8 * 6 * 7], ps,
                        before, new int[] {5, 4, 6}));
    }

    // ---- losses --------------------------------------------------------------

    /** Soft Dice in float64 from the reference partial sums. */
    private static double dice64(double[] p, double[] l, int classes, boolean bg, double eps) {
        double[] s = RefOps.diceSums(p, l, classes);
        double total = 0;
        int first = bg ? 0 : 1;
        for (int k = first; k < classes; k++) {
            total += (2 * s[k] + eps) / (s[classes + k] + s[2 * classes + k] + eps);
        }
        return 1 - total / (classes - first);
    }

    private double[] oneHot(int voxels, int classes) {
        double[] l = new double[voxels * classes];
        for (int v = 0; v < voxels; v++) {
            l[v * classes + rng.nextInt(classes)] = 1;
        }
        return l;
    }

    @Test
    void softDiceBackwardMatchesFiniteDifferences() {
        int classes = 4;
        Shape s = Shape.of(2, classes, 2, 3, 3);
        int voxels = (int) (s.numel() / classes);
        for (boolean bg : new boolean[] {false, true}) {
            double[] p = random((int) s.numel(), 1, 0);
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) Math.abs(p[i]);
            }
            double[][] v = {p, oneHot(voxels, classes)};
            check("softDice bg=" + bg, new Shape[] {s, s}, v, new boolean[] {true, false},
                    t -> Loss.softDice(t[0], t[1], bg, 1e-3f),
                    d -> new double[] {dice64(d[0], d[1], classes, bg, 1e-3)});
        }
    }

    @Test
    void crossEntropyBackwardMatchesFiniteDifferences() {
        int classes = 3;
        Shape s = Shape.of(1, classes, 3, 2, 3);
        int voxels = (int) (s.numel() / classes);
        double[][] v = {random((int) s.numel(), 2, 0), oneHot(voxels, classes)};
        check("crossEntropy", new Shape[] {s, s}, v, new boolean[] {true, false},
                t -> Loss.crossEntropy(t[0], t[1]),
                d -> {
                    double[] p = RefOps.softmaxChannels(d[0], classes);
                    double sum = 0;
                    for (int i = 0; i < p.length; i++) {
                        sum += d[1][i] * Math.log(p[i]);
                    }
                    return new double[] {-sum / voxels};
                });
    }
}
