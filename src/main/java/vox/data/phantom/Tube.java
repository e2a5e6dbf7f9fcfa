package vox.data.phantom;

import java.util.ArrayList;
import java.util.List;

/**
 * A vessel or airway: a polyline of nodes, each with a radius, whose
 * surface is the set of points at the interpolated radius from it.
 * Built from a few control points through a Catmull-Rom spline, so that
 * the centreline bends smoothly.
 */
final class Tube implements Obstacle {
    final double[] u;
    final double[] v;
    final double[] w;
    final double[] r;
    /** Box around the tube, dropped whenever a node moves. */
    private double[] box;

    Tube(double[] u, double[] v, double[] w, double[] r) {
        this.u = u;
        this.v = v;
        this.w = w;
        this.r = r;
    }

    int nodes() {
        return u.length;
    }

    /**
     * A smooth tube through control points {u, v, w, radius}, sampled
     * about every {@code step} mm.
     */
    static Tube spline(double[][] ctrl, double step) {
        int m = ctrl.length;
        List<double[]> out = new ArrayList<>();
        for (int s = 0; s + 1 < m; s++) {
            double[] p0 = ctrl[Math.max(0, s - 1)];
            double[] p1 = ctrl[s];
            double[] p2 = ctrl[s + 1];
            double[] p3 = ctrl[Math.min(m - 1, s + 2)];
            double len = Math.sqrt(sq(p2[0] - p1[0]) + sq(p2[1] - p1[1])
                    + sq(p2[2] - p1[2]));
            int n = Math.max(1, (int) Math.ceil(len / step));
            for (int t = 0; t < n; t++) {
                out.add(catmullRom(p0, p1, p2, p3, t / (double) n));
            }
        }
        out.add(ctrl[m - 1].clone());
        int n = out.size();
        double[] u = new double[n];
        double[] v = new double[n];
        double[] w = new double[n];
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            double[] p = out.get(i);
            u[i] = p[0];
            v[i] = p[1];
            w[i] = p[2];
            r[i] = p[3];
        }
        return new Tube(u, v, w, r);
    }

    private static double[] catmullRom(double[] p0, double[] p1,
            double[] p2, double[] p3, double t) {
        double t2 = t * t;
        double t3 = t2 * t;
        double[] q = new double[4];
        for (int c = 0; c < 4; c++) {
            q[c] = 0.5 * (2 * p1[c] + (p2[c] - p0[c]) * t
                    + (2 * p0[c] - 5 * p1[c] + 4 * p2[c] - p3[c]) * t2
                    + (3 * p1[c] - p0[c] - 3 * p2[c] + p3[c]) * t3);
        }
        // the radius must not overshoot below its neighbours
        q[3] = Math.max(q[3], Math.min(p1[3], p2[3]) * 0.9);
        return q;
    }

    /** The first {@code length} mm of this tube along its centreline. */
    Tube prefix(double length) {
        List<double[]> out = new ArrayList<>();
        out.add(new double[] {u[0], v[0], w[0], r[0]});
        double s = 0;
        for (int i = 1; i < u.length; i++) {
            double seg = Math.sqrt(sq(u[i] - u[i - 1]) + sq(v[i] - v[i - 1])
                    + sq(w[i] - w[i - 1]));
            if (s + seg >= length) {
                double t = (length - s) / seg;
                out.add(new double[] {Sdf.lerp(u[i - 1], u[i], t),
                    Sdf.lerp(v[i - 1], v[i], t), Sdf.lerp(w[i - 1], w[i], t),
                    Sdf.lerp(r[i - 1], r[i], t)});
                break;
            }
            s += seg;
            out.add(new double[] {u[i], v[i], w[i], r[i]});
        }
        if (out.size() == 1) {
            out.add(out.get(0).clone());
        }
        return fromList(out);
    }

    private static Tube fromList(List<double[]> pts) {
        int n = pts.size();
        double[] u = new double[n];
        double[] v = new double[n];
        double[] w = new double[n];
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = pts.get(i)[0];
            v[i] = pts.get(i)[1];
            w[i] = pts.get(i)[2];
            r[i] = pts.get(i)[3];
        }
        return new Tube(u, v, w, r);
    }

    /** Node i as {u, v, w, r}. */
    double[] node(int i) {
        return new double[] {u[i], v[i], w[i], r[i]};
    }

    /** Millimetre box {uLo, uHi, vLo, vHi, wLo, wHi} around the tube. */
    double[] box() {
        if (box == null) {
            box = computeBox();
        }
        return box.clone();
    }

    /** To be called after moving nodes. */
    void moved() {
        box = null;
    }

    private double[] computeBox() {
        double[] b = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE,
            -Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = 0; i < u.length; i++) {
            b[0] = Math.min(b[0], u[i] - r[i]);
            b[1] = Math.max(b[1], u[i] + r[i]);
            b[2] = Math.min(b[2], v[i] - r[i]);
            b[3] = Math.max(b[3], v[i] + r[i]);
            b[4] = Math.min(b[4], w[i] - r[i]);
            b[5] = Math.max(b[5], w[i] + r[i]);
        }
        return b;
    }

    /**
     * Writes min(field, distance - (radius + grow)) into every voxel of
     * the field within {@code margin} mm of the grown surface.
     */
    void splat(Field f, double grow, double margin) {
        if (f.isEmpty()) {
            return;
        }
        Grid g = f.grid;
        for (int s = 0; s + 1 < u.length; s++) {
            double reach = Math.max(r[s], r[s + 1]) + grow + margin;
            int i0 = Math.max(f.i0, g.iLo(Math.min(u[s], u[s + 1]) - reach));
            int i1 = Math.min(f.iEnd(), g.iHi(Math.max(u[s], u[s + 1]) + reach));
            int j0 = Math.max(f.j0, g.jLo(Math.min(v[s], v[s + 1]) - reach));
            int j1 = Math.min(f.jEnd(), g.jHi(Math.max(v[s], v[s + 1]) + reach));
            int k0 = Math.max(f.k0, g.kLo(Math.min(w[s], w[s + 1]) - reach));
            int k1 = Math.min(f.kEnd(), g.kHi(Math.max(w[s], w[s + 1]) + reach));
            double eu = u[s + 1] - u[s];
            double ev = v[s + 1] - v[s];
            double ew = w[s + 1] - w[s];
            double ee = eu * eu + ev * ev + ew * ew;
            double inv = ee > 1e-12 ? 1 / ee : 0;
            for (int k = k0; k <= k1; k++) {
                double pw = g.w(k) - w[s];
                for (int j = j0; j <= j1; j++) {
                    double pv = g.v(j) - v[s];
                    int base = f.at(i0, j, k);
                    for (int i = i0; i <= i1; i++) {
                        double pu = g.u(i) - u[s];
                        double t = (pu * eu + pv * ev + pw * ew) * inv;
                        t = t < 0 ? 0 : (t > 1 ? 1 : t);
                        double du = pu - t * eu;
                        double dv = pv - t * ev;
                        double dw = pw - t * ew;
                        double d = Math.sqrt(du * du + dv * dv + dw * dw)
                                - (r[s] + t * (r[s + 1] - r[s])) - grow;
                        int p = base + (i - i0);
                        if (d < f.d[p]) {
                            f.d[p] = (float) d;
                        }
                    }
                }
            }
        }
    }

    /**
     * Distance from a point to the box around the tube: no point of the
     * tube's surface is nearer.
     */
    @Override
    public double lowerBound(double pu, double pv, double pw) {
        if (box == null) {
            box = computeBox();
        }
        double[] b = box;
        double du = Math.max(0, Math.max(b[0] - pu, pu - b[1]));
        double dv = Math.max(0, Math.max(b[2] - pv, pv - b[3]));
        double dw = Math.max(0, Math.max(b[4] - pw, pw - b[5]));
        return Math.sqrt(du * du + dv * dv + dw * dw);
    }

    @Override
    public double sdf(double pu, double pv, double pw) {
        double best = Double.MAX_VALUE;
        for (int s = 0; s + 1 < u.length; s++) {
            double eu = u[s + 1] - u[s];
            double ev = v[s + 1] - v[s];
            double ew = w[s + 1] - w[s];
            double ee = eu * eu + ev * ev + ew * ew;
            double qu = pu - u[s];
            double qv = pv - v[s];
            double qw = pw - w[s];
            double t = ee > 1e-12 ? (qu * eu + qv * ev + qw * ew) / ee : 0;
            t = t < 0 ? 0 : (t > 1 ? 1 : t);
            double du = qu - t * eu;
            double dv = qv - t * ev;
            double dw = qw - t * ew;
            double d = Math.sqrt(du * du + dv * dv + dw * dw)
                    - (r[s] + t * (r[s + 1] - r[s]));
            if (d < best) {
                best = d;
            }
        }
        return best;
    }

    /**
     * Moves the free nodes (index >= firstFree and < lastFree) out of the
     * obstacles until each node's surface keeps {@code gap} mm from them,
     * smoothing the centreline between rounds so it stays a curve.
     */
    void repel(List<Obstacle> obstacles, double gap, int firstFree,
            int lastFree) {
        for (int round = 0; round < 6; round++) {
            boolean moved = false;
            for (int i = firstFree; i < lastFree; i++) {
                for (Obstacle o : obstacles) {
                    moved |= o.pushOut(this, i, r[i] + gap);
                }
            }
            if (!moved) {
                return;
            }
            if (round < 4) {
                smooth(firstFree, lastFree);
            }
        }
    }

    private void smooth(int from, int to) {
        moved();
        double[][] c = {u.clone(), v.clone(), w.clone()};
        double[][] a = {u, v, w};
        for (int i = Math.max(1, from); i < Math.min(to, u.length - 1); i++) {
            for (int d = 0; d < 3; d++) {
                a[d][i] = 0.25 * c[d][i - 1] + 0.5 * c[d][i]
                        + 0.25 * c[d][i + 1];
            }
        }
    }

    static double sq(double x) {
        return x * x;
    }
}
