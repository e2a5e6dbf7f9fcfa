package vox.data.phantom;

import java.util.List;

/**
 * Paints one {@link Anatomy} onto a {@link Canvas}, back to front: air,
 * skin, fat, muscle, lungs and abdomen, spine and ribs, mediastinal fat,
 * then the organs. Each organ's signed distance is sampled once into a
 * {@link Field} and reused for its fat halo, for carving its neighbours
 * and for painting it.
 */
final class Renderer {
    /** Reach of the organ fields beyond their surfaces, mm. */
    private static final double MARGIN = 20;
    static final int ESOPHAGUS = 1;
    static final int HEART = 2;
    static final int TRACHEA = 3;
    static final int AORTA = 4;

    private final Anatomy a;
    private final Grid g;
    private final Canvas c;
    private final double h;
    /** Distance to the thoracic cavity, where inside the muscle wall. */
    private final float[] cavity;
    /** Fraction of each voxel that is lung parenchyma. */
    private final float[] lung;

    Renderer(Anatomy a, Grid g, Canvas c) {
        this.a = a;
        this.g = g;
        this.c = c;
        this.h = c.halfRamp;
        this.cavity = new float[g.size()];
        this.lung = new float[g.size()];
        java.util.Arrays.fill(cavity, Sdf.FAR);
    }

    void render() {
        torso();
        stomach();
        lungVessels();
        paraspinalMuscles();

        Field heart = heartField();
        Field aorta = tubeField(List.of(a.aorta), 0);
        Field branches = tubeField(a.archBranches, 0);
        List<Tube> airways = new java.util.ArrayList<>(a.bronchi);
        airways.add(a.trachea);
        Field airway = tubeField(airways, 0);
        Field lumen = Field.over(g, airway.box());
        a.trachea.splat(lumen, -a.tracheaWall, MARGIN);
        for (Tube b : a.bronchi) {
            b.splat(lumen, -a.bronchusWall, MARGIN);
        }
        List<Tube> labelled = new java.util.ArrayList<>(a.stubs);
        labelled.add(a.trachea);
        Field tracheaLabel = tubeField(labelled, 0);
        Field esophagus = esophagusField();
        Field pulmonary = tubeField(a.pulmonary, 0);
        Field veins = tubeField(a.veins, 0);

        mediastinum(heart, aorta, branches, airway, esophagus, pulmonary,
                veins);
        spine();
        ribs();
        sternum();

        paintHeart(heart, aorta, esophagus, airway);
        paintPlain(pulmonary, a.pulmonaryHu);
        paintPlain(veins, a.veinHu);
        paintAorta(aorta, branches);
        paintAirways(airway, lumen, tracheaLabel);
        paintEsophagus(esophagus, aorta, airway);
    }

    // ----------------------------------------------------------- torso

    /** Skin, fat, muscle wall, lungs above the diaphragm, abdomen below. */
    private void torso() {
        for (int k = 0; k < g.nz; k++) {
            double w = g.w(k);
            double bs = a.bodyScale(w);
            double bodyA = a.bodyA * bs;
            double bodyBf = a.bodyBf * bs;
            double bodyBb = a.bodyBb * bs;
            for (int j = 0; j < g.ny; j++) {
                double v = g.v(j);
                double lungValue = a.lungHu + a.lungGradHu * v / 100;
                for (int i = 0; i < g.nx; i++) {
                    double u = g.u(i);
                    double dBody = Sdf.torso(u, v, bodyA, bodyBf, bodyBb);
                    if (dBody >= h) {
                        continue;
                    }
                    int p = g.index(i, j, k);
                    c.paint(p, dBody, a.skinHu, 0);
                    double dFat = dBody + a.skin;
                    c.paint(p, dFat, a.fatHu, 0);
                    double dMuscle = dFat + a.fatThickness(u, v);
                    if (dMuscle >= h) {
                        continue;
                    }
                    c.paint(p, dMuscle, a.muscleHu, 0);
                    double dCav = Math.min(a.sideSdf(0, u, v, w),
                            a.sideSdf(1, u, v, w));
                    cavity[p] = (float) dCav;
                    double dEnv = a.envelopeSdf(u, v, w);
                    if (dEnv >= h && dCav >= h) {
                        continue;
                    }
                    double below = a.belowDiaphragm(u, v, w);
                    double half = a.diaThick / 2;
                    double dAbd = Math.max(dEnv, half - below);
                    if (dAbd < h) {
                        double m = Sdf.smoothstep(-4, 4,
                                u - (a.liverEdge - 0.35 * v));
                        c.paint(p, dAbd, Sdf.lerp(a.liverHu, a.abdomenHu, m), 0);
                    }
                    double dLung = Math.max(dCav, below + half);
                    if (dLung < h) {
                        lung[p] = (float) c.cover(dLung);
                        c.paint(p, dLung, lungValue, 0);
                    }
                }
            }
        }
    }

