package vox.metrics;

/**
 * Log-gamma, the regularized incomplete beta function and the F
 * distribution's tail, in double precision (relative error about 1e-13
 * over the ranges that statistics tests use).
 */
public final class SpecialFunctions {

    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private SpecialFunctions() {
    }

    /**
     * ln Gamma(x) for x > 0: shifted up to x >= 15 with
     * {@code Gamma(x) = Gamma(x + 1) / x}, then Stirling's series
     * {@code (x - 1/2) ln x - x + ln(2 pi) / 2 + 1/(12x) - 1/(360x^3)
     * + 1/(1260x^5) - 1/(1680x^7)}, whose next term is below 1e-12 there.
     *
     * @throws IllegalArgumentException for x <= 0 or NaN
     */
    public static double logGamma(double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("logGamma: x must be positive, got " + x);
        }
        double shift = 0;
        while (x < 15) {
            shift += Math.log(x);
            x += 1;
        }
        double inv = 1 / x;
        double inv2 = inv * inv;
        double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260
                - inv2 / 1680)));
        return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series - shift;
    }

    /**
     * The regularized incomplete beta function
     * {@code I_x(a, b) = B(x; a, b) / B(a, b)}, by its continued fraction
     * evaluated with the modified Lentz method; for
     * {@code x > (a + 1) / (a + b + 2)} through
     * {@code I_x(a, b) = 1 - I_{1-x}(b, a)}, where the fraction converges
     * fast.
     *
     * @throws IllegalArgumentException for a or b not positive, x outside [0, 1]
     */
    public static double regularizedBeta(double x, double a, double b) {
        if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1)) {
            throw new IllegalArgumentException("regularizedBeta: expected a, b > 0 and"
                    + " 0 <= x <= 1, got x " + x + ", a " + a + ", b " + b);
        }
        if (x == 0 || x == 1) {
            return x;
        }
        if (x > (a + 1) / (a + b + 2)) {
            return 1 - regularizedBeta(1 - x, b, a);
        }
        double logFront = a * Math.log(x) + b * Math.log1p(-x)
                - (logGamma(a) + logGamma(b) - logGamma(a + b));
        return Math.exp(logFront) / a * betaFraction(x, a, b);
    }

    /**
     * The continued fraction 1 / (1 + d1 / (1 + d2 / (1 + ...))) with
     * {@code d(2m+1) = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1))} and
     * {@code d(2m) = m (b-m) x / ((a+2m-1)(a+2m))}.
     */
    private static double betaFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        final double eps = 1e-15;
        // modified Lentz, started after the first level: f = 1/1, c = 1/0
        double f = 1;
        double c = Double.POSITIVE_INFINITY;
        double d = 1;
        for (int j = 1; j <= 10000; j++) {
            int m = j / 2;
            double num;
            if (j % 2 == 1) {
                num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            } else {
                num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            }
            d = 1 + num * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < eps) {
                return f;
            }
        }
        throw new ArithmeticException("regularizedBeta: continued fraction did not converge"
                + " for x " + x + ", a " + a + ", b " + b);
    }

    /**
     * P(F > f) for the F distribution with d1 and d2 degrees of freedom:
     * {@code I_{d2 / (d2 + d1 f)}(d2 / 2, d1 / 2)}; 1 for f <= 0, 0 for
     * f = +infinity, NaN for NaN.
     *
     * @throws IllegalArgumentException when a degree of freedom is not positive
     */
    public static double fSurvival(double f, double d1, double d2) {
        if (!(d1 > 0) || !(d2 > 0)) {
            throw new IllegalArgumentException("fSurvival: degrees of freedom must be"
                    + " positive, got " + d1 + " and " + d2);
        }
        if (Double.isNaN(f)) {
            return Double.NaN;
        }
        if (f <= 0) {
            return 1;
        }
        if (f == Double.POSITIVE_INFINITY) {
            return 0;
        }
        return regularizedBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
    }
}
