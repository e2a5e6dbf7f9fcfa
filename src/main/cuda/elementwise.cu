/*
 * elementwise.cu - one value in, one value out, at every element:
 * unary functions, binary functions, axpby, fill and copy.
 *
 *   x, a, b, y   n elements each, any shape; memory order does not matter
 *
 * Thread mapping: a grid-stride loop, so any grid size covers any n
 * (n may exceed 2^31). Each element is written by exactly one work-item.
 * Ops are chosen by the integer codes below; the host maps its enums to
 * them by name. Preconditions: every buffer holds n elements; y may be
 * the same buffer as an input. Precision: float32, as the CPU backend
 * computes.
 */
#include "vox_portable.h"

#define UNARY_RELU 0
#define UNARY_EXP 1
#define UNARY_LOG 2
#define UNARY_NEG 3
#define UNARY_SQUARE 4
#define UNARY_SQRT 5
#define UNARY_ABS 6

#define BINARY_ADD 0
#define BINARY_SUB 1
#define BINARY_MUL 2
#define BINARY_DIV 3
#define BINARY_RELU_BACKWARD 4
#define BINARY_LOG_BACKWARD 5

/* Smallest argument of LOG and divisor of LOG_BACKWARD: log(0) stays finite. */
#define LOG_FLOOR 1e-30f

DEVICE_FN float unary_apply(int op, float v)
{
    switch (op) {
    case UNARY_RELU: return v > 0.0f ? v : 0.0f;
    case UNARY_EXP: return VX_EXP(v);
    case UNARY_LOG: return VX_LOG(VX_FMAX(v, LOG_FLOOR));
    case UNARY_NEG: return -v;
    case UNARY_SQUARE: return v * v;
    case UNARY_SQRT: return VX_SQRT(v);
    default: return VX_FABS(v);
    }
}

DEVICE_FN float binary_apply(int op, float a, float b)
{
    switch (op) {
    case BINARY_ADD: return a + b;
    case BINARY_SUB: return a - b;
    case BINARY_MUL: return a * b;
    case BINARY_DIV: return a / b;
    case BINARY_RELU_BACKWARD: return a > 0.0f ? b : 0.0f;
    default: return b / VX_FMAX(a, LOG_FLOOR);
    }
}

/* y = f(x); y may alias x. */
KERNEL unary_forward(const GLOBAL float* x, GLOBAL float* y, int op, i64 n)
{
    for (i64 i = GLOBAL_ID_X; i < n; i += GLOBAL_SIZE_X) {
        y[i] = unary_apply(op, x[i]);
    }
}

/* y = f(a, b); y may alias a or b. */
KERNEL binary_forward(const GLOBAL float* a, const GLOBAL float* b,
                      GLOBAL float* y, int op, i64 n)
{
    for (i64 i = GLOBAL_ID_X; i < n; i += GLOBAL_SIZE_X) {
        y[i] = binary_apply(op, a[i], b[i]);
    }
}

/* y = alpha * x + beta * y, in place on y. */
KERNEL axpby_forward(const GLOBAL float* x, GLOBAL float* y,
                     float alpha, float beta, i64 n)
{
    for (i64 i = GLOBAL_ID_X; i < n; i += GLOBAL_SIZE_X) {
        y[i] = alpha * x[i] + beta * y[i];
    }
}

KERNEL fill_forward(GLOBAL float* RESTRICT y, float value, i64 n)
{
    for (i64 i = GLOBAL_ID_X; i < n; i += GLOBAL_SIZE_X) {
        y[i] = value;
    }
}

KERNEL copy_forward(const GLOBAL float* x, GLOBAL float* y, i64 n)
{
    for (i64 i = GLOBAL_ID_X; i < n; i += GLOBAL_SIZE_X) {
        y[i] = x[i];
    }
}