    private void stomach() {
        double[] s = a.stomachSemi;
        double[] o = a.stomachCentre;
        double[] box = Field.grow(new double[] {o[0] - s[0], o[0] + s[0],
            o[1] - s[1], o[1] + s[1], o[2] - s[2], o[2] + s[2]}, 2 * h);
        double wall = 3;
        forBox(box, (i, j, k, p) -> {
            double u = g.u(i);
            double v = g.v(j);
            double w = g.w(k);
            double d = Sdf.ellipsoid(u - o[0], v - o[1], w - o[2], s[0], s[1],
                    s[2]);
            d = Math.max(d, a.diaThick / 2 - a.belowDiaphragm(u, v, w));
            d = Math.max(d, a.envelopeSdf(u, v, w));
            c.paint(p, d, a.muscleHu, 0);
            c.paint(p, d + wall, a.stomachHu, 0);
            if (!Double.isNaN(a.stomachAirLevel)) {
                c.paint(p, Math.max(d + wall, a.stomachAirLevel - w), -1000, 0);
            }
        });
    }

    private void lungVessels() {
        double[] box = null;
        for (Tube t : a.lungVessels) {
            box = box == null ? t.box() : Field.union(box, t.box());
        }
        Field f = Field.over(g, Field.grow(box, 2 * h));
        for (Tube t : a.lungVessels) {
            t.splat(f, 0, 2 * h);
        }
        forField(f, (i, j, k, p, d) -> {
            if (lung[p] > 0 && d < h) {
                c.blend(p, c.cover(d) * lung[p], a.vesselHu);
            }
        });
    }

    /** The long back muscles on both sides of the spinous processes. */
    private void paraspinalMuscles() {
        double uLo = -20 - a.paraspinalA;
        double uHi = 20 + a.paraspinalA;
        double[] box = {uLo, uHi, 0, 200, -1000, 1000};
        forBox(box, (i, j, k, p) -> {
            double u = g.u(i);
            double v = g.v(j);
            double w = g.w(k);
            double d = Sdf.ellipse(u - a.us(w), v - a.vCanal(w) - 8,
                    a.paraspinalA, a.paraspinalB);
            if (d >= h) {
                return;
            }
            double dIn = a.bodySdf(u, v, w) + a.skin + a.fatThickness(u, v);
            c.paint(p, Math.max(d, dIn), a.muscleHu, 0);
        });
    }

    // --------------------------------------------------------- skeleton

    private void spine() {
        double[] box = {-90, 90, -40, 200, -1000, 1000};
        double lev = a.level;
        forBox(box, (i, j, k, p) -> {
            double u = g.u(i);
            double v = g.v(j);
            double w = g.w(k);
            double us = a.us(w);
            double vs = a.vs(w);
            // position within the vertebral level, 0 and 1 at the discs
            double x = (a.wT1 + lev / 2 - w) / lev;
            double frac = x - Math.floor(x);
            double plate = Math.min(frac, 1 - frac) * lev - a.discMm / 2;

            double dBody = Sdf.ellipse(u - us, v - vs, a.ru(w), a.rv(w));
            if (dBody < h) {
                c.paint(p, Math.max(dBody, plate), a.discHu, 0);
                double bone = Math.max(dBody, -plate);
                c.paint(p, bone, a.cortexHu, 0);
                c.paint(p, bone + a.cortex, a.marrowHu, 0);
            }
            double vc = a.vCanal(w);
            double rho = Math.sqrt(Tube.sq(u - us) + Tube.sq(v - vc));
            double ring = Math.abs(rho - a.rCanal - 2.5) - 2.5;
            c.paint(p, Math.max(ring, Sdf.slab(frac, 0.1, 0.85) * lev),
                    a.archBoneHu, 0);
            double back = v - vc - a.rCanal;
            double fs = frac + 0.5 * back / a.spinousLen;
            double spin = Sdf.box(u - us, back - 2 - a.spinousLen / 2, 3.5,
                    a.spinousLen / 2);
            c.paint(p, Math.max(spin, Sdf.slab(fs, 0.25, 0.85) * lev),
                    a.archBoneHu, 0);
            // transverse processes point back and out at about 25 degrees
            double tu = Math.abs(u - us) - a.rCanal - 11;
            double tv = v - vc + 1;
            double trans = Sdf.box(0.906 * tu + 0.423 * tv,
                    -0.423 * tu + 0.906 * tv, 9, 3.5);
            c.paint(p, Math.max(trans, Sdf.slab(frac, 0.3, 0.65) * lev),
                    a.archBoneHu, 0);
            c.paint(p, rho - a.rCanal, a.canalHu, 0);
        });
    }

