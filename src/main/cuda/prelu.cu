/*
 * prelu.cu - parametric ReLU with one slope per channel.
 *
 *   x, y, dY, dX   (R, C)   any (N, C, ...) tensor: R voxels of C channels
 *   alpha          (C)
 *   part           (chunks, C)  partial sums of dAlpha, finished by
 *                               sum_partials_final (reduce.cu)
 *
 * prelu_forward: y = x if x > 0 else alpha[c] x; grid-stride loop over
 * the elements, carrying the channel index from step to step.
 * prelu_backward: dX = dY if x > 0 else alpha[c] dY, and
 * dAlpha[c] = sum over x <= 0 of dY x. Group (chunk, channel tile) walks
 * its rows as in sum_per_channel_partial: a (rowLanes, lanes) grid of
 * VX_BLOCK work-items, each writing dX for the elements it visits and
 * summing its share of dAlpha; the shares meet in a fixed tree.
 * Preconditions: lanes is a power of two <= VX_BLOCK; grid (chunks,
 * ceil(C / lanes)). Precision: float32, fixed order, no atomics.
 */
#include "vox_portable.h"

KERNEL prelu_forward(const GLOBAL float* RESTRICT x,
                     const GLOBAL float* RESTRICT alpha,
                     GLOBAL float* RESTRICT y, i64 n, int C)
{
    /* The channel advances by a fixed step: no division per element. */
    i64 step = GLOBAL_SIZE_X;
    int stepC = (int) (step % C);
    int c = (int) (GLOBAL_ID_X % C);
    for (i64 i = GLOBAL_ID_X; i < n; i += step) {
        float v = x[i];
        y[i] = v > 0.0f ? v : alpha[c] * v;
        c += stepC;
        c -= c >= C ? C : 0;
    }
}

KERNEL_WG(VX_BLOCK) prelu_backward(
        const GLOBAL float* RESTRICT x,
        const GLOBAL float* RESTRICT alpha,
        const GLOBAL float* RESTRICT dY,
        GLOBAL float* RESTRICT dX,
        GLOBAL float* RESTRICT part,      /* (chunks, C) */
        i64 R, int C, int lanes, i64 rowsPerChunk)
{
    LOCAL float buf[VX_BLOCK];
    int tid = LOCAL_ID_X;
    int lane = tid % lanes;
    int rowLanes = VX_BLOCK / lanes;
    int c = GROUP_ID_Y * lanes + lane;
    i64 r0 = (i64) GROUP_ID_X * rowsPerChunk;
    i64 r1 = r0 + rowsPerChunk < R ? r0 + rowsPerChunk : R;

    float acc = 0.0f;
    if (c < C) {
        float a = alpha[c];
        for (i64 r = r0 + tid / lanes; r < r1; r += rowLanes) {
            i64 o = r * C + c;
            float v = x[o];
            float g = dY[o];
            if (v > 0.0f) {
                dX[o] = g;
            } else {
                dX[o] = a * g;
                acc += g * v;
            }
        }
    }
    buf[tid] = acc;
    vx_tree_sum(buf, tid, lanes, 1);
    if (tid < lanes && c < C) {
        part[(i64) GROUP_ID_X * C + c] = buf[tid];
    }
}
