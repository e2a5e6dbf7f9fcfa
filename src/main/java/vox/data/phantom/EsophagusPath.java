package vox.data.phantom;

import java.util.List;

/**
 * The esophagus: a flattened tube described slice by slice. At each
 * sampled level w it is an ellipse with centre (u, v), semi-axes a
 * (its width) and b (its depth) turned by theta; it ends in a flat cap
 * at the level {@link #wEnd} where it joins the stomach.
 */
final class EsophagusPath implements Obstacle {
    /** Levels, descending from the top; evenly spaced by {@link #step}. */
    final double[] w;
    final double[] u;
    final double[] v;
    final double[] a;
    final double[] b;
    final double[] theta;
    final double step;
    final double wEnd;

    EsophagusPath(double wTop, double wEnd, double step) {
        int n = (int) Math.ceil((wTop - wEnd) / step) + 1;
        this.w = new double[n];
        this.u = new double[n];
        this.v = new double[n];
        this.a = new double[n];
        this.b = new double[n];
        this.theta = new double[n];
        this.step = step;
        this.wEnd = wEnd;
        for (int i = 0; i < n; i++) {
            w[i] = Math.max(wEnd, wTop - i * step);
        }
    }

    int samples() {
        return w.length;
    }

    /** Interpolated parameters {u, v, a, b, theta} at level ww. */
    double[] at(double ww) {
        double x = (w[0] - ww) / step;
        int i = (int) Math.floor(x);
        if (i < 0) {
            return new double[] {u[0], v[0], a[0], b[0], theta[0]};
        }
        int last = w.length - 1;
        if (i >= last) {
            return new double[] {u[last], v[last], a[last], b[last],
                theta[last]};
        }
        double t = x - i;
        return new double[] {Sdf.lerp(u[i], u[i + 1], t),
            Sdf.lerp(v[i], v[i + 1], t), Sdf.lerp(a[i], a[i + 1], t),
            Sdf.lerp(b[i], b[i + 1], t), Sdf.lerp(theta[i], theta[i + 1], t)};
    }

    /** In-plane distance to the ellipse {u, v, a, b, theta} of a level. */
    static double ellipseAt(double[] e, double pu, double pv) {
        double du = pu - e[0];
        double dv = pv - e[1];
        double c = StrictMath.cos(e[4]);
        double s = StrictMath.sin(e[4]);
        return Sdf.ellipse(c * du + s * dv, -s * du + c * dv, e[2], e[3]);
    }

    @Override
    public double sdf(double pu, double pv, double pw) {
        if (pw < wEnd - 50 || pw > w[0] + 50) {
            return Sdf.FAR;
        }
        double d = ellipseAt(at(pw), pu, pv);
        return Math.max(d, wEnd - pw);
    }

    /**
     * Half-width of sample i in the in-plane direction (nu, nv), unit.
     */
    double extent(int i, double nu, double nv) {
        double c = StrictMath.cos(theta[i]);
        double s = StrictMath.sin(theta[i]);
        double p = c * nu + s * nv;
        double q = -s * nu + c * nv;
        return Math.sqrt(Tube.sq(a[i] * p) + Tube.sq(b[i] * q));
    }

    /**
     * Moves each sample within its level, out of the obstacles, until the
     * wall keeps {@code gap} mm from them.
     */
    void repel(List<Obstacle> obstacles, double gap) {
        for (int round = 0; round < 6; round++) {
            boolean moved = false;
            for (int i = 0; i < w.length; i++) {
                for (Obstacle o : obstacles) {
                    moved |= pushOut(o, i, gap);
                }
            }
            if (!moved) {
                return;
            }
            if (round < 4) {
                smooth();
            }
        }
    }

    private boolean pushOut(Obstacle o, int i, double gap) {
        double e = 0.5;
        double d = o.sdf(u[i], v[i], w[i]);
        if (d > 40) {
            return false;
        }
        double gu = o.sdf(u[i] + e, v[i], w[i]) - o.sdf(u[i] - e, v[i], w[i]);
        double gv = o.sdf(u[i], v[i] + e, w[i]) - o.sdf(u[i], v[i] - e, w[i]);
        double g = Math.sqrt(gu * gu + gv * gv);
        if (g < 1e-9) {
            return false;
        }
        double nu = gu / g;
        double nv = gv / g;
        // a slanted surface is farther away within the level than along
        // its normal: divide by the in-plane part of the gradient
        double inPlane = Sdf.clamp(g / (2 * e), 0.2, 1);
        double need = extent(i, nu, nv) + gap;
        double dPlane = d / inPlane;
        if (dPlane >= need) {
            return false;
        }
        double move = need - dPlane;
        u[i] += nu * move;
        v[i] += nv * move;
        return true;
    }

    private void smooth() {
        double[] cu = u.clone();
        double[] cv = v.clone();
        for (int i = 1; i + 1 < w.length; i++) {
            u[i] = 0.25 * cu[i - 1] + 0.5 * cu[i] + 0.25 * cu[i + 1];
            v[i] = 0.25 * cv[i - 1] + 0.5 * cv[i] + 0.25 * cv[i + 1];
        }
    }
}
