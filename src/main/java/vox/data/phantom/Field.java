package vox.data.phantom;

import java.util.Arrays;

/**
 * A signed distance (mm) sampled at the voxel centres of a box of the
 * grid. Voxels outside the box, or never written, read {@link Sdf#FAR}.
 * Shapes fill it by taking minima, so one field can hold a union.
 */
final class Field {
    final Grid grid;
    final int i0;
    final int j0;
    final int k0;
    final int ni;
    final int nj;
    final int nk;
    final float[] d;

    private Field(Grid grid, int i0, int i1, int j0, int j1, int k0,
            int k1) {
        this.grid = grid;
        this.i0 = i0;
        this.j0 = j0;
        this.k0 = k0;
        this.ni = Math.max(0, i1 - i0 + 1);
        this.nj = Math.max(0, j1 - j0 + 1);
        this.nk = Math.max(0, k1 - k0 + 1);
        this.d = new float[ni * nj * nk];
        Arrays.fill(d, Sdf.FAR);
    }

    /** The part of the grid inside the given millimetre box. */
    static Field over(Grid g, double[] box) {
        int i0 = Math.max(0, g.iLo(box[0]));
        int i1 = Math.min(g.nx - 1, g.iHi(box[1]));
        int j0 = Math.max(0, g.jLo(box[2]));
        int j1 = Math.min(g.ny - 1, g.jHi(box[3]));
        int k0 = Math.max(0, g.kLo(box[4]));
        int k1 = Math.min(g.nz - 1, g.kHi(box[5]));
        return new Field(g, i0, i1, j0, j1, k0, k1);
    }

    boolean isEmpty() {
        return d.length == 0;
    }

    float get(int i, int j, int k) {
        int a = i - i0;
        int b = j - j0;
        int c = k - k0;
        if (a < 0 || b < 0 || c < 0 || a >= ni || b >= nj || c >= nk) {
            return Sdf.FAR;
        }
        return d[(c * nj + b) * ni + a];
    }

    /** Index into {@link #d} of a voxel known to lie in the box. */
    int at(int i, int j, int k) {
        return ((k - k0) * nj + (j - j0)) * ni + (i - i0);
    }

    void min(int i, int j, int k, double value) {
        int p = at(i, j, k);
        if (value < d[p]) {
            d[p] = (float) value;
        }
    }

    /** The millimetre box spanned by the voxel centres of this field. */
    double[] box() {
        if (isEmpty()) {
            double inf = Double.POSITIVE_INFINITY;
            return new double[] {inf, -inf, inf, -inf, inf, -inf};
        }
        return new double[] {grid.u(i0), grid.u(iEnd()), grid.v(j0),
            grid.v(jEnd()), grid.w(k0), grid.w(kEnd())};
    }

    int iEnd() {
        return i0 + ni - 1;
    }

    int jEnd() {
        return j0 + nj - 1;
    }

    int kEnd() {
        return k0 + nk - 1;
    }

    /** Grows a millimetre box {uLo, uHi, vLo, vHi, wLo, wHi} by m. */
    static double[] grow(double[] box, double m) {
        return new double[] {box[0] - m, box[1] + m, box[2] - m,
            box[3] + m, box[4] - m, box[5] + m};
    }

    /** The smallest box holding both. */
    static double[] union(double[] a, double[] b) {
        return new double[] {Math.min(a[0], b[0]), Math.max(a[1], b[1]),
            Math.min(a[2], b[2]), Math.max(a[3], b[3]),
            Math.min(a[4], b[4]), Math.max(a[5], b[5])};
    }
}
