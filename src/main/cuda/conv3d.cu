/*
 * conv3d.cu - 3D convolution: forward, backward-data and backward-weight,
 * for any kernel (KD, KH, KW), stride and padding, as implicit GEMMs.
 *
 *   x, dX   (N, D, H, W, C)        input, channels innermost
 *   wgt     (K, KD, KH, KW, C)     weight, canonical vox order
 *   y, dY   (N, OD, OH, OW, K)     output
 *   OD = (D + 2 PD - KD) / SD + 1, likewise OH, OW
 *   y[n,od,oh,ow,k] = bias[k] + sum_{kd,kh,kw,c}
 *       x[n, od*SD - PD + kd, oh*SH - PH + kh, ow*SW - PW + kw, c]
 *       * wgt[k, kd, kh, kw, c]          (taps outside x read zero)
 *
 * Each entry point is one GEMM  out[i][j] = sum_r A[i][r] * B[r][j]  whose
 * operands are gathered from the tensors on the fly (no im2col buffer):
 *
 *   entry point              rows i          cols j   reduction r
 *   conv3d_forward           output voxel    k        (tap, c)
 *   conv3d_backward_data     input voxel     c        (tap, k)
 *   conv3d_backward_weight   (tap, c)        k        output voxel
 *
 * With channels innermost, every gather runs along a contiguous run of
 * channels. Backward-data splits the input voxels into SD*SH*SW phases
 * (grid z) by (id mod SD, ih mod SH, iw mod SW): within one phase the same
 * taps reach every voxel, so a strided convolution wastes no work on
 * taps that do not land. Backward-weight splits its long reduction over
 * output voxels into `splits` ranges (grid z) and writes one partial
 * weight gradient per range; sum_partials_final (reduce.cu) adds them in
 * a fixed order.
 *
 * Thread mapping: a group of CONV_THREADS = (TM/RM) * (TN/RN) work-items
 * computes a TM x TN tile of out; each work-item holds an RM x RN block
 * of it in registers (rows ty + a*TM/RM, cols tx + b*TN/RN). The
 * reduction runs in chunks of TR: the group stages a TR x TM slice of A
 * and a TR x TN slice of B in local memory, then every work-item
 * accumulates its block from them. Grid: (ceil(rows/TM), ceil(cols/TN),
 * phases or splits).
 *
 * Defines (both compilers take them with -D):
 *   CONV_TM, CONV_TN, CONV_TR, CONV_RM, CONV_RN   tile shape (defaults
 *       64, 64, 16, 4, 4); the host picks TN = 16 when cols <= 16
 *   CONV_KD, CONV_KH, CONV_KW, CONV_SD, CONV_SH, CONV_SW   fix kernel
 *       extents and strides at compile time (3x3x3, (k,1,1), (1,k,1),
 *       (1,1,k), 2x2x2 stride 2, 1x1x1), so index arithmetic folds into
 *       constants; the runtime arguments must then agree with them.
 * Preconditions: voxel counts N*D*H*W and N*OD*OH*OW, and the weight
 * size, below 2^31; element offsets are 64-bit. Grid y and z below 65536.
 * Precision: float32 accumulation in a fixed order; no atomics, so every
 * result is bit-identical from run to run.
 */
#include "vox_portable.h"

/*
 * CONV_SUFFIX, when defined, is appended to the three entry-point names,
 * so that the CUDA build can hold several variants in one module (see
 * scripts/build-fatbin.sh). Each #include of this file is one variant:
 * the macros it defines are undefined again at the end.
 */
#ifdef CONV_SUFFIX
#define CONV_CAT2(a, b) a##b
#define CONV_CAT(a, b) CONV_CAT2(a, b)
#define CONV_NAME(base) CONV_CAT(base, CONV_SUFFIX)
#else
#define CONV_NAME(base) base
#endif

#ifndef CONV_TM
#define CONV_TM 64
#endif
#ifndef CONV_TN
#define CONV_TN 64
#endif
#ifndef CONV_TR
#define CONV_TR 16
#endif
#ifndef CONV_RM
#define CONV_RM 4
#endif
#ifndef CONV_RN
#define CONV_RN 4
#endif

#define CONV_TY (CONV_TM / CONV_RM)
#define CONV_TX (CONV_TN / CONV_RN)
#define CONV_THREADS (CONV_TY * CONV_TX)
/* Local row strides, padded by one so that column-wise stores spread over banks. */
#define CONV_LDA (CONV_TM + 1)
#define CONV_LDB (CONV_TN + 1)

