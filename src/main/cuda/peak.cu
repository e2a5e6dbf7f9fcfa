/*
 * peak.cu - calibration kernels: what the device can do at best, so that
 * the benchmarks can print each kernel's rate as a fraction of it.
 *
 * fma_peak: every work-item runs PEAK_CHAINS independent multiply-add
 *   chains a = a * s + c for `iters` steps (2 FLOP per step and chain),
 *   enough independent chains to cover the FMA latency of the devices we
 *   know of. A work-item writes the sum of its chains to out[id], so that
 *   no compiler can drop the loop.
 *
 *   out   one float per work-item (the global size)
 *
 * With s = 0.999f and c = 0.001f each chain tends to 1 and never reaches a
 * denormal or an infinity, whatever iters is. Precision: irrelevant; the
 * sums are not read except to keep the work alive.
 */
#include "vox_portable.h"

#define PEAK_CHAINS 8

KERNEL fma_peak(GLOBAL float* out, int iters, float s, float c)
{
    float seed = (float) (GLOBAL_ID_X & 1023) * 1e-4f;
    float a0 = seed, a1 = seed + 0.1f, a2 = seed + 0.2f, a3 = seed + 0.3f;
    float a4 = seed + 0.4f, a5 = seed + 0.5f, a6 = seed + 0.6f, a7 = seed + 0.7f;
    for (int i = 0; i < iters; i++) {
        a0 = VX_FMA(a0, s, c);
        a1 = VX_FMA(a1, s, c);
        a2 = VX_FMA(a2, s, c);
        a3 = VX_FMA(a3, s, c);
        a4 = VX_FMA(a4, s, c);
        a5 = VX_FMA(a5, s, c);
        a6 = VX_FMA(a6, s, c);
        a7 = VX_FMA(a7, s, c);
    }
    out[GLOBAL_ID_X] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
}
