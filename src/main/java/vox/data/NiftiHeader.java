package vox.data;

import java.nio.ByteOrder;

/**
 * The fields of a NIfTI-1 or NIfTI-2 header that vox uses.
 *
 * <p>Both versions map onto the same record (NIfTI-2 widens the integer
 * fields to 64 bits and the floating point ones to double). Fields not kept
 * here (intent, calibration, slice timing, aux_file) are written as zero or
 * empty.
 *
 * <p>Geometry follows the NIfTI-1 standard (nifti1.h):
 * <ul>
 * <li>method 3, {@code sform_code > 0}: the affine rows are
 *     {@code srow_x, srow_y, srow_z};</li>
 * <li>method 2, else {@code qform_code > 0}: rotation from the quaternion
 *     (b, c, d) with {@code a = sqrt(1 - b^2 - c^2 - d^2)}, times
 *     {@code diag(pixdim[1], pixdim[2], qfac * pixdim[3])}, plus the
 *     {@code qoffset}; {@code qfac = pixdim[0]}, taken as 1 unless it is
 *     negative;</li>
 * <li>method 1, both codes 0: {@code diag(pixdim[1], pixdim[2],
 *     pixdim[3])} with origin 0.</li>
 * </ul>
 * The voxel spacing is {@code |pixdim[1..3]|} in every case.
 *
 * @param version    1 or 2
 * @param byteOrder  byte order of the header and the voxel data
 * @param dim        the 8 {@code dim} entries: rank, then the extents
 * @param datatypeCode the header's {@code datatype} (see {@link NiftiDatatype})
 * @param bitpix     bits per voxel
 * @param pixdim     the 8 {@code pixdim} entries: qfac, then voxel sizes
 * @param voxOffset  byte offset of the voxel data in the file
 * @param sclSlope   intensity slope; 0 or non-finite means no scaling
 * @param sclInter   intensity intercept, used only with a slope
 * @param qformCode  {@code qform_code}
 * @param quatern    {@code quatern_b, quatern_c, quatern_d}
 * @param qoffset    {@code qoffset_x, qoffset_y, qoffset_z}
 * @param sformCode  {@code sform_code}
 * @param srow       {@code srow_x, srow_y, srow_z}, 3 rows of 4
 * @param xyztUnits  {@code xyzt_units}
 * @param dimInfo    {@code dim_info}
 * @param descrip    {@code descrip}, at most 79 characters
 */
