package vox.backend.cpu;

import static vox.backend.cpu.ConvKernels.L;
import static vox.backend.cpu.ConvKernels.R;
import static vox.backend.cpu.ConvKernels.RK;

import java.util.Arrays;
import vox.backend.Conv3dSpec;

/**
 * 3D convolution on the host, channels innermost, as an implicit GEMM.
 *
 * <pre>
 *   x  (N, D, H, W, C)        dX same
 *   w  (K, KD, KH, KW, C)     canonical weight order; dW same
 *   y  (N, OD, OH, OW, K)     dY same
 * </pre>
 *
 * <b>Forward.</b> Threads take whole output rows (n, od, oh). For a row,
 * the input rows its receptive field touches are copied into a small
 * per-thread buffer padded with zeros along W (no im2col: at most KD * KH
 * rows, and a row already held for the previous output row is not copied
 * again); with no W padding the kernels read x in place. Along such a row,
 * the (KW, C) values one output voxel reads are contiguous, for any
 * stride. Weights are repacked as (K blocks, KD, KH, KW, C, block) so that
 * one block of output channels is one or two vectors. The micro-kernels of
 * {@link ConvKernels} then reduce over (taps, C) with a tile of output
 * voxels times one channel block in registers; for three-wide kernels
 * with one vector of channels, each input value is broadcast once for the
 * three outputs it feeds. Taps whose input row lies outside the volume
 * along D or H are skipped; along W they read the buffer's zeros. A row
 * that is not a multiple of the tile ends with a tile that overlaps the
 * one before it, rewriting a few voxels with identical values.
 *
 * <b>Backward-data.</b> For unit stride it is the forward convolution of
 * dY with the weights flipped and transposed and padding K - 1 - pad. When
 * the kernel equals the stride and there is no padding (the 2x2x2 stride-2
 * down-sampling) the taps do not overlap, and it is one 1x1x1 convolution
 * from K to (KD, KH, KW, C) channels whose outputs scatter to the input
 * voxels. Other strided cases use a plain gather loop (slow; not used by
 * the V-Net).
 *
 * <b>Backward-weight.</b> A GEMM over output voxels: for each output row,
 * dW[k, tap row, (KW, C)] gains dY[voxel, k] times the same contiguous
 * input runs as the forward pass. Output rows are split into a fixed
 * number of chunks whatever the thread count; each chunk sums in float
 * over a few thousand voxels, then in double, and the chunks are added in
 * order, so the result does not depend on thread timing.
 */
final class CpuConv {
    static final jdk.incubator.vector.VectorSpecies<Float> SPECIES = ConvKernels.SPECIES;

    /** Most chunks of output rows whose weight gradients are reduced at the end. */
    private static final int WEIGHT_CHUNKS = 64;
    /** Bytes the per-chunk weight-gradient sums may take together. */
    private static final long WEIGHT_PARTS_BYTES = 32L << 20;
    /**
     * Fewest output voxels per weight-gradient chunk: a chunk's sums cost
     * about as much to zero and add up as this many voxels cost to reduce.
     */
    private static final int MIN_CHUNK_VOXELS = 1024;
    /** Voxels summed in float before a weight-gradient chunk moves its sums to double. */
    private static final int FLOAT_RUN = 4096;

    private CpuConv() {
    }

    /**
     * The geometry the kernels run on. Unlike {@link Conv3dSpec}, padding
     * may be negative (a crop), which backward-data needs when pad > kernel - 1.
     */
    record Geom(int n, int c, int d, int h, int w, int k, int kd, int kh, int kw,
                int sd, int sh, int sw, int pd, int ph, int pw, int od, int oh, int ow) {

        static Geom of(Conv3dSpec s) {
            return new Geom(s.n(), s.c(), s.d(), s.h(), s.w(), s.k(), s.kd(), s.kh(), s.kw(),
                    s.strideD(), s.strideH(), s.strideW(), s.padD(), s.padH(), s.padW(),
                    s.od(), s.oh(), s.ow());
        }

        int taps() {
            return kd * kh * kw;
        }

        /** Voxels of one buffered input row: enough for max(OW, tile) outputs. */
        int bufferVoxels() {
            return (Math.max(ow, ConvKernels.R_W3) - 1) * sw + kw;
        }

        /**
         * Whether every tile reads inside the input rows along W (no W padding,
         * and a whole tile fits), so that kernels can read x itself, without a copy.
         */
        boolean readsInsideRows() {
            return pw == 0 && bufferVoxels() <= w;
        }
    }