#if CONV_TM % CONV_RM != 0 || CONV_TN % CONV_RN != 0
#error "conv3d: CONV_RM must divide CONV_TM and CONV_RN must divide CONV_TN"
#endif
#if CONV_THREADS % CONV_TR != 0 || CONV_THREADS % CONV_TM != 0 \
    || CONV_THREADS % CONV_TN != 0
#error "conv3d: CONV_TR, CONV_TM and CONV_TN must divide the work-items per group"
#endif

/* Compile-time kernel extents and strides replace the runtime arguments. */
#ifdef CONV_KD
#define FIX_KD() KD = CONV_KD
#else
#define FIX_KD() (void) 0
#endif
#ifdef CONV_KH
#define FIX_KH() KH = CONV_KH
#else
#define FIX_KH() (void) 0
#endif
#ifdef CONV_KW
#define FIX_KW() KW = CONV_KW
#else
#define FIX_KW() (void) 0
#endif
#ifdef CONV_SD
#define FIX_SD() SD = CONV_SD
#else
#define FIX_SD() (void) 0
#endif
#ifdef CONV_SH
#define FIX_SH() SH = CONV_SH
#else
#define FIX_SH() (void) 0
#endif
#ifdef CONV_SW
#define FIX_SW() SW = CONV_SW
#else
#define FIX_SW() (void) 0
#endif
#define CONV_SPECIALISE() \
    FIX_KD(); FIX_KH(); FIX_KW(); FIX_SD(); FIX_SH(); FIX_SW()

/*
 * NOTE: gathers read through a clamped offset and then select, instead of
 * loading under an if: PoCL 3.1 (LLVM 15) was seen to return zeros from
 * the conditional form in partly filled tiles of the 3x3x3 variant.
 */

/* p[off] when ok, else 0, without a conditional load (see the NOTE above). */
DEVICE_FN float load_or_zero(const GLOBAL float* p, i64 off, int ok)
{
    float v = p[ok ? off : 0];
    return ok ? v : 0.0f;
}

#define CONV_GEOMETRY \
    int N, int C, int D, int H, int W, int K, int OD, int OH, int OW, \
    int KD, int KH, int KW, int SD, int SH, int SW, int PD, int PH, int PW

/* acc += As^T Bs over one staged chunk: the work-item's RM x RN block. */
DEVICE_FN void conv_tile_fma(const LOCAL_PTR float* As, const LOCAL_PTR float* Bs,
                             int ty, int tx, float acc[CONV_RM][CONV_RN])
{
    for (int r = 0; r < CONV_TR; r++) {
        float a[CONV_RM];
        float b[CONV_RN];
#pragma unroll
        for (int i = 0; i < CONV_RM; i++) {
            a[i] = As[r * CONV_LDA + ty + i * CONV_TY];
        }
#pragma unroll
        for (int j = 0; j < CONV_RN; j++) {
            b[j] = Bs[r * CONV_LDB + tx + j * CONV_TX];
        }
#pragma unroll
        for (int i = 0; i < CONV_RM; i++) {
#pragma unroll
            for (int j = 0; j < CONV_RN; j++) {
                acc[i][j] += a[i] * b[j];
            }
        }
    }
}

DEVICE_FN void conv_zero(float acc[CONV_RM][CONV_RN])
{
#pragma unroll
    for (int i = 0; i < CONV_RM; i++) {
#pragma unroll
        for (int j = 0; j < CONV_RN; j++) {
            acc[i][j] = 0.0f;
        }
    }
}

/*
 * y = conv(x, wgt) + bias. A[i][r] = x at the input voxel that tap r/C
 * of output voxel i reads, channel r%C; B[r][k] = wgt[k*R + r].
 */
