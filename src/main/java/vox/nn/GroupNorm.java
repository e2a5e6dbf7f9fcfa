package vox.nn;

import vox.backend.Backend;
import vox.ops.Norm;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** Group normalisation with affine parameters gamma = 1 and beta = 0 at start. */
public final class GroupNorm extends Layer {
    public static final float EPS = 1e-5f;
    private final Parameter gamma;
    private final Parameter beta;
    private final int groups;

    public GroupNorm(Backend be, int groups, int channels) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + channels
                    + " channels cannot form " + groups + " equal groups");
        }
        this.groups = groups;
        this.gamma = param("gamma", be.fromArray(Shape.of(channels),
                Init.constant(channels, 1f)));
        this.beta = param("beta", be.zeros(Shape.of(channels)));
    }

    /** The largest group count up to {@code maxGroups} that divides {@code channels}. */
    public static int groupsFor(int channels, int maxGroups) {
        int g = Math.min(maxGroups, channels);
        while (channels % g != 0) {
            g--;
        }
        return g;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Norm.groupNorm(x, gamma.value(), beta.value(), groups, EPS);
    }
}
