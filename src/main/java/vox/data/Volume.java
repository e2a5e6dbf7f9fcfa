package vox.data;

import java.util.Arrays;

/**
 * One scalar 3D image on the host: voxels plus geometry.
 *
 * <p>Voxels are stored x fastest, then y, then z: index
 * {@code (z * ny + y) * nx + x}, the order of a NIfTI file and of a vox
 * tensor (1, 1, D, H, W) with D = nz, H = ny, W = nx.
 *
 * @param nx      columns (W)
 * @param ny      rows (H)
 * @param nz      slices (D)
 * @param voxels  nx*ny*nz values (Hounsfield units for CT, class ids for labels)
 * @param spacing voxel size in millimetres as (x, y, z)
 * @param affine  4x4 voxel-to-world matrix (row-major, RAS+ millimetres)
 */
public record Volume(int nx, int ny, int nz, float[] voxels, double[] spacing, double[][] affine) {

    public Volume {
        if (nx <= 0 || ny <= 0 || nz <= 0) {
            throw new IllegalArgumentException("volume extents must be positive, got "
                    + nx + "x" + ny + "x" + nz);
        }
        if ((long) nx * ny * nz != voxels.length) {
            throw new IllegalArgumentException("volume " + nx + "x" + ny + "x" + nz
                    + " needs " + ((long) nx * ny * nz) + " voxels, got " + voxels.length);
        }
        if (spacing.length != 3) {
            throw new IllegalArgumentException("spacing must have 3 entries (x, y, z), got "
                    + Arrays.toString(spacing));
        }
        if (affine.length != 4 || affine[0].length != 4) {
            throw new IllegalArgumentException("affine must be 4x4");
        }
    }

    /** A volume with the diagonal affine of {@code spacing} and origin 0. */
    public static Volume of(int nx, int ny, int nz, float[] voxels, double[] spacing) {
        double[][] a = new double[4][4];
        for (int i = 0; i < 3; i++) {
            a[i][i] = spacing[i];
        }
        a[3][3] = 1;
        return new Volume(nx, ny, nz, voxels, spacing.clone(), a);
    }

    public long size() {
        return (long) nx * ny * nz;
    }

    public int index(int x, int y, int z) {
        return (z * ny + y) * nx + x;
    }

    public float get(int x, int y, int z) {
        return voxels[index(x, y, z)];
    }

    /** A volume with other voxels and the same geometry. */
    public Volume withVoxels(float[] v) {
        return new Volume(nx, ny, nz, v, spacing, affine);
    }
}
