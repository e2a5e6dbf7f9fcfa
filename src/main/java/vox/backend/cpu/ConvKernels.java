package vox.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels of the CPU convolution, written with the
 * Vector API. Every accumulator is a local variable so that C2 keeps it
 * in a vector register for the whole reduction; loops are unrolled by
 * hand over the register block because the Vector API has no other way
 * to name registers.
 *
 * <p>Forward tile: {@value #R} consecutive output voxels of one output row
 * times one block of output channels ({@code L} or {@code 2L} lanes, L =
 * vector length). For each input row of the receptive field and each j
 * of its contiguous (KW, C) run, one weight vector per L channels is
 * loaded and each voxel's input value is broadcast: R * V fused
 * multiply-adds per R + V loads.
 *
 * <p>Weight-gradient tile: {@value #RK} output channels times one to three
 * vectors of a contiguous (KW, C) run, reduced over the voxels of one
 * output row.
 *
 * <p>Larger register blocks were tried and lost on JDK 17: with 24
 * accumulators (8 x 3) C2 no longer keeps them in registers and the
 * kernel runs about seven times slower.
 *
 * <p>Half-width vectors (8 floats) for layers of 8 output channels, which
 * leave half of each 16-float vector idle, were tried too and lost: with
 * two float species in use, the type profiles inside the Vector API's
 * shared methods ({@code FloatVector.intoArray}) see two vector classes,
 * C2 no longer turns them into single instructions, and a training step
 * of the phantom cascade ran four times slower. Every kernel here uses
 * the one preferred species. A kernel vectorised over output voxels for
 * such layers (the input copied channel-major, tiles of 2L voxels times
 * 8 channels, 8 weight broadcasts per 16 multiply-adds) did not beat the
 * half-empty channel vectors either: 50 to 58 against 57 to 61 GFLOP/s
 * for 8 -> 8 channels on 32x64x64.
 */
final class ConvKernels {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = SPECIES.length();
    /** Output voxels per forward tile. */
    static final int R = 8;
    /** Output voxels per tile of the three-wide kernels. */
    static final int R_W3 = L >= 16 ? 16 : 8;
    /** Output channels per weight-gradient tile. */
    static final int RK = 4;
    /** Whether a forward tile may hold two vectors of channels per voxel (2R + 3 registers). */
    static final boolean WIDE = L >= 16;

    private ConvKernels() {
    }

    /**
     * tile (R, 2L) += sum over j below len of
     * buf[xb + r * xs + j] * wt[wb + j * 2L + (0 .. 2L)], for voxels r below R.
     *
     * <p>One input row per call: with a loop over rows around the j loop,
     * JDK 17's C2 fails to keep the accumulators in registers (boxing them
     * costs a factor of about 50), so the caller loops over rows and the
     * tile carries the sums between calls.
     */
    static void forward8x2(float[] buf, int xb, int xs, int len, float[] wt, int wb,
                           float[] tile) {
        final int kb = 2 * L;
        FloatVector a0 = FloatVector.fromArray(SPECIES, tile, 0);
        FloatVector b0 = FloatVector.fromArray(SPECIES, tile, L);
        FloatVector a1 = FloatVector.fromArray(SPECIES, tile, 2 * L);
        FloatVector b1 = FloatVector.fromArray(SPECIES, tile, 3 * L);
        FloatVector a2 = FloatVector.fromArray(SPECIES, tile, 4 * L);
        FloatVector b2 = FloatVector.fromArray(SPECIES, tile, 5 * L);
        FloatVector a3 = FloatVector.fromArray(SPECIES, tile, 6 * L);
        FloatVector b3 = FloatVector.fromArray(SPECIES, tile, 7 * L);
        FloatVector a4 = FloatVector.fromArray(SPECIES, tile, 8 * L);
        FloatVector b4 = FloatVector.fromArray(SPECIES, tile, 9 * L);
        FloatVector a5 = FloatVector.fromArray(SPECIES, tile, 10 * L);
        FloatVector b5 = FloatVector.fromArray(SPECIES, tile, 11 * L);
        FloatVector a6 = FloatVector.fromArray(SPECIES, tile, 12 * L);
        FloatVector b6 = FloatVector.fromArray(SPECIES, tile, 13 * L);
        FloatVector a7 = FloatVector.fromArray(SPECIES, tile, 14 * L);
        FloatVector b7 = FloatVector.fromArray(SPECIES, tile, 15 * L);
        for (int j = 0; j < len; j++) {
            int wi = wb + j * kb;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wt, wi);
            FloatVector w1 = FloatVector.fromArray(SPECIES, wt, wi + L);
            int xi = xb + j;
            FloatVector v = FloatVector.broadcast(SPECIES, buf[xi]);
            a0 = v.fma(w0, a0);
            b0 = v.fma(w1, b0);
            v = FloatVector.broadcast(SPECIES, buf[xi + xs]);
            a1 = v.fma(w0, a1);
            b1 = v.fma(w1, b1);
            v = FloatVector.broadcast(SPECIES, buf[xi + 2 * xs]);
            a2 = v.fma(w0, a2);
            b2 = v.fma(w1, b2);
            v = FloatVector.broadcast(SPECIES, buf[xi + 3 * xs]);
            a3 = v.fma(w0, a3);
            b3 = v.fma(w1, b3);
            v = FloatVector.broadcast(SPECIES, buf[xi + 4 * xs]);
            a4 = v.fma(w0, a4);
            b4 = v.fma(w1, b4);
            v = FloatVector.broadcast(SPECIES, buf[xi + 5 * xs]);
            a5 = v.fma(w0, a5);
            b5 = v.fma(w1, b5);
            v = FloatVector.broadcast(SPECIES, buf[xi + 6 * xs]);
            a6 = v.fma(w0, a6);
            b6 = v.fma(w1, b6);
            v = FloatVector.broadcast(SPECIES, buf[xi + 7 * xs]);
            a7 = v.fma(w0, a7);
            b7 = v.fma(w1, b7);
        }
        a0.intoArray(tile, 0);
        b0.intoArray(tile, L);
        a1.intoArray(tile, 2 * L);
        b1.intoArray(tile, 3 * L);
        a2.intoArray(tile, 4 * L);
        b2.intoArray(tile, 5 * L);
        a3.intoArray(tile, 6 * L);
        b3.intoArray(tile, 7 * L);
        a4.intoArray(tile, 8 * L);
        b4.intoArray(tile, 9 * L);
        a5.intoArray(tile, 10 * L);
        b5.intoArray(tile, 11 * L);
        a6.intoArray(tile, 12 * L);
        b6.intoArray(tile, 13 * L);
        a7.intoArray(tile, 14 * L);
        b7.intoArray(tile, 15 * L);
    }

    /** As {@link #forward8x2} with one vector (L channels) per voxel. */
    static void forward8x1(float[] buf, int xb, int xs, int len, float[] wt, int wb,
                           float[] tile) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, tile, 0);
        FloatVector a1 = FloatVector.fromArray(SPECIES, tile, L);
        FloatVector a2 = FloatVector.fromArray(SPECIES, tile, 2 * L);
        FloatVector a3 = FloatVector.fromArray(SPECIES, tile, 3 * L);
        FloatVector a4 = FloatVector.fromArray(SPECIES, tile, 4 * L);
        FloatVector a5 = FloatVector.fromArray(SPECIES, tile, 5 * L);
        FloatVector a6 = FloatVector.fromArray(SPECIES, tile, 6 * L);
        FloatVector a7 = FloatVector.fromArray(SPECIES, tile, 7 * L);
        for (int j = 0; j < len; j++) {
            FloatVector w0 = FloatVector.fromArray(SPECIES, wt, wb + j * L);
            int xi = xb + j;
            a0 = FloatVector.broadcast(SPECIES, buf[xi]).fma(w0, a0);
            a1 = FloatVector.broadcast(SPECIES, buf[xi + xs]).fma(w0, a1);
            a2 = FloatVector.broadcast(SPECIES, buf[xi + 2 * xs]).fma(w0, a2);
            a3 = FloatVector.broadcast(SPECIES, buf[xi + 3 * xs]).fma(w0, a3);
            a4 = FloatVector.broadcast(SPECIES, buf[xi + 4 * xs]).fma(w0, a4);
            a5 = FloatVector.broadcast(SPECIES, buf[xi + 5 * xs]).fma(w0, a5);
            a6 = FloatVector.broadcast(SPECIES, buf[xi + 6 * xs]).fma(w0, a6);
            a7 = FloatVector.broadcast(SPECIES, buf[xi + 7 * xs]).fma(w0, a7);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        a2.intoArray(tile, 2 * L);
        a3.intoArray(tile, 3 * L);
        a4.intoArray(tile, 4 * L);
        a5.intoArray(tile, 5 * L);
        a6.intoArray(tile, 6 * L);
        a7.intoArray(tile, 7 * L);
    }

    /**
     * As {@link #forward8x1} for kernels three wide along W with unit stride:
     * tile (R, L) += sum over e below 3 and ci below c of
     * buf[xb + (r + e) * c + ci] * wt[wb + (e * c + ci) * L + (0 .. L)].
     * Each input value is broadcast once and feeds the three output voxels
     * that read it, so there are 10 broadcasts per 24 multiply-adds instead
     * of one per multiply-add: this is what makes 16-channel layers fast.
     */
    static void forward8x1w3(float[] buf, int xb, int c, float[] wt, int wb, float[] tile) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, tile, 0);
        FloatVector a1 = FloatVector.fromArray(SPECIES, tile, L);
        FloatVector a2 = FloatVector.fromArray(SPECIES, tile, 2 * L);
        FloatVector a3 = FloatVector.fromArray(SPECIES, tile, 3 * L);
        FloatVector a4 = FloatVector.fromArray(SPECIES, tile, 4 * L);
        FloatVector a5 = FloatVector.fromArray(SPECIES, tile, 5 * L);
        FloatVector a6 = FloatVector.fromArray(SPECIES, tile, 6 * L);
        FloatVector a7 = FloatVector.fromArray(SPECIES, tile, 7 * L);
        final int ws = c * L;
        for (int ci = 0; ci < c; ci++) {
            int wi = wb + ci * L;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wt, wi);
            FloatVector w1 = FloatVector.fromArray(SPECIES, wt, wi + ws);
            FloatVector w2 = FloatVector.fromArray(SPECIES, wt, wi + 2 * ws);
            int xi = xb + ci;
            // Input voxel p feeds output voxel p - e through tap e.
            FloatVector v = FloatVector.broadcast(SPECIES, buf[xi]);
            a0 = v.fma(w0, a0);
            v = FloatVector.broadcast(SPECIES, buf[xi + c]);
            a1 = v.fma(w0, a1);
            a0 = v.fma(w1, a0);
            v = FloatVector.broadcast(SPECIES, buf[xi + 2 * c]);
            a2 = v.fma(w0, a2);
            a1 = v.fma(w1, a1);
            a0 = v.fma(w2, a0);
            v = FloatVector.broadcast(SPECIES, buf[xi + 3 * c]);
            a3 = v.fma(w0, a3);
            a2 = v.fma(w1, a2);
            a1 = v.fma(w2, a1);
            v = FloatVector.broadcast(SPECIES, buf[xi + 4 * c]);
            a4 = v.fma(w0, a4);
            a3 = v.fma(w1, a3);
            a2 = v.fma(w2, a2);
            v = FloatVector.broadcast(SPECIES, buf[xi + 5 * c]);
            a5 = v.fma(w0, a5);
            a4 = v.fma(w1, a4);
            a3 = v.fma(w2, a3);
            v = FloatVector.broadcast(SPECIES, buf[xi + 6 * c]);
            a6 = v.fma(w0, a6);
            a5 = v.fma(w1, a5);
            a4 = v.fma(w2, a4);
            v = FloatVector.broadcast(SPECIES, buf[xi + 7 * c]);
            a7 = v.fma(w0, a7);
            a6 = v.fma(w1, a6);
            a5 = v.fma(w2, a5);
            v = FloatVector.broadcast(SPECIES, buf[xi + 8 * c]);
            a7 = v.fma(w1, a7);
            a6 = v.fma(w2, a6);
            v = FloatVector.broadcast(SPECIES, buf[xi + 9 * c]);
            a7 = v.fma(w2, a7);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, L);
        a2.intoArray(tile, 2 * L);
        a3.intoArray(tile, 3 * L);
        a4.intoArray(tile, 4 * L);
        a5.intoArray(tile, 5 * L);
        a6.intoArray(tile, 6 * L);
        a7.intoArray(tile, 7 * L);
    }

    /**
     * As {@link #forward8x1w3} with 16 output voxels, for wide vector units
     * with 32 registers: 18 broadcasts per 48 multiply-adds, and half the
     * calls. Input voxel p feeds output voxel p - e through tap e.
     */
    static void forward16x1w3(float[] buf, int xb, int c, float[] wt, int wb, float[] tile) {
        FloatVector a0 = FloatVector.fromArray(SPECIES, tile, 0);
        FloatVector a1 = FloatVector.fromArray(SPECIES, tile, 1 * L);
        FloatVector a2 = FloatVector.fromArray(SPECIES, tile, 2 * L);
        FloatVector a3 = FloatVector.fromArray(SPECIES, tile, 3 * L);
        FloatVector a4 = FloatVector.fromArray(SPECIES, tile, 4 * L);
        FloatVector a5 = FloatVector.fromArray(SPECIES, tile, 5 * L);
        FloatVector a6 = FloatVector.fromArray(SPECIES, tile, 6 * L);
        FloatVector a7 = FloatVector.fromArray(SPECIES, tile, 7 * L);
        FloatVector a8 = FloatVector.fromArray(SPECIES, tile, 8 * L);
        FloatVector a9 = FloatVector.fromArray(SPECIES, tile, 9 * L);
        FloatVector a10 = FloatVector.fromArray(SPECIES, tile, 10 * L);
        FloatVector a11 = FloatVector.fromArray(SPECIES, tile, 11 * L);
        FloatVector a12 = FloatVector.fromArray(SPECIES, tile, 12 * L);
        FloatVector a13 = FloatVector.fromArray(SPECIES, tile, 13 * L);
        FloatVector a14 = FloatVector.fromArray(SPECIES, tile, 14 * L);
        FloatVector a15 = FloatVector.fromArray(SPECIES, tile, 15 * L);
        final int ws = c * L;
        for (int ci = 0; ci < c; ci++) {
            int wi = wb + ci * L;
            FloatVector w0 = FloatVector.fromArray(SPECIES, wt, wi);
            FloatVector w1 = FloatVector.fromArray(SPECIES, wt, wi + ws);
            FloatVector w2 = FloatVector.fromArray(SPECIES, wt, wi + 2 * ws);
            int xi = xb + ci;
            FloatVector v = FloatVector.broadcast(SPECIES, buf[xi]);
            a0 = v.fma(w0, a0);
            v = FloatVector.broadcast(SPECIES, buf[xi + c]);
            a1 = v.fma(w0, a1);
            a0 = v.fma(w1, a0);
            v = FloatVector.broadcast(SPECIES, buf[xi + 2 * c]);
            a2 = v.fma(w0, a2);
            a1 = v.fma(w1, a1);
            a0 = v.fma(w2, a0);
            v = FloatVector.broadcast(SPECIES, buf[xi + 3 * c]);
            a3 = v.fma(w0, a3);
            a2 = v.fma(w1, a2);
            a1 = v.fma(w2, a1);
            v = FloatVector.broadcast(SPECIES, buf[xi + 4 * c]);
            a4 = v.fma(w0, a4);
            a3 = v.fma(w1, a3);
            a2 = v.fma(w2, a2);
            v = FloatVector.broadcast(SPECIES, buf[xi + 5 * c]);
            a5 = v.fma(w0, a5);
            a4 = v.fma(w1, a4);
            a3 = v.fma(w2, a3);
            v = FloatVector.broadcast(SPECIES, buf[xi + 6 * c]);
            a6 = v.fma(w0, a6);
            a5 = v.fma(w1, a5);
            a4 = v.fma(w2, a4);
            v = FloatVector.broadcast(SPECIES, buf[xi + 7 * c]);
            a7 = v.fma(w0, a7);
            a6 = v.fma(w1, a6);
            a5 = v.fma(w2, a5);
            v = FloatVector.broadcast(SPECIES, buf[xi + 8 * c]);
            a8 = v.fma(w0, a8);
            a7 = v.fma(w1, a7);
            a6 = v.fma(w2, a6);
            v = FloatVector.broadcast(SPECIES, buf[xi + 9 * c]);
            a9 = v.fma(w0, a9);
            a8 = v.fma(w1, a8);
            a7 = v.fma(w2, a7);
            v = FloatVector.broadcast(SPECIES, buf[xi + 10 * c]);
            a10 = v.fma(w0, a10);
            a9 = v.fma(w1, a9);
            a8 = v.fma(w2, a8);
            v = FloatVector.broadcast(SPECIES, buf[xi + 11 * c]);
            a11 = v.fma(w0, a11);
            a10 = v.fma(w1, a10);
            a9 = v.fma(w2, a9);
            v = FloatVector.broadcast(SPECIES, buf[xi + 12 * c]);
            a12 = v.fma(w0, a12);
            a11 = v.fma(w1, a11);
            a10 = v.fma(w2, a10);
            v = FloatVector.broadcast(SPECIES, buf[xi + 13 * c]);
            a13 = v.fma(w0, a13);
            a12 = v.fma(w1, a12);
            a11 = v.fma(w2, a11);
            v = FloatVector.broadcast(SPECIES, buf[xi + 14 * c]);
            a14 = v.fma(w0, a14);
            a13 = v.fma(w1, a13);
            a12 = v.fma(w2, a12);
            v = FloatVector.broadcast(SPECIES, buf[xi + 15 * c]);
            a15 = v.fma(w0, a15);
            a14 = v.fma(w1, a14);
            a13 = v.fma(w2, a13);
            v = FloatVector.broadcast(SPECIES, buf[xi + 16 * c]);
            a15 = v.fma(w1, a15);
            a14 = v.fma(w2, a14);
            v = FloatVector.broadcast(SPECIES, buf[xi + 17 * c]);
            a15 = v.fma(w2, a15);
        }
        a0.intoArray(tile, 0);
        a1.intoArray(tile, 1 * L);
        a2.intoArray(tile, 2 * L);
        a3.intoArray(tile, 3 * L);
        a4.intoArray(tile, 4 * L);
        a5.intoArray(tile, 5 * L);
        a6.intoArray(tile, 6 * L);
        a7.intoArray(tile, 7 * L);
        a8.intoArray(tile, 8 * L);
        a9.intoArray(tile, 9 * L);
        a10.intoArray(tile, 10 * L);
        a11.intoArray(tile, 11 * L);
        a12.intoArray(tile, 12 * L);
        a13.intoArray(tile, 13 * L);
        a14.intoArray(tile, 14 * L);
        a15.intoArray(tile, 15 * L);
    }

    /**
     * acc[accOff + r * accStride + (0 .. 3L)] += sum over voxels o below count of
     * dy[dyOff + o * dyStride + r] * buf[xb + o * xs + (0 .. 3L)], for r below RK.
     */
    static void weight4x3(float[] buf, int xb, int xs, float[] dy, int dyOff, int dyStride,
                          int count, float[] acc, int accOff, int accStride) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector b0 = a0;
        FloatVector c0 = a0;
        FloatVector a1 = a0;
        FloatVector b1 = a0;
        FloatVector c1 = a0;
        FloatVector a2 = a0;
        FloatVector b2 = a0;
        FloatVector c2 = a0;
        FloatVector a3 = a0;
        FloatVector b3 = a0;
        FloatVector c3 = a0;
        for (int o = 0; o < count; o++) {
            int xi = xb + o * xs;
            FloatVector x0 = FloatVector.fromArray(SPECIES, buf, xi);
            FloatVector x1 = FloatVector.fromArray(SPECIES, buf, xi + L);
            FloatVector x2 = FloatVector.fromArray(SPECIES, buf, xi + 2 * L);
            int di = dyOff + o * dyStride;
            FloatVector v = FloatVector.broadcast(SPECIES, dy[di]);
            a0 = v.fma(x0, a0);
            b0 = v.fma(x1, b0);
            c0 = v.fma(x2, c0);
            v = FloatVector.broadcast(SPECIES, dy[di + 1]);
            a1 = v.fma(x0, a1);
            b1 = v.fma(x1, b1);
            c1 = v.fma(x2, c1);
            v = FloatVector.broadcast(SPECIES, dy[di + 2]);
            a2 = v.fma(x0, a2);
            b2 = v.fma(x1, b2);
            c2 = v.fma(x2, c2);
            v = FloatVector.broadcast(SPECIES, dy[di + 3]);
            a3 = v.fma(x0, a3);
            b3 = v.fma(x1, b3);
            c3 = v.fma(x2, c3);
        }
        addInto(acc, accOff, a0, b0);
        addInto(acc, accOff + 2 * L, c0);
        addInto(acc, accOff + accStride, a1, b1);
        addInto(acc, accOff + accStride + 2 * L, c1);
        addInto(acc, accOff + 2 * accStride, a2, b2);
        addInto(acc, accOff + 2 * accStride + 2 * L, c2);
        addInto(acc, accOff + 3 * accStride, a3, b3);
        addInto(acc, accOff + 3 * accStride + 2 * L, c3);
    }

    /**
     * acc[accOff + r * accStride + (0 .. 2L)] += sum over voxels o below count of
     * dy[dyOff + o * dyStride + r] * buf[xb + o * xs + (0 .. 2L)], for r below RK.
     */
    static void weight4x2(float[] buf, int xb, int xs, float[] dy, int dyOff, int dyStride,
                          int count, float[] acc, int accOff, int accStride) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector b0 = a0;
        FloatVector a1 = a0;
        FloatVector b1 = a0;
        FloatVector a2 = a0;
        FloatVector b2 = a0;
        FloatVector a3 = a0;
        FloatVector b3 = a0;
        for (int o = 0; o < count; o++) {
            int xi = xb + o * xs;
            FloatVector x0 = FloatVector.fromArray(SPECIES, buf, xi);
            FloatVector x1 = FloatVector.fromArray(SPECIES, buf, xi + L);
            int di = dyOff + o * dyStride;
            FloatVector v = FloatVector.broadcast(SPECIES, dy[di]);
            a0 = v.fma(x0, a0);
            b0 = v.fma(x1, b0);
            v = FloatVector.broadcast(SPECIES, dy[di + 1]);
            a1 = v.fma(x0, a1);
            b1 = v.fma(x1, b1);
            v = FloatVector.broadcast(SPECIES, dy[di + 2]);
            a2 = v.fma(x0, a2);
            b2 = v.fma(x1, b2);
            v = FloatVector.broadcast(SPECIES, dy[di + 3]);
            a3 = v.fma(x0, a3);
            b3 = v.fma(x1, b3);
        }
        addInto(acc, accOff, a0, b0);
        addInto(acc, accOff + accStride, a1, b1);
        addInto(acc, accOff + 2 * accStride, a2, b2);
        addInto(acc, accOff + 3 * accStride, a3, b3);
    }

    /** As {@link #weight4x3} for one vector (L entries) of the run. */
    static void weight4x1(float[] buf, int xb, int xs, float[] dy, int dyOff, int dyStride,
                          int count, float[] acc, int accOff, int accStride) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int o = 0; o < count; o++) {
            FloatVector x0 = FloatVector.fromArray(SPECIES, buf, xb + o * xs);
            int di = dyOff + o * dyStride;
            a0 = FloatVector.broadcast(SPECIES, dy[di]).fma(x0, a0);
            a1 = FloatVector.broadcast(SPECIES, dy[di + 1]).fma(x0, a1);
            a2 = FloatVector.broadcast(SPECIES, dy[di + 2]).fma(x0, a2);
            a3 = FloatVector.broadcast(SPECIES, dy[di + 3]).fma(x0, a3);
        }
        addInto(acc, accOff, a0);
        addInto(acc, accOff + accStride, a1);
        addInto(acc, accOff + 2 * accStride, a2);
        addInto(acc, accOff + 3 * accStride, a3);
    }

    /** dst[dOff .. dOff + n) = src[sOff ..]: a short copy without a call to arraycopy. */
    static void copy(float[] src, int sOff, float[] dst, int dOff, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(SPECIES, src, sOff + i).intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] = src[sOff + i];
        }
    }

    /** dst[dOff .. dOff + n) = src[sOff ..] + bias[bOff ..]. */
    static void copyPlus(float[] src, int sOff, float[] bias, int bOff, float[] dst, int dOff,
                         int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector.fromArray(SPECIES, src, sOff + i)
                    .add(FloatVector.fromArray(SPECIES, bias, bOff + i))
                    .intoArray(dst, dOff + i);
        }
        for (; i < n; i++) {
            dst[dOff + i] = src[sOff + i] + bias[bOff + i];
        }
    }

    private static void addInto(float[] acc, int off, FloatVector a) {
        FloatVector.fromArray(SPECIES, acc, off).add(a).intoArray(acc, off);
    }

    private static void addInto(float[] acc, int off, FloatVector a, FloatVector b) {
        FloatVector.fromArray(SPECIES, acc, off).add(a).intoArray(acc, off);
        FloatVector.fromArray(SPECIES, acc, off + L).add(b).intoArray(acc, off + L);
    }
}
