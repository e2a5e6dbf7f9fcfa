package vox.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NIfTI reading is checked against files written by nibabel (see
 * scripts/make-nifti-fixtures.py) and the values nibabel read back from
 * them; writing is checked by round trips and by decoding the written
 * header here, field by field at the offsets of nifti1.h / nifti2.h.
 */
class NiftiTest {

    @TempDir
    Path tmp;

    // ------------------------------------------------------ nibabel files

    private static JsonArray fixtures() throws IOException {
        try (InputStream in = NiftiTest.class.getResourceAsStream("/nifti/expected.json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return JsonParser.parseString(text).getAsJsonObject().getAsJsonArray("fixtures");
        }
    }

    private Path fixture(String name) throws IOException {
        Path p = tmp.resolve(name);
        try (InputStream in = NiftiTest.class.getResourceAsStream("/nifti/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    private static double[] doubles(JsonElement e) {
        JsonArray a = e.getAsJsonArray();
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }

    @Test
    void readsEveryNibabelFixture() throws IOException {
        JsonArray all = fixtures();
        assertEquals(14, all.size());
        for (JsonElement el : all) {
            JsonObject e = el.getAsJsonObject();
            String name = e.get("file").getAsString();
            Volume v = Nifti.read(fixture(name));

            double[] shape = doubles(e.get("shape"));
            assertEquals((int) shape[0], v.nx(), name);
            assertEquals((int) shape[1], v.ny(), name);
            assertEquals((int) shape[2], v.nz(), name);

            double[] spacing = doubles(e.get("spacing"));
            for (int i = 0; i < 3; i++) {
                assertEquals(spacing[i], v.spacing()[i], 1e-6 * spacing[i], name + " spacing");
            }
            JsonArray aff = e.getAsJsonArray("affine");
            for (int r = 0; r < 4; r++) {
                double[] row = doubles(aff.get(r));
                for (int c = 0; c < 4; c++) {
                    assertEquals(row[c], v.affine()[r][c], 1e-5,
                            name + " affine[" + r + "][" + c + "]");
                }
            }
            double[] values = doubles(e.get("values"));
            assertEquals(values.length, v.voxels().length, name);
            for (int i = 0; i < values.length; i++) {
                double tol = 1e-6 * Math.max(1, Math.abs(values[i]));
                assertEquals(values[i], v.voxels()[i], tol, name + " voxel " + i);
            }
        }
    }

    @Test
    void readsNibabelHeaderFields() throws IOException {
        for (JsonElement el : fixtures()) {
            JsonObject e = el.getAsJsonObject();
            String name = e.get("file").getAsString();
            NiftiHeader h = Nifti.readHeader(fixture(name));
            assertEquals(e.get("version").getAsInt(), h.version(), name);
            ByteOrder order = e.get("endianness").getAsString().equals("big")
                    ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            assertEquals(order, h.byteOrder(), name);
            assertEquals(e.get("datatype").getAsInt(), h.datatypeCode(), name);
            assertEquals(e.get("vox_offset").getAsLong(), h.voxOffset(), name);
            assertEquals(e.get("sform_code").getAsInt(), h.sformCode(), name);
            assertEquals(e.get("qform_code").getAsInt(), h.qformCode(), name);
            double slope = e.get("scl_slope").getAsDouble();
            double inter = e.get("scl_inter").getAsDouble();
            assertEquals(slope, h.sclSlope(), 1e-7 * Math.abs(slope), name);
            assertEquals(inter, h.sclInter(), 1e-7 * Math.abs(inter), name);
        }
    }

    @Test
    void slopeZeroMeansUnscaled() throws IOException {
        NiftiHeader h = Nifti.readHeader(fixture("i16_n1_slope0.nii"));
        assertEquals(0.0, h.sclSlope());
        assertEquals(7.0, h.sclInter());
        assertFalse(h.hasScaling());
    }

    // ----------------------------------------------------------- writing

    private static double[][] rotated(double[] spacing, double angle, boolean flip) {
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        double[][] r = {{c, -s, 0}, {s * 0.8, c * 0.8, 0.6}, {-s * 0.6, -c * 0.6, 0.8}};
        double[][] a = new double[4][4];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                a[i][j] = r[i][j] * spacing[j] * (flip && j == 2 ? -1 : 1);
            }
        }
        a[0][3] = -120.5;
        a[1][3] = 33.25;
        a[2][3] = 7;
        a[3][3] = 1;
        return a;
    }

    private static Volume randomVolume(NiftiDatatype type, long seed, boolean flip) {
        Random rnd = new Random(seed);
        int nx = 6;
        int ny = 4;
        int nz = 5;
        float[] v = new float[nx * ny * nz];
        // integers of at most 24 bits stay exact in float32
        double lo = Math.max(type.min, -(1 << 24));
        double hi = Math.min(type.max, 1 << 24);
        for (int i = 0; i < v.length; i++) {
            double x = lo + rnd.nextDouble() * (hi - lo);
            v[i] = (float) (type.isFloat() ? x : Math.rint(x) + 0.0);
        }
        v[0] = (float) lo;
        v[1] = (float) hi;
        double[] spacing = {0.75, 0.8, 2.5};
        return new Volume(nx, ny, nz, v, spacing, rotated(spacing, 0.3, flip));
    }

    @Test
    void roundTripsEveryTypeVersionOrderAndCompression() throws IOException {
        int seed = 1;
        for (NiftiDatatype type : NiftiDatatype.values()) {
            for (int version = 1; version <= 2; version++) {
                for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
                    for (String ext : List.of(".nii", ".nii.gz")) {
                        Volume v = randomVolume(type, seed++, seed % 2 == 0);
                        NiftiHeader base = Nifti.headerFor(v, type);
                        NiftiHeader h = new NiftiHeader(version, order, base.dim(),
                                base.datatypeCode(), base.bitpix(), base.pixdim(),
                                base.voxOffset(), 1, 0, base.qformCode(), base.quatern(),
                                base.qoffset(), base.sformCode(), base.srow(),
                                base.xyztUnits(), 0, "round trip");
                        Path p = tmp.resolve(type + "_v" + version + "_" + order + ext);
                        Nifti.write(p, v, h);
                        String what = p.getFileName().toString();

                        Volume back = Nifti.read(p);
                        assertArrayEquals(v.voxels(), back.voxels(), what);
                        assertArrayEquals(v.spacing(), back.spacing(), 1e-6, what);
                        for (int r = 0; r < 4; r++) {
                            assertArrayEquals(v.affine()[r], back.affine()[r], 1e-5, what);
                        }
                        NiftiHeader hb = Nifti.readHeader(p);
                        assertEquals(version, hb.version(), what);
                        assertEquals(order, hb.byteOrder(), what);
                        assertEquals(type, hb.datatype(), what);
                        // the qform alone must give the same geometry
                        assertEquals(1, hb.qformCode(), what);
                        double[][] q = hb.qformAffine();
                        for (int r = 0; r < 4; r++) {
                            assertArrayEquals(v.affine()[r], q[r], 1e-5, what + " qform");
                        }
                    }
                }
            }
        }
    }

