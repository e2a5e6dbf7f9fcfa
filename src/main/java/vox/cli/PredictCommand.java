package vox.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.data.Nifti;
import vox.data.NiftiDatatype;
import vox.data.Volume;
import vox.experiment.Overlay;
import vox.infer.Refiner;
import vox.infer.Segmenter;

/**
 * {@code vox predict}: segments one CT file, or every CT image in a folder
 * (label files named GT* or label* are skipped).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Segment CT volumes with a trained checkpoint.")
final class PredictCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, description = "A .safetensors of vox train.")
    Path checkpoint;

    @Option(names = "--input", required = true, description = "A .nii/.nii.gz file or a folder.")
    Path input;

    @Option(names = "--output", required = true,
            description = "Output file, or folder (one <case>.nii.gz per input).")
    Path output;

    @Option(names = "--device", defaultValue = "cpu", description = "auto, cpu, opencl, cuda.")
    String device;

    @Option(names = "--refine", split = ",", paramLabel = "CKPT",
            description = "Refinement checkpoints (runs/refine-ORGAN/... of vox experiment):"
                    + " their organs are re-segmented in crops after the multi-class pass.")
    List<Path> refine;

    @Option(names = "--overlay", paramLabel = "DIR",
            description = "Also write axial, coronal and sagittal PNGs of each case here.")
    Path overlay;

    @Option(names = "--truth", paramLabel = "FILE",
            description = "Ground truth of the (single) input for --overlay: adds truth and"
                    + " difference panels.")
    Path truth;

    private Refiner refiner;

    @Override
    public Integer call() throws IOException {
        Backend be = Backends.select(device);
        Segmenter seg = Segmenter.load(checkpoint, be);
        if (truth != null && (overlay == null || Files.isDirectory(input))) {
            throw new IllegalArgumentException("--truth " + truth + ": goes with --overlay and"
                    + " a single --input file");
        }
        refiner = refine == null ? null : Refiner.load(refine, seg.spec(), be);
        if (!Files.isDirectory(input)) {
            predict(seg, input, output);
            return 0;
        }
        List<Path> images = images(input);
        if (images.isEmpty()) {
            throw new IllegalArgumentException(input + ": no CT images (.nii, .nii.gz) found");
        }
        Files.createDirectories(output);
        for (Path img : images) {
            predict(seg, img, output.resolve(caseId(img) + ".nii.gz"));
        }
        return 0;
    }

    private void predict(Segmenter seg, Path in, Path out) throws IOException {
        long t = System.nanoTime();
        Volume ct = Nifti.read(in);
        Volume labels = refiner == null ? seg.segment(ct) : refiner.segment(seg, ct);
        if (overlay != null) {
            Overlay.write(overlay, caseId(in), ct, labels,
                    truth == null ? null : Nifti.read(truth), Overlay.SOFT_TISSUE);
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Nifti.write(out, labels, NiftiDatatype.UINT8, Nifti.readHeader(in));
        System.out.printf(Locale.ROOT, "%s -> %s (%.1f s)%n", in, out,
                (System.nanoTime() - t) / 1e9);
    }

    /** CT images under a folder: NIfTI files not named like label maps, sorted. */
    static List<Path> images(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                boolean nifti = name.endsWith(".nii") || name.endsWith(".nii.gz");
                boolean label = name.startsWith("gt") || name.startsWith("label")
                        || p.getParent().getFileName().toString().equalsIgnoreCase("label");
                if (nifti && !label && Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** File name without .nii/.nii.gz. */
    static String caseId(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".nii.gz") ? n.substring(0, n.length() - 7)
                : n.substring(0, n.length() - 4);
    }
}
