package vox.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vox.experiment.Experiment;
import vox.experiment.ExperimentConfig;

/**
 * {@code vox experiment CONFIG.json}: trains, evaluates and compares the
 * models of a study, resuming where an earlier invocation stopped.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run a study from one JSON config: train every model, fold and seed,"
                + " evaluate, compare (ANOVA), plot. Finished runs are skipped, interrupted"
                + " ones resumed.")
final class ExperimentCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The study's JSON file.")
    Path config;

    @Option(names = "--output", description = "Study folder (overrides the config's output).")
    Path output;

    @Option(names = "--plan", description = "List the runs and how far each got; run nothing.")
    boolean plan;

    @Option(names = "--report",
            description = "Only write results/ from the runs evaluated so far.")
    boolean report;

    @Override
    public Integer call() throws Exception {
        ExperimentConfig cfg = ExperimentConfig.read(config);
        if (output != null) {
            cfg = cfg.withOutput(output);
        }
        Experiment exp = new Experiment(cfg, System.err);
        if (plan) {
            System.out.print(exp.plan());
            return 0;
        }
        Files.createDirectories(cfg.output());
        Files.copy(config, cfg.output().resolve("experiment.json"),
                StandardCopyOption.REPLACE_EXISTING);
        if (report) {
            exp.report();
        } else {
            exp.run();
        }
        System.out.print(Files.readString(exp.resultsDir().resolve("summary.md")));
        return 0;
    }
}
