package vox.nn;

import vox.backend.Backend;
import vox.ops.Activation;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** PReLU with one learnt slope per channel, 0.25 at start. */
public final class PReLU extends Layer {
    public static final float INITIAL_SLOPE = 0.25f;
    private final Parameter alpha;

    public PReLU(Backend be, int channels) {
        this.alpha = param("alpha", be.fromArray(Shape.of(channels),
                Init.constant(channels, INITIAL_SLOPE)));
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activation.prelu(x, alpha.value());
    }
}
