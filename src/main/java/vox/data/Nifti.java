package vox.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Reads and writes NIfTI-1 and NIfTI-2 single files ({@code .nii}), plain
 * or gzip-compressed ({@code .nii.gz}), in either byte order.
 *
 * <p>Reading gives a {@link Volume}: voxels as float32 with
 * {@code scl_slope}/{@code scl_inter} applied (a slope of 0 or a
 * non-finite slope means no scaling), spacing from {@code pixdim}, the
 * affine by the NIfTI rules (see {@link NiftiHeader}). Compression is
 * recognised from the gzip magic bytes, not the file name. Only 3D
 * volumes are read: rank 1 to 7 is accepted as long as every extent past
 * the third is 1. Integer values above 2^24 lose precision in float32.
 *
 * <p>Writing goes to a temporary file in the target's folder, renamed into
 * place when complete, so a crash never leaves half a file. A name ending in
 * {@code .gz} is compressed. Values are stored unscaled (slope 1, intercept
 * 0); for an integer type they are rounded to the nearest integer and a
 * value outside the type's range is an error.
 *
 * <p>Errors in a file are {@link IOException}s whose message starts with
 * the file's path and names the header field, its value and what was
 * expected.
 */
public final class Nifti {

    private static final int V1_HEADER = 348;
    private static final int V2_HEADER = 540;
    private static final int V1_DIM_MAX = Short.MAX_VALUE;
    /** The most voxels a Java float array holds. */
    private static final long MAX_VOXELS = Integer.MAX_VALUE - 8;
    private static final int CHUNK = 1 << 20;
    private static final byte[] V2_MAGIC_TAIL = {'\r', '\n', 0x1a, '\n'};

    private Nifti() {
    }

    // ------------------------------------------------------------ reading

    /**
     * Reads the header of a NIfTI file.
     *
     * @throws IOException when the file cannot be read or the header is
     *         invalid (message names the file and the field)
     */
    public static NiftiHeader readHeader(Path file) throws IOException {
        try (Source src = Source.open(file)) {
            return parseHeader(src);
        }
    }

    /**
     * Reads a 3D NIfTI volume.
     *
     * @throws IOException when the file cannot be read, is truncated,
     *         has a corrupt gzip stream or an invalid header
     */
    public static Volume read(Path file) throws IOException {
        try (Source src = Source.open(file)) {
            NiftiHeader h = parseHeader(src);
            int headerBytes = h.version() == 1 ? V1_HEADER : V2_HEADER;
            long gap = h.voxOffset() - headerBytes;
            if (src.skip(gap) < gap) {
                throw src.error("vox_offset " + h.voxOffset()
                        + " is past the end of the data");
            }
            float[] voxels = readVoxels(src, h);
            src.drain();
            double[] spacing = h.spacing();
            return new Volume(h.nx(), h.ny(), h.nz(), voxels, spacing, h.affine());
        }
    }

    private static float[] readVoxels(Source src, NiftiHeader h) throws IOException {
        NiftiDatatype type = h.datatype();
        int n = h.nx() * h.ny() * h.nz();
        float[] out = new float[n];
        boolean scale = h.hasScaling();
        double slope = h.sclSlope();
        double inter = Double.isFinite(h.sclInter()) ? h.sclInter() : 0;
        int bytes = type.bytes();
        int perChunk = CHUNK / bytes;
        byte[] raw = new byte[perChunk * bytes];
        ByteBuffer buf = ByteBuffer.wrap(raw).order(h.byteOrder());
        // step by count, not perChunk, so start never overflows near 2^31
        for (int start = 0, count; start < n; start += count) {
            count = Math.min(perChunk, n - start);
            int want = count * bytes;
            int got = src.in.readNBytes(raw, 0, want);
            if (got < want) {
                long have = (long) start * bytes + got;
                throw src.error("truncated: the voxel data needs " + (long) n * bytes
                        + " bytes from vox_offset " + h.voxOffset() + ", found " + have);
            }
            buf.clear();
            for (int i = 0; i < count; i++) {
                double v = readValue(buf, type);
                out[start + i] = (float) (scale ? v * slope + inter : v);
            }
        }
        return out;
    }

