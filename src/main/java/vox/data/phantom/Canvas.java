package vox.data.phantom;

import java.util.Arrays;

/**
 * The image being painted: Hounsfield units and labels, voxel order of
 * {@link vox.data.Volume}.
 *
 * <p>Each tissue is painted over what lies below it with its partial
 * volume: the fraction of the voxel it covers, estimated from the signed
 * distance d at the voxel centre as a linear ramp 0.5 - d / h across one
 * voxel width h. A label is the tissue that covers the voxel centre
 * (d < 0) and was painted last.
 */
final class Canvas {
    final Grid grid;
    final float[] hu;
    final byte[] label;
    /** Width of the partial-volume ramp, mm. */
    final double ramp;
    final double halfRamp;

    Canvas(Grid grid, double backgroundHu) {
        this.grid = grid;
        this.hu = new float[grid.size()];
        this.label = new byte[grid.size()];
        Arrays.fill(hu, (float) backgroundHu);
        this.ramp = (grid.sx + grid.sy + grid.sz) / 3;
        this.halfRamp = 0.5 * ramp;
    }

    /** Fraction of a voxel covered by a shape at signed distance d. */
    double cover(double d) {
        double f = 0.5 - d / ramp;
        return f <= 0 ? 0 : (f >= 1 ? 1 : f);
    }

    /** Paints value over voxel p with the coverage of distance d. */
    void paint(int p, double d, double value, int lab) {
        if (d >= halfRamp) {
            return;
        }
        double f = cover(d);
        hu[p] += (float) (f * (value - hu[p]));
        if (d < 0) {
            label[p] = (byte) lab;
        }
    }

    /** Paints value with coverage f and leaves the labels alone. */
    void blend(int p, double f, double value) {
        if (f > 0) {
            hu[p] += (float) (f * (value - hu[p]));
        }
    }
}
