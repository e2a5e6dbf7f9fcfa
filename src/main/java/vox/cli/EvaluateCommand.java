package vox.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import vox.data.Dataset;
import vox.data.Nifti;
import vox.metrics.Evaluation;
import vox.metrics.Metric;
import vox.metrics.ScoreTable;
import vox.train.Sources;

/**
 * {@code vox evaluate}: scores predictions (one {@code <case>.nii.gz} per
 * case) against a dataset's ground truth, per case and organ.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Dice, HD and HD95 (mm) per case and organ; prints tables, writes CSV.")
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--pred", required = true, description = "Folder of <case>.nii.gz files.")
    Path pred;

    @Option(names = "--truth", required = true, description = "Dataset folder with labels.")
    Path truth;

    @Option(names = "--dataset", defaultValue = "segthor",
            description = "Layout of --truth: segthor, btcv or pairs. Default: ${DEFAULT-VALUE}.")
    String dataset;

    @Option(names = "--organs", split = ",", description = "Organ names (--dataset pairs).")
    java.util.List<String> organs;

    @Option(names = "--csv", description = "CSV to write (default: <pred>/scores.csv).")
    Path csv;

    @Override
    public Integer call() throws Exception {
        Dataset ds = Sources.dataset(dataset,
                new Sources.RealData(truth, organs, null, null, null, null));
        ScoreTable table = new ScoreTable();
        int scored = 0;
        for (Dataset.Case c : ds.cases()) {
            if (!c.hasLabel()) {
                continue;
            }
            Path p = find(c);
            if (p == null) {
                System.err.println("vox evaluate: no prediction for case " + c.id()
                        + " in " + pred + "; skipped");
                continue;
            }
            table.add(Evaluation.evaluate(c.id(), Nifti.read(p), ds.loadLabel(c), ds.organs()));
            scored++;
        }
        if (scored == 0) {
            throw new IllegalArgumentException(pred + ": no prediction matches a labelled case"
                    + " of " + truth + " (expected <case>.nii.gz, e.g. "
                    + ds.cases().get(0).id() + ".nii.gz)");
        }
        for (Metric m : new Metric[] {Metric.DICE, Metric.HD, Metric.HD95}) {
            System.out.println(table.format(m));
        }
        Path out = csv != null ? csv : pred.resolve("scores.csv");
        table.writeCsv(out);
        System.out.println("scores written to " + out);
        return 0;
    }

    /** The prediction of a case: by case id, else by the image's file name. */
    private Path find(Dataset.Case c) {
        for (String stem : new String[] {c.id(), PredictCommand.caseId(c.image())}) {
            for (String ext : new String[] {".nii.gz", ".nii"}) {
                Path p = pred.resolve(stem + ext);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        return null;
    }
}
