package vox.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded k-fold cross-validation splits.
 *
 * <p>The cases are sorted by id, shuffled by a Fisher-Yates pass driven by
 * {@code java.util.Random(seed)} (whose sequence the Java specification
 * fixes, so a seed gives the same folds on every JVM), and dealt in turn to
 * the folds: fold sizes differ by at most one. Fold {@code i} tests on its
 * own cases and trains on all others; lists keep id order.
 */
public final class Folds {

    /**
     * One fold.
     *
     * @param index 0-based fold number
     * @param train the cases of all other folds
     * @param test  this fold's cases
     */
    public record Fold(int index, List<Dataset.Case> train, List<Dataset.Case> test) {
    }

    private Folds() {
    }

    /**
     * Splits the cases into k folds.
     *
     * @throws IllegalArgumentException when k is below 2 or above the number
     *         of cases
     */
    public static List<Fold> split(List<Dataset.Case> cases, int k, long seed) {
        if (k < 2 || k > cases.size()) {
            throw new IllegalArgumentException("Folds.split: k must be in 2.."
                    + cases.size() + " (the number of cases), got " + k);
        }
        List<Dataset.Case> sorted = new ArrayList<>(cases);
        sorted.sort((a, b) -> Dataset.compareIds(a.id(), b.id()));
        int n = sorted.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] foldOf = new int[n];
        for (int pos = 0; pos < n; pos++) {
            foldOf[order[pos]] = pos % k;
        }
        List<Fold> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            List<Dataset.Case> train = new ArrayList<>();
            List<Dataset.Case> test = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                (foldOf[i] == f ? test : train).add(sorted.get(i));
            }
            folds.add(new Fold(f, List.copyOf(train), List.copyOf(test)));
        }
        return folds;
    }
}
