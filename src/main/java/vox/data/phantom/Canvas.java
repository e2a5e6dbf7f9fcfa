package vox.data.phantom;

import java.util.Arrays;

/**
 * The image being painted: Hounsfield units and labels, voxel order of
 * {@link vox.data.Volume}.
 *
 * <p>Each tissue is painted over what lies below it with its partial
 * volume: the fraction of the voxel on the tissue's side of its surface.
 * For a surface at signed distance d from the voxel centre with unit
 * normal n, a voxel of size (sx, sy, sz) spans about
 * {@code h = |n_xy| * s_xy + |n_z| * sz} along n, and the covered
 * fraction is the linear ramp {@code 0.5 - d / h} clamped to [0, 1]. A
 * label is the tissue that covers the voxel centre (d < 0) and was
 * painted last.
 */
final class Canvas {
    final Grid grid;
    final float[] hu;
    final byte[] label;
    /** Extent of a voxel along an in-plane normal, mm. */
    final double inPlane;
    /** Extent of a voxel along z, mm. */
    final double axial;
    /** Half the widest ramp: beyond it no normal gives any coverage. */
    final double reach;

    Canvas(Grid grid, double backgroundHu) {
        this.grid = grid;
        this.hu = new float[grid.size()];
        this.label = new byte[grid.size()];
        Arrays.fill(hu, (float) backgroundHu);
        this.inPlane = 0.5 * (grid.sx + grid.sy);
        this.axial = grid.sz;
        this.reach = 0.5 * Math.sqrt(inPlane * inPlane + axial * axial);
    }

    /** Width of the ramp for a normal whose z component is nz. */
    double ramp(double nz) {
        double z = Math.min(1, Math.abs(nz));
        return inPlane * Math.sqrt(1 - z * z) + axial * z;
    }

    /** Fraction of a voxel covered by a shape at signed distance d. */
    double cover(double d, double nz) {
        double f = 0.5 - d / ramp(nz);
        return f <= 0 ? 0 : (f >= 1 ? 1 : f);
    }

    /**
     * Paints value over voxel p with the coverage of distance d and a
     * surface normal of z component nz; labels the voxel when d < 0.
     */
    void paint(int p, double d, double nz, double value, int lab) {
        if (d >= reach) {
            return;
        }
        double f = cover(d, nz);
        if (f > 0) {
            hu[p] += (float) (f * (value - hu[p]));
        }
        if (d < 0) {
            label[p] = (byte) lab;
        }
    }

    /** Paints with coverage f and leaves the labels alone. */
    void blend(int p, double f, double value) {
        if (f > 0) {
            hu[p] += (float) (f * (value - hu[p]));
        }
    }
}
