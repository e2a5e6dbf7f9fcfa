/*
 * softmax.cu - softmax over the channels of each voxel, its backward,
 * and the index of the largest channel.
 *
 *   x, y, dY, dX   (V, C)   any (N, C, ...) tensor: V voxels of C channels,
 *                           channels innermost and contiguous
 *   out            (V)      argmax as a float
 *
 * Thread mapping: one work-item per voxel (grid-stride loop over V); it
 * reads the C contiguous values of its voxel. C is the number of classes,
 * small, so one work-item handles all of them.
 * Preconditions: C >= 1; x and y (dY and dX) do not overlap.
 * Precision: float32; the maximum is subtracted before exp, so large
 * scores do not overflow. Sums run over channels in ascending order.
 */
#include "vox_portable.h"

/* y = exp(x - max) / sum exp(x - max), per voxel. */
KERNEL softmax_forward(const GLOBAL float* RESTRICT x,
                       GLOBAL float* RESTRICT y, i64 V, int C)
{
    for (i64 v = GLOBAL_ID_X; v < V; v += GLOBAL_SIZE_X) {
        i64 base = v * C;
        float mx = VX_NEG_INF;
        for (int c = 0; c < C; c++) {
            mx = VX_FMAX(mx, x[base + c]);
        }
        float sum = 0.0f;
        for (int c = 0; c < C; c++) {
            float e = VX_EXP(x[base + c] - mx);
            y[base + c] = e;
            sum += e;
        }
        float inv = 1.0f / sum;
        for (int c = 0; c < C; c++) {
            y[base + c] *= inv;
        }
    }
}

/* dX = y * (dY - sum_c y * dY), per voxel, from the forward output y. */
KERNEL softmax_backward(const GLOBAL float* RESTRICT y,
                        const GLOBAL float* RESTRICT dY,
                        GLOBAL float* RESTRICT dX, i64 V, int C)
{
    for (i64 v = GLOBAL_ID_X; v < V; v += GLOBAL_SIZE_X) {
        i64 base = v * C;
        float dot = 0.0f;
        for (int c = 0; c < C; c++) {
            dot += y[base + c] * dY[base + c];
        }
        for (int c = 0; c < C; c++) {
            dX[base + c] = y[base + c] * (dY[base + c] - dot);
        }
    }
}

/* out[v] = the first channel holding the largest value of voxel v. */
KERNEL argmax_forward(const GLOBAL float* RESTRICT x,
                      GLOBAL float* RESTRICT out, i64 V, int C)
{
    for (i64 v = GLOBAL_ID_X; v < V; v += GLOBAL_SIZE_X) {
        i64 base = v * C;
        int best = 0;
        float bestValue = x[base];
        for (int c = 1; c < C; c++) {
            float e = x[base + c];
            if (e > bestValue) {
                best = c;
                bestValue = e;
            }
        }
        out[v] = (float) best;
    }
}
