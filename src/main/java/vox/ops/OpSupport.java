package vox.ops;

import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.profile.OpContext;
import vox.tensor.Tensor;

/** Device checks shared by every op. */
final class OpSupport {
    private OpSupport() {
    }

    /**
     * The backend that owns all of {@code ts}; mixing devices is an error
     * naming both. Every op calls it first, so it also tells the profiler
     * which op the following launches belong to.
     */
    static Backend backend(String op, Tensor... ts) {
        OpContext.forward(op);
        Tensor first = null;
        for (Tensor t : ts) {
            if (t == null) {
                continue;
            }
            if (first == null) {
                first = t;
            } else if (!t.device().equals(first.device())) {
                throw new IllegalArgumentException(op + ": tensors live on different devices: "
                        + first.describe() + " and " + t.describe()
                        + "; vox never copies between devices implicitly");
            }
        }
        if (first == null) {
            throw new IllegalArgumentException(op + ": no tensor given");
        }
        return Backends.of(first);
    }

    static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + a.describe()
                    + " vs " + b.describe());
        }
    }

    static void require5d(String op, String what, Tensor t) {
        if (!t.shape().is5d()) {
            throw new IllegalArgumentException(op + ": " + what
                    + " must be (N, C, D, H, W), got " + t.describe());
        }
    }

    static int[] triple(String op, String what, int... v) {
        if (v.length == 1) {
            return new int[] {v[0], v[0], v[0]};
        }
        if (v.length != 3) {
            throw new IllegalArgumentException(op + ": " + what
                    + " needs 1 or 3 values (D, H, W), got " + v.length);
        }
        return v.clone();
    }
}
