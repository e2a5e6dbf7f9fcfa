package vox.backend;

/** Elementwise functions of one tensor: {@code y = f(x)}. */
public enum UnaryOp {
    RELU, EXP,
    /** Natural log of max(x, 1e-30), so that log(0) stays finite. */
    LOG,
    NEG, SQUARE, SQRT, ABS
}
