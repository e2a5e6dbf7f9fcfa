package vox.nn;

import java.util.ArrayList;
import java.util.List;
import vox.tensor.Tensor;

/** Layers applied one after another; children are named "0", "1", ... */
public final class Sequential extends Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential(Layer... layers) {
        for (Layer l : layers) {
            add(l);
        }
    }

    public Sequential add(Layer l) {
        layers.add(child(Integer.toString(layers.size()), l));
        return this;
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = x;
        for (Layer l : layers) {
            y = l.forward(y);
        }
        return y;
    }
}