    /** Where the forward driver puts each finished tile. */
    @FunctionalInterface
    interface TileSink {
        /**
         * Stores tile (voxels, kb) for output voxels [ox0, ox0 + count) of output row
         * {@code row} and output channels [k0, k0 + kc).
         */
        void store(int row, int ox0, int count, int k0, int kc, float[] tile, int kb);
    }

    /** Weights as (K blocks, taps, C, kb); channels past K are zero. */
    record Packed(float[] data, int kb, int blocks) {
    }

    // ---- forward ----------------------------------------------------------

    /** y = conv(x, w) + bias. */
    static void forward(float[] x, float[] w, float[] bias, Conv3dSpec s, float[] y) {
        Geom g = Geom.of(s);
        final int k = s.k();
        final int ow = s.ow();
        run(x, g, pack(w, g.k(), g.taps(), g.c()), (row, ox0, count, k0, kc, tile, kb) -> {
            for (int r = 0; r < count; r++) {
                int yo = (row * ow + ox0 + r) * k + k0;
                int to = r * kb;
                if (bias == null) {
                    ConvKernels.copy(tile, to, y, yo, kc);
                } else {
                    ConvKernels.copyPlus(tile, to, bias, k0, y, yo, kc);
                }
            }
        });
    }

    /**
     * The forward driver: output rows split over the pool; per row, buffer the
     * input rows, then for each channel block sweep the row in tiles of R voxels.
     */
    static void run(float[] x, Geom g, Packed p, TileSink sink) {
        final int rows = g.n() * g.od() * g.oh();
        final int taps2 = g.kd() * g.kh();
        final int len = g.kw() * g.c();        // contiguous (KW, C) run of one tap row
        final int red = g.taps() * g.c();      // full reduction length
        final int xs = g.sw() * g.c();         // buffer floats between neighbouring voxels
        final int bufRow = g.bufferVoxels() * g.c();
        final int ow = g.ow();
        final boolean w3 = p.kb() == L && g.kw() == 3 && g.sw() == 1;
        final int rt = w3 ? ConvKernels.R_W3 : R;   // voxels per tile
        final boolean direct = g.readsInsideRows();
        Parallel.range(rows, 1, (from, to) -> {
            float[] buf = direct ? x : new float[taps2 * bufRow];
            int[] held = new int[taps2];
            Arrays.fill(held, -1);
            int[] rowOff = new int[taps2];
            int[] wOff = new int[taps2];
            float[] tile = new float[rt * p.kb()];
            for (int row = from; row < to; row++) {
                int nr = bufferRows(x, g, row, direct, buf, bufRow, held, rowOff, wOff,
                        len * p.kb());
                for (int blk = 0; blk < p.blocks(); blk++) {
                    int k0 = blk * p.kb();
                    int kc = Math.min(p.kb(), g.k() - k0);
                    int wBase = blk * red * p.kb();
                    for (int ox0 = 0; ox0 < ow; ox0 += rt) {
                        int start = ox0 + rt <= ow ? ox0 : Math.max(0, ow - rt);
                        Arrays.fill(tile, 0f);
                        for (int q = 0; q < nr; q++) {
                            int xb = rowOff[q] + start * xs;
                            int wb = wBase + wOff[q];
                            if (p.kb() == 2 * L) {
                                ConvKernels.forward8x2(buf, xb, xs, len, p.data(), wb, tile);
                            } else if (w3 && rt == 16) {
                                ConvKernels.forward16x1w3(buf, xb, g.c(), p.data(), wb, tile);
                            } else if (w3) {
                                ConvKernels.forward8x1w3(buf, xb, g.c(), p.data(), wb, tile);
                            } else {
                                ConvKernels.forward8x1(buf, xb, xs, len, p.data(), wb, tile);
                            }
                        }
                        sink.store(row, start, Math.min(rt, ow - start), k0, kc, tile, p.kb());
                    }
                }
            }
        });
    }

