package vox.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import vox.backend.Backends;
import vox.backend.Conv3dSpec;
import vox.backend.MemoryStats;
import vox.backend.UnaryOp;
import vox.reference.RefOps;
import vox.tensor.Shape;
import vox.tensor.Tensor;
import vox.tensor.TensorScope;

/**
 * What the shared conformance suite does not reach on the OpenCL backend:
 * reductions large enough to take several chunks, backward-weight split
 * over several voxel ranges, the generic conv kernel beside its
 * compile-time variants, bit-identical repeats, memory accounting and the
 * error messages. References are the float64 loops of {@link RefOps}.
 */
class OpenClBackendTest {
    /** Relative error allowed for fp32 paths: ||out - ref|| / ||ref||. */
    private static final double TOL = 1e-4;

    private final Random rnd = new Random(7);
    private OpenClBackend be;
    private TensorScope scope;

    @BeforeEach
    void open() {
        be = OpenClTests.backend();
        scope = TensorScope.open();
    }

    @AfterEach
    void close() {
        if (scope != null) {
            scope.close();
        }
    }

    // ---- large reductions ---------------------------------------------------

    @Test
    void reductionsOverManyChunksMatchReference() {
        double[] x = random(1_000_003, 0.5, 1.0);
        Tensor out = poisoned(Shape.of(1));
        be.sum(upload(Shape.of(1_000_003), x), out);
        assertClose("sum of 1000003", RefOps.sum(x), out);

        for (int c : new int[] {1, 13, 40}) {
            Shape shape = Shape.of(2, c, 20, 30, 33);
            double[] v = random((int) shape.numel(), 0.2, 1.0);
            Tensor perChannel = poisoned(Shape.of(c));
            be.sumPerChannel(upload(shape, v), perChannel);
            assertClose("sumPerChannel " + shape, RefOps.sumPerChannel(v, c), perChannel);
        }
    }

    /**
     * Group norm where the kernels walk many elements per work-item, with
     * channel counts that do not divide the grid's step, and where a
     * sample is smaller than one row of the reduction grid.
     */
    @Test
    void largeGroupNormMatchesReference() {
        int[][] cases = {
            // N, C, groups, D, H, W
            {2, 16, 4, 24, 25, 26},
            {2, 6, 2, 20, 21, 22},
            {3, 2, 1, 2, 1, 3},
        };
        for (int[] cs : cases) {
            int n = cs[0];
            int c = cs[1];
            int groups = cs[2];
            Shape shape = Shape.of(n, c, cs[3], cs[4], cs[5]);
            // A large mean next to a small spread: variance by sum(x^2) would cancel.
            double[] x = random((int) shape.numel(), 40.0, 0.5);
            double[] gamma = random(c, 1.0, 0.5);
            double[] beta = random(c, 0.0, 1.0);
            double[] dY = random((int) shape.numel(), 0.0, 1.0);
            Tensor xt = upload(shape, x);
            Tensor gt = upload(Shape.of(c), gamma);
            Tensor y = poisoned(shape);
            Tensor mean = poisoned(Shape.of(n, groups));
            Tensor rstd = poisoned(Shape.of(n, groups));
            be.groupNormForward(xt, gt, upload(Shape.of(c), beta), groups, 1e-5f, y, mean,
                    rstd);
            RefOps.GroupNorm ref = RefOps.groupNormForward(x, n, c, groups, gamma, beta, 1e-5);
            String what = "groupNorm " + shape + " groups " + groups;
            assertClose(what + " mean", ref.mean(), mean);
            assertClose(what + " rstd", ref.rstd(), rstd);
            assertClose(what + " y", ref.y(), y);

            Tensor dX = poisoned(shape);
            Tensor dGamma = poisoned(Shape.of(c));
            Tensor dBeta = poisoned(Shape.of(c));
            be.groupNormBackward(xt, upload(shape, dY), gt, mean, rstd, groups, dX, dGamma,
                    dBeta);
            RefOps.GroupNormGrad g = RefOps.groupNormBackward(x, dY, n, c, groups, gamma, 1e-5);
            assertClose(what + " dX", g.dX(), dX);
            assertClose(what + " dGamma", g.dGamma(), dGamma);
            assertClose(what + " dBeta", g.dBeta(), dBeta);
        }
    }

