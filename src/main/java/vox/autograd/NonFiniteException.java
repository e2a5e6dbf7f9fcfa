package vox.autograd;

/** A NaN or infinity appeared in the output or gradient of a named op. */
public final class NonFiniteException extends ArithmeticException {
    private static final long serialVersionUID = 1L;
    private final String op;

    public NonFiniteException(String op, String detail) {
        super("non-finite value (NaN or Inf) produced by op '" + op + "': " + detail);
        this.op = op;
    }

    /** Name of the op whose output or gradient was not finite. */
    public String op() {
        return op;
    }
}
