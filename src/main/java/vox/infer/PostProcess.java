package vox.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Per-organ clean-up of a label volume, slice by slice (axial). A
 * component is a set of 8-connected pixels of one label within one slice.
 */
public final class PostProcess {

    /** What to do with one organ's pixels in each slice. */
    public sealed interface Rule permits Keep, LargestComponent, LargestComponents {
    }

    /** Leave the organ as predicted. */
    public record Keep() implements Rule {
    }

    /** Keep only the largest component per slice. */
    public record LargestComponent() implements Rule {
    }

    /** Keep at most {@code count} components per slice, each larger than {@code minPixels}. */
    public record LargestComponents(int count, int minPixels) implements Rule {
    }

    private PostProcess() {
    }

    /**
     * The thorax rules of SegTHOR's labels: the largest component per slice
     * for esophagus (1) and heart (2), trachea (3) untouched, at most two
     * components over 150 pixels for the aorta (4).
     */
    public static Map<Integer, Rule> thorax() {
        return Map.of(1, new LargestComponent(), 2, new LargestComponent(), 3, new Keep(),
                4, new LargestComponents(2, 150));
    }

    /**
     * Pixel area, in mm^2, at which the thorax rule's 150 pixels are meant:
     * SegTHOR's original 512 x 512 slices of about 1 mm.
     */
    public static final double THORAX_PIXEL_MM2 = 1.0;

    /**
     * The thorax rules for slices of {@code pixelAreaMm2} per pixel: the
     * aorta's minimum of 150 pixels at {@link #THORAX_PIXEL_MM2} is kept as
     * an area, so that a coarser grid (256 in-plane, the phantom) does not
     * drop a whole aorta whose cross-section is under 150 of its pixels.
     */
    public static Map<Integer, Rule> thorax(double pixelAreaMm2) {
        if (!(pixelAreaMm2 > 0)) {
            throw new IllegalArgumentException("PostProcess.thorax: pixel area must be positive,"
                    + " got " + pixelAreaMm2);
        }
        int min = (int) Math.round(150 * THORAX_PIXEL_MM2 / pixelAreaMm2);
        return Map.of(1, new LargestComponent(), 2, new LargestComponent(), 3, new Keep(),
                4, new LargestComponents(2, min));
    }

    /** Applies {@code rules} in place to labels (nz slices of ny x nx, x fastest). */
    public static void apply(float[] labels, int nx, int ny, int nz, Map<Integer, Rule> rules) {
        int plane = nx * ny;
        int[] comp = new int[plane];
        int[] queue = new int[plane];
        for (int z = 0; z < nz; z++) {
            for (var e : rules.entrySet()) {
                if (e.getValue() instanceof Keep) {
                    continue;
                }
                int label = e.getKey();
                List<Integer> sizes = label(labels, z * plane, nx, ny, label, comp, queue);
                if (sizes.size() <= 1 && !(e.getValue() instanceof LargestComponents)) {
                    continue;
                }
                boolean[] keep = choose(sizes, e.getValue());
                for (int i = 0; i < plane; i++) {
                    if (comp[i] > 0 && !keep[comp[i] - 1]) {
                        labels[z * plane + i] = 0;
                    }
                }
            }
        }
    }

    /** Which components (by index) survive the rule, given their sizes. */
    private static boolean[] choose(List<Integer> sizes, Rule rule) {
        int n = sizes.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Largest first; ties by first appearance so the result is deterministic.
        Arrays.sort(order, (a, b) -> sizes.get(b) - sizes.get(a) != 0
                ? sizes.get(b) - sizes.get(a) : a - b);
        boolean[] keep = new boolean[n];
        int count = rule instanceof LargestComponents r ? r.count() : 1;
        int min = rule instanceof LargestComponents r ? r.minPixels() : 0;
        for (int i = 0; i < Math.min(count, n); i++) {
            if (sizes.get(order[i]) > min) {
                keep[order[i]] = true;
            }
        }
        return keep;
    }

    /**
     * Labels the 8-connected components of {@code label} in one slice
     * starting at {@code base}; comp gets 1-based ids (0 elsewhere).
     * Returns the component sizes.
     */
    static List<Integer> label(float[] labels, int base, int nx, int ny, int label, int[] comp,
                               int[] queue) {
        Arrays.fill(comp, 0);
        List<Integer> sizes = new ArrayList<>();
        for (int start = 0; start < nx * ny; start++) {
            if (labels[base + start] != label || comp[start] != 0) {
                continue;
            }
            int id = sizes.size() + 1;
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            comp[start] = id;
            while (head < tail) {
                int p = queue[head++];
                int px = p % nx;
                int py = p / nx;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int qx = px + dx;
                        int qy = py + dy;
                        if (qx < 0 || qy < 0 || qx >= nx || qy >= ny) {
                            continue;
                        }
                        int q = qy * nx + qx;
                        if (comp[q] == 0 && labels[base + q] == label) {
                            comp[q] = id;
                            queue[tail++] = q;
                        }
                    }
                }
            }
            sizes.add(tail);
        }
        return sizes;
    }
}
