package vox.bench;

import vox.backend.Conv3dSpec;

/**
 * The convolutions of a V-Net on one 256x256x48 training block, and small
 * crops of each (same channels and kernel, extents divided by four along
 * the large axes) that run in a fraction of a second.
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

    L1_3x3x3_SMALL(    16,  16, 12,  64,  64, 3, 3, 3, 1, 1, 1, 1),
    L2_3x3x3_SMALL(    32,  32,  6,  32,  32, 3, 3, 3, 1, 1, 1, 1),
    L3_3x3x3_SMALL(    64,  64, 12,  16,  16, 3, 3, 3, 1, 1, 1, 1),
    L4_3x3x3_SMALL(   128, 128,  6,   8,  16, 3, 3, 3, 1, 1, 1, 1),
    L3_7x1x1_SMALL(    64,  64, 12,  16,  16, 7, 1, 1, 1, 3, 0, 0),
    L3_1x7x1_SMALL(    64,  64, 12,  16,  16, 1, 7, 1, 1, 0, 3, 0),
    L3_1x1x7_SMALL(    64,  64, 12,  16,  16, 1, 1, 7, 1, 0, 0, 3),
    DOWN_2x2x2_SMALL(  16,  32, 12,  64,  64, 2, 2, 2, 2, 0, 0, 0);

    private final Conv3dSpec spec;

    ConvShape(int c, int k, int d, int h, int w, int kd, int kh, int kw,
              int stride, int padD, int padH, int padW) {
        spec = new Conv3dSpec(1, c, d, h, w, k, kd, kh, kw, stride, stride, stride,
                padD, padH, padW);
    }

    public Conv3dSpec spec() {
        return spec;
    }
}