    /** Ribs hug the thoracic cavity and slope down towards the front. */
    private void ribs() {
        double lo = a.ribOffset - a.ribThick - 2 * h;
        double hi = a.ribOffset + a.ribThick + 2 * h;
        double cortexRib = 1.2;
        for (int k = 0; k < g.nz; k++) {
            double w = g.w(k);
            for (int j = 0; j < g.ny; j++) {
                double v = g.v(j);
                for (int i = 0; i < g.nx; i++) {
                    int p = g.index(i, j, k);
                    double cav = cavity[p];
                    if (cav < lo || cav > hi) {
                        continue;
                    }
                    double du = g.u(i) - a.uMid;
                    int side = du < 0 ? 0 : 1;
                    double r = Math.sqrt(du * du + v * v);
                    double phi = Math.atan2(Math.abs(du), v);
                    double rho = cav - a.ribOffset;
                    double tm = Math.max(0, (phi - 0.25) / (Math.PI - 0.25));
                    int n0 = (int) Math.round((a.wT1 - w - a.meanRibDrop * tm
                            * Math.sqrt(tm)) / a.level);
                    for (int n = n0 - 1; n <= n0 + 1; n++) {
                        if (n < 0 || n >= Anatomy.RIBS) {
                            continue;
                        }
                        double start = a.ribStart[side][n];
                        double t = Math.max(0, (phi - start) / (Math.PI - start));
                        double wc = a.ribHead[side][n]
                                - a.ribDrop[side][n] * t * Math.sqrt(t);
                        double d = Sdf.ellipse(rho, w - wc, a.ribThick,
                                a.ribHeight * (1 + 0.2 * t));
                        d = Math.max(d, (start - phi) * r);
                        d = Math.max(d, (phi - a.ribEnd[side][n]) * r);
                        if (d >= h) {
                            continue;
                        }
                        if (phi > a.ribBoneEnd[side][n]) {
                            c.paint(p, d, a.cartilageHu, 0);
                        } else {
                            c.paint(p, d, a.cortexHu, 0);
                            c.paint(p, d + cortexRib, a.marrowHu, 0);
                        }
                    }
                }
            }
        }
    }

    private void sternum() {
        double half = Math.max(a.stHalfManubrium, a.stHalfBody);
        double[] box = {a.uMid - half - 5, a.uMid + half + 5, -200, 0,
            a.stXiphoid - 5, a.stNotch + 5};
        forBox(box, (i, j, k, p) -> {
            double u = g.u(i);
            double v = g.v(j);
            double w = g.w(k);
            double vSt = -a.cavBf * a.bodyScale(w) - a.stGap - a.stThick;
            double hw = Sdf.lerp(a.stHalfBody, a.stHalfManubrium,
                    Sdf.smoothstep(a.stManubrium - 8, a.stManubrium + 8, w));
            double d = Math.max(Sdf.ellipse(u - a.uMid, v - vSt, hw, a.stThick),
                    Sdf.slab(w, a.stXiphoid, a.stNotch));
            c.paint(p, d, a.cortexHu, 0);
            c.paint(p, d + a.cortex, a.marrowHu, 0);
        });
    }

    // ------------------------------------------------------ mediastinum

