package vox.nn;

import vox.tensor.Tensor;

/** A module with one input and one output. */
public abstract class Layer extends Module {
    public abstract Tensor forward(Tensor x);
}
