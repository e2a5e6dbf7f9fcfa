package vox.bench;

import vox.backend.Conv3dSpec;

/**
 * The convolutions of a V-Net on one 256x256x48 training block, and small
 * crops of each (same channels and kernel, extents divided by four along
 * the large axes) that run in a fraction of a second.
 *
 * <p>The UP shapes are the decoder's 2x2x2 stride-2 transposed
 * convolutions (32 -> 16 channels, 24x128x128 -> 48x256x256). Their spec
 * is that of the matching down convolution, whose adjoint they are:
 * {@link vox.ops.Conv#convTranspose3d} runs backward-data for the
 * forward, forward for the backward-data, and backward-weight on the
 * same shapes with the roles of data and gradient exchanged.
 */
public enum ConvShape {
    // name            C    K    D    H    W   kernel   stride pad
    L1_3x3x3(          16,  16, 48, 256, 256, 3, 3, 3, 1, 1, 1, 1),
    L2_3x3x3(          32,  32, 24, 128, 128, 3, 3, 3, 1, 1, 1, 1),
    L3_3x3x3(          64,  64, 12,  64,  64, 3, 3, 3, 1, 1, 1, 1),
    L4_3x3x3(         128, 128,  6,  32,  32, 3, 3, 3, 1, 1, 1, 1),
    L3_7x1x1(          64,  64, 12,  64,  64, 7, 1, 1, 1, 3, 0, 0),
    L3_1x7x1(          64,  64, 12,  64,  64, 1, 7, 1, 1, 0, 3, 0),
    L3_1x1x7(          64,  64, 12,  64,  64, 1, 1, 7, 1, 0, 0, 3),
    DOWN_2x2x2(        16,  32, 48, 256, 256, 2, 2, 2, 2, 0, 0, 0),
    UP_2x2x2(          16,  32, 48, 256, 256, 2, 2, 2, 2, 0, 0, 0, true),

    L1_3x3x3_SMALL(    16,  16, 12,  64,  64, 3, 3, 3, 1, 1, 1, 1),
    L2_3x3x3_SMALL(    32,  32,  6,  32,  32, 3, 3, 3, 1, 1, 1, 1),
    L3_3x3x3_SMALL(    64,  64, 12,  16,  16, 3, 3, 3, 1, 1, 1, 1),
    L4_3x3x3_SMALL(   128, 128,  6,   8,  16, 3, 3, 3, 1, 1, 1, 1),
    L3_7x1x1_SMALL(    64,  64, 12,  16,  16, 7, 1, 1, 1, 3, 0, 0),
    L3_1x7x1_SMALL(    64,  64, 12,  16,  16, 1, 7, 1, 1, 0, 3, 0),
    L3_1x1x7_SMALL(    64,  64, 12,  16,  16, 1, 1, 7, 1, 0, 0, 3),
    DOWN_2x2x2_SMALL(  16,  32, 12,  64,  64, 2, 2, 2, 2, 0, 0, 0),
    UP_2x2x2_SMALL(    16,  32, 12,  64,  64, 2, 2, 2, 2, 0, 0, 0, true);

    private final Conv3dSpec spec;
    private final boolean transposed;

    ConvShape(int c, int k, int d, int h, int w, int kd, int kh, int kw,
              int stride, int padD, int padH, int padW) {
        this(c, k, d, h, w, kd, kh, kw, stride, padD, padH, padW, false);
    }

    ConvShape(int c, int k, int d, int h, int w, int kd, int kh, int kw,
              int stride, int padD, int padH, int padW, boolean transposed) {
        spec = new Conv3dSpec(1, c, d, h, w, k, kd, kh, kw, stride, stride, stride,
                padD, padH, padW);
        this.transposed = transposed;
    }

    /** The convolution; for a transposed shape, the one it is the adjoint of. */
    public Conv3dSpec spec() {
        return spec;
    }

    /** Whether this is a transposed convolution (the spec's adjoint). */
    public boolean transposed() {
        return transposed;
    }
}
