package vox.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vox.backend.Conv3dSpec;

/** The host-side planning of the conv kernels; needs no OpenCL device. */
class ClConvTest {

    private static Conv3dSpec spec(int kd, int kh, int kw, int sd, int sh, int sw) {
        return new Conv3dSpec(1, 4, 9, 9, 9, 4, kd, kh, kw, sd, sh, sw, 0, 0, 0);
    }

    @Test
    void variantsFixKernelAndStrideOfTheVNetShapes() {
        assertEquals("-DCONV_KD=3 -DCONV_KH=3 -DCONV_KW=3 -DCONV_SD=1 -DCONV_SH=1 -DCONV_SW=1",
                ClConv.variant(spec(3, 3, 3, 1, 1, 1)));
        assertEquals("-DCONV_KD=7 -DCONV_KH=1 -DCONV_KW=1 -DCONV_SD=1 -DCONV_SH=1 -DCONV_SW=1",
                ClConv.variant(spec(7, 1, 1, 1, 1, 1)));
        assertEquals("-DCONV_KD=1 -DCONV_KH=5 -DCONV_KW=1 -DCONV_SD=1 -DCONV_SH=1 -DCONV_SW=1",
                ClConv.variant(spec(1, 5, 1, 1, 1, 1)));
        assertEquals("-DCONV_KD=1 -DCONV_KH=1 -DCONV_KW=3 -DCONV_SD=1 -DCONV_SH=1 -DCONV_SW=1",
                ClConv.variant(spec(1, 1, 3, 1, 1, 1)));
        assertEquals("-DCONV_KD=2 -DCONV_KH=2 -DCONV_KW=2 -DCONV_SD=2 -DCONV_SH=2 -DCONV_SW=2",
                ClConv.variant(spec(2, 2, 2, 2, 2, 2)));
        assertEquals("-DCONV_KD=1 -DCONV_KH=1 -DCONV_KW=1 -DCONV_SD=1 -DCONV_SH=1 -DCONV_SW=1",
                ClConv.variant(spec(1, 1, 1, 1, 1, 1)));
    }

    @Test
    void otherGeometriesRunTheGenericKernel() {
        assertEquals("", ClConv.variant(spec(3, 3, 3, 2, 2, 2)));
        assertEquals("", ClConv.variant(spec(3, 2, 1, 1, 1, 1)));
        assertEquals("", ClConv.variant(spec(2, 2, 2, 1, 1, 1)));
        assertEquals("", ClConv.variant(spec(5, 1, 1, 2, 1, 1)));
    }

    @Test
    void backwardWeightSplitsStayWithinTheirBounds() {
        // Few voxels: one range.
        assertEquals(1, ClConv.splits(200, 4, 432));
        // A full-resolution layer: capped at 256 ranges.
        assertEquals(256, ClConv.splits(3_145_728, 4, 6912));
        // Many output tiles already fill the device.
        assertEquals(1, ClConv.splits(1_000_000, 2000, 1_000_000));
        // Partial sums stay within 2^24 floats.
        int s = ClConv.splits(10_000_000, 1, 1_769_472);
        assertTrue(s * 1_769_472L <= 1L << 24, "splits " + s);
    }
}
