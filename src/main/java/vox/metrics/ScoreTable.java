package vox.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Per-case, per-organ scores of one model: CSV in and out, a printed table,
 * means per organ and per case.
 *
 * <p>CSV columns: {@code case,organ,label,dice,hd_mm,hd95_mm,assd_mm,
 * pred_voxels,truth_voxels}; an undefined distance is written {@code NaN}.
 * Means and standard deviations leave NaN values out and say how many
 * values they used.
 */
public final class ScoreTable {

    /** Column names of the CSV file, in order. */
    public static final List<String> COLUMNS = List.of("case", "organ", "label", "dice",
            "hd_mm", "hd95_mm", "assd_mm", "pred_voxels", "truth_voxels");

    /** Mean and sample standard deviation over the n defined values. */
    public record Summary(double mean, double sd, int n, int undefined) {
    }

    private final Map<String, OrganScore> rows = new LinkedHashMap<>();

    /** Adds scores; a (case, organ) pair seen before is replaced. */
    public ScoreTable add(List<OrganScore> scores) {
        for (OrganScore s : scores) {
            rows.put(s.caseId() + "\u0000" + s.organ(), s);
        }
        return this;
    }

    public List<OrganScore> rows() {
        return List.copyOf(rows.values());
    }

    /** Case ids in the order first added. */
    public List<String> cases() {
        Set<String> s = new LinkedHashSet<>();
        rows.values().forEach(r -> s.add(r.caseId()));
        return List.copyOf(s);
    }

    /** Organ names in the order first added. */
    public List<String> organs() {
        Set<String> s = new LinkedHashSet<>();
        rows.values().forEach(r -> s.add(r.organ()));
        return List.copyOf(s);
    }

    /** A value, or NaN when the table has no such row. */
    public double value(String caseId, String organ, Metric m) {
        OrganScore s = rows.get(caseId + "\u0000" + organ);
        return s == null ? Double.NaN : s.get(m);
    }

    /** Summary of one organ over all cases. */
    public Summary organSummary(String organ, Metric m) {
        List<Double> v = new ArrayList<>();
        for (String c : cases()) {
            v.add(value(c, organ, m));
        }
        return summarise(v);
    }

    /** The mean over organs of one case (NaN values left out; NaN when none). */
    public double caseMean(String caseId, Metric m) {
        List<Double> v = new ArrayList<>();
        for (String o : organs()) {
            v.add(value(caseId, o, m));
        }
        return summarise(v).mean();
    }

    /** Summary of the per-case means. */
    public Summary overall(Metric m) {
        List<Double> v = new ArrayList<>();
        for (String c : cases()) {
            v.add(caseMean(c, m));
        }
        return summarise(v);
    }

    static Summary summarise(List<Double> values) {
        double sum = 0;
        int n = 0;
        for (double d : values) {
            if (!Double.isNaN(d)) {
                sum += d;
                n++;
            }
        }
        double mean = n == 0 ? Double.NaN : sum / n;
        double ss = 0;
        for (double d : values) {
            if (!Double.isNaN(d)) {
                ss += (d - mean) * (d - mean);
            }
        }
        double sd = n < 2 ? Double.NaN : Math.sqrt(ss / (n - 1));
        return new Summary(mean, sd, n, values.size() - n);
    }

    // ------------------------------------------------------------------ CSV

    /** Writes the CSV through a temporary file renamed into place. */
    public void writeCsv(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".",
                ".tmp");
        boolean done = false;
        try {
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write(String.join(",", COLUMNS));
                w.write('\n');
                for (OrganScore s : rows.values()) {
                    w.write(String.join(",", quote(s.caseId()), quote(s.organ()),
                            Integer.toString(s.label()), num(s.dice()), num(s.hd()),
                            num(s.hd95()), num(s.assd()), Long.toString(s.predVoxels()),
                            Long.toString(s.truthVoxels())));
                    w.write('\n');
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Reads a CSV written by {@link #writeCsv}.
     *
     * @throws IOException when the header or a row is malformed (file and
     *         line named)
     */
    public static ScoreTable readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !split(lines.get(0)).equals(COLUMNS)) {
            throw new IOException(file + ": line 1 should be the header "
                    + String.join(",", COLUMNS));
        }
        ScoreTable t = new ScoreTable();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> f = split(lines.get(i));
            if (f.size() != COLUMNS.size()) {
                throw new IOException(file + ": line " + (i + 1) + " has " + f.size()
                        + " fields, expected " + COLUMNS.size());
            }
            try {
                t.add(List.of(new OrganScore(f.get(0), f.get(1), Integer.parseInt(f.get(2)),
                        Double.parseDouble(f.get(3)), Double.parseDouble(f.get(4)),
                        Double.parseDouble(f.get(5)), Double.parseDouble(f.get(6)),
                        Long.parseLong(f.get(7)), Long.parseLong(f.get(8)))));
            } catch (NumberFormatException e) {
                throw new IOException(file + ": line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return t;
    }

    private static String num(double d) {
        return Double.isNaN(d) ? "NaN" : String.format(Locale.ROOT, "%.6f", d);
    }

    private static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    private static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString());
        return out;
    }

    // -------------------------------------------------------------- printing

    /**
     * A text table of one metric: a row per case, a column per organ and
     * one for the case mean, then rows "mean", "sd" and "n" (defined
     * values). Dice is shown in percent, distances in mm; undefined values
     * as "n/a".
     */
    public String format(Metric m) {
        List<String> organs = organs();
        List<String> header = new ArrayList<>();
        header.add(m == Metric.DICE ? "Dice (%)" : m.name() + " (mm)");
        header.addAll(organs);
        header.add("mean");
        List<List<String>> body = new ArrayList<>();
        double scale = m == Metric.DICE ? 100 : 1;
        for (String c : cases()) {
            List<String> row = new ArrayList<>();
            row.add(c);
            for (String o : organs) {
                row.add(cell(value(c, o, m) * scale));
            }
            row.add(cell(caseMean(c, m) * scale));
            body.add(row);
        }
        List<String> mean = new ArrayList<>(List.of("mean"));
        List<String> sd = new ArrayList<>(List.of("sd"));
        List<String> n = new ArrayList<>(List.of("n"));
        for (String o : organs) {
            Summary s = organSummary(o, m);
            mean.add(cell(s.mean() * scale));
            sd.add(cell(s.sd() * scale));
            n.add(Integer.toString(s.n()));
        }
        Summary all = overall(m);
        mean.add(cell(all.mean() * scale));
        sd.add(cell(all.sd() * scale));
        n.add(Integer.toString(all.n()));
        body.add(mean);
        body.add(sd);
        body.add(n);

        int[] width = new int[header.size()];
        for (int j = 0; j < width.length; j++) {
            width[j] = header.get(j).length();
            for (List<String> r : body) {
                width[j] = Math.max(width[j], r.get(j).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header, width);
        int rule = 0;
        for (int w : width) {
            rule += w + 2;
        }
        sb.append("-".repeat(rule - 2)).append('\n');
        for (int i = 0; i < body.size(); i++) {
            if (i == body.size() - 3) {
                sb.append("-".repeat(rule - 2)).append('\n');
            }
            appendRow(sb, body.get(i), width);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] width) {
        for (int j = 0; j < cells.size(); j++) {
            String c = cells.get(j);
            if (j > 0) {
                sb.append("  ").append(" ".repeat(width[j] - c.length())).append(c);
            } else {
                sb.append(c).append(" ".repeat(width[j] - c.length()));
            }
        }
        sb.append('\n');
    }

    private static String cell(double d) {
        return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.2f", d);
    }
}
