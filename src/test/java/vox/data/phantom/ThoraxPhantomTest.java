package vox.data.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vox.data.phantom.Measure.AORTA;
import static vox.data.phantom.Measure.ESOPHAGUS;
import static vox.data.phantom.Measure.HEART;
import static vox.data.phantom.Measure.TRACHEA;

import java.util.List;
import org.junit.jupiter.api.Test;
import vox.data.Volume;

/**
 * Checks of the thorax phantom against plain measurements: determinism,
 * labels, tissue values, where the organs lie relative to each other, and
 * the noise level. Axes: x patient right to left, y anterior to
 * posterior, z inferior to superior.
 */
class ThoraxPhantomTest {
    /** A small grid that still holds the whole thorax. */
    private static final PhantomConfig SMALL = PhantomConfig.covering(64, 64, 32);
    /** The likely training grid. */
    private static final PhantomConfig MEDIUM = PhantomConfig.covering(96, 96, 48);

    @Test
    void sameSeedGivesSameVoxels() {
        PhantomCase a = ThoraxPhantom.generate(7, SMALL);
        ThoraxPhantom.generate(8, SMALL);
        PhantomCase b = ThoraxPhantom.generate(7, SMALL);
        assertArrayEquals(a.image().voxels(), b.image().voxels());
        assertArrayEquals(a.labels().voxels(), b.labels().voxels());
        assertEquals(a.noiseSigmaHu(), b.noiseSigmaHu());
    }

    @Test
    void differentSeedsGiveDifferentPatients() {
        PhantomCase a = ThoraxPhantom.generate(100, SMALL);
        PhantomCase b = ThoraxPhantom.generate(101, SMALL);
        float[] la = a.labels().voxels();
        float[] lb = b.labels().voxels();
        int labelDiff = 0;
        for (int i = 0; i < la.length; i++) {
            if (la[i] != lb[i]) {
                labelDiff++;
            }
        }
        assertTrue(labelDiff > 200, "labels differ in " + labelDiff + " voxels");
        float[] ia = a.image().voxels();
        float[] ib = b.image().voxels();
        double meanAbs = 0;
        for (int i = 0; i < ia.length; i++) {
            meanAbs += Math.abs(ia[i] - ib[i]);
        }
        meanAbs /= ia.length;
        assertTrue(meanAbs > 20, "mean |difference| " + meanAbs + " HU");
    }

    @Test
    void anatomyDoesNotDependOnNoiseOrBlur() {
        PhantomCase noisy = ThoraxPhantom.generate(5, SMALL.withNoise(25));
        PhantomCase clean = ThoraxPhantom.generate(5, SMALL.withNoise(0).withBlur(0));
        assertArrayEquals(noisy.labels().voxels(), clean.labels().voxels());
    }

    @Test
    void anatomyIsInMillimetresWhateverTheGrid() {
        // the same patient at two resolutions over the same field of view
        PhantomCase fine = ThoraxPhantom.generate(21, PhantomConfig.covering(128, 128, 64));
        PhantomCase coarse = ThoraxPhantom.generate(21, SMALL);
        for (int label = 1; label <= 4; label++) {
            double[] a = mm(fine.labels(), Measure.centroid(fine.labels(), label));
            double[] b = mm(coarse.labels(), Measure.centroid(coarse.labels(), label));
            for (int d = 0; d < 3; d++) {
                assertEquals(a[d], b[d], 4.0, "label " + label + " axis " + d);
            }
            double va = Measure.millilitres(fine.labels(), label);
            double vb = Measure.millilitres(coarse.labels(), label);
            assertEquals(va, vb, 0.25 * va, "volume of label " + label);
        }
    }

