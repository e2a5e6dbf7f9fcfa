package vox.ops;

import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** Segmentation losses over class probabilities and one-hot labels. */
public final class Loss {
    /** Default smoothing term of {@link #softDice}. */
    public static final float DICE_EPS = 1e-5f;

    private Loss() {
    }

    /**
     * Soft Dice loss {@code 1 - mean_k (2 sum(P L) + eps) / (sum P^2 + sum L^2 + eps)}.
     * Sums run over the batch and all voxels; the mean over classes k skips
     * class 0 unless {@code includeBackground}. The eps in both numerator and
     * denominator makes a class absent from both P and L count as a match.
     *
     * @param p     probabilities (N, numClasses, D, H, W), usually a softmax
     * @param label one-hot labels of the same shape (no gradient flows into it)
     */
    public static Tensor softDice(Tensor p, Tensor label, boolean includeBackground, float eps) {
        Backend be = OpSupport.backend("softDice", p, label);
        OpSupport.requireSameShape("softDice", p, label);
        int classes = p.shape().channels();
        int first = includeBackground ? 0 : 1;
        int counted = classes - first;
        if (counted <= 0) {
            throw new IllegalArgumentException("softDice: no class left to average over "
                    + p.describe() + " with includeBackground=" + includeBackground);
        }
        Tensor sums = be.empty(Shape.of(3, classes));
        be.diceSums(p, label, sums);
        float[] s = sums.toArray();
        sums.close();
        double total = 0;
        double[] inter = new double[classes];
        double[] denom = new double[classes];
        for (int k = first; k < classes; k++) {
            inter[k] = s[k];
            denom[k] = (double) s[classes + k] + s[2 * classes + k] + eps;
            total += (2 * inter[k] + eps) / denom[k];
        }
        Tensor y = be.fromArray(Shape.of(1), new float[] {(float) (1 - total / counted)});

        return Autograd.record("softDice", y, new Tensor[] {p, label}, dY -> {
            float g = dY.item();
            float[] a = new float[classes];
            float[] b = new float[classes];
            for (int k = first; k < classes; k++) {
                a[k] = (float) (-g * 2 / (counted * denom[k]));
                b[k] = (float) (g * 2 * (2 * inter[k] + eps) / (counted * denom[k] * denom[k]));
            }
            Tensor dP = be.empty(p.shape());
            be.diceBackward(p, label, a, b, dP);
            return new Tensor[] {dP, null};
        });
    }

    /**
     * Cross-entropy {@code -mean over voxels of sum_k L_k log softmax(x)_k}.
     *
     * @param logits class scores (N, numClasses, ...)
     * @param label  one-hot labels of the same shape
     */
    public static Tensor crossEntropy(Tensor logits, Tensor label) {
        OpSupport.backend("crossEntropy", logits, label);
        OpSupport.requireSameShape("crossEntropy", logits, label);
        long voxels = logits.numel() / logits.shape().channels();
        Tensor logP = Activation.log(Activation.softmaxChannels(logits));
        Tensor picked = Arith.mul(logP, label);
        return Arith.scale(Arith.sum(picked), (float) (-1.0 / voxels));
    }

    /** One-hot encoding on the host of integer labels (0 .. numClasses-1). */
    public static float[] oneHot(float[] labels, int numClasses, String source) {
        float[] out = new float[labels.length * numClasses];
        for (int i = 0; i < labels.length; i++) {
            int k = (int) labels[i];
            if (k < 0 || k >= numClasses || k != labels[i]) {
                throw new IllegalArgumentException(source + ": label " + labels[i]
                        + " at voxel " + i + " is not a class id in [0, " + numClasses + ")");
            }
            out[i * numClasses + k] = 1f;
        }
        return out;
    }
}
