package vox.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vox.data.Nifti;
import vox.data.NiftiDatatype;
import vox.data.phantom.PhantomCase;
import vox.data.phantom.PhantomConfig;
import vox.data.phantom.ThoraxPhantom;
import vox.train.Sources;

/** {@code vox phantom}: writes phantom cases in SegTHOR's folder layout. */
@Command(name = "phantom", mixinStandardHelpOptions = true,
        description = "Write thorax phantom cases as Patient_XX/Patient_XX.nii.gz + GT.nii.gz.")
final class PhantomCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "Folder to write (created).")
    Path out;

    @Option(names = "--cases", defaultValue = "8", description = "Number of cases.")
    int cases;

    @Option(names = "--seed", defaultValue = "1",
            description = "Seed of the set; the cases never coincide with the built-in"
                    + " training or validation cases of vox train.")
    long seed;

    /** Seed range of written cases, apart from those of {@code PhantomSource}. */
    static final long WRITTEN_SEEDS = 1L << 41;

    @Option(names = "--size", split = "x",
            description = "Grid XxYxZ (default: the grid of vox train, 64x64x32).")
    int[] size;

    @Option(names = "--spacing", split = "x",
            description = "Voxel size XxYxZ in mm (default 3x3x4).")
    double[] spacing;

    @Override
    public Integer call() throws Exception {
        if (cases <= 0 || cases > 99) {
            throw new IllegalArgumentException("--cases must be in 1..99, got " + cases);
        }
        PhantomConfig d = Sources.defaultPhantomGrid();
        int[] n = size != null ? size : new int[] {d.nx(), d.ny(), d.nz()};
        double[] s = spacing != null ? spacing : d.spacingMm();
        if (n.length != 3 || s.length != 3) {
            throw new IllegalArgumentException("--size and --spacing take three values, XxYxZ");
        }
        PhantomConfig grid = PhantomConfig.of(n[0], n[1], n[2], s);
        for (int i = 1; i <= cases; i++) {
            String id = String.format(Locale.ROOT, "Patient_%02d", i);
            Path dir = out.resolve(id);
            Files.createDirectories(dir);
            PhantomCase c = ThoraxPhantom.generate(WRITTEN_SEEDS + seed * 1000 + i, grid);
            Nifti.write(dir.resolve(id + ".nii.gz"), c.image(), NiftiDatatype.INT16);
            Nifti.write(dir.resolve("GT.nii.gz"), c.labels(), NiftiDatatype.UINT8);
            System.out.println(dir);
        }
        return 0;
    }
}
