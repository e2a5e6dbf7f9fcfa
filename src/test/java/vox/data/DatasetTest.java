package vox.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset folders built here with the NIfTI writer. */
class DatasetTest {

    @TempDir
    Path tmp;

    private static Volume volume(float fill) {
        float[] v = new float[4 * 3 * 2];
        java.util.Arrays.fill(v, fill);
        return Volume.of(4, 3, 2, v, new double[] {0.8, 0.8, 2.5});
    }

    private static Volume labels(int... values) {
        float[] v = new float[4 * 3 * 2];
        for (int i = 0; i < values.length; i++) {
            v[i] = values[i];
        }
        return Volume.of(4, 3, 2, v, new double[] {0.8, 0.8, 2.5});
    }

    private Path segthor(Path root, int... patients) throws IOException {
        for (int p : patients) {
            String id = String.format("Patient_%02d", p);
            Path dir = Files.createDirectories(root.resolve(id));
            Nifti.write(dir.resolve(id + ".nii.gz"), volume(-100 + p), NiftiDatatype.INT16);
            Nifti.write(dir.resolve("GT.nii.gz"), labels(0, 1, 2, 3, 4), NiftiDatatype.UINT8);
        }
        return root;
    }

    private Path btcv(Path root, int... ids) throws IOException {
        Files.createDirectories(root.resolve("img"));
        Files.createDirectories(root.resolve("label"));
        for (int i : ids) {
            String n = String.format("%04d", i);
            Nifti.write(root.resolve("img/img" + n + ".nii.gz"), volume(i), NiftiDatatype.INT16);
            Nifti.write(root.resolve("label/label" + n + ".nii.gz"), labels(0, 13, 7),
                    NiftiDatatype.UINT8);
        }
        return root;
    }

    @Test
    void segthorListsPatientsInNumericOrder() throws IOException {
        Path root = segthor(tmp.resolve("segthor"), 10, 2, 1, 33);
        Files.createDirectories(root.resolve("notes"));
        Dataset d = Dataset.open("SegTHOR", root);
        assertEquals(List.of("Patient_01", "Patient_02", "Patient_10", "Patient_33"),
                d.cases().stream().map(Dataset.Case::id).toList());
        assertEquals(List.of("esophagus", "heart", "trachea", "aorta"), d.organs());
        assertEquals(5, d.numClasses());
        Dataset.Case c = d.cases().get(2);
        assertEquals(root.resolve("Patient_10/Patient_10.nii.gz"), c.image());
        assertEquals(root.resolve("Patient_10/GT.nii.gz"), c.label());
        Dataset.Sample s = d.load(c);
        assertEquals(-90, s.image().voxels()[0]);
        assertEquals(4, s.label().voxels()[4]);
        assertEquals(1000, d.preprocessing().clip());
        assertTrue(d.validate().isEmpty());
    }

    @Test
    void segthorAcceptsATrainFolderAndUnlabelledPatients() throws IOException {
        Path root = tmp.resolve("st");
        segthor(root.resolve("train"), 1, 2);
        Files.delete(root.resolve("train/Patient_02/GT.nii.gz"));
        Dataset d = new SegThorDataset(root);
        assertEquals(root.resolve("train"), d.root());
        assertTrue(d.cases().get(0).hasLabel());
        assertFalse(d.cases().get(1).hasLabel());
        assertNull(d.load(d.cases().get(1)).label());
    }

    @Test
    void segthorWithoutImageOrPatientsIsAnError() throws IOException {
        Path root = segthor(tmp.resolve("s2"), 1);
        Files.createDirectories(root.resolve("Patient_05"));
        IOException e = assertThrows(IOException.class, () -> new SegThorDataset(root));
        assertTrue(e.getMessage().contains("Patient_05.nii.gz"), e.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        IOException e2 = assertThrows(IOException.class, () -> new SegThorDataset(empty));
        assertTrue(e2.getMessage().contains("Patient_XX"), e2.getMessage());
    }

    @Test
    void btcvListsPairsAndNamesThirteenOrgans() throws IOException {
        Path root = btcv(tmp.resolve("btcv/RawData/Training"),
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 21, 40);
        Dataset d = Dataset.open("btcv", tmp.resolve("btcv"));
        assertEquals(root, d.root());
        assertEquals(12, d.cases().size());
        assertEquals("0001", d.cases().get(0).id());
        assertEquals("0040", d.cases().get(11).id());
        assertEquals(13, d.organs().size());
        assertEquals("spleen", d.organs().get(0));
        assertEquals("portal and splenic veins", d.organs().get(9));
        assertEquals("left adrenal gland", d.organs().get(12));
        assertEquals(14, d.numClasses());
        assertEquals(6, d.defaultFolds());
        assertEquals(350, d.preprocessing().clip());
        assertEquals(13, d.loadLabel(d.cases().get(0)).voxels()[1]);
    }

    @Test
    void btcvLabelWithoutImageIsAnError() throws IOException {
        Path root = btcv(tmp.resolve("b2"), 1, 2);
        Files.delete(root.resolve("img/img0002.nii.gz"));
        IOException e = assertThrows(IOException.class, () -> new BtcvDataset(root));
        assertTrue(e.getMessage().contains("label0002.nii.gz")
                && e.getMessage().contains("img0002.nii.gz"), e.getMessage());
    }

    @Test
    void labelsOutsideTheRangeAreReportedWithFileAndValue() throws IOException {
        Path root = segthor(tmp.resolve("bad"), 1, 2);
        Path gt = root.resolve("Patient_02/GT.nii.gz");
        Nifti.write(gt, labels(0, 1, 5, 5, 0, 2, 9), NiftiDatatype.UINT8);
        Dataset d = new SegThorDataset(root);
        IOException e = assertThrows(IOException.class, () -> d.loadLabel(d.cases().get(1)));
        String m = e.getMessage();
        assertTrue(m.contains(gt.toString()), m);
        assertTrue(m.contains("5 in 2 voxels (first at 2, 0, 0)"), m);
        assertTrue(m.contains("9 in 1 voxels (first at 2, 1, 0)"), m);
        assertTrue(m.contains("0 to 4"), m);
        List<String> problems = d.validate();
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("Patient_02"), problems.get(0));
    }