KERNEL_WG(CONV_THREADS) CONV_NAME(conv3d_forward)(
        const GLOBAL float* RESTRICT x,
        const GLOBAL float* RESTRICT wgt,
        const GLOBAL float* RESTRICT bias,   /* (K), read when hasBias != 0 */
        GLOBAL float* RESTRICT y,
        int hasBias, CONV_GEOMETRY)
{
    LOCAL float As[CONV_TR * CONV_LDA];
    LOCAL float Bs[CONV_TR * CONV_LDB];
    LOCAL i64 rowV[CONV_TM];
    LOCAL int rowD[CONV_TM];
    LOCAL int rowH[CONV_TM];
    LOCAL int rowW[CONV_TM];
    CONV_SPECIALISE();
    int tid = LOCAL_ID_X;
    int ty = tid / CONV_TX;
    int tx = tid % CONV_TX;
    int M = N * OD * OH * OW;
    int R = KD * KH * KW * C;
    int m0 = GROUP_ID_X * CONV_TM;
    int k0 = GROUP_ID_Y * CONV_TN;

    /*
     * Row table: the input corner (d, h, w) of each output voxel of the
     * tile, and its voxel index (n, d, h, w) flattened, which may point
     * outside x where the corner lies in the padding.
     */
    if (tid < CONV_TM) {
        int m = m0 + tid;
        if (m < M) {
            int ow = m % OW;
            int t = m / OW;
            int oh = t % OH;
            t /= OH;
            int d0 = (t % OD) * SD - PD;
            int h0 = oh * SH - PH;
            int w0 = ow * SW - PW;
            rowD[tid] = d0;
            rowH[tid] = h0;
            rowW[tid] = w0;
            rowV[tid] = (((i64) (t / OD) * D + d0) * H + h0) * W + w0;
        } else {
            rowD[tid] = D;   /* every tap falls outside */
            rowH[tid] = 0;
            rowW[tid] = 0;
            rowV[tid] = 0;
        }
    }
    BARRIER();

    float acc[CONV_RM][CONV_RN];
    conv_zero(acc);
    /* Loads run along r (contiguous channels): one r per work-item. */
    int lr = tid % CONV_TR;
    int l0 = tid / CONV_TR;
    for (int r0 = 0; r0 < R; r0 += CONV_TR) {
        int r = r0 + lr;
        int rOk = r < R;
        int tap = r / C;
        int ci = r - tap * C;
        int kw = tap % KW;
        int kh = (tap / KW) % KH;
        int kd = tap / (KW * KH);
        int tapOff = (kd * H + kh) * W + kw;
        for (int i = l0; i < CONV_TM; i += CONV_THREADS / CONV_TR) {
            int id = rowD[i] + kd;
            int ih = rowH[i] + kh;
            int iw = rowW[i] + kw;
            int ok = rOk && id >= 0 && id < D && ih >= 0 && ih < H && iw >= 0 && iw < W;
            i64 off = (rowV[i] + tapOff) * C + ci;
            As[lr * CONV_LDA + i] = load_or_zero(x, off, ok);
        }
        for (int j = l0; j < CONV_TN; j += CONV_THREADS / CONV_TR) {
            int k = k0 + j;
            Bs[lr * CONV_LDB + j] = load_or_zero(wgt, (i64) k * R + r, rOk && k < K);
        }
        BARRIER();
        conv_tile_fma(As, Bs, ty, tx, acc);
        BARRIER();
    }

#pragma unroll
    for (int a = 0; a < CONV_RM; a++) {
        int m = m0 + ty + a * CONV_TY;
        if (m >= M) {
            continue;
        }
#pragma unroll
        for (int b = 0; b < CONV_RN; b++) {
            int k = k0 + tx + b * CONV_TX;
            if (k < K) {
                y[(i64) m * K + k] = acc[a][b] + load_or_zero(bias, k, hasBias);
            }
        }
    }
}

/*
 * dX = conv^T(dY, wgt), one phase (grid z) of input voxels at a time.
 * Phase (pd, ph, pw) holds the voxels id = pd + qd*SD (likewise h, w); the
 * taps that reach them are kd = kd0 + td*SD with kd0 = (pd + PD) mod SD,
 * from output voxel od = (id + PD - kd0) / SD - td.
 * A[i][r] = dY at that output voxel, channel r%K, tap r/K of the phase;
 * B[r][c] = wgt[k, tap, c].
 */
