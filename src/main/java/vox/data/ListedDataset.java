package vox.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset whose cases are listed once, when it is opened: what the
 * folder readers ({@link SegThorDataset}, {@link BtcvDataset},
 * {@link PairedFolderDataset}) hold in common. Cases are kept sorted by
 * {@link Dataset#compareIds}.
 */
abstract class ListedDataset implements Dataset {

    /** The folder the cases were found in, and the cases. */
    record Listing(Path root, List<Case> cases) {
    }

    private final String name;
    private final Path root;
    private final List<String> organs;
    private final List<Case> cases;
    private final int folds;
    private final Preprocess.Spec spec;

    /**
     * @param name    the dataset's name in reports
     * @param listing the folder the cases were listed from, and the cases in any order
     * @param organs  organ names in label order
     * @param folds   the number of cross-validation folds by default
     * @param spec    the preprocessing its images need
     */
    ListedDataset(String name, Listing listing, List<String> organs, int folds,
                  Preprocess.Spec spec) {
        List<Case> sorted = new ArrayList<>(listing.cases());
        sorted.sort((a, b) -> Dataset.compareIds(a.id(), b.id()));
        this.name = name;
        this.root = listing.root();
        this.organs = List.copyOf(organs);
        this.cases = List.copyOf(sorted);
        this.folds = folds;
        this.spec = spec;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Path root() {
        return root;
    }

    @Override
    public final List<String> organs() {
        return organs;
    }

    @Override
    public final List<Case> cases() {
        return cases;
    }

    @Override
    public final int defaultFolds() {
        return folds;
    }

    @Override
    public final Preprocess.Spec preprocessing() {
        return spec;
    }
}
