package vox.tensor;

/**
 * The record that autograd keeps for one op application: the inputs, and how
 * to turn the gradient of the output into gradients of the inputs.
 */
public interface GradNode {

    /** Name of the op that produced the output, used in error messages. */
    String opName();

    /** The op's inputs, in the order that {@link #backward} returns gradients. */
    Tensor[] inputs();

    /**
     * Gradients of the inputs given {@code dOut}, the gradient of the output.
     * An entry may be null where the input needs no gradient.
     */
    Tensor[] backward(Tensor dOut);
}
