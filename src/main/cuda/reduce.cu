/*
 * reduce.cu - sums over rows: sum of all elements, sum per channel, and
 * the final pass that every two-pass reduction in vox shares.
 *
 *   x     (R, C)        any tensor viewed in memory as rows of C channels;
 *                       the plain sum is the case C = 1
 *   part  (chunks, C)   one partial sum per chunk of rows
 *   out   (C)
 *
 * Pass 1, sum_per_channel_partial: group (chunk, channel tile) reduces
 * rows [chunk * rowsPerChunk, ...) of `lanes` channels. Its VX_BLOCK
 * work-items form a (rowLanes, lanes) grid: a work-item walks every
 * rowLanes-th row of one channel, so neighbouring work-items read
 * neighbouring channels. The per-item sums meet in a fixed tree.
 *
 * Pass 2, sum_partials_final: out[j] = sum over chunks of part[chunk, j],
 * one work-item per j, chunks in ascending order.
 *
 * Preconditions: lanes is a power of two <= VX_BLOCK; launch pass 1 with
 * VX_BLOCK work-items per group and grid (chunks, ceil(C / lanes)).
 * Precision: float32 accumulation; no atomics, so the result does not
 * depend on scheduling and is bit-identical from run to run.
 */
#include "vox_portable.h"

KERNEL_WG(VX_BLOCK) sum_per_channel_partial(
        const GLOBAL float* RESTRICT x,   /* (R, C) */
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
        for (i64 r = r0 + tid / lanes; r < r1; r += rowLanes) {
            acc += x[r * C + c];
        }
    }
    buf[tid] = acc;
    vx_tree_sum(buf, tid, lanes, 1);
    if (tid < lanes && c < C) {
        part[(i64) GROUP_ID_X * C + c] = buf[tid];
    }
}

/* out (M) = sum over chunks of part (chunks, M), in chunk order. */
KERNEL sum_partials_final(
        const GLOBAL float* RESTRICT part,
        GLOBAL float* RESTRICT out,
        int chunks, i64 M)
{
    for (i64 j = GLOBAL_ID_X; j < M; j += GLOBAL_SIZE_X) {
        float s = 0.0f;
        for (int k = 0; k < chunks; k++) {
            s += part[(i64) k * M + j];
        }
        out[j] = s;
    }
}