    @Test
    void labelsAreExactlyTheSegThorClasses() {
        for (long seed = 0; seed < 6; seed++) {
            Volume lab = ThoraxPhantom.generate(seed, SMALL).labels();
            for (float f : lab.voxels()) {
                assertTrue(f == Math.rint(f) && f >= 0 && f <= 4, "label " + f);
            }
            long[] n = Measure.counts(lab);
            for (int l = 0; l <= 4; l++) {
                assertTrue(n[l] > 0, "seed " + seed + ": label " + l + " missing");
            }
            // adult volumes inside this field of view, millilitres
            double eso = Measure.millilitres(lab, ESOPHAGUS);
            double heart = Measure.millilitres(lab, HEART);
            double trachea = Measure.millilitres(lab, TRACHEA);
            double aorta = Measure.millilitres(lab, AORTA);
            String msg = "seed " + seed + ": esophagus " + eso + ", heart "
                    + heart + ", trachea " + trachea + ", aorta " + aorta;
            assertTrue(eso > 10 && eso < 80, msg);
            assertTrue(heart > 300 && heart < 1100, msg);
            assertTrue(trachea > 10 && trachea < 80, msg);
            assertTrue(aorta > 80 && aorta < 400, msg);
            // the heart is the largest organ, the esophagus small
            assertTrue(heart > 1.5 * aorta && aorta > eso, msg);
            double total = lab.size();
            assertTrue(n[0] / total > 0.9, msg);
        }
    }

    @Test
    void tissueValuesPerOrgan() {
        // no noise, no blur: interior voxels must carry the organ's value
        PhantomConfig fine = new PhantomConfig(160, 160, 40,
                new double[] {2, 2, 5}, 0, 0);
        for (long seed = 30; seed < 33; seed++) {
            PhantomCase c = ThoraxPhantom.generate(seed, fine);
            Volume img = c.image();
            Volume lab = c.labels();
            double heart = Measure.mean(img, Measure.interior(lab, HEART, 2));
            double aorta = Measure.mean(img, Measure.interior(lab, AORTA, 2));
            double eso = Measure.median(img, Measure.interior(lab, ESOPHAGUS, 1));
            assertTrue(heart >= 40 && heart <= 60, "heart " + heart);
            assertTrue(aorta >= 150 && aorta <= 300, "aorta " + aorta);
            assertTrue(eso >= 30 && eso <= 50, "esophagus " + eso);
            // the heart and the esophagus are close in value, on purpose
            assertTrue(Math.abs(heart - eso) < 30, heart + " vs " + eso);
            double trachea = Measure.mean(img, Measure.interior(lab, TRACHEA, 2));
            assertTrue(trachea < -950, "trachea interior " + trachea);
            // bone: cancellous 400 to 500 inside, a brighter cortex
            int marrow = 0;
            int cortex = 0;
            float max = -2000;
            for (float v : img.voxels()) {
                if (v >= 380 && v <= 480) {
                    marrow++;
                }
                if (v >= 750) {
                    cortex++;
                }
                max = Math.max(max, v);
            }
            assertTrue(marrow > 500 && cortex > 100, marrow + " marrow and "
                    + cortex + " cortical voxels");
            assertTrue(max <= 1000, "brightest bone " + max);
        }
    }

