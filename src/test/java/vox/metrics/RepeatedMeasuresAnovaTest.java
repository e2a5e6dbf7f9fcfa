package vox.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Repeated-measures ANOVA and the special functions behind its p value:
 * residual sums of squares computed here, closed-form F tails, the paired
 * t test, numerical integration, and recorded scipy values.
 */
class RepeatedMeasuresAnovaTest {

    /** F from the two-way residuals e_ij = y_ij - S_i - M_j + G. */
    private static double fByResiduals(double[][] y) {
        int n = y.length;
        int k = y[0].length;
        double g = 0;
        for (double[] r : y) {
            for (double v : r) {
                g += v / (n * k);
            }
        }
        double ssErr = 0;
        double ssMod = 0;
        for (int j = 0; j < k; j++) {
            double mj = 0;
            for (double[] r : y) {
                mj += r[j] / n;
            }
            ssMod += n * (mj - g) * (mj - g);
            for (int i = 0; i < n; i++) {
                double si = 0;
                for (double v : y[i]) {
                    si += v / k;
                }
                double e = y[i][j] - si - mj + g;
                ssErr += e * e;
            }
        }
        return (ssMod / (k - 1)) / (ssErr / ((k - 1) * (n - 1)));
    }

    @Test
    void threeModelsMatchResidualFormulaAndClosedFormTail() {
        // five cases, three models (Dice in %)
        double[][] y = {
            {81.2, 84.0, 85.1},
            {77.5, 79.9, 80.2},
            {88.0, 88.4, 90.3},
            {70.1, 74.6, 73.9},
            {83.3, 85.0, 86.8},
        };
        RepeatedMeasuresAnova.Result r = RepeatedMeasuresAnova.test(y);
        double f = fByResiduals(y);
        assertEquals(f, r.f(), 1e-9 * f);
        assertEquals(2, r.dfModels());
        assertEquals(8, r.dfError());
        // for d1 = 2: P(F > f) = (d2 / (d2 + 2 f))^(d2 / 2)
        double p = Math.pow(8 / (8 + 2 * f), 4);
        assertEquals(p, r.p(), 1e-12);
        assertTrue(r.p() < 0.01, "a clear difference");
    }

    @Test
    void twoModelsEqualThePairedTTest() {
        // with 3 subjects, t has 2 degrees of freedom: two-sided
        // p = 1 - |t| / sqrt(2 + t^2)
        double[][] y = {{0.80, 0.86}, {0.75, 0.79}, {0.90, 0.91}};
        double[] d = {0.06, 0.04, 0.01};
        double mean = (d[0] + d[1] + d[2]) / 3;
        double var = 0;
        for (double x : d) {
            var += (x - mean) * (x - mean) / 2;
        }
        double t = mean / Math.sqrt(var / 3);
        RepeatedMeasuresAnova.Result r = RepeatedMeasuresAnova.test(y);
        assertEquals(t * t, r.f(), 1e-9 * t * t);
        assertEquals(1 - Math.abs(t) / Math.sqrt(2 + t * t), r.p(), 1e-10);
    }

    @Test
    void fTailMatchesThePublishedTableAndScipy() {
        // Table II of the reference text: two models over five runs, so
        // F(1, 4); the printed p values are rounded to 6 decimals, and
        // scipy.stats.f.sf(F, 1, 4) (scipy 1.10.1) rounds to the same.
        double[][] fp = {
            {25.117373, 0.007429}, {59.343135, 0.001528}, {13.660266, 0.020909},
            {0.063778, 0.813068}, {380.918274, 0.000041}, {0.011388, 0.920154},
            {36.212740, 0.003841}, {2.322864, 0.202163}, {125.232239, 0.000363},
        };
        for (double[] e : fp) {
            assertEquals(e[1], SpecialFunctions.fSurvival(e[0], 1, 4), 1.5e-6, "F " + e[0]);
        }
        // scipy.stats.f.sf(F, d1, d2), scipy 1.10.1
        assertEquals(0.0323886566159346, SpecialFunctions.fSurvival(3.7, 3, 17), 1e-13);
        assertEquals(0.6681186408937181, SpecialFunctions.fSurvival(0.42, 2, 10), 1e-13);
        assertEquals(2.463027289170794e-07, SpecialFunctions.fSurvival(12.5, 5, 40), 1e-18);
        assertEquals(0.5, SpecialFunctions.fSurvival(1.0, 1, 1), 1e-13);
        assertEquals(0.010333877407749624, SpecialFunctions.fSurvival(7.3, 4, 7.5), 1e-13);
    }

