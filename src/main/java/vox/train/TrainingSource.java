package vox.train;

import java.util.List;

/** Where training blocks and validation cases come from. */
public interface TrainingSource {

    /** Class names, index 0 being background. */
    List<String> classNames();

    /** A training block, a pure function of {@code seed} (so that resumed runs match). */
    Sample trainingBlock(long seed);

    /** Held-out cases, each a block the model can take whole. */
    List<Sample> validationCases();

    /** One line for the start-up table. */
    String describe();

    /**
     * How inference must prepare an image for a model trained on this
     * source, stored in checkpoints (keys of {@link InferenceSpec}).
     */
    InferenceSpec inferenceSpec();

    /** Further checkpoint metadata (keys "vox.*"); none by default. */
    default java.util.Map<String, String> metadata() {
        return java.util.Map.of();
    }
}
