package vox.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import vox.data.Nifti;
import vox.data.NiftiHeader;
import vox.data.Volume;

/** {@code vox info FILE}: what a NIfTI file holds. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print a NIfTI file's dims, spacing, datatype, affine and intensity range.")
final class InfoCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = ".nii or .nii.gz files")
    Path[] files;

    @Override
    public Integer call() throws Exception {
        for (Path f : files) {
            NiftiHeader h = Nifti.readHeader(f);
            Volume v = Nifti.read(f);
            double[] s = h.spacing();
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            double sum = 0;
            for (float x : v.voxels()) {
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
            }
            System.out.println(f);
            System.out.printf(Locale.ROOT, "  format     NIfTI-%d, %s%n", h.version(),
                    h.byteOrder());
            System.out.printf(Locale.ROOT, "  dims       %d x %d x %d%n", h.nx(), h.ny(), h.nz());
            System.out.printf(Locale.ROOT, "  spacing    %.4g x %.4g x %.4g mm%n",
                    s[0], s[1], s[2]);
            System.out.printf(Locale.ROOT, "  datatype   %s%s%n", h.datatype(),
                    h.hasScaling() ? String.format(Locale.ROOT, " (scl_slope %.6g, scl_inter"
                            + " %.6g)", h.sclSlope(), h.sclInter()) : "");
            System.out.printf(Locale.ROOT, "  qform/sform codes %d / %d%n", h.qformCode(),
                    h.sformCode());
            double[][] a = h.affine();
            for (int r = 0; r < 3; r++) {
                System.out.printf(Locale.ROOT, "  %s %9.4f %9.4f %9.4f %10.4f%n",
                        r == 0 ? "affine    " : "          ", a[r][0], a[r][1], a[r][2], a[r][3]);
            }
            System.out.printf(Locale.ROOT, "  intensity  min %.6g, max %.6g, mean %.6g%n", min,
                    max, sum / v.voxels().length);
        }
        return 0;
    }
}
