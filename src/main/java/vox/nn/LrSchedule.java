package vox.nn;

/** Learning rate as a function of the (1-based) step. */
@FunctionalInterface
public interface LrSchedule {

    float at(int step, int totalSteps);

    static LrSchedule constant(float lr) {
        return (s, t) -> lr;
    }

    /** Linear warm-up over {@code warmup} steps, then cosine decay to {@code floor * lr}. */
    static LrSchedule warmupCosine(float lr, int warmup, float floor) {
        return (s, t) -> {
            if (s <= warmup) {
                return lr * s / Math.max(1, warmup);
            }
            double progress = (double) (s - warmup) / Math.max(1, t - warmup);
            double cos = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
            return (float) (lr * (floor + (1 - floor) * cos));
        };
    }

    /** Multiplies the rate by {@code gamma} every {@code every} steps. */
    static LrSchedule stepDecay(float lr, int every, float gamma) {
        return (s, t) -> (float) (lr * Math.pow(gamma, (s - 1) / Math.max(1, every)));
    }
}
