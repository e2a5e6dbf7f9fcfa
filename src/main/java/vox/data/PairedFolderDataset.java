package vox.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A generic dataset: {@code root/images/NAME.nii[.gz]} with label maps of
 * the same name in {@code root/labels/}; the case id is NAME. The organ
 * names, folds and preprocessing are given by the caller.
 */
public final class PairedFolderDataset extends ListedDataset {

    /**
     * Lists the pairs under {@code root}.
     *
     * @throws IllegalArgumentException when no organ is named
     * @throws IOException when {@code root/images} is missing or empty
     */
    public PairedFolderDataset(Path root, List<String> organs, int folds, Preprocess.Spec spec)
            throws IOException {
        super(root.getFileName() == null ? root.toString() : root.getFileName().toString(),
                list(root, organs), organs, folds, spec);
    }

    /** The pairs under root, once at least one organ is named. */
    private static Listing list(Path root, List<String> organs) throws IOException {
        if (organs.isEmpty()) {
            throw new IllegalArgumentException("PairedFolderDataset: expected at least one organ");
        }
        return new Listing(root, listCases(root));
    }

    private static List<Case> listCases(Path root) throws IOException {
        Path images = root.resolve("images");
        if (!Files.isDirectory(images)) {
            throw new IOException(root + ": expected a folder images/ (and labels/)");
        }
        List<Case> list = new ArrayList<>();
        try (Stream<Path> s = Files.list(images)) {
            for (Path p : s.toList()) {
                String stem = NiftiFiles.niftiStem(p);
                if (stem != null) {
                    list.add(new Case(stem, p, NiftiFiles.findNifti(root.resolve("labels"), stem)));
                }
            }
        }
        if (list.isEmpty()) {
            throw new IOException(images + ": no .nii or .nii.gz images");
        }
        return list;
    }
}