    @Test
    void lungsAndTracheaInANoisyImage() {
        for (long seed = 40; seed < 44; seed++) {
            PhantomCase c = ThoraxPhantom.generate(seed, MEDIUM);
            Volume img = c.image();
            Volume lab = c.labels();
            int[] tz = Measure.zRange(lab, TRACHEA);
            // a little above the carina: lungs on both sides of the trachea
            int z = Math.min(tz[1], tz[0] + 3);
            double[] t = Measure.sliceCentroid(lab, TRACHEA, z);
            // lung: air-like voxels over 50 mm to either side of the trachea
            double sx = img.spacing()[0];
            for (int sgn = -1; sgn <= 1; sgn += 2) {
                java.util.List<int[]> lung = new java.util.ArrayList<>();
                for (int y = 0; y < img.ny(); y++) {
                    // inside the skin only: the first and last tissue voxel
                    int first = 0;
                    while (first < img.nx() && img.get(first, y, z) < -400) {
                        first++;
                    }
                    int last = img.nx() - 1;
                    while (last > first && img.get(last, y, z) < -400) {
                        last--;
                    }
                    for (int x = first; x <= last; x++) {
                        double off = sgn * (x - t[0]) * sx;
                        if (off > 50 && img.get(x, y, z) < -400) {
                            lung.add(new int[] {x, y, z});
                        }
                    }
                }
                double area = lung.size() * sx * img.spacing()[1];
                assertTrue(area > 3000, "seed " + seed + " lung area " + area);
                double hu = Measure.median(img, lung);
                assertTrue(hu > -890 && hu < -800, "seed " + seed + " lung " + hu);
            }
            // the air inside the trachea, at its centre on every slice
            double sum = 0;
            int n = 0;
            for (int zz = tz[0] + 3; zz <= tz[1]; zz++) {
                double[] tc = Measure.sliceCentroid(lab, TRACHEA, zz);
                sum += img.get((int) Math.round(tc[0]), (int) Math.round(tc[1]), zz);
                n++;
            }
            assertTrue(n > 5 && sum / n < -900, "trachea centre " + sum / n);
        }
    }

    @Test
    void organsLieWhereTheyLieInAThorax() {
        // -Dphantom.seeds=N checks N patients instead of 8
        int count = Integer.getInteger("phantom.seeds", 8);
        for (long seed = 50; seed < 50 + count; seed++) {
            checkAnatomy(seed, ThoraxPhantom.generate(seed, MEDIUM));
        }
    }

