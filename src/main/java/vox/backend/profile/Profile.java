package vox.backend.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import vox.tensor.Device;

/**
 * What one profiling session recorded: totals per (op, primitive) and per
 * (op, primitive, shapes), the training steps, and the launches for the
 * trace (up to a limit, so that a long run stays within memory).
 *
 * <p>When the caller marks training steps ({@link Profiler#stepBegin}),
 * the per-op totals cover the launches inside steps only; the rest
 * (set-up, validation) is summed apart. Thread-safe.
 */
public final class Profile {
    /** Default bound on the launches kept for the trace. */
    public static final int DEFAULT_TRACE_LIMIT = 100_000;

    private final long startNs = System.nanoTime();
    private final int traceLimit;
    private final Map<String, Totals> perOp = new LinkedHashMap<>();
    private final Map<String, Totals> perShape = new LinkedHashMap<>();
    private final Totals outside = new Totals("", "", "", false);
    private final List<Launch> trace = new ArrayList<>();
    private final List<long[]> steps = new ArrayList<>();
    private final Set<Device> devices = new LinkedHashSet<>();
    private long dropped;
    private long launches;
    private long peakBytes;
    private boolean stepsMarked;
    private long openStepStart = -1;
    private int openStep;

    /** Running totals of one group of launches. */
    public static final class Totals {
        private final String op;
        private final String primitive;
        private final String shapes;
        private final boolean backward;
        private long calls;
        private long nanos;
        private double flops;
        private double bytes;

        Totals(String op, String primitive, String shapes, boolean backward) {
            this.op = op;
            this.primitive = primitive;
            this.shapes = shapes;
            this.backward = backward;
        }

        void add(Launch l) {
            calls++;
            nanos += l.durationNs();
            flops += l.flops();
            bytes += l.bytes();
        }

        void merge(Totals o) {
            calls += o.calls;
            nanos += o.nanos;
            flops += o.flops;
            bytes += o.bytes;
        }

        public String op() {
            return op;
        }

        public String primitive() {
            return primitive;
        }

        /** The shapes of the group, empty for per-op totals. */
        public String shapes() {
            return shapes;
        }

        /** Forward, backward, or neither (launched outside any op). */
        public Section section() {
            return Section.of(new OpContext.Label(op, backward));
        }

        public long calls() {
            return calls;
        }

        public long nanos() {
            return nanos;
        }

        public double flops() {
            return flops;
        }

        public double bytes() {
            return bytes;
        }

        public double gflops() {
            return nanos == 0 ? 0 : flops / nanos;
        }

        public double gbPerSecond() {
            return nanos == 0 ? 0 : bytes / nanos;
        }
    }

    /** Where a launch belongs in the table. */
    public enum Section {
        FORWARD, BACKWARD, OTHER;

        /** The section of launches made under {@code label}. */
        public static Section of(OpContext.Label label) {
            return label.backward() ? BACKWARD
                    : label.op().equals(OpContext.NONE.op()) ? OTHER : FORWARD;
        }
    }

    Profile(int traceLimit) {
        if (traceLimit < 0) {
            throw new IllegalArgumentException("trace limit must be >= 0, got " + traceLimit);
        }
        this.traceLimit = traceLimit;
    }

    synchronized void add(Launch l) {
        launches++;
        devices.add(l.device());
        peakBytes = Math.max(peakBytes, l.memPeak());
        if (trace.size() < traceLimit) {
            trace.add(l);
        } else {
            dropped++;
        }
        if (stepsMarked && openStepStart < 0) {
            outside.add(l);
            return;
        }
        String op = l.label().op();
        boolean bw = l.label().backward();
        perOp.computeIfAbsent(op + '\0' + l.primitive(),
                k -> new Totals(op, l.primitive(), "", bw)).add(l);
        perShape.computeIfAbsent(op + '\0' + l.primitive() + '\0' + l.shapes(),
                k -> new Totals(op, l.primitive(), l.shapes(), bw)).add(l);
    }

    synchronized void stepBegin(int step) {
        if (!stepsMarked) {
            // What ran before the first step was set-up: move it out of the table.
            stepsMarked = true;
            for (Totals t : perOp.values()) {
                outside.merge(t);
            }
            perOp.clear();
            perShape.clear();
        }
        openStep = step;
        openStepStart = System.nanoTime();
    }

    synchronized void stepEnd() {
        if (openStepStart >= 0) {
            steps.add(new long[] {openStep, openStepStart, System.nanoTime()});
            openStepStart = -1;
        }
    }

    /** Host clock at the start of the session; trace times count from here. */
    public long startNs() {
        return startNs;
    }

    /** Totals per (op, primitive), longest first. */
    public synchronized List<Totals> perOp() {
        return sorted(perOp);
    }

    /** Totals per (op, primitive, shapes), longest first. */
    public synchronized List<Totals> perShape() {
        return sorted(perShape);
    }

    private static List<Totals> sorted(Map<String, Totals> m) {
        List<Totals> list = new ArrayList<>(m.values());
        list.sort(Comparator.comparingLong(Totals::nanos).reversed());
        return list;
    }

    /** Launches outside the marked training steps (none when no step was marked). */
    public synchronized Totals outsideSteps() {
        return outside;
    }

    /** The launches kept for the trace, in launch order. */
    public synchronized List<Launch> traced() {
        return List.copyOf(trace);
    }

    /** Launches not kept for the trace because the limit was reached. */
    public synchronized long droppedFromTrace() {
        return dropped;
    }

    /** The devices that launches ran on. */
    public synchronized Set<Device> devices() {
        return Set.copyOf(devices);
    }

    public synchronized long launches() {
        return launches;
    }

    /** Highest allocator peak seen after any launch, in bytes. */
    public synchronized long peakBytes() {
        return peakBytes;
    }

    /** Marked steps as {step, startNs, endNs}. */
    public synchronized List<long[]> steps() {
        List<long[]> copy = new ArrayList<>();
        for (long[] s : steps) {
            copy.add(s.clone());
        }
        return copy;
    }

    /** Wall time of all marked steps, in ns. */
    public synchronized long stepNanos() {
        long t = 0;
        for (long[] s : steps) {
            t += s[2] - s[1];
        }
        return t;
    }
}
