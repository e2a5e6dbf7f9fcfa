package vox.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised loops over tensors viewed as rows of C channels (channels
 * innermost): per-channel sums, and elementwise maps with per-channel
 * coefficients. These kernels are memory-bound, so they make one pass
 * over the data and use whole vectors whatever C is.
 *
 * <p>The trick for any C: a run of P = C / gcd(C, L) vectors (L floats
 * each) holds a whole number of rows, so lane j of the p-th vector of
 * every such block is always channel (p * L + j) % C. Per-channel
 * coefficients are expanded once to that period, and per-channel sums
 * are kept per lane and folded into channels at the end.
 *
 * <p>Reductions run over fixed chunks of {@value #CHUNK_ROWS} rows: a
 * chunk sums in float, chunks are added in double in index order, so the
 * result is the same whatever the thread count or timing.
 */
final class ChannelOps {
    static final VectorSpecies<Float> SPECIES = ConvKernels.SPECIES;
    static final int L = SPECIES.length();
    /** Rows per reduction chunk (a multiple of L, so chunks start at channel 0). */
    static final int CHUNK_ROWS = 4096;

    private ChannelOps() {
    }

    /** Vectors per block that starts and ends on a row boundary. */
    static int period(int c) {
        int a = c;
        int b = L;
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return c / a;
    }

    /** values (C) repeated to one period: out[i] = values[i % C], length P * L. */
    static float[] expand(float[] values, int c) {
        float[] out = new float[period(c) * L];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i % c];
        }
        return out;
    }

    /** Chunks of CHUNK_ROWS rows in a range of {@code rows} rows. */
    static int chunks(long rows) {
        return (int) Math.max(1, (rows + CHUNK_ROWS - 1) / CHUNK_ROWS);
    }

    /** Which per-channel sums {@link #reduce} takes of each element f. */
    enum Sum {
        /** a[f] */
        A,
        /** a[f] and a[f]^2 */
        A_AA,
        /** a[f] and a[f] * b[f] */
        A_AB,
        /** a[f] * b[f], a[f]^2, b[f]^2 */
        AB_AA_BB,
        /** b[f] * a[f] where a[f] <= 0 */
        AB_WHERE_A_NONPOSITIVE
    }

    static int quantities(Sum kind) {
        return switch (kind) {
            case A, AB_WHERE_A_NONPOSITIVE -> 1;
            case A_AA, A_AB -> 2;
            case AB_AA_BB -> 3;
        };
    }

    /**
     * Per-channel sums over rows [rowFrom, rowTo) of a (and b), as
     * out[q * C + c] for quantity q (see {@link Sum}), accumulated in double
     * over chunks in order.
     */
    static double[] reduce(Sum kind, float[] a, float[] b, int c, long rowFrom, long rowTo) {
        int q = quantities(kind);
        int chunks = chunks(rowTo - rowFrom);
        double[][] parts = new double[chunks][];
        Parallel.range(chunks, 1, (cf, ct) -> {
            int p = period(c);
            float[] lanes = new float[q * p * L];
            float[] tail = new float[q * c];
            for (int ch = cf; ch < ct; ch++) {
                long r0 = rowFrom + (long) ch * CHUNK_ROWS;
                long r1 = Math.min(rowTo, r0 + CHUNK_ROWS);
                java.util.Arrays.fill(lanes, 0f);
                java.util.Arrays.fill(tail, 0f);
                sumChunk(kind, a, b, c, p, (int) (r0 * c), (int) (r1 * c), lanes, tail);
                double[] part = new double[q * c];
                for (int k = 0; k < q; k++) {
                    for (int i = 0; i < p * L; i++) {
                        part[k * c + i % c] += lanes[k * p * L + i];
                    }
                    for (int i = 0; i < c; i++) {
                        part[k * c + i] += tail[k * c + i];
                    }
                }
                parts[ch] = part;
            }
        });
        double[] out = new double[q * c];
        for (double[] part : parts) {
            for (int i = 0; i < out.length; i++) {
                out[i] += part[i];
            }
        }
        return out;
    }

    /**
     * Float sums of one chunk [from, to) of elements: whole periods per lane,
     * the rest per channel. One method per kind, so that each hot loop is
     * compiled for exactly one formula (a shared loop with a switch inside
     * was compiled for the first kind seen and deoptimised for the others).
     */
    private static void sumChunk(Sum kind, float[] a, float[] b, int c, int p, int from,
                                 int to, float[] lanes, float[] tail) {
        switch (kind) {
            case A -> sumA(a, c, p, from, to, lanes, tail);
            case A_AA -> sumAAa(a, c, p, from, to, lanes, tail);
            case A_AB -> sumAAb(a, b, c, p, from, to, lanes, tail);
            case AB_AA_BB -> sumAbAaBb(a, b, c, p, from, to, lanes, tail);
            case AB_WHERE_A_NONPOSITIVE -> sumAbNonPositive(a, b, c, p, from, to, lanes, tail);
        }
    }

    private static void sumA(float[] a, int c, int p, int from, int to, float[] lanes,
                             float[] tail) {
        int block = p * L;
        int f = from;
        for (; f + block <= to; f += block) {
            for (int o = 0; o < block; o += L) {
                addTo(lanes, o, FloatVector.fromArray(SPECIES, a, f + o));
            }
        }
        for (; f < to; f++) {
            tail[f % c] += a[f];
        }
    }

    private static void sumAAa(float[] a, int c, int p, int from, int to, float[] lanes,
                               float[] tail) {
        int block = p * L;
        int f = from;
        for (; f + block <= to; f += block) {
            for (int o = 0; o < block; o += L) {
                FloatVector va = FloatVector.fromArray(SPECIES, a, f + o);
                addTo(lanes, o, va);
                addTo(lanes, block + o, va.mul(va));
            }
        }
        for (; f < to; f++) {
            tail[f % c] += a[f];
            tail[c + f % c] += a[f] * a[f];
        }
    }

    private static void sumAAb(float[] a, float[] b, int c, int p, int from, int to,
                               float[] lanes, float[] tail) {
        int block = p * L;
        int f = from;
        for (; f + block <= to; f += block) {
            for (int o = 0; o < block; o += L) {
                FloatVector va = FloatVector.fromArray(SPECIES, a, f + o);
                addTo(lanes, o, va);
                addTo(lanes, block + o, va.mul(FloatVector.fromArray(SPECIES, b, f + o)));
            }
        }
        for (; f < to; f++) {
            tail[f % c] += a[f];
            tail[c + f % c] += a[f] * b[f];
        }
    }

    private static void sumAbAaBb(float[] a, float[] b, int c, int p, int from, int to,
                                  float[] lanes, float[] tail) {
        int block = p * L;
        int f = from;
        for (; f + block <= to; f += block) {
            for (int o = 0; o < block; o += L) {
                FloatVector va = FloatVector.fromArray(SPECIES, a, f + o);
                FloatVector vb = FloatVector.fromArray(SPECIES, b, f + o);
                addTo(lanes, o, va.mul(vb));
                addTo(lanes, block + o, va.mul(va));
                addTo(lanes, 2 * block + o, vb.mul(vb));
            }
        }
        for (; f < to; f++) {
            tail[f % c] += a[f] * b[f];
            tail[c + f % c] += a[f] * a[f];
            tail[2 * c + f % c] += b[f] * b[f];
        }
    }

    private static void sumAbNonPositive(float[] a, float[] b, int c, int p, int from, int to,
                                         float[] lanes, float[] tail) {
        int block = p * L;
        int f = from;
        for (; f + block <= to; f += block) {
            for (int o = 0; o < block; o += L) {
                FloatVector va = FloatVector.fromArray(SPECIES, a, f + o);
                FloatVector prod = va.mul(FloatVector.fromArray(SPECIES, b, f + o));
                addTo(lanes, o, prod.blend(0f, va.compare(VectorOperators.GT, 0f)));
            }
        }
        for (; f < to; f++) {
            if (a[f] <= 0) {
                tail[f % c] += a[f] * b[f];
            }
        }
    }

    private static void addTo(float[] acc, int off, FloatVector v) {
        FloatVector.fromArray(SPECIES, acc, off).add(v).intoArray(acc, off);
    }

    /**
     * y[f] = (x[f] - shift[c]) * scale[c] + offset[c] for elements [from, to)
     * of rows of C channels (from on a row boundary); coefficients expanded
     * with {@link #expand}. y may be x.
     */
    static void affine(float[] x, float[] shiftE, float[] scaleE, float[] offsetE, int c,
                       int from, int to, float[] y) {
        Parallel.range(chunks((to - from) / c), 1, (cf, ct) -> {
            int p = period(c);
            int block = p * L;
            int f = from + cf * CHUNK_ROWS * c;
            int end = (int) Math.min(to, from + (long) ct * CHUNK_ROWS * c);
            for (; f + block <= end; f += block) {
                for (int v = 0; v < p; v++) {
                    int o = v * L;
                    FloatVector.fromArray(SPECIES, x, f + o)
                            .sub(FloatVector.fromArray(SPECIES, shiftE, o))
                            .fma(FloatVector.fromArray(SPECIES, scaleE, o),
                                    FloatVector.fromArray(SPECIES, offsetE, o))
                            .intoArray(y, f + o);
                }
            }
            for (; f < end; f++) {
                int i = (f - from) % block;
                y[f] = (x[f] - shiftE[i]) * scaleE[i] + offsetE[i];
            }
        });
    }

    /**
     * out[f] = a[f] * ca[c] + (b[f] - shift[c]) * cb[c] + offset[c] over
     * elements [from, to) (from on a row boundary); coefficients expanded.
     */
    static void combine(float[] a, float[] caE, float[] b, float[] shiftE, float[] cbE,
                        float[] offsetE, int c, int from, int to, float[] out) {
        Parallel.range(chunks((to - from) / c), 1, (cf, ct) -> {
            int p = period(c);
            int block = p * L;
            int f = from + cf * CHUNK_ROWS * c;
            int end = (int) Math.min(to, from + (long) ct * CHUNK_ROWS * c);
            for (; f + block <= end; f += block) {
                for (int v = 0; v < p; v++) {
                    int o = v * L;
                    FloatVector vb = FloatVector.fromArray(SPECIES, b, f + o)
                            .sub(FloatVector.fromArray(SPECIES, shiftE, o));
                    FloatVector.fromArray(SPECIES, a, f + o)
                            .fma(FloatVector.fromArray(SPECIES, caE, o),
                                    vb.fma(FloatVector.fromArray(SPECIES, cbE, o),
                                            FloatVector.fromArray(SPECIES, offsetE, o)))
                            .intoArray(out, f + o);
                }
            }
            for (; f < end; f++) {
                int i = (f - from) % block;
                out[f] = a[f] * caE[i] + ((b[f] - shiftE[i]) * cbE[i] + offsetE[i]);
            }
        });
    }

    /** y[f] = x[f] where x[f] > 0, else alpha[c] * x[f]; and dX alike from dY when dy != null. */
    static void prelu(float[] x, float[] alphaE, int c, float[] dy, float[] y) {
        int n = x.length;
        Parallel.range(chunks(n / c), 1, (cf, ct) -> {
            int p = period(c);
            int block = p * L;
            int f = cf * CHUNK_ROWS * c;
            int end = (int) Math.min(n, (long) ct * CHUNK_ROWS * c);
            float[] src = dy == null ? x : dy;
            for (; f + block <= end; f += block) {
                for (int v = 0; v < p; v++) {
                    int o = v * L;
                    FloatVector vx = FloatVector.fromArray(SPECIES, x, f + o);
                    FloatVector vs = FloatVector.fromArray(SPECIES, src, f + o);
                    vs.mul(FloatVector.fromArray(SPECIES, alphaE, o))
                            .blend(vs, vx.compare(VectorOperators.GT, 0f))
                            .intoArray(y, f + o);
                }
            }
            for (; f < end; f++) {
                y[f] = x[f] > 0 ? src[f] : alphaE[f % block] * src[f];
            }
        });
    }
}
