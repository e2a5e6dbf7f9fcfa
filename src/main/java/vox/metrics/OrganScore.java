package vox.metrics;

/**
 * The scores of one organ in one case.
 *
 * @param caseId      the case
 * @param organ       the organ's name
 * @param label       the organ's label value
 * @param dice        2 |P & T| / (|P| + |T|); 1 when both are empty
 * @param hd          Hausdorff distance in mm (NaN when one mask is empty)
 * @param hd95        95th percentile surface distance in mm (NaN likewise)
 * @param assd        average symmetric surface distance in mm (NaN likewise)
 * @param predVoxels  voxels of the organ in the prediction
 * @param truthVoxels voxels of the organ in the ground truth
 */
public record OrganScore(String caseId, String organ, int label, double dice, double hd,
        double hd95, double assd, long predVoxels, long truthVoxels) {

    /** The value of one metric. */
    public double get(Metric m) {
        return switch (m) {
            case DICE -> dice;
            case HD -> hd;
            case HD95 -> hd95;
            case ASSD -> assd;
        };
    }
}
