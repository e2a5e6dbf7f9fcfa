package vox.backend.profile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The end-of-run views of a {@link Profile}: a table per op (printed and
 * written as {@code profile.txt}), the same per shape as CSV
 * ({@code profile-kernels.csv}), and the Chrome trace ({@code trace.json}).
 *
 * <p>Table columns: calls; total and mean kernel time; share of the
 * training step time (of all kernel time when no step was marked); GFLOP/s
 * and GB/s from {@link KernelCost}; and the fraction of the roofline the
 * row reached, {@code max(GFLOP/s / peak, GB/s / bandwidth)}, with F when
 * the arithmetic peak is the nearer roof and B when bandwidth is.
 */
public final class ProfileReport {
    public static final String TABLE = "profile.txt";
    public static final String CSV = "profile-kernels.csv";
    public static final String TRACE = "trace.json";

    private static final String ROW = "%-24s %-24s %7s %10s %9s %6s %8s %7s %7s%n";

    private ProfileReport() {
    }

    /** Writes the table, the CSV and the trace into {@code dir}. */
    public static void writeAll(Profile p, Peaks peaks, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(TABLE), table(p, peaks), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(CSV), csv(p), StandardCharsets.UTF_8);
        ChromeTrace.write(p, dir.resolve(TRACE));
    }

    /**
     * The table per op, longest first within forward, backward and other.
     *
     * @param peaks the roofs, or null when none were measured for the device
     */
    public static String table(Profile p, Peaks peaks) {
        List<Profile.Totals> rows = p.perOp();
        long kernelNs = 0;
        for (Profile.Totals t : rows) {
            kernelNs += t.nanos();
        }
        int steps = p.steps().size();
        long stepNs = p.stepNanos();
        long base = steps > 0 ? stepNs : kernelNs;
        StringBuilder sb = new StringBuilder();
        if (steps > 0) {
            sb.append(String.format(Locale.ROOT, "Kernel profile of %d training steps:"
                    + " %.3f s of steps, %.3f s in kernels (%.1f%%); the rest is host work%n",
                    steps, stepNs / 1e9, kernelNs / 1e9, pct(kernelNs, stepNs)));
        } else {
            sb.append(String.format(Locale.ROOT, "Kernel profile: %d launches, %.3f s in"
                    + " kernels%n", p.launches(), kernelNs / 1e9));
        }
        sb.append(String.format(Locale.ROOT, "Allocator peak %.1f MiB%n",
                p.peakBytes() / (1024.0 * 1024.0)));
        if (peaks == null) {
            sb.append(String.format("Roofs: not measured for this device%n"));
        } else {
            sb.append(String.format(Locale.ROOT, "Roofs: %.1f GFLOP/s, %.1f GB/s (%s)%n",
                    peaks.gflops(), peaks.gbPerSecond(), peaks.source()));
        }
        for (Profile.Section s : Profile.Section.values()) {
            List<Profile.Totals> part = rows.stream().filter(t -> t.section() == s).toList();
            if (part.isEmpty()) {
                continue;
            }
            sb.append('\n').append(sectionTitle(s)).append('\n');
            sb.append(String.format(Locale.ROOT, ROW, "op", "primitive", "calls",
                    "total ms", "mean ms", steps > 0 ? "step%" : "time%", "GFLOP/s", "GB/s",
                    "roof%"));
            long sectionNs = 0;
            for (Profile.Totals t : part) {
                sb.append(row(t, base, peaks));
                sectionNs += t.nanos();
            }
            sb.append(String.format(Locale.ROOT, "%-49s %7s %10.2f %9s %6.1f%n", "total", "",
                    sectionNs / 1e6, "", pct(sectionNs, base)));
        }
        Profile.Totals out = p.outsideSteps();
        if (steps > 0 && out.calls() > 0) {
            sb.append(String.format(Locale.ROOT, "%nOutside training steps (set-up,"
                    + " validation): %d launches, %.2f ms, not in the table%n",
                    out.calls(), out.nanos() / 1e6));
        }
        return sb.toString();
    }

    private static String sectionTitle(Profile.Section s) {
        return switch (s) {
            case FORWARD -> "Forward";
            case BACKWARD -> "Backward";
            case OTHER -> "Outside any op (optimizer, inputs)";
        };
    }

    private static String row(Profile.Totals t, long base, Peaks peaks) {
        double gflops = t.gflops();
        double gbs = t.gbPerSecond();
        String roof = "-";
        if (peaks != null && t.nanos() > 0) {
            roof = String.format(Locale.ROOT, "%.1f %s", 100 * peaks.fractionOfRoof(gflops, gbs),
                    peaks.bound(gflops, gbs));
        }
        return String.format(Locale.ROOT, ROW, clip(t.op(), 24), clip(t.primitive(), 24),
                t.calls(), String.format(Locale.ROOT, "%.2f", t.nanos() / 1e6),
                String.format(Locale.ROOT, "%.3f", t.nanos() / 1e6 / t.calls()),
                String.format(Locale.ROOT, "%.1f", pct(t.nanos(), base)),
                t.flops() == 0 ? "-" : String.format(Locale.ROOT, "%.2f", gflops),
                String.format(Locale.ROOT, "%.2f", gbs), roof);
    }

    /** One row per (section, op, primitive, shapes), longest first. */
    public static String csv(Profile p) {
        StringBuilder sb = new StringBuilder("section,op,primitive,shapes,calls,total_ms,"
                + "mean_ms,gflop,gbytes,gflops_per_s,gbytes_per_s\n");
        for (Profile.Totals t : p.perShape()) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,\"%s\",%d,%.4f,%.5f,%.6f,%.6f,%.3f,"
                    + "%.3f%n", t.section().name().toLowerCase(Locale.ROOT), t.op(),
                    t.primitive(), t.shapes(), t.calls(), t.nanos() / 1e6,
                    t.nanos() / 1e6 / t.calls(), t.flops() / 1e9, t.bytes() / 1e9,
                    t.gflops(), t.gbPerSecond()));
        }
        return sb.toString();
    }

    private static double pct(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "~";
    }
}
