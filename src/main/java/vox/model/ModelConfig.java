package vox.model;

/**
 * Shape of a cascaded V-Net.
 *
 * @param inChannels  image channels (1 for CT)
 * @param numClasses  output classes including background
 * @param width       channels at level 1; level l has width * 2^(l-1)
 * @param levels      resolution levels (5 in the method)
 * @param skips       block level skip mode
 * @param kernels     encoder kernel mode
 * @param maxGroups   group norm uses the largest group count up to this that divides C
 */
public record ModelConfig(int inChannels, int numClasses, int width, int levels,
                          SkipMode skips, KernelMode kernels, int maxGroups) {

    /** Convolutions per encoder block, level 1 first (the method's 1, 2, 3, 3, 3). */
    public static final int[] ENCODER_CONVS = {1, 2, 3, 3, 3};
    /** Convolutions per decoder block, level 1 first (the method's 1, 2, 3, 3 bottom-up). */
    public static final int[] DECODER_CONVS = {1, 2, 3, 3};

    public ModelConfig {
        if (inChannels <= 0 || numClasses < 2 || width <= 0 || maxGroups <= 0) {
            throw new IllegalArgumentException("model config: inChannels, width and maxGroups"
                    + " must be positive and numClasses >= 2; got in=" + inChannels
                    + " classes=" + numClasses + " width=" + width + " groups=" + maxGroups);
        }
        if (levels < 2 || levels > ENCODER_CONVS.length) {
            throw new IllegalArgumentException("model config: levels must be in [2, "
                    + ENCODER_CONVS.length + "], got " + levels);
        }
    }

    /** The method's configuration: 5 levels of 16 .. 256 channels. */
    public static ModelConfig paper(int numClasses, SkipMode skips, KernelMode kernels) {
        return new ModelConfig(1, numClasses, 16, 5, skips, kernels, 8);
    }

    public int channels(int level) {
        return width << level;
    }

    /** Input extents must be multiples of this (one halving per level below the first). */
    public int sizeMultiple() {
        return 1 << (levels - 1);
    }
}
