/*
 * optim.cu - optimizer updates, in place, one work-item per parameter
 * (grid-stride loop over n elements).
 *
 *   p, g, m, v, buf   n elements each (any shape, same memory order)
 *
 * adam_step: g' = g + weightDecay * p; m = beta1 m + (1 - beta1) g';
 *   v = beta2 v + (1 - beta2) g'^2;
 *   p -= stepSize * m / (sqrt(v) / sqrtBc2 + eps), where the host passes
 *   stepSize = lr / (1 - beta1^step) and sqrtBc2 = sqrt(1 - beta2^step).
 * sgd_step: buf = momentum buf + g + weightDecay p; p -= lr buf.
 * Preconditions: all buffers hold n elements and do not overlap.
 * Precision: float32, the same operations in the same order as the CPU
 * backend.
 */
#include "vox_portable.h"

KERNEL adam_step(GLOBAL float* RESTRICT p, const GLOBAL float* RESTRICT g,
                 GLOBAL float* RESTRICT m, GLOBAL float* RESTRICT v,
                 float stepSize, float beta1, float beta2, float eps,
                 float weightDecay, float sqrtBc2, i64 n)
{
    for (i64 i = GLOBAL_ID_X; i < n; i += GLOBAL_SIZE_X) {
        float gi = g[i] + weightDecay * p[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * gi;
        float vi = beta2 * v[i] + (1.0f - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        float denom = VX_SQRT(vi) / sqrtBc2 + eps;
        p[i] -= stepSize * mi / denom;
    }
}

KERNEL sgd_step(GLOBAL float* RESTRICT p, const GLOBAL float* RESTRICT g,
                GLOBAL float* RESTRICT buf, float lr, float momentum,
                float weightDecay, i64 n)
{
    for (i64 i = GLOBAL_ID_X; i < n; i += GLOBAL_SIZE_X) {
        float b = momentum * buf[i] + g[i] + weightDecay * p[i];
        buf[i] = b;
        p[i] -= lr * b;
    }
}
