package vox.train;

import java.util.List;
import java.util.SplittableRandom;
import vox.nn.Init;

/** A synthetic 3-class source for tests: two kinds of blobs in noise. */
final class BallsSource implements TrainingSource {
    private final int d;
    private final int h;
    private final int w;
    private final float nanAt;

    BallsSource(int d, int h, int w) {
        this(d, h, w, 0);
    }

    /** With {@code nanAt} != 0 every image holds a NaN, to test divergence handling. */
    BallsSource(int d, int h, int w, float nanAt) {
        this.d = d;
        this.h = h;
        this.w = w;
        this.nanAt = nanAt;
    }

    @Override
    public List<String> classNames() {
        return List.of("background", "bright", "dark");
    }

    @Override
    public Sample trainingBlock(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] img = new float[d * h * w];
        float[] lab = new float[d * h * w];
        for (int cls = 1; cls <= 2; cls++) {
            double cz = rng.nextDouble() * d;
            double cy = rng.nextDouble() * h;
            double cx = rng.nextDouble() * w;
            double r = 1.5 + rng.nextDouble() * 2;
            for (int z = 0; z < d; z++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        double dd = (z - cz) * (z - cz) + (y - cy) * (y - cy)
                                + (x - cx) * (x - cx);
                        if (dd <= r * r) {
                            lab[(z * h + y) * w + x] = cls;
                        }
                    }
                }
            }
        }
        for (int i = 0; i < img.length; i++) {
            float base = lab[i] == 1 ? 0.8f : lab[i] == 2 ? -0.8f : 0f;
            img[i] = (float) (base + 0.2 * Init.gaussian(rng));
        }
        if (nanAt != 0) {
            img[img.length / 2] = Float.NaN;
        }
        return new Sample("balls-" + seed, d, h, w, img, lab, new double[] {1, 1, 1});
    }

    @Override
    public List<Sample> validationCases() {
        return List.of(trainingBlock(-1), trainingBlock(-2));
    }

    @Override
    public InferenceSpec inferenceSpec() {
        return new InferenceSpec(classNames(), 1, 0, 0, d, "none");
    }

    @Override
    public String describe() {
        return "synthetic balls " + d + "x" + h + "x" + w;
    }
}
