package vox.model;

/** How stage 2 of a cascade receives the block features of stage 1. */
public enum SkipMode {
    /** Only stage 1's probabilities, concatenated with the image, reach stage 2. */
    BASELINE,
    /** Reduced BLSC: encoder block to encoder block, decoder block to decoder block. */
    R_BLSC,
    /** Dense BLSC: every block of a level feeds every later block of that level. */
    D_BLSC
}
