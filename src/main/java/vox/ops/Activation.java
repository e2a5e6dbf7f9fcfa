package vox.ops;

import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.BinaryOp;
import vox.backend.UnaryOp;
import vox.tensor.Tensor;

/** ReLU, PReLU, softmax over channels, exp and log. */
public final class Activation {
    private Activation() {
    }

    public static Tensor relu(Tensor x) {
        Backend be = OpSupport.backend("relu", x);
        Tensor y = be.empty(x.shape());
        be.unary(UnaryOp.RELU, x, y);

        return Autograd.record("relu", y, new Tensor[] {x}, dY -> {
            Tensor dX = be.empty(x.shape());
            be.binary(BinaryOp.RELU_BACKWARD, x, dY, dX);
            return new Tensor[] {dX};
        });
    }

    /** PReLU with one slope per channel: alpha has shape (C). */
    public static Tensor prelu(Tensor x, Tensor alpha) {
        Backend be = OpSupport.backend("prelu", x, alpha);
        Tensor y = be.empty(x.shape());
        be.preluForward(x, alpha, y);

        return Autograd.record("prelu", y, new Tensor[] {x, alpha}, dY -> {
            Tensor dX = be.empty(x.shape());
            Tensor dAlpha = be.empty(alpha.shape());
            be.preluBackward(x, alpha, dY, dX, dAlpha);
            return new Tensor[] {x.requiresGrad() ? dX : null,
                alpha.requiresGrad() ? dAlpha : null};
        });
    }

    /** Softmax over the channel dimension of x (N, C, ...). */
    public static Tensor softmaxChannels(Tensor x) {
        Backend be = OpSupport.backend("softmax", x);
        Tensor y = be.empty(x.shape());
        be.softmaxChannels(x, y);

        return Autograd.record("softmax", y, new Tensor[] {x}, dY -> {
            Tensor dX = be.empty(x.shape());
            be.softmaxChannelsBackward(y, dY, dX);
            return new Tensor[] {dX};
        });
    }

    /** Natural log, with inputs clamped below at 1e-30 so that log(0) stays finite. */
    public static Tensor log(Tensor x) {
        Backend be = OpSupport.backend("log", x);
        Tensor y = be.empty(x.shape());
        be.unary(UnaryOp.LOG, x, y);

        return Autograd.record("log", y, new Tensor[] {x}, dY -> {
            Tensor dX = be.empty(x.shape());
            be.binary(BinaryOp.LOG_BACKWARD, x, dY, dX);
            return new Tensor[] {dX};
        });
    }

    public static Tensor exp(Tensor x) {
        Backend be = OpSupport.backend("exp", x);
        Tensor y = be.empty(x.shape());
        be.unary(UnaryOp.EXP, x, y);

        return Autograd.record("exp", y, new Tensor[] {x}, dY -> {
            Tensor dX = be.empty(x.shape());
            be.binary(BinaryOp.MUL, y, dY, dX);
            return new Tensor[] {dX};
        });
    }
}