    @Test
    void largePreluAndDiceMatchReference() {
        int c = 5;
        Shape shape = Shape.of(2, c, 30, 31, 32);
        int numel = (int) shape.numel();
        double[] x = random(numel, 0.0, 1.0);
        double[] alpha = random(c, 0.2, 0.1);
        double[] dY = random(numel, 0.0, 1.0);
        Tensor dX = poisoned(shape);
        Tensor dAlpha = poisoned(Shape.of(c));
        be.preluBackward(upload(shape, x), upload(Shape.of(c), alpha), upload(shape, dY), dX,
                dAlpha);
        RefOps.PreluGrad g = RefOps.preluBackward(x, alpha, dY);
        assertClose("prelu dX", g.dX(), dX);
        assertClose("prelu dAlpha", g.dAlpha(), dAlpha);

        double[] p = random(numel, 0.5, 1.0);
        double[] label = new double[numel];
        for (int i = 0; i < numel; i++) {
            label[i] = rnd.nextInt(3) == 0 ? 1 : 0;
        }
        Tensor sums = poisoned(Shape.of(3, c));
        be.diceSums(upload(shape, p), upload(shape, label), sums);
        assertClose("diceSums", RefOps.diceSums(p, label, c), sums);
    }

    @Test
    void gridStrideElementwiseCoversLargeTensors() {
        double[] x = random(300_007, 0.0, 3.0);
        Tensor y = poisoned(Shape.of(300_007));
        be.unary(UnaryOp.EXP, upload(Shape.of(300_007), x), y);
        assertClose("exp of 300007", RefOps.unary(UnaryOp.EXP, x), y);
    }

