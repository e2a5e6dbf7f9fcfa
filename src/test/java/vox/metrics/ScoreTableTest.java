package vox.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreTableTest {

    @TempDir
    Path tmp;

    private static ScoreTable sample() {
        return new ScoreTable().add(List.of(
                new OrganScore("P1", "heart", 2, 0.9, 5.0, 3.0, 1.0, 100, 110),
                new OrganScore("P1", "aorta", 4, 0.8, 7.5, 4.0, 1.5, 50, 40),
                new OrganScore("P2", "heart", 2, 0.7, 9.0, 6.0, 2.0, 90, 100),
                new OrganScore("P2", "aorta", 4, 0.0, Double.NaN, Double.NaN, Double.NaN, 0, 40),
                new OrganScore("P,3", "heart", 2, 0.95, 2.0, 1.0, 0.5, 99, 100),
                new OrganScore("P,3", "aorta", 4, 0.85, 4.0, 2.5, 0.75, 41, 40)));
    }

    @Test
    void csvRoundTripKeepsValuesAndNaN() throws IOException {
        ScoreTable t = sample();
        Path p = tmp.resolve("metrics.csv");
        t.writeCsv(p);
        List<String> lines = Files.readAllLines(p);
        assertEquals("case,organ,label,dice,hd_mm,hd95_mm,assd_mm,pred_voxels,truth_voxels",
                lines.get(0));
        assertEquals("P2,aorta,4,0.000000,NaN,NaN,NaN,0,40", lines.get(4));
        assertEquals("\"P,3\",heart,2,0.950000,2.000000,1.000000,0.500000,99,100", lines.get(5));
        ScoreTable back = ScoreTable.readCsv(p);
        assertEquals(t.rows(), back.rows());
    }

    @Test
    void malformedCsvNamesFileAndLine() throws IOException {
        Path p = tmp.resolve("bad.csv");
        Files.writeString(p, String.join(",", ScoreTable.COLUMNS) + "\nP1,heart,2,x,1,1,1,1,1\n");
        IOException e = assertThrows(IOException.class, () -> ScoreTable.readCsv(p));
        assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("line 2"),
                e.getMessage());
        Files.writeString(p, "a,b\n");
        assertThrows(IOException.class, () -> ScoreTable.readCsv(p));
    }

    @Test
    void summariesLeaveUndefinedValuesOut() {
        ScoreTable t = sample();
        ScoreTable.Summary heart = t.organSummary("heart", Metric.DICE);
        double mean = (0.9 + 0.7 + 0.95) / 3;
        double var = ((0.9 - mean) * (0.9 - mean) + (0.7 - mean) * (0.7 - mean)
                + (0.95 - mean) * (0.95 - mean)) / 2;
        assertEquals(mean, heart.mean(), 1e-12);
        assertEquals(Math.sqrt(var), heart.sd(), 1e-12);
        ScoreTable.Summary hd = t.organSummary("aorta", Metric.HD);
        assertEquals(2, hd.n());
        assertEquals(1, hd.undefined());
        assertEquals((7.5 + 4.0) / 2, hd.mean(), 1e-12);
        assertEquals(9.0, t.caseMean("P2", Metric.HD), 1e-12);
        assertEquals((0.9 + 0.8) / 2, t.caseMean("P1", Metric.DICE), 1e-12);
    }

    @Test
    void printedTableShowsOrgansPercentAndNa() {
        String s = sample().format(Metric.DICE);
        String[] lines = s.split("\n");
        assertTrue(lines[0].startsWith("Dice (%)"), s);
        assertTrue(lines[0].contains("heart") && lines[0].contains("aorta")
                && lines[0].contains("mean"), s);
        assertTrue(s.contains("90.00") && s.contains("85.00"), s);
        String hd = sample().format(Metric.HD95);
        assertTrue(hd.contains("n/a"), hd);
        assertTrue(hd.startsWith("HD95 (mm)"), hd);
    }
}
