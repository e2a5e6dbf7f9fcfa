package vox.data.phantom;

/** A solid that other structures are kept out of, by its distance. */
interface Obstacle {

    /** Signed distance to the surface, mm. */
    double sdf(double u, double v, double w);

    /**
     * A lower bound of {@link #sdf}, cheap to compute, used to skip far
     * obstacles; the default bound tells nothing.
     */
    default double lowerBound(double u, double v, double w) {
        return Double.NEGATIVE_INFINITY;
    }

    /**
     * Moves node i of the tube along this obstacle's outward normal until
     * the node lies {@code clearance} mm from the surface.
     *
     * @return whether the node moved
     */
    default boolean pushOut(Tube t, int i, double clearance) {
        if (lowerBound(t.u[i], t.v[i], t.w[i]) >= clearance) {
            return false;
        }
        double d = sdf(t.u[i], t.v[i], t.w[i]);
        if (d >= clearance) {
            return false;
        }
        double e = 0.5;
        double gu = sdf(t.u[i] + e, t.v[i], t.w[i])
                - sdf(t.u[i] - e, t.v[i], t.w[i]);
        double gv = sdf(t.u[i], t.v[i] + e, t.w[i])
                - sdf(t.u[i], t.v[i] - e, t.w[i]);
        double gw = sdf(t.u[i], t.v[i], t.w[i] + e)
                - sdf(t.u[i], t.v[i], t.w[i] - e);
        double g = Math.sqrt(gu * gu + gv * gv + gw * gw);
        if (g < 1e-9) {
            return false;
        }
        double step = (clearance - d) / g;
        t.u[i] += gu * step;
        t.v[i] += gv * step;
        t.w[i] += gw * step;
        t.moved();
        return true;
    }
}