    private static double readValue(ByteBuffer b, NiftiDatatype type) {
        return switch (type) {
            case UINT8 -> b.get() & 0xff;
            case INT8 -> b.get();
            case INT16 -> b.getShort();
            case UINT16 -> b.getShort() & 0xffff;
            case INT32 -> b.getInt();
            case UINT32 -> b.getInt() & 0xffffffffL;
            case INT64 -> b.getLong();
            case UINT64 -> unsignedToDouble(b.getLong());
            case FLOAT32 -> b.getFloat();
            case FLOAT64 -> b.getDouble();
        };
    }

    private static double unsignedToDouble(long x) {
        if (x >= 0) {
            return x;
        }
        return (double) (x >>> 1) * 2.0 + (x & 1);
    }

    private static NiftiHeader parseHeader(Source src) throws IOException {
        byte[] first = src.readFully(4, "sizeof_hdr");
        int le = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int be = ByteBuffer.wrap(first).order(ByteOrder.BIG_ENDIAN).getInt();
        ByteOrder order;
        int size;
        if (le == V1_HEADER || le == V2_HEADER) {
            order = ByteOrder.LITTLE_ENDIAN;
            size = le;
        } else if (be == V1_HEADER || be == V2_HEADER) {
            order = ByteOrder.BIG_ENDIAN;
            size = be;
        } else {
            throw src.error("sizeof_hdr is " + le + " (little-endian) / " + be
                    + " (big-endian), expected 348 (NIfTI-1) or 540 (NIfTI-2);"
                    + " not a NIfTI file");
        }
        byte[] all = new byte[size];
        System.arraycopy(first, 0, all, 0, 4);
        byte[] rest = src.readFully(size - 4, "header");
        System.arraycopy(rest, 0, all, 4, rest.length);
        ByteBuffer b = ByteBuffer.wrap(all).order(order);
        NiftiHeader h = size == V1_HEADER ? parseV1(src, b) : parseV2(src, b);
        validate(src, h);
        return h;
    }

