package vox.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.model.CascadedVNet;
import vox.model.KernelMode;
import vox.model.ModelConfig;
import vox.model.SkipMode;
import vox.tensor.Shape;

class BlockInferenceTest {
    private final Backend be = Backends.cpu();
    private final CascadedVNet model = new CascadedVNet(be,
            new ModelConfig(1, 3, 4, 2, SkipMode.R_BLSC, KernelMode.MIXED, 2), 3);

    private static float[] image(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    @Test
    void oneBlockVolumeMatchesTheModelsOwnPrediction() {
        float[] img = image(4 * 6 * 8, 1);
        float[] direct = model.predictLabels(be.fromArray(Shape.of(1, 1, 4, 6, 8), img));
        BlockInference.Result r = new BlockInference(model, be, 4, 2, -1f).predict(img, 4, 6, 8);
        assertArrayEquals(direct, r.labels());
    }

    @Test
    void deepOddVolumeIsCoveredWithPadding() {
        int d = 11;
        int h = 5;
        int w = 7;
        float[] img = image(d * h * w, 2);
        BlockInference.Result r = new BlockInference(model, be, 4, 1, -1f).predict(img, d, h, w);
        assertEquals(d * h * w, r.labels().length);
        for (float v : r.labels()) {
            assertTrue(v == 0 || v == 1 || v == 2, "label " + v);
        }
        if (r.secondPassFrom() >= 0) {
            assertTrue(r.secondPassFrom() < r.secondPassTo() && r.secondPassTo() <= d);
        }
    }

    @Test
    void blockDepthMustSuitTheModel() {
        assertThrows(IllegalArgumentException.class, () -> new BlockInference(model, be, 3, 0,
                -1f));
    }
}
