package vox.experiment;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import vox.data.Volume;

/**
 * PNG pictures of a segmentation: an axial, a coronal and a sagittal slice
 * through the organs' centre, the CT in a window with labels blended over
 * it.
 *
 * <p>Panels, left to right: without ground truth, the CT alone and the CT
 * with the prediction; with ground truth, the prediction, the truth and
 * their differences. A label's colour is mixed half and half with the CT's
 * grey: {@code out = round((grey + colour) / 2)} per channel. Organ
 * colours follow {@link #ORGAN_COLOURS} (label 1 first); differences are
 * {@link #AGREE} (same organ in both), {@link #FALSE_POSITIVE} (organ in
 * the prediction, background in the truth), {@link #FALSE_NEGATIVE} (the
 * reverse) and {@link #WRONG_ORGAN} (two different organs).
 *
 * <p>Grey is {@code round(255 * clamp((hu - (level - width/2)) / width, 0,
 * 1))}. Views follow the radiological convention as far as the affine's
 * diagonal tells it: the patient's right on the left of the picture,
 * anterior up in axial slices and on the left in sagittal ones, superior
 * up. A pixel is square in millimetres: the finer axis of a view gets one
 * pixel per voxel, times the smallest whole factor that makes the longer
 * side at least {@code minSide} pixels; a pixel shows the voxel under its
 * centre. Panels are separated by {@link #GAP} dark pixels.
 */
public final class Overlay {
    /** Organ colours as 0xRRGGBB, label 1 first (repeating past the end). */
    public static final int[] ORGAN_COLOURS = {0x00ff00, 0xff3030, 0x00ffff, 0xffff00,
        0xff00ff, 0xff8000, 0x0080ff, 0x80ff80, 0xff80c0, 0x8000ff, 0xc0c000, 0x00c0a0,
        0xa05020};
    public static final int AGREE = 0x00ff00;
    public static final int FALSE_POSITIVE = 0xff0000;
    public static final int FALSE_NEGATIVE = 0x0060ff;
    public static final int WRONG_ORGAN = 0xffff00;
    /** Pixels between panels. */
    public static final int GAP = 4;
    private static final int GAP_COLOUR = 0x202020;
    /** Default smallest long side of a panel, in pixels. */
    public static final int MIN_SIDE = 256;

    /** A CT display window in HU. */
    public record Window(double level, double width) {

        public Window {
            if (!(width > 0)) {
                throw new IllegalArgumentException("overlay window: width must be positive, got "
                        + width);
            }
        }
    }

    /** The usual soft-tissue window (level 40, width 400 HU). */
    public static final Window SOFT_TISSUE = new Window(40, 400);

    /** The three views, named by the slice plane. */
    public enum View {
        AXIAL, CORONAL, SAGITTAL
    }

    private Overlay() {
    }

    /**
     * Writes {@code <name>-axial.png}, {@code -coronal.png} and
     * {@code -sagittal.png} into {@code dir} (created), through
     * {@link #centre} of the labels.
     *
     * @param ct    the CT in HU
     * @param pred  predicted labels on the CT's grid
     * @param truth ground-truth labels on the CT's grid, or null
     * @return the files written
     */
    public static List<Path> write(Path dir, String name, Volume ct, Volume pred, Volume truth,
                                   Window window) throws IOException {
        Files.createDirectories(dir);
        int[] c = centre(pred, truth);
        List<Path> out = new ArrayList<>();
        for (View v : View.values()) {
            BufferedImage img = render(v, ct, pred, truth, window, c, MIN_SIDE);
            Path f = dir.resolve(name + "-" + v.name().toLowerCase(Locale.ROOT) + ".png");
            if (!ImageIO.write(img, "png", f.toFile())) {
                throw new IOException(f + ": no PNG writer available");
            }
            out.add(f);
        }
        return out;
    }

    /**
     * The mean position {x, y, z} (rounded) of every voxel that is an organ
     * in the prediction or the truth; the volume's centre when there is none.
     */
    public static int[] centre(Volume pred, Volume truth) {
        double[] sum = new double[3];
        long n = 0;
        int i = 0;
        float[] p = pred.voxels();
        float[] t = truth == null ? null : truth.voxels();
        for (int z = 0; z < pred.nz(); z++) {
            for (int y = 0; y < pred.ny(); y++) {
                for (int x = 0; x < pred.nx(); x++, i++) {
                    if (p[i] != 0 || (t != null && t[i] != 0)) {
                        sum[0] += x;
                        sum[1] += y;
                        sum[2] += z;
                        n++;
                    }
                }
            }
        }
        if (n == 0) {
            return new int[] {pred.nx() / 2, pred.ny() / 2, pred.nz() / 2};
        }
        return new int[] {(int) Math.round(sum[0] / n), (int) Math.round(sum[1] / n),
            (int) Math.round(sum[2] / n)};
    }