    static void checkAnatomy(long seed, PhantomCase c) {
        Volume img = c.image();
        Volume lab = c.labels();
        double sx = lab.spacing()[0];
        double sy = lab.spacing()[1];
        double sz = lab.spacing()[2];
        String s = "seed " + seed + ": ";
        int[] tz = Measure.zRange(lab, TRACHEA);
        int carina = tz[0];

        // the trachea runs down the midline of the body
        int slices = 0;
        for (int z = carina + 2; z <= tz[1]; z++) {
            double[] t = Measure.sliceCentroid(lab, TRACHEA, z);
            int y = (int) Math.round(t[1]);
            int left = 0;
            while (left < img.nx() && img.get(left, y, z) < -400) {
                left++;
            }
            int right = img.nx() - 1;
            while (right > 0 && img.get(right, y, z) < -400) {
                right--;
            }
            double mid = 0.5 * (left + right);
            assertTrue(Math.abs(t[0] - mid) * sx < 15, s + "trachea off the midline"
                    + " by " + (t[0] - mid) * sx + " mm at z " + z);
            slices++;
        }
        assertTrue(slices >= 5, s + "trachea over " + slices + " slices");

        // above the carina the esophagus lies behind the trachea
        int behind = 0;
        int both = 0;
        for (int z = carina + 2; z <= tz[1]; z++) {
            double[] t = Measure.sliceCentroid(lab, TRACHEA, z);
            double[] e = Measure.sliceCentroid(lab, ESOPHAGUS, z);
            if (e == null) {
                continue;
            }
            both++;
            if (e[1] > t[1] && Math.abs(e[0] - t[0]) * sx < 25) {
                behind++;
            }
        }
        assertTrue(both >= 3 && behind >= 0.9 * both, s + "esophagus behind"
                + " the trachea on " + behind + " of " + both + " slices");

        // below the carina it is pressed against the descending aorta,
        // which lies on its left (larger x)
        int near = 0;
        int left = 0;
        int counted = 0;
        int lowest = Math.max(0, carina - (int) Math.round(70 / sz));
        for (int z = carina - 1; z >= lowest; z--) {
            double[] e = Measure.sliceCentroid(lab, ESOPHAGUS, z);
            List<double[]> ao = Measure.components(lab, AORTA, z);
            if (e == null || ao.isEmpty()) {
                continue;
            }
            counted++;
            if (Measure.gapMm(lab, ESOPHAGUS, AORTA, z) <= 1.5 * sx + 2) {
                near++;
            }
            double[] nearest = ao.get(0);
            for (double[] a : ao) {
                if (dist(a, e) < dist(nearest, e)) {
                    nearest = a;
                }
            }
            if (nearest[0] > e[0]) {
                left++;
            }
        }
        assertTrue(counted >= 5, s + counted + " slices with esophagus and aorta");
        assertTrue(near >= 0.5 * counted, s + "esophagus near the aorta on "
                + near + " of " + counted + " slices");
        assertTrue(left >= 0.8 * counted, s + "aorta left of the esophagus on "
                + left + " of " + counted + " slices");

        // at the carina: ascending aorta in front, descending behind, left
        double[] t = Measure.sliceCentroid(lab, TRACHEA, carina + 1);
        List<double[]> parts = Measure.components(lab, AORTA, carina + 1);
        parts.removeIf(p -> p[2] * sx * sy < 100);
        assertEquals(2, parts.size(), s + "aorta parts at the carina");
        double[] front = parts.get(0)[1] < parts.get(1)[1] ? parts.get(0) : parts.get(1);
        double[] back = front == parts.get(0) ? parts.get(1) : parts.get(0);
        assertTrue(front[1] < t[1] && back[1] > t[1], s + "ascending in front of"
                + " and descending behind the trachea");
        assertTrue(back[0] > t[0] && back[0] > front[0], s + "descending aorta"
                + " on the left");
        // and the arch rises above the carina
        assertTrue(Measure.zRange(lab, AORTA)[1] * sz > (carina * sz + 20),
                s + "aortic arch above the carina");

        // the heart: low, in front, more on the left
        double[] h = Measure.centroid(lab, HEART);
        double[] e = Measure.centroid(lab, ESOPHAGUS);
        assertTrue(h[2] < carina, s + "heart centroid below the carina");
        assertTrue(Measure.zRange(lab, HEART)[1] <= carina + 1, s + "heart top");
        assertTrue(h[1] < e[1] - 15 / sy, s + "heart in front of the esophagus");
        assertTrue(h[0] > t[0], s + "heart left of the trachea");
        double[] backAorta = {back[0], back[1]};
        assertTrue(h[1] < backAorta[1], s + "heart in front of the aorta");

        // above the carina the esophagus lies on the spine: bone within
        // 40 mm behind it
        int withBone = 0;
        int tested = 0;
        for (int z = carina + 1; z <= tz[1]; z++) {
            double[] es = Measure.sliceCentroid(lab, ESOPHAGUS, z);
            if (es == null) {
                continue;
            }
            tested++;
            int x = (int) Math.round(es[0]);
            for (int y = (int) Math.round(es[1]); y < Math.min(img.ny(),
                    es[1] + 40 / sy); y++) {
                if (img.get(x, y, z) > 300) {
                    withBone++;
                    break;
                }
            }
        }
        assertTrue(tested > 0 && withBone >= 0.8 * tested, s + "bone behind the"
                + " esophagus on " + withBone + " of " + tested + " slices");
    }

    @Test
    void noiseHasTheConfiguredSigma() {
        double sigma = 20;
        PhantomCase noisy = ThoraxPhantom.generate(9, MEDIUM.withNoise(sigma));
        PhantomCase clean = ThoraxPhantom.generate(9, MEDIUM.withNoise(0));
        assertEquals(sigma, noisy.noiseSigmaHu());
        Volume a = noisy.image();
        Volume b = clean.image();
        // voxels whose clean neighbourhood is flat: one tissue, far from
        // edges; the noisy values there spread by sigma alone
        double sum = 0;
        double sum2 = 0;
        long n = 0;
        double mode = flatMode(b);
        for (int z = 1; z < b.nz() - 1; z++) {
            for (int y = 1; y < b.ny() - 1; y++) {
                for (int x = 1; x < b.nx() - 1; x++) {
                    if (b.get(x, y, z) == mode && flat(b, x, y, z)) {
                        double v = a.get(x, y, z);
                        sum += v;
                        sum2 += v * v;
                        n++;
                    }
                }
            }
        }
        assertTrue(n > 5000, "homogeneous voxels " + n);
        double mean = sum / n;
        double sd = Math.sqrt(sum2 / n - mean * mean);
        assertEquals(sigma, sd, 0.05 * sigma, "noise sd in a region of " + mode + " HU");
        assertEquals(mode, mean, 1.0, "noise mean");
    }

