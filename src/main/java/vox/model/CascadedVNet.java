package vox.model;

import java.util.SplittableRandom;
import vox.backend.Backend;
import vox.nn.Module;
import vox.ops.Activation;
import vox.ops.Channels;
import vox.ops.Conv;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * Two V-Nets in cascade. Stage 2 sees the image concatenated with stage 1's
 * class probabilities and, depending on {@link SkipMode}, the outputs of
 * stage 1's blocks at the same level:
 *
 * <pre>
 *   level i blocks: X(i,1) stage-1 encoder, X(i,2) stage-1 decoder,
 *                   X(i,3) stage-2 encoder, X(i,4) stage-2 decoder
 *   BASELINE  no block level skips
 *   R_BLSC    X(i,1) -> X(i,3),  X(i,2) -> X(i,4)
 *   D_BLSC    X(i,1) -> X(i,3), X(i,2) -> X(i,3), X(i,1) -> X(i,4), X(i,2) -> X(i,4)
 * </pre>
 * (X(i,1) -> X(i,2) and X(i,3) -> X(i,4) are each V-Net's own skips.) The
 * bottom level has no decoder block, so there only X(5,1) -> X(5,3) exists.
 */
public final class CascadedVNet extends Module {
    private final ModelConfig cfg;
    private final VNetStage stage1;
    private final VNetStage stage2;

    /** Class probabilities (N, numClasses, D, H, W) of both stages. */
    public record Output(Tensor stage1, Tensor stage2) {
    }

    public CascadedVNet(Backend be, ModelConfig cfg, long seed) {
        this.cfg = cfg;
        SplittableRandom rng = new SplittableRandom(seed);
        int levels = cfg.levels();
        int[] none = new int[levels];
        stage1 = child("stage1", new VNetStage(be, rng, cfg, cfg.inChannels(), none, none));
        int[] encExtra = new int[levels];
        int[] decExtra = new int[levels - 1];
        for (int l = 0; l < levels; l++) {
            int c = cfg.channels(l);
            boolean hasDecoder = l < levels - 1;
            switch (cfg.skips()) {
                case BASELINE -> { }
                case R_BLSC -> {
                    encExtra[l] = c;
                    if (hasDecoder) {
                        decExtra[l] = c;
                    }
                }
                case D_BLSC -> {
                    encExtra[l] = hasDecoder ? 2 * c : c;
                    if (hasDecoder) {
                        decExtra[l] = 2 * c;
                    }
                }
            }
        }
        stage2 = child("stage2", new VNetStage(be, rng, cfg,
                cfg.inChannels() + cfg.numClasses(), encExtra, decExtra));
    }

    public ModelConfig config() {
        return cfg;
    }

    /** Both stages' probabilities for an image x (N, inChannels, D, H, W). */
    public Output forward(Tensor x) {
        Shape s = x.shape();
        int m = cfg.sizeMultiple();
        if (!s.is5d() || s.dim(1) != cfg.inChannels()
                || s.dim(2) % m != 0 || s.dim(3) % m != 0 || s.dim(4) % m != 0) {
            throw new IllegalArgumentException("CascadedVNet: input must be (N, "
                    + cfg.inChannels() + ", D, H, W) with D, H, W multiples of " + m
                    + ", got " + x.describe());
        }
        int levels = cfg.levels();
        Tensor[][] noEnc = new Tensor[levels][0];
        Tensor[][] noDec = new Tensor[levels - 1][0];
        VNetStage.Output o1 = stage1.forward(x, noEnc, noDec);
        Tensor p1 = Activation.softmaxChannels(o1.logits());

        Tensor[][] encExtra = new Tensor[levels][];
        Tensor[][] decExtra = new Tensor[levels - 1][];
        for (int l = 0; l < levels; l++) {
            boolean hasDecoder = l < levels - 1;
            encExtra[l] = switch (cfg.skips()) {
                case BASELINE -> new Tensor[0];
                case R_BLSC -> new Tensor[] {o1.encoder()[l]};
                case D_BLSC -> hasDecoder
                        ? new Tensor[] {o1.encoder()[l], o1.decoder()[l]}
                        : new Tensor[] {o1.encoder()[l]};
            };
            if (hasDecoder) {
                decExtra[l] = switch (cfg.skips()) {
                    case BASELINE -> new Tensor[0];
                    case R_BLSC -> new Tensor[] {o1.decoder()[l]};
                    case D_BLSC -> new Tensor[] {o1.encoder()[l], o1.decoder()[l]};
                };
            }
        }
        VNetStage.Output o2 = stage2.forward(Channels.concat(x, p1), encExtra, decExtra);
        return new Output(p1, Activation.softmaxChannels(o2.logits()));
    }

    /**
     * Class ids (argmax of stage 2's probabilities) for an image x
     * (1, inChannels, D, H, W), computed without recording gradients;
     * returned in the memory order of x, as floats.
     */
    public float[] predictLabels(Tensor x) {
        Backend be = vox.backend.Backends.of(x);
        try (var scope = vox.tensor.TensorScope.open();
             var off = vox.autograd.Grad.noGrad()) {
            Tensor p = forward(x).stage2();
            Shape s = p.shape();
            Tensor ids = be.empty(Shape.of(s.dim(0), 1, s.dim(2), s.dim(3), s.dim(4)));
            be.argmaxChannels(p, ids);
            return ids.toArray();
        }
    }

    /** Convolution FLOPs of one forward pass on an input of this shape. */
    public double forwardFlops(Backend be, Shape input) {
        try (var scope = vox.tensor.TensorScope.open();
             var off = vox.autograd.Grad.noGrad()) {
            Tensor x = be.zeros(input);
            return Conv.countFlops(() -> forward(x));
        }
    }
}
