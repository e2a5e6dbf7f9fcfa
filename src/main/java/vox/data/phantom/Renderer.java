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
        this.h = c.reach;
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
        double half = a.diaThick / 2;
        for (int k = 0; k < g.nz; k++) {
            double w = g.w(k);
            double bs = a.bodyScale(w);
            double bodyA = a.bodyA * bs;
            double bodyBf = a.bodyBf * bs;
            double bodyBb = a.bodyBb * bs;
            // the lung apices are domes: their surface turns horizontal
            double nzApexR = apexSlope(w, a.wApexR);
            double nzApexL = apexSlope(w, a.wApexL);
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
                    c.paint(p, dBody, 0, a.skinHu, 0);
                    double dFat = dBody + a.skin;
                    c.paint(p, dFat, 0, a.fatHu, 0);
                    double dMuscle = dFat + a.fatThickness(u, v);
                    if (dMuscle >= h) {
                        continue;
                    }
                    c.paint(p, dMuscle, 0, a.muscleHu, 0);
                    double dR = a.sideSdf(0, u, v, w);
                    double dL = a.sideSdf(1, u, v, w);
                    double dCav = Math.min(dR, dL);
                    double nzCav = dR < dL ? nzApexR : nzApexL;
                    cavity[p] = (float) dCav;
                    double dEnv = a.envelopeSdf(u, v, w);
                    if (dEnv >= h && dCav >= h) {
                        continue;
                    }
                    double below = a.belowDiaphragm(u, v, w);
                    double dAbd = Math.max(dEnv, half - below);
                    double dLung = Math.max(dCav, below + half);
                    double nzDia = Math.abs(below) < h + half
                            ? a.diaphragmNormalZ(u, v) : 1;
                    if (dAbd < h) {
                        double m = Sdf.smoothstep(-4, 4,
                                u - (a.liverEdge - 0.35 * v));
                        c.paint(p, dAbd, half - below > dEnv ? nzDia : 0,
                                Sdf.lerp(a.liverHu, a.abdomenHu, m), 0);
                    }
                    if (dLung < h) {
                        double nz = below + half > dCav ? nzDia : nzCav;
                        lung[p] = (float) c.cover(dLung, nz);
                        c.paint(p, dLung, nz, lungValue, 0);
                    }
                }
            }
        }
    }

    /** About the z part of the normal of a lung apex dome at level w. */
    private double apexSlope(double w, double wApex) {
        return Sdf.clamp((w - a.wTaper) / (wApex - a.wTaper), 0, 1);
    }

    private void stomach() {
        double[] s = a.stomachSemi;
        double[] o = a.stomachCentre;
        double[] box = Field.grow(new double[] {o[0] - s[0], o[0] + s[0],
            o[1] - s[1], o[1] + s[1], o[2] - s[2], o[2] + s[2]}, 2 * h);
        double wall = 3;
        double half = a.diaThick / 2;
        forBox(box, (i, j, k, p) -> {
            double u = g.u(i);
            double v = g.v(j);
            double w = g.w(k);
            double x = u - o[0];
            double y = v - o[1];
            double z = w - o[2];
            double d = Sdf.ellipsoid(x, y, z, s[0], s[1], s[2]);
            if (d >= h) {
                return;
            }
            double gx = x / (s[0] * s[0]);
            double gy = y / (s[1] * s[1]);
            double gz = z / (s[2] * s[2]);
            double nz = Math.abs(gz) / Math.max(1e-12,
                    Math.sqrt(gx * gx + gy * gy + gz * gz));
            double clip = half - a.belowDiaphragm(u, v, w);
            if (clip > d) {
                d = clip;
                nz = a.diaphragmNormalZ(u, v);
            }
            double env = a.envelopeSdf(u, v, w);
            if (env > d) {
                d = env;
                nz = 0;
            }
            c.paint(p, d, nz, a.muscleHu, 0);
            c.paint(p, d + wall, nz, a.stomachHu, 0);
            if (!Double.isNaN(a.stomachAirLevel)) {
                double top = a.stomachAirLevel - w;
                c.paint(p, Math.max(d + wall, top), top > d + wall ? 1 : nz,
                        -1000, 0);
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
        Dist dist = f::get;
        forField(f, (i, j, k, p, d) -> {
            if (lung[p] > 0 && d < h) {
                double nz = normalZ(dist, i, j, k);
                c.blend(p, c.cover(d, nz) * lung[p], a.vesselHu);
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
            c.paint(p, Math.max(d, dIn), 0, a.muscleHu, 0);
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
                c.paint(p, Math.max(dBody, plate), plate > dBody ? 1 : 0,
                        a.discHu, 0);
                double bone = Math.max(dBody, -plate);
                double nz = -plate > dBody ? 1 : 0;
                c.paint(p, bone, nz, a.cortexHu, 0);
                c.paint(p, bone + a.cortex, nz, a.marrowHu, 0);
            }
            double vc = a.vCanal(w);
            double rho = Math.sqrt(Tube.sq(u - us) + Tube.sq(v - vc));
            double ring = Math.abs(rho - a.rCanal - 2.5) - 2.5;
            gated(p, ring, Sdf.slab(frac, 0.1, 0.85) * lev);
            double back = v - vc - a.rCanal;
            double fs = frac + 0.5 * back / a.spinousLen;
            double spin = Sdf.box(u - us, back - 2 - a.spinousLen / 2, 3.5,
                    a.spinousLen / 2);
            gated(p, spin, Sdf.slab(fs, 0.25, 0.85) * lev);
            // transverse processes point back and out at about 25 degrees
            double tu = Math.abs(u - us) - a.rCanal - 11;
            double tv = v - vc + 1;
            double trans = Sdf.box(0.906 * tu + 0.423 * tv,
                    -0.423 * tu + 0.906 * tv, 9, 3.5);
            gated(p, trans, Sdf.slab(frac, 0.3, 0.65) * lev);
            c.paint(p, rho - a.rCanal, 0, a.canalHu, 0);
        });
    }

    /** Paints bone of the vertebral arch where it exists at this level. */
    private void gated(int p, double shape, double gate) {
        c.paint(p, Math.max(shape, gate), gate > shape ? 1 : 0, a.archBoneHu, 0);
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
                    double phi = StrictMath.atan2(Math.abs(du), v);
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
                        double hr = a.ribHeight * (1 + 0.2 * t);
                        double dw = w - wc;
                        double d = Sdf.ellipse(rho, dw, a.ribThick, hr);
                        double gr = rho / (a.ribThick * a.ribThick);
                        double gw = dw / (hr * hr);
                        double nz = Math.abs(gw) / Math.max(1e-12,
                                Math.sqrt(gr * gr + gw * gw));
                        double cap = Math.max((start - phi) * r,
                                (phi - a.ribEnd[side][n]) * r);
                        if (cap > d) {
                            d = cap;
                            nz = 0;
                        }
                        if (d >= h) {
                            continue;
                        }
                        if (phi > a.ribBoneEnd[side][n]) {
                            c.paint(p, d, nz, a.cartilageHu, 0);
                        } else {
                            c.paint(p, d, nz, a.cortexHu, 0);
                            c.paint(p, d + cortexRib, nz, a.marrowHu, 0);
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
            double e = Sdf.ellipse(u - a.uMid, v - vSt, hw, a.stThick);
            double ends = Sdf.slab(w, a.stXiphoid, a.stNotch);
            double d = Math.max(e, ends);
            double nz = ends > e ? 1 : 0;
            c.paint(p, d, nz, a.cortexHu, 0);
            c.paint(p, d + a.cortex, nz, a.marrowHu, 0);
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
        double half = a.diaThick / 2;
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
            double floor = a.belowDiaphragm(u, v, w) + half;
            double nz = 0;
            if (floor > d) {
                d = floor;
                nz = a.diaphragmNormalZ(u, v);
            }
            if (d >= h) {
                return;
            }
            double dIn = a.bodySdf(u, v, w) + a.skin + a.fatThickness(u, v);
            c.paint(p, Math.max(d, dIn), nz, a.mediastinumFatHu, 0);
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
        Dist dist = (i, j, k) -> {
            double d = heart.get(i, j, k);
            d = Math.max(d, gap - aorta.get(i, j, k));
            d = Math.max(d, gap - esophagus.get(i, j, k));
            return Math.max(d, gap - airway.get(i, j, k));
        };
        paintField(heart, dist, a.heartHu, HEART);
    }

    private void paintPlain(Field f, double value) {
        paintField(f, f::get, value, 0);
    }

    /** The aorta is labelled; the arteries leaving its arch are not. */
    private void paintAorta(Field aorta, Field branches) {
        Dist union = (i, j, k) -> Math.min(aorta.get(i, j, k),
                branches.get(i, j, k));
        forBox(Field.union(aorta.box(), branches.box()), (i, j, k, p) -> {
            double d = union.at(i, j, k);
            if (d >= h) {
                return;
            }
            int lab = aorta.get(i, j, k) < 0 ? AORTA : 0;
            c.paint(p, d, normalZ(union, i, j, k), a.aortaHu, lab);
        });
    }

    /**
     * Airway walls, then the air inside them. The trachea label covers the
     * trachea and the first centimetre of both main bronchi.
     */
    private void paintAirways(Field airway, Field lumen, Field label) {
        Dist wall = airway::get;
        Dist air = lumen::get;
        forField(airway, (i, j, k, p, d) -> {
            if (d >= h) {
                return;
            }
            int lab = label.get(i, j, k) < 0 ? TRACHEA : 0;
            c.paint(p, d, normalZ(wall, i, j, k), a.airwayWallHu, lab);
            double dl = lumen.get(i, j, k);
            if (dl < h) {
                c.blend(p, c.cover(dl, normalZ(air, i, j, k)), -1000);
            }
        });
    }

    private void paintEsophagus(Field esophagus, Field aorta, Field airway) {
        double gap = 0.5;
        Obstacle spine = a.new VertebralColumn();
        Dist dist = (i, j, k) -> {
            double d = esophagus.get(i, j, k);
            if (d >= Sdf.FAR) {
                return d;
            }
            d = Math.max(d, gap - aorta.get(i, j, k));
            d = Math.max(d, gap - airway.get(i, j, k));
            return Math.max(d, gap - spine.sdf(g.u(i), g.v(j), g.w(k)));
        };
        paintField(esophagus, dist, a.esophagusHu, ESOPHAGUS);
        if (a.airPocket) {
            double[] s = a.pocketSemi;
            double wp = a.pocketCentre[2];
            double[] e = a.esophagus.at(wp);
            double pu = e[0] + a.pocketCentre[0] * (e[2] - s[0]);
            double pv = e[1] + a.pocketCentre[1] * (e[3] - s[1]);
            double[] box = Field.grow(new double[] {pu - s[0], pu + s[0],
                pv - s[1], pv + s[1], wp - s[2], wp + s[2]}, 2 * h);
            forBox(box, (i, j, k, p) -> {
                double x = g.u(i) - pu;
                double y = g.v(j) - pv;
                double z = g.w(k) - wp;
                double d = Sdf.ellipsoid(x, y, z, s[0], s[1], s[2]);
                double gx = x / (s[0] * s[0]);
                double gy = y / (s[1] * s[1]);
                double gz = z / (s[2] * s[2]);
                double nz = Math.abs(gz) / Math.max(1e-12,
                        Math.sqrt(gx * gx + gy * gy + gz * gz));
                c.blend(p, c.cover(d, nz), -1000);
            });
        }
    }

    /** Paints a shape given by its distance over the box of a field. */
    private void paintField(Field box, Dist dist, double value, int lab) {
        forField(box, (i, j, k, p, d0) -> {
            if (d0 >= h) {
                return;
            }
            double d = dist.at(i, j, k);
            if (d >= h) {
                return;
            }
            c.paint(p, d, normalZ(dist, i, j, k), value, lab);
        });
    }

    /**
     * The z part of the unit normal of a distance at a voxel, by central
     * differences between its neighbours (one-sided at the edges of the
     * grid or of the sampled box).
     */
    private double normalZ(Dist f, int i, int j, int k) {
        double c0 = f.at(i, j, k);
        double gx = slope(i > 0 ? f.at(i - 1, j, k) : Sdf.FAR, c0,
                i + 1 < g.nx ? f.at(i + 1, j, k) : Sdf.FAR, g.sx);
        double gy = slope(j > 0 ? f.at(i, j - 1, k) : Sdf.FAR, c0,
                j + 1 < g.ny ? f.at(i, j + 1, k) : Sdf.FAR, g.sy);
        double gz = slope(k > 0 ? f.at(i, j, k - 1) : Sdf.FAR, c0,
                k + 1 < g.nz ? f.at(i, j, k + 1) : Sdf.FAR, g.sz);
        double n = Math.sqrt(gx * gx + gy * gy + gz * gz);
        return n < 1e-12 ? 0 : Math.abs(gz) / n;
    }

    private static double slope(double lo, double c0, double hi, double s) {
        boolean okLo = lo < 0.5 * Sdf.FAR;
        boolean okHi = hi < 0.5 * Sdf.FAR;
        if (okLo && okHi) {
            return (hi - lo) / (2 * s);
        }
        if (okHi) {
            return (hi - c0) / s;
        }
        if (okLo) {
            return (c0 - lo) / s;
        }
        return 0;
    }

    // ------------------------------------------------------------ loops

    private interface Dist {
        double at(int i, int j, int k);
    }

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
