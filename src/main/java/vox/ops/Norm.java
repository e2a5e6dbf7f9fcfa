package vox.ops;

import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** Group normalisation with per-channel affine parameters. */
public final class Norm {
    private Norm() {
    }

    /**
     * Group norm over x (N, C, ...): each of {@code groups} groups of
     * C/groups channels is normalised over its channels and all voxels, then
     * scaled by gamma (C) and shifted by beta (C).
     */
    public static Tensor groupNorm(Tensor x, Tensor gamma, Tensor beta, int groups, float eps) {
        Backend be = OpSupport.backend("groupNorm", x, gamma, beta);
        int n = x.shape().dim(0);
        int c = x.shape().channels();
        if (groups <= 0 || c % groups != 0) {
            throw new IllegalArgumentException("groupNorm: " + c
                    + " channels of " + x.describe() + " cannot form " + groups + " groups");
        }
        Tensor y = be.empty(x.shape());
        Tensor mean = be.empty(Shape.of(n, groups));
        Tensor rstd = be.empty(Shape.of(n, groups));
        be.groupNormForward(x, gamma, beta, groups, eps, y, mean, rstd);

        return Autograd.record("groupNorm", y, new Tensor[] {x, gamma, beta}, dY -> {
            Tensor dX = be.empty(x.shape());
            Tensor dGamma = be.empty(gamma.shape());
            Tensor dBeta = be.empty(beta.shape());
            be.groupNormBackward(x, dY, gamma, mean, rstd, groups, dX, dGamma, dBeta);
            return new Tensor[] {x.requiresGrad() ? dX : null,
                gamma.requiresGrad() ? dGamma : null, beta.requiresGrad() ? dBeta : null};
        });
    }
}
