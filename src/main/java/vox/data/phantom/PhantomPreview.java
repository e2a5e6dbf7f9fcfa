package vox.data.phantom;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import vox.data.Volume;

/**
 * Writes a PNG sheet of a phantom case for a look by eye: five axial
 * slices in a lung window and the same in a soft-tissue window with the
 * labels outlined, then a coronal and a sagittal slice through the
 * trachea. One pixel is one millimetre; views follow the radiological
 * convention (patient's right on the left of the picture, anterior up,
 * superior up).
 *
 * <p>Label colours: esophagus green, heart red, trachea cyan, aorta
 * yellow.
 */
public final class PhantomPreview {
    private static final int[] COLOURS = {0, 0x00ff00, 0xff3030, 0x00ffff,
        0xffff00};

    private PhantomPreview() {
    }

    /**
     * Command line: {@code seed [out.png] [nx ny nz sx sy sz]}; defaults
     * to the default grid and {@code phantom-<seed>.png}.
     */
    public static void main(String[] args) throws IOException {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        Path out = Path.of(args.length > 1 ? args[1] : "phantom-" + seed + ".png");
        PhantomConfig cfg = PhantomConfig.DEFAULT;
        if (args.length >= 8) {
            cfg = PhantomConfig.of(Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    new double[] {Double.parseDouble(args[5]),
                        Double.parseDouble(args[6]), Double.parseDouble(args[7])});
        }
        long t0 = System.nanoTime();
        PhantomCase c = ThoraxPhantom.generate(seed, cfg);
        long t1 = System.nanoTime();
        write(c, out);
        System.out.printf("seed %d: %s in %.0f ms, noise %.1f HU -> %s%n",
                seed, cfg, (t1 - t0) / 1e6, c.noiseSigmaHu(), out);
    }

    /** Writes the sheet of one case to a PNG file. */
    public static void write(PhantomCase c, Path file) throws IOException {
        Volume img = c.image();
        Volume lab = c.labels();
        double[] s = img.spacing();
        int w = (int) Math.round(img.nx() * s[0]);
        int hgt = (int) Math.round(img.ny() * s[1]);
        int d = (int) Math.round(img.nz() * s[2]);
        int cols = 5;
        int[] zs = axialLevels(lab, cols);
        int sheetW = Math.max(cols * w, 2 * w + hgt);
        BufferedImage out = new BufferedImage(sheetW, 2 * hgt + d,
                BufferedImage.TYPE_INT_RGB);
        for (int n = 0; n < cols; n++) {
            int z = zs[n];
            draw(out, n * w, 0, w, hgt, (px, py) -> pick(img, lab, s, px, py, z,
                    0), -1000, 400, false);
            draw(out, n * w, hgt, w, hgt, (px, py) -> pick(img, lab, s, px, py,
                    z, 0), -160, 240, true);
        }
        int yMid = centreRow(lab);
        int xMid = centreColumn(lab);
        draw(out, 0, 2 * hgt, w, d, (px, py) -> pick(img, lab, s, px,
                d - 1 - py, yMid, 1), -1000, 400, true);
        draw(out, w, 2 * hgt, w, d, (px, py) -> pick(img, lab, s, px,
                d - 1 - py, yMid, 1), -160, 240, true);
        draw(out, 2 * w, 2 * hgt, hgt, d, (px, py) -> pick(img, lab, s, px,
                d - 1 - py, xMid, 2), -160, 240, true);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ImageIO.write(out, "png", file.toFile());
    }

    /**
     * Writes one slice at {@code scale} pixels per millimetre, in the
     * window [lo, hi] HU, labels outlined. view 0 axial (index z), 1
     * coronal (index y), 2 sagittal (index x).
     */
    static void writeSlice(PhantomCase c, int view, int index, double lo,
            double hi, int scale, Path file) throws IOException {
        Volume img = c.image();
        Volume lab = c.labels();
        double[] s = img.spacing();
        int wx = (int) Math.round(img.nx() * s[0] * scale);
        int wy = (int) Math.round(img.ny() * s[1] * scale);
        int wz = (int) Math.round(img.nz() * s[2] * scale);
        int w = view == 2 ? wy : wx;
        int hgt = view == 0 ? wy : wz;
        BufferedImage out = new BufferedImage(w, hgt, BufferedImage.TYPE_INT_RGB);
        if (view == 0) {
            draw(out, 0, 0, w, hgt, (px, py) -> pick(img, lab, s, px / scale,
                    py / scale, index, 0), lo, hi, true);
        } else {
            int d = wz / scale;
            draw(out, 0, 0, w, hgt, (px, py) -> pick(img, lab, s, px / scale,
                    d - 1 - py / scale, index, view), lo, hi, true);
        }
        ImageIO.write(out, "png", file.toFile());
    }

