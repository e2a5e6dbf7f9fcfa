package vox.model;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import vox.backend.Backend;
import vox.nn.Conv3d;
import vox.nn.GroupNorm;
import vox.nn.Layer;
import vox.nn.Module;
import vox.nn.PReLU;
import vox.nn.Sequential;
import vox.ops.Arith;
import vox.tensor.Tensor;

/** The residual blocks of a V-Net stage. */
final class Blocks {
    private static final int[] ONE = {1, 1, 1};
    private static final int[] CUBE3 = {3, 3, 3};

    private Blocks() {
    }

    /** n stacked 3x3x3 convolutions, PReLU between them, ending in group norm. */
    static Sequential stacked(Backend be, SplittableRandom rng, int cIn, int cOut, int n,
                              int maxGroups) {
        Sequential s = new Sequential();
        for (int i = 0; i < n; i++) {
            s.add(Conv3d.same(be, rng, i == 0 ? cIn : cOut, cOut, CUBE3));
            if (i < n - 1) {
                s.add(new PReLU(be, cOut));
            }
        }
        s.add(new GroupNorm(be, GroupNorm.groupsFor(cOut, maxGroups), cOut));
        return s;
    }

    /** One long-axis convolution of length k along {@code axis} (0 = D, 1 = H, 2 = W), then GN. */
    static Sequential longAxis(Backend be, SplittableRandom rng, int cIn, int cOut, int k,
                               int axis, int maxGroups) {
        int[] kernel = {1, 1, 1};
        kernel[axis] = k;
        return new Sequential(Conv3d.same(be, rng, cIn, cOut, kernel),
                new GroupNorm(be, GroupNorm.groupsFor(cOut, maxGroups), cOut));
    }

    /**
     * Encoder block: the branches of {@code mode} summed, plus the input
     * (through a 1x1x1 projection when channels change), then PReLU.
     */
    static final class Encoder extends Layer {
        private final List<Layer> branches = new ArrayList<>();
        private final Layer projection;
        private final PReLU act;

        Encoder(Backend be, SplittableRandom rng, int cIn, int cOut, int n, KernelMode mode,
                int maxGroups) {
            if (mode != KernelMode.LARGE) {
                branches.add(child("stacked", stacked(be, rng, cIn, cOut, n, maxGroups)));
            }
            if (mode != KernelMode.SMALL) {
                int k = 2 * n + 1;
                String[] names = {"longD", "longH", "longW"};
                for (int axis = 0; axis < 3; axis++) {
                    branches.add(child(names[axis],
                            longAxis(be, rng, cIn, cOut, k, axis, maxGroups)));
                }
            }
            projection = cIn == cOut ? null
                    : child("proj", new Conv3d(be, rng, cIn, cOut, ONE, ONE, new int[3], false));
            act = child("act", new PReLU(be, cOut));
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor sum = projection == null ? x : projection.forward(x);
            for (Layer b : branches) {
                sum = Arith.add(sum, b.forward(x));
            }
            return act.forward(sum);
        }
    }

    /**
     * Decoder block: n stacked 3x3x3 convolutions over the concatenated
     * input, group norm, plus the up-sampled tensor, then PReLU.
     */
    static final class Decoder extends Module {
        private final Sequential convs;
        private final PReLU act;

        Decoder(Backend be, SplittableRandom rng, int cIn, int cOut, int n, int maxGroups) {
            convs = child("stacked", stacked(be, rng, cIn, cOut, n, maxGroups));
            act = child("act", new PReLU(be, cOut));
        }

        Tensor forward(Tensor concatenated, Tensor residual) {
            return act.forward(Arith.add(convs.forward(concatenated), residual));
        }
    }
}