    /**
     * Renders one view through voxel {@code centre} (only the coordinate
     * across the view's plane is used).
     */
    public static BufferedImage render(View view, Volume ct, Volume pred, Volume truth,
                                       Window window, int[] centre, int minSide) {
        check(ct, pred, "prediction");
        if (truth != null) {
            check(ct, truth, "ground truth");
        }
        // Horizontal axis a, vertical axis b, fixed axis c (0 = x, 1 = y, 2 = z).
        int a = view == View.SAGITTAL ? 1 : 0;
        int b = view == View.AXIAL ? 1 : 2;
        int c = view == View.AXIAL ? 2 : view == View.CORONAL ? 1 : 0;
        int[] n = {ct.nx(), ct.ny(), ct.nz()};
        double[] s = ct.spacing();
        double perMm = 1 / Math.min(s[a], s[b]);
        double longSide = Math.max(n[a] * s[a], n[b] * s[b]) * perMm;
        int factor = Math.max(1, (int) Math.ceil(minSide / longSide));
        perMm *= factor;
        int w = Math.max(1, (int) Math.round(n[a] * s[a] * perMm));
        int h = Math.max(1, (int) Math.round(n[b] * s[b] * perMm));
        boolean flipA = flips(ct, a);
        boolean flipB = flips(ct, b);
        int fixed = Math.max(0, Math.min(n[c] - 1, centre[c]));

        int panels = truth == null ? 2 : 3;
        BufferedImage img = new BufferedImage(panels * w + (panels - 1) * GAP, h,
                BufferedImage.TYPE_INT_RGB);
        for (int px = 0; px < img.getWidth(); px++) {
            for (int py = 0; py < h; py++) {
                img.setRGB(px, py, GAP_COLOUR);
            }
        }
        int[] v = new int[3];
        v[c] = fixed;
        for (int py = 0; py < h; py++) {
            int ib = Math.min(n[b] - 1, (int) ((py + 0.5) * n[b] / h));
            v[b] = flipB ? n[b] - 1 - ib : ib;
            for (int px = 0; px < w; px++) {
                int ia = Math.min(n[a] - 1, (int) ((px + 0.5) * n[a] / w));
                v[a] = flipA ? n[a] - 1 - ia : ia;
                int i = ct.index(v[0], v[1], v[2]);
                int g = grey(ct.voxels()[i], window);
                int lp = (int) pred.voxels()[i];
                if (truth == null) {
                    img.setRGB(px, py, g * 0x010101);
                    img.setRGB(w + GAP + px, py, blend(g, organColour(lp)));
                } else {
                    int lt = (int) truth.voxels()[i];
                    img.setRGB(px, py, blend(g, organColour(lp)));
                    img.setRGB(w + GAP + px, py, blend(g, organColour(lt)));
                    img.setRGB(2 * (w + GAP) + px, py, blend(g, difference(lp, lt)));
                }
            }
        }
        return img;
    }

    /** Colour of a label, or -1 for background. */
    public static int organColour(int label) {
        return label <= 0 ? -1 : ORGAN_COLOURS[(label - 1) % ORGAN_COLOURS.length];
    }

    /** Colour of a (prediction, truth) pair in the difference panel, or -1 for none. */
    public static int difference(int pred, int truth) {
        if (pred == 0 && truth == 0) {
            return -1;
        }
        if (pred == truth) {
            return AGREE;
        }
        return truth == 0 ? FALSE_POSITIVE : pred == 0 ? FALSE_NEGATIVE : WRONG_ORGAN;
    }

    /** The window's grey level of a HU value, 0 .. 255. */
    public static int grey(double hu, Window w) {
        double t = (hu - (w.level() - w.width() / 2)) / w.width();
        return (int) Math.round(255 * Math.max(0, Math.min(1, t)));
    }

    /** Grey g mixed half and half with a colour (-1: grey alone), as 0xRRGGBB. */
    public static int blend(int g, int colour) {
        if (colour < 0) {
            return g * 0x010101;
        }
        int r = (g + ((colour >> 16) & 0xff) + 1) / 2;
        int gr = (g + ((colour >> 8) & 0xff) + 1) / 2;
        int bl = (g + (colour & 0xff) + 1) / 2;
        return (r << 16) | (gr << 8) | bl;
    }

    /** Whether voxel index along an axis runs against the picture's direction. */
    private static boolean flips(Volume v, int axis) {
        double d = v.affine()[axis][axis];
        // x and y: pictures run toward the patient's left and posterior (RAS-);
        // z: pictures run downward, toward inferior (RAS-) as well.
        return d > 0;
    }

    private static void check(Volume ct, Volume labels, String what) {
        if (ct.nx() != labels.nx() || ct.ny() != labels.ny() || ct.nz() != labels.nz()) {
            throw new IllegalArgumentException("overlay: " + what + " " + labels.nx() + "x"
                    + labels.ny() + "x" + labels.nz() + " must be on the CT's grid "
                    + ct.nx() + "x" + ct.ny() + "x" + ct.nz());
        }
    }
}