    private interface Sampler {
        /** {hu, label} at pixel (px, py) of a panel. */
        float[] at(int px, int py);
    }

    /**
     * Value and label at a panel pixel. view 0: axial (px x, py y) at
     * slice z = fixed; 1: coronal (px x, py z) at y = fixed; 2: sagittal
     * (px y, py z) at x = fixed.
     */
    private static float[] pick(Volume img, Volume lab, double[] s, int px,
            int py, int fixed, int view) {
        int x;
        int y;
        int z;
        if (view == 0) {
            x = (int) (px / s[0]);
            y = (int) (py / s[1]);
            z = fixed;
        } else if (view == 1) {
            x = (int) (px / s[0]);
            y = fixed;
            z = (int) (py / s[2]);
        } else {
            x = fixed;
            y = (int) (px / s[1]);
            z = (int) (py / s[2]);
        }
        x = Math.min(img.nx() - 1, Math.max(0, x));
        y = Math.min(img.ny() - 1, Math.max(0, y));
        z = Math.min(img.nz() - 1, Math.max(0, z));
        return new float[] {img.get(x, y, z), lab.get(x, y, z)};
    }

    private static void draw(BufferedImage out, int x0, int y0, int w, int h,
            Sampler f, double lo, double hi, boolean outline) {
        float[][] hu = new float[h][w];
        int[][] lb = new int[h][w];
        for (int py = 0; py < h; py++) {
            for (int px = 0; px < w; px++) {
                float[] v = f.at(px, py);
                hu[py][px] = v[0];
                lb[py][px] = (int) v[1];
            }
        }
        for (int py = 0; py < h; py++) {
            for (int px = 0; px < w; px++) {
                int g = (int) Math.round(255 * Math.min(1, Math.max(0,
                        (hu[py][px] - lo) / (hi - lo))));
                int rgb = g << 16 | g << 8 | g;
                int l = lb[py][px];
                if (outline && l > 0) {
                    boolean edge = px == 0 || py == 0 || px == w - 1
                            || py == h - 1 || lb[py][px - 1] != l
                            || lb[py][px + 1] != l || lb[py - 1][px] != l
                            || lb[py + 1][px] != l;
                    rgb = edge ? COLOURS[l] : mixColour(rgb, COLOURS[l], 0.15);
                }
                out.setRGB(x0 + px, y0 + py, rgb);
            }
        }
    }

    private static int mixColour(int a, int b, double t) {
        int r = (int) ((a >> 16 & 255) * (1 - t) + (b >> 16 & 255) * t);
        int g = (int) ((a >> 8 & 255) * (1 - t) + (b >> 8 & 255) * t);
        int bl = (int) ((a & 255) * (1 - t) + (b & 255) * t);
        return r << 16 | g << 8 | bl;
    }

    /**
     * Slices from low to high through the labelled range: heart, below
     * the carina, the carina, the arch, above the arch.
     */
    static int[] axialLevels(Volume lab, int n) {
        int lo = lab.nz();
        int hi = -1;
        for (int z = 0; z < lab.nz(); z++) {
            for (int p = z * lab.nx() * lab.ny(); p < (z + 1) * lab.nx()
                    * lab.ny(); p++) {
                if (lab.voxels()[p] > 0) {
                    lo = Math.min(lo, z);
                    hi = Math.max(hi, z);
                    break;
                }
            }
        }
        if (hi < 0) {
            lo = 0;
            hi = lab.nz() - 1;
        }
        int[] zs = new int[n];
        for (int i = 0; i < n; i++) {
            zs[i] = lo + (int) Math.round((hi - lo) * (i + 0.5) / n);
        }
        return zs;
    }

    private static int centreRow(Volume lab) {
        return (int) Math.round(centroid(lab, 3)[1]);
    }

    private static int centreColumn(Volume lab) {
        return (int) Math.round(centroid(lab, 3)[0]);
    }

    private static double[] centroid(Volume lab, int label) {
        double[] s = new double[3];
        long n = 0;
        for (int z = 0; z < lab.nz(); z++) {
            for (int y = 0; y < lab.ny(); y++) {
                for (int x = 0; x < lab.nx(); x++) {
                    if (lab.get(x, y, z) == label) {
                        s[0] += x;
                        s[1] += y;
                        s[2] += z;
                        n++;
                    }
                }
            }
        }
        if (n == 0) {
            return new double[] {lab.nx() / 2.0, lab.ny() / 2.0, lab.nz() / 2.0};
        }
        return new double[] {s[0] / n, s[1] / n, s[2] / n};
    }
}
