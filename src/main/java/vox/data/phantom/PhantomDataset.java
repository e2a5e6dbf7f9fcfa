package vox.data.phantom;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A list of phantom cases: case i is {@link ThoraxPhantom#generate} with
 * seed {@code baseSeed + i}. Cases are generated when asked for and not
 * kept, so a dataset of any length costs no memory; callers that visit a
 * case often should keep it themselves.
 */
public final class PhantomDataset extends AbstractList<PhantomCase>
        implements RandomAccess {
    private final long baseSeed;
    private final int count;
    private final PhantomConfig config;

    /**
     * @param baseSeed seed of case 0
     * @param count    number of cases, at least 0
     * @param config   grid and acquisition of every case
     * @throws IllegalArgumentException for a negative count or no config
     */
    public PhantomDataset(long baseSeed, int count, PhantomConfig config) {
        if (count < 0) {
            throw new IllegalArgumentException("phantom dataset: count must"
                    + " be at least 0, got " + count);
        }
        if (config == null) {
            throw new IllegalArgumentException("phantom dataset: config"
                    + " must not be null");
        }
        this.baseSeed = baseSeed;
        this.count = count;
        this.config = config;
    }

    /** Cases on the {@link PhantomConfig#DEFAULT} grid. */
    public PhantomDataset(long baseSeed, int count) {
        this(baseSeed, count, PhantomConfig.DEFAULT);
    }

    /** Seed of case i. */
    public long seed(int i) {
        checkIndex(i);
        return baseSeed + i;
    }

    public long baseSeed() {
        return baseSeed;
    }

    public PhantomConfig config() {
        return config;
    }

    /** Generates case i. */
    @Override
    public PhantomCase get(int i) {
        return ThoraxPhantom.generate(seed(i), config);
    }

    @Override
    public int size() {
        return count;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("phantom dataset: case " + i
                    + " of " + count);
        }
    }
}
