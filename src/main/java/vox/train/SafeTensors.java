package vox.train;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors file format: an 8-byte little-endian header length, a
 * JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data. vox writes F32 tensors in its own memory order (see
 * {@code vox.tensor.Shape}) under their logical shapes, plus string metadata.
 *
 * <p>Files are written to a temporary file beside the target and renamed,
 * so a crash never leaves half a file under the final name.
 */
public final class SafeTensors {
    /** Headers larger than this are refused as corrupt. */
    private static final long MAX_HEADER = 100L << 20;

    private SafeTensors() {
    }

    /** One tensor's logical shape and float32 data. */
    public record Entry(int[] shape, float[] data) {
    }

    /** What a file holds: tensors by name, in file order, and metadata strings. */
    public record Contents(Map<String, Entry> tensors, Map<String, String> metadata) {
    }

    public static void write(Path file, Map<String, Entry> tensors, Map<String, String> meta)
            throws IOException {
        JsonObject header = new JsonObject();
        JsonObject md = new JsonObject();
        meta.forEach(md::addProperty);
        header.add("__metadata__", md);
        long offset = 0;
        for (var e : tensors.entrySet()) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", "F32");
            com.google.gson.JsonArray shape = new com.google.gson.JsonArray();
            long n = 1;
            for (int d : e.getValue().shape()) {
                shape.add(d);
                n *= d;
            }
            if (n != e.getValue().data().length) {
                throw new IllegalArgumentException("safetensors: tensor '" + e.getKey()
                        + "' has " + e.getValue().data().length + " values for its shape");
            }
            t.add("shape", shape);
            com.google.gson.JsonArray range = new com.google.gson.JsonArray();
            range.add(offset);
            range.add(offset + 4 * n);
            t.add("data_offsets", range);
            header.add(e.getKey(), t);
            offset += 4 * n;
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        // Pad the header with spaces to 8 bytes, as the format recommends.
        int padded = (json.length + 7) / 8 * 8;
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                len.putLong(padded);
                out.write(len.array());
                out.write(json);
                for (int i = json.length; i < padded; i++) {
                    out.write(' ');
                }
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Entry e : tensors.values()) {
                    for (float v : e.data()) {
                        if (buf.remaining() < 4) {
                            out.write(buf.array(), 0, buf.position());
                            buf.clear();
                        }
                        buf.putFloat(v);
                    }
                }
                out.write(buf.array(), 0, buf.position());
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static Contents read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 8) {
            throw new IOException(file + ": not a safetensors file (shorter than 8 bytes)");
        }
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = bb.getLong();
        if (n <= 0 || n > MAX_HEADER || 8 + n > all.length) {
            throw new IOException(file + ": header length " + n + " is invalid for a file of "
                    + all.length + " bytes");
        }
        JsonObject header;
        try {
            String json = new String(all, 8, (int) n, StandardCharsets.UTF_8);
            header = JsonParser.parseString(json).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + ": header is not a JSON object: " + e.getMessage());
        }
        long base = 8 + n;
        Map<String, Entry> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (var e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                for (var m : e.getValue().getAsJsonObject().entrySet()) {
                    meta.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            JsonObject t = e.getValue().getAsJsonObject();
            String dtype = t.get("dtype").getAsString();
            if (!dtype.equals("F32")) {
                throw new IOException(file + ": tensor '" + e.getKey() + "' has dtype "
                        + dtype + "; vox reads F32 only");
            }
            var shapeJson = t.getAsJsonArray("shape");
            int[] shape = new int[shapeJson.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsInt();
                count *= shape[i];
            }
            var range = t.getAsJsonArray("data_offsets");
            long begin = range.get(0).getAsLong();
            long end = range.get(1).getAsLong();
            if (end - begin != 4 * count || begin < 0 || base + end > all.length) {
                throw new IOException(file + ": tensor '" + e.getKey() + "' data_offsets ["
                        + begin + ", " + end + ") do not fit its shape or the file");
            }
            float[] data = new float[(int) count];
            ByteBuffer src = ByteBuffer.wrap(all, (int) (base + begin), (int) (4 * count))
                    .order(ByteOrder.LITTLE_ENDIAN);
            src.asFloatBuffer().get(data);
            tensors.put(e.getKey(), new Entry(shape, data));
        }
        return new Contents(tensors, meta);
    }
}
