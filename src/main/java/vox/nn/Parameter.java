package vox.nn;

import vox.tensor.Tensor;

/**
 * A trainable tensor of a {@link Module}: always requires a gradient, and its
 * storage is updated in place by an {@link Optimizer}.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;

    public Parameter(String name, Tensor value) {
        this.name = name;
        this.value = value.requiresGrad(true).name(name);
    }

    /** Local name within its module, e.g. "weight". */
    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        return value.grad();
    }
}
