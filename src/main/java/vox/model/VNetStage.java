package vox.model;

import java.util.SplittableRandom;
import vox.backend.Backend;
import vox.nn.Conv3d;
import vox.nn.ConvTranspose3d;
import vox.nn.GroupNorm;
import vox.nn.Module;
import vox.nn.PReLU;
import vox.nn.Sequential;
import vox.ops.Channels;
import vox.tensor.Tensor;

/**
 * One V-Net: an encoder of {@code levels} residual blocks with 2x2x2
 * stride-2 convolutions between them, a decoder of {@code levels - 1}
 * blocks after 2x2x2 stride-2 transposed convolutions, each concatenating
 * the encoder output of its level, and a 1x1x1 convolution to class scores.
 *
 * <p>Each block may receive extra feature maps (block level skips from an
 * earlier stage), concatenated to its input; the channel counts of those
 * extras are fixed at construction.
 */
public final class VNetStage extends Module {
    private final ModelConfig cfg;
    private final Blocks.Encoder[] enc;
    private final Sequential[] down;
    private final Sequential[] up;
    private final Blocks.Decoder[] dec;
    private final Conv3d head;

    /** What one forward pass yields: class scores and every block's output. */
    public record Output(Tensor logits, Tensor[] encoder, Tensor[] decoder) {
    }

    /**
     * @param inChannels channels of the stage input
     * @param encExtra   extra input channels per encoder level (length levels)
     * @param decExtra   extra input channels per decoder level (length levels - 1)
     */
    public VNetStage(Backend be, SplittableRandom rng, ModelConfig cfg, int inChannels,
                     int[] encExtra, int[] decExtra) {
        this.cfg = cfg;
        int levels = cfg.levels();
        enc = new Blocks.Encoder[levels];
        down = new Sequential[levels - 1];
        up = new Sequential[levels - 1];
        dec = new Blocks.Decoder[levels - 1];
        int g = cfg.maxGroups();
        for (int l = 0; l < levels; l++) {
            int c = cfg.channels(l);
            int cIn = (l == 0 ? inChannels : c) + encExtra[l];
            enc[l] = child("enc" + (l + 1), new Blocks.Encoder(be, rng, cIn, c,
                    ModelConfig.ENCODER_CONVS[l], cfg.kernels(), g));
            if (l < levels - 1) {
                down[l] = child("down" + (l + 1), new Sequential(
                        new Conv3d(be, rng, c, 2 * c, new int[] {2, 2, 2}, new int[] {2, 2, 2},
                                new int[3], true),
                        new PReLU(be, 2 * c)));
            }
        }
        for (int l = levels - 2; l >= 0; l--) {
            int c = cfg.channels(l);
            up[l] = child("up" + (l + 1), new Sequential(
                    new ConvTranspose3d(be, rng, 2 * c, c, new int[] {2, 2, 2},
                            new int[] {2, 2, 2}, new int[3]),
                    new GroupNorm(be, GroupNorm.groupsFor(c, g), c),
                    new PReLU(be, c)));
            dec[l] = child("dec" + (l + 1), new Blocks.Decoder(be, rng, 2 * c + decExtra[l], c,
                    ModelConfig.DECODER_CONVS[l], g));
        }
        head = child("head", new Conv3d(be, rng, cfg.channels(0), cfg.numClasses(),
                new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[3], true));
    }

    /**
     * @param x        input (N, inChannels, D, H, W); D, H, W multiples of 2^(levels-1)
     * @param encExtra per encoder level, the tensors to concatenate (may be empty)
     * @param decExtra per decoder level, the tensors to concatenate (may be empty)
     */
    public Output forward(Tensor x, Tensor[][] encExtra, Tensor[][] decExtra) {
        int levels = cfg.levels();
        Tensor[] encOut = new Tensor[levels];
        Tensor[] decOut = new Tensor[levels - 1];
        Tensor h = x;
        for (int l = 0; l < levels; l++) {
            encOut[l] = enc[l].forward(withExtras(h, encExtra[l]));
            if (l < levels - 1) {
                h = down[l].forward(encOut[l]);
            }
        }
        h = encOut[levels - 1];
        for (int l = levels - 2; l >= 0; l--) {
            Tensor u = up[l].forward(h);
            Tensor[] parts = new Tensor[2 + decExtra[l].length];
            parts[0] = u;
            parts[1] = encOut[l];
            System.arraycopy(decExtra[l], 0, parts, 2, decExtra[l].length);
            decOut[l] = dec[l].forward(Channels.concat(parts), u);
            h = decOut[l];
        }
        return new Output(head.forward(h), encOut, decOut);
    }

    private static Tensor withExtras(Tensor x, Tensor[] extras) {
        if (extras.length == 0) {
            return x;
        }
        Tensor[] parts = new Tensor[1 + extras.length];
        parts[0] = x;
        System.arraycopy(extras, 0, parts, 1, extras.length);
        return Channels.concat(parts);
    }
}
