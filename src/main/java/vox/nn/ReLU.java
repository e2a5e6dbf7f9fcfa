package vox.nn;

import vox.ops.Activation;
import vox.tensor.Tensor;

/** max(x, 0), elementwise. */
public final class ReLU extends Layer {
    @Override
    public Tensor forward(Tensor x) {
        return Activation.relu(x);
    }
}
