package vox.metrics;

import java.util.ArrayList;
import java.util.List;
import vox.data.Volume;

/**
 * Scores a predicted label map against the ground truth, organ by organ:
 * Dice, and the surface distances of {@link SurfaceDistance} in mm using
 * the truth's voxel spacing.
 *
 * <p>Organ {@code i} (0-based in {@code organs}) is label {@code i + 1}.
 * Each organ's work is confined to the bounding box of its voxels in
 * either map, so a 512 x 512 x 200 case costs a few passes over the
 * volume plus the distance transforms of the organ boxes.
 */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * Scores one case.
     *
     * @throws IllegalArgumentException when the grids differ (extents, or
     *         spacing by more than 1e-4 relative) or a label value is not an
     *         integer in 0..organs.size()
     */
    public static List<OrganScore> evaluate(String caseId, Volume pred, Volume truth,
            List<String> organs) {
        checkGrids(caseId, pred, truth);
        int k = organs.size();
        int nx = truth.nx();
        int ny = truth.ny();
        int nz = truth.nz();
        long[] nPred = new long[k + 1];
        long[] nTruth = new long[k + 1];
        long[] nBoth = new long[k + 1];
        // per label: x0, y0, z0, x1, y1, z1 of the union of both maps
        int[][] box = new int[k + 1][];
        for (int l = 1; l <= k; l++) {
            box[l] = new int[] {nx, ny, nz, -1, -1, -1};
        }
        float[] p = pred.voxels();
        float[] t = truth.voxels();
        int i = 0;
        for (int z = 0; z < nz; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++, i++) {
                    int lp = label(caseId, "prediction", p[i], k, i);
                    int lt = label(caseId, "ground truth", t[i], k, i);
                    nPred[lp]++;
                    nTruth[lt]++;
                    if (lp == lt) {
                        nBoth[lp]++;
                    }
                    if (lp > 0) {
                        grow(box[lp], x, y, z);
                    }
                    if (lt > 0 && lt != lp) {
                        grow(box[lt], x, y, z);
                    }
                }
            }
        }
        List<OrganScore> out = new ArrayList<>();
        for (int l = 1; l <= k; l++) {
            double dice = nPred[l] + nTruth[l] == 0 ? 1
                    : 2.0 * nBoth[l] / (nPred[l] + nTruth[l]);
            SurfaceDistance.Result r = distances(p, t, l, box[l], nx, ny, truth.spacing());
            out.add(new OrganScore(caseId, organs.get(l - 1), l, dice, r.hd(), r.hd95(),
                    r.assd(), nPred[l], nTruth[l]));
        }
        return out;
    }

    private static SurfaceDistance.Result distances(float[] p, float[] t, int l, int[] b,
            int nx, int ny, double[] spacing) {
        if (b[3] < 0) {
            return new SurfaceDistance.Result(0, 0, 0, 0, 0);
        }
        int cx = b[3] - b[0] + 1;
        int cy = b[4] - b[1] + 1;
        int cz = b[5] - b[2] + 1;
        boolean[] ma = new boolean[cx * cy * cz];
        boolean[] mb = new boolean[ma.length];
        int j = 0;
        for (int z = b[2]; z <= b[5]; z++) {
            for (int y = b[1]; y <= b[4]; y++) {
                int i = (z * ny + y) * nx + b[0];
                for (int x = 0; x < cx; x++, i++, j++) {
                    ma[j] = p[i] == l;
                    mb[j] = t[i] == l;
                }
            }
        }
        return SurfaceDistance.compute(ma, mb, cx, cy, cz, spacing);
    }

    private static void grow(int[] b, int x, int y, int z) {
        b[0] = Math.min(b[0], x);
        b[1] = Math.min(b[1], y);
        b[2] = Math.min(b[2], z);
        b[3] = Math.max(b[3], x);
        b[4] = Math.max(b[4], y);
        b[5] = Math.max(b[5], z);
    }

    private static int label(String caseId, String what, float v, int k, int i) {
        if (v >= 0 && v <= k && v == (int) v) {
            return (int) v;
        }
        throw new IllegalArgumentException("evaluate " + caseId + ": " + what + " label " + v
                + " at voxel index " + i + ", expected an integer in 0.." + k);
    }

    private static void checkGrids(String caseId, Volume pred, Volume truth) {
        if (pred.nx() != truth.nx() || pred.ny() != truth.ny() || pred.nz() != truth.nz()) {
            throw new IllegalArgumentException("evaluate " + caseId + ": prediction "
                    + pred.nx() + "x" + pred.ny() + "x" + pred.nz() + " and ground truth "
                    + truth.nx() + "x" + truth.ny() + "x" + truth.nz()
                    + " must have the same extents");
        }
        for (int a = 0; a < 3; a++) {
            double sp = pred.spacing()[a];
            double st = truth.spacing()[a];
            if (Math.abs(sp - st) > 1e-4 * Math.abs(st)) {
                throw new IllegalArgumentException("evaluate " + caseId + ": prediction spacing "
                        + java.util.Arrays.toString(pred.spacing()) + " differs from the ground "
                        + "truth's " + java.util.Arrays.toString(truth.spacing()));
            }
        }
    }
}