    /**
     * Fat between the lungs: a band from the sternum to the spine, joined
     * smoothly to a halo around every mediastinal organ.
     */
    private void mediastinum(Field heart, Field aorta, Field branches,
            Field airway, Field esophagus, Field pulmonary, Field veins) {
        Field[] fs = {heart, aorta, branches, airway, esophagus, pulmonary,
            veins};
        double[] halo = {a.haloHeart, a.haloAorta, a.haloVessel, a.haloAirway,
            a.haloEsophagus, a.haloVessel, a.haloVessel};
        double[] box = {a.uMid - a.medHalf - 10, a.uMid + a.medHalf + 10,
            -200, 200, -1000, 1000};
        for (Field f : fs) {
            if (!f.isEmpty()) {
                box = Field.union(box, f.box());
            }
        }
        double k = a.medBlend;
        forBox(box, (i, j, kk, p) -> {
            double u = g.u(i);
            double v = g.v(j);
            double w = g.w(kk);
            double front = -a.cavBf * a.bodyScale(w) - a.stGap;
            double d = Math.max(Math.abs(u - a.uMid) - a.medHalf,
                    Sdf.slab(v, front, a.vs(w) - a.rv(w)));
            for (int n = 0; n < fs.length; n++) {
                double dn = fs[n].get(i, j, kk);
                if (dn < Sdf.FAR) {
                    d = Sdf.smin(d, dn - halo[n], k);
                }
            }
            if (d >= h) {
                return;
            }
            d = Math.max(d, a.belowDiaphragm(u, v, w) + a.diaThick / 2);
            if (d >= h) {
                return;
            }
            double dIn = a.bodySdf(u, v, w) + a.skin + a.fatThickness(u, v);
            c.paint(p, Math.max(d, dIn), a.mediastinumFatHu, 0);
        });
    }

    // ----------------------------------------------------------- organs

    private Field heartField() {
        double[] vc = a.ventricleCentre;
        double[] ac = a.atriaCentre;
        double rv = a.ventricleSemi[0];
        double[] box = Field.union(
                new double[] {vc[0] - rv, vc[0] + rv, vc[1] - rv, vc[1] + rv,
                    vc[2] - rv, vc[2] + rv},
                new double[] {ac[0] - a.atriaSemi[0], ac[0] + a.atriaSemi[0],
                    ac[1] - a.atriaSemi[1], ac[1] + a.atriaSemi[1],
                    ac[2] - a.atriaSemi[2], ac[2] + a.atriaSemi[2]});
        Field f = Field.over(g, Field.grow(box, MARGIN));
        forField(f, (i, j, k, p, d) -> f.d[f.at(i, j, k)] =
                (float) a.heartSdf(g.u(i), g.v(j), g.w(k)));
        return f;
    }

    private Field tubeField(List<Tube> tubes, double grow) {
        double[] box = null;
        for (Tube t : tubes) {
            box = box == null ? t.box() : Field.union(box, t.box());
        }
        Field f = Field.over(g, Field.grow(box, MARGIN + grow));
        for (Tube t : tubes) {
            t.splat(f, grow, MARGIN);
        }
        return f;
    }

