package vox.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Frees the device memory of every tensor created while it is open, except
 * those {@linkplain #keep kept}. A training step opens one, so that the
 * activations and gradients of a step return to the allocator's pool at its
 * end instead of waiting for the garbage collector. Scopes nest per thread.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<Deque<TensorScope>> OPEN =
            ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Tensor> owned = new ArrayList<>();
    private boolean closed;

    private TensorScope() {
    }

    public static TensorScope open() {
        TensorScope s = new TensorScope();
        OPEN.get().push(s);
        return s;
    }

    static void register(Tensor t) {
        TensorScope s = OPEN.get().peek();
        if (s != null) {
            s.owned.add(t);
        }
    }

    /** Removes {@code t} from this scope so that it survives {@link #close}. */
    public Tensor keep(Tensor t) {
        owned.remove(t);
        TensorScope outer = null;
        var it = OPEN.get().iterator();
        while (it.hasNext()) {
            if (it.next() == this && it.hasNext()) {
                outer = it.next();
                break;
            }
        }
        if (outer != null) {
            outer.owned.add(t);
        }
        return t;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Deque<TensorScope> stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("tensor scopes must close in reverse order of opening");
        }
        stack.pop();
        for (Tensor t : owned) {
            t.close();
        }
        owned.clear();
    }
}
