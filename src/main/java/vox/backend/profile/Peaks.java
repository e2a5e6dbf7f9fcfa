package vox.backend.profile;

/**
 * The roofs a kernel is measured against: arithmetic peak and memory
 * bandwidth of the machine, as measured (see {@code vox.bench.Calibration}).
 *
 * @param gflops      FP32 peak in GFLOP/s (a multiply-add counts two)
 * @param gbPerSecond memory bandwidth in GB/s (10^9 bytes per second)
 * @param source      what was measured, for the report
 */
public record Peaks(double gflops, double gbPerSecond, String source) {

    public Peaks {
        if (!(gflops > 0) || !(gbPerSecond > 0)) {
            throw new IllegalArgumentException("peaks must be positive, got " + gflops
                    + " GFLOP/s and " + gbPerSecond + " GB/s");
        }
    }

    /**
     * Fraction of the roofline a kernel reached: the larger of its share of
     * the arithmetic peak and its share of the bandwidth. For a kernel of
     * arithmetic intensity I = flops / bytes the roof is
     * min(peak, I * bandwidth), and achieved / roof is exactly this maximum.
     */
    public double fractionOfRoof(double gflops, double gbPerSecond) {
        return Math.max(gflops / this.gflops, gbPerSecond / this.gbPerSecond);
    }

    /** "F" when the arithmetic peak is the nearer roof, "B" when bandwidth is. */
    public String bound(double gflops, double gbPerSecond) {
        return gflops / this.gflops >= gbPerSecond / this.gbPerSecond ? "F" : "B";
    }
}
