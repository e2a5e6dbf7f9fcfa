package vox.train;

import com.google.gson.GsonBuilder;
import vox.model.ModelConfig;

/**
 * Everything that determines a training run. Two runs with equal configs
 * and seeds produce the same weights on the same backend.
 *
 * @param model            network shape
 * @param steps            optimizer steps in all
 * @param learningRate     peak Adam learning rate (warm-up, then cosine decay)
 * @param warmupSteps      linear warm-up length
 * @param seed             seeds initialisation and the choice of every training block
 * @param validateEvery    steps between validations (and checkpoints)
 * @param includeBackground whether the Dice loss averages over class 0 too
 * @param diceEps          smoothing term of the Dice loss
 * @param device           backend spec: auto, cpu, opencl, cuda
 */
public record TrainConfig(ModelConfig model, int steps, float learningRate, int warmupSteps,
                          long seed, int validateEvery, boolean includeBackground,
                          float diceEps, String device) {

    public TrainConfig {
        if (steps <= 0 || validateEvery <= 0 || warmupSteps < 0) {
            throw new IllegalArgumentException("train config: steps and validateEvery must be"
                    + " positive and warmupSteps >= 0; got steps=" + steps + " validateEvery="
                    + validateEvery + " warmupSteps=" + warmupSteps);
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("train config: learning rate must be positive,"
                    + " got " + learningRate);
        }
    }

    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().create().toJson(this);
    }

    public static TrainConfig fromJson(String json) {
        return new GsonBuilder().create().fromJson(json, TrainConfig.class);
    }
}
