package vox.data.phantom;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One phantom patient: every size, position, curve and tissue value,
 * drawn from a seed. Coordinates are millimetres in the anatomical frame
 * of {@link Grid}: u to the patient's left, v to the posterior, w to the
 * superior; u = v = 0 on the axis of the body, w = 0 at the carina.
 *
 * <p>Structures are built in an order where each is placed against the
 * ones it touches in a real thorax: the spine first; the esophagus on
 * the spine and the trachea in front of it; the descending aorta beside
 * the spine and the lower esophagus against it on its right; the heart
 * in front of the esophagus on the diaphragm; then the ascending aorta,
 * pulmonary arteries and veins around them. Tubes that would overlap a
 * neighbour are pushed out of it.
 */
final class Anatomy {
    private final SplittableRandom rng;

    final double noiseSigma;
    /** Anatomical (u, v, w) at the centre of the field of view. */
    final double centreU;
    final double centreV;
    final double centreW;

    // ---- tissue values of this case, Hounsfield units
    final double skinHu;
    final double fatHu;
    final double muscleHu;
    final double lungHu;
    /** Gravity gradient of the lungs, HU per 100 mm to the posterior. */
    final double lungGradHu;
    final double mediastinumFatHu;
    final double liverHu;
    final double abdomenHu;
    final double stomachHu;
    final double marrowHu;
    final double cortexHu;
    final double discHu;
    final double canalHu;
    final double archBoneHu;
    final double cartilageHu;
    final double heartHu;
    final double esophagusHu;
    final double aortaHu;
    final double pulmonaryHu;
    final double veinHu;
    final double airwayWallHu;
    final double vesselHu;

    // ---- body outline and layers
    // TODO: no arms, no scanner table, no breasts; the heart is one value
    // without chambers or myocardium, the lungs have no fissures
    final double bodyA;
    final double bodyBf;
    final double bodyBb;
    final double skin;
    final double fatBase;
    private final double fat1c;
    private final double fat1s;
    private final double fat2c;
    private final double fat2s;

    // ---- thoracic cavity (inside the ribs)
    final double cavA;
    final double cavBf;
    final double cavBb;
    final double wTaper;
    final double wApexR;
    final double wApexL;
    final double apexUR;
    final double apexUL;
    final double apexV;

    // ---- diaphragm: two domes, the right one higher
    final double wDomeR;
    final double wDomeL;
    private final double uDome;
    private final double vDome;
    private final double cDome;
    private final double wDomeC;
    private final double uDomeC;
    private final double vDomeC;
    final double diaThick;

    // ---- spine
    final double level;
    final double wT1;
    private final double usBase;
    private final double scolAmp;
    private final double scolLen;
    private final double scolPh;
    private final double vs0;
    private final double kyph;
    private final double wKyph;
    private final double ru0;
    private final double rv0;
    final double cortex;
    final double rCanal;
    final double discMm;
    final double spinousLen;
    final double paraspinalA;
    final double paraspinalB;

    // ---- ribs, per side (0 right, 1 left) and rib (0 = first rib)
    static final int RIBS = 12;
    final double[][] ribHead = new double[2][RIBS];
    final double[][] ribDrop = new double[2][RIBS];
    final double[][] ribStart = new double[2][RIBS];
    final double[][] ribBoneEnd = new double[2][RIBS];
    final double[][] ribEnd = new double[2][RIBS];
    final double ribThick;
    final double ribHeight;
    final double ribOffset;
    final double meanRibDrop;

    // ---- sternum
    final double stNotch;
    final double stManubrium;
    final double stXiphoid;
    final double stHalfManubrium;
    final double stHalfBody;
    final double stThick;
    final double stGap;

    // ---- midline, airways
    final double uMid;
    final double rTrachea;
    final double tracheaWall;
    final double bronchusWall;
    private final double tilt;
    private final double dent;
    final double wArch;
    final double[] carina;
    final Tube trachea;
    final List<Tube> bronchi = new ArrayList<>();
    /** The labelled beginnings of the two main bronchi. */
    final List<Tube> stubs = new ArrayList<>();

    // ---- esophagus
    private final double a0;
    private final double b0;
    private final double gapES;
    private final double gapTE;
    final EsophagusPath esophagus;
    final boolean airPocket;
    final double[] pocketCentre;
    final double[] pocketSemi;

    // ---- vessels
    final Tube aorta;
    final List<Tube> archBranches = new ArrayList<>();
    final List<Tube> pulmonary = new ArrayList<>();
    final List<Tube> veins = new ArrayList<>();
    final List<Tube> lungVessels = new ArrayList<>();

    // ---- heart: ventricles (rotated ellipsoid) joined to the atria
    final double[] ventricleCentre;
    final double[][] ventricleAxes;
    final double[] ventricleSemi;
    final double[] atriaCentre;
    final double[] atriaSemi;
    final double heartBlend;
    /**
     * Per esophagus sample level: the v that the heart must stay in
     * front of, the front of the esophagus or of the descending aorta,
     * whichever is more anterior.
     */
    private double[] heartBack;

    // ---- abdomen
    final double[] stomachCentre;
    final double[] stomachSemi;
    final double stomachAirLevel;
    final double liverEdge;

