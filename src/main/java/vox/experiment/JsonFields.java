package vox.experiment;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Strict reading of one JSON object: each getter names the field by its
 * path ({@code file: models[2].skips}) when the value is missing or of the
 * wrong type, and {@link #finish} refuses keys nobody asked for, so a
 * misspelt option is an error rather than silently ignored.
 */
final class JsonFields {
    private final JsonObject obj;
    private final String where;
    private final Set<String> read = new LinkedHashSet<>();

    /**
     * @param where the object's path for messages, e.g. "study.json: train"
     */
    JsonFields(JsonObject obj, String where) {
        this.obj = obj;
        this.where = where;
    }

    /** Wraps an element that must be an object. */
    static JsonFields of(JsonElement e, String where) {
        if (e == null || !e.isJsonObject()) {
            throw new IllegalArgumentException(where + ": expected an object { ... }, got "
                    + shown(e));
        }
        return new JsonFields(e.getAsJsonObject(), where);
    }

    String path(String key) {
        return where + "." + key;
    }

    boolean has(String key) {
        return obj.has(key) && !obj.get(key).isJsonNull();
    }

    private JsonElement get(String key) {
        read.add(key);
        return has(key) ? obj.get(key) : null;
    }

    private JsonElement need(String key) {
        JsonElement e = get(key);
        if (e == null) {
            throw new IllegalArgumentException(path(key) + ": required field is missing");
        }
        return e;
    }

    String string(String key, String fallback) {
        JsonElement e = get(key);
        return e == null ? fallback : asString(e, path(key));
    }

    String requiredString(String key) {
        return asString(need(key), path(key));
    }

    static String asString(JsonElement e, String path) {
        if (!(e instanceof JsonPrimitive p) || !p.isString()) {
            throw new IllegalArgumentException(path + ": expected a string, got " + shown(e));
        }
        return p.getAsString();
    }

    boolean bool(String key, boolean fallback) {
        JsonElement e = get(key);
        if (e == null) {
            return fallback;
        }
        if (!(e instanceof JsonPrimitive p) || !p.isBoolean()) {
            throw new IllegalArgumentException(path(key) + ": expected true or false, got "
                    + shown(e));
        }
        return p.getAsBoolean();
    }

    double number(String key, double fallback, double min, double max) {
        JsonElement e = get(key);
        return e == null ? fallback : asNumber(e, path(key), min, max);
    }

    Double optionalNumber(String key, double min, double max) {
        JsonElement e = get(key);
        return e == null ? null : asNumber(e, path(key), min, max);
    }

    static double asNumber(JsonElement e, String path, double min, double max) {
        if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
            throw new IllegalArgumentException(path + ": expected a number, got " + shown(e));
        }
        double v = p.getAsDouble();
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(path + ": expected a number in [" + fmt(min)
                    + ", " + fmt(max) + "], got " + fmt(v));
        }
        return v;
    }

    int integer(String key, int fallback, int min, int max) {
        JsonElement e = get(key);
        return e == null ? fallback : asInt(e, path(key), min, max);
    }

    Integer optionalInteger(String key, int min, int max) {
        JsonElement e = get(key);
        return e == null ? null : asInt(e, path(key), min, max);
    }

    long longValue(String key, long fallback) {
        JsonElement e = get(key);
        return e == null ? fallback : asLong(e, path(key));
    }

    static int asInt(JsonElement e, String path, int min, int max) {
        long v = asLong(e, path);
        if (v < min || v > max) {
            throw new IllegalArgumentException(path + ": expected an integer in [" + min + ", "
                    + max + "], got " + v);
        }
        return (int) v;
    }

    static long asLong(JsonElement e, String path) {
        if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
            throw new IllegalArgumentException(path + ": expected an integer, got " + shown(e));
        }
        double d = p.getAsDouble();
        if (d != Math.rint(d) || Math.abs(d) > 1e15) {
            throw new IllegalArgumentException(path + ": expected an integer, got " + shown(e));
        }
        return p.getAsLong();
    }

    /** An array of exactly {@code n} integers in [min, max]; null when absent. */
    int[] ints(String key, int n, int min, int max) {
        JsonElement e = get(key);
        if (e == null) {
            return null;
        }
        JsonArray a = array(e, path(key));
        if (a.size() != n) {
            throw new IllegalArgumentException(path(key) + ": expected " + n + " integers, got "
                    + shown(e));
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = asInt(a.get(i), path(key) + "[" + i + "]", min, max);
        }
        return out;
    }

    /** An array of exactly {@code n} numbers in [min, max]; null when absent. */
    double[] numbers(String key, int n, double min, double max) {
        JsonElement e = get(key);
        if (e == null) {
            return null;
        }
        JsonArray a = array(e, path(key));
        if (a.size() != n) {
            throw new IllegalArgumentException(path(key) + ": expected " + n + " numbers, got "
                    + shown(e));
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = asNumber(a.get(i), path(key) + "[" + i + "]", min, max);
        }
        return out;
    }

    /** A non-empty array of integers; null when absent. */
    List<Long> longs(String key) {
        JsonElement e = get(key);
        if (e == null) {
            return null;
        }
        JsonArray a = array(e, path(key));
        nonEmpty(a, path(key));
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(asLong(a.get(i), path(key) + "[" + i + "]"));
        }
        return out;
    }

    /** A non-empty array of strings; null when absent. */
    List<String> strings(String key) {
        JsonElement e = get(key);
        if (e == null) {
            return null;
        }
        JsonArray a = array(e, path(key));
        nonEmpty(a, path(key));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(asString(a.get(i), path(key) + "[" + i + "]"));
        }
        return out;
    }

    /** A non-empty array; null when absent. */
    JsonArray array(String key) {
        JsonElement e = get(key);
        if (e == null) {
            return null;
        }
        JsonArray a = array(e, path(key));
        nonEmpty(a, path(key));
        return a;
    }

    /** A nested object; null when absent. */
    JsonFields object(String key) {
        JsonElement e = get(key);
        return e == null ? null : of(e, path(key));
    }

    static JsonArray array(JsonElement e, String path) {
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException(path + ": expected an array [ ... ], got "
                    + shown(e));
        }
        return e.getAsJsonArray();
    }

    private static void nonEmpty(JsonArray a, String path) {
        if (a.isEmpty()) {
            throw new IllegalArgumentException(path + ": expected at least one entry, got []");
        }
    }

    /** Refuses keys that no getter asked for, listing those that are known. */
    void finish() {
        for (String k : obj.keySet()) {
            if (!read.contains(k)) {
                throw new IllegalArgumentException(path(k) + ": unknown field; known fields"
                        + " here are " + String.join(", ", read));
            }
        }
    }

    static String shown(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "nothing";
        }
        String s = e.toString();
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : Double.toString(v);
    }
}