    @Test
    void writeWithReferenceKeepsTheInputGeometry() throws IOException {
        for (String name : List.of("f32_n1_qform.nii.gz", "f64_n2_be_shear.nii", "u8_n1.nii")) {
            Path in = fixture(name);
            NiftiHeader ref = Nifti.readHeader(in);
            Volume img = Nifti.read(in);
            float[] labels = new float[img.voxels().length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = img.voxels()[i] > 0 ? 1 : 0;
            }
            // a volume whose own geometry is wrong: the reference's must win
            Volume pred = Volume.of(img.nx(), img.ny(), img.nz(), labels, new double[] {1, 1, 1});
            Path out = tmp.resolve("pred_" + name);
            Nifti.write(out, pred, NiftiDatatype.UINT8, ref);

            NiftiHeader h = Nifti.readHeader(out);
            assertEquals(ref.version(), h.version(), name);
            assertEquals(ref.qformCode(), h.qformCode(), name);
            assertEquals(ref.sformCode(), h.sformCode(), name);
            assertArrayEquals(ref.quatern(), h.quatern(), 0, name);
            assertArrayEquals(ref.qoffset(), h.qoffset(), 0, name);
            assertArrayEquals(ref.pixdim(), h.pixdim(), 0, name);
            for (int r = 0; r < 3; r++) {
                assertArrayEquals(ref.srow()[r], h.srow()[r], 0, name);
            }
            Volume back = Nifti.read(out);
            assertArrayEquals(labels, back.voxels(), name);
            for (int r = 0; r < 4; r++) {
                assertArrayEquals(img.affine()[r], back.affine()[r], 0, name);
            }
        }
    }

