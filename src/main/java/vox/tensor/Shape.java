package vox.tensor;

import java.util.Arrays;

/**
 * The extents of a tensor, written in logical order.
 *
 * <p>Shape letters, one meaning each across vox: {@code N} batch, {@code C}
 * input channels, {@code K} output channels, {@code D, H, W} input extents
 * (slices z, rows y, columns x), {@code OD, OH, OW} output extents,
 * {@code KD, KH, KW} kernel extents.
 *
 * <p>Memory order: a tensor of rank 3 or more keeps dimension 1 (channels)
 * innermost. An activation of logical shape (N, C, D, H, W) is stored as
 * (N, D, H, W, C); a weight of logical shape (K, C, KD, KH, KW) is stored as
 * (K, KD, KH, KW, C). Ranks 1 and 2 are stored row-major. Convolutions then
 * reduce over a contiguous run of C floats, and a one-channel volume has the
 * memory order of a NIfTI file.
 */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    /** A shape from its extents; each must be positive. */
    public static Shape of(int... dims) {
        if (dims.length == 0) {
            throw new IllegalArgumentException("a shape needs at least one dimension");
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims)
                        + ": dimension " + i + " must be positive, got " + dims[i]);
            }
        }
        return new Shape(dims.clone());
    }

    /** An activation shape (N, C, D, H, W). */
    public static Shape ncdhw(int n, int c, int d, int h, int w) {
        return of(n, c, d, h, w);
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements, as a long: a volume can exceed 2^31 elements. */
    public long numel() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** Channels (dimension 1) for rank >= 2. */
    public int channels() {
        requireRank(2);
        return dims[1];
    }

    /** Product of the extents after the channel dimension (1 for rank <= 2). */
    public long spatialSize() {
        long n = 1;
        for (int i = 2; i < dims.length; i++) {
            n *= dims[i];
        }
        return n;
    }

    /** The same shape with dimension {@code i} replaced. */
    public Shape with(int i, int extent) {
        int[] d = dims.clone();
        d[i] = extent;
        return of(d);
    }

    /** Throws unless this is a rank-5 (N, C, D, H, W) shape. */
    public Shape requireRank(int rank) {
        if (dims.length < rank) {
            throw new IllegalArgumentException("expected a tensor of rank " + rank
                    + ", got shape " + this);
        }
        return this;
    }

    public boolean is5d() {
        return dims.length == 5;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return sb.append(')').toString();
    }
}
