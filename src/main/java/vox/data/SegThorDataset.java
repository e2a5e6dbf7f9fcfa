package vox.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * SegTHOR 2019 (thoracic organs at risk).
 *
 * <p>Layout: {@code root/Patient_XX/Patient_XX.nii.gz} with the label map
 * {@code root/Patient_XX/GT.nii.gz} ({@code .nii} also accepted). When
 * {@code root} holds no {@code Patient_*} folder but a {@code train}
 * folder does, that one is used. A patient folder without {@code GT} is an
 * unlabelled case. Labels: 1 esophagus, 2 heart, 3 trachea, 4 aorta.
 */
public final class SegThorDataset extends ListedDataset {

    /** Organ names in label order. */
    public static final List<String> ORGANS = List.of("esophagus", "heart", "trachea", "aorta");

    private static final Pattern PATIENT = Pattern.compile("Patient_\\d+");

    /**
     * Lists the cases under {@code root}.
     *
     * @throws IOException when the folder cannot be listed, holds no
     *         patient, or a patient folder lacks its image
     */
    public SegThorDataset(Path root) throws IOException {
        // 5 folds over the 40 training patients (the challenge tests on 20 hidden ones).
        super("SegTHOR", list(root), ORGANS, 5, Preprocess.Spec.thorax());
    }

    private static Listing list(Path root) throws IOException {
        Path dir = casesFolder(root);
        return new Listing(dir, listCases(dir));
    }

    private static Path casesFolder(Path root) throws IOException {
        if (countPatients(root) == 0 && Files.isDirectory(root.resolve("train"))) {
            return root.resolve("train");
        }
        return root;
    }

    private static List<Case> listCases(Path dir) throws IOException {
        List<Case> list = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String id = p.getFileName().toString();
                if (!Files.isDirectory(p) || !PATIENT.matcher(id).matches()) {
                    continue;
                }
                Path img = NiftiFiles.findNifti(p, id);
                if (img == null) {
                    throw new IOException(p + ": expected the image " + id + ".nii.gz (or "
                            + id + ".nii) in the patient folder");
                }
                list.add(new Case(id, img, NiftiFiles.findNifti(p, "GT")));
            }
        }
        if (list.isEmpty()) {
            throw new IOException(dir + ": no SegTHOR cases, expected folders"
                    + " Patient_XX/Patient_XX.nii.gz (+ GT.nii.gz)");
        }
        return list;
    }

    private static long countPatients(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": not a folder (expected a SegTHOR dataset)");
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> PATIENT.matcher(p.getFileName().toString()).matches()).count();
        }
    }
}