KERNEL_WG(CONV_THREADS) CONV_NAME(conv3d_backward_data)(
        const GLOBAL float* RESTRICT dY,
        const GLOBAL float* RESTRICT wgt,
        GLOBAL float* RESTRICT dX,
        CONV_GEOMETRY)
{
    LOCAL float As[CONV_TR * CONV_LDA];
    LOCAL float Bs[CONV_TR * CONV_LDB];
    LOCAL i64 rowY[CONV_TM];
    LOCAL int rowD[CONV_TM];
    LOCAL int rowH[CONV_TM];
    LOCAL int rowW[CONV_TM];
    LOCAL int rowV[CONV_TM];
    CONV_SPECIALISE();
    int tid = LOCAL_ID_X;
    int ty = tid / CONV_TX;
    int tx = tid % CONV_TX;
    int phase = GROUP_ID_Z;
    int pw = phase % SW;
    int ph = (phase / SW) % SH;
    int pd = phase / (SW * SH);
    int QD = pd < D ? (D - pd + SD - 1) / SD : 0;
    int QH = ph < H ? (H - ph + SH - 1) / SH : 0;
    int QW = pw < W ? (W - pw + SW - 1) / SW : 0;
    int M = N * QD * QH * QW;
    int m0 = GROUP_ID_X * CONV_TM;
    int kd0 = (pd + PD) % SD;
    int kh0 = (ph + PH) % SH;
    int kw0 = (pw + PW) % SW;
    int TD = KD > kd0 ? (KD - kd0 + SD - 1) / SD : 0;
    int TH = KH > kh0 ? (KH - kh0 + SH - 1) / SH : 0;
    int TW = KW > kw0 ? (KW - kw0 + SW - 1) / SW : 0;
    /*
     * A group past the end of a smaller phase skips the reduction (the
     * same for all its work-items) and stores nothing. It does not
     * return early: PoCL 3.1 was seen to crash on that form.
     */
    int R = m0 < M ? TD * TH * TW * K : 0;
    int c0 = GROUP_ID_Y * CONV_TN;

    /*
     * Row table: the output voxel (d, h, w) that tap 0 of the phase reads,
     * the same flattened with n, and the input voxel written.
     */
    if (tid < CONV_TM) {
        int m = m0 + tid;
        if (m < M) {
            int qw = m % QW;
            int t = m / QW;
            int qh = t % QH;
            t /= QH;
            int n = t / QD;
            int id = pd + (t % QD) * SD;
            int ih = ph + qh * SH;
            int iw = pw + qw * SW;
            int od = (id + PD - kd0) / SD;
            int oh = (ih + PH - kh0) / SH;
            int ow = (iw + PW - kw0) / SW;
            rowD[tid] = od;
            rowH[tid] = oh;
            rowW[tid] = ow;
            rowY[tid] = (((i64) n * OD + od) * OH + oh) * OW + ow;
            rowV[tid] = ((n * D + id) * H + ih) * W + iw;
        } else {
            rowY[tid] = 0;
            rowD[tid] = -1;   /* every tap falls outside */
            rowH[tid] = 0;
            rowW[tid] = 0;
            rowV[tid] = -1;
        }
    }
    BARRIER();

    float acc[CONV_RM][CONV_RN];
    conv_zero(acc);
    int lr = tid % CONV_TR;
    int l0 = tid / CONV_TR;
    int bj = tid % CONV_TN;
    int br = tid / CONV_TN;
    for (int r0 = 0; r0 < R; r0 += CONV_TR) {
        /* A: along r, whose fastest part is the contiguous k. */
        int r = r0 + lr;
        int rOk = r < R;
        int k = r % K;
        int t = r / K;
        int tw = t % TW;
        int th = (t / TW) % TH;
        int td = t / (TW * TH);
        int tapOff = (td * OH + th) * OW + tw;
        for (int i = l0; i < CONV_TM; i += CONV_THREADS / CONV_TR) {
            int od = rowD[i] - td;
            int oh = rowH[i] - th;
            int ow = rowW[i] - tw;
            int ok = rOk && od >= 0 && od < OD && oh >= 0 && oh < OH && ow >= 0 && ow < OW;
            i64 off = (rowY[i] - tapOff) * K + k;
            As[lr * CONV_LDA + i] = load_or_zero(dY, off, ok);
        }
        /* B: along c, contiguous in wgt. */
        for (int rr = br; rr < CONV_TR; rr += CONV_THREADS / CONV_TN) {
            int r2 = r0 + rr;
            int c = c0 + bj;
            int k2 = r2 % K;
            int t2 = r2 / K;
            int kw = kw0 + (t2 % TW) * SW;
            int kh = kh0 + ((t2 / TW) % TH) * SH;
            int kd = kd0 + (t2 / (TW * TH)) * SD;
            int tap = (kd * KH + kh) * KW + kw;
            i64 off = ((i64) k2 * KD * KH * KW + tap) * C + c;
            Bs[rr * CONV_LDB + bj] = load_or_zero(wgt, off, r2 < R && c < C);
        }
        BARRIER();
        conv_tile_fma(As, Bs, ty, tx, acc);
        BARRIER();
    }

#pragma unroll
    for (int a = 0; a < CONV_RM; a++) {
        int v = rowV[ty + a * CONV_TY];
        if (v < 0) {
            continue;
        }
#pragma unroll
        for (int b = 0; b < CONV_RN; b++) {
            int c = c0 + tx + b * CONV_TX;
            if (c < C) {
                dX[(i64) v * C + c] = acc[a][b];
            }
        }
    }
}

/*
 * Partial dW over output voxels [split * perSplit, (split + 1) * perSplit):
 * part[split, k, tap, c] = sum_m dY[m, k] * x[in(m, tap), c].
 * A[(tap, c)][m] = x gathered, B[m][k] = dY[m*K + k].
 */