    @Test
    void noiseDrawnPerCaseIsReportedTruly() {
        for (long seed = 60; seed < 63; seed++) {
            PhantomCase c = ThoraxPhantom.generate(seed, SMALL.withBlur(0));
            PhantomCase clean = ThoraxPhantom.generate(seed, SMALL.withBlur(0).withNoise(0));
            double sigma = c.noiseSigmaHu();
            assertTrue(sigma >= 10 && sigma <= 25, "sigma " + sigma);
            double sum2 = 0;
            long n = 0;
            float[] a = c.image().voxels();
            float[] b = clean.image().voxels();
            for (int i = 0; i < a.length; i++) {
                // away from the clipping at -1024
                if (b[i] > -900) {
                    double d = a[i] - b[i];
                    sum2 += d * d;
                    n++;
                }
            }
            double sd = Math.sqrt(sum2 / n);
            assertEquals(sigma, sd, 0.05 * sigma, "seed " + seed);
        }
    }

    @Test
    void edgesArePartialVolumes() {
        // noise-free: between lung and soft tissue there are voxels with
        // values in between, which a binary rendering would not have
        Volume img = ThoraxPhantom.generate(3, MEDIUM.withNoise(0).withBlur(0)).image();
        long between = 0;
        for (float v : img.voxels()) {
            if (v > -700 && v < -200) {
                between++;
            }
        }
        assertTrue(between > 1000, "partial-volume voxels " + between);
    }

