package vox.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import vox.tensor.Tensor;

/**
 * A building block with named parameters and named sub-modules. The dotted
 * path of a parameter ("stage1.enc2.conv0.weight") is its name in
 * checkpoints.
 */
public abstract class Module {
    private final Map<String, Parameter> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    protected final Parameter param(String name, Tensor value) {
        if (params.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name '" + name + "' in "
                    + getClass().getSimpleName());
        }
        Parameter p = new Parameter(name, value);
        params.put(name, p);
        return p;
    }

    protected final <M extends Module> M child(String name, M module) {
        if (params.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name '" + name + "' in "
                    + getClass().getSimpleName());
        }
        children.put(name, module);
        return module;
    }

    /** Every parameter of this module and its descendants, by dotted path, in a fixed order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        for (var e : params.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (var e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out);
        }
    }

    public final List<Parameter> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Number of trainable scalars. */
    public final long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.value().numel();
        }
        return n;
    }

    /** Drops every parameter's gradient (the memory goes back to its backend). */
    public final void zeroGrad() {
        for (Parameter p : parameters()) {
            Tensor g = p.value().grad();
            if (g != null) {
                p.value().setGrad(null);
                g.close();
            }
        }
    }
}
