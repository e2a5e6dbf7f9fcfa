package vox.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import vox.backend.opencl.SignalChaining;

/**
 * Runs JMH with the usual command line, always together with the
 * calibration of {@link PeakBench}, and prints each result as GFLOP/s or
 * GB/s (median over measurement iterations) beside its fraction of the
 * calibrated peak: FMA peak for FLOP rates, triad bandwidth for byte rates.
 * Benchmarks with a {@code backend} parameter are divided by the peak that
 * {@link PeakBench} measured on the same backend ({@code -p backend=opencl}
 * applies to it too), the others by the CPU's.
 *
 * <p>Benchmarks that take a {@link PeakProbe} also get a "paired" column:
 * the median over iterations of rate / the CPU's FMA peak measured just
 * before the same iteration, which is much less sensitive to other work on
 * a shared machine than the ratio to a calibration run minutes apart.
 *
 * <p>Extra options, removed before JMH sees the rest: {@code --guard F}
 * exits with status 1 when any {@link ConvBench} result's paired ratio
 * falls below F (status 2 when it has no probe); {@code --guard-for S=F}
 * (repeatable) sets another fraction for results whose parameters
 * contain S.
 *
 * <p>With an OpenCL backend among the arguments, it first runs itself again
 * with the JDK's libjsig preloaded (see {@link SignalChaining}), unless
 * that is done already.
 *
 * <pre>
 *   java -jar target/benchmarks.jar ConvBench -p shape=L3_3x3x3 -rf json
 * </pre>
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws RunnerException, java.io.IOException,
            InterruptedException {
        Integer relaunched = relaunchWithSignalChaining(args);
        if (relaunched != null) {
            System.exit(relaunched);
        }
        double guard = -1;
        Map<String, Double> guardFor = new LinkedHashMap<>();
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--guard")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--guard needs a fraction, e.g. 0.25");
                }
                guard = Double.parseDouble(args[++i]);
            } else if (args[i].equals("--guard-for")) {
                String rule = i + 1 < args.length ? args[++i] : "";
                int eq = rule.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--guard-for needs PARAM_TEXT=FRACTION,"
                            + " e.g. DOWN=0.15, got '" + rule + "'");
                }
                guardFor.put(rule.substring(0, eq), Double.parseDouble(rule.substring(eq + 1)));
            } else {
                jmhArgs.add(args[i]);
            }
        }
        CommandLineOptions cmd;
        try {
            cmd = new CommandLineOptions(jmhArgs.toArray(new String[0]));
        } catch (CommandLineOptionException e) {
            throw new IllegalArgumentException("bad JMH options: " + e.getMessage(), e);
        }
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd);
        if (cmd.shouldHelp() || cmd.shouldList() || cmd.shouldListWithParams()
                || cmd.shouldListProfilers() || cmd.shouldListResultFormats()) {
            // Plain JMH behaviour for the informational options.
            org.openjdk.jmh.Main.main(jmhArgs.toArray(new String[0]));
            return;
        }
        List<String> includes = cmd.getIncludes();
        boolean hasPeak = includes.isEmpty();
        for (String inc : includes) {
            hasPeak |= inc.contains("PeakBench");
        }
        if (!hasPeak) {
            options.include(PeakBench.class.getSimpleName());
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        System.exit(report(results, guard, guardFor));
    }

    /**
     * Runs this same command again in a child JVM with HotSpot's signal
     * chaining preloaded ({@link SignalChaining}), when an OpenCL backend is
     * asked for and this JVM lacks it; JMH's forks inherit the child's
     * environment. Returns the child's exit status, or null when no relaunch
     * is needed (no OpenCL, already chained, or no libjsig in this JDK).
     */
    static Integer relaunchWithSignalChaining(String[] args)
            throws java.io.IOException, InterruptedException {
        boolean opencl = false;
        for (String a : args) {
            opencl |= a.toLowerCase(Locale.ROOT).contains("opencl");
        }
        java.nio.file.Path lib = SignalChaining.library();
        if (!opencl || lib == null || SignalChaining.active()) {
            return null;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean()
                .getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchMain.class.getName());
        cmd.addAll(Arrays.asList(args));
        System.err.println("benchmarks: running again with LD_PRELOAD=" + lib
                + " (signal chaining, which OpenCL runtimes such as PoCL need)");
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        String preload = System.getenv("LD_PRELOAD");
        pb.environment().put("LD_PRELOAD", lib + (preload == null || preload.isEmpty()
                ? "" : ":" + preload));
        return pb.start().waitFor();
    }

    /** The backend a result ran on: its {@code backend} parameter, cpu when it has none. */
    static String backendOf(RunResult r) {
        String b = r.getParams().getParamsKeys().contains("backend")
                ? r.getParams().getParam("backend") : null;
        return b == null ? "cpu" : b.toLowerCase(Locale.ROOT);
    }

    /** Prints the table; returns the exit status of the guard (0 when none). */
    static int report(Collection<RunResult> results, double guard,
                      Map<String, Double> guardFor) {
        // Peaks per backend: a result is read against the calibration of its own backend.
        Map<String, Double> peakFlops = new LinkedHashMap<>();
        Map<String, Double> peakBytes = new LinkedHashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            if (name.endsWith("PeakBench.fmaPeak")) {
                peakFlops.put(backendOf(r), median(r, "flop"));
            } else if (name.endsWith("PeakBench.triad")) {
                peakBytes.put(backendOf(r), median(r, "bytes"));
            }
        }
        System.out.println();
        // No Vector API class may be touched here: this JVM runs without
        // jdk.incubator.vector (only the forks get it).
        java.util.Set<String> backends = new java.util.LinkedHashSet<>(peakFlops.keySet());
        backends.addAll(peakBytes.keySet());
        for (String b : backends) {
            System.out.printf(Locale.ROOT, "calibrated peak of %s: FMA %.1f GFLOP/s, triad"
                    + " %.1f GB/s%s%n", b, peakFlops.getOrDefault(b, Double.NaN) / 1e9,
                    peakBytes.getOrDefault(b, Double.NaN) / 1e9, b.equals("cpu")
                            ? String.format(Locale.ROOT, " (%d threads)",
                                    vox.backend.cpu.Parallel.threads()) : " (device kernels)");
        }
        System.out.printf(Locale.ROOT, "%-28s %-24s %8s %-8s %8s %8s%n",
                "benchmark", "params", "median", "unit", "of peak", "paired");
        int status = 0;
        for (RunResult r : results) {
            String name = shortName(r.getParams().getBenchmark());
            String params = paramText(r);
            String backend = backendOf(r);
            double flops = median(r, "flop");
            double bytes = median(r, "bytes");
            String line;
            if (flops > 0) {
                double paired = medianRatio(r, "flop", "peakMflops", 1e6);
                line = String.format(Locale.ROOT, "%-28s %-24s %8.1f %-8s %7.0f%% %7s", name,
                        params, flops / 1e9, "GFLOP/s",
                        100 * flops / peakFlops.getOrDefault(backend, Double.NaN),
                        Double.isNaN(paired) ? "" : String.format(Locale.ROOT, "%.0f%%",
                                100 * paired));
                if (guard >= 0 && name.startsWith("ConvBench.")) {
                    double limit = guard;
                    for (Map.Entry<String, Double> rule : guardFor.entrySet()) {
                        if (params.contains(rule.getKey())) {
                            limit = rule.getValue();
                            break;
                        }
                    }
                    if (Double.isNaN(paired)) {
                        status = Math.max(status, 2);
                        line += "  no peak probe";
                    } else if (paired < limit) {
                        status = Math.max(status, 1);
                        line += String.format(Locale.ROOT, "  FAIL: below %.0f%% of peak",
                                100 * limit);
                    }
                }
            } else if (bytes > 0) {
                line = String.format(Locale.ROOT, "%-28s %-24s %8.1f %-8s %7.0f%%", name,
                        params, bytes / 1e9, "GB/s",
                        100 * bytes / peakBytes.getOrDefault(backend, Double.NaN));
            } else {
                line = String.format(Locale.ROOT, "%-28s %-24s %8.3g %-8s", name, params,
                        r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreUnit());
            }
            System.out.println(line);
        }
        if (guard >= 0) {
            System.out.println(status == 0
                    ? String.format(Locale.ROOT, "guard: every conv result is at least %.0f%%"
                            + " of the FMA peak (paired)%s", 100 * guard,
                            guardFor.isEmpty() ? "" : ", with exceptions " + guardFor)
                    : "guard: FAILED");
        }
        return status;
    }

    /** Median over the measurement iterations of a secondary result; NaN if absent. */
    static double median(RunResult r, String counter) {
        List<Double> scores = new ArrayList<>();
        for (BenchmarkResult br : r.getBenchmarkResults()) {
            for (IterationResult ir : br.getIterationResults()) {
                Result<?> res = ir.getSecondaryResults().get(counter);
                if (res != null) {
                    scores.add(res.getScore());
                }
            }
        }
        return medianOf(scores);
    }

    /**
     * Median over measurement iterations of counter / (scale * reference), both
     * secondary results of the same iteration; NaN if either is absent.
     */
    static double medianRatio(RunResult r, String counter, String reference, double scale) {
        List<Double> ratios = new ArrayList<>();
        for (BenchmarkResult br : r.getBenchmarkResults()) {
            for (IterationResult ir : br.getIterationResults()) {
                Result<?> num = ir.getSecondaryResults().get(counter);
                Result<?> den = ir.getSecondaryResults().get(reference);
                if (num != null && den != null && den.getScore() > 0) {
                    ratios.add(num.getScore() / (scale * den.getScore()));
                }
            }
        }
        return medianOf(ratios);
    }

    /** The median of {@code values}; NaN when there are none. */
    private static double medianOf(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] a = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        int n = a.length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
    }

    private static String shortName(String benchmark) {
        String[] parts = benchmark.split("\\.");
        int n = parts.length;
        return n >= 2 ? parts[n - 2] + "." + parts[n - 1] : benchmark;
    }

    private static String paramText(RunResult r) {
        StringBuilder sb = new StringBuilder();
        for (String key : r.getParams().getParamsKeys()) {
            sb.append(sb.length() == 0 ? "" : ",").append(r.getParams().getParam(key));
        }
        return sb.toString();
    }
}
