/*
 * dice.cu - the sums and the gradient of the soft-Dice loss.
 *
 *   p, label, dP   (R, C)   probabilities and one-hot labels: R voxels of
 *                           C classes, classes innermost
 *   part           (chunks, 3, C)  partial sums, finished by
 *                           sum_partials_final (reduce.cu) into out (3, C):
 *                           sum p*label, sum p^2, sum label^2 per class
 *   a, b           (C)      coefficients of the backward
 *
 * dice_sums_partial: group (chunk, class tile) walks rows as in
 * sum_per_channel_partial, a (rowLanes, lanes) grid of VX_BLOCK
 * work-items; the three shares meet in a fixed tree.
 * dice_backward: dP = a[c] label + b[c] p, grid-stride over elements.
 * Preconditions: lanes is a power of two <= VX_BLOCK; grid (chunks,
 * ceil(C / lanes)). Precision: float32, fixed order, no atomics.
 */
#include "vox_portable.h"

KERNEL_WG(VX_BLOCK) dice_sums_partial(
        const GLOBAL float* RESTRICT p,
        const GLOBAL float* RESTRICT label,
        GLOBAL float* RESTRICT part,      /* (chunks, 3, C) */
        i64 R, int C, int lanes, i64 rowsPerChunk)
{
    LOCAL float buf[3 * VX_BLOCK];
    int tid = LOCAL_ID_X;
    int lane = tid % lanes;
    int rowLanes = VX_BLOCK / lanes;
    int c = GROUP_ID_Y * lanes + lane;
    i64 r0 = (i64) GROUP_ID_X * rowsPerChunk;
    i64 r1 = r0 + rowsPerChunk < R ? r0 + rowsPerChunk : R;

    float pl = 0.0f;
    float pp = 0.0f;
    float ll = 0.0f;
    if (c < C) {
        for (i64 r = r0 + tid / lanes; r < r1; r += rowLanes) {
            float pv = p[r * C + c];
            float lv = label[r * C + c];
            pl += pv * lv;
            pp += pv * pv;
            ll += lv * lv;
        }
    }
    buf[tid] = pl;
    buf[VX_BLOCK + tid] = pp;
    buf[2 * VX_BLOCK + tid] = ll;
    vx_tree_sum(buf, tid, lanes, 3);
    if (tid < lanes && c < C) {
        i64 o = (i64) GROUP_ID_X * 3 * C + c;
        part[o] = buf[tid];
        part[o + C] = buf[VX_BLOCK + tid];
        part[o + 2 * C] = buf[2 * VX_BLOCK + tid];
    }
}

KERNEL dice_backward(const GLOBAL float* RESTRICT p,
                     const GLOBAL float* RESTRICT label,
                     const GLOBAL float* RESTRICT a,
                     const GLOBAL float* RESTRICT b,
                     GLOBAL float* RESTRICT dP, i64 n, int C)
{
    i64 step = GLOBAL_SIZE_X;
    int stepC = (int) (step % C);
    int c = (int) (GLOBAL_ID_X % C);
    for (i64 i = GLOBAL_ID_X; i < n; i += step) {
        dP[i] = a[c] * label[i] + b[c] * p[i];
        c += stepC;
        c -= c >= C ? C : 0;
    }
}
