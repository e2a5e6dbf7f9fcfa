package vox.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import vox.backend.Backend;
import vox.tensor.Tensor;

/** Adam with bias correction and optional L2 weight decay. */
public final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private final Map<String, Tensor> m = new LinkedHashMap<>();
    private final Map<String, Tensor> v = new LinkedHashMap<>();

    public Adam(Map<String, Parameter> params, float lr) {
        this(params, lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    public Adam(Map<String, Parameter> params, float lr, float beta1, float beta2, float eps,
                float weightDecay) {
        super(params, lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (var e : params.entrySet()) {
            m.put(e.getKey(), zerosLike(e.getValue().value()));
            v.put(e.getKey(), zerosLike(e.getValue().value()));
        }
    }

    @Override
    protected void update(String name, Tensor p, Tensor g, Backend be) {
        be.adamStep(p, g, m.get(name), v.get(name), lr, beta1, beta2, eps, weightDecay, step);
    }

    @Override
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, t) -> out.put("adam.m." + k, t));
        v.forEach((k, t) -> out.put("adam.v." + k, t));
        return out;
    }
}
