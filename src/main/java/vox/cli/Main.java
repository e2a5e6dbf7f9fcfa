package vox.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vox} command line: one subcommand per task. */
@Command(name = "vox", mixinStandardHelpOptions = true, version = "vox 0.1.0",
        description = "Tensor engine and cascaded 3D V-Net for organ segmentation in CT.",
        subcommands = {TrainCommand.class, PredictCommand.class, PhantomCommand.class,
            EvaluateCommand.class, CompareCommand.class, InfoCommand.class,
            DevicesCommand.class, ExperimentCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static void main(String[] args) {
        configureLogging();
        System.exit(commandLine().execute(args));
    }

    /** The command line with vox's error handling: a user's mistake is one clear line. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // A user's mistake: one clear line, no stack trace.
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof java.io.IOException) {
                cmd.getErr().println("vox: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli;
    }

    /** Log lines on stderr as "HH:mm:ss LEVEL message"; results go to stdout. */
    static void configureLogging() {
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setFormatter(new SimpleFormatter() {
            @Override
            public String format(LogRecord r) {
                return String.format("%1$tT %2$s %3$s%n", r.getMillis(),
                        r.getLevel().getName().toLowerCase(), formatMessage(r));
            }
        });
        String v = System.getenv("VOX_LOG");
        Level level = v == null ? Level.INFO : Level.parse(v.toUpperCase());
        h.setLevel(level);
        root.setLevel(level);
        root.addHandler(h);
    }
}
