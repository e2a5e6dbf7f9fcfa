package vox.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import vox.metrics.Metric;
import vox.metrics.RepeatedMeasuresAnova;
import vox.metrics.ScoreTable;

/** {@code vox compare}: repeated-measures ANOVA between models over the same cases. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare models' score CSVs (from vox evaluate) over the same cases.")
final class CompareCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "RESULTS", description = "scores.csv per model")
    List<Path> results;

    @Option(names = "--metric", defaultValue = "dice", description = "dice, hd, hd95 or assd.")
    String metric;

    @Override
    public Integer call() throws Exception {
        Metric m = Metric.parse(metric);
        List<ScoreTable> tables = new ArrayList<>();
        for (Path p : results) {
            tables.add(ScoreTable.readCsv(p));
        }
        double scale = m == Metric.DICE ? 100 : 1;
        System.out.printf(Locale.ROOT, "%-28s %10s %10s%n", "model", "mean", "sd");
        for (int i = 0; i < tables.size(); i++) {
            ScoreTable.Summary s = tables.get(i).overall(m);
            System.out.printf(Locale.ROOT, "%-28s %10.3f %10.3f%n", results.get(i),
                    s.mean() * scale, s.sd() * scale);
        }
        RepeatedMeasuresAnova.Result r = RepeatedMeasuresAnova.compare(tables, m,
                RepeatedMeasuresAnova.Subjects.CASE);
        System.out.printf(Locale.ROOT, "repeated-measures ANOVA on %s (subjects = cases, n = %d,"
                + " dropped %d): F(%d, %d) = %.4f, p = %.4g%n", m.column, r.subjects(),
                r.dropped(), r.dfModels(), r.dfError(), r.f(), r.p());
        return 0;
    }
}
