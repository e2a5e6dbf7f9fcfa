package vox.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vox.bench.Bench;

/**
 * {@code vox bench}: the machine's roofs, the convolution path at V-Net
 * shapes and a training step, in one table with the fraction of peak.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Calibrate the CPU roofs (FMA peak, triad bandwidth), time conv3d"
                + " forward, backward-data and backward-weight at V-Net shapes and a"
                + " training step of the phantom cascade; print one table.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--device", defaultValue = "cpu",
            description = "auto, cpu, opencl, cuda (optionally KIND:INDEX)."
                    + " Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--block", split = "x", defaultValue = "64x64x16",
            description = "Block WxHxD at level 1; multiples of 2^(levels-1)."
                    + " Default: 64x64x16.")
    int[] block;

    @Option(names = "--width", defaultValue = "16",
            description = "Channels at level 1 of the convolution rows (the method's 16)."
                    + " Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--levels", defaultValue = "5",
            description = "Levels of the convolution rows, 2 to 5."
                    + " Default: ${DEFAULT-VALUE}.")
    int levels;

    @Option(names = "--step-width", defaultValue = "8",
            description = "Channels at level 1 of the cascade in the training-step row"
                    + " (vox train's default). Default: ${DEFAULT-VALUE}.")
    int stepWidth;

    @Option(names = "--step-levels", defaultValue = "4",
            description = "Levels of that cascade. Default: ${DEFAULT-VALUE}.")
    int stepLevels;

    @Option(names = "--runs", defaultValue = "3",
            description = "Timed runs per row after a warm-up; the median is shown."
                    + " Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(names = "--no-train-step", description = "Skip the training-step row.")
    boolean noTrainStep;

    @Option(names = "--no-calibrate",
            description = "Skip measuring the roofs (no fraction of peak).")
    boolean noCalibrate;

    @Option(names = "--json", description = "Also write the table as JSON to this file.")
    Path json;

    @Override
    public Integer call() throws IOException {
        Bench.Config cfg = new Bench.Config(device, block, width, levels, stepWidth,
                stepLevels, runs, !noTrainStep, !noCalibrate);
        Bench.Report r = Bench.run(cfg, System.err);
        System.out.print(Bench.table(r));
        if (json != null) {
            Files.writeString(json, Bench.toJson(r) + "\n", StandardCharsets.UTF_8);
            System.err.println("bench: wrote " + json);
        }
        return 0;
    }
}
