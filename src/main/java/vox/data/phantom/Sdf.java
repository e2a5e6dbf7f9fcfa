package vox.data.phantom;

/**
 * Signed distance helpers, in millimetres: negative inside, positive
 * outside.
 *
 * <p>The ellipse and ellipsoid distances are first-order estimates
 * {@code (F - 1) / |grad F|} of a shape function F that is homogeneous of
 * degree one. They are exact on the surface and good within a few
 * millimetres of it, which is all that partial-volume rendering and the
 * thin fat layers between organs need.
 */
final class Sdf {

    /** Distance reported where a shape is absent. */
    static final float FAR = 1e6f;

    private Sdf() {
    }

    /** Ellipse centred at the origin with semi-axes a (x) and b (y). */
    static double ellipse(double x, double y, double a, double b) {
        double px = x / a;
        double py = y / b;
        double f = Math.sqrt(px * px + py * py);
        if (f < 1e-9) {
            return -Math.min(a, b);
        }
        // grad F = (px / a, py / b) / F
        double gx = px / a;
        double gy = py / b;
        double g = Math.sqrt(gx * gx + gy * gy) / f;
        return (f - 1) / g;
    }

    /** Superellipse |x/a|^3 + |y/b|^3 = 1: an ellipse with squarer sides. */
    static double superellipse3(double x, double y, double a, double b) {
        double px = Math.abs(x) / a;
        double py = Math.abs(y) / b;
        double s = px * px * px + py * py * py;
        if (s < 1e-18) {
            return -Math.min(a, b);
        }
        double f = StrictMath.cbrt(s);
        // dF/dx = px^2 / (a F^2)
        double gx = px * px / a;
        double gy = py * py / b;
        double g = Math.sqrt(gx * gx + gy * gy) / (f * f);
        return (f - 1) / g;
    }

    /**
     * A closed outline made of two halves that meet on the x axis: an
     * ellipse (a, bFront) for y < 0 and a superellipse (a, bBack) for
     * y >= 0, the flatter back of a patient lying on a table.
     */
    static double torso(double x, double y, double a, double bFront,
            double bBack) {
        return y < 0 ? ellipse(x, y, a, bFront)
                : superellipse3(x, y, a, bBack);
    }

    /** Ellipsoid centred at the origin with semi-axes a, b, c. */
    static double ellipsoid(double x, double y, double z, double a,
            double b, double c) {
        double px = x / a;
        double py = y / b;
        double pz = z / c;
        double f = Math.sqrt(px * px + py * py + pz * pz);
        if (f < 1e-9) {
            return -Math.min(a, Math.min(b, c));
        }
        double gx = px / a;
        double gy = py / b;
        double gz = pz / c;
        double g = Math.sqrt(gx * gx + gy * gy + gz * gz) / f;
        return (f - 1) / g;
    }

    /** Rounded-free box of half sizes (hx, hy) centred at the origin. */
    static double box(double x, double y, double hx, double hy) {
        double qx = Math.abs(x) - hx;
        double qy = Math.abs(y) - hy;
        double ox = Math.max(qx, 0);
        double oy = Math.max(qy, 0);
        return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0);
    }

    /** Distance outside the interval [lo, hi] (negative inside). */
    static double slab(double t, double lo, double hi) {
        return Math.max(lo - t, t - hi);
    }

    /** Smooth union of two distances; k is the blending width in mm. */
    static double smin(double a, double b, double k) {
        double h = Math.max(k - Math.abs(a - b), 0) / k;
        return Math.min(a, b) - h * h * k * 0.25;
    }

    /** Smooth intersection. */
    static double smax(double a, double b, double k) {
        return -smin(-a, -b, k);
    }

    static double clamp(double x, double lo, double hi) {
        return x < lo ? lo : (x > hi ? hi : x);
    }

    /** 0 at edge0, 1 at edge1, cubic in between; edges in either order. */
    static double smoothstep(double edge0, double edge1, double x) {
        double t = clamp((x - edge0) / (edge1 - edge0), 0, 1);
        return t * t * (3 - 2 * t);
    }

    static double lerp(double a, double b, double t) {
        return a + (b - a) * t;
    }
}