    /**
     * Makes the input rows of output row {@code row} that lie inside the
     * volume available in buf, and fills rowOff with their offsets in buf and
     * wOff with the matching weight offsets (tap row a * KH + b times wRow);
     * returns how many. Input row iy of tap row a lives in slot a * KH + iy % KH,
     * so consecutive output rows find most of their input rows already there
     * ({@code held} records which row each slot holds). The W padding of each
     * slot is never written and stays zero. When {@code direct}, nothing is
     * copied and rowOff points into x itself.
     */
    private static int bufferRows(float[] x, Geom g, int row, boolean direct, float[] buf,
                                  int bufRow, int[] held, int[] rowOff, int[] wOff,
                                  int wRow) {
        int n = row / (g.od() * g.oh());
        int oz = (row / g.oh()) % g.od();
        int oy = row % g.oh();
        int c = g.c();
        // Buffer voxel q holds input column q - pw; copy the columns inside [0, W).
        int qLo = Math.max(0, g.pw());
        int qHi = Math.min(bufRow / c, g.w() + g.pw());
        int nr = 0;
        for (int a = 0; a < g.kd(); a++) {
            int iz = oz * g.sd() - g.pd() + a;
            if (iz < 0 || iz >= g.d()) {
                continue;
            }
            for (int b = 0; b < g.kh(); b++) {
                int iy = oy * g.sh() - g.ph() + b;
                if (iy < 0 || iy >= g.h()) {
                    continue;
                }
                int slot = a * g.kh() + iy % g.kh();
                int key = (n * g.d() + iz) * g.h() + iy;
                if (direct) {
                    rowOff[nr] = key * g.w() * c;
                } else {
                    if (held[slot] != key && qHi > qLo) {
                        int src = (key * g.w() + qLo - g.pw()) * c;
                        System.arraycopy(x, src, buf, slot * bufRow + qLo * c,
                                (qHi - qLo) * c);
                        held[slot] = key;
                    }
                    rowOff[nr] = slot * bufRow;
                }
                wOff[nr] = (a * g.kh() + b) * wRow;
                nr++;
            }
        }
        return nr;
    }

    /** Canonical (K, taps, C) weights as (K blocks, taps, C, kb). */
    static Packed pack(float[] w, int k, int taps, int c) {
        // TODO: far fewer output channels than a vector (the 1x1x1 classifier with
        // K = numClasses, or backward-data into a one-channel image) leave most
        // lanes idle; a kernel that vectorises over C and reduces lanes would suit.
        int kb = ConvKernels.WIDE && k > L ? 2 * L : L;
        int blocks = (k + kb - 1) / kb;
        int red = taps * c;
        float[] out = new float[blocks * red * kb];
        for (int ki = 0; ki < k; ki++) {
            int blk = ki / kb;
            int lane = ki % kb;
            for (int j = 0; j < red; j++) {
                out[(blk * red + j) * kb + lane] = w[ki * red + j];
            }
        }
        return new Packed(out, kb, blocks);
    }

    // ---- backward-data ----------------------------------------------------

    /** dX = conv^T(dY, w). */
    static void backwardData(float[] dy, float[] w, Conv3dSpec s, float[] dx) {
        if (s.isUnitStride()) {
            backwardDataUnitStride(dy, w, s, dx);
        } else if (s.kd() == s.strideD() && s.kh() == s.strideH() && s.kw() == s.strideW()
                && s.padD() == 0 && s.padH() == 0 && s.padW() == 0) {
            backwardDataPatches(dy, w, s, dx);
        } else {
            // TODO: strided backward-data with overlapping taps (e.g. 3x3x3 stride 2)
            // runs a plain gather loop; split it into stride phases to use the kernels.
            backwardDataGather(dy, w, s, dx);
        }
    }

    /** Unit stride: forward conv of dY with flipped, transposed weights and pad k-1-p. */
    private static void backwardDataUnitStride(float[] dy, float[] w, Conv3dSpec s,
                                               float[] dx) {
        int c = s.c();
        int k = s.k();
        int kd = s.kd();
        int kh = s.kh();
        int kw = s.kw();
        // w'[c, a, b, e, k] = w[k, KD-1-a, KH-1-b, KW-1-e, c]
        float[] wt = new float[w.length];
        for (int ki = 0; ki < k; ki++) {
            for (int a = 0; a < kd; a++) {
                for (int b = 0; b < kh; b++) {
                    for (int e = 0; e < kw; e++) {
                        int src = (((ki * kd + a) * kh + b) * kw + e) * c;
                        int tap = ((kd - 1 - a) * kh + kh - 1 - b) * kw + kw - 1 - e;
                        for (int ci = 0; ci < c; ci++) {
                            wt[(ci * kd * kh * kw + tap) * k + ki] = w[src + ci];
                        }
                    }
                }
            }
        }
        Geom g = new Geom(s.n(), k, s.od(), s.oh(), s.ow(), c, kd, kh, kw, 1, 1, 1,
                kd - 1 - s.padD(), kh - 1 - s.padH(), kw - 1 - s.padW(),
                s.d(), s.h(), s.w());
        final int width = s.w();
        run(dy, g, pack(wt, c, g.taps(), k), (row, ox0, count, k0, kc, tile, kb) -> {
            for (int r = 0; r < count; r++) {
                ConvKernels.copy(tile, r * kb, dx, (row * width + ox0 + r) * c + k0, kc);
            }
        });
    }

