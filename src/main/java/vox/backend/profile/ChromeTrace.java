package vox.backend.profile;

import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link Profile} in the Chrome trace-event JSON format, which
 * Perfetto (ui.perfetto.dev) and chrome://tracing open.
 *
 * <ul>
 * <li>One track (a "thread" of process "vox") per backend queue, with one
 *     complete event ({@code "ph": "X"}) per launch: name = the primitive,
 *     category = forward, backward or other, args = the autograd op, the
 *     shapes, GFLOP, MB, GFLOP/s, GB/s and the allocator's bytes.</li>
 * <li>A "steps" track with one complete event per training step.</li>
 * <li>A counter ({@code "ph": "C"}) of the allocator's bytes in use, per
 *     backend, drawn by the viewers as a graph.</li>
 * </ul>
 * Times are microseconds from the start of the session.
 */
public final class ChromeTrace {
    /** Category of the step events. */
    public static final String STEP_CATEGORY = "step";
    private static final int PID = 1;
    private static final int STEP_TID = 0;

    private ChromeTrace() {
    }

    public static void write(Profile p, Path file) throws IOException {
        List<Launch> launches = p.traced();
        Map<String, Integer> tracks = new LinkedHashMap<>();
        for (Launch l : launches) {
            tracks.putIfAbsent(l.track(), tracks.size() + 1);
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             JsonWriter j = new JsonWriter(w)) {
            j.beginObject();
            j.name("displayTimeUnit").value("ms");
            j.name("otherData").beginObject()
                    .name("launches").value(p.launches())
                    .name("droppedFromTrace").value(p.droppedFromTrace())
                    .endObject();
            j.name("traceEvents").beginArray();
            meta(j, "process_name", -1, "vox");
            meta(j, "thread_name", STEP_TID, "steps");
            for (var e : tracks.entrySet()) {
                meta(j, "thread_name", e.getValue(), e.getKey());
            }
            for (long[] s : p.steps()) {
                j.beginObject();
                j.name("name").value("step " + s[0]);
                j.name("cat").value(STEP_CATEGORY);
                j.name("ph").value("X");
                j.name("ts").value(micros(s[1] - p.startNs()));
                j.name("dur").value(micros(s[2] - s[1]));
                j.name("pid").value(PID);
                j.name("tid").value(STEP_TID);
                j.endObject();
            }
            for (Launch l : launches) {
                launch(j, l, tracks.get(l.track()), p.startNs());
            }
            j.endArray();
            j.endObject();
        }
    }

    private static void launch(JsonWriter j, Launch l, int tid, long t0) throws IOException {
        double ts = micros(l.startNs() - t0);
        j.beginObject();
        j.name("name").value(l.primitive());
        j.name("cat").value(l.section().name().toLowerCase(Locale.ROOT));
        j.name("ph").value("X");
        j.name("ts").value(ts);
        j.name("dur").value(micros(l.durationNs()));
        j.name("pid").value(PID);
        j.name("tid").value(tid);
        j.name("args").beginObject()
                .name("op").value(l.label().op())
                .name("shapes").value(l.shapes())
                .name("GFLOP").value(l.flops() / 1e9)
                .name("MB").value(l.bytes() / 1e6)
                .name("GFLOP/s").value(l.gflops())
                .name("GB/s").value(l.gbPerSecond())
                .name("allocatedBytes").value(l.memCurrent())
                .name("peakBytes").value(l.memPeak())
                .endObject();
        j.endObject();

        j.beginObject();
        j.name("name").value("memory " + l.track());
        j.name("ph").value("C");
        j.name("ts").value(ts);
        j.name("pid").value(PID);
        j.name("args").beginObject().name("MiB").value(l.memCurrent() / 1048576.0).endObject();
        j.endObject();
    }

    private static void meta(JsonWriter j, String what, int tid, String name)
            throws IOException {
        j.beginObject();
        j.name("name").value(what);
        j.name("ph").value("M");
        j.name("pid").value(PID);
        if (tid >= 0) {
            j.name("tid").value(tid);
        }
        j.name("args").beginObject().name("name").value(name).endObject();
        j.endObject();
    }

    private static double micros(long nanos) {
        return nanos / 1e3;
    }
}
