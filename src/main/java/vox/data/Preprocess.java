package vox.data;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Intensity normalisation and resampling of CT volumes and label maps.
 *
 * <p>Grid convention for every resampling here: along each axis the new
 * grid covers the same physical extent, centred on the old one. With
 * {@code n} input voxels, {@code m} output voxels and {@code f} input
 * voxels per output voxel, output voxel {@code o} sits at input voxel
 * coordinate
 * <pre>
 *   c(o) = (o - (m - 1) / 2) * f + (n - 1) / 2
 * </pre>
 * (for a resize, {@code f = n / m} and this is {@code (o + 0.5) f - 0.5}).
 * The output spacing is the input spacing times {@code f} and the affine is
 * updated to match, so world positions stay where they were. Positions
 * outside the input are clamped to its edge voxels.
 *
 * <p>Interpolation: {@link Interp#LINEAR} (images), {@link Interp#AREA}
 * (images when shrinking: the mean over the output voxel's footprint,
 * weighted by overlap), {@link Interp#NEAREST} (labels; a tie half way
 * between two voxels takes the upper one). Resampling is separable: one
 * pass per axis that changes.
 */
public final class Preprocess {

    /** How a resampled value is computed from the input voxels. */
    public enum Interp {
        NEAREST, LINEAR, AREA
    }

    /**
     * One dataset's preprocessing: clip to [-clip, clip] HU and scale to
     * [-1, 1], resample the slice spacing, resize in-plane.
     *
     * @param clip         HU bound k (> 0)
     * @param sliceSpacing target z spacing in mm; 0 keeps the slices
     * @param inPlane      target size of the larger in-plane extent, the
     *                     other scaled in proportion; 0 keeps the size
     */
    public record Spec(double clip, double sliceSpacing, int inPlane) {

        public Spec {
            if (!(clip > 0) || !(sliceSpacing >= 0) || inPlane < 0) {
                throw new IllegalArgumentException("Preprocess.Spec: expected clip > 0,"
                        + " sliceSpacing >= 0, inPlane >= 0, got " + clip + ", "
                        + sliceSpacing + ", " + inPlane);
            }
        }

        /** SegTHOR: k = 1000 HU, 2.5 mm slices, 256 in-plane. */
        public static Spec thorax() {
            return new Spec(1000, 2.5, 256);
        }

        /** BTCV: k = 350 HU, 3 mm slices, 256 in-plane. */
        public static Spec abdomen() {
            return new Spec(350, 3.0, 256);
        }

        /**
         * Clip and scale, then linear in z, then in-plane by area when
         * shrinking (linear when enlarging).
         */
        public Volume image(Volume ct) {
            Volume v = clipAndScale(ct, clip);
            if (sliceSpacing > 0) {
                v = resampleSlices(v, sliceSpacing, Interp.LINEAR);
            }
            int[] size = inPlaneSize(v);
            boolean shrink = size[0] <= v.nx() && size[1] <= v.ny();
            return resizeInPlane(v, size[0], size[1], shrink ? Interp.AREA : Interp.LINEAR);
        }

        /** The label map on the grid of {@link #image}: nearest everywhere. */
        public Volume label(Volume labels) {
            Volume v = labels;
            if (sliceSpacing > 0) {
                v = resampleSlices(v, sliceSpacing, Interp.NEAREST);
            }
            int[] size = inPlaneSize(v);
            return resizeInPlane(v, size[0], size[1], Interp.NEAREST);
        }

        /**
         * A prediction on the grid of {@link #image} brought back to the
         * original image's grid (nearest; 0 beyond one voxel outside).
         */
        public Volume restore(Volume prediction, Volume original) {
            return resampleToGrid(prediction, original, Interp.NEAREST, 0);
        }

        private int[] inPlaneSize(Volume v) {
            if (inPlane == 0) {
                return new int[] {v.nx(), v.ny()};
            }
            double s = (double) inPlane / Math.max(v.nx(), v.ny());
            return new int[] {
                Math.max(1, (int) Math.round(v.nx() * s)),
                Math.max(1, (int) Math.round(v.ny() * s))
            };
        }
    }

    private Preprocess() {
    }

    /**
     * Clips to [-k, k] and maps linearly to [-1, 1]: {@code clamp(v, -k, k) / k}.
     *
     * @throws IllegalArgumentException when k is not positive
     */
    public static Volume clipAndScale(Volume v, double k) {
        if (!(k > 0) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("clipAndScale: k must be positive and finite,"
                    + " got " + k);
        }
        float[] in = v.voxels();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            double x = Math.max(-k, Math.min(k, in[i]));
            out[i] = (float) (x / k);
        }
        return v.withVoxels(out);
    }

    /**
     * Resamples along z to a slice spacing of {@code spacingZ} mm: the new
     * slice count is {@code max(1, round(nz * sz / spacingZ))}.
     *
     * @throws IllegalArgumentException when spacingZ is not positive
     */
    public static Volume resampleSlices(Volume v, double spacingZ, Interp interp) {
        if (!(spacingZ > 0) || Double.isInfinite(spacingZ)) {
            throw new IllegalArgumentException("resampleSlices: target spacing must be"
                    + " positive, got " + spacingZ);
        }
        double f = spacingZ / v.spacing()[2];
        int nz = (int) Math.max(1, Math.round(v.nz() / f));
        return resample(v, new int[] {v.nx(), v.ny(), nz}, new double[] {1, 1, f}, interp);
    }

    /**
     * Resizes each slice to {@code nx x ny}, keeping the in-plane extent
     * (the spacing grows by {@code old / new}).
     *
     * @throws IllegalArgumentException when a size is not positive
     */
    public static Volume resizeInPlane(Volume v, int nx, int ny, Interp interp) {
        return resize(v, nx, ny, v.nz(), interp);
    }

    /**
     * Resizes to {@code nx x ny x nz}, keeping the extent on every axis.
     *
     * @throws IllegalArgumentException when a size is not positive
     */
    public static Volume resize(Volume v, int nx, int ny, int nz, Interp interp) {
        if (nx <= 0 || ny <= 0 || nz <= 0) {
            throw new IllegalArgumentException("resize: sizes must be positive, got "
                    + nx + "x" + ny + "x" + nz);
        }
        double[] f = {(double) v.nx() / nx, (double) v.ny() / ny, (double) v.nz() / nz};
        return resample(v, new int[] {nx, ny, nz}, f, interp);
    }

    /** Per-axis resampling to extents {@code n} with {@code f} input voxels per step. */
    private static Volume resample(Volume v, int[] n, double[] f, Interp interp) {
        int[] cur = {v.nx(), v.ny(), v.nz()};
        float[] data = v.voxels();
        double[] origin = new double[3];
        double[] scale = new double[3];
        for (int axis = 0; axis < 3; axis++) {
            int m = n[axis];
            boolean same = m == cur[axis] && f[axis] == 1;
            origin[axis] = same ? 0 : position(0, m, cur[axis], f[axis]);
            scale[axis] = same ? 1 : f[axis];
            if (!same) {
                data = resampleAxis(data, cur, axis, m, f[axis], interp);
                cur[axis] = m;
            }
        }
        double[] spacing = new double[3];
        for (int i = 0; i < 3; i++) {
            spacing[i] = v.spacing()[i] * scale[i];
        }
        double[][] a = v.affine();
        double[][] b = new double[4][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                b[r][c] = a[r][c] * scale[c];
            }
            b[r][3] = a[r][3] + a[r][0] * origin[0] + a[r][1] * origin[1] + a[r][2] * origin[2];
        }
        b[3] = a[3].clone();
        return new Volume(n[0], n[1], n[2], data, spacing, b);
    }

    /** Input voxel coordinate of output voxel o (see the class comment). */
    static double position(int o, int m, int n, double f) {
        return (o - (m - 1) / 2.0) * f + (n - 1) / 2.0;
    }

    /**
     * One pass along {@code axis}: for every line along it, output sample
     * o is a weighted sum of input samples, given by {@code taps}.
     */
    private static float[] resampleAxis(float[] in, int[] dims, int axis, int m, double f,
            Interp interp) {
        int n = dims[axis];
        Taps taps = Taps.of(interp, n, m, f);
        int[] out = dims.clone();
        out[axis] = m;
        float[] res = new float[out[0] * out[1] * out[2]];
        // strides of the axis in the input and output arrays
        int inStride = axis == 0 ? 1 : axis == 1 ? dims[0] : dims[0] * dims[1];
        int outStride = axis == 0 ? 1 : axis == 1 ? out[0] : out[0] * out[1];
        // the lines: every (a, b) of the two other axes
        int[] others = axis == 0 ? new int[] {1, 2} : axis == 1 ? new int[] {0, 2}
                : new int[] {0, 1};
        int na = dims[others[0]];
        int nb = dims[others[1]];
        int[] inStrides = {1, dims[0], dims[0] * dims[1]};
        int[] outStrides = {1, out[0], out[0] * out[1]};
        IntStream.range(0, nb).parallel().forEach(b -> {
            for (int a = 0; a < na; a++) {
                int inBase = a * inStrides[others[0]] + b * inStrides[others[1]];
                int outBase = a * outStrides[others[0]] + b * outStrides[others[1]];
                for (int o = 0; o < m; o++) {
                    double s = 0;
                    for (int t = taps.start[o]; t < taps.start[o + 1]; t++) {
                        s += taps.weight[t] * in[inBase + taps.index[t] * inStride];
                    }
                    res[outBase + o * outStride] = (float) s;
                }
            }
        });
        return res;
    }

    /** Sparse 1D resampling weights: output o uses taps start[o] .. start[o+1]-1. */
    private record Taps(int[] start, int[] index, double[] weight) {

        static Taps of(Interp interp, int n, int m, double f) {
            int[] start = new int[m + 1];
            int[] index = new int[0];
            double[] weight = new double[0];
            int count = 0;
            for (int o = 0; o < m; o++) {
                double c = position(o, m, n, f);
                int[] idx;
                double[] w;
                switch (interp) {
                    case NEAREST -> {
                        idx = new int[] {clamp((int) Math.floor(c + 0.5), n)};
                        w = new double[] {1};
                    }
                    case LINEAR -> {
                        double cc = Math.max(0, Math.min(n - 1, c));
                        int i0 = (int) Math.floor(cc);
                        int i1 = Math.min(i0 + 1, n - 1);
                        double t = cc - i0;
                        idx = new int[] {i0, i1};
                        w = new double[] {1 - t, t};
                    }
                    case AREA -> {
                        // footprint [c - f/2, c + f/2] in centre coordinates,
                        // i.e. [lo, hi) in edge coordinates where voxel i is [i, i+1)
                        double lo = Math.max(0, c - f / 2 + 0.5);
                        double hi = Math.min(n, c + f / 2 + 0.5);
                        if (hi <= lo) {
                            // entirely outside: the nearest edge voxel
                            idx = new int[] {clamp((int) Math.floor(c + 0.5), n)};
                            w = new double[] {1};
                        } else {
                            int i0 = (int) Math.floor(lo);
                            int i1 = Math.min(n - 1, (int) Math.ceil(hi) - 1);
                            idx = new int[i1 - i0 + 1];
                            w = new double[idx.length];
                            for (int i = i0; i <= i1; i++) {
                                idx[i - i0] = i;
                                w[i - i0] = (Math.min(hi, i + 1) - Math.max(lo, i)) / (hi - lo);
                            }
                        }
                    }
                    default -> throw new AssertionError(interp);
                }
                if (count + idx.length > index.length) {
                    int cap = Math.max(16, 2 * (count + idx.length));
                    index = Arrays.copyOf(index, cap);
                    weight = Arrays.copyOf(weight, cap);
                }
                System.arraycopy(idx, 0, index, count, idx.length);
                System.arraycopy(w, 0, weight, count, w.length);
                count += idx.length;
                start[o + 1] = count;
            }
            return new Taps(start, index, weight);
        }
    }

    private static int clamp(int i, int n) {
        return Math.max(0, Math.min(n - 1, i));
    }

    /**
     * Resamples {@code src} onto the grid of {@code grid} (its extents and
     * affine; its voxels are not used), through world coordinates: each
     * target voxel centre is mapped by the target affine to the world and
     * by the inverse source affine to a source position. Used to bring a
     * prediction back to the original image's grid (with NEAREST).
     *
     * <p>A position within one voxel outside the source is clamped to the
     * edge (rounded extents put the outermost centres up to 3/4 of a voxel
     * out); further out the value is {@code outside}.
     *
     * @param interp NEAREST or LINEAR (trilinear)
     * @throws IllegalArgumentException for AREA or a singular source affine
     */
    public static Volume resampleToGrid(Volume src, Volume grid, Interp interp, float outside) {
        if (interp == Interp.AREA) {
            throw new IllegalArgumentException("resampleToGrid: expected NEAREST or LINEAR,"
                    + " got AREA");
        }
        double[][] inv = invertAffine(src.affine());
        double[][] t = grid.affine();
        // m = inv * t: target voxel -> source voxel
        double[][] m = new double[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += inv[r][k] * t[k][c];
                }
                m[r][c] = s;
            }
        }
        int gx = grid.nx();
        int gy = grid.ny();
        int gz = grid.nz();
        float[] out = new float[gx * gy * gz];
        IntStream.range(0, gz).parallel().forEach(z -> {
            double[] p = new double[3];
            for (int y = 0; y < gy; y++) {
                for (int x = 0; x < gx; x++) {
                    for (int r = 0; r < 3; r++) {
                        p[r] = m[r][0] * x + m[r][1] * y + m[r][2] * z + m[r][3];
                    }
                    out[(z * gy + y) * gx + x] = interp == Interp.NEAREST
                            ? nearest(src, p, outside) : trilinear(src, p, outside);
                }
            }
        });
        return new Volume(gx, gy, gz, out, grid.spacing().clone(), copy(grid.affine()));
    }

    private static boolean inside(Volume v, double[] p) {
        return p[0] >= -1 && p[0] <= v.nx() && p[1] >= -1 && p[1] <= v.ny()
                && p[2] >= -1 && p[2] <= v.nz();
    }

    private static float nearest(Volume v, double[] p, float outside) {
        if (!inside(v, p)) {
            return outside;
        }
        int x = clamp((int) Math.floor(p[0] + 0.5), v.nx());
        int y = clamp((int) Math.floor(p[1] + 0.5), v.ny());
        int z = clamp((int) Math.floor(p[2] + 0.5), v.nz());
        return v.get(x, y, z);
    }

    private static float trilinear(Volume v, double[] p, float outside) {
        if (!inside(v, p)) {
            return outside;
        }
        int[] n = {v.nx(), v.ny(), v.nz()};
        int[] i0 = new int[3];
        double[] t = new double[3];
        for (int a = 0; a < 3; a++) {
            double c = Math.max(0, Math.min(n[a] - 1, p[a]));
            i0[a] = Math.min((int) Math.floor(c), Math.max(0, n[a] - 2));
            t[a] = n[a] == 1 ? 0 : c - i0[a];
        }
        double s = 0;
        for (int k = 0; k < 8; k++) {
            int dx = k & 1;
            int dy = (k >> 1) & 1;
            int dz = (k >> 2) & 1;
            double w = (dx == 1 ? t[0] : 1 - t[0]) * (dy == 1 ? t[1] : 1 - t[1])
                    * (dz == 1 ? t[2] : 1 - t[2]);
            if (w != 0) {
                s += w * v.get(Math.min(i0[0] + dx, n[0] - 1), Math.min(i0[1] + dy, n[1] - 1),
                        Math.min(i0[2] + dz, n[2] - 1));
            }
        }
        return (float) s;
    }

    /** Inverse of a 4x4 affine whose last row is (0, 0, 0, 1). */
    static double[][] invertAffine(double[][] a) {
        double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
                - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
                + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
        if (!(Math.abs(det) > 1e-12) || !Double.isFinite(det)) {
            throw new IllegalArgumentException("affine is singular (determinant " + det + ")");
        }
        double[][] r = new double[4][4];
        r[0][0] = (a[1][1] * a[2][2] - a[1][2] * a[2][1]) / det;
        r[0][1] = (a[0][2] * a[2][1] - a[0][1] * a[2][2]) / det;
        r[0][2] = (a[0][1] * a[1][2] - a[0][2] * a[1][1]) / det;
        r[1][0] = (a[1][2] * a[2][0] - a[1][0] * a[2][2]) / det;
        r[1][1] = (a[0][0] * a[2][2] - a[0][2] * a[2][0]) / det;
        r[1][2] = (a[0][2] * a[1][0] - a[0][0] * a[1][2]) / det;
        r[2][0] = (a[1][0] * a[2][1] - a[1][1] * a[2][0]) / det;
        r[2][1] = (a[0][1] * a[2][0] - a[0][0] * a[2][1]) / det;
        r[2][2] = (a[0][0] * a[1][1] - a[0][1] * a[1][0]) / det;
        for (int i = 0; i < 3; i++) {
            r[i][3] = -(r[i][0] * a[0][3] + r[i][1] * a[1][3] + r[i][2] * a[2][3]);
        }
        r[3][3] = 1;
        return r;
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }
}