    /**
     * Kernel equal to stride, no padding: output voxel o fed exactly the input
     * block at o * stride, so dX[block(o) + tap, c] = sum_k dY[o, k] w[k, tap, c]:
     * a 1x1x1 convolution from K to (taps, C) channels, scattered.
     */
    private static void backwardDataPatches(float[] dy, float[] w, Conv3dSpec s, float[] dx) {
        final int c = s.c();
        final int k = s.k();
        final int taps = s.kd() * s.kh() * s.kw();
        final int od = s.od();
        final int oh = s.oh();
        final int ow = s.ow();
        if (od * s.kd() != s.d() || oh * s.kh() != s.h() || ow * s.kw() != s.w()) {
            Parallel.range(dx.length, 1 << 16, (f, t) -> Arrays.fill(dx, f, t, 0f));
        }
        // w'[(tap, c), k] = w[k, tap, c], as canonical (taps * C, 1, K) weights.
        float[] wt = new float[w.length];
        for (int ki = 0; ki < k; ki++) {
            for (int j = 0; j < taps * c; j++) {
                wt[j * k + ki] = w[ki * taps * c + j];
            }
        }
        // Offset in dX of output channel (tap, c) from the block's first voxel.
        final int[] off = new int[taps * c];
        for (int a = 0; a < s.kd(); a++) {
            for (int b = 0; b < s.kh(); b++) {
                for (int e = 0; e < s.kw(); e++) {
                    int tap = (a * s.kh() + b) * s.kw() + e;
                    for (int ci = 0; ci < c; ci++) {
                        off[tap * c + ci] = ((a * s.h() + b) * s.w() + e) * c + ci;
                    }
                }
            }
        }
        Geom g = new Geom(s.n(), k, od, oh, ow, taps * c, 1, 1, 1, 1, 1, 1, 0, 0, 0,
                od, oh, ow);
        run(dy, g, pack(wt, taps * c, 1, k), (row, ox0, count, k0, kc, tile, kb) -> {
            int n = row / (od * oh);
            int zo = (row / oh) % od;
            int yo = row % oh;
            for (int r = 0; r < count; r++) {
                int corner = (((n * s.d() + zo * s.kd()) * s.h() + yo * s.kh()) * s.w()
                        + (ox0 + r) * s.kw()) * c;
                int to = r * kb;
                // Channels (tap, c) for consecutive c are consecutive in dX.
                for (int i = 0; i < kc; ) {
                    int run = Math.min(kc - i, c - (k0 + i) % c);
                    ConvKernels.copy(tile, to + i, dx, corner + off[k0 + i], run);
                    i += run;
                }
            }
        });
    }

