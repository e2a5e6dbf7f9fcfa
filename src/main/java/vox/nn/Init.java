package vox.nn;

import java.util.SplittableRandom;

/** Weight initialisation on the host, deterministic from a generator. */
public final class Init {
    private Init() {
    }

    /**
     * He (Kaiming) normal values for a layer followed by a PReLU of initial
     * slope {@code slope}: standard deviation sqrt(2 / ((1 + slope^2) fanIn)).
     */
    public static float[] heNormal(int count, double fanIn, double slope, SplittableRandom rng) {
        if (fanIn <= 0) {
            throw new IllegalArgumentException("heNormal: fanIn must be positive, got " + fanIn);
        }
        double std = Math.sqrt(2.0 / ((1 + slope * slope) * fanIn));
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) (gaussian(rng) * std);
        }
        return out;
    }

    public static float[] constant(int count, float value) {
        float[] out = new float[count];
        java.util.Arrays.fill(out, value);
        return out;
    }

    /** A standard normal value (Box-Muller), reproducible on every JDK. */
    public static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
