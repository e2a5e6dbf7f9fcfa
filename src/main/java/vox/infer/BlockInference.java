package vox.infer;

import java.util.ArrayList;
import java.util.List;
import vox.autograd.Grad;
import vox.backend.Backend;
import vox.model.CascadedVNet;
import vox.tensor.Shape;
import vox.tensor.Tensor;
import vox.tensor.TensorScope;

/**
 * Two-pass block-wise inference over a preprocessed volume of any depth.
 *
 * <p>Pass 1 covers every slice with blocks of {@code blockDepth} slices
 * (the last block aligned with the end; overlaps are averaged). Pass 2
 * covers again, with blocks laid out afresh from the first organ slice, the
 * slices in which pass 1 found any organ (plus a margin); there the final
 * probabilities are the mean of both passes. In-plane the whole slice is
 * one block, padded to a multiple of the model's size step with the
 * background value.
 */
public final class BlockInference {
    private final CascadedVNet model;
    private final Backend be;
    private final int blockDepth;
    private final int margin;
    private final float padValue;

    /**
     * @param blockDepth slices per block (a multiple of the model's size step)
     * @param margin     slices added on each side of pass 1's organ range
     * @param padValue   image value used for padding (air after preprocessing: -1)
     */
    public BlockInference(CascadedVNet model, Backend be, int blockDepth, int margin,
                          float padValue) {
        int m = model.config().sizeMultiple();
        if (blockDepth <= 0 || blockDepth % m != 0) {
            throw new IllegalArgumentException("block depth " + blockDepth
                    + " must be a positive multiple of " + m);
        }
        this.model = model;
        this.be = be;
        this.blockDepth = blockDepth;
        this.margin = Math.max(0, margin);
        this.padValue = padValue;
    }

    /** Result: class ids per voxel (x fastest) and the slice range pass 2 covered. */
    public record Result(float[] labels, int secondPassFrom, int secondPassTo) {
    }

    /** Segments image (D slices of H x W, x fastest). */
    public Result predict(float[] image, int d, int h, int w) {
        if ((long) d * h * w != image.length) {
            throw new IllegalArgumentException("predict: image has " + image.length
                    + " voxels, not " + d + "x" + h + "x" + w);
        }
        int k = model.config().numClasses();
        float[] prob = new float[image.length * k];
        float[] weight = new float[d];
        for (int z0 : starts(0, d)) {
            addBlock(image, d, h, w, z0, prob, weight);
        }
        float[] labels = argmax(prob, k);
        int first = -1;
        int last = -1;
        for (int z = 0; z < d; z++) {
            if (hasOrgan(labels, z, h * w)) {
                first = first < 0 ? z : first;
                last = z;
            }
        }
        if (first < 0) {
            return new Result(labels, -1, -1);
        }
        int from = Math.max(0, first - margin);
        int to = Math.min(d, last + 1 + margin);
        // Pass 1's probabilities count once, pass 2's once, in the organ range.
        normalise(prob, weight, k, from, to, h * w);
        for (int z0 : starts(from, to)) {
            addBlock(image, d, h, w, z0, prob, weight);
        }
        return new Result(argmax(prob, k), from, to);
    }

    /** Block starts covering [from, to): stride blockDepth, last one ending at to (or d). */
    private List<Integer> starts(int from, int to) {
        List<Integer> s = new ArrayList<>();
        int span = to - from;
        if (span <= blockDepth) {
            s.add(from);
            return s;
        }
        for (int z = from; z + blockDepth < to; z += blockDepth) {
            s.add(z);
        }
        s.add(to - blockDepth);
        return s;
    }

    private void addBlock(float[] image, int d, int h, int w, int z0, float[] prob,
                          float[] weight) {
        int m = model.config().sizeMultiple();
        int ph = (h + m - 1) / m * m;
        int pw = (w + m - 1) / m * m;
        int k = model.config().numClasses();
        float[] block = new float[blockDepth * ph * pw];
        java.util.Arrays.fill(block, padValue);
        int depth = Math.min(blockDepth, d - z0);
        for (int z = 0; z < depth; z++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(image, ((z0 + z) * h + y) * w, block, (z * ph + y) * pw, w);
            }
        }
        float[] p;
        try (TensorScope scope = TensorScope.open(); var off = Grad.noGrad()) {
            Tensor x = be.fromArray(Shape.of(1, 1, blockDepth, ph, pw), block);
            p = model.forward(x).stage2().toArray();
        }
        for (int z = 0; z < depth; z++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int src = ((z * ph + y) * pw + x) * k;
                    int dst = (((z0 + z) * h + y) * w + x) * k;
                    for (int c = 0; c < k; c++) {
                        prob[dst + c] += p[src + c];
                    }
                }
            }
            weight[z0 + z] += 1;
        }
    }

    private static void normalise(float[] prob, float[] weight, int k, int from, int to,
                                  int plane) {
        for (int z = from; z < to; z++) {
            float inv = 1f / weight[z];
            for (int i = z * plane * k; i < (z + 1) * plane * k; i++) {
                prob[i] *= inv;
            }
            weight[z] = 1;
        }
    }

    private static float[] argmax(float[] prob, int k) {
        float[] out = new float[prob.length / k];
        for (int v = 0; v < out.length; v++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (prob[v * k + c] > prob[v * k + best]) {
                    best = c;
                }
            }
            out[v] = best;
        }
        return out;
    }

    private static boolean hasOrgan(float[] labels, int z, int plane) {
        for (int i = z * plane; i < (z + 1) * plane; i++) {
            if (labels[i] != 0) {
                return true;
            }
        }
        return false;
    }
}
