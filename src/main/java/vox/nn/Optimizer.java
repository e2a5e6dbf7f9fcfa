package vox.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.tensor.Tensor;

/**
 * Updates parameters in place from their gradients. Its state (moment
 * buffers, step count) can be read and restored for checkpoints.
 */
public abstract class Optimizer {
    protected final Map<String, Parameter> params;
    protected float lr;
    protected int step;

    protected Optimizer(Map<String, Parameter> params, float lr) {
        if (!(lr > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        this.params = new LinkedHashMap<>(params);
        this.lr = lr;
    }

    /** Applies one update to every parameter that has a gradient. */
    public final void step() {
        step++;
        for (var e : params.entrySet()) {
            Tensor p = e.getValue().value();
            Tensor g = p.grad();
            if (g != null) {
                update(e.getKey(), p, g, Backends.of(p));
            }
        }
    }

    protected abstract void update(String name, Tensor p, Tensor g, Backend be);

    /** Drops all gradients. */
    public final void zeroGrad() {
        for (Parameter p : params.values()) {
            Tensor g = p.value().grad();
            if (g != null) {
                p.value().setGrad(null);
                g.close();
            }
        }
    }

    public final float learningRate() {
        return lr;
    }

    public final void setLearningRate(float lr) {
        this.lr = lr;
    }

    /** Number of updates applied so far. */
    public final int stepCount() {
        return step;
    }

    public final void setStepCount(int step) {
        this.step = step;
    }

    /** Named state buffers (e.g. "adam.m.stage1.conv.weight"), live: restore by copying in. */
    public abstract Map<String, Tensor> state();

    protected static Tensor zerosLike(Tensor p) {
        return Backends.of(p).zeros(p.shape());
    }

    protected List<String> names() {
        return List.copyOf(params.keySet());
    }
}
