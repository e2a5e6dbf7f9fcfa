package vox.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * One-way repeated-measures ANOVA: do two or more models differ on the
 * same subjects (cases)?
 *
 * <p>With {@code y[i][j]} the score of subject i (n of them) under model j
 * (k of them), grand mean G, subject means S_i and model means M_j:
 * <pre>
 *   SS_models   = n * sum_j (M_j - G)^2              df = k - 1
 *   SS_subjects = k * sum_i (S_i - G)^2
 *   SS_error    = sum_ij (y_ij - G)^2 - SS_models - SS_subjects
 *                                                    df = (k - 1)(n - 1)
 *   F = (SS_models / (k - 1)) / (SS_error / ((k - 1)(n - 1)))
 *   p = P(F(k - 1, (k - 1)(n - 1)) > F)
 * </pre>
 * No sphericity correction is applied (with two models none is needed).
 * When SS_error is 0, F is +infinity (p = 0), or NaN when SS_models is 0 too.
 */
public final class RepeatedMeasuresAnova {

    /**
     * The test's outcome.
     *
     * @param f          the F statistic
     * @param dfModels   k - 1
     * @param dfError    (k - 1)(n - 1)
     * @param p          P(F > f) under the null hypothesis of equal models
     * @param subjects   n, subjects used
     * @param dropped    subjects left out because a value was undefined (NaN)
     * @param ssModels   sum of squares between models
     * @param ssSubjects sum of squares between subjects
     * @param ssError    residual sum of squares
     */
    public record Result(double f, int dfModels, int dfError, double p, int subjects,
            int dropped, double ssModels, double ssSubjects, double ssError) {
    }

    /** What a subject is when comparing score tables. */
    public enum Subjects {
        /** One subject per case: its mean over organs. */
        CASE,
        /** One subject per (case, organ) pair. */
        CASE_ORGAN
    }

    private RepeatedMeasuresAnova() {
    }

    /**
     * Tests {@code y[subject][model]}.
     *
     * @throws IllegalArgumentException with fewer than 2 subjects or 2
     *         models, ragged rows, or a non-finite value
     */
    public static Result test(double[][] y) {
        int n = y.length;
        int k = n == 0 ? 0 : y[0].length;
        if (n < 2 || k < 2) {
            throw new IllegalArgumentException("repeated-measures ANOVA: expected at least 2"
                    + " subjects and 2 models, got " + n + " and " + k);
        }
        for (int i = 0; i < n; i++) {
            if (y[i].length != k) {
                throw new IllegalArgumentException("repeated-measures ANOVA: subject " + i
                        + " has " + y[i].length + " values, expected " + k);
            }
            for (double v : y[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("repeated-measures ANOVA: subject " + i
                            + " has the value " + v + ", expected finite values");
                }
            }
        }
        double grand = 0;
        double[] subj = new double[n];
        double[] model = new double[k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                grand += y[i][j];
                subj[i] += y[i][j] / k;
                model[j] += y[i][j] / n;
            }
        }
        grand /= n * k;
        double ssTotal = 0;
        for (double[] row : y) {
            for (double v : row) {
                ssTotal += (v - grand) * (v - grand);
            }
        }
        double ssModels = 0;
        for (double m : model) {
            ssModels += n * (m - grand) * (m - grand);
        }
        double ssSubjects = 0;
        for (double s : subj) {
            ssSubjects += k * (s - grand) * (s - grand);
        }
        double ssError = Math.max(0, ssTotal - ssModels - ssSubjects);
        // rounding can leave a tiny residual where there is none
        if (ssError <= 1e-12 * ssTotal) {
            ssError = 0;
        }
        if (ssModels <= 1e-12 * ssTotal) {
            ssModels = 0;
        }
        int df1 = k - 1;
        int df2 = (k - 1) * (n - 1);
        double f;
        if (ssError == 0) {
            f = ssModels > 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            f = (ssModels / df1) / (ssError / df2);
        }
        double p = SpecialFunctions.fSurvival(f, df1, df2);
        return new Result(f, df1, df2, p, n, 0, ssModels, ssSubjects, ssError);
    }

    /**
     * Compares models given as score tables over the same cases. Subjects
     * present in every table are used; a subject with an undefined value in
     * any table is dropped and counted in {@link Result#dropped}.
     *
     * @throws IllegalArgumentException with fewer than 2 tables or fewer
     *         than 2 usable subjects
     */
    public static Result compare(List<ScoreTable> models, Metric metric, Subjects by) {
        if (models.size() < 2) {
            throw new IllegalArgumentException("repeated-measures ANOVA: expected at least 2"
                    + " models, got " + models.size());
        }
        ScoreTable first = models.get(0);
        List<double[]> rows = new ArrayList<>();
        int dropped = 0;
        for (String c : first.cases()) {
            List<String> organs = by == Subjects.CASE ? List.of("") : first.organs();
            for (String o : organs) {
                double[] row = new double[models.size()];
                boolean present = true;
                boolean defined = true;
                for (int j = 0; j < models.size(); j++) {
                    ScoreTable t = models.get(j);
                    if (!t.cases().contains(c)) {
                        present = false;
                        break;
                    }
                    row[j] = by == Subjects.CASE ? t.caseMean(c, metric) : t.value(c, o, metric);
                    defined &= !Double.isNaN(row[j]);
                }
                if (!present) {
                    continue;
                }
                if (defined) {
                    rows.add(row);
                } else {
                    dropped++;
                }
            }
        }
        if (rows.size() < 2) {
            throw new IllegalArgumentException("repeated-measures ANOVA: only " + rows.size()
                    + " subjects have " + metric.column + " defined in every model, expected"
                    + " at least 2");
        }
        Result r = test(rows.toArray(new double[0][]));
        return new Result(r.f(), r.dfModels(), r.dfError(), r.p(), r.subjects(), dropped,
                r.ssModels(), r.ssSubjects(), r.ssError());
    }
}
