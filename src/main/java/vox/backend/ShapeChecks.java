package vox.backend;

import vox.tensor.Shape;
import vox.tensor.Tensor;

/** The argument checks that every backend makes before a launch. */
public final class ShapeChecks {
    private ShapeChecks() {
    }

    public static void requireShape(String what, Tensor t, Shape expected) {
        if (!t.shape().equals(expected)) {
            throw new IllegalArgumentException(what + ": expected shape " + expected
                    + ", got " + t.describe());
        }
    }

    public static void requireSameShape(String op, Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + a.describe()
                    + " vs " + b.describe());
        }
    }

    public static void requireSameCount(String op, Tensor a, Tensor b) {
        if (a.numel() != b.numel()) {
            throw new IllegalArgumentException(op + ": element counts differ: "
                    + a.describe() + " vs " + b.describe());
        }
    }

    /** x, w and y have the shapes that {@code spec} describes. */
    public static void checkConv(String op, Tensor x, Tensor w, Tensor y, Conv3dSpec spec) {
        requireShape(op + " input", x, spec.inputShape());
        requireShape(op + " weight", w, spec.weightShape());
        requireShape(op + " output", y, spec.outputShape());
    }
}
