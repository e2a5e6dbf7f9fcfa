package vox.ops;

import java.util.Arrays;
import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.tensor.Tensor;

/** Concatenation and slicing along channels; spatial crop and zero padding. */
public final class Channels {
    private Channels() {
    }

    /** Concatenates (N, C_i, D, H, W) tensors along channels. */
    public static Tensor concat(Tensor... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given");
        }
        Backend be = OpSupport.backend("concat", xs);
        int total = 0;
        for (Tensor x : xs) {
            if (x.shape().rank() != xs[0].shape().rank()) {
                throw new IllegalArgumentException("concat: ranks differ: "
                        + xs[0].describe() + " vs " + x.describe());
            }
            for (int i = 0; i < x.shape().rank(); i++) {
                if (i != 1 && x.shape().dim(i) != xs[0].shape().dim(i)) {
                    throw new IllegalArgumentException("concat: " + x.describe()
                            + " differs from " + xs[0].describe() + " outside the channels");
                }
            }
            total += x.shape().channels();
        }
        Tensor y = be.empty(xs[0].shape().with(1, total));
        be.concatChannels(xs, y);

        Tensor[] inputs = xs.clone();
        return Autograd.record("concat", y, inputs, dY -> {
            Tensor[] grads = new Tensor[inputs.length];
            int from = 0;
            for (int i = 0; i < inputs.length; i++) {
                int c = inputs[i].shape().channels();
                if (inputs[i].requiresGrad()) {
                    grads[i] = be.empty(inputs[i].shape());
                    be.sliceChannels(dY, from, grads[i]);
                }
                from += c;
            }
            return grads;
        });
    }

    /** Channels [from, from + count) of x. */
    public static Tensor slice(Tensor x, int from, int count) {
        Backend be = OpSupport.backend("slice", x);
        int c = x.shape().channels();
        if (from < 0 || count <= 0 || from + count > c) {
            throw new IllegalArgumentException("slice: channels [" + from + ", "
                    + (from + count) + ") do not fit in " + x.describe());
        }
        Tensor y = be.empty(x.shape().with(1, count));
        be.sliceChannels(x, from, y);

        return Autograd.record("slice", y, new Tensor[] {x}, dY -> {
            Tensor dX = be.zeros(x.shape());
            Tensor[] parts = new Tensor[] {dY};
            if (count == c) {
                be.copy(dY, dX);
            } else {
                // Scatter dY into its channel range by concatenating with zeros.
                Tensor before = from > 0 ? be.zeros(x.shape().with(1, from)) : null;
                int rest = c - from - count;
                Tensor after = rest > 0 ? be.zeros(x.shape().with(1, rest)) : null;
                parts = java.util.stream.Stream.of(before, dY, after)
                        .filter(java.util.Objects::nonNull).toArray(Tensor[]::new);
                be.concatChannels(parts, dX);
                if (before != null) {
                    before.close();
                }
                if (after != null) {
                    after.close();
                }
            }
            return new Tensor[] {dX};
        });
    }

    /** The box of {@code size} (D, H, W) voxels at {@code offset} of x (N, C, D, H, W). */
    public static Tensor crop(Tensor x, int[] offset, int[] size) {
        Backend be = OpSupport.backend("crop", x);
        OpSupport.require5d("crop", "input", x);
        var s = x.shape();
        Tensor y = be.empty(vox.tensor.Shape.of(s.dim(0), s.dim(1), size[0], size[1], size[2]));
        be.copyRegion(x, offset, y, new int[3], size);

        return Autograd.record("crop", y, new Tensor[] {x}, dY -> {
            Tensor dX = be.zeros(s);
            be.copyRegion(dY, new int[3], dX, offset, size);
            return new Tensor[] {dX};
        });
    }

    /** Zero padding of x (N, C, D, H, W): {@code before} and {@code after} voxels per axis. */
    public static Tensor pad(Tensor x, int[] before, int[] after) {
        Backend be = OpSupport.backend("pad", x);
        OpSupport.require5d("pad", "input", x);
        var s = x.shape();
        int[] size = {s.dim(2), s.dim(3), s.dim(4)};
        for (int a = 0; a < 3; a++) {
            if (before[a] < 0 || after[a] < 0) {
                throw new IllegalArgumentException("pad: amounts must be >= 0, got "
                        + Arrays.toString(before) + " and " + Arrays.toString(after));
            }
        }
        Tensor y = be.zeros(vox.tensor.Shape.of(s.dim(0), s.dim(1), size[0] + before[0]
                + after[0], size[1] + before[1] + after[1], size[2] + before[2] + after[2]));
        be.copyRegion(x, new int[3], y, before, size);

        return Autograd.record("pad", y, new Tensor[] {x}, dY -> {
            Tensor dX = be.empty(s);
            be.copyRegion(dY, before, dX, new int[3], size);
            return new Tensor[] {dX};
        });
    }
}
