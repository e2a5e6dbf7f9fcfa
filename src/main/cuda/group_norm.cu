/*
 * group_norm.cu - group normalisation, forward and backward.
 *
 *   x, y, dY, dX   (N, S, C)   an (N, C, D, H, W) tensor, S = D*H*W voxels,
 *                              channels innermost
 *   gamma, beta    (C)
 *   mean, rstd     (N, G)      G groups of cg = C / G channels each
 *   y = (x - mean[n, g]) * rstd[n, g] * gamma[c] + beta[c]
 *
 * Forward, three launches:
 *   group_norm_stats_partial  group (chunk, n*G + g) reduces one chunk of
 *       the S*cg elements of a group; each work-item keeps a running
 *       (count, mean, M2) (Welford) and the group merges them in a fixed
 *       tree (Chan et al.), so the variance does not suffer from
 *       cancellation as sum(x^2) - sum(x)^2 would. part (N*G, chunks, 3).
 *   group_norm_stats_final    one work-item per (n, g) merges its chunks
 *       in order and writes mean and rstd = 1 / sqrt(var + eps).
 *   group_norm_forward        grid (any, N): a grid-stride loop over the
 *       elements of one sample, carrying the channel from step to step.
 * Backward, with xh = (x - mean) rstd and dxh = dY gamma:
 *   dX = rstd (dxh - mean(dxh) - xh mean(dxh xh)),
 *   dGamma[c] = sum dY xh, dBeta[c] = sum dY (over n and voxels).
 *   group_norm_backward_stats_partial / _final give, per (n, g), the two
 *       means; group_norm_backward writes dX;
 *   group_norm_backward_params_partial reduces dGamma and dBeta over rows
 *       r = n*S + v as sum_per_channel_partial does (reduce.cu), whose
 *       sum_partials_final finishes them.
 * Preconditions: C % G == 0; N*G < 65536 (grid y); the *_partial kernels
 * run VX_BLOCK work-items per group. Precision: float32 with fixed-order
 * trees and no atomics: bit-identical from run to run.
 */
#include "vox_portable.h"

/* Merges (nb, mb, qb) into (na, ma, qa): counts, means, sums of squared deviations. */
DEVICE_FN void welford_merge(float* na, float* ma, float* qa,
                             float nb, float mb, float qb)
{
    float n = *na + nb;
    if (nb > 0.0f) {
        float d = mb - *ma;
        float f = nb / n;
        *ma += d * f;
        *qa += qb + d * d * *na * f;
        *na = n;
    }
}

KERNEL_WG(VX_BLOCK) group_norm_stats_partial(
        const GLOBAL float* RESTRICT x,
        GLOBAL float* RESTRICT part,      /* (N*G, chunks, 3) */
        i64 S, int C, int G, int chunks, i64 perChunk)
{
    LOCAL float cnt[VX_BLOCK];
    LOCAL float mu[VX_BLOCK];
    LOCAL float m2[VX_BLOCK];
    int tid = LOCAL_ID_X;
    int chunk = GROUP_ID_X;
    int ng = GROUP_ID_Y;
    int n = ng / G;
    int cg = C / G;
    i64 base = (i64) n * S * C + (i64) (ng % G) * cg;
    i64 e0 = (i64) chunk * perChunk;
    i64 e1 = e0 + perChunk < S * cg ? e0 + perChunk : S * cg;

    /* Welford over this work-item's elements. */
    float k = 0.0f;
    float m = 0.0f;
    float q = 0.0f;
    /* Element e of the group is (voxel v, channel ch); both advance by fixed steps. */
    int stepV = VX_BLOCK / cg;
    int stepCh = VX_BLOCK % cg;
    i64 v = (e0 + tid) / cg;
    int ch = (int) (e0 + tid - v * cg);
    for (i64 e = e0 + tid; e < e1; e += VX_BLOCK) {
        float val = x[base + v * C + ch];
        v += stepV;
        ch += stepCh;
        if (ch >= cg) {
            ch -= cg;
            v++;
        }
        k += 1.0f;
        float d = val - m;
        m += d / k;
        q += d * (val - m);
    }
    cnt[tid] = k;
    mu[tid] = m;
    m2[tid] = q;

    /* Fixed tree of Chan merges. */
    for (int s = VX_BLOCK / 2; s > 0; s /= 2) {
        BARRIER();
        if (tid < s) {
            float a = cnt[tid];
            float b = mu[tid];
            float c = m2[tid];
            welford_merge(&a, &b, &c, cnt[tid + s], mu[tid + s], m2[tid + s]);
            cnt[tid] = a;
            mu[tid] = b;
            m2[tid] = c;
        }
    }
    if (tid == 0) {
        i64 o = ((i64) ng * chunks + chunk) * 3;
        part[o] = cnt[0];
        part[o + 1] = mu[0];
        part[o + 2] = m2[0];
    }
}