    // ---- fat halos of the mediastinum
    final double medHalf;
    final double haloHeart;
    final double haloAorta;
    final double haloAirway;
    final double haloEsophagus;
    final double haloVessel;
    final double medBlend;

    Anatomy(long seed) {
        rng = new SplittableRandom(seed);
        noiseSigma = u(10, 25);
        centreU = u(-8, 8);
        centreV = u(-6, 12);
        centreW = u(-42, -26);

        skinHu = u(20, 45);
        fatHu = u(-115, -85);
        muscleHu = u(40, 55);
        lungHu = u(-870, -835);
        lungGradHu = u(10, 40);
        mediastinumFatHu = u(-105, -70);
        liverHu = u(50, 70);
        abdomenHu = u(25, 45);
        stomachHu = u(5, 25);
        marrowHu = u(380, 480);
        cortexHu = u(850, 1000);
        discHu = u(70, 100);
        canalHu = u(15, 30);
        archBoneHu = u(550, 750);
        cartilageHu = u(110, 180);
        heartHu = u(42, 58);
        esophagusHu = u(32, 48);
        aortaHu = u(160, 290);
        pulmonaryHu = heartHu + u(-4, 8);
        veinHu = u(38, 58);
        airwayWallHu = u(40, 80);
        vesselHu = u(20, 60);

        // body and its layers
        bodyA = u(140, 165);
        bodyBf = u(108, 128);
        bodyBb = u(100, 120);
        skin = u(1.5, 2.5);
        double insetL = u(36, 46);
        double insetF = u(25, 35);
        double insetB = u(38, 48);
        cavA = bodyA - insetL;
        cavBf = bodyBf - insetF;
        cavBb = bodyBb - insetB;
        fat1c = u(-0.15, 0.15);
        fat1s = u(-0.1, 0.1);
        fat2c = u(-0.2, 0.2);
        fat2s = u(-0.1, 0.1);
        double amp = 1 + Math.abs(fat1c) + Math.abs(fat1s) + Math.abs(fat2c)
                + Math.abs(fat2s);
        double fatMax = Math.min(insetL, Math.min(insetF, insetB)) - skin - 17;
        fatBase = Math.min(u(6, 20), fatMax / amp);

        wTaper = u(5, 25);
        wApexR = u(88, 105);
        wApexL = wApexR + u(-8, 8);
        apexUR = -cavA * u(0.42, 0.52);
        apexUL = cavA * u(0.42, 0.52);
        apexV = u(0, 15);

        wDomeR = u(-115, -95);
        wDomeL = wDomeR - u(5, 20);
        uDome = u(45, 65);
        vDome = u(-15, 5);
        cDome = u(0.004, 0.007);
        // the central tendon under the heart, between the domes
        wDomeC = Math.min(wDomeR, wDomeL) - u(8, 16);
        uDomeC = u(5, 20);
        vDomeC = vDome - u(25, 40);
        diaThick = u(3, 5);

        // spine
        level = u(22, 26);
        wT1 = 4 * level + u(-6, 10);
        usBase = u(-3, 3);
        scolAmp = u(0, 4);
        scolLen = u(300, 600);
        scolPh = u(0, 2 * Math.PI);
        vs0 = bodyBb - u(72, 85);
        kyph = u(4, 14);
        wKyph = u(-70, -30);
        ru0 = u(16, 20);
        rv0 = u(13, 16);
        cortex = u(1.5, 2.5);
        rCanal = u(6.5, 8.5);
        discMm = u(4, 6);
        spinousLen = u(25, 35);
        paraspinalA = u(42, 52);
        paraspinalB = u(35, 45);

        // ribs: heads at the vertebral levels, sloping down to the front
        ribThick = u(3.5, 4.5);
        ribHeight = u(4, 5.5);
        ribOffset = u(3, 5) + ribThick;
        double dropSum = 0;
        for (int s = 0; s < 2; s++) {
            double sideShift = u(-2, 2);
            for (int n = 0; n < RIBS; n++) {
                ribHead[s][n] = wT1 - n * level + sideShift + u(-2, 2);
                ribDrop[s][n] = u(85, 110) + 1.5 * n;
                ribStart[s][n] = u(0.2, 0.3);
                if (n < 10) {
                    ribBoneEnd[s][n] = u(2.2, 2.5);
                    ribEnd[s][n] = u(2.75, 2.9);
                } else {
                    ribBoneEnd[s][n] = n == 10 ? u(1.9, 2.2) : u(1.5, 1.9);
                    ribEnd[s][n] = ribBoneEnd[s][n];
                }
                dropSum += ribDrop[s][n];
            }
        }
        meanRibDrop = dropSum / (2 * RIBS);

        stNotch = u(45, 62);
        stManubrium = stNotch - u(40, 50);
        stXiphoid = u(-125, -100);
        stHalfManubrium = u(20, 27);
        stHalfBody = u(12, 16);
        stThick = u(5, 7);
        stGap = u(2, 5);

        // airways, in front of the esophagus, which lies on the spine
        uMid = us(0) + u(-4, 2);
        a0 = u(7, 10);
        b0 = u(4.5, 6.5);
        gapES = u(0.5, 2);
        gapTE = u(0.5, 2);
        rTrachea = u(8, 11);
        tracheaWall = u(1.8, 2.6);
        bronchusWall = u(1.2, 1.8);
        tilt = u(0, 6);
        wArch = u(25, 40);
        dent = u(1, 4);
        carina = new double[] {uTrachea(0), vTrachea(0), 0};
        trachea = buildTrachea();
        buildBronchi();

        // descending aorta beside the spine, used to place the esophagus
        double rAsc = u(14, 17);
        double rArch = u(12, 14.5);
        double rDesc = u(11, 13);
        double uAoOff = u(20, 27);
        double vAoOff = u(4, 12);
        double gapAS = u(1, 3);
        List<double[]> desc = new ArrayList<>();
        for (double w = wArch - 30; w > -360; w -= 20) {
            double t = Sdf.smoothstep(-90, -170, w);
            desc.add(new double[] {us(w) + Sdf.lerp(uAoOff, 6, t),
                vs(w) - Sdf.lerp(vAoOff, rv(w) + rDesc * 0.8, t), w,
                rDesc * (1 - 0.15 * Sdf.smoothstep(-100, -200, w))});
        }
        Tube descending = Tube.spline(desc.toArray(new double[0][]), 3);
        Obstacle spine = new VertebralColumn();
        descending.repel(List.of(spine), gapAS, 0, descending.nodes());

        // stomach under the left dome; the esophagus ends in its cardia
        double wS = wDomeL - u(42, 58);
        stomachSemi = new double[] {u(35, 48), u(28, 40), u(35, 45)};
        stomachCentre = new double[] {us(wS) + u(55, 75),
            vs(wS) - rv(wS) - u(30, 50), wS};
        stomachAirLevel = rng.nextDouble() < 0.6
                ? wS + stomachSemi[2] * u(0.2, 0.6) : Double.NaN;
        liverEdge = u(-5, 25);
        double[] cardia = onEllipsoid(stomachCentre, stomachSemi,
                new double[] {-0.8, 0.2, 0.55}, -4);

        // esophagus
        airPocket = rng.nextDouble() < 0.5;
        pocketCentre = new double[] {u(-0.3, 0.3), u(-0.3, 0.3), u(-60, 60)};
        pocketSemi = new double[] {u(2, 3.5), u(1.5, 2.5), u(5, 14)};
        esophagus = buildEsophagus(descending, cardia);
        List<Obstacle> eAvoid = new ArrayList<>();
        eAvoid.add(descending);
        eAvoid.add(trachea);
        eAvoid.addAll(bronchi.subList(0, 2));
        eAvoid.add(spine);
        double gapE = u(0.3, 1.2);
        esophagus.repel(eAvoid, gapE);

        // heart: atria against the esophagus, ventricles on the diaphragm
        heartBlend = u(8, 14);
        double gapHE = u(0.5, 2.5);
        atriaSemi = new double[] {u(35, 43), u(24, 30), u(27, 33)};
        double wA = u(-52, -40);
        double[] e = esophagus.at(wA);
        atriaCentre = new double[] {uMid + u(-10, 0),
            e[1] - e[3] - gapHE - atriaSemi[1], wA};
        ventricleSemi = new double[] {u(56, 64), u(42, 50), u(36, 42)};
        ventricleAxes = frame(new double[] {u(0.55, 0.75), -u(0.45, 0.6),
            -u(0.45, 0.6)});
        heartBack = backOfHeart(descending, gapHE);
        ventricleCentre = placeVentricles(atriaCentre, u(38, 48), u(4, 12));

        // ascending aorta from the heart, arching over the left bronchus
        aorta = buildAorta(descending, rAsc, rArch, gapAS);
        eAvoid.set(0, aorta);
        esophagus.repel(eAvoid, gapE);

        // bronchi beyond the labelled stubs give way to their neighbours
        List<Obstacle> bAvoid = List.of(this::heartSdf, aorta, esophagus);
        double gapB = u(1, 3);
        for (int n = 0; n < bronchi.size(); n++) {
            Tube t = bronchi.get(n);
            int first = n < 2 ? firstNodeBeyond(t, 20) : 1;
            t.repel(bAvoid, gapB, first, t.nodes());
        }
        buildBranches();
        buildPulmonaryAndVeins();
        buildLungVessels();

        medHalf = u(9, 15);
        haloHeart = u(3, 8);
        haloAorta = u(2, 5);
        haloAirway = u(2, 5);
        haloEsophagus = u(1.5, 4);
        haloVessel = u(2, 4);
        medBlend = u(6, 10);
    }

