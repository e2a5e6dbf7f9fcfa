/*
 * fma_peak.c - a cross-check of PeakBench.fmaPeak in C: twelve independent
 * AVX-512 FMA chains per thread, as the Vector API calibration runs them,
 * compiled to plain vfmadd instructions (the empty asm statement keeps the
 * twelve accumulators in registers and the loop alive).
 *
 *   gcc -O2 -mavx512f -mfma -pthread benchmarks/native/fma_peak.c -o /tmp/fma_peak
 *   /tmp/fma_peak 2        # threads; prints GFLOP/s of five runs
 */
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define STEPS 50000000L
#define MAX_THREADS 64

static float sink[MAX_THREADS];

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define FMA(a) a = _mm512_fmadd_ps(a, m, s)

static void *chains(void *arg)
{
    int id = (int) (long) arg;
    __m512 m = _mm512_set1_ps(0.999999f);
    __m512 s = _mm512_set1_ps(1e-7f * (id + 1));
    __m512 a0 = _mm512_set1_ps(1.00f), a1 = _mm512_set1_ps(1.01f);
    __m512 a2 = _mm512_set1_ps(1.02f), a3 = _mm512_set1_ps(1.03f);
    __m512 a4 = _mm512_set1_ps(1.04f), a5 = _mm512_set1_ps(1.05f);
    __m512 a6 = _mm512_set1_ps(1.06f), a7 = _mm512_set1_ps(1.07f);
    __m512 a8 = _mm512_set1_ps(1.08f), a9 = _mm512_set1_ps(1.09f);
    __m512 a10 = _mm512_set1_ps(1.10f), a11 = _mm512_set1_ps(1.11f);
    for (long i = 0; i < STEPS; i++) {
        FMA(a0); FMA(a1); FMA(a2); FMA(a3); FMA(a4); FMA(a5);
        FMA(a6); FMA(a7); FMA(a8); FMA(a9); FMA(a10); FMA(a11);
        __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5),
                         "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11));
    }
    __m512 t = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                             _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
    t = _mm512_add_ps(t, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
    sink[id] = _mm512_reduce_add_ps(t);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    if (threads < 1 || threads > MAX_THREADS) {
        fprintf(stderr, "fma_peak: threads must be 1 to %d, got %s\n", MAX_THREADS, argv[1]);
        return 2;
    }
    for (int run = 0; run < 5; run++) {
        pthread_t th[MAX_THREADS];
        double t0 = now();
        for (long i = 0; i < threads; i++) {
            pthread_create(&th[i], NULL, chains, (void *) i);
        }
        for (int i = 0; i < threads; i++) {
            pthread_join(th[i], NULL);
        }
        double flop = 2.0 * threads * 12 * 16 * (double) STEPS;
        printf("%d threads: %.1f GFLOP/s\n", threads, flop / (now() - t0) / 1e9);
    }
    return 0;
}
