package vox.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** File lookups shared by the dataset readers. */
final class NiftiFiles {

    private NiftiFiles() {
    }

    /** {@code dir/stem.nii.gz}, else {@code dir/stem.nii}, else null. */
    static Path findNifti(Path dir, String stem) {
        for (String ext : new String[] {".nii.gz", ".nii"}) {
            Path p = dir.resolve(stem + ext);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** The name without {@code .nii.gz} or {@code .nii}, or null for other names. */
    static String niftiStem(Path p) {
        String n = p.getFileName().toString();
        if (n.endsWith(".nii.gz")) {
            return n.substring(0, n.length() - 7);
        }
        if (n.endsWith(".nii")) {
            return n.substring(0, n.length() - 4);
        }
        return null;
    }
}
