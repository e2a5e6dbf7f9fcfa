package vox.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A labelled CT dataset on disk: a list of cases, each an image and
 * (for training cases) a label map, plus the names of its organs.
 *
 * <p>Label value {@code i} (1-based) is organ {@code organs().get(i - 1)};
 * 0 is background. {@link #loadLabel} rejects any other value, naming the
 * file, the value, how many voxels hold it and where the first one is.
 *
 * <p>Implementations: {@link SegThorDataset}, {@link BtcvDataset},
 * {@link PairedFolderDataset}.
 */
public interface Dataset {

    /**
     * One case.
     *
     * @param id    the dataset's case id ("Patient_01", "0001", ...)
     * @param image the CT volume
     * @param label the label map, or null for an unlabelled case
     */
    record Case(String id, Path image, Path label) {

        public boolean hasLabel() {
            return label != null;
        }
    }

    /** An image and its label map on the same grid (label null when unlabelled). */
    record Sample(Case info, Volume image, Volume label) {
    }

    /** Short name, e.g. "SegTHOR". */
    String name();

    /** The folder the cases were found in. */
    Path root();

    /** Organ names in label order: label 1 is the first. */
    List<String> organs();

    /** Cases sorted by id (numbers in ids compare as numbers). */
    List<Case> cases();

    /** Folds of the usual cross-validation on this dataset. */
    int defaultFolds();

    /** The dataset's preprocessing (HU window, slice spacing, in-plane size). */
    Preprocess.Spec preprocessing();

    /** Classes including background: organs + 1. */
    default int numClasses() {
        return organs().size() + 1;
    }

    /** Reads a case's image. */
    default Volume loadImage(Case c) throws IOException {
        return Nifti.read(c.image());
    }

    /**
     * Reads a case's label map and checks its values.
     *
     * @throws IOException when the file is unreadable or holds a value that
     *         is not an integer in 0..organs().size()
     * @throws IllegalArgumentException when the case has no label
     */
    default Volume loadLabel(Case c) throws IOException {
        if (!c.hasLabel()) {
            throw new IllegalArgumentException(name() + " case " + c.id() + " has no label");
        }
        Volume v = Nifti.read(c.label());
        String bad = checkLabels(v, organs().size());
        if (bad != null) {
            throw new IOException(c.label() + ": " + bad + " (" + name() + " labels are 0 to "
                    + organs().size() + ")");
        }
        return v;
    }

    /**
     * Reads image and label and checks that they share extents.
     *
     * @throws IOException as {@link #loadLabel}, or when the extents differ
     */
    default Sample load(Case c) throws IOException {
        Volume img = loadImage(c);
        if (!c.hasLabel()) {
            return new Sample(c, img, null);
        }
        Volume lab = loadLabel(c);
        if (img.nx() != lab.nx() || img.ny() != lab.ny() || img.nz() != lab.nz()) {
            throw new IOException(c.label() + ": label extents " + lab.nx() + "x" + lab.ny()
                    + "x" + lab.nz() + " differ from the image's " + img.nx() + "x" + img.ny()
                    + "x" + img.nz() + " (" + c.image() + ")");
        }
        return new Sample(c, img, lab);
    }

    /**
     * Checks every case (reads all files): returns one line per problem,
     * empty when all is well.
     */
    default List<String> validate() {
        List<String> problems = new ArrayList<>();
        for (Case c : cases()) {
            try {
                load(c);
            } catch (IOException | RuntimeException e) {
                problems.add(c.id() + ": " + e.getMessage());
            }
        }
        return problems;
    }

    /** Seeded k-fold split of {@link #cases()}; see {@link Folds#split}. */
    default List<Folds.Fold> folds(int k, long seed) {
        return Folds.split(cases(), k, seed);
    }

    /**
     * Describes the bad values of a label map, or returns null when every
     * value is an integer in 0..maxLabel.
     */
    static String checkLabels(Volume v, int maxLabel) {
        // value -> {count, first index}
        Map<Float, long[]> bad = new TreeMap<>();
        float[] vox = v.voxels();
        for (int i = 0; i < vox.length; i++) {
            float x = vox[i];
            if (!(x >= 0 && x <= maxLabel && x == Math.rint(x))) {
                int first = i;
                long[] e = bad.computeIfAbsent(x, k -> new long[] {0, first});
                e[0]++;
            }
        }
        if (bad.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("label values outside 0.." + maxLabel + ": ");
        int shown = 0;
        for (Map.Entry<Float, long[]> e : bad.entrySet()) {
            if (shown == 5) {
                sb.append(", and ").append(bad.size() - 5).append(" more values");
                break;
            }
            int i = (int) e.getValue()[1];
            int x = i % v.nx();
            int y = (i / v.nx()) % v.ny();
            int z = i / (v.nx() * v.ny());
            if (shown > 0) {
                sb.append(", ");
            }
            float val = e.getKey();
            sb.append(val == Math.rint(val) && Math.abs(val) < 1e9
                    ? String.format(Locale.ROOT, "%.0f", val) : Float.toString(val))
                    .append(" in ").append(e.getValue()[0]).append(" voxels (first at ")
                    .append(x).append(", ").append(y).append(", ").append(z).append(")");
            shown++;
        }
        return sb.toString();
    }

    /**
     * Opens a dataset by kind: "segthor" or "btcv" (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown kind
     * @throws IOException when the folder does not hold such a dataset
     */
    static Dataset open(String kind, Path root) throws IOException {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "segthor" -> new SegThorDataset(root);
            case "btcv" -> new BtcvDataset(root);
            default -> throw new IllegalArgumentException("unknown dataset kind '" + kind
                    + "', expected segthor or btcv");
        };
    }

    /** Compares ids with embedded numbers by value: "Patient_2" before "Patient_10". */
    static int compareIds(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = na.length() != nb.length() ? Integer.compare(na.length(), nb.length())
                        : na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    }
}