KERNEL group_norm_stats_final(const GLOBAL float* RESTRICT part,
                              GLOBAL float* RESTRICT mean,
                              GLOBAL float* RESTRICT rstd,
                              int NG, int chunks, float eps)
{
    for (i64 ng = GLOBAL_ID_X; ng < NG; ng += GLOBAL_SIZE_X) {
        float k = 0.0f;
        float m = 0.0f;
        float q = 0.0f;
        for (int i = 0; i < chunks; i++) {
            i64 o = (ng * chunks + i) * 3;
            welford_merge(&k, &m, &q, part[o], part[o + 1], part[o + 2]);
        }
        float var = k > 0.0f ? q / k : 0.0f;
        mean[ng] = m;
        rstd[ng] = 1.0f / VX_SQRT(VX_FMAX(var, 0.0f) + eps);
    }
}

/* Grid (any, N): dimension x walks the S*C elements of sample n = group y. */
KERNEL group_norm_forward(const GLOBAL float* RESTRICT x,
                          const GLOBAL float* RESTRICT gamma,
                          const GLOBAL float* RESTRICT beta,
                          const GLOBAL float* RESTRICT mean,
                          const GLOBAL float* RESTRICT rstd,
                          GLOBAL float* RESTRICT y,
                          i64 S, int C, int G)
{
    int n = GROUP_ID_Y;
    int cg = C / G;
    i64 base = (i64) n * S * C;
    i64 step = GLOBAL_SIZE_X;
    int stepC = (int) (step % C);
    int c = (int) (GLOBAL_ID_X % C);
    for (i64 i = GLOBAL_ID_X; i < S * C; i += step) {
        int ng = n * G + c / cg;
        y[base + i] = (x[base + i] - mean[ng]) * rstd[ng] * gamma[c] + beta[c];
        c += stepC;
        c -= c >= C ? C : 0;
    }
}

/* part (N*G, chunks, 2): sums of dxh and dxh * xh over one chunk of a group. */
KERNEL_WG(VX_BLOCK) group_norm_backward_stats_partial(
        const GLOBAL float* RESTRICT x,
        const GLOBAL float* RESTRICT dY,
        const GLOBAL float* RESTRICT gamma,
        const GLOBAL float* RESTRICT mean,
        const GLOBAL float* RESTRICT rstd,
        GLOBAL float* RESTRICT part,
        i64 S, int C, int G, int chunks, i64 perChunk)
{
    LOCAL float buf[2 * VX_BLOCK];
    int tid = LOCAL_ID_X;
    int chunk = GROUP_ID_X;
    int ng = GROUP_ID_Y;
    int n = ng / G;
    int cg = C / G;
    int c0 = (ng % G) * cg;
    i64 base = (i64) n * S * C + c0;
    i64 e0 = (i64) chunk * perChunk;
    i64 e1 = e0 + perChunk < S * cg ? e0 + perChunk : S * cg;
    float mu = mean[ng];
    float rs = rstd[ng];

    float s1 = 0.0f;
    float s2 = 0.0f;
    int stepV = VX_BLOCK / cg;
    int stepCh = VX_BLOCK % cg;
    i64 v = (e0 + tid) / cg;
    int ch = (int) (e0 + tid - v * cg);
    for (i64 e = e0 + tid; e < e1; e += VX_BLOCK) {
        i64 o = base + v * C + ch;
        float dxh = dY[o] * gamma[c0 + ch];
        s1 += dxh;
        s2 += dxh * (x[o] - mu) * rs;
        v += stepV;
        ch += stepCh;
        if (ch >= cg) {
            ch -= cg;
            v++;
        }
    }
    buf[tid] = s1;
    buf[VX_BLOCK + tid] = s2;
    vx_tree_sum(buf, tid, 1, 2);
    if (tid == 0) {
        i64 o = ((i64) ng * chunks + chunk) * 2;
        part[o] = buf[0];
        part[o + 1] = buf[VX_BLOCK];
    }
}

