package vox.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import vox.reference.RefOps;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * Every primitive of every available backend against the float64 loops of
 * {@link RefOps}, on random inputs with odd sizes, strides, padding,
 * anisotropic kernels and channel counts that are not multiples of a tile.
 *
 * <p>Each output is poisoned with NaN before the launch, so an element the
 * kernel forgets to write fails. The error measure is
 * {@code ||out - ref|| / ||ref||} below {@value #TOL}.
 *
 * <p>A backend that is unavailable is skipped with its reason, except that
 * with {@code VOX_REQUIRE_OPENCL=1} a missing or unavailable OpenCL backend
 * fails, and likewise CUDA with {@code VOX_REQUIRE_CUDA=1}.
 */
class BackendConformanceTest {
    /** Relative error allowed for fp32 paths. */
    static final double TOL = 1e-4;

    private final List<Tensor> made = new ArrayList<>();
    private final Random rnd = new Random(20240611);
    private Backend be;

    // ---- backends ---------------------------------------------------------

    static boolean openclRequired() {
        return "1".equals(System.getenv("VOX_REQUIRE_OPENCL"));
    }

    static boolean cudaRequired() {
        return "1".equals(System.getenv("VOX_REQUIRE_CUDA"));
    }

    /** The environment variable that makes backend {@code name} required, or null. */
    static String requiredBy(String name) {
        if (name.equals("opencl") && openclRequired()) {
            return "VOX_REQUIRE_OPENCL=1";
        }
        if (name.equals("cuda") && cudaRequired()) {
            return "VOX_REQUIRE_CUDA=1";
        }
        return null;
    }

    /**
     * Every provider's name, or only those listed in the system property
     * {@code vox.test.backends} (comma-separated, e.g. "cuda").
     */
    static Stream<String> backends() {
        String only = System.getProperty("vox.test.backends", "").trim();
        List<String> wanted = only.isEmpty() ? null : List.of(only.split("\\s*,\\s*"));
        List<String> names = new ArrayList<>();
        for (BackendProvider p : Backends.providers()) {
            if (wanted == null || wanted.contains(p.name())) {
                names.add(p.name());
            }
        }
        if (openclRequired() && !names.contains("opencl")) {
            names.add("opencl"); // fails in open(): required but absent
        }
        if (cudaRequired() && !names.contains("cuda")) {
            names.add("cuda");
        }
        return names.stream();
    }

    private void open(String name) {
        BackendProvider provider = null;
        for (BackendProvider p : Backends.providers()) {
            if (p.name().equals(name)) {
                provider = p;
            }
        }
        String required = requiredBy(name);
        if (provider == null) {
            fail("backend '" + name + "' is required (" + required + ")"
                    + " but no provider of that name is on the class path");
        }
        String why = provider.unavailableReason();
        if (why != null) {
            if (required != null) {
                fail("backend '" + name + "' is required (" + required + ")"
                        + " but unavailable: " + why);
            }
            assumeTrue(false, "skipping backend '" + name + "': " + why);
        }
        be = Backends.select(name);
    }

    @AfterEach
    void release() {
        for (Tensor t : made) {
            t.close();
        }
        made.clear();
    }

    // ---- memory -----------------------------------------------------------

    @ParameterizedTest
    @MethodSource("backends")
    void memoryPrimitivesRoundTrip(String name) {
        open(name);
        Shape shape = Shape.of(2, 3, 5, 7, 11);
        double[] values = random((int) shape.numel());
        Tensor t = upload(shape, values);
        assertClose("fromArray then toArray", values, t);

        Tensor filled = poisoned(shape);
        be.fill(filled, -2.5f);
        double[] expected = new double[values.length];
        Arrays.fill(expected, -2.5);
        assertClose("fill", expected, filled);

        Tensor copied = poisoned(shape);
        be.copy(t, copied);
        assertClose("copy", values, copied);

        Tensor zeros = track(be.zeros(shape));
        assertClose("zeros", new double[values.length], zeros);
    }

    // ---- convolution ------------------------------------------------------

    /** Conv cases: name, then the spec. */
    record ConvCase(String name, Conv3dSpec spec) {
        @Override
        public String toString() {
            return name + " " + spec;
        }
    }

    private static ConvCase conv(String name, int n, int c, int d, int h, int w, int k,
                                 int kd, int kh, int kw, int sd, int sh, int sw,
                                 int pd, int ph, int pw) {
        return new ConvCase(name,
                new Conv3dSpec(n, c, d, h, w, k, kd, kh, kw, sd, sh, sw, pd, ph, pw));
    }

    static List<ConvCase> convCases() {
        return List.of(
                conv("3x3x3 pad 1", 2, 5, 5, 6, 7, 13, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                conv("3x3x3 stride 2", 2, 3, 7, 9, 6, 17, 3, 3, 3, 2, 2, 2, 1, 1, 1),
                conv("7x1x1 long D", 2, 17, 9, 4, 5, 5, 7, 1, 1, 1, 1, 1, 3, 0, 0),
                conv("1x7x1 long H", 2, 13, 3, 9, 5, 6, 1, 7, 1, 1, 1, 1, 0, 3, 0),
                conv("1x1x7 long W", 2, 5, 4, 3, 11, 17, 1, 1, 7, 1, 1, 1, 0, 0, 3),
                conv("7x1x1 64ch", 1, 64, 9, 5, 6, 64, 7, 1, 1, 1, 1, 1, 3, 0, 0),
                conv("1x1x7 64ch", 1, 64, 3, 4, 13, 64, 1, 1, 7, 1, 1, 1, 0, 0, 3),
                conv("2x2x2 stride 2", 2, 5, 6, 8, 10, 13, 2, 2, 2, 2, 2, 2, 0, 0, 0),
                conv("2x2x2 stride 2 odd", 2, 16, 7, 5, 9, 32, 2, 2, 2, 2, 2, 2, 0, 0, 0),
                conv("1x1x1", 2, 13, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0),
                conv("1x1x1 16ch", 2, 16, 3, 5, 7, 16, 1, 1, 1, 1, 1, 1, 0, 0, 0),
                conv("5x3x1 stride (2,1,3)", 2, 3, 7, 6, 9, 5, 5, 3, 1, 2, 1, 3, 2, 1, 0),
                conv("first layer C=1", 2, 1, 5, 7, 6, 16, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                conv("3x3x3 24->40", 1, 24, 5, 9, 11, 40, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                conv("3x3x3 64->64", 2, 64, 3, 5, 13, 64, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                conv("3x3x3 128->128", 1, 128, 3, 4, 5, 128, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                conv("3x3x3 long rows", 1, 16, 3, 4, 37, 16, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                conv("3x3x3 8ch long rows", 2, 8, 3, 4, 37, 8, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                conv("3x3x3 wide pad", 2, 6, 5, 7, 4, 9, 3, 3, 3, 1, 1, 1, 2, 0, 1),
                conv("3x3x3 no pad 1 voxel", 1, 4, 3, 3, 3, 7, 3, 3, 3, 1, 1, 1, 0, 0, 0));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void conv3dForwardMatchesReference(String name) {
        open(name);
        boolean withBias = false;
        for (ConvCase cc : convCases()) {
            Conv3dSpec s = cc.spec();
            withBias = !withBias;
            double[] x = random((int) s.inputShape().numel());
            double[] w = random((int) s.weightShape().numel());
            double[] bias = withBias ? random(s.k()) : null;
            Tensor y = poisoned(s.outputShape());
            be.conv3dForward(upload(s.inputShape(), x), upload(s.weightShape(), w),
                    bias == null ? null : upload(Shape.of(s.k()), bias), s, y);
            assertClose("conv3dForward " + cc + (withBias ? " +bias" : ""),
                    RefOps.conv3dForward(x, w, bias, s), y);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void conv3dBackwardDataMatchesReference(String name) {
        open(name);
        for (ConvCase cc : convCases()) {
            Conv3dSpec s = cc.spec();
            double[] dY = random((int) s.outputShape().numel());
            double[] w = random((int) s.weightShape().numel());
            Tensor dX = poisoned(s.inputShape());
            be.conv3dBackwardData(upload(s.outputShape(), dY), upload(s.weightShape(), w),
                    s, dX);
            assertClose("conv3dBackwardData " + cc, RefOps.conv3dBackwardData(dY, w, s), dX);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void conv3dBackwardWeightMatchesReference(String name) {
        open(name);
        for (ConvCase cc : convCases()) {
            Conv3dSpec s = cc.spec();
            double[] x = random((int) s.inputShape().numel());
            double[] dY = random((int) s.outputShape().numel());
            Tensor dW = poisoned(s.weightShape());
            be.conv3dBackwardWeight(upload(s.inputShape(), x), upload(s.outputShape(), dY),
                    s, dW);
            assertClose("conv3dBackwardWeight " + cc,
                    RefOps.conv3dBackwardWeight(x, dY, s), dW);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void sumPerChannelMatchesReference(String name) {
        open(name);
        // The last shape spans several reduction chunks of a CPU-sized tile.
        for (Shape shape : new Shape[] {Shape.of(2, 1, 4, 5, 6), Shape.of(2, 13, 4, 5, 6),
                Shape.of(2, 16, 4, 5, 6), Shape.of(1, 3, 20, 21, 25)}) {
            int c = shape.dim(1);
            double[] x = random((int) shape.numel());
            Tensor out = poisoned(Shape.of(c));
            be.sumPerChannel(upload(shape, x), out);
            assertClose("sumPerChannel " + shape, RefOps.sumPerChannel(x, c), out);
        }
    }

    // ---- group norm and PReLU ---------------------------------------------

    /** (N, C, groups, D, H, W) for group norm. */
    static final int[][] GROUP_NORM_CASES = {
        {2, 16, 4, 3, 4, 5},
        {2, 13, 1, 2, 3, 5},
        {1, 6, 6, 4, 4, 4},
        {2, 32, 8, 5, 6, 7},
        {1, 17, 17, 3, 1, 2},
        {2, 5, 5, 17, 19, 23},
    };

    @ParameterizedTest
    @MethodSource("backends")
    void groupNormForwardMatchesReference(String name) {
        open(name);
        for (int[] gc : GROUP_NORM_CASES) {
            int n = gc[0];
            int c = gc[1];
            int groups = gc[2];
            Shape shape = Shape.of(n, c, gc[3], gc[4], gc[5]);
            double[] x = random((int) shape.numel(), 2.0, 1.0);
            double[] gamma = random(c, 1.0, 0.5);
            double[] beta = random(c);
            float eps = 1e-5f;
            Tensor y = poisoned(shape);
            Tensor mean = poisoned(Shape.of(n, groups));
            Tensor rstd = poisoned(Shape.of(n, groups));
            be.groupNormForward(upload(shape, x), upload(Shape.of(c), gamma),
                    upload(Shape.of(c), beta), groups, eps, y, mean, rstd);
            RefOps.GroupNorm ref = RefOps.groupNormForward(x, n, c, groups, gamma, beta, eps);
            String what = "groupNormForward " + shape + " groups " + groups;
            assertClose(what + " y", ref.y(), y);
            assertClose(what + " mean", ref.mean(), mean);
            assertClose(what + " rstd", ref.rstd(), rstd);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void groupNormBackwardMatchesReference(String name) {
        open(name);
        for (int[] gc : GROUP_NORM_CASES) {
            int n = gc[0];
            int c = gc[1];
            int groups = gc[2];
            Shape shape = Shape.of(n, c, gc[3], gc[4], gc[5]);
            double[] x = random((int) shape.numel(), 2.0, 1.0);
            double[] gamma = random(c, 1.0, 0.5);
            double[] dY = random((int) shape.numel());
            float eps = 1e-5f;
            Tensor xt = upload(shape, x);
            Tensor gt = upload(Shape.of(c), gamma);
            Tensor mean = poisoned(Shape.of(n, groups));
            Tensor rstd = poisoned(Shape.of(n, groups));
            be.groupNormForward(xt, gt, upload(Shape.of(c), random(c)), groups, eps,
                    poisoned(shape), mean, rstd);
            Tensor dX = poisoned(shape);
            Tensor dGamma = poisoned(Shape.of(c));
            Tensor dBeta = poisoned(Shape.of(c));
            be.groupNormBackward(xt, upload(shape, dY), gt, mean, rstd, groups,
                    dX, dGamma, dBeta);
            RefOps.GroupNormGrad ref =
                    RefOps.groupNormBackward(x, dY, n, c, groups, gamma, eps);
            String what = "groupNormBackward " + shape + " groups " + groups;
            assertClose(what + " dX", ref.dX(), dX);
            assertClose(what + " dGamma", ref.dGamma(), dGamma);
            assertClose(what + " dBeta", ref.dBeta(), dBeta);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void preluMatchesReference(String name) {
        open(name);
        for (Shape shape : new Shape[] {Shape.of(2, 1, 3, 4, 5), Shape.of(2, 5, 3, 4, 5),
                Shape.of(2, 16, 3, 4, 5), Shape.of(1, 3, 20, 21, 25)}) {
            int c = shape.dim(1);
            double[] x = random((int) shape.numel());
            double[] alpha = random(c, 0.25, 0.25);
            double[] dY = random((int) shape.numel());
            Tensor xt = upload(shape, x);
            Tensor at = upload(Shape.of(c), alpha);
            Tensor y = poisoned(shape);
            be.preluForward(xt, at, y);
            assertClose("preluForward " + shape, RefOps.preluForward(x, alpha), y);
            Tensor dX = poisoned(shape);
            Tensor dAlpha = poisoned(Shape.of(c));
            be.preluBackward(xt, at, upload(shape, dY), dX, dAlpha);
            RefOps.PreluGrad ref = RefOps.preluBackward(x, alpha, dY);
            assertClose("preluBackward dX " + shape, ref.dX(), dX);
            assertClose("preluBackward dAlpha " + shape, ref.dAlpha(), dAlpha);
        }
    }

    // ---- elementwise and reductions ----------------------------------------

    @ParameterizedTest
    @MethodSource("backends")
    void unaryMatchesReference(String name) {
        open(name);
        Shape shape = Shape.of(2, 13, 3, 4, 5);
        for (UnaryOp op : UnaryOp.values()) {
            double[] x = random((int) shape.numel(), 0, 3);
            if (op == UnaryOp.SQRT) {
                x = RefOps.unary(UnaryOp.ABS, x);
            }
            if (op == UnaryOp.LOG) {
                x = RefOps.unary(UnaryOp.ABS, x);
                x[0] = 0;  // log(0) is clamped to log(1e-30)
                x[1] = -1; // and so is a negative argument
            }
            Tensor y = poisoned(shape);
            be.unary(op, upload(shape, x), y);
            assertClose("unary " + op, RefOps.unary(op, x), y);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void binaryMatchesReference(String name) {
        open(name);
        Shape shape = Shape.of(2, 13, 3, 4, 5);
        for (BinaryOp op : BinaryOp.values()) {
            double[] a = random((int) shape.numel());
            double[] b = random((int) shape.numel());
            if (op == BinaryOp.DIV) {
                b = random((int) shape.numel(), 1.5, 1.0); // away from zero
            }
            if (op == BinaryOp.LOG_BACKWARD) {
                a = random((int) shape.numel(), 1.5, 1.0);
                a[0] = 0;
                a[1] = -2;
            }
            Tensor y = poisoned(shape);
            be.binary(op, upload(shape, a), upload(shape, b), y);
            assertClose("binary " + op, RefOps.binary(op, a, b), y);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void axpbyAndSumMatchReference(String name) {
        open(name);
        Shape shape = Shape.of(1, 3, 37, 41, 43);
        double[] x = random((int) shape.numel());
        double[] y0 = random((int) shape.numel());
        Tensor y = upload(shape, y0);
        be.axpby(0.7f, upload(shape, x), -1.3f, y);
        assertClose("axpby", RefOps.axpby(0.7, x, -1.3, y0), y);

        Tensor total = poisoned(Shape.of(1));
        double[] pos = random((int) shape.numel(), 1.0, 1.0);
        be.sum(upload(shape, pos), total);
        assertClose("sum " + shape, RefOps.sum(pos), total);
        Tensor small = poisoned(Shape.of(1));
        double[] few = random(7);
        be.sum(upload(Shape.of(7), few), small);
        assertClose("sum (7)", RefOps.sum(few), small);
    }

    // ---- channel ops ------------------------------------------------------

    @ParameterizedTest
    @MethodSource("backends")
    void softmaxChannelsMatchesReference(String name) {
        open(name);
        for (int c : new int[] {1, 2, 5, 17}) {
            Shape shape = Shape.of(2, c, 3, 4, 5);
            double[] x = random((int) shape.numel(), 0, 4);
            double[] dY = random((int) shape.numel());
            Tensor y = poisoned(shape);
            be.softmaxChannels(upload(shape, x), y);
            double[] ref = RefOps.softmaxChannels(x, c);
            assertClose("softmaxChannels " + shape, ref, y);
            Tensor dX = poisoned(shape);
            be.softmaxChannelsBackward(upload(shape, ref), upload(shape, dY), dX);
            double[] refDx = RefOps.softmaxChannelsBackward(ref, dY, c);
            // With C = 1 the reference is all zero and the bound is absolute.
            assertClose("softmaxChannelsBackward " + shape, refDx, dX);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void argmaxChannelsMatchesReference(String name) {
        open(name);
        for (int c : new int[] {1, 5, 14}) {
            Shape shape = Shape.of(2, c, 3, 4, 5);
            double[] x = random((int) shape.numel());
            Tensor out = poisoned(Shape.of(2, 1, 3, 4, 5));
            be.argmaxChannels(upload(shape, x), out);
            double[] ref = RefOps.argmaxChannels(x, c);
            float[] got = out.toArray();
            for (int i = 0; i < ref.length; i++) {
                assertEquals(ref[i], got[i], 0.0, "argmaxChannels " + shape + " voxel " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void diceMatchesReference(String name) {
        open(name);
        for (Shape shape : new Shape[] {Shape.of(2, 1, 5, 6, 7), Shape.of(2, 5, 5, 6, 7),
                Shape.of(2, 14, 5, 6, 7), Shape.of(1, 5, 20, 21, 25)}) {
            int c = shape.dim(1);
            double[] p = RefOps.softmaxChannels(random((int) shape.numel(), 0, 3), c);
            double[] label = new double[p.length];
            for (int r = 0; r < p.length / c; r++) {
                label[r * c + rnd.nextInt(c)] = 1;
            }
            Tensor pt = upload(shape, p);
            Tensor lt = upload(shape, label);
            Tensor sums = poisoned(Shape.of(3, c));
            be.diceSums(pt, lt, sums);
            assertClose("diceSums " + shape, RefOps.diceSums(p, label, c), sums);

            double[] a = random(c);
            double[] b = random(c);
            Tensor dP = poisoned(shape);
            be.diceBackward(pt, lt, toFloat(a), toFloat(b), dP);
            assertClose("diceBackward " + shape, RefOps.diceBackward(p, label, a, b), dP);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void concatAndSliceChannelsMatchReference(String name) {
        open(name);
        int[] cs = {3, 5, 1, 8};
        int rows = 2 * 3 * 4 * 5;
        double[][] xs = new double[cs.length][];
        Tensor[] ts = new Tensor[cs.length];
        int total = 0;
        for (int i = 0; i < cs.length; i++) {
            Shape shape = Shape.of(2, cs[i], 3, 4, 5);
            xs[i] = random((int) shape.numel());
            ts[i] = upload(shape, xs[i]);
            total += cs[i];
        }
        Tensor y = poisoned(Shape.of(2, total, 3, 4, 5));
        be.concatChannels(ts, y);
        assertClose("concatChannels", RefOps.concatChannels(xs, cs, rows), y);

        Shape shape = Shape.of(2, 13, 3, 4, 5);
        double[] x = random((int) shape.numel());
        for (int[] fc : new int[][] {{0, 13}, {2, 7}, {12, 1}, {0, 4}}) {
            Tensor part = poisoned(Shape.of(2, fc[1], 3, 4, 5));
            be.sliceChannels(upload(shape, x), fc[0], part);
            assertClose("sliceChannels from " + fc[0] + " count " + fc[1],
                    RefOps.sliceChannels(x, 13, fc[0], fc[1]), part);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void copyRegionMatchesReference(String name) {
        open(name);
        int[][][] cases = {
            // src shape, src offset, dst shape, dst offset, size
            {{2, 3, 6, 7, 8}, {1, 2, 0}, {2, 3, 5, 6, 9}, {2, 0, 1}, {3, 4, 8}},
            {{1, 5, 4, 4, 4}, {0, 0, 0}, {1, 5, 4, 4, 4}, {0, 0, 0}, {4, 4, 4}},
            {{2, 1, 9, 3, 5}, {4, 1, 2}, {2, 1, 2, 2, 3}, {0, 0, 0}, {2, 2, 3}},
        };
        for (int[][] cc : cases) {
            Shape ss = Shape.of(cc[0]);
            Shape ds = Shape.of(cc[2]);
            double[] src = random((int) ss.numel());
            double[] dst0 = random((int) ds.numel()); // untouched voxels must keep these
            Tensor dst = upload(ds, dst0);
            be.copyRegion(upload(ss, src), cc[1], dst, cc[3], cc[4]);
            assertClose("copyRegion " + ss + " -> " + ds + " size " + Arrays.toString(cc[4]),
                    RefOps.copyRegion(src, cc[0], cc[1], dst0, cc[2], cc[3], cc[4]), dst);
        }
    }

    // ---- optimizers -------------------------------------------------------

    @ParameterizedTest
    @MethodSource("backends")
    void adamStepMatchesReference(String name) {
        open(name);
        int n = 1037;
        Shape shape = Shape.of(n);
        double[] p = random(n);
        double[] g = random(n);
        double[] m = random(n, 0, 0.1);
        double[] v = random(n, 0.02, 0.01);
        for (int step : new int[] {1, 7}) {
            for (float wd : new float[] {0f, 1e-2f}) {
                Tensor pt = upload(shape, p);
                Tensor mt = upload(shape, m);
                Tensor vt = upload(shape, v);
                be.adamStep(pt, upload(shape, g), mt, vt, 0.05f, 0.9f, 0.999f, 1e-8f, wd,
                        step);
                RefOps.OptState ref =
                        RefOps.adamStep(p, g, m, v, 0.05, 0.9, 0.999, 1e-8, wd, step);
                String what = "adamStep step " + step + " wd " + wd;
                // Compare the change itself, with a learning rate large enough that
                // float rounding of p does not swamp it.
                assertClose(what + " p - p0", diff(ref.p(), p), diff(pt.toArray(), p));
                assertClose(what + " m", ref.m(), mt);
                assertClose(what + " v", ref.v(), vt);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void sgdStepMatchesReference(String name) {
        open(name);
        int n = 1037;
        Shape shape = Shape.of(n);
        double[] p = random(n);
        double[] g = random(n);
        double[] buf = random(n, 0, 0.1);
        for (float momentum : new float[] {0f, 0.9f}) {
            Tensor pt = upload(shape, p);
            Tensor bt = upload(shape, buf);
            be.sgdStep(pt, upload(shape, g), bt, 1e-2f, momentum, 1e-3f);
            RefOps.OptState ref = RefOps.sgdStep(p, g, buf, 1e-2, momentum, 1e-3);
            String what = "sgdStep momentum " + momentum;
            assertClose(what + " p - p0", diff(ref.p(), p), diff(pt.toArray(), p));
            assertClose(what + " buf", ref.m(), bt);
        }
    }

    // ---- helpers ----------------------------------------------------------

    /** Uniform random values in [-1, 1). */
    private double[] random(int n) {
        return random(n, 0, 1);
    }

    /** Uniform random values in [center - spread, center + spread), rounded to float. */
    private double[] random(int n, double center, double spread) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (center + spread * (2 * rnd.nextDouble() - 1));
        }
        return a;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static double[] diff(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static double[] diff(float[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = (double) a[i] - b[i];
        }
        return d;
    }

    private Tensor track(Tensor t) {
        made.add(t);
        return t;
    }

    private Tensor upload(Shape shape, double[] values) {
        return track(be.fromArray(shape, toFloat(values)));
    }

    /** An output tensor filled with NaN, so that an element left unwritten fails. */
    private Tensor poisoned(Shape shape) {
        float[] nan = new float[(int) shape.numel()];
        Arrays.fill(nan, Float.NaN);
        return track(be.fromArray(shape, nan));
    }

    private static void assertClose(String what, double[] ref, Tensor out) {
        float[] got = out.toArray();
        double[] g = new double[got.length];
        for (int i = 0; i < got.length; i++) {
            g[i] = got[i];
        }
        assertClose(what, ref, g);
    }

    private static void assertClose(String what, double[] ref, double[] got) {
        assertEquals(ref.length, got.length, what + ": element count");
        double num = 0;
        double den = 0;
        int worst = 0;
        double worstErr = -1;
        for (int i = 0; i < ref.length; i++) {
            if (!Double.isFinite(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + " (expected " + ref[i]
                        + "); NaN means the kernel never wrote it");
            }
            double e = got[i] - ref[i];
            num += e * e;
            den += ref[i] * ref[i];
            if (Math.abs(e) > worstErr) {
                worstErr = Math.abs(e);
                worst = i;
            }
        }
        double rel = den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
        if (!(rel < TOL)) {
            fail(String.format("%s: relative error %.3g >= %.1g; worst element %d: got %.7g,"
                    + " expected %.7g", what, rel, TOL, worst, got[worst], ref[worst]));
        }
    }
}