KERNEL_WG(CONV_THREADS) CONV_NAME(conv3d_backward_weight)(
        const GLOBAL float* RESTRICT x,
        const GLOBAL float* RESTRICT dY,
        GLOBAL float* RESTRICT part,   /* (splits, K, KD, KH, KW, C) */
        int perSplit, CONV_GEOMETRY)
{
    LOCAL float As[CONV_TR * CONV_LDA];
    LOCAL float Bs[CONV_TR * CONV_LDB];
    LOCAL i64 redV[CONV_TR];
    LOCAL int redD[CONV_TR];
    LOCAL int redH[CONV_TR];
    LOCAL int redW[CONV_TR];
    CONV_SPECIALISE();
    int tid = LOCAL_ID_X;
    int ty = tid / CONV_TX;
    int tx = tid % CONV_TX;
    int RW = KD * KH * KW * C;
    int M = N * OD * OH * OW;
    int i0 = GROUP_ID_X * CONV_TM;
    int k0 = GROUP_ID_Y * CONV_TN;
    int split = GROUP_ID_Z;
    int mBeg = split * perSplit;
    int mEnd = mBeg + perSplit < M ? mBeg + perSplit : M;

    /* The (tap, c) row that this work-item loads, fixed for the whole run. */
    int ai = tid % CONV_TM;
    int ar = tid / CONV_TM;
    int rowOk = i0 + ai < RW;
    int tap = (i0 + ai) / C;
    int ci = i0 + ai - tap * C;
    int kw = tap % KW;
    int kh = (tap / KW) % KH;
    int kd = tap / (KW * KH);
    int tapOff = (kd * H + kh) * W + kw;
    int bj = tid % CONV_TN;
    int br = tid / CONV_TN;

    float acc[CONV_RM][CONV_RN];
    conv_zero(acc);
    for (int m0 = mBeg; m0 < mEnd; m0 += CONV_TR) {
        /* Reduction table: the input corner of each output voxel of the chunk. */
        if (tid < CONV_TR) {
            int m = m0 + tid;
            if (m < mEnd) {
                int ow = m % OW;
                int t = m / OW;
                int oh = t % OH;
                t /= OH;
                int d0 = (t % OD) * SD - PD;
                int h0 = oh * SH - PH;
                int w0 = ow * SW - PW;
                redD[tid] = d0;
                redH[tid] = h0;
                redW[tid] = w0;
                redV[tid] = (((i64) (t / OD) * D + d0) * H + h0) * W + w0;
            } else {
                redV[tid] = 0;
                redD[tid] = D;
                redH[tid] = 0;
                redW[tid] = 0;
            }
        }
        BARRIER();
        for (int rr = ar; rr < CONV_TR; rr += CONV_THREADS / CONV_TM) {
            int id = redD[rr] + kd;
            int ih = redH[rr] + kh;
            int iw = redW[rr] + kw;
            int ok = rowOk && id >= 0 && id < D && ih >= 0 && ih < H && iw >= 0 && iw < W;
            i64 off = (redV[rr] + tapOff) * C + ci;
            As[rr * CONV_LDA + ai] = load_or_zero(x, off, ok);
        }
        for (int rr = br; rr < CONV_TR; rr += CONV_THREADS / CONV_TN) {
            int m = m0 + rr;
            int k = k0 + bj;
            Bs[rr * CONV_LDB + bj] = load_or_zero(dY, (i64) m * K + k, m < mEnd && k < K);
        }
        BARRIER();
        conv_tile_fma(As, Bs, ty, tx, acc);
        BARRIER();
    }

    /* TODO: stores stride RW apart along k; stage the tile in local memory. */
#pragma unroll
    for (int a = 0; a < CONV_RM; a++) {
        int i = i0 + ty + a * CONV_TY;
        if (i >= RW) {
            continue;
        }
#pragma unroll
        for (int b = 0; b < CONV_RN; b++) {
            int k = k0 + tx + b * CONV_TX;
            if (k < K) {
                part[((i64) split * K + k) * RW + i] = acc[a][b];
            }
        }
    }
}

/* Undefine this file's macros so that it can be included again. */
#undef CONV_NAME
#undef CONV_TY
#undef CONV_TX
#undef CONV_THREADS
#undef CONV_LDA
#undef CONV_LDB
#undef FIX_KD
#undef FIX_KH
#undef FIX_KW
#undef FIX_SD
#undef FIX_SH
#undef FIX_SW
#undef CONV_SPECIALISE
#undef CONV_GEOMETRY
