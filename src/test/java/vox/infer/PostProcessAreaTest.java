package vox.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The aorta's minimum component size is an area: 150 mm^2 on any pixel size. */
class PostProcessAreaTest {
    private static final int N = 20;

    private static float[] slice(int... rects) {
        float[] v = new float[N * N];
        for (int r = 0; r < rects.length; r += 4) {
            for (int y = rects[r + 1]; y < rects[r + 1] + rects[r + 3]; y++) {
                for (int x = rects[r]; x < rects[r] + rects[r + 2]; x++) {
                    v[y * N + x] = 4;
                }
            }
        }
        return v;
    }

    @Test
    void onePixelPerSquareMillimetreIsTheMethodsRule() {
        assertEquals(PostProcess.thorax(), PostProcess.thorax(1.0));
    }

    @Test
    void coarsePixelsKeepAnAortaOverOneHundredFiftySquareMillimetres() {
        // 3 x 3 mm pixels: 150 mm^2 is 16.7 pixels; pieces must be over 17.
        float[] in = slice(0, 0, 6, 3, 10, 0, 4, 4, 0, 10, 4, 5);   // 18, 16 and 20 pixels
        float[] want = slice(0, 0, 6, 3, 0, 10, 4, 5);
        PostProcess.apply(in, N, N, 1, PostProcess.thorax(9.0));
        assertArrayEquals(want, in);
        float[] small = slice(0, 0, 4, 4);
        PostProcess.apply(small, N, N, 1, PostProcess.thorax(9.0));
        assertArrayEquals(new float[N * N], small, "16 pixels = 144 mm^2 is dropped");
    }
}
