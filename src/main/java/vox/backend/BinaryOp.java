package vox.backend;

/** Elementwise functions of two tensors of one shape: {@code y = f(a, b)}. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV,
    /** {@code b} where {@code a > 0}, else 0: the ReLU backward with a = x, b = dY. */
    RELU_BACKWARD,
    /** {@code b / max(a, 1e-30)}: the LOG backward with a = x, b = dY. */
    LOG_BACKWARD
}