public record NiftiHeader(
        int version,
        ByteOrder byteOrder,
        long[] dim,
        int datatypeCode,
        int bitpix,
        double[] pixdim,
        long voxOffset,
        double sclSlope,
        double sclInter,
        int qformCode,
        double[] quatern,
        double[] qoffset,
        int sformCode,
        double[][] srow,
        int xyztUnits,
        int dimInfo,
        String descrip) {

    /** {@code xyzt_units} for millimetres. */
    public static final int UNITS_MM = 2;
    /** {@code qform_code}/{@code sform_code}: scanner-based coordinates. */
    public static final int XFORM_SCANNER = 1;
    /** {@code qform_code}/{@code sform_code}: aligned to another image. */
    public static final int XFORM_ALIGNED = 2;

    public NiftiHeader {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("NIfTI version must be 1 or 2, got "
                    + version);
        }
        if (dim.length != 8 || pixdim.length != 8) {
            throw new IllegalArgumentException("dim and pixdim need 8 entries, got "
                    + dim.length + " and " + pixdim.length);
        }
        if (quatern.length != 3 || qoffset.length != 3 || srow.length != 3) {
            throw new IllegalArgumentException(
                    "quatern, qoffset and srow need 3 entries each");
        }
        descrip = descrip == null ? "" : descrip;
    }

    /** Columns (x extent, {@code dim[1]}). */
    public int nx() {
        return extent(1);
    }

    /** Rows (y extent, {@code dim[2]}; 1 when the rank is below 2). */
    public int ny() {
        return extent(2);
    }

    /** Slices (z extent, {@code dim[3]}; 1 when the rank is below 3). */
    public int nz() {
        return extent(3);
    }

    private int extent(int axis) {
        return dim[0] >= axis ? (int) dim[axis] : 1;
    }

    /** The supported datatype of this header, or null. */
    public NiftiDatatype datatype() {
        return NiftiDatatype.ofCode(datatypeCode);
    }

    /** True when {@code scl_slope} is finite and non-zero. */
    public boolean hasScaling() {
        return Double.isFinite(sclSlope) && sclSlope != 0;
    }

    /** Voxel size (x, y, z) in the file's units: {@code |pixdim[1..3]|}. */
    public double[] spacing() {
        double[] s = new double[3];
        for (int i = 0; i < 3; i++) {
            s[i] = dim[0] > i ? Math.abs(pixdim[i + 1]) : 1;
        }
        return s;
    }

    /** -1 when {@code pixdim[0]} is negative (a left-handed qform), else 1. */
    public double qfac() {
        return pixdim[0] < 0 ? -1 : 1;
    }

    /**
     * The voxel-to-world affine by the NIfTI rules (sform, else qform,
     * else pixdim), as a new 4x4 row-major matrix.
     */
    public double[][] affine() {
        if (sformCode > 0) {
            return sformAffine();
        }
        if (qformCode > 0) {
            return qformAffine();
        }
        double[][] a = new double[4][4];
        double[] s = spacing();
        for (int i = 0; i < 3; i++) {
            a[i][i] = s[i];
        }
        a[3][3] = 1;
        return a;
    }

    /** The affine of the sform rows, whatever {@code sform_code} says. */
    public double[][] sformAffine() {
        double[][] a = new double[4][4];
        for (int r = 0; r < 3; r++) {
            a[r] = srow[r].clone();
        }
        a[3][3] = 1;
        return a;
    }

    /** The affine of the quaternion, whatever {@code qform_code} says. */
    public double[][] qformAffine() {
        double[][] r = rotation(quatern[0], quatern[1], quatern[2]);
        double[] s = spacing();
        s[2] *= qfac();
        double[][] a = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                a[i][j] = r[i][j] * s[j];
            }
            a[i][3] = qoffset[i];
        }
        a[3][3] = 1;
        return a;
    }

    /** The rotation of the unit quaternion (a, b, c, d), a from b, c, d. */
    static double[][] rotation(double b, double c, double d) {
        double a2 = 1 - (b * b + c * c + d * d);
        double a;
        if (a2 < 1e-7) {
            // a is 0 up to rounding: renormalise (b, c, d) as nifti1_io does
            double n = Math.sqrt(b * b + c * c + d * d);
            b /= n;
            c /= n;
            d /= n;
            a = 0;
        } else {
            a = Math.sqrt(a2);
        }
        return new double[][] {
            {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
            {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
            {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - b * b - c * c}
        };
    }

    /**
     * The qform of an affine: {b, c, d, qfac}, or null when the affine's
     * columns, divided by {@code spacing}, are not orthonormal within 1e-4
     * (a shear or a spacing that disagrees with the affine).
     */
    static double[] quaternionOf(double[][] affine, double[] spacing) {
        double[][] m = new double[3][3];
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                m[i][j] = affine[i][j] / spacing[j];
            }
        }
        for (int j = 0; j < 3; j++) {
            for (int k = 0; k < 3; k++) {
                double dot = 0;
                for (int i = 0; i < 3; i++) {
                    dot += m[i][j] * m[i][k];
                }
                if (Math.abs(dot - (j == k ? 1 : 0)) > 1e-4) {
                    return null;
                }
            }
        }
        double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
        double qfac = 1;
        if (det < 0) {
            qfac = -1;
            for (int i = 0; i < 3; i++) {
                m[i][2] = -m[i][2];
            }
        }
        double[] q = quaternionOfRotation(m);
        return new double[] {q[1], q[2], q[3], qfac};
    }

    /** {a, b, c, d} with a >= 0 of a proper rotation matrix. */
    private static double[] quaternionOfRotation(double[][] r) {
        double tr = r[0][0] + r[1][1] + r[2][2];
        double a;
        double b;
        double c;
        double d;
        // pick the largest of the four to divide by, for accuracy
        if (tr > r[0][0] && tr > r[1][1] && tr > r[2][2]) {
            a = 0.5 * Math.sqrt(1 + tr);
            b = (r[2][1] - r[1][2]) / (4 * a);
            c = (r[0][2] - r[2][0]) / (4 * a);
            d = (r[1][0] - r[0][1]) / (4 * a);
        } else if (r[0][0] >= r[1][1] && r[0][0] >= r[2][2]) {
            b = 0.5 * Math.sqrt(Math.max(0, 1 + r[0][0] - r[1][1] - r[2][2]));
            a = (r[2][1] - r[1][2]) / (4 * b);
            c = (r[0][1] + r[1][0]) / (4 * b);
            d = (r[0][2] + r[2][0]) / (4 * b);
        } else if (r[1][1] >= r[2][2]) {
            c = 0.5 * Math.sqrt(Math.max(0, 1 + r[1][1] - r[0][0] - r[2][2]));
            a = (r[0][2] - r[2][0]) / (4 * c);
            b = (r[0][1] + r[1][0]) / (4 * c);
            d = (r[1][2] + r[2][1]) / (4 * c);
        } else {
            d = 0.5 * Math.sqrt(Math.max(0, 1 + r[2][2] - r[0][0] - r[1][1]));
            a = (r[1][0] - r[0][1]) / (4 * d);
            b = (r[0][2] + r[2][0]) / (4 * d);
            c = (r[1][2] + r[2][1]) / (4 * d);
        }
        if (a < 0) {
            a = -a;
            b = -b;
            c = -c;
            d = -d;
        }
        return new double[] {a, b, c, d};
    }
}