    @Test
    void valuesAreIntegerHounsfieldUnits() {
        Volume img = ThoraxPhantom.generate(4, SMALL).image();
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (float v : img.voxels()) {
            assertEquals(Math.rint(v), v, 0.0);
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertTrue(lo >= -1024 && hi <= 3071);
        assertTrue(hi > 500, "bone reaches " + hi);
        assertTrue(lo < -990, "air reaches " + lo);
    }

    @Test
    void geometryFollowsTheAxisConvention() {
        PhantomConfig cfg = PhantomConfig.of(40, 30, 20, new double[] {8, 9, 12});
        PhantomCase c = ThoraxPhantom.generate(1, cfg);
        for (Volume v : new Volume[] {c.image(), c.labels()}) {
            assertEquals(40, v.nx());
            assertEquals(30, v.ny());
            assertEquals(20, v.nz());
            assertArrayEquals(new double[] {8, 9, 12}, v.spacing());
            double[][] a = v.affine();
            // voxel x to the patient's left is RAS -x; y to the back is -y
            assertEquals(-8, a[0][0]);
            assertEquals(-9, a[1][1]);
            assertEquals(12, a[2][2]);
            // the centre of the volume is the world origin
            double[] centre = {19.5, 14.5, 9.5};
            for (int r = 0; r < 3; r++) {
                double w = a[r][3];
                for (int k = 0; k < 3; k++) {
                    w += a[r][k] * centre[k];
                }
                assertEquals(0, w, 1e-9);
            }
        }
        // the spine is at the back: bone is found in the posterior half
        // and the sternum in the front quarter of a middle slice
        PhantomCase d = ThoraxPhantom.generate(1, MEDIUM.withNoise(0));
        Volume img = d.image();
        double[] tr = Measure.sliceCentroid(d.labels(), TRACHEA,
                Measure.zRange(d.labels(), TRACHEA)[0] + 2);
        int x = (int) Math.round(tr[0]);
        int z = Measure.zRange(d.labels(), TRACHEA)[0] + 2;
        int firstBone = -1;
        int lastBone = -1;
        for (int y = 0; y < img.ny(); y++) {
            if (img.get(x, y, z) > 300) {
                lastBone = y;
                if (firstBone < 0) {
                    firstBone = y;
                }
            }
        }
        assertTrue(lastBone > tr[1], "spine behind the trachea");
        assertTrue(firstBone < tr[1], "sternum in front of the trachea");
    }

    @Test
    void badSettingsAreRejectedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ThoraxPhantom.generate(1, 64, 64, 32, new double[] {6, 6}));
        assertTrue(e.getMessage().contains("spacingMm"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ThoraxPhantom.generate(1, 64, 64, 32, new double[] {6, -6, 5}));
        assertTrue(e.getMessage().contains("spacingMm[1]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ThoraxPhantom.generate(1, 0, 64, 32, new double[] {6, 6, 5}));
        assertTrue(e.getMessage().contains("nx"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SMALL.withNoise(-1));
        assertTrue(e.getMessage().contains("noiseSigmaHu"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SMALL.withBlur(Double.NaN));
        assertTrue(e.getMessage().contains("blurSigmaVoxels"), e.getMessage());
    }

    @Test
    void defaultConfigCoversTheThorax() {
        PhantomConfig d = PhantomConfig.DEFAULT;
        assertEquals(128, d.nx());
        assertEquals(64, d.nz());
        double[] s = d.spacingMm();
        assertEquals(352, d.nx() * s[0], 1e-9);
        assertEquals(352, d.ny() * s[1], 1e-9);
        assertEquals(256, d.nz() * s[2], 1e-9);
        s[0] = 99;
        assertEquals(2.75, d.spacingMm()[0], "spacing is copied");
        assertEquals(PhantomConfig.covering(96, 96, 48), PhantomConfig.covering(96, 96, 48));
        assertFalse(PhantomConfig.covering(96, 96, 48).equals(PhantomConfig.DEFAULT));
    }

    @Test
    void defaultCaseIsFast() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            PhantomCase c = ThoraxPhantom.generate(70 + i);
            best = Math.min(best, System.nanoTime() - t0);
            assertNotNull(c.image());
        }
        // about 0.25 s on one core; generous for a busy CI machine
        assertTrue(best < 3_000_000_000L, "default case took " + best / 1e6 + " ms");
    }

    private static double[] mm(Volume v, double[] voxel) {
        double[] s = v.spacing();
        return new double[] {(voxel[0] - 0.5 * (v.nx() - 1)) * s[0],
            (voxel[1] - 0.5 * (v.ny() - 1)) * s[1],
            (voxel[2] - 0.5 * (v.nz() - 1)) * s[2]};
    }

    private static double dist(double[] a, double[] b) {
        return Math.hypot(a[0] - b[0], a[1] - b[1]);
    }

    /** Whether the 26 neighbours of (x, y, z) have its value exactly. */
    private static boolean flat(Volume v, int x, int y, int z) {
        float c = v.get(x, y, z);
        for (int dz = -1; dz <= 1; dz++) {
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    if (v.get(x + dx, y + dy, z + dz) != c) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The most common value among flat voxels above -900 HU. */
    private static double flatMode(Volume v) {
        java.util.Map<Float, Integer> n = new java.util.HashMap<>();
        for (int z = 1; z < v.nz() - 1; z++) {
            for (int y = 1; y < v.ny() - 1; y++) {
                for (int x = 1; x < v.nx() - 1; x++) {
                    float c = v.get(x, y, z);
                    if (c > -900 && flat(v, x, y, z)) {
                        n.merge(c, 1, Integer::sum);
                    }
                }
            }
        }
        return n.entrySet().stream().max(java.util.Map.Entry.comparingByValue())
                .orElseThrow().getKey();
    }
}
