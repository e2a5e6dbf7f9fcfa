package vox.bench;

import vox.autograd.Autograd;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.profile.Profile;
import vox.backend.profile.Profiler;
import vox.data.phantom.PhantomConfig;
import vox.model.CascadedVNet;
import vox.model.KernelMode;
import vox.model.ModelConfig;
import vox.model.SkipMode;
import vox.nn.Adam;
import vox.ops.Arith;
import vox.ops.Loss;
import vox.tensor.Shape;
import vox.tensor.Tensor;
import vox.tensor.TensorScope;
import vox.train.PhantomSource;
import vox.train.Sample;

/**
 * One training step of the phantom cascade, as {@code vox train} runs it,
 * ready to repeat for timing: a Mixed R-BLSC cascade (5 classes), one
 * phantom block of batch 1, forward, the soft-Dice loss of both stages,
 * backward and an Adam update. {@code vox bench} and the JMH
 * {@code TrainStepBench} both time it.
 *
 * <p>{@link #count()} runs one step under the kernel profiler and keeps
 * the FLOPs and bytes of all its launches (the step's work as the
 * profiler's cost model counts it); later steps run unprofiled.
 */
public final class TrainStep {
    private final Backend be;
    private final CascadedVNet model;
    private final Adam adam;
    private final Sample sample;
    private final int classes;
    private double flops = Double.NaN;
    private double bytes = Double.NaN;

    /**
     * @param be     backend to train on
     * @param width  channels at level 1
     * @param levels levels of each V-Net, 2 to 5
     * @param block  phantom block (W, H, D), each a multiple of 2^(levels - 1)
     */
    public TrainStep(Backend be, int width, int levels, int[] block) {
        this.be = be;
        ModelConfig m = new ModelConfig(1, 5, width, levels, SkipMode.R_BLSC,
                KernelMode.MIXED, 4);
        PhantomSource src = new PhantomSource(PhantomConfig.of(block[0], block[1], block[2],
                new double[] {3.0, 3.0, 4.0}), 1, 1, 1);
        sample = src.trainingBlock(0);
        model = new CascadedVNet(be, m, 1);
        adam = new Adam(model.namedParameters(), 1e-4f);
        classes = m.numClasses();
    }

    /** Runs one step and waits for the backend to finish it. */
    public void run() {
        run(be);
    }

    private void run(Backend on) {
        try (TensorScope scope = TensorScope.open()) {
            Shape shape = Shape.of(1, 1, sample.d(), sample.h(), sample.w());
            Tensor x = on.fromArray(shape, sample.image());
            Tensor label = on.fromArray(shape.with(1, classes),
                    Loss.oneHot(sample.labels(), classes, sample.id()));
            CascadedVNet.Output o = model.forward(x);
            Tensor l1 = Loss.softDice(o.stage1(), label, false, Loss.DICE_EPS);
            Tensor l2 = Loss.softDice(o.stage2(), label, false, Loss.DICE_EPS);
            Autograd.backward(Arith.scale(Arith.add(l1, l2), 0.5f));
            adam.step();
            adam.zeroGrad();
        }
        on.synchronize();
    }

    /**
     * Runs one step under the kernel profiler (which also makes it a
     * warm-up) and keeps its FLOPs and bytes; a profile session already
     * running is ended.
     */
    public TrainStep count() {
        Profile p = Profiler.start(0);
        try {
            run(Backends.of(be.device()));
        } finally {
            Profiler.stop();
        }
        double f = 0;
        double b = 0;
        for (Profile.Totals t : p.perOp()) {
            f += t.flops();
            b += t.bytes();
        }
        flops = f;
        bytes = b;
        return this;
    }

    /** FLOPs of one step, as {@link #count()} measured them (NaN before). */
    public double flops() {
        return flops;
    }

    /** Bytes of one step, as {@link #count()} measured them (NaN before). */
    public double bytes() {
        return bytes;
    }
}
