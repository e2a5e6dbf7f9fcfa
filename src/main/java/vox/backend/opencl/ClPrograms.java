package vox.backend.opencl;

import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetKernelWorkGroupInfo;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseProgram;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * Builds the kernel sources of {@code src/main/cuda} (on the class path
 * under {@code vox/kernels/}) as OpenCL C, once per file and set of
 * {@code -D} options, and keeps the programs and kernels for the life of
 * the backend. A failed build throws with the compiler's log.
 */
final class ClPrograms {
    /** Where the kernel sources live on the class path. */
    static final String RESOURCE_DIR = "vox/kernels/";
    /** The portability header that every kernel source includes. */
    static final String HEADER = "vox_portable.h";
    /** Every kernel source, one per op family. */
    static final List<String> SOURCES = List.of("conv3d.cu", "group_norm.cu", "prelu.cu",
            "elementwise.cu", "reduce.cu", "softmax.cu", "dice.cu", "channels.cu", "optim.cu",
            "peak.cu");

    private static final Logger LOG = Logger.getLogger(ClPrograms.class.getName());

    private final cl_context context;
    private final ClDevice device;
    private final String baseOptions;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();

    ClPrograms(cl_context context, ClDevice device, String baseOptions) {
        this.context = context;
        this.device = device;
        this.baseOptions = baseOptions;
    }

    /** The kernel {@code name} of {@code file} built with {@code options} (may be empty). */
    synchronized cl_kernel kernel(String file, String options, String name) {
        String key = file + "|" + options + "|" + name;
        cl_kernel k = kernels.get(key);
        if (k == null) {
            int[] status = new int[1];
            k = clCreateKernel(program(file, options), name, status);
            ClStatus.check(status[0], "clCreateKernel " + name + " of " + file);
            kernels.put(key, k);
        }
        return k;
    }

    /** The most work-items per group that this device runs the kernel with. */
    synchronized long workGroupLimit(String file, String options, String name) {
        long[] size = new long[1];
        ClStatus.check(clGetKernelWorkGroupInfo(kernel(file, options, name), device.id(),
                CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(size), null),
                "clGetKernelWorkGroupInfo " + name);
        return size[0];
    }

    /** The built program of {@code file} with {@code options} added to the base options. */
    synchronized cl_program program(String file, String options) {
        String key = file + "|" + options;
        cl_program p = programs.get(key);
        if (p == null) {
            p = build(file, (baseOptions + " " + options).trim());
            programs.put(key, p);
        }
        return p;
    }

    private cl_program build(String file, String options) {
        long t0 = System.nanoTime();
        String src = openClSource(file);
        int[] status = new int[1];
        cl_program p = clCreateProgramWithSource(context, 1, new String[] {src},
                new long[] {src.length()}, status);
        ClStatus.check(status[0], "clCreateProgramWithSource " + file);
        int st = clBuildProgram(p, 1, new cl_device_id[] {device.id()}, options, null, null);
        if (st != CL.CL_SUCCESS) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw new OpenClException("opencl: building " + file + " with options '" + options
                    + "' for " + device.name() + " failed with " + ClStatus.name(st)
                    + "; build log:\n" + log, st);
        }
        LOG.fine(() -> String.format("opencl: built %s [%s] in %.0f ms", file, options,
                (System.nanoTime() - t0) / 1e6));
        return p;
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        int st = clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
        if (st != CL.CL_SUCCESS || size[0] <= 1) {
            return "(no build log: " + ClStatus.name(st) + ")";
        }
        byte[] buf = new byte[(int) size[0]];
        clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, buf.length,
                Pointer.to(buf), null);
        return new String(buf, 0, buf.length - 1, StandardCharsets.UTF_8).trim();
    }

    /**
     * The OpenCL C text of a kernel source: the file with its
     * {@code #include "vox_portable.h"} line replaced by the header itself.
     */
    static String openClSource(String file) {
        String header = resource(HEADER);
        String src = resource(file);
        String include = "#include \"" + HEADER + "\"";
        if (!src.contains(include)) {
            throw new IllegalStateException("kernel source " + file + " does not include "
                    + HEADER);
        }
        return src.replace(include, "#line 1 \"" + HEADER + "\"\n" + header
                + "\n#line " + (lineOf(src, include) + 1) + " \"" + file + "\"");
    }

    private static int lineOf(String text, String needle) {
        int at = text.indexOf(needle);
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    static String resource(String file) {
        String path = RESOURCE_DIR + file;
        try (InputStream in = ClPrograms.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + path
                        + " is not on the class path; the build copies src/main/cuda there");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + path, e);
        }
    }

    synchronized void release() {
        kernels.values().forEach(k -> clReleaseKernel(k));
        programs.values().forEach(p -> clReleaseProgram(p));
        kernels.clear();
        programs.clear();
    }
}
