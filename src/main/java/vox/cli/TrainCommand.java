package vox.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vox.model.KernelMode;
import vox.model.ModelConfig;
import vox.model.SkipMode;
import vox.train.TrainConfig;
import vox.train.Sources;
import vox.train.Trainer;
import vox.train.TrainingSource;

/**
 * {@code vox train}: with no arguments, a small Mixed R-BLSC cascade on the
 * built-in thorax phantom, on the CPU, in a few minutes.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a cascaded V-Net (default: small Mixed R-BLSC on the phantom).")
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "mixed-r-blsc",
            description = "Preset: baseline, r-blsc, d-blsc, mixed-r-blsc, mixed-d-blsc"
                    + " (--skips and --kernels override it). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--skips", description = "Block level skips: BASELINE, R_BLSC, D_BLSC.")
    SkipMode skips;

    @Option(names = "--kernels", description = "Encoder kernels: SMALL, LARGE, MIXED.")
    KernelMode kernels;

    @Option(names = "--width", defaultValue = "8",
            description = "Channels at level 1 (the method uses 16). Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--levels", defaultValue = "4",
            description = "Resolution levels, 2 to 5 (the method uses 5)."
                    + " Default: ${DEFAULT-VALUE}.")
    int levels;

    @Option(names = "--steps", defaultValue = "400", description = "Optimizer steps.")
    int steps;

    @Option(names = "--lr", defaultValue = "0.003", description = "Peak learning rate.")
    float lr;

    @Option(names = "--device", defaultValue = "cpu",
            description = "auto, cpu, opencl, cuda (optionally KIND:INDEX).")
    String device;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the whole run.")
    long seed;

    @Option(names = "--validate-every", defaultValue = "100",
            description = "Steps between validations and checkpoints.")
    int validateEvery;

    @Option(names = "--out", description = "Run folder (default: runs/<time>-<model>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;

    @Option(names = "--stop-after", description = "Stop after this step (resume later).")
    Integer stopAfter;

    @Option(names = "--include-background", negatable = true, defaultValue = "true",
            fallbackValue = "true", description = "Average the Dice loss over class 0 too"
                    + " (default; --no-include-background averages over organs only).")
    boolean includeBackground;

    @Option(names = "--dataset", defaultValue = "phantom",
            description = "phantom, segthor, btcv or pairs. Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--data", description = "Dataset folder (for segthor, btcv, pairs).")
    Path data;

    @Option(names = "--fold", defaultValue = "0", description = "Validation fold (real data).")
    int fold;

    @Option(names = "--organs", split = ",",
            description = "Organ names in label order (--dataset pairs).")
    java.util.List<String> organs;

    @Option(names = "--clip", description = "HU window k: clip to [-k, k] (default per dataset).")
    Double clip;

    @Option(names = "--slice-spacing",
            description = "Resample slices to this spacing in mm (default per dataset).")
    Double sliceSpacing;

    @Option(names = "--in-plane",
            description = "Resize the larger in-plane extent to this (default 256).")
    Integer inPlane;

    @Option(names = "--block", split = "x",
            description = "Training block WxHxD (default 256x256x48).")
    int[] block;

    @Option(names = "--train-cases", defaultValue = "24",
            description = "Phantom: distinct training cases.")
    int trainCases;

    @Option(names = "--val-cases", defaultValue = "4",
            description = "Phantom: held-out validation cases.")
    int valCases;

    @Option(names = "--profile",
            description = "Time every kernel launch; print a table per op and write it,"
                    + " profile-kernels.csv and trace.json to the run folder (also"
                    + " VOX_PROFILE=1).")
    boolean profile;

    @Option(names = "--log-kernels",
            description = "Log one line per kernel launch: name, shapes, time, GFLOP/s,"
                    + " GB/s (also VOX_KERNEL_LOG=1).")
    boolean logKernels;

    @Override
    public Integer call() throws IOException {
        SkipMode s = skips;
        KernelMode k = kernels;
        String preset = model.toLowerCase(Locale.ROOT);
        if (s == null) {
            s = preset.contains("d-blsc") ? SkipMode.D_BLSC
                    : preset.contains("r-blsc") ? SkipMode.R_BLSC : SkipMode.BASELINE;
        }
        if (k == null) {
            k = preset.startsWith("mixed") ? KernelMode.MIXED : KernelMode.SMALL;
        }
        if (!preset.matches("baseline|r-blsc|d-blsc|mixed-r-blsc|mixed-d-blsc")) {
            throw new IllegalArgumentException("--model " + model + ": expected one of"
                    + " baseline, r-blsc, d-blsc, mixed-r-blsc, mixed-d-blsc");
        }
        Sources.RealData real = data == null ? null : new Sources.RealData(data, organs, clip,
                sliceSpacing, inPlane, block);
        TrainingSource src = Sources.open(dataset, real, fold, seed, trainCases, valCases);
        ModelConfig m = new ModelConfig(1, src.classNames().size(), width, levels, s, k, 4);
        TrainConfig cfg = new TrainConfig(m, steps, lr, Math.min(50, steps / 10), seed,
                validateEvery, includeBackground, 1e-5f, device);
        Path dir = out != null ? out : Path.of("runs", LocalDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + preset);
        Profiling prof = Profiling.begin(profile, logKernels);
        Trainer.Result r = new Trainer(cfg, src, dir, System.err)
                .run(resume, stopAfter == null ? steps : stopAfter);
        printTable(r);
        prof.finish(r.runDir(), System.out);
        return 0;
    }

    static void printTable(Trainer.Result r) {
        System.out.printf(Locale.ROOT, "%nValidation Dice after %d steps (%.0f s), run %s%n",
                r.steps(), r.seconds(), r.runDir());
        System.out.printf(Locale.ROOT, "%-14s %6s%n", "organ", "Dice");
        for (int c = 1; c < r.classes().size(); c++) {
            System.out.printf(Locale.ROOT, "%-14s %6.3f%n", r.classes().get(c), r.dice()[c]);
        }
        System.out.printf(Locale.ROOT, "%-14s %6.3f%n", "mean", r.meanDice());
    }
}