    private static NiftiHeader parseV1(Source src, ByteBuffer b) throws IOException {
        String magic = ascii(b, 344, 4);
        if (magic.equals("ni1")) {
            throw src.error("magic 'ni1' marks a .hdr/.img pair, which is not"
                    + " supported; expected a single file with magic 'n+1'");
        }
        if (!magic.equals("n+1")) {
            throw src.error("magic is '" + printable(magic)
                    + "', expected 'n+1' (NIfTI-1 single file)");
        }
        long[] dim = new long[8];
        for (int i = 0; i < 8; i++) {
            dim[i] = b.getShort(40 + 2 * i);
        }
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) {
            pixdim[i] = b.getFloat(76 + 4 * i);
        }
        double off = b.getFloat(108);
        if (!(off >= 0) || off != Math.rint(off) || off > Long.MAX_VALUE / 2) {
            throw src.error("vox_offset is " + off
                    + ", expected a whole number of bytes >= " + V1_HEADER);
        }
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
            }
        }
        return new NiftiHeader(1, b.order(), dim, b.getShort(70), b.getShort(72),
                pixdim, (long) off, b.getFloat(112), b.getFloat(116),
                b.getShort(252),
                new double[] {b.getFloat(256), b.getFloat(260), b.getFloat(264)},
                new double[] {b.getFloat(268), b.getFloat(272), b.getFloat(276)},
                b.getShort(254), srow, b.get(123) & 0xff, b.get(39) & 0xff,
                ascii(b, 148, 80));
    }

    private static NiftiHeader parseV2(Source src, ByteBuffer b) throws IOException {
        String magic = ascii(b, 4, 4);
        if (magic.equals("ni2")) {
            throw src.error("magic 'ni2' marks a .hdr/.img pair, which is not"
                    + " supported; expected a single file with magic 'n+2'");
        }
        boolean tail = true;
        for (int i = 0; i < 4; i++) {
            tail &= b.get(8 + i) == V2_MAGIC_TAIL[i];
        }
        if (!magic.equals("n+2") || !tail) {
            throw src.error("magic is '" + printable(magic)
                    + "', expected 'n+2' followed by \\r\\n\\032\\n (NIfTI-2 single file)");
        }
        long[] dim = new long[8];
        for (int i = 0; i < 8; i++) {
            dim[i] = b.getLong(16 + 8 * i);
        }
        double[] pixdim = new double[8];
        for (int i = 0; i < 8; i++) {
            pixdim[i] = b.getDouble(104 + 8 * i);
        }
        double[][] srow = new double[3][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
            }
        }
        return new NiftiHeader(2, b.order(), dim, b.getShort(12), b.getShort(14),
                pixdim, b.getLong(168), b.getDouble(176), b.getDouble(184),
                b.getInt(344),
                new double[] {b.getDouble(352), b.getDouble(360), b.getDouble(368)},
                new double[] {b.getDouble(376), b.getDouble(384), b.getDouble(392)},
                b.getInt(348), srow, b.getInt(500), b.get(524) & 0xff,
                ascii(b, 240, 80));
    }

    /** The checks shared by both versions; sizes against the file's length. */
    private static void validate(Source src, NiftiHeader h) throws IOException {
        long[] dim = h.dim();
        if (dim[0] < 1 || dim[0] > 7) {
            throw src.error("dim[0] (rank) is " + dim[0] + ", expected 1 to 7");
        }
        for (int i = 1; i <= dim[0]; i++) {
            if (dim[i] <= 0) {
                throw src.error("dim[" + i + "] is " + dim[i]
                        + ", expected a positive extent");
            }
            if (i > 3 && dim[i] != 1) {
                throw src.error("dim[" + i + "] is " + dim[i]
                        + ", expected 1: only 3D volumes are supported");
            }
            if (dim[i] > MAX_VOXELS) {
                throw src.error("dim[" + i + "] is " + dim[i]
                        + ", expected at most " + MAX_VOXELS);
            }
        }
        long nvox = (long) h.nx() * h.ny();
        if (nvox > MAX_VOXELS || nvox * h.nz() > MAX_VOXELS) {
            throw src.error("dim " + h.nx() + "x" + h.ny() + "x" + h.nz()
                    + " holds more than " + MAX_VOXELS + " voxels, the most a volume holds");
        }
        nvox *= h.nz();
        NiftiDatatype type = h.datatype();
        if (type == null) {
            throw src.error("datatype " + h.datatypeCode() + " is not supported,"
                    + " expected one of " + NiftiDatatype.names());
        }
        if (h.bitpix() != type.bitpix) {
            throw src.error("bitpix is " + h.bitpix() + ", expected " + type.bitpix
                    + " for datatype " + type);
        }
        for (int i = 1; i <= Math.min(3, dim[0]); i++) {
            double p = h.pixdim()[i];
            if (!Double.isFinite(p) || p == 0) {
                throw src.error("pixdim[" + i + "] is " + p
                        + ", expected a non-zero finite voxel size");
            }
        }
        int headerBytes = h.version() == 1 ? V1_HEADER : V2_HEADER;
        if (h.voxOffset() < headerBytes) {
            throw src.error("vox_offset is " + h.voxOffset() + ", expected at least "
                    + headerBytes + " (the header size)");
        }
        long dataBytes = nvox * type.bytes();
        if (src.size >= 0) {
            if (h.voxOffset() > src.size) {
                throw src.error("vox_offset " + h.voxOffset()
                        + " is past the end of the file (" + src.size + " bytes)");
            }
            if (h.voxOffset() + dataBytes > src.size) {
                throw src.error("truncated: dim " + h.nx() + "x" + h.ny() + "x" + h.nz()
                        + " of " + type + " needs " + dataBytes + " bytes from vox_offset "
                        + h.voxOffset() + ", the file has " + (src.size - h.voxOffset()));
            }
        }
    }

    private static String ascii(ByteBuffer b, int at, int len) {
        int end = at;
        while (end < at + len && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c >= 32 && c < 127) {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02x", (int) c));
            }
        }
        return sb.toString();
    }

    /** An input stream over a file, gunzipped when it starts with 1f 8b. */
    private static final class Source implements AutoCloseable {
        final Path file;
        final InputStream in;
        /** File length for an uncompressed file, -1 when compressed. */
        final long size;

        private Source(Path file, InputStream in, long size) {
            this.file = file;
            this.in = in;
            this.size = size;
        }

        static Source open(Path file) throws IOException {
            long size = Files.size(file);
            InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            try {
                raw.mark(2);
                int b0 = raw.read();
                int b1 = raw.read();
                raw.reset();
                if (b0 == 0x1f && b1 == 0x8b) {
                    InputStream gz;
                    try {
                        gz = new GZIPInputStream(raw, 1 << 16);
                    } catch (ZipException | EOFException e) {
                        throw new IOException(file + ": corrupt gzip stream: "
                                + e.getMessage(), e);
                    }
                    return new Source(file, new Guard(file, gz), -1);
                }
                return new Source(file, raw, size);
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }

        byte[] readFully(int n, String what) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length < n) {
                throw error("truncated " + what + ": expected " + n
                        + " more bytes, found " + b.length);
            }
            return b;
        }

        long skip(long n) throws IOException {
            long done = 0;
            while (done < n) {
                long s = in.skip(n - done);
                if (s <= 0) {
                    if (in.read() < 0) {
                        break;
                    }
                    s = 1;
                }
                done += s;
            }
            return done;
        }

        /** Reads a compressed stream to its end, so the gzip CRC is checked. */
        void drain() throws IOException {
            if (size < 0) {
                byte[] sink = new byte[8192];
                while (in.read(sink) >= 0) {
                    // keep reading
                }
            }
        }

        IOException error(String msg) {
            return new IOException(file + ": " + msg);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Rewrites gzip failures as errors naming the file. */
    private static final class Guard extends InputStream {
        private final Path file;
        private final InputStream in;

        Guard(Path file, InputStream in) {
            this.file = file;
            this.in = in;
        }

        private IOException wrap(IOException e) {
            if (e instanceof ZipException || e instanceof EOFException) {
                return new IOException(file + ": corrupt gzip stream: " + e.getMessage(), e);
            }
            return e;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw wrap(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw wrap(e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    // ------------------------------------------------------------ writing

    /**
     * Writes a volume with its own spacing and affine: NIfTI-1
     * little-endian (NIfTI-2 when an extent exceeds 32767), sform and
     * qform both set (the qform only when the affine is a rotation times
     * the spacing; see {@link #headerFor}).
     *
     * @throws IllegalArgumentException when a value does not fit the type
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Volume v, NiftiDatatype type) throws IOException {
        write(file, v, headerFor(v, type));
    }

    /**
     * Writes a volume with the geometry of a reference header (typically
     * of the image that the volume was computed from): version, byte order,
     * pixdim, qform, sform, units and dim_info are the reference's. The
     * volume's own spacing and affine are not used; its extents must equal
     * the reference's.
     *
     * @throws IllegalArgumentException when the extents differ or a value
     *         does not fit the type
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Volume v, NiftiDatatype type, NiftiHeader reference)
            throws IOException {
        if (reference.nx() != v.nx() || reference.ny() != v.ny() || reference.nz() != v.nz()) {
            throw new IllegalArgumentException("Nifti.write " + file + ": volume "
                    + v.nx() + "x" + v.ny() + "x" + v.nz() + " does not match the reference "
                    + "header's dim " + reference.nx() + "x" + reference.ny() + "x"
                    + reference.nz());
        }
        long[] dim = {3, v.nx(), v.ny(), v.nz(), 1, 1, 1, 1};
        double[] pixdim = reference.pixdim().clone();
        if (reference.dim()[0] < 3) {
            // a rank below 3 leaves pixdim[3] undefined; write 1 mm
            pixdim[3] = 1;
            if (reference.dim()[0] < 2) {
                pixdim[2] = 1;
            }
        }
        NiftiHeader h = new NiftiHeader(reference.version(), reference.byteOrder(), dim,
                type.code, type.bitpix, pixdim, headerSize(reference.version()) + 4,
                1, 0, reference.qformCode(), reference.quatern().clone(),
                reference.qoffset().clone(), reference.sformCode(),
                copy(reference.srow()), reference.xyztUnits(), reference.dimInfo(),
                reference.descrip());
        write(file, v, h);
    }

    /**
     * The header {@link #write(Path, Volume, NiftiDatatype)} uses: NIfTI-1
     * little-endian (version 2 when an extent exceeds 32767), pixdim from
     * the spacing, sform (code 1, scanner) from the affine, and a qform
     * (code 1) when the affine's columns divided by the spacing are
     * orthonormal, else qform code 0. Units are millimetres.
     */
    public static NiftiHeader headerFor(Volume v, NiftiDatatype type) {
        int version = Math.max(v.nx(), Math.max(v.ny(), v.nz())) > V1_DIM_MAX ? 2 : 1;
        double[][] a = v.affine();
        double[] q = NiftiHeader.quaternionOf(a, v.spacing());
        double[] pixdim = {q == null ? 1 : q[3], v.spacing()[0], v.spacing()[1],
            v.spacing()[2], 0, 0, 0, 0};
        double[][] srow = new double[3][];
        for (int r = 0; r < 3; r++) {
            srow[r] = a[r].clone();
        }
        return new NiftiHeader(version, ByteOrder.LITTLE_ENDIAN,
                new long[] {3, v.nx(), v.ny(), v.nz(), 1, 1, 1, 1},
                type.code, type.bitpix, pixdim, headerSize(version) + 4, 1, 0,
                q == null ? 0 : NiftiHeader.XFORM_SCANNER,
                q == null ? new double[3] : new double[] {q[0], q[1], q[2]},
                new double[] {a[0][3], a[1][3], a[2][3]},
                NiftiHeader.XFORM_SCANNER, srow, NiftiHeader.UNITS_MM, 0, "vox");
    }

    /**
     * Writes a volume with exactly this header (version, byte order,
     * datatype and geometry); {@code vox_offset} is set to follow the
     * header and an empty extension flag, {@code scl_slope} and
     * {@code scl_inter} are written as 1 and 0 (values are stored
     * unscaled), and the extents must equal the volume's.
     *
     * @throws IllegalArgumentException when the header does not describe the
     *         volume, its datatype is unsupported or a value does not fit it
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Volume v, NiftiHeader h) throws IOException {
        NiftiDatatype type = h.datatype();
        if (type == null) {
            throw new IllegalArgumentException("Nifti.write " + file + ": datatype "
                    + h.datatypeCode() + " is not supported, expected one of "
                    + NiftiDatatype.names());
        }
        if (h.nx() != v.nx() || h.ny() != v.ny() || h.nz() != v.nz()) {
            throw new IllegalArgumentException("Nifti.write " + file + ": header dim "
                    + h.nx() + "x" + h.ny() + "x" + h.nz() + " does not match the volume "
                    + v.nx() + "x" + v.ny() + "x" + v.nz());
        }
        if (h.version() == 1 && Math.max(v.nx(), Math.max(v.ny(), v.nz())) > V1_DIM_MAX) {
            throw new IllegalArgumentException("Nifti.write " + file + ": NIfTI-1 holds"
                    + " extents up to 32767, volume is " + v.nx() + "x" + v.ny() + "x"
                    + v.nz() + "; use version 2");
        }
        checkRange(file, v, type);

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (OutputStream out = open(tmp, target.getFileName().toString().endsWith(".gz"))) {
                out.write(encodeHeader(h, type));
                writeVoxels(out, v, type, h.byteOrder());
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static OutputStream open(Path tmp, boolean gzip) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
        return gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
    }

    private static int headerSize(int version) {
        return version == 1 ? V1_HEADER : V2_HEADER;
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    private static void checkRange(Path file, Volume v, NiftiDatatype type) {
        if (type.isFloat()) {
            return;
        }
        float[] vox = v.voxels();
        for (int i = 0; i < vox.length; i++) {
            double x = Math.rint(vox[i]);
            // NaN fails both comparisons
            if (!(x >= type.min && x <= type.max)) {
                int xx = i % v.nx();
                int yy = (i / v.nx()) % v.ny();
                int zz = i / (v.nx() * v.ny());
                throw new IllegalArgumentException("Nifti.write " + file + ": voxel ("
                        + xx + ", " + yy + ", " + zz + ") is " + vox[i] + ", which does not fit "
                        + type + " [" + fmt(type.min) + ", " + fmt(type.max) + "]");
            }
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e19 ? String.format("%.0f", d)
                : Double.toString(d);
    }

    private static byte[] encodeHeader(NiftiHeader h, NiftiDatatype type) {
        int size = headerSize(h.version());
        // header plus the 4-byte extension flag (all zero: no extensions)
        ByteBuffer b = ByteBuffer.allocate(size + 4).order(h.byteOrder());
        byte[] descrip = h.descrip().getBytes(StandardCharsets.ISO_8859_1);
        int dlen = Math.min(descrip.length, 79);
        if (h.version() == 1) {
            b.putInt(0, V1_HEADER);
            b.put(38, (byte) 'r');
            b.put(39, (byte) h.dimInfo());
            for (int i = 0; i < 8; i++) {
                b.putShort(40 + 2 * i, (short) h.dim()[i]);
                b.putFloat(76 + 4 * i, (float) h.pixdim()[i]);
            }
            b.putShort(70, (short) type.code);
            b.putShort(72, (short) type.bitpix);
            b.putFloat(108, size + 4);
            b.putFloat(112, 1f);
            b.putFloat(116, 0f);
            b.put(123, (byte) h.xyztUnits());
            b.put(148, descrip, 0, dlen);
            b.putShort(252, (short) h.qformCode());
            b.putShort(254, (short) h.sformCode());
            for (int i = 0; i < 3; i++) {
                b.putFloat(256 + 4 * i, (float) h.quatern()[i]);
                b.putFloat(268 + 4 * i, (float) h.qoffset()[i]);
                for (int c = 0; c < 4; c++) {
                    b.putFloat(280 + 16 * i + 4 * c, (float) h.srow()[i][c]);
                }
            }
            b.put(344, new byte[] {'n', '+', '1', 0});
        } else {
            b.putInt(0, V2_HEADER);
            b.put(4, new byte[] {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'});
            b.putShort(12, (short) type.code);
            b.putShort(14, (short) type.bitpix);
            for (int i = 0; i < 8; i++) {
                b.putLong(16 + 8 * i, h.dim()[i]);
                b.putDouble(104 + 8 * i, h.pixdim()[i]);
            }
            b.putLong(168, size + 4);
            b.putDouble(176, 1);
            b.putDouble(184, 0);
            b.put(240, descrip, 0, dlen);
            b.putInt(344, h.qformCode());
            b.putInt(348, h.sformCode());
            for (int i = 0; i < 3; i++) {
                b.putDouble(352 + 8 * i, h.quatern()[i]);
                b.putDouble(376 + 8 * i, h.qoffset()[i]);
                for (int c = 0; c < 4; c++) {
                    b.putDouble(400 + 32 * i + 8 * c, h.srow()[i][c]);
                }
            }
            b.putInt(500, h.xyztUnits());
            b.put(524, (byte) h.dimInfo());
        }
        return b.array();
    }

    private static void writeVoxels(OutputStream out, Volume v, NiftiDatatype type,
            ByteOrder order) throws IOException {
        float[] vox = v.voxels();
        int bytes = type.bytes();
        int perChunk = CHUNK / bytes;
        ByteBuffer b = ByteBuffer.allocate(perChunk * bytes).order(order);
        for (int start = 0, count; start < vox.length; start += count) {
            count = Math.min(perChunk, vox.length - start);
            b.clear();
            for (int i = start; i < start + count; i++) {
                putValue(b, type, vox[i]);
            }
            out.write(b.array(), 0, count * bytes);
        }
    }

    private static void putValue(ByteBuffer b, NiftiDatatype type, float f) {
        double x = Math.rint(f);
        switch (type) {
            case UINT8, INT8 -> b.put((byte) (int) x);
            case INT16, UINT16 -> b.putShort((short) (int) x);
            case INT32 -> b.putInt((int) x);
            case UINT32 -> b.putInt((int) (long) x);
            case INT64 -> b.putLong((long) x);
            case UINT64 -> b.putLong(x >= 0x1p63 ? (long) (x - 0x1p63) ^ Long.MIN_VALUE
                    : (long) x);
            case FLOAT32 -> b.putFloat(f);
            case FLOAT64 -> b.putDouble(f);
            default -> throw new AssertionError(type);
        }
    }
}
