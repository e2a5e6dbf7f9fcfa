package vox.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import vox.backend.Backend;
import vox.backend.BinaryOp;
import vox.backend.Backends;
import vox.backend.profile.OpContext;
import vox.tensor.GradNode;
import vox.tensor.Tensor;

/**
 * Reverse-mode differentiation over the graph that ops record.
 *
 * <p>{@link #backward(Tensor)} visits the ops that led to a scalar in
 * reverse topological order and accumulates each input's gradient in
 * {@link Tensor#grad()}. Leaves (tensors with {@code requiresGrad} and no
 * producing op, such as parameters) keep their gradient; the gradients of
 * intermediate tensors are freed as soon as they have been propagated.
 */
public final class Autograd {

    private Autograd() {
    }

    /**
     * Attaches a backward rule to {@code out} when recording is on and some
     * input needs a gradient. {@code backward} maps dOut to one gradient per
     * input (null where none is needed). Returns {@code out}.
     */
    public static Tensor record(String op, Tensor out, Tensor[] inputs,
                                java.util.function.Function<Tensor, Tensor[]> backward) {
        if (Grad.anomalyDetection()) {
            checkFinite(op, "output", out);
        }
        if (!Grad.isEnabled()) {
            return out;
        }
        boolean any = false;
        for (Tensor t : inputs) {
            any |= t != null && t.requiresGrad();
        }
        if (!any) {
            return out;
        }
        out.requiresGrad(true);
        out.setGradNode(new Node(op, inputs, backward));
        return out;
    }

    /** Backpropagates from a one-element tensor, seeding its gradient with 1. */
    public static void backward(Tensor loss) {
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("backward() needs a scalar loss, got "
                    + loss.describe());
        }
        Backend be = Backends.of(loss);
        backward(loss, () -> be.fromArray(loss.shape(), new float[] {1f}));
    }

    /** Backpropagates from {@code root} with the given initial gradient. */
    public static void backward(Tensor root, Supplier<Tensor> seed) {
        if (!root.requiresGrad()) {
            throw new IllegalArgumentException("backward(): " + root.describe()
                    + " does not depend on any tensor that requires a gradient");
        }
        List<Tensor> order = topologicalOrder(root);
        OpContext.enter(OpContext.ACCUMULATE); // the seed; cleared at the end
        accumulate(root, seed.get());
        try (var off = Grad.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                GradNode node = t.gradNode();
                Tensor dOut = t.grad();
                if (node == null || dOut == null) {
                    continue;
                }
                Tensor[] inputs = node.inputs();
                Tensor[] grads;
                Object label = OpContext.enterBackward(node.opName());
                try {
                    grads = node.backward(dOut);
                } finally {
                    OpContext.exit(label);
                }
                Object accumulating = OpContext.enter(OpContext.ACCUMULATE);
                Map<Tensor, Boolean> given = new IdentityHashMap<>();
                for (int j = 0; j < inputs.length; j++) {
                    Tensor in = inputs[j];
                    if (in == null || !in.requiresGrad() || grads[j] == null) {
                        grads[j] = null;
                        continue;
                    }
                    if (given.containsKey(grads[j])) {
                        // One tensor must not become the gradient of two inputs.
                        Tensor copy = Backends.of(grads[j]).empty(grads[j].shape());
                        Backends.of(grads[j]).copy(grads[j], copy);
                        grads[j] = copy;
                    }
                    given.put(grads[j], Boolean.TRUE);
                }
                for (int j = 0; j < inputs.length; j++) {
                    if (grads[j] == null) {
                        continue;
                    }
                    if (Grad.anomalyDetection()) {
                        checkFinite(node.opName(), "gradient of input " + j, grads[j]);
                    }
                    accumulate(inputs[j], grads[j]);
                }
                OpContext.exit(accumulating);
                // An intermediate's gradient is not needed once propagated.
                t.setGrad(null);
                if (!dOut.isClosed() && !isInput(dOut, grads)) {
                    dOut.close();
                }
                t.setGradNode(null);
            }
        } finally {
            OpContext.clear();
        }
    }

    private static boolean isInput(Tensor t, Tensor[] grads) {
        for (Tensor g : grads) {
            if (g == t) {
                return true;
            }
        }
        return false;
    }

    private static void accumulate(Tensor t, Tensor g) {
        Tensor prev = t.grad();
        if (prev == null) {
            t.setGrad(g);
            return;
        }
        Backend be = Backends.of(t);
        if (!g.device().equals(prev.device())) {
            throw new IllegalArgumentException("gradient of " + t.describe() + " arrived on "
                    + g.device() + " but the tensor lives on " + prev.device());
        }
        be.binary(BinaryOp.ADD, prev, g, prev);
        g.close();
    }

    /** Tensors reachable from root, each after all of its inputs. */
    static List<Tensor> topologicalOrder(Tensor root) {
        Map<Tensor, Boolean> done = new IdentityHashMap<>();
        List<Tensor> order = new ArrayList<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, Boolean.FALSE});
        while (!stack.isEmpty()) {
            Object[] top = stack.pop();
            Tensor t = (Tensor) top[0];
            if ((Boolean) top[1]) {
                order.add(t);
                continue;
            }
            if (done.containsKey(t)) {
                continue;
            }
            done.put(t, Boolean.TRUE);
            stack.push(new Object[] {t, Boolean.TRUE});
            GradNode node = t.gradNode();
            if (node != null) {
                Tensor[] in = node.inputs();
                for (int i = in.length - 1; i >= 0; i--) {
                    if (in[i] != null && in[i].requiresGrad() && !done.containsKey(in[i])) {
                        stack.push(new Object[] {in[i], Boolean.FALSE});
                    }
                }
            }
        }
        return Collections.unmodifiableList(order);
    }

    /** Throws {@link NonFiniteException} if {@code t} holds a NaN or infinity. */
    public static void checkFinite(String op, String what, Tensor t) {
        float[] a = t.toArray();
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw new NonFiniteException(op, what + " " + t.describe() + " holds "
                        + a[i] + " at element " + i);
            }
        }
    }

    private record Node(String opName, Tensor[] inputs,
                        java.util.function.Function<Tensor, Tensor[]> rule) implements GradNode {
        @Override
        public Tensor[] backward(Tensor dOut) {
            Tensor[] g = rule.apply(dOut);
            if (g.length != inputs.length) {
                throw new IllegalStateException("op " + opName + " returned " + g.length
                        + " gradients for " + inputs.length + " inputs");
            }
            return g;
        }
    }
}