    @Test
    void incompleteBetaMatchesScipyAndIntegration() {
        // scipy.special.betainc(a, b, x), scipy 1.10.1
        assertEquals(0.3690101195655454, SpecialFunctions.regularizedBeta(0.3, 0.5, 0.5), 1e-13);
        assertEquals(0.9999984479014958, SpecialFunctions.regularizedBeta(0.9, 2.5, 7), 1e-13);
        assertEquals(5.872802734375004e-12, SpecialFunctions.regularizedBeta(0.05, 10, 3), 1e-24);
        assertEquals(0.9117960627949612, SpecialFunctions.regularizedBeta(0.5, 100, 120), 1e-11);

        // Simpson's rule on the beta density for a, b >= 2, where the
        // integrand is smooth enough for Simpson to reach 1e-8
        Random rnd = new Random(2);
        for (int t = 0; t < 20; t++) {
            double a = 2 + 6 * rnd.nextDouble();
            double b = 2 + 6 * rnd.nextDouble();
            double x = rnd.nextDouble();
            double lnB = SpecialFunctions.logGamma(a) + SpecialFunctions.logGamma(b)
                    - SpecialFunctions.logGamma(a + b);
            int n = 20000;
            double h = x / n;
            double sum = 0;
            for (int i = 0; i <= n; i++) {
                double u = i * h;
                double w = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2;
                double dens = u == 0 ? 0
                        : Math.exp((a - 1) * Math.log(u) + (b - 1) * Math.log1p(-u));
                sum += w * dens;
            }
            double want = sum * h / 3 / Math.exp(lnB);
            assertEquals(want, SpecialFunctions.regularizedBeta(x, a, b), 1e-8,
                    "a " + a + " b " + b + " x " + x);
        }
    }

    @Test
    void logGammaMatchesFactorials() {
        double fact = 1;
        for (int n = 1; n <= 25; n++) {
            // ln Gamma(n) = ln (n-1)!
            double want = Math.log(fact);
            assertEquals(want, SpecialFunctions.logGamma(n), 1e-12 * Math.max(1, want));
            fact *= n;
        }
        assertEquals(0.5 * Math.log(Math.PI), SpecialFunctions.logGamma(0.5), 1e-13);
        assertEquals(Math.log(Math.sqrt(Math.PI) / 2), SpecialFunctions.logGamma(1.5), 1e-13);
    }

    @Test
    void compareUsesCaseMeansAndDropsUndefinedSubjects() {
        List<ScoreTable> models = new ArrayList<>();
        double[][] extra = {{0.05, 0.02, 0.04, 0.01}, {0.06, 0.03, 0.01, 0.02}};
        for (int m = 0; m < 2; m++) {
            ScoreTable t = new ScoreTable();
            for (int c = 0; c < 4; c++) {
                double hd = c == 3 && m == 1 ? Double.NaN : 5 + c + m;
                t.add(List.of(
                        new OrganScore("c" + c, "heart", 2, 0.8 + extra[m][c], hd, hd, hd, 1, 1),
                        new OrganScore("c" + c, "aorta", 4, 0.7 + extra[m][c] / 2 + c * 0.01,
                                hd, hd, hd, 1, 1)));
            }
            models.add(t);
        }
        double[][] y = new double[4][2];
        for (int c = 0; c < 4; c++) {
            for (int m = 0; m < 2; m++) {
                y[c][m] = ((0.8 + extra[m][c]) + (0.7 + extra[m][c] / 2 + c * 0.01)) / 2;
            }
        }
        RepeatedMeasuresAnova.Result r = RepeatedMeasuresAnova.compare(models, Metric.DICE,
                RepeatedMeasuresAnova.Subjects.CASE);
        assertEquals(fByResiduals(y), r.f(), 1e-9 * r.f());
        assertEquals(4, r.subjects());
        assertEquals(0, r.dropped());

        RepeatedMeasuresAnova.Result h = RepeatedMeasuresAnova.compare(models, Metric.HD,
                RepeatedMeasuresAnova.Subjects.CASE_ORGAN);
        assertEquals(6, h.subjects());
        assertEquals(2, h.dropped());
    }

    @Test
    void degenerateInputsAreHandled() {
        // identical models: no effect, no error: F undefined
        RepeatedMeasuresAnova.Result same = RepeatedMeasuresAnova.test(
                new double[][] {{1, 1}, {2, 2}, {3, 3}});
        assertTrue(Double.isNaN(same.f()));
        // identical non-representable values: rounding must not turn into an effect
        RepeatedMeasuresAnova.Result sameFractions = RepeatedMeasuresAnova.test(
                new double[][] {{0.1, 0.1}, {0.7, 0.7}, {0.3, 0.3}, {0.9, 0.9}});
        assertTrue(Double.isNaN(sameFractions.f()), "F = " + sameFractions.f());
        // a constant shift: no residual, F infinite and p 0
        RepeatedMeasuresAnova.Result shift = RepeatedMeasuresAnova.test(
                new double[][] {{1, 2}, {2, 3}, {5, 6}});
        assertEquals(Double.POSITIVE_INFINITY, shift.f());
        assertEquals(0.0, shift.p());
        assertThrows(IllegalArgumentException.class,
                () -> RepeatedMeasuresAnova.test(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class,
                () -> RepeatedMeasuresAnova.test(new double[][] {{1, 2}, {1, Double.NaN}}));
    }
}
