package vox.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Training curves from the {@code metrics.csv} files of runs: the loss
 * (a trailing moving average) over the steps above, the validation mean
 * Dice over the steps below, one line per series, as a PNG.
 */
final class Plots {
    private static final Color[] LINE = {new Color(0x1f77b4), new Color(0xd62728),
        new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b),
        new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private Plots() {
    }

    /**
     * One series.
     *
     * @param label    legend text
     * @param steps    steps with a loss
     * @param loss     training loss at those steps
     * @param valSteps steps with a validation
     * @param valDice  validation mean Dice at those steps
     */
    record Curves(String label, double[] steps, double[] loss, double[] valSteps,
                  double[] valDice) {
    }

    /**
     * Reads a run's metrics.csv. A step that appears twice (rows written
     * after the last checkpoint of an interrupted run, then again on
     * resuming) keeps its last row.
     */
    static Curves read(Path csv, String label) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty()) {
            throw new IOException(csv + ": empty metrics file");
        }
        List<String> head = List.of(lines.get(0).split(",", -1));
        int step = head.indexOf("step");
        int loss = head.indexOf("loss");
        int dice = head.indexOf("val_mean_dice");
        if (step < 0 || loss < 0 || dice < 0) {
            throw new IOException(csv + ": expected columns step, loss and val_mean_dice, got "
                    + head);
        }
        TreeMap<Integer, Double> losses = new TreeMap<>();
        TreeMap<Integer, Double> dices = new TreeMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",", -1);
            if (f.length < head.size()) {
                continue;
            }
            try {
                int s = Integer.parseInt(f[step]);
                losses.put(s, Double.parseDouble(f[loss]));
                dices.remove(s);
                if (!f[dice].isEmpty()) {
                    dices.put(s, Double.parseDouble(f[dice]));
                }
            } catch (NumberFormatException e) {
                throw new IOException(csv + ", line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new Curves(label, keys(losses), values(losses), keys(dices), values(dices));
    }

    /** The step-wise mean of several runs' curves (over the runs that reached a step). */
    static Curves mean(String label, List<Curves> runs) {
        TreeMap<Integer, double[]> loss = new TreeMap<>();
        TreeMap<Integer, double[]> dice = new TreeMap<>();
        for (Curves c : runs) {
            add(loss, c.steps(), c.loss());
            add(dice, c.valSteps(), c.valDice());
        }
        return new Curves(label, keys(loss), means(loss), keys(dice), means(dice));
    }

    private static void add(TreeMap<Integer, double[]> acc, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            double[] a = acc.computeIfAbsent((int) x[i], k -> new double[2]);
            a[0] += y[i];
            a[1]++;
        }
    }

    /** Trailing moving average over {@code window} values. */
    static double[] smooth(double[] y, int window) {
        double[] out = new double[y.length];
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += y[i];
            if (i >= window) {
                sum -= y[i - window];
            }
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    /** Writes the two stacked charts of the series to a PNG of width x height pixels. */
    static void write(Path png, String title, List<Curves> series, int width, int height)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        int longest = 0;
        for (Curves c : series) {
            longest = Math.max(longest, c.steps().length);
        }
        int window = Math.max(1, longest / 25);
        XYSeriesCollection losses = new XYSeriesCollection();
        XYSeriesCollection dices = new XYSeriesCollection();
        for (Curves c : series) {
            XYSeries l = new XYSeries(c.label(), false, true);
            double[] y = smooth(c.loss(), window);
            for (int i = 0; i < y.length; i++) {
                l.add(c.steps()[i], y[i]);
            }
            losses.addSeries(l);
            XYSeries d = new XYSeries(c.label(), false, true);
            for (int i = 0; i < c.valSteps().length; i++) {
                d.add(c.valSteps()[i], c.valDice()[i]);
            }
            dices.addSeries(d);
        }
        NumberAxis step = new NumberAxis("step");
        step.setAutoRangeIncludesZero(false);
        step.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(step);
        plot.add(new XYPlot(losses, null, axis("training loss"
                + (window > 1 ? " (mean of " + window + " steps)" : ""), false),
                renderer(series.size(), false)), 1);
        XYLineAndShapeRenderer diceLines = renderer(series.size(), true);
        for (int i = 0; i < series.size(); i++) {
            // The colours are those of the loss lines: one legend entry per series.
            diceLines.setSeriesVisibleInLegend(i, false);
        }
        plot.add(new XYPlot(dices, null, axis("validation mean Dice", true), diceLines), 1);
        plot.setGap(12);
        for (Object p : plot.getSubplots()) {
            XYPlot sub = (XYPlot) p;
            sub.setBackgroundPaint(Color.WHITE);
            sub.setDomainGridlinePaint(Color.LIGHT_GRAY);
            sub.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }

    private static NumberAxis axis(String label, boolean unit) {
        NumberAxis a = new NumberAxis(label);
        a.setAutoRangeIncludesZero(false);
        if (unit) {
            a.setRange(0, 1);
        }
        return a;
    }

    private static XYLineAndShapeRenderer renderer(int n, boolean shapes) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, shapes);
        for (int i = 0; i < n; i++) {
            r.setSeriesPaint(i, LINE[i % LINE.length]);
            r.setSeriesStroke(i, new BasicStroke(1.6f));
        }
        return r;
    }

    private static double[] keys(TreeMap<Integer, ?> m) {
        return m.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
    }

    private static double[] values(TreeMap<Integer, Double> m) {
        return m.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] means(TreeMap<Integer, double[]> m) {
        double[] out = new double[m.size()];
        int i = 0;
        for (Map.Entry<Integer, double[]> e : m.entrySet()) {
            out[i++] = e.getValue()[0] / e.getValue()[1];
        }
        return out;
    }

    /** Reads the curves of several runs, skipping runs without a metrics file. */
    static List<Curves> readAll(List<Path> csvs, List<String> labels) throws IOException {
        List<Curves> out = new ArrayList<>();
        for (int i = 0; i < csvs.size(); i++) {
            if (Files.isRegularFile(csvs.get(i))) {
                out.add(read(csvs.get(i), labels.get(i)));
            }
        }
        return out;
    }
}