    private Field esophagusField() {
        EsophagusPath e = a.esophagus;
        double[] box = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MAX_VALUE,
            -Double.MAX_VALUE, e.wEnd, e.w[0]};
        for (int i = 0; i < e.samples(); i++) {
            double r = Math.max(e.a[i], e.b[i]);
            box[0] = Math.min(box[0], e.u[i] - r);
            box[1] = Math.max(box[1], e.u[i] + r);
            box[2] = Math.min(box[2], e.v[i] - r);
            box[3] = Math.max(box[3], e.v[i] + r);
        }
        Field f = Field.over(g, Field.grow(box, MARGIN));
        for (int k = f.k0; k <= f.kEnd(); k++) {
            double w = g.w(k);
            double[] s = e.at(w);
            double r = Math.max(s[2], s[3]) + MARGIN;
            int i0 = Math.max(f.i0, g.iLo(s[0] - r));
            int i1 = Math.min(f.iEnd(), g.iHi(s[0] + r));
            int j0 = Math.max(f.j0, g.jLo(s[1] - r));
            int j1 = Math.min(f.jEnd(), g.jHi(s[1] + r));
            for (int j = j0; j <= j1; j++) {
                for (int i = i0; i <= i1; i++) {
                    double d = EsophagusPath.ellipseAt(s, g.u(i), g.v(j));
                    f.min(i, j, k, Math.max(d, e.wEnd - w));
                }
            }
        }
        return f;
    }

    private void paintHeart(Field heart, Field aorta, Field esophagus,
            Field airway) {
        double gap = 1.5;
        forField(heart, (i, j, k, p, d) -> {
            if (d >= h) {
                return;
            }
            d = Math.max(d, gap - aorta.get(i, j, k));
            d = Math.max(d, gap - esophagus.get(i, j, k));
            d = Math.max(d, gap - airway.get(i, j, k));
            c.paint(p, d, a.heartHu, HEART);
        });
    }

    private void paintPlain(Field f, double value) {
        forField(f, (i, j, k, p, d) -> c.paint(p, d, value, 0));
    }

    /** The aorta is labelled; the arteries leaving its arch are not. */
    private void paintAorta(Field aorta, Field branches) {
        double[] box = Field.union(aorta.box(), branches.box());
        forBox(box, (i, j, k, p) -> {
            double dA = aorta.get(i, j, k);
            double d = Math.min(dA, branches.get(i, j, k));
            if (d >= h) {
                return;
            }
            c.paint(p, d, a.aortaHu, dA < 0 ? AORTA : 0);
        });
    }

    /**
     * Airway walls, then the air inside them. The trachea label covers the
     * trachea and the first centimetre of both main bronchi.
     */
    private void paintAirways(Field airway, Field lumen, Field label) {
        forField(airway, (i, j, k, p, d) -> {
            if (d >= h) {
                return;
            }
            c.paint(p, d, a.airwayWallHu, label.get(i, j, k) < 0 ? TRACHEA : 0);
            c.blend(p, c.cover(lumen.get(i, j, k)), -1000);
        });
    }

    private void paintEsophagus(Field esophagus, Field aorta, Field airway) {
        double gap = 0.5;
        Obstacle spine = a.new VertebralColumn();
        forField(esophagus, (i, j, k, p, d) -> {
            if (d >= h) {
                return;
            }
            d = Math.max(d, gap - aorta.get(i, j, k));
            d = Math.max(d, gap - airway.get(i, j, k));
            d = Math.max(d, gap - spine.sdf(g.u(i), g.v(j), g.w(k)));
            c.paint(p, d, a.esophagusHu, ESOPHAGUS);
        });
        if (a.airPocket) {
            double[] s = a.pocketSemi;
            double wp = a.pocketCentre[2];
            double[] e = a.esophagus.at(wp);
            double pu = e[0] + a.pocketCentre[0] * (e[2] - s[0]);
            double pv = e[1] + a.pocketCentre[1] * (e[3] - s[1]);
            double[] box = Field.grow(new double[] {pu - s[0], pu + s[0],
                pv - s[1], pv + s[1], wp - s[2], wp + s[2]}, 2 * h);
            forBox(box, (i, j, k, p) -> {
                double d = Sdf.ellipsoid(g.u(i) - pu, g.v(j) - pv, g.w(k) - wp,
                        s[0], s[1], s[2]);
                c.blend(p, c.cover(d), -1000);
            });
        }
    }

    // ------------------------------------------------------------ loops

    private interface VoxelOp {
        void apply(int i, int j, int k, int p);
    }

    private interface FieldOp {
        void apply(int i, int j, int k, int p, double d);
    }

    private void forBox(double[] box, VoxelOp op) {
        int i0 = Math.max(0, g.iLo(box[0]));
        int i1 = Math.min(g.nx - 1, g.iHi(box[1]));
        int j0 = Math.max(0, g.jLo(box[2]));
        int j1 = Math.min(g.ny - 1, g.jHi(box[3]));
        int k0 = Math.max(0, g.kLo(box[4]));
        int k1 = Math.min(g.nz - 1, g.kHi(box[5]));
        for (int k = k0; k <= k1; k++) {
            for (int j = j0; j <= j1; j++) {
                for (int i = i0; i <= i1; i++) {
                    op.apply(i, j, k, g.index(i, j, k));
                }
            }
        }
    }

    private void forField(Field f, FieldOp op) {
        for (int k = f.k0; k <= f.kEnd(); k++) {
            for (int j = f.j0; j <= f.jEnd(); j++) {
                for (int i = f.i0; i <= f.iEnd(); i++) {
                    op.apply(i, j, k, g.index(i, j, k), f.d[f.at(i, j, k)]);
                }
            }
        }
    }
}
