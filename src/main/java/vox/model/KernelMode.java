package vox.model;

/** The convolutions inside an encoder block of n convolutions. */
public enum KernelMode {
    /** n stacked 3x3x3 convolutions. */
    SMALL,
    /** Three long-axis branches (k,1,1), (1,k,1), (1,1,k) with k = 2n + 1. */
    LARGE,
    /** Both: the stacked branch beside the three long-axis branches, summed. */
    MIXED
}
