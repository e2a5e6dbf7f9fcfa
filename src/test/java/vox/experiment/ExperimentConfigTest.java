package vox.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import vox.model.KernelMode;
import vox.model.SkipMode;

class ExperimentConfigTest {

    private static final String MINIMAL = """
            {"data": {"kind": "phantom"},
             "models": [{"name": "a", "skips": "BASELINE", "kernels": "SMALL"}]}
            """;

    private static ExperimentConfig parse(String json) {
        return ExperimentConfig.parse(json, "study.json", "study");
    }

    /** The message of the error that parsing {@code json} raises. */
    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> parse(json)).getMessage();
    }

    @Test
    void minimalConfigTakesTheDocumentedDefaults() {
        ExperimentConfig c = parse(MINIMAL);
        assertEquals("study", c.name());
        assertEquals(Path.of("runs/study"), c.output());
        assertEquals("cpu", c.device());
        assertEquals(List.of(1L), c.seeds());
        assertArrayEquals(new int[] {64, 64, 32}, c.data().size());
        assertEquals(List.of(0), c.data().runFolds());
        assertEquals(List.of("esophagus", "heart", "trachea", "aorta"), c.data().organs());
        assertEquals(600, c.train().steps());
        assertEquals(50, c.train().warmupSteps(), "a tenth of the steps, at most 50");
        assertNull(c.refine());
        assertEquals("case", c.subjects());
        assertEquals("last", c.checkpoint());
    }

    @Test
    void shippedConfigsParse() throws Exception {
        ExperimentConfig p = ExperimentConfig.read(Path.of("experiments/phantom-study.json"));
        assertEquals(6, p.models().size());
        assertEquals(List.of(1L, 2L), p.seeds());
        assertEquals("r-blsc-mixed", p.model("r-blsc-mixed+refine").trainedAs());
        assertArrayEquals(new int[] {32, 32, 32}, p.refine().crop());
        assertEquals(List.of("baseline", "r-blsc", "d-blsc", "r-blsc-large", "r-blsc-mixed",
                "refine-esophagus"), p.trainingGroups());

        ExperimentConfig s = ExperimentConfig.read(Path.of("experiments/segthor.json"));
        assertEquals(5, s.data().folds());
        assertEquals(List.of(0, 1, 2, 3, 4), s.data().runFolds());
        assertArrayEquals(new int[] {224, 224, 224}, s.refine().area(), "default area 2 x crop");

        ExperimentConfig b = ExperimentConfig.read(Path.of("experiments/btcv.json"));
        assertEquals(6, b.data().folds());
        assertEquals(4, b.refine().organs().size());
        assertEquals(13, b.data().organs().size());
        assertEquals("refine-portal-and-splenic-veins",
                ExperimentConfig.refineGroup(b.refine().organs().get(0)));
    }

    @Test
    void misspeltFieldIsNamedWithTheKnownOnes() {
        String m = error("""
                {"data": {"kind": "phantom"}, "train": {"stpes": 10},
                 "models": [{"name": "a"}]}""");
        assertTrue(m.startsWith("study.json.train.stpes: unknown field"), m);
        assertTrue(m.contains("steps"), m);
    }

    @Test
    void wrongTypesAndRangesNameTheFieldAndTheValue() {
        assertEquals("study.json.train.steps: expected an integer, got \"ten\"", error("""
                {"data": {"kind": "phantom"}, "train": {"steps": "ten"},
                 "models": [{"name": "a"}]}"""));
        assertEquals("study.json.train.levels: expected an integer in [2, 5], got 7", error("""
                {"data": {"kind": "phantom"}, "train": {"levels": 7},
                 "models": [{"name": "a"}]}"""));
        String m = error("""
                {"data": {"kind": "phantom"}, "models": [{"name": "a", "skips": "RBLSC"}]}""");
        assertTrue(m.startsWith("study.json.models[0].skips: expected one of [BASELINE,"), m);
        assertTrue(m.endsWith("got 'RBLSC'"), m);
        assertEquals("study.json.data.size: expected 3 integers, got [64,64]", error("""
                {"data": {"kind": "phantom", "size": [64, 64]}, "models": [{"name": "a"}]}"""));
    }

    @Test
    void missingPartsAndBadJsonAreReported() {
        assertTrue(error("{\"models\": [{\"name\": \"a\"}]}")
                .startsWith("study.json.data: required field is missing"));
        assertTrue(error("{\"data\": {\"kind\": \"phantom\"}}")
                .startsWith("study.json.models: required field is missing"));
        assertTrue(error("{\"data\": {\"kind\": \"phantom\"}, ").startsWith(
                "study.json: not valid JSON"));
        assertTrue(error("{\"data\": {\"kind\": \"segthor\"}, \"models\": [{\"name\": \"a\"}]}")
                .startsWith("study.json.data.root: required for segthor"));
        assertTrue(error("{\"data\": {\"kind\": \"phantom\", \"root\": \"x\"},"
                + " \"models\": [{\"name\": \"a\"}]}").startsWith(
                "study.json.data.root: not used with the phantom"));
    }

    @Test
    void modelsAndComparisonsMustNameEachOther() {
        assertTrue(error("""
                {"data": {"kind": "phantom"},
                 "models": [{"name": "a"}, {"name": "a"}]}""")
                .startsWith("study.json.models[1].name: 'a' is used twice"));
        assertTrue(error("""
                {"data": {"kind": "phantom"},
                 "models": [{"name": "b", "from": "a"}]}""")
                .contains("no earlier model is named 'a'"));
        assertTrue(error("""
                {"data": {"kind": "phantom"},
                 "models": [{"name": "a"}, {"name": "b", "from": "a", "kernels": "MIXED"}]}""")
                .startsWith("study.json.models[1].from: a model built 'from' another"));
        String m = error("""
                {"data": {"kind": "phantom"}, "models": [{"name": "a"}, {"name": "b"}],
                 "compare": [["a", "c"]]}""");
        assertEquals("study.json.compare[0][1]: no model is named 'c'; models are [a, b]", m);
        assertTrue(error("""
                {"data": {"kind": "phantom"}, "models": [{"name": "a/b"}]}""")
                .contains("must be a folder name"));
    }

    @Test
    void refinementIsCheckedAgainstDataAndNetwork() {
        String base = """
                {"data": {"kind": "phantom"},
                 "models": [{"name": "a"}, {"name": "a+r", "from": "a", "refine": true}],
                 "refine": %s}""";
        ExperimentConfig c = parse(base.formatted("""
                {"organs": ["esophagus"], "crop": [32, 24, 16]}"""));
        assertArrayEquals(new int[] {64, 48, 32}, c.refine().area());
        assertEquals(SkipMode.R_BLSC, c.refine().skips());
        assertEquals(KernelMode.MIXED, c.refine().kernels());
        assertEquals(600, c.refine().train().steps(), "the multi-class schedule by default");

        assertTrue(error(base.formatted("{\"organs\": [\"liver\"], \"crop\": [32, 32, 32]}"))
                .contains("'liver' is not an organ of phantom"));
        assertTrue(error(base.formatted("{\"organs\": [\"esophagus\"], \"crop\": [30, 32, 32]}"))
                .contains("must be multiples of 8"));
        assertTrue(error(base.formatted("{\"organs\": [\"esophagus\"],"
                + " \"crop\": [112, 112, 112]}")).contains("does not fit the phantom grid"));
        assertTrue(error(base.formatted("{\"organs\": [\"esophagus\"], \"crop\": [32, 32, 32],"
                + " \"area\": [16, 64, 64]}")).contains("must be at least the crop"));
        assertTrue(error(base.formatted("{\"organs\": [\"esophagus\"], \"crop\": [32, 32, 32],"
                + " \"batch\": 2}")).startsWith("study.json.refine.batch: only 1 is supported"));
        assertTrue(error("""
                {"data": {"kind": "phantom"},
                 "models": [{"name": "a", "refine": true}]}""")
                .contains("needs a \"refine\" section"));
    }
}