    @Test
    void fractionalAndNegativeLabelsAreRejected() {
        assertNull(Dataset.checkLabels(labels(0, 1, 2), 2));
        Volume odd = Volume.of(2, 1, 1, new float[] {1.5f, -1}, new double[] {1, 1, 1});
        String m = Dataset.checkLabels(odd, 4);
        assertTrue(m.contains("1.5") && m.contains("-1"), m);
    }

    @Test
    void labelGridMustMatchTheImage() throws IOException {
        Path root = segthor(tmp.resolve("grid"), 1);
        Path gt = root.resolve("Patient_01/GT.nii.gz");
        Nifti.write(gt, Volume.of(2, 2, 2, new float[8], new double[] {1, 1, 1}),
                NiftiDatatype.UINT8);
        Dataset d = new SegThorDataset(root);
        IOException e = assertThrows(IOException.class, () -> d.load(d.cases().get(0)));
        assertTrue(e.getMessage().contains("2x2x2") && e.getMessage().contains("4x3x2"),
                e.getMessage());
    }

    @Test
    void pairedFolderMatchesByName() throws IOException {
        Path root = tmp.resolve("pairs");
        Files.createDirectories(root.resolve("images"));
        Files.createDirectories(root.resolve("labels"));
        Nifti.write(root.resolve("images/a.nii"), volume(1), NiftiDatatype.INT16);
        Nifti.write(root.resolve("images/b.nii.gz"), volume(2), NiftiDatatype.INT16);
        Nifti.write(root.resolve("labels/b.nii.gz"), labels(1), NiftiDatatype.UINT8);
        Dataset d = new PairedFolderDataset(root, List.of("liver"), 2, Preprocess.Spec.abdomen());
        assertEquals(List.of("a", "b"), d.cases().stream().map(Dataset.Case::id).toList());
        assertFalse(d.cases().get(0).hasLabel());
        assertEquals(1, d.loadLabel(d.cases().get(1)).voxels()[0]);
    }

    @Test
    void unknownKindIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.open("lits", tmp));
        assertTrue(e.getMessage().contains("segthor"), e.getMessage());
    }

    // -------------------------------------------------------------- folds

    private static List<Dataset.Case> fakeCases(int n) {
        List<Dataset.Case> l = new ArrayList<>();
        for (int i = n; i >= 1; i--) {
            l.add(new Dataset.Case(String.format("%04d", i), Path.of("img" + i), null));
        }
        return l;
    }

    @Test
    void foldsPartitionTheCases() {
        List<Dataset.Case> cases = fakeCases(30);
        for (int k : new int[] {2, 5, 6, 7, 30}) {
            List<Folds.Fold> folds = Folds.split(cases, k, 42);
            assertEquals(k, folds.size());
            Set<String> seen = new HashSet<>();
            for (Folds.Fold f : folds) {
                int size = f.test().size();
                assertTrue(size == 30 / k || size == (30 + k - 1) / k, "fold size " + size);
                assertEquals(30, f.train().size() + f.test().size());
                Set<String> train = new HashSet<>();
                f.train().forEach(c -> train.add(c.id()));
                for (Dataset.Case c : f.test()) {
                    assertFalse(train.contains(c.id()));
                    assertTrue(seen.add(c.id()), "case in two test folds: " + c.id());
                }
            }
            assertEquals(30, seen.size());
        }
    }

    @Test
    void foldsAreDeterministicPerSeedAndIgnoreInputOrder() {
        List<Dataset.Case> cases = fakeCases(30);
        List<Dataset.Case> reversed = new ArrayList<>(cases);
        java.util.Collections.reverse(reversed);
        List<Folds.Fold> a = Folds.split(cases, 6, 7);
        List<Folds.Fold> b = Folds.split(reversed, 6, 7);
        List<Folds.Fold> c = Folds.split(cases, 6, 8);
        assertEquals(a, b);
        assertNotEquals(a, c);
        // the shuffle really mixes: fold 0 is not simply the first five ids
        List<String> first = a.get(0).test().stream().map(Dataset.Case::id).toList();
        assertNotEquals(List.of("0001", "0002", "0003", "0004", "0005"), first);
    }

    @Test
    void foldCountOutOfRangeIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Folds.split(fakeCases(5), 6, 1));
        assertThrows(IllegalArgumentException.class, () -> Folds.split(fakeCases(5), 1, 1));
    }
}