    @Test
    void referenceWithOtherExtentsIsRejected() throws IOException {
        NiftiHeader ref = Nifti.readHeader(fixture("u8_n1.nii"));
        Volume v = Volume.of(2, 2, 2, new float[8], new double[] {1, 1, 1});
        Path out = tmp.resolve("x.nii");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nifti.write(out, v, NiftiDatatype.UINT8, ref));
        assertTrue(e.getMessage().contains("7x5x3"), e.getMessage());
    }

    /** Decodes a written NIfTI-1 header at the byte offsets of nifti1.h. */
    @Test
    void writtenNifti1HeaderHasTheStandardLayout() throws IOException {
        Volume v = randomVolume(NiftiDatatype.INT16, 7, false);
        Path p = tmp.resolve("layout.nii.gz");
        Nifti.write(p, v, NiftiDatatype.INT16);
        byte[] bytes;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
            bytes = in.readAllBytes();
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(348, b.getInt(0));
        assertEquals(3, b.getShort(40));
        assertEquals(6, b.getShort(42));
        assertEquals(4, b.getShort(44));
        assertEquals(5, b.getShort(46));
        assertEquals(4, b.getShort(70));
        assertEquals(16, b.getShort(72));
        assertEquals(0.75f, b.getFloat(80));
        assertEquals(0.8f, b.getFloat(84));
        assertEquals(2.5f, b.getFloat(88));
        assertEquals(352f, b.getFloat(108));
        assertEquals(1f, b.getFloat(112));
        assertEquals(2, b.get(123));
        assertEquals(1, b.getShort(252));
        assertEquals(1, b.getShort(254));
        assertEquals((float) v.affine()[0][3], b.getFloat(268));
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals((float) v.affine()[r][c], b.getFloat(280 + 16 * r + 4 * c));
            }
        }
        assertEquals("n+1", new String(bytes, 344, 3, StandardCharsets.US_ASCII));
        assertEquals(0, bytes[347]);
        assertEquals(352 + 2 * 6 * 4 * 5, bytes.length);
        for (int i = 0; i < v.voxels().length; i++) {
            assertEquals(v.voxels()[i], b.getShort(352 + 2 * i), "voxel " + i);
        }
    }

    /** Decodes a written NIfTI-2 header at the byte offsets of nifti2.h. */
    @Test
    void writtenNifti2HeaderHasTheStandardLayout() throws IOException {
        Volume v = randomVolume(NiftiDatatype.FLOAT64, 8, false);
        NiftiHeader base = Nifti.headerFor(v, NiftiDatatype.FLOAT64);
        NiftiHeader h2 = new NiftiHeader(2, ByteOrder.BIG_ENDIAN, base.dim(),
                base.datatypeCode(), base.bitpix(), base.pixdim(), 0, 1, 0,
                base.qformCode(), base.quatern(), base.qoffset(), base.sformCode(),
                base.srow(), base.xyztUnits(), 0, "");
        Path p = tmp.resolve("layout2.nii");
        Nifti.write(p, v, h2);
        byte[] bytes = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        assertEquals(540, b.getInt(0));
        assertArrayEquals(new byte[] {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'},
                Arrays.copyOfRange(bytes, 4, 12));
        assertEquals(64, b.getShort(12));
        assertEquals(64, b.getShort(14));
        assertEquals(3, b.getLong(16));
        assertEquals(6, b.getLong(24));
        assertEquals(4, b.getLong(32));
        assertEquals(5, b.getLong(40));
        assertEquals(0.75, b.getDouble(112));
        assertEquals(544, b.getLong(168));
        assertEquals(1, b.getInt(344));
        assertEquals(1, b.getInt(348));
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(v.affine()[r][c], b.getDouble(400 + 32 * r + 8 * c));
            }
        }
        assertEquals(2, b.getInt(500));
        assertEquals(544 + 8 * 6 * 4 * 5, bytes.length);
        for (int i = 0; i < v.voxels().length; i++) {
            assertEquals(v.voxels()[i], b.getDouble(544 + 8 * i), "voxel " + i);
        }
    }

    @Test
    void writeLeavesNoTemporaryFileAndReplacesAtomically() throws IOException {
        Volume v = randomVolume(NiftiDatatype.UINT8, 3, false);
        Path p = tmp.resolve("out.nii.gz");
        Nifti.write(p, v, NiftiDatatype.UINT8);
        Nifti.write(p, v, NiftiDatatype.UINT8);
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(p), s.toList());
        }
        // a failing write leaves the existing file as it was
        byte[] before = Files.readAllBytes(p);
        float[] bad = v.voxels().clone();
        bad[5] = 256;
        Volume badVol = v.withVoxels(bad);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Nifti.write(p, badVol, NiftiDatatype.UINT8));
        assertTrue(e.getMessage().contains("256") && e.getMessage().contains("uint8"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(1, s.count());
        }
    }

    @Test
    void writtenValuesAreNeverRescaled() throws IOException {
        Volume v = randomVolume(NiftiDatatype.INT16, 9, false);
        NiftiHeader b = Nifti.headerFor(v, NiftiDatatype.INT16);
        NiftiHeader scaled = new NiftiHeader(1, ByteOrder.LITTLE_ENDIAN, b.dim(),
                b.datatypeCode(), b.bitpix(), b.pixdim(), 0, 3, 10, b.qformCode(),
                b.quatern(), b.qoffset(), b.sformCode(), b.srow(), b.xyztUnits(), 0, "");
        Path p = tmp.resolve("scaled.nii");
        Nifti.write(p, v, scaled);
        assertEquals(1.0, Nifti.readHeader(p).sclSlope());
        assertArrayEquals(v.voxels(), Nifti.read(p).voxels());
    }

    @Test
    void largeExtentsSwitchToNifti2() throws IOException {
        Volume v = Volume.of(40000, 1, 1, new float[40000], new double[] {1, 1, 1});
        Path p = tmp.resolve("wide.nii");
        Nifti.write(p, v, NiftiDatatype.UINT8);
        assertEquals(2, Nifti.readHeader(p).version());
        assertEquals(40000, Nifti.read(p).nx());
    }

    // -------------------------------------------------------- bad input

    /** A valid little-endian file, as plain bytes (NIfTI-1 or -2). */
    private static byte[] validBytes(int version) throws IOException {
        Volume v = randomVolume(NiftiDatatype.INT16, 11, false);
        NiftiHeader base = Nifti.headerFor(v, NiftiDatatype.INT16);
        NiftiHeader h = new NiftiHeader(version, ByteOrder.LITTLE_ENDIAN, base.dim(),
                base.datatypeCode(), base.bitpix(), base.pixdim(), 0, 1, 0,
                base.qformCode(), base.quatern(), base.qoffset(), base.sformCode(),
                base.srow(), base.xyztUnits(), 0, "");
        Path p = Files.createTempFile("vox-nifti", ".nii");
        try {
            Nifti.write(p, v, h);
            return Files.readAllBytes(p);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        }
        return out.toByteArray();
    }

    /** Writes the bytes, reads them and checks the error names file and field. */
    private void assertRejected(String name, byte[] bytes, String... words) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        IOException e = assertThrows(IOException.class, () -> Nifti.read(p), name);
        String msg = e.getMessage();
        assertTrue(msg.contains(p.toString()), name + ": " + msg);
        for (String w : words) {
            assertTrue(msg.contains(w), name + ": '" + w + "' missing in: " + msg);
        }
    }

    @Test
    void truncatedFilesAreRejected() throws IOException {
        byte[] ok = validBytes(1);
        assertRejected("short.nii", Arrays.copyOf(ok, ok.length - 3), "truncated", "vox_offset");
        assertRejected("short.nii.gz", gzip(Arrays.copyOf(ok, ok.length - 3)),
                "truncated", "vox_offset");
        assertRejected("header.nii", Arrays.copyOf(ok, 200), "truncated", "header");
        assertRejected("header2.nii", Arrays.copyOf(validBytes(2), 300), "truncated");
        assertRejected("empty.nii", new byte[0], "truncated", "sizeof_hdr");
    }

    @Test
    void corruptGzipIsRejected() throws IOException {
        byte[] gz = gzip(validBytes(1));
        byte[] cut = Arrays.copyOf(gz, gz.length / 2);
        assertRejected("cut.nii.gz", cut, "gzip");

        byte[] flipped = gz.clone();
        for (int i = 20; i < flipped.length - 8; i += 7) {
            flipped[i] ^= 0x5a;
        }
        assertRejected("flipped.nii.gz", flipped, "gzip");

        byte[] crc = gz.clone();
        crc[crc.length - 6] ^= 1;
        assertRejected("crc.nii.gz", crc, "gzip");

        assertRejected("magic-only.nii.gz", new byte[] {0x1f, (byte) 0x8b, 8}, "gzip");
    }

    @Test
    void wrongMagicAndSizeAreRejected() throws IOException {
        byte[] b = validBytes(1);
        b[344] = 'x';
        assertRejected("magic.nii", b, "magic", "n+1");

        byte[] pair = validBytes(1);
        pair[345] = 'i';
        assertRejected("pair.nii", pair, "magic", "ni1");

        byte[] b2 = validBytes(2);
        b2[10] = 0;
        assertRejected("magic2.nii", b2, "magic", "n+2");

        byte[] s = validBytes(1);
        le(s).putInt(0, 1234);
        assertRejected("size.nii", s, "sizeof_hdr", "348", "540");

        byte[] text = "hello, this is not an image".getBytes(StandardCharsets.US_ASCII);
        assertRejected("text.nii", text, "sizeof_hdr");
    }

    @Test
    void badDimensionsAreRejected() throws IOException {
        byte[] zero = validBytes(1);
        le(zero).putShort(44, (short) 0);
        assertRejected("zero.nii", zero, "dim[2]", "0", "positive");

        byte[] neg = validBytes(1);
        le(neg).putShort(46, (short) -4);
        assertRejected("neg.nii", neg, "dim[3]", "-4", "positive");

        for (short rank : new short[] {0, 8, -1}) {
            byte[] r = validBytes(1);
            le(r).putShort(40, rank);
            assertRejected("rank" + rank + ".nii", r, "dim[0]", "1 to 7");
        }

        byte[] time = validBytes(1);
        le(time).putShort(40, (short) 4);
        le(time).putShort(48, (short) 2);
        assertRejected("4d.nii", time, "dim[4]", "2", "3D");

        byte[] time2 = validBytes(2);
        le(time2).putLong(16, 5);
        le(time2).putLong(56, 3);
        assertRejected("5d.nii", time2, "dim[5]", "3");
    }

    @Test
    void oversizedHeaderFieldsAreRejected() throws IOException {
        byte[] off = validBytes(1);
        le(off).putFloat(108, 1e9f);
        assertRejected("offset.nii", off, "vox_offset", "past the end");
        assertRejected("offset.nii.gz", gzip(off), "vox_offset", "past the end");

        byte[] small = validBytes(1);
        le(small).putFloat(108, 100);
        assertRejected("small-offset.nii", small, "vox_offset", "348");

        byte[] frac = validBytes(1);
        le(frac).putFloat(108, 352.5f);
        assertRejected("frac-offset.nii", frac, "vox_offset", "whole number");

        byte[] big = validBytes(2);
        le(big).putLong(24, 1L << 22);
        le(big).putLong(32, 1L << 22);
        le(big).putLong(40, 1L << 22);
        assertRejected("huge.nii", big, "dim", "voxels");

        byte[] huge = validBytes(2);
        le(huge).putLong(24, Long.MAX_VALUE);
        assertRejected("huge-dim.nii", huge, "dim[1]");

        byte[] type = validBytes(1);
        le(type).putShort(70, (short) 32);
        assertRejected("complex.nii", type, "datatype", "32", "uint8");

        byte[] bitpix = validBytes(1);
        le(bitpix).putShort(72, (short) 8);
        assertRejected("bitpix.nii", bitpix, "bitpix", "16");

        byte[] pix = validBytes(1);
        le(pix).putFloat(84, 0f);
        assertRejected("pixdim.nii", pix, "pixdim[2]");
    }

    @Test
    void gzipIsRecognisedByContentNotName() throws IOException {
        byte[] ok = validBytes(1);
        Path p = tmp.resolve("plain-name.nii");
        Files.write(p, gzip(ok));
        Volume v = Nifti.read(p);
        assertEquals(6, v.nx());
    }

    @Test
    void unknownDatatypeNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NiftiDatatype.parse("complex64"));
        assertTrue(e.getMessage().contains("int16"), e.getMessage());
        assertEquals(NiftiDatatype.UINT16, NiftiDatatype.parse("uint16"));
    }

    @Test
    void everyDatatypeCodeMatchesNifti1H() {
        // codes from nifti1.h
        List<Integer> expected = List.of(2, 256, 4, 512, 8, 768, 1024, 1280, 16, 64);
        List<Integer> codes = new ArrayList<>();
        for (NiftiDatatype t : NiftiDatatype.values()) {
            codes.add(t.code);
        }
        assertEquals(expected, codes);
    }
}
