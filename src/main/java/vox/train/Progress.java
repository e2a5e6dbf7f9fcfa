package vox.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of long work: a redrawn bar on a terminal, plain lines every few
 * seconds otherwise (log files, CI), both with step, loss, throughput and
 * time left.
 */
public final class Progress {
    private final String what;
    private final int total;
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private final int first;
    private long lastPrint;

    public Progress(String what, int firstStep, int total, PrintStream out) {
        this.what = what;
        this.first = firstStep;
        this.total = total;
        this.out = out;
        this.terminal = System.console() != null && System.getenv("CI") == null;
    }

    /** Reports that {@code step} (1-based) is done; {@code extra} is appended as is. */
    public void update(int step, String extra) {
        long now = System.nanoTime();
        double elapsed = (now - start) / 1e9;
        int done = step - first + 1;
        double rate = done / Math.max(elapsed, 1e-9);
        double left = (total - step) / Math.max(rate, 1e-9);
        boolean last = step == total;
        if (terminal) {
            int width = 24;
            int filled = (int) ((long) width * step / total);
            String bar = "#".repeat(filled) + "-".repeat(width - filled);
            out.printf(Locale.ROOT, "\r%s [%s] %d/%d %s %.2f steps/s, %s left   ",
                    what, bar, step, total, extra, rate, clock(left));
            if (last) {
                out.println();
            }
            out.flush();
        } else if (last || now - lastPrint > 10_000_000_000L || done == 1) {
            lastPrint = now;
            out.printf(Locale.ROOT, "%s step %d/%d %s %.2f steps/s, %s left%n",
                    what, step, total, extra, rate, clock(left));
        }
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