/* coef (N*G, 2) = the means of dxh and of dxh * xh over each group. */
KERNEL group_norm_backward_stats_final(const GLOBAL float* RESTRICT part,
                                       GLOBAL float* RESTRICT coef,
                                       int NG, int chunks, float count)
{
    for (i64 ng = GLOBAL_ID_X; ng < NG; ng += GLOBAL_SIZE_X) {
        float s1 = 0.0f;
        float s2 = 0.0f;
        for (int i = 0; i < chunks; i++) {
            s1 += part[(ng * chunks + i) * 2];
            s2 += part[(ng * chunks + i) * 2 + 1];
        }
        coef[ng * 2] = s1 / count;
        coef[ng * 2 + 1] = s2 / count;
    }
}

/* Grid (any, N) as group_norm_forward. */
KERNEL group_norm_backward(const GLOBAL float* RESTRICT x,
                           const GLOBAL float* RESTRICT dY,
                           const GLOBAL float* RESTRICT gamma,
                           const GLOBAL float* RESTRICT mean,
                           const GLOBAL float* RESTRICT rstd,
                           const GLOBAL float* RESTRICT coef,
                           GLOBAL float* RESTRICT dX,
                           i64 S, int C, int G)
{
    int n = GROUP_ID_Y;
    int cg = C / G;
    i64 base = (i64) n * S * C;
    i64 step = GLOBAL_SIZE_X;
    int stepC = (int) (step % C);
    int c = (int) (GLOBAL_ID_X % C);
    for (i64 i = GLOBAL_ID_X; i < S * C; i += step) {
        int ng = n * G + c / cg;
        float rs = rstd[ng];
        float xh = (x[base + i] - mean[ng]) * rs;
        float dxh = dY[base + i] * gamma[c];
        dX[base + i] = rs * (dxh - coef[ng * 2] - xh * coef[ng * 2 + 1]);
        c += stepC;
        c -= c >= C ? C : 0;
    }
}

/*
 * partG, partB (chunks, C): sums of dY xh and of dY over rows r = n*S + v,
 * laid out and walked as in sum_per_channel_partial.
 */
KERNEL_WG(VX_BLOCK) group_norm_backward_params_partial(
        const GLOBAL float* RESTRICT x,
        const GLOBAL float* RESTRICT dY,
        const GLOBAL float* RESTRICT mean,
        const GLOBAL float* RESTRICT rstd,
        GLOBAL float* RESTRICT partG,
        GLOBAL float* RESTRICT partB,
        i64 R, i64 S, int C, int G, int lanes, i64 rowsPerChunk)
{
    LOCAL float buf[2 * VX_BLOCK];
    int tid = LOCAL_ID_X;
    int lane = tid % lanes;
    int rowLanes = VX_BLOCK / lanes;
    int c = GROUP_ID_Y * lanes + lane;
    i64 r0 = (i64) GROUP_ID_X * rowsPerChunk;
    i64 r1 = r0 + rowsPerChunk < R ? r0 + rowsPerChunk : R;

    float sg = 0.0f;
    float sb = 0.0f;
    if (c < C) {
        int g = c / (C / G);
        /* Row r = n*S + v: n and v advance without a division per row. */
        i64 n = (r0 + tid / lanes) / S;
        i64 v = r0 + tid / lanes - n * S;
        for (i64 r = r0 + tid / lanes; r < r1; r += rowLanes) {
            i64 ng = n * G + g;
            float dy = dY[r * C + c];
            sg += dy * (x[r * C + c] - mean[ng]) * rstd[ng];
            sb += dy;
            v += rowLanes;
            while (v >= S) {
                v -= S;
                n++;
            }
        }
    }
    buf[tid] = sg;
    buf[VX_BLOCK + tid] = sb;
    vx_tree_sum(buf, tid, lanes, 2);
    if (tid < lanes && c < C) {
        partG[(i64) GROUP_ID_X * C + c] = buf[tid];
        partB[(i64) GROUP_ID_X * C + c] = buf[VX_BLOCK + tid];
    }
}
