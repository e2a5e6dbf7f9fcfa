package vox.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class PostProcessTest {
    private static final int NX = 40;
    private static final int NY = 30;

    /** Paints a w x h rectangle of {@code label} at (x0, y0) in slice z. */
    private static void rect(float[] v, int z, int x0, int y0, int w, int h, int label) {
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                v[(z * NY + y) * NX + x] = label;
            }
        }
    }

    @Test
    void thoraxRulesKeepWhatTheyPromise() {
        float[] in = new float[NX * NY * 2];
        // slice 0: esophagus pieces of 6 and 9 pixels; heart in one piece; trachea in two
        rect(in, 0, 1, 1, 2, 3, 1);
        rect(in, 0, 10, 1, 3, 3, 1);
        rect(in, 0, 20, 20, 5, 5, 2);
        rect(in, 0, 30, 1, 2, 2, 3);
        rect(in, 0, 35, 1, 2, 2, 3);
        // slice 1: aorta pieces of 200, 160 and 100 pixels, and one diagonal neighbour pair
        rect(in, 1, 0, 0, 20, 10, 4);
        rect(in, 1, 22, 0, 16, 10, 4);
        rect(in, 1, 0, 12, 10, 10, 4);
        rect(in, 1, 20, 25, 1, 1, 2);
        rect(in, 1, 21, 26, 2, 2, 2);

        float[] expected = new float[in.length];
        rect(expected, 0, 10, 1, 3, 3, 1);      // larger esophagus piece
        rect(expected, 0, 20, 20, 5, 5, 2);
        rect(expected, 0, 30, 1, 2, 2, 3);      // trachea untouched
        rect(expected, 0, 35, 1, 2, 2, 3);
        rect(expected, 1, 0, 0, 20, 10, 4);     // two aorta pieces over 150
        rect(expected, 1, 22, 0, 16, 10, 4);
        rect(expected, 1, 20, 25, 1, 1, 2);     // diagonal contact is one component
        rect(expected, 1, 21, 26, 2, 2, 2);

        PostProcess.apply(in, NX, NY, 2, PostProcess.thorax());
        assertArrayEquals(expected, in);
    }

    @Test
    void smallAortaPiecesAreAllDropped() {
        float[] in = new float[NX * NY];
        rect(in, 0, 0, 0, 10, 10, 4);
        PostProcess.apply(in, NX, NY, 1, PostProcess.thorax());
        assertArrayEquals(new float[NX * NY], in);
    }
}
