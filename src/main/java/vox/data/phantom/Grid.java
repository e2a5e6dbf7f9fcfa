package vox.data.phantom;

/**
 * Maps voxel indices to the phantom's anatomical frame, in millimetres.
 *
 * <p>u grows to the patient's left (with x), v grows to the posterior
 * (with y), w grows to the superior (with z). u = v = 0 is the axis of
 * the body; w = 0 is the level of the carina. Voxel centres sit at
 * {@code u(i) = u0 + i * sx}, and so on.
 */
final class Grid {
    final int nx;
    final int ny;
    final int nz;
    final double sx;
    final double sy;
    final double sz;
    final double u0;
    final double v0;
    final double w0;

    /**
     * @param uCentre anatomical u at the centre of the volume
     * @param vCentre anatomical v at the centre of the volume
     * @param wCentre anatomical w at the centre of the volume
     */
    Grid(int nx, int ny, int nz, double[] spacing, double uCentre,
            double vCentre, double wCentre) {
        this.nx = nx;
        this.ny = ny;
        this.nz = nz;
        this.sx = spacing[0];
        this.sy = spacing[1];
        this.sz = spacing[2];
        this.u0 = uCentre - 0.5 * (nx - 1) * sx;
        this.v0 = vCentre - 0.5 * (ny - 1) * sy;
        this.w0 = wCentre - 0.5 * (nz - 1) * sz;
    }

    double u(int i) {
        return u0 + i * sx;
    }

    double v(int j) {
        return v0 + j * sy;
    }

    double w(int k) {
        return w0 + k * sz;
    }

    int index(int i, int j, int k) {
        return (k * ny + j) * nx + i;
    }

    int size() {
        return nx * ny * nz;
    }

    /** First voxel index whose centre is at or after u (clamped). */
    int iLo(double u) {
        return clampI((int) Math.ceil((u - u0) / sx), nx);
    }

    /** Last voxel index whose centre is at or before u (clamped). */
    int iHi(double u) {
        return clampI((int) Math.floor((u - u0) / sx), nx);
    }

    int jLo(double v) {
        return clampI((int) Math.ceil((v - v0) / sy), ny);
    }

    int jHi(double v) {
        return clampI((int) Math.floor((v - v0) / sy), ny);
    }

    int kLo(double w) {
        return clampI((int) Math.ceil((w - w0) / sz), nz);
    }

    int kHi(double w) {
        return clampI((int) Math.floor((w - w0) / sz), nz);
    }

    private static int clampI(int i, int n) {
        return i < -1 ? -1 : (i > n ? n : i);
    }
}
