/*
 * vox_portable.h - the one layer between vox's kernel sources and the two
 * compilers that build them.
 *
 * Every file in src/main/cuda/ is written against this header only, so it
 * compiles as CUDA C++ (nvcc, entry points extern "C") and as OpenCL C 1.2
 * (the OpenCL backend pastes this file in place of the #include line and
 * builds the result at run time). Tile sizes and variants come in as -D
 * defines, which both compilers take.
 *
 * Rules for kernel code that keep both sides valid:
 *   - pointers to device memory are GLOBAL; local (shared) arrays are
 *     declared with LOCAL at the top of the kernel body, and helpers take
 *     them as LOCAL_PTR pointers;
 *   - float literals carry an f suffix (OpenCL devices may lack doubles);
 *   - math goes through the VX_ macros below, never expf() or exp();
 *   - element offsets into a tensor are i64 (64-bit), because a tensor may
 *     hold more than 2^31 elements;
 *   - no atomics: every reduction has a fixed order, so results do not
 *     depend on scheduling (see vx_tree_sum below);
 *   - a kernel with barriers never returns early (PoCL 3.1 crashed on
 *     that), and loops over a per-work-item array are unrolled so that
 *     the array stays in registers.
 */
#ifndef VOX_PORTABLE_H
#define VOX_PORTABLE_H

#if defined(__OPENCL_VERSION__)

typedef long i64;

#define KERNEL __kernel void
/* A kernel that must be launched with exactly n work-items per group. */
#define KERNEL_WG(n) __kernel __attribute__((reqd_work_group_size(n, 1, 1))) void
#define DEVICE_FN static inline
#define GLOBAL __global
#define LOCAL __local
#define LOCAL_PTR __local
#define RESTRICT restrict

#define LOCAL_ID_X ((int) get_local_id(0))
#define GROUP_ID_X ((int) get_group_id(0))
#define GROUP_ID_Y ((int) get_group_id(1))
#define GROUP_ID_Z ((int) get_group_id(2))
#define GLOBAL_ID_X ((i64) get_global_id(0))
#define GLOBAL_SIZE_X ((i64) get_global_size(0))
#define BARRIER() barrier(CLK_LOCAL_MEM_FENCE)

#define VX_EXP(v) exp(v)
#define VX_LOG(v) log(v)
#define VX_SQRT(v) sqrt(v)
#define VX_FABS(v) fabs(v)
#define VX_FMAX(a, b) fmax(a, b)
#define VX_FMA(a, b, c) fma(a, b, c)
#define VX_NEG_INF (-INFINITY)

#elif defined(__CUDACC__)

typedef long long i64;

#define KERNEL extern "C" __global__ void
#define KERNEL_WG(n) extern "C" __global__ void __launch_bounds__(n)
#define DEVICE_FN static __device__ __forceinline__
#define GLOBAL
#define LOCAL __shared__
#define LOCAL_PTR
#define RESTRICT __restrict__

#define LOCAL_ID_X ((int) threadIdx.x)
#define GROUP_ID_X ((int) blockIdx.x)
#define GROUP_ID_Y ((int) blockIdx.y)
#define GROUP_ID_Z ((int) blockIdx.z)
#define GLOBAL_ID_X ((i64) blockIdx.x * blockDim.x + threadIdx.x)
#define GLOBAL_SIZE_X ((i64) gridDim.x * blockDim.x)
#define BARRIER() __syncthreads()

#define VX_EXP(v) expf(v)
#define VX_LOG(v) logf(v)
#define VX_SQRT(v) sqrtf(v)
#define VX_FABS(v) fabsf(v)
#define VX_FMAX(a, b) fmaxf(a, b)
#define VX_FMA(a, b, c) fmaf(a, b, c)
#define VX_NEG_INF (-__int_as_float(0x7f800000))

#else
#error "vox_portable.h: compile as CUDA (nvcc) or OpenCL C"
#endif

/* Work-items per group of the reduction and elementwise kernels. */
#ifndef VX_BLOCK
#define VX_BLOCK 256
#endif

#if (VX_BLOCK & (VX_BLOCK - 1)) != 0
#error "VX_BLOCK must be a power of two"
#endif

#define VX_IMIN(a, b) ((a) < (b) ? (a) : (b))
#define VX_IMAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * Fixed-order tree sum over the rows of q tables held in local memory:
 * buf[j * VX_BLOCK + row * lanes + lane], rows * lanes == VX_BLOCK, rows
 * a power of two. Leaves the sums in row 0 of each table (other rows hold
 * partial values). Every work-item of the group must call it (it holds
 * barriers); the pairing of terms is fixed, so the result is the same on
 * every run.
 *
 * CUDA fast path (VOX_CUDA_FAST, set by scripts/build-fatbin.sh): the
 * steps with s < 32 run in warp 0 with shuffles instead of barriers. Each
 * step still adds element tid + s to element tid, so row 0 holds the
 * same bits as the portable path.
 */
#if defined(__CUDACC__) && defined(VOX_CUDA_FAST) && VX_BLOCK >= 64
DEVICE_FN void vx_tree_sum(LOCAL_PTR float* buf, int tid, int lanes, int q) {
    int s = VX_BLOCK / 2;
    for (; s >= lanes && s >= 32; s /= 2) {
        BARRIER();
        if (tid < s) {
            for (int j = 0; j < q; j++) {
                buf[j * VX_BLOCK + tid] += buf[j * VX_BLOCK + tid + s];
            }
        }
    }
    BARRIER();
    if (s >= lanes) {
        if (tid < 32) {
            for (int j = 0; j < q; j++) {
                float v = buf[j * VX_BLOCK + tid];
                for (int t = s; t >= lanes; t /= 2) {
                    v += __shfl_down_sync(0xffffffffu, v, t);
                }
                buf[j * VX_BLOCK + tid] = v;
            }
        }
        BARRIER();
    }
}
#else
DEVICE_FN void vx_tree_sum(LOCAL_PTR float* buf, int tid, int lanes, int q) {
    for (int s = VX_BLOCK / 2; s >= lanes; s /= 2) {
        BARRIER();
        if (tid < s) {
            for (int j = 0; j < q; j++) {
                buf[j * VX_BLOCK + tid] += buf[j * VX_BLOCK + tid + s];
            }
        }
    }
    BARRIER();
}
#endif

#endif /* VOX_PORTABLE_H */
