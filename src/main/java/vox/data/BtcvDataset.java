package vox.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * BTCV, the Multi-Atlas Labeling Beyond the Cranial Vault abdomen set.
 *
 * <p>Layout: {@code root/img/imgXXXX.nii.gz} with label maps
 * {@code root/label/labelXXXX.nii.gz} ({@code .nii} also accepted); the
 * case id is the number {@code XXXX}. When {@code root} has no {@code img}
 * folder, {@code root/Training} and {@code root/RawData/Training} are
 * tried. An image without a label is an unlabelled case; a label without
 * an image is an error. Labels 1 to 13: spleen, right kidney, left kidney,
 * gallbladder, esophagus, liver, stomach, aorta, inferior vena cava,
 * portal and splenic veins, pancreas, right adrenal gland, left adrenal
 * gland.
 */
public final class BtcvDataset extends ListedDataset {

    /** Organ names in label order. */
    public static final List<String> ORGANS = List.of(
            "spleen", "right kidney", "left kidney", "gallbladder", "esophagus", "liver",
            "stomach", "aorta", "inferior vena cava", "portal and splenic veins", "pancreas",
            "right adrenal gland", "left adrenal gland");

    private static final Pattern IMG = Pattern.compile("img(\\d+)");
    private static final Pattern LABEL = Pattern.compile("label(\\d+)");

    /**
     * Lists the cases under {@code root}.
     *
     * @throws IOException when no {@code img} folder is found, it holds no
     *         image, or a label has no image
     */
    public BtcvDataset(Path root) throws IOException {
        // 6 folds: the 30 training scans in subsets of 5.
        super("BTCV", list(root), ORGANS, 6, Preprocess.Spec.abdomen());
    }

    private static Listing list(Path root) throws IOException {
        Path dir = casesFolder(root);
        return new Listing(dir, listCases(dir));
    }

    private static Path casesFolder(Path root) throws IOException {
        Path dir = null;
        for (Path c : List.of(root, root.resolve("Training"), root.resolve("RawData/Training"))) {
            if (Files.isDirectory(c.resolve("img"))) {
                dir = c;
                break;
            }
        }
        if (dir == null) {
            throw new IOException(root + ": no BTCV dataset, expected img/imgXXXX.nii.gz and"
                    + " label/labelXXXX.nii.gz (also under Training/ or RawData/Training/)");
        }
        return dir;
    }

    private static List<Case> listCases(Path dir) throws IOException {
        List<Case> list = new ArrayList<>();
        Path labels = dir.resolve("label");
        try (Stream<Path> s = Files.list(dir.resolve("img"))) {
            for (Path p : s.toList()) {
                String stem = NiftiFiles.niftiStem(p);
                Matcher m = stem == null ? null : IMG.matcher(stem);
                if (m == null || !m.matches()) {
                    continue;
                }
                String id = m.group(1);
                Path lab = Files.isDirectory(labels) ? NiftiFiles.findNifti(labels, "label" + id)
                        : null;
                list.add(new Case(id, p, lab));
            }
        }
        if (list.isEmpty()) {
            throw new IOException(dir.resolve("img") + ": no BTCV images, expected"
                    + " imgXXXX.nii.gz");
        }
        if (Files.isDirectory(labels)) {
            try (Stream<Path> s = Files.list(labels)) {
                for (Path p : s.toList()) {
                    String stem = NiftiFiles.niftiStem(p);
                    Matcher m = stem == null ? null : LABEL.matcher(stem);
                    if (m != null && m.matches()
                            && list.stream().noneMatch(c -> c.id().equals(m.group(1)))) {
                        throw new IOException(p + ": label without an image, expected "
                                + dir.resolve("img").resolve("img" + m.group(1) + ".nii.gz"));
                    }
                }
            }
        }
        return list;
    }
}
