package vox.ops;

import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.BinaryOp;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/** Elementwise arithmetic on tensors of one shape, and full reductions. */
public final class Arith {
    private Arith() {
    }

    public static Tensor add(Tensor a, Tensor b) {
        Backend be = OpSupport.backend("add", a, b);
        OpSupport.requireSameShape("add", a, b);
        Tensor y = be.empty(a.shape());
        be.binary(BinaryOp.ADD, a, b, y);

        return Autograd.record("add", y, new Tensor[] {a, b}, dY -> new Tensor[] {dY, dY});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Backend be = OpSupport.backend("sub", a, b);
        OpSupport.requireSameShape("sub", a, b);
        Tensor y = be.empty(a.shape());
        be.binary(BinaryOp.SUB, a, b, y);

        return Autograd.record("sub", y, new Tensor[] {a, b}, dY -> {
            Tensor dB = null;
            if (b.requiresGrad()) {
                dB = be.zeros(b.shape());
                be.axpby(-1f, dY, 0f, dB);
            }
            return new Tensor[] {dY, dB};
        });
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Backend be = OpSupport.backend("mul", a, b);
        OpSupport.requireSameShape("mul", a, b);
        Tensor y = be.empty(a.shape());
        be.binary(BinaryOp.MUL, a, b, y);

        return Autograd.record("mul", y, new Tensor[] {a, b}, dY -> {
            Tensor dA = null;
            Tensor dB = null;
            if (a.requiresGrad()) {
                dA = be.empty(a.shape());
                be.binary(BinaryOp.MUL, dY, b, dA);
            }
            if (b.requiresGrad()) {
                dB = be.empty(b.shape());
                be.binary(BinaryOp.MUL, dY, a, dB);
            }
            return new Tensor[] {dA, dB};
        });
    }

    /** y = s * x. */
    public static Tensor scale(Tensor x, float s) {
        Backend be = OpSupport.backend("scale", x);
        Tensor y = be.zeros(x.shape());
        be.axpby(s, x, 0f, y);

        return Autograd.record("scale", y, new Tensor[] {x}, dY -> {
            Tensor dX = be.zeros(x.shape());
            be.axpby(s, dY, 0f, dX);
            return new Tensor[] {dX};
        });
    }

    /** Sum of all elements, as a (1) tensor. */
    public static Tensor sum(Tensor x) {
        Backend be = OpSupport.backend("sum", x);
        Tensor y = be.empty(Shape.of(1));
        be.sum(x, y);

        return Autograd.record("sum", y, new Tensor[] {x}, dY -> {
            Tensor dX = be.empty(x.shape());
            be.fill(dX, dY.item());
            return new Tensor[] {dX};
        });
    }

    /** Mean of all elements, as a (1) tensor. */
    public static Tensor mean(Tensor x) {
        return scale(sum(x), (float) (1.0 / x.numel()));
    }
}