    /** Each input voxel gathers the output voxels it fed: any stride, slow. */
    private static void backwardDataGather(float[] dy, float[] w, Conv3dSpec s, float[] dx) {
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
                    Arrays.fill(acc, 0f);
                    for (int a = 0; a < s.kd(); a++) {
                        int zt = zi + s.padD() - a;
                        if (zt < 0 || zt % s.strideD() != 0 || zt / s.strideD() >= od) {
                            continue;
                        }
                        for (int b = 0; b < s.kh(); b++) {
                            int yt = yi + s.padH() - b;
                            if (yt < 0 || yt % s.strideH() != 0 || yt / s.strideH() >= oh) {
                                continue;
                            }
                            for (int e = 0; e < s.kw(); e++) {
                                int xt = xi + s.padW() - e;
                                if (xt < 0 || xt % s.strideW() != 0 || xt / s.strideW() >= ow) {
                                    continue;
                                }
                                int tap = (a * s.kh() + b) * s.kw() + e;
                                int dyOff = (((n * od + zt / s.strideD()) * oh
                                        + yt / s.strideH()) * ow + xt / s.strideW()) * k;
                                for (int ki = 0; ki < k; ki++) {
                                    float g = dy[dyOff + ki];
                                    int wOff = (ki * taps + tap) * c;
                                    for (int ci = 0; ci < c; ci++) {
                                        acc[ci] += g * w[wOff + ci];
                                    }
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

    // ---- backward-weight --------------------------------------------------

    /** dW[k, tap, c] = sum over output voxels o of dY[o, k] * x[in(o, tap), c]. */
    static void backwardWeight(float[] x, float[] dy, Conv3dSpec s, float[] dw) {
        final Geom g = Geom.of(s);
        final int rows = g.n() * g.od() * g.oh();
        final int taps2 = g.kd() * g.kh();
        final int len = g.kw() * g.c();
        final int lenP = roundUp(len, L);
        final int k = g.k();
        final int kp = roundUp(k, RK);
        final int ow = g.ow();
        final int xs = g.sw() * g.c();
        final int bufRow = g.bufferVoxels() * g.c();
        final int accSize = taps2 * kp * lenP;
        // Many chunks balance threads that the OS pauses, but each costs a pass
        // over its sums. The count depends on the shape only (never on threads),
        // and the double sums of all chunks stay within WEIGHT_PARTS_BYTES.
        long byVoxels = (long) rows * ow / MIN_CHUNK_VOXELS;
        long byMemory = WEIGHT_PARTS_BYTES / (8L * accSize);
        final int chunks = (int) Math.max(1, Math.min(Math.min(rows, WEIGHT_CHUNKS),
                Math.min(byVoxels, byMemory)));
        final int flushRows = Math.max(1, FLOAT_RUN / ow);
        final double[][] parts = new double[chunks][];
        // Reading x directly needs whole vectors: no run may end inside one.
        final boolean direct = g.readsInsideRows() && len % L == 0;
        Parallel.range(chunks, 1, (cf, ct) -> {
            // The last vector of a run may read up to lenP - len floats past the buffer.
            float[] buf = direct ? x : new float[taps2 * bufRow + lenP];
            int[] held = new int[taps2];
            Arrays.fill(held, -1);
            float[] dyRow = new float[ow * kp];
            int[] rowOff = new int[taps2];
            int[] tapRow = new int[taps2];
            float[] accF = new float[accSize];
            for (int ch = cf; ch < ct; ch++) {
                double[] accD = new double[accSize];
                int r0 = (int) ((long) rows * ch / chunks);
                int r1 = (int) ((long) rows * (ch + 1) / chunks);
                int pending = 0;
                for (int row = r0; row < r1; row++) {
                    int nr = bufferRows(x, g, row, direct, buf, bufRow, held, rowOff, tapRow,
                            1);
                    for (int o = 0; o < ow; o++) {
                        System.arraycopy(dy, (row * ow + o) * k, dyRow, o * kp, k);
                    }
                    for (int q = 0; q < nr; q++) {
                        for (int k0 = 0; k0 < kp; k0 += RK) {
                            int accRow = (tapRow[q] * kp + k0) * lenP;
                            weightRun(buf, rowOff[q], xs, dyRow, k0, kp, ow, accF, accRow,
                                    lenP);
                        }
                    }
                    if (++pending == flushRows || row == r1 - 1) {
                        for (int i = 0; i < accSize; i++) {
                            accD[i] += accF[i];
                        }
                        Arrays.fill(accF, 0f);
                        pending = 0;
                    }
                }
                parts[ch] = accD;
            }
        });
        // Sum the chunks in order; (tap row, k, (KW, C)) to (k, tap row, (KW, C)).
        for (int ki = 0; ki < k; ki++) {
            for (int t2 = 0; t2 < taps2; t2++) {
                int src = (t2 * kp + ki) * lenP;
                int dst = (ki * taps2 + t2) * len;
                for (int j = 0; j < len; j++) {
                    double sum = 0;
                    for (double[] part : parts) {
                        sum += part[src + j];
                    }
                    dw[dst + j] = (float) sum;
                }
            }
        }
    }

    /** RK rows of dW's float accumulator, over one whole (KW, C) run of lenP floats. */
    private static void weightRun(float[] buf, int xb, int xs, float[] dyRow, int k0, int kp,
                                  int ow, float[] acc, int accRow, int lenP) {
        // Vectors of the run in tiles of three, ending in 2 + 2 rather than 3 + 1.
        int vectors = lenP / L;
        int threes = vectors % 3 == 1 && vectors >= 4 ? vectors / 3 - 1 : vectors / 3;
        int j0 = 0;
        for (int t = 0; t < threes; t++, j0 += 3 * L) {
            ConvKernels.weight4x3(buf, xb + j0, xs, dyRow, k0, kp, ow, acc, accRow + j0, lenP);
        }
        for (; j0 + 2 * L <= lenP; j0 += 2 * L) {
            ConvKernels.weight4x2(buf, xb + j0, xs, dyRow, k0, kp, ow, acc, accRow + j0, lenP);
        }
        if (j0 < lenP) {
            ConvKernels.weight4x1(buf, xb + j0, xs, dyRow, k0, kp, ow, acc, accRow + j0, lenP);
        }
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }
}