    /**
     * Tensors larger than one pass of the grid, so that every work-item of
     * the grid-stride kernels walks several elements with its channel index.
     */
    @Test
    void channelIndexedKernelsMatchReferenceOnLargeTensors() {
        int c = 7;
        Shape shape = Shape.of(2, c, 17, 40, 41);
        int numel = (int) shape.numel();
        int rows = numel / c;
        double[] x = random(numel, 0.0, 2.0);
        double[] alpha = random(c, 0.2, 0.1);
        Tensor xt = upload(shape, x);
        Tensor y = poisoned(shape);
        be.preluForward(xt, upload(Shape.of(c), alpha), y);
        assertClose("prelu forward", RefOps.preluForward(x, alpha), y);

        Tensor soft = poisoned(shape);
        be.softmaxChannels(xt, soft);
        assertClose("softmax", RefOps.softmaxChannels(x, c), soft);

        double[] label = random(numel, 0.5, 0.5);
        double[] a = random(c, 0.0, 1.0);
        double[] b = random(c, 0.0, 1.0);
        Tensor dP = poisoned(shape);
        be.diceBackward(xt, upload(shape, label), toFloat(a), toFloat(b), dP);
        assertClose("dice backward", RefOps.diceBackward(x, label, a, b), dP);

        Shape wide = Shape.of(2, c + 3, 17, 40, 41);
        double[] extra = random(rows * 3, 0.0, 1.0);
        Tensor cat = poisoned(wide);
        be.concatChannels(new Tensor[] {xt, upload(Shape.of(2, 3, 17, 40, 41), extra)}, cat);
        assertClose("concat", RefOps.concatChannels(new double[][] {x, extra},
                new int[] {c, 3}, rows), cat);
        Tensor slice = poisoned(Shape.of(2, 4, 17, 40, 41));
        be.sliceChannels(cat, 5, slice);
        double[] catRef = RefOps.concatChannels(new double[][] {x, extra}, new int[] {c, 3},
                rows);
        assertClose("slice", RefOps.sliceChannels(catRef, c + 3, 5, 4), slice);

        Shape dstShape = Shape.of(2, c, 20, 31, 45);
        double[] dst = random((int) dstShape.numel(), 0.0, 1.0);
        Tensor dstT = upload(dstShape, dst);
        int[] srcOff = {1, 3, 2};
        int[] dstOff = {4, 0, 5};
        int[] size = {15, 30, 38};
        be.copyRegion(xt, srcOff, dstT, dstOff, size);
        assertClose("copyRegion", RefOps.copyRegion(x, shape.dims(), srcOff, dst,
                dstShape.dims(), dstOff, size), dstT);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    // ---- convolution ----------------------------------------------------------

    private static Conv3dSpec spec(int n, int c, int d, int h, int w, int k, int kd, int kh,
                                   int kw, int s, int p) {
        return new Conv3dSpec(n, c, d, h, w, k, kd, kh, kw, s, s, s, p, p, p);
    }

    @Test
    void backwardWeightSplitOverVoxelRangesMatchesReference() {
        Conv3dSpec[] specs = {
            spec(1, 8, 12, 13, 14, 16, 3, 3, 3, 1, 1),   // narrow tiles, 8 splits
            spec(1, 24, 10, 11, 12, 40, 3, 3, 3, 1, 1),  // wide tiles, 5 splits
            spec(2, 5, 16, 14, 12, 7, 2, 2, 2, 2, 0),    // stride 2
        };
        for (Conv3dSpec s : specs) {
            long voxels = (long) s.n() * s.od() * s.oh() * s.ow();
            assertTrue(voxels >= 512, "case must split: " + s);
            checkConv(s, "split");
        }
    }

    @Test
    void genericKernelMatchesReferenceWhereVariantsExist() {
        Conv3dSpec[] specs = {
            spec(2, 5, 5, 6, 7, 13, 3, 3, 3, 1, 1),
            spec(1, 6, 6, 8, 10, 20, 2, 2, 2, 2, 0),
            new Conv3dSpec(1, 7, 9, 4, 5, 9, 7, 1, 1, 1, 1, 1, 3, 0, 0),
            spec(2, 13, 5, 4, 3, 3, 1, 1, 1, 1, 0),
        };
        be.setSpecialisedConv(false);
        try {
            for (Conv3dSpec s : specs) {
                checkConv(s, "generic");
            }
        } finally {
            be.setSpecialisedConv(true);
        }
    }

    private void checkConv(Conv3dSpec s, String label) {
        double[] x = random((int) s.inputShape().numel(), 0.0, 1.0);
        double[] w = random((int) s.weightShape().numel(), 0.0, 1.0);
        double[] bias = random(s.k(), 0.0, 1.0);
        double[] dY = random((int) s.outputShape().numel(), 0.0, 1.0);
        Tensor xt = upload(s.inputShape(), x);
        Tensor wt = upload(s.weightShape(), w);
        Tensor dYt = upload(s.outputShape(), dY);

        Tensor y = poisoned(s.outputShape());
        be.conv3dForward(xt, wt, upload(Shape.of(s.k()), bias), s, y);
        assertClose(label + " forward " + s, RefOps.conv3dForward(x, w, bias, s), y);

        Tensor dX = poisoned(s.inputShape());
        be.conv3dBackwardData(dYt, wt, s, dX);
        assertClose(label + " backwardData " + s, RefOps.conv3dBackwardData(dY, w, s), dX);

        Tensor dW = poisoned(s.weightShape());
        be.conv3dBackwardWeight(xt, dYt, s, dW);
        assertClose(label + " backwardWeight " + s, RefOps.conv3dBackwardWeight(x, dY, s), dW);
    }

    // ---- calibration ----------------------------------------------------------

    /**
     * The FMA calibration kernel computes what it claims: every work-item's
     * eight chains, compared with the same recurrence in float64, and the
     * FLOP count is 2 x chains x steps x work-items.
     */
    @Test
    void fmaPeakKernelRunsItsChains() {
        int items = be.peakItems();
        Tensor out = poisoned(Shape.of(items));
        int iters = 37;
        double flops = be.launchFmaPeak(out, iters);
        assertEquals(2.0 * OpenClBackend.PEAK_CHAINS * iters * items, flops);
        float[] got = out.toArray();
        for (int id = 0; id < items; id += Math.max(1, items / 97)) {
            double seed = (float) (id & 1023) * 1e-4f;
            double sum = 0;
            for (int chain = 0; chain < OpenClBackend.PEAK_CHAINS; chain++) {
                double a = (float) (seed + (float) (0.1 * chain));
                for (int i = 0; i < iters; i++) {
                    a = a * OpenClBackend.PEAK_SCALE + OpenClBackend.PEAK_OFFSET;
                }
                sum += a;
            }
            assertEquals(sum, got[id], 1e-5 * Math.abs(sum), "work-item " + id);
        }
        assertThrows(IllegalArgumentException.class, () -> be.launchFmaPeak(out, 0));
        assertThrows(IllegalArgumentException.class,
                () -> be.launchFmaPeak(be.empty(Shape.of(items + 1)), 1));
    }

    /**
     * Event timing spans the kernels of the work it runs: positive, within
     * the host's clock around the call, and the work's result is the same
     * as without timing.
     */
    @Test
    void eventTimingSpansTheKernelsOfTheWork() {
        Conv3dSpec spec = new Conv3dSpec(1, 8, 10, 12, 14, 8, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        double[] xv = random((int) spec.inputShape().numel(), 0, 1);
        double[] wv = random((int) spec.weightShape().numel(), 0, 0.3);
        Tensor x = upload(spec.inputShape(), xv);
        Tensor w = upload(spec.weightShape(), wv);
        Tensor timed = poisoned(spec.outputShape());
        Tensor plain = poisoned(spec.outputShape());
        be.conv3dForward(x, w, null, spec, plain);
        long t0 = System.nanoTime();
        long device = be.timeOnDevice(() -> be.conv3dForward(x, w, null, spec, timed));
        long host = System.nanoTime() - t0;
        assertTrue(device > 0, "device time " + device);
        assertTrue(device <= host, "device time " + device + " ns > host time " + host + " ns");
        assertArrayEquals(plain.toArray(), timed.toArray());
        assertClose("timed conv", RefOps.conv3dForward(xv, wv, null, spec), timed);
        // No kernel at all: the host clock, still a finite non-negative time.
        long none = be.timeOnDevice(() -> { });
        assertTrue(none >= 0 && none <= 1_000_000_000L, "empty work took " + none + " ns");
    }

    // ---- determinism ----------------------------------------------------------

    @Test
    void reductionsAndConvolutionsAreBitIdenticalOverRepeats() {
        Shape shape = Shape.of(2, 16, 20, 21, 22);
        Tensor x = upload(shape, random((int) shape.numel(), 1.0, 1.0));
        Tensor dY = upload(shape, random((int) shape.numel(), 0.0, 1.0));
        Tensor gamma = upload(Shape.of(16), random(16, 1.0, 0.3));
        Tensor beta = upload(Shape.of(16), random(16, 0.0, 0.3));
        Conv3dSpec s = spec(2, 16, 20, 21, 22, 16, 3, 3, 3, 1, 1);
        Tensor w = upload(s.weightShape(), random((int) s.weightShape().numel(), 0.0, 0.1));

        assertRepeatable("sum", () -> {
            Tensor out = be.empty(Shape.of(1));
            be.sum(x, out);
            return out.toArray();
        });
        assertRepeatable("sumPerChannel", () -> {
            Tensor out = be.empty(Shape.of(16));
            be.sumPerChannel(x, out);
            return out.toArray();
        });
        assertRepeatable("groupNorm forward and backward", () -> {
            Tensor y = be.empty(shape);
            Tensor mean = be.empty(Shape.of(2, 4));
            Tensor rstd = be.empty(Shape.of(2, 4));
            be.groupNormForward(x, gamma, beta, 4, 1e-5f, y, mean, rstd);
            Tensor dX = be.empty(shape);
            Tensor dGamma = be.empty(Shape.of(16));
            Tensor dBeta = be.empty(Shape.of(16));
            be.groupNormBackward(x, dY, gamma, mean, rstd, 4, dX, dGamma, dBeta);
            return concat(y.toArray(), mean.toArray(), rstd.toArray(), dX.toArray(),
                    dGamma.toArray(), dBeta.toArray());
        });
        assertRepeatable("prelu backward and dice sums", () -> {
            Tensor dX = be.empty(shape);
            Tensor dAlpha = be.empty(Shape.of(16));
            be.preluBackward(dY, gamma, x, dX, dAlpha);
            Tensor sums = be.empty(Shape.of(3, 16));
            be.diceSums(x, dY, sums);
            return concat(dX.toArray(), dAlpha.toArray(), sums.toArray());
        });
        assertRepeatable("conv3d backward weight", () -> {
            Tensor dW = be.empty(s.weightShape());
            be.conv3dBackwardWeight(x, dY, s, dW);
            return dW.toArray();
        });
        assertRepeatable("conv3d forward and backward data", () -> {
            Tensor y = be.empty(s.outputShape());
            be.conv3dForward(x, w, null, s, y);
            Tensor dX = be.empty(s.inputShape());
            be.conv3dBackwardData(dY, w, s, dX);
            return concat(y.toArray(), dX.toArray());
        });
    }

    private static void assertRepeatable(String what, Supplier<float[]> run) {
        float[] first = run.get();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(first, run.get(), what + " differs between runs");
        }
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    // ---- memory and errors ----------------------------------------------------

    @Test
    void releasedBuffersAreReusedFromThePool() {
        be.synchronize();
        long bytes = 4L * 123_457;
        long bucket = ClBufferPool.bucket(bytes);
        assertTrue(bucket >= bytes && bucket < bytes * 5 / 4 + 256, "bucket " + bucket);
        MemoryStats before = be.memoryStats();
        Tensor t = be.empty(Shape.of(123_457));
        MemoryStats during = be.memoryStats();
        assertEquals(before.currentBytes() + bucket, during.currentBytes());
        assertTrue(during.peakBytes() >= during.currentBytes());
        t.close();
        MemoryStats after = be.memoryStats();
        assertEquals(before.currentBytes(), after.currentBytes());
        assertTrue(after.pooledBytes() >= bucket);
        Tensor again = be.empty(Shape.of(123_400));   // same bucket: served from the pool
        assertEquals(after.pooledBytes() - bucket, be.memoryStats().pooledBytes());
        again.close();
    }

    @Test
    void mixingDevicesNamesBothDevices() {
        Tensor onCpu = Backends.cpu().zeros(Shape.of(1, 2, 3, 3, 3));
        Tensor onCl = be.empty(Shape.of(1, 2, 3, 3, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> be.copy(onCpu, onCl));
        assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("opencl:0"),
                e.getMessage());
        onCpu.close();
    }

    @Test
    void failedBuildCarriesTheCompilerLog() {
        // 60 x 64 tiles with 4 x 4 per work-item give 240 work-items, which 64 does not divide.
        OpenClException e = assertThrows(OpenClException.class,
                () -> be.programs().program("conv3d.cu", "-DCONV_TM=60"));
        assertTrue(e.getMessage().contains("conv3d.cu")
                && e.getMessage().contains("must divide the work-items"), e.getMessage());
    }

    @Test
    void failedLaunchNamesKernelAndSize() {
        Tensor x = be.empty(Shape.of(1000));
        Tensor out = be.empty(Shape.of(1));
        Launch l = be.launch("reduce.cu", "", "sum_per_channel_partial")
                .mem(((ClStorage) x.storage()).mem()).mem(((ClStorage) out.storage()).mem())
                .l(1000).i(1).i(1).l(1000);
        // The kernel requires its full group size; a group of 3 must be refused.
        OpenClException e = assertThrows(OpenClException.class,
                () -> l.run(new long[] {3, 1}, new long[] {3, 1}));
        assertTrue(e.getMessage().contains("sum_per_channel_partial")
                && e.getMessage().contains("[3, 1]") && e.getMessage().contains("CL_"),
                e.getMessage());
    }

    // ---- helpers ----------------------------------------------------------------

    private double[] random(int n, double center, double spread) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = center + spread * (2 * rnd.nextDouble() - 1);
        }
        return a;
    }

    private Tensor upload(Shape shape, double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return be.fromArray(shape, f);
    }

    private Tensor poisoned(Shape shape) {
        Tensor t = be.empty(shape);
        be.fill(t, Float.NaN);
        return t;
    }

    private static void assertClose(String what, double[] ref, Tensor out) {
        assertClose(what, ref, out, TOL);
    }

    private static void assertClose(String what, double[] ref, Tensor out, double tol) {
        float[] got = out.toArray();
        assertEquals(ref.length, got.length, what + ": length");
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            if (!Float.isFinite(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", expected " + ref[i]);
            }
            double d = got[i] - ref[i];
            num += d * d;
            den += ref[i] * ref[i];
        }
        double rel = Math.sqrt(num / Math.max(den, 1e-300));
        assertTrue(rel < tol, what + ": relative error " + rel + " >= " + tol);
    }
}
