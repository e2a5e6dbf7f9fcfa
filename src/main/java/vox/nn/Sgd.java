package vox.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import vox.backend.Backend;
import vox.tensor.Tensor;

/** Stochastic gradient descent with momentum and optional L2 weight decay. */
public final class Sgd extends Optimizer {
    private final float momentum;
    private final float weightDecay;
    private final Map<String, Tensor> buf = new LinkedHashMap<>();

    public Sgd(Map<String, Parameter> params, float lr, float momentum, float weightDecay) {
        super(params, lr);
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("SGD momentum must be in [0, 1), got " + momentum);
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        for (var e : params.entrySet()) {
            buf.put(e.getKey(), zerosLike(e.getValue().value()));
        }
    }

    @Override
    protected void update(String name, Tensor p, Tensor g, Backend be) {
        be.sgdStep(p, g, buf.get(name), lr, momentum, weightDecay);
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        buf.forEach((k, t) -> out.put("sgd.momentum." + k, t));
        return out;
    }
}