    private double u(double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    // ------------------------------------------------------------ body

    /** Scale of the outline: narrower in the neck and the abdomen. */
    double bodyScale(double w) {
        return 1 - 0.06 * Sdf.smoothstep(-110, -200, w)
                - 0.04 * Sdf.smoothstep(60, 160, w);
    }

    /** Signed distance to the skin surface at level w. */
    double bodySdf(double pu, double pv, double w) {
        double s = bodyScale(w);
        return Sdf.torso(pu, pv, bodyA * s, bodyBf * s, bodyBb * s);
    }

    /** Thickness of subcutaneous fat at in-plane direction (pu, pv). */
    double fatThickness(double pu, double pv) {
        double r = Math.sqrt(pu * pu + pv * pv);
        if (r < 1e-9) {
            return fatBase;
        }
        double c = -pv / r;
        double s = pu / r;
        return fatBase * (1 + fat1c * c + fat1s * s + fat2c * (c * c - s * s)
                + fat2s * 2 * c * s);
    }

    /** Distance to the inside of the ribs, without the apex taper. */
    double envelopeSdf(double pu, double pv, double w) {
        double s = bodyScale(w);
        return Sdf.torso(pu, pv, cavA * s, cavBf * s, cavBb * s);
    }

    /** Size of one lung's cavity relative to full size at level w. */
    double apexScale(double w, double wApex) {
        if (w <= wTaper) {
            return 1;
        }
        if (w >= wApex) {
            return 0;
        }
        double t = (w - wTaper) / (wApex - wTaper);
        return Math.sqrt(1 - t * t);
    }

    /**
     * Distance to one side of the thoracic cavity (side 0 right, 1 left),
     * whose top narrows to the apex of that lung.
     */
    double sideSdf(int side, double pu, double pv, double w) {
        double s = apexScale(w, side == 0 ? wApexR : wApexL);
        if (s <= 0.02) {
            return Sdf.FAR;
        }
        double half = side == 0 ? pu - uMid : uMid - pu;
        double d;
        if (s >= 1) {
            d = envelopeSdf(pu, pv, w);
        } else {
            double cu = side == 0 ? apexUR : apexUL;
            d = s * envelopeSdf(cu + (pu - cu) / s, apexV + (pv - apexV) / s, w);
        }
        return Math.max(d, half);
    }

    /**
     * Height of one dome at (pu, pv): a paraboloid that falls gently to
     * the front and steeply into the posterior recess.
     */
    private double dome(double top, double du, double dv) {
        double k = dv < 0 ? 0.5 : 1.6;
        return top - cDome * (du * du + k * dv * dv);
    }

    /** Height of the upper surface of the diaphragm. */
    double diaphragm(double pu, double pv) {
        double r = dome(wDomeR, pu + uDome, pv - vDome);
        double l = dome(wDomeL, pu - uDome, pv - vDome);
        double c = wDomeC - 0.5 * cDome * (Tube.sq(pu - uDomeC)
                + Tube.sq(pv - vDomeC));
        return Sdf.smax(Sdf.smax(r, l, 20), c, 15);
    }

    /**
     * Signed distance to the diaphragm surface, positive below it (in the
     * abdomen), from the height difference and the slope.
     */
    double belowDiaphragm(double pu, double pv, double w) {
        double r = dome(wDomeR, pu + uDome, pv - vDome);
        double l = dome(wDomeL, pu - uDome, pv - vDome);
        double c = wDomeC - 0.5 * cDome * (Tube.sq(pu - uDomeC)
                + Tube.sq(pv - vDomeC));
        double top = Sdf.smax(Sdf.smax(r, l, 20), c, 15);
        double gu;
        double gv;
        if (c > Math.max(r, l)) {
            gu = cDome * (pu - uDomeC);
            gv = cDome * (pv - vDomeC);
        } else {
            double du = r > l ? pu + uDome : pu - uDome;
            double dv = pv - vDome;
            gu = 2 * cDome * du;
            gv = 2 * cDome * (dv < 0 ? 0.5 : 1.6) * dv;
        }
        return (top - w) / Math.sqrt(1 + gu * gu + gv * gv);
    }

    /** The z component of the unit normal of the diaphragm at (pu, pv). */
    double diaphragmNormalZ(double pu, double pv) {
        double e = 0.5;
        double gu = (diaphragm(pu + e, pv) - diaphragm(pu - e, pv)) / (2 * e);
        double gv = (diaphragm(pu, pv + e) - diaphragm(pu, pv - e)) / (2 * e);
        return 1 / Math.sqrt(1 + gu * gu + gv * gv);
    }

    // ----------------------------------------------------------- spine

    double us(double w) {
        return usBase + scolAmp * StrictMath.sin(2 * Math.PI * w / scolLen + scolPh);
    }

    double vs(double w) {
        return vs0 - kyph * Tube.sq((w - wKyph) / 150);
    }

    double ru(double w) {
        return ru0 * Sdf.clamp(1 - 0.0015 * w, 0.8, 1.35);
    }

    double rv(double w) {
        return rv0 * Sdf.clamp(1 - 0.0012 * w, 0.8, 1.3);
    }

    /** Centre v of the spinal canal. */
    double vCanal(double w) {
        return vs(w) + rv(w) + rCanal + 1.5;
    }

    /** The vertebral bodies, as an obstacle for the tubes beside them. */
    final class VertebralColumn implements Obstacle {
        @Override
        public double sdf(double pu, double pv, double pw) {
            return Sdf.ellipse(pu - us(pw), pv - vs(pw), ru(pw), rv(pw));
        }
    }

    // --------------------------------------------------------- airways

    double uTrachea(double w) {
        return uMid - dent * StrictMath.exp(-Tube.sq((w - wArch) / 20));
    }

    double vTrachea(double w) {
        return vs(w) - rv(w) - gapES - 2 * b0 - gapTE - rTrachea
                - tilt * Math.max(w, 0) / 100;
    }

    private Tube buildTrachea() {
        List<double[]> c = new ArrayList<>();
        for (double w = 280; w >= 0; w -= 20) {
            c.add(new double[] {uTrachea(w), vTrachea(w), w, rTrachea});
        }
        return Tube.spline(c.toArray(new double[0][]), 3);
    }

    private void buildBronchi() {
        double thR = Math.toRadians(u(20, 35));
        double thL = Math.toRadians(u(40, 55));
        double lenR = u(18, 26);
        double lenL = u(40, 50);
        double rR = rTrachea * u(0.68, 0.8);
        double rL = rTrachea * u(0.6, 0.72);
        double[] dR = unit(-StrictMath.sin(thR), u(0.05, 0.25), -StrictMath.cos(thR));
        double[] dL = unit(StrictMath.sin(thL), u(0.05, 0.25), -StrictMath.cos(thL));
        double[] c = carina;

        // right main bronchus continuing as the bronchus intermedius
        double[] rm = along(c, dR, lenR);
        double[] bi = along(rm, unit(-0.35, 0.15, -1), u(22, 32));
        Tube right = Tube.spline(new double[][] {pt(c, rR),
            pt(along(c, dR, lenR * 0.5), rR), pt(rm, rR), pt(bi, rR * 0.8)}, 2);
        double[] rul = along(c, dR, lenR * 0.8);
        Tube upperR = line(rul, along(rul, unit(-0.9, 0.1, 0.4), u(15, 25)),
                rR * 0.65);
        Tube middleR = line(bi, along(bi, unit(-0.45, -0.85, -0.3),
                u(15, 22)), rR * 0.5);
        Tube lowerR = line(bi, along(bi, unit(-0.3, 0.7, -1), u(25, 35)),
                rR * 0.65);

        double[] lm = along(c, dL, lenL);
        Tube left = Tube.spline(new double[][] {pt(c, rL),
            pt(along(c, dL, lenL * 0.5), rL), pt(lm, rL)}, 2);
        Tube upperL = line(lm, along(lm, unit(0.6, -0.5, 0.6), u(18, 26)),
                rL * 0.72);
        Tube lowerL = line(lm, along(lm, unit(0.35, 0.7, -1), u(25, 40)),
                rL * 0.78);

        bronchi.addAll(List.of(right, left, upperR, middleR, lowerR, upperL,
                lowerL));
        double stub = u(8, 14);
        stubs.add(right.prefix(stub));
        stubs.add(left.prefix(stub));
    }

    /** Index of the first node farther than len mm along the tube. */
    private static int firstNodeBeyond(Tube t, double len) {
        double acc = 0;
        for (int i = 1; i < t.nodes(); i++) {
            acc += Math.sqrt(Tube.sq(t.u[i] - t.u[i - 1])
                    + Tube.sq(t.v[i] - t.v[i - 1]) + Tube.sq(t.w[i] - t.w[i - 1]));
            if (acc > len) {
                return i;
            }
        }
        return t.nodes();
    }

    // ------------------------------------------------------- esophagus

    private EsophagusPath buildEsophagus(Tube descending, double[] cardia) {
        double aAmp = u(0.05, 0.2);
        double bAmp = u(0.05, 0.2);
        double lamA = u(60, 120);
        double lamB = u(60, 120);
        double phA = u(0, 2 * Math.PI);
        double phB = u(0, 2 * Math.PI);
        double theta0 = u(-0.25, 0.25);
        double du = u(2, 7);
        double gapEA = u(0, 1.5);
        double alpha0 = Math.toRadians(u(25, 55));
        double alpha1 = Math.toRadians(u(70, 100));
        double wA1 = u(-70, -45);
        double wHi = u(-5, 8);
        double wLo = wHi - u(25, 40);
        double wBend = cardia[2] + u(12, 22);
        EsophagusPath p = new EsophagusPath(320, cardia[2], 2);
        for (int i = 0; i < p.samples(); i++) {
            double w = p.w[i];
            double a = a0 * (1 + aAmp * StrictMath.sin(2 * Math.PI * w / lamA + phA));
            double b = b0 * (1 + bAmp * StrictMath.sin(2 * Math.PI * w / lamB + phB));
            if (airPocket) {
                // the esophagus widens around a swallowed bubble of air
                double t = StrictMath.exp(-Tube.sq((w - pocketCentre[2])
                        / (pocketSemi[2] + 6)));
                a = Math.max(a, Sdf.lerp(a, pocketSemi[0] + 3, t));
                b = Math.max(b, Sdf.lerp(b, pocketSemi[1] + 2.5, t));
            }
            p.a[i] = a;
            p.b[i] = b;
            p.theta[i] = theta0 + 0.15 * StrictMath.sin(w / 70);

            double uUp = uTrachea(w) + du;
            double vUp = vTrachea(w) + rTrachea + gapTE + b;
            double[] ao = nodeAtLevel(descending, w);
            double al = Sdf.lerp(alpha0, alpha1, Sdf.smoothstep(wA1, wDomeL, w));
            double nu = -StrictMath.cos(al);
            double nv = -StrictMath.sin(al);
            double reach = ao[3] + p.extent(i, nu, nv) + gapEA;
            double uLo = ao[0] + nu * reach;
            double vLo = ao[1] + nv * reach;
            double t = Sdf.smoothstep(wHi, wLo, w);
            double cu = Sdf.lerp(uUp, uLo, t);
            double cv = Sdf.lerp(vUp, vLo, t);
            double h = Sdf.smoothstep(wBend, cardia[2], w);
            p.u[i] = Sdf.lerp(cu, cardia[0], h);
            p.v[i] = Sdf.lerp(cv, cardia[1], h);
        }
        return p;
    }

    /** Interpolated {u, v, w, r} of a roughly vertical tube at level w. */
    static double[] nodeAtLevel(Tube t, double w) {
        int best = 0;
        for (int i = 1; i < t.nodes(); i++) {
            if (Math.abs(t.w[i] - w) < Math.abs(t.w[best] - w)) {
                best = i;
            }
        }
        int other = best + 1 < t.nodes() && (best == 0
                || Math.abs(t.w[best + 1] - w) < Math.abs(t.w[best - 1] - w))
                ? best + 1 : best - 1;
        if (other < 0 || t.w[other] == t.w[best]) {
            return t.node(best);
        }
        double f = Sdf.clamp((w - t.w[best]) / (t.w[other] - t.w[best]), 0, 1);
        return new double[] {Sdf.lerp(t.u[best], t.u[other], f),
            Sdf.lerp(t.v[best], t.v[other], f), w,
            Sdf.lerp(t.r[best], t.r[other], f)};
    }

    // ----------------------------------------------------------- heart

    double heartSdf(double pu, double pv, double pw) {
        double[] c = ventricleCentre;
        double[][] e = ventricleAxes;
        double du = pu - c[0];
        double dv = pv - c[1];
        double dw = pw - c[2];
        double dV = Sdf.ellipsoid(e[0][0] * du + e[0][1] * dv + e[0][2] * dw,
                e[1][0] * du + e[1][1] * dv + e[1][2] * dw,
                e[2][0] * du + e[2][1] * dv + e[2][2] * dw,
                ventricleSemi[0], ventricleSemi[1], ventricleSemi[2]);
        double dA = Sdf.ellipsoid(pu - atriaCentre[0], pv - atriaCentre[1],
                pw - atriaCentre[2], atriaSemi[0], atriaSemi[1], atriaSemi[2]);
        double d = Sdf.smin(dV, dA, heartBlend);
        // the back stays in front of the esophagus and aorta, and rounds
        // off to the sides, where the lungs are
        double side = pu - esophagus.at(pw)[0];
        d = Math.max(d, pv - backAt(pw) - 0.006 * side * side);
        return Math.max(d, belowDiaphragm(pu, pv, pw) + diaThick / 2);
    }

    /**
     * Centre of the ventricles, on the long axis of the heart from its
     * base (the atria): far enough along it that their lowest point sinks
     * {@code sink} mm into the diaphragm, which clips it flat. Where that
     * would pull them away from the atria they grow instead (up to 20%).
     * They are then moved back from the chest wall if they reach through
     * it. Their back is cut flat by {@link #heartBack}.
     */
    private double[] placeVentricles(double[] base, double dist,
            double sink) {
        double[][] e = ventricleAxes;
        double[] s = ventricleSemi;
        double grown = 1;
        double[] c = base;
        for (int it = 0; it < 8; it++) {
            double hW = support(e, s, new double[] {0, 0, 1});
            double[] low = new double[3];
            for (int i = 0; i < 3; i++) {
                for (int d = 0; d < 3; d++) {
                    low[d] -= s[i] * s[i] * e[i][2] * e[i][d] / hW;
                }
            }
            c = along(base, e[0], dist);
            double floating = c[2] + low[2]
                    - (diaphragm(c[0] + low[0], c[1] + low[1]) - sink);
            dist = Math.max(10, dist + floating / Math.abs(e[0][2]));
            double limit = 0.75 * s[0];
            if (dist > limit && grown < 1.2) {
                double k = Math.min(dist / limit, 1.2 / grown);
                grown *= k;
                for (int i = 0; i < 3; i++) {
                    s[i] *= k;
                }
            }
            dist = Math.min(dist, 0.8 * s[0]);
        }
        c = along(base, e[0], dist);
        double hV = support(e, s, new double[] {0, 1, 0});
        double sc = bodyScale(c[2]);
        double x = Sdf.clamp(c[0] / (cavA * sc), -0.95, 0.95);
        double front = -cavBf * sc * Math.sqrt(1 - x * x) + 2;
        c[1] = Math.max(c[1], front + hV);
        return c;
    }

    private double[] backOfHeart(Tube descending, double gap) {
        EsophagusPath p = esophagus;
        double[] back = new double[p.samples()];
        for (int i = 0; i < back.length; i++) {
            double[] ao = nodeAtLevel(descending, p.w[i]);
            back[i] = Math.min(p.v[i] - p.extent(i, 0, -1), ao[1] - ao[3]) - gap;
        }
        return back;
    }

    /** The back limit of the heart at level w. */
    private double backAt(double w) {
        EsophagusPath p = esophagus;
        double x = (p.w[0] - w) / p.step;
        int i = (int) Math.floor(x);
        int last = heartBack.length - 1;
        if (i < 0) {
            return heartBack[0];
        }
        if (i >= last) {
            return heartBack[last];
        }
        return Sdf.lerp(heartBack[i], heartBack[i + 1], x - i);
    }

    /** An orthonormal frame whose first axis is along dir. */
    private static double[][] frame(double[] dir) {
        double[] e0 = unit(dir[0], dir[1], dir[2]);
        double[] e1 = unit(-e0[1], e0[0], 0);
        double[] e2 = {e0[1] * e1[2] - e0[2] * e1[1],
            e0[2] * e1[0] - e0[0] * e1[2], e0[0] * e1[1] - e0[1] * e1[0]};
        return new double[][] {e0, e1, e2};
    }

    /** Half-extent of a rotated ellipsoid along unit direction n. */
    private static double support(double[][] e, double[] s, double[] n) {
        double sum = 0;
        for (int i = 0; i < 3; i++) {
            double p = e[i][0] * n[0] + e[i][1] * n[1] + e[i][2] * n[2];
            sum += Tube.sq(s[i] * p);
        }
        return Math.sqrt(sum);
    }

    /**
     * The highest point of the column (pu, pv) that lies {@code depth} mm
     * inside the heart: where a vessel leaves it.
     */
    private double[] heartTop(double pu, double pv, double depth) {
        // a column that misses the heart slides towards the ventricles
        for (int step = 0; step <= 10; step++) {
            double f = step / 10.0;
            double qu = Sdf.lerp(pu, ventricleCentre[0], f);
            double qv = Sdf.lerp(pv, ventricleCentre[1], f);
            for (double w = 60; w > -220; w -= 1) {
                if (heartSdf(qu, qv, w) < -depth) {
                    return new double[] {qu, qv, w};
                }
            }
        }
        return ventricleCentre.clone();
    }

    // ----------------------------------------------------------- aorta

    private Tube buildAorta(Tube descending, double rAsc, double rArch,
            double gapAS) {
        double[] c = carina;
        double[] root = heartTop(c[0] + u(-2, 6), c[1] - u(30, 40), 4);
        double vTop = vTrachea(wArch);
        List<double[]> ctrl = new ArrayList<>();
        ctrl.add(pt(root, rAsc + u(1, 2.5)));
        ctrl.add(new double[] {c[0] - u(10, 18), c[1] - u(36, 46),
            Sdf.lerp(root[2], wArch, 0.4), rAsc});
        ctrl.add(new double[] {c[0] - u(6, 14), c[1] - u(30, 40),
            wArch - u(14, 20), rAsc * 0.95});
        ctrl.add(new double[] {uTrachea(wArch) + u(0, 6),
            vTop - rTrachea - rArch - u(3, 8), wArch, rArch});
        ctrl.add(new double[] {uTrachea(wArch - 10) + rTrachea + rArch + u(2, 5),
            vTrachea(wArch - 10) + u(2, 8), wArch - 10, rArch});
        for (int i = 0; i < descending.nodes(); i += 7) {
            if (descending.w[i] <= wArch - 30) {
                ctrl.add(descending.node(i));
            }
        }
        Tube t = Tube.spline(ctrl.toArray(new double[0][]), 3);
        List<Obstacle> avoid = new ArrayList<>();
        avoid.add(trachea);
        avoid.addAll(bronchi.subList(0, 2));
        avoid.add(new VertebralColumn());
        t.repel(avoid, gapAS, 3, t.nodes());
        return t;
    }

    private void buildBranches() {
        int apex = 0;
        for (int i = 1; i < aorta.nodes(); i++) {
            if (aorta.w[i] > aorta.w[apex]) {
                apex = i;
            }
        }
        double[] c = carina;
        double[] bct = aorta.node(Math.max(0, apex - 4));
        double[] lcca = aorta.node(apex);
        double[] lsa = aorta.node(Math.min(aorta.nodes() - 1, apex + 4));
        double r1 = u(6, 7.5);
        double r2 = u(4.5, 5.5);
        double r3 = u(5, 6);
        archBranches.add(Tube.spline(new double[][] {pt(bct, r1),
            {c[0] - u(10, 16), c[1] - u(16, 24), wArch + 35, r1},
            {c[0] - u(22, 30), c[1] - u(8, 14), wArch + 80, r1}}, 3));
        archBranches.add(Tube.spline(new double[][] {pt(lcca, r2),
            {c[0] + u(12, 17), c[1] - u(10, 16), wArch + 45, r2},
            {c[0] + u(18, 24), c[1] - u(4, 10), wArch + 95, r2}}, 3));
        archBranches.add(Tube.spline(new double[][] {pt(lsa, r3),
            {c[0] + u(22, 28), c[1] + u(0, 6), wArch + 35, r3},
            {c[0] + u(30, 36), c[1] + u(2, 8), wArch + 70, r3},
            {c[0] + u(55, 65), c[1] + u(-5, 5), wApexL + u(10, 20), r3}}, 3));
        List<Obstacle> avoid = List.of(trachea, esophagus);
        double gap = u(1, 3);
        for (Tube b : archBranches) {
            b.repel(avoid, gap, 3, b.nodes());
        }
    }

    private void buildPulmonaryAndVeins() {
        double[] c = carina;
        List<Obstacle> avoid = new ArrayList<>();
        avoid.add(aorta);
        avoid.add(trachea);
        avoid.addAll(bronchi);
        double gap = u(1, 3);

        double[] paRoot = heartTop(c[0] + u(8, 16), c[1] - u(50, 60), 4);
        double rTrunk = u(12, 15);
        double rBranch = u(9, 11);
        double[] fork = {c[0] + u(6, 12), c[1] - u(18, 26), -u(0, 10)};
        Tube trunk = Tube.spline(new double[][] {pt(paRoot, rTrunk),
            pt(fork, rTrunk),
            {c[0] + u(30, 38), c[1] + u(-4, 4), u(-2, 8), rBranch},
            {c[0] + u(50, 60), c[1] + u(2, 10), u(-12, 0), rBranch * 0.8}}, 3);
        Tube rightPa = Tube.spline(new double[][] {pt(fork, rBranch),
            {c[0] - u(18, 24), c[1] - u(12, 18), -u(6, 12), rBranch},
            {c[0] - u(45, 55), c[1] - u(8, 14), -u(10, 16), rBranch * 0.8}}, 3);
        trunk.repel(avoid, gap, 2, trunk.nodes());
        rightPa.repel(avoid, gap, 1, rightPa.nodes());
        pulmonary.add(trunk);
        pulmonary.add(rightPa);

        double[] svcBottom = heartTop(atriaCentre[0] - atriaSemi[0]
                * u(0.5, 0.65), atriaCentre[1] - u(0, 8), 3);
        double rSvc = u(8, 11);
        double[] svcTop = {c[0] - u(26, 34), c[1] - u(24, 32),
            wArch + u(15, 25)};
        Tube svc = Tube.spline(new double[][] {pt(svcTop, rSvc),
            {c[0] - u(26, 34), c[1] - u(20, 28), -5, rSvc},
            pt(svcBottom, rSvc)}, 3);
        avoid.addAll(pulmonary);
        svc.repel(avoid, gap, 0, svc.nodes() - 1);
        double rL = u(5, 7);
        double rR = u(6, 8);
        Tube leftBcv = Tube.spline(new double[][] {
            {c[0] + u(45, 60), c[1] - u(28, 38), wArch + u(40, 55), rL},
            {c[0] + u(0, 10), c[1] - u(36, 46), wArch + u(22, 32), rL},
            {svc.u[0], svc.v[0], svc.w[0], rL}}, 3);
        Tube rightBcv = Tube.spline(new double[][] {
            {c[0] - u(45, 55), c[1] - u(15, 25), wArch + u(60, 80), rR},
            {svc.u[0], svc.v[0], svc.w[0], rR}}, 3);
        List<Obstacle> veinAvoid = new ArrayList<>(archBranches);
        veinAvoid.add(aorta);
        veinAvoid.add(trachea);
        leftBcv.repel(veinAvoid, gap, 0, leftBcv.nodes() - 1);
        rightBcv.repel(veinAvoid, gap, 0, rightBcv.nodes() - 1);
        veins.add(svc);
        veins.add(leftBcv);
        veins.add(rightBcv);
    }

    /** Branching vessels that fan out from each hilum into the lung. */
    private void buildLungVessels() {
        double[] c = carina;
        for (int side = 0; side < 2; side++) {
            double sgn = side == 0 ? -1 : 1;
            int count = 9 + rng.nextInt(6);
            for (int n = 0; n < count; n++) {
                double[] start = {c[0] + sgn * u(30, 42), c[1] + u(-15, 5),
                    u(-35, -5)};
                double[] dir = unit(sgn * u(0.4, 1.0), u(-0.7, 0.7), u(-1, 0.8));
                double len = u(50, 110);
                double r = u(2.8, 4.2);
                double[][] ctrl = new double[4][];
                ctrl[0] = pt(start, r);
                for (int k = 1; k < 4; k++) {
                    double[] p = along(start, dir, len * k / 3);
                    ctrl[k] = new double[] {p[0] + u(-8, 8), p[1] + u(-8, 8),
                        p[2] + u(-8, 8), Sdf.lerp(r, 1.0, k / 3.0)};
                }
                lungVessels.add(Tube.spline(ctrl, 3));
                double[] from = {ctrl[1][0], ctrl[1][1], ctrl[1][2]};
                double[] d2 = unit(dir[0] + u(-0.6, 0.6), dir[1] + u(-0.6, 0.6),
                        dir[2] + u(-0.6, 0.6));
                lungVessels.add(line(from, along(from, d2, len * 0.5),
                        r * 0.6, 0.8));
            }
        }
    }

    // --------------------------------------------------------- helpers

    /** Point of an ellipsoid's surface in direction dir, moved by inset. */
    private static double[] onEllipsoid(double[] c, double[] s, double[] dir,
            double inset) {
        double[] n = unit(dir[0], dir[1], dir[2]);
        double k = 1 / Math.sqrt(Tube.sq(n[0] / s[0]) + Tube.sq(n[1] / s[1])
                + Tube.sq(n[2] / s[2]));
        k += inset;
        return new double[] {c[0] + n[0] * k, c[1] + n[1] * k, c[2] + n[2] * k};
    }

    static double[] unit(double x, double y, double z) {
        double n = Math.sqrt(x * x + y * y + z * z);
        return new double[] {x / n, y / n, z / n};
    }

    static double[] along(double[] p, double[] dir, double len) {
        return new double[] {p[0] + dir[0] * len, p[1] + dir[1] * len,
            p[2] + dir[2] * len};
    }

    static double[] pt(double[] p, double r) {
        return new double[] {p[0], p[1], p[2], r};
    }

    static Tube line(double[] a, double[] b, double r) {
        return line(a, b, r, r);
    }

    static Tube line(double[] a, double[] b, double ra, double rb) {
        return Tube.spline(new double[][] {pt(a, ra), pt(b, rb)}, 3);
    }
}
