package vox.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import vox.nn.Module;
import vox.nn.Optimizer;
import vox.tensor.Tensor;

/**
 * Saves and restores everything a run needs to continue bit for bit: the
 * model's parameters (by dotted path), the optimizer's state buffers and
 * step count, and the training step, in one safetensors file.
 */
public final class Checkpoint {
    public static final String STEP = "vox.step";
    public static final String OPT_STEP = "vox.optimizer_step";
    public static final String CONFIG = "vox.config";

    private Checkpoint() {
    }

    public static void save(Path file, Module model, Optimizer opt, int step,
                            Map<String, String> extraMeta) throws IOException {
        Map<String, SafeTensors.Entry> out = new LinkedHashMap<>();
        for (var e : model.namedParameters().entrySet()) {
            out.put(e.getKey(), entry(e.getValue().value()));
        }
        if (opt != null) {
            for (var e : opt.state().entrySet()) {
                out.put(e.getKey(), entry(e.getValue()));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>(extraMeta);
        meta.put(STEP, Integer.toString(step));
        meta.put(OPT_STEP, Integer.toString(opt == null ? 0 : opt.stepCount()));
        SafeTensors.write(file, out, meta);
    }

    private static SafeTensors.Entry entry(Tensor t) {
        return new SafeTensors.Entry(t.shape().dims(), t.toArray());
    }

    /**
     * Loads parameters (and, when {@code opt} is given, its state) from
     * {@code file}; returns the file's metadata. Every parameter of the model
     * must be present with its shape.
     */
    public static Map<String, String> load(Path file, Module model, Optimizer opt)
            throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        for (var e : model.namedParameters().entrySet()) {
            restore(file, e.getKey(), c, e.getValue().value());
        }
        if (opt != null) {
            for (var e : opt.state().entrySet()) {
                restore(file, e.getKey(), c, e.getValue());
            }
            String s = c.metadata().get(OPT_STEP);
            opt.setStepCount(s == null ? 0 : Integer.parseInt(s));
        }
        return c.metadata();
    }

    private static void restore(Path file, String name, SafeTensors.Contents c, Tensor into)
            throws IOException {
        SafeTensors.Entry e = c.tensors().get(name);
        if (e == null) {
            throw new IOException(file + ": no tensor '" + name
                    + "'; was it written by a model of another configuration?");
        }
        if (!java.util.Arrays.equals(e.shape(), into.shape().dims())) {
            throw new IOException(file + ": tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(e.shape()) + ", the model expects "
                    + into.shape());
        }
        into.storage().write(e.data());
    }
}
