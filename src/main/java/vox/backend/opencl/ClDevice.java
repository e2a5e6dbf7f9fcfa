package vox.backend.opencl;

import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_LOCAL_MEM_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_COMPUTE_UNITS;
import static org.jocl.CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE;
import static org.jocl.CL.CL_DEVICE_MAX_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_DEVICE_NAME;
import static org.jocl.CL.CL_DEVICE_TYPE;
import static org.jocl.CL.CL_DEVICE_TYPE_ACCELERATOR;
import static org.jocl.CL.CL_DEVICE_TYPE_ALL;
import static org.jocl.CL.CL_DEVICE_TYPE_CPU;
import static org.jocl.CL.CL_DEVICE_TYPE_GPU;
import static org.jocl.CL.CL_DEVICE_VERSION;
import static org.jocl.CL.CL_PLATFORM_NAME;
import static org.jocl.CL.CL_PLATFORM_VERSION;
import static org.jocl.CL.clGetDeviceIDs;
import static org.jocl.CL.clGetDeviceInfo;
import static org.jocl.CL.clGetPlatformIDs;
import static org.jocl.CL.clGetPlatformInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as found on this machine, with the facts the backend
 * plans its launches with. {@link #all()} lists every device of every
 * platform, GPUs and accelerators first, so that index 0 is a GPU when
 * there is one.
 */
record ClDevice(int index, int platformIndex, cl_platform_id platform, cl_device_id id,
                String platformName, String platformVersion, String name, long type,
                int computeUnits, long globalMemBytes, long maxAllocBytes,
                long maxWorkGroupSize, long localMemBytes, String version) {

    private static volatile List<ClDevice> cached;

    /** Whether this is a CPU device (such as PoCL's), not a GPU or accelerator. */
    boolean isCpu() {
        return (type & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) == 0
                && (type & CL_DEVICE_TYPE_CPU) != 0;
    }

    String typeName() {
        if ((type & CL_DEVICE_TYPE_GPU) != 0) {
            return "GPU";
        }
        if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return "accelerator";
        }
        return (type & CL_DEVICE_TYPE_CPU) != 0 ? "CPU" : "other";
    }

    /** One line for {@code vox devices}. */
    String line() {
        return "opencl:" + index + "  " + name + " (" + typeName() + ", " + computeUnits
                + " compute units, " + (globalMemBytes >> 20) + " MiB, " + version
                + "; platform " + platformName + ")";
    }

    /**
     * Every device of every platform. Throws {@link OpenClException} when no
     * platform answers, and {@link LinkageError} when the OpenCL library
     * itself cannot be loaded.
     */
    static List<ClDevice> all() {
        List<ClDevice> list = cached;
        if (list == null) {
            synchronized (ClDevice.class) {
                if (cached == null) {
                    cached = discover();
                }
                list = cached;
            }
        }
        return list;
    }

    private static List<ClDevice> discover() {
        int[] count = new int[1];
        ClStatus.check(clGetPlatformIDs(0, null, count), "clGetPlatformIDs");
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        ClStatus.check(clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        List<ClDevice> found = new ArrayList<>();
        for (int p = 0; p < platforms.length; p++) {
            String pName = platformString(platforms[p], CL_PLATFORM_NAME);
            String pVersion = platformString(platforms[p], CL_PLATFORM_VERSION);
            int[] nd = new int[1];
            int st = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, null, nd);
            if (st == CL.CL_DEVICE_NOT_FOUND || nd[0] == 0) {
                continue;
            }
            ClStatus.check(st, "clGetDeviceIDs on platform " + pName);
            cl_device_id[] ids = new cl_device_id[nd[0]];
            ClStatus.check(clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, ids.length, ids, null),
                    "clGetDeviceIDs on platform " + pName);
            for (cl_device_id id : ids) {
                found.add(new ClDevice(-1, p, platforms[p], id, pName, pVersion,
                        deviceString(id, CL_DEVICE_NAME).trim(),
                        deviceLong(id, CL_DEVICE_TYPE),
                        (int) deviceInt(id, CL_DEVICE_MAX_COMPUTE_UNITS),
                        deviceLong(id, CL_DEVICE_GLOBAL_MEM_SIZE),
                        deviceLong(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                        deviceSize(id, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                        deviceLong(id, CL_DEVICE_LOCAL_MEM_SIZE),
                        deviceString(id, CL_DEVICE_VERSION).trim()));
            }
        }
        // GPUs and accelerators first; otherwise keep the platform order.
        List<ClDevice> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(d -> d.isCpu() ? 1 : 0));
        List<ClDevice> out = new ArrayList<>();
        for (ClDevice d : sorted) {
            out.add(new ClDevice(out.size(), d.platformIndex, d.platform, d.id, d.platformName,
                    d.platformVersion, d.name, d.type, d.computeUnits, d.globalMemBytes,
                    d.maxAllocBytes, d.maxWorkGroupSize, d.localMemBytes, d.version));
        }
        return List.copyOf(out);
    }

    private static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        ClStatus.check(clGetPlatformInfo(p, param, 0, null, size), "clGetPlatformInfo");
        byte[] buf = new byte[(int) size[0]];
        ClStatus.check(clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null),
                "clGetPlatformInfo");
        return cString(buf);
    }

    private static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        ClStatus.check(clGetDeviceInfo(d, param, 0, null, size), "clGetDeviceInfo");
        byte[] buf = new byte[(int) size[0]];
        ClStatus.check(clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null),
                "clGetDeviceInfo");
        return cString(buf);
    }

    private static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        ClStatus.check(clGetDeviceInfo(d, param, Sizeof.cl_long, Pointer.to(v), null),
                "clGetDeviceInfo");
        return v[0];
    }

    private static long deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        ClStatus.check(clGetDeviceInfo(d, param, Sizeof.cl_int, Pointer.to(v), null),
                "clGetDeviceInfo");
        return v[0];
    }

    private static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        ClStatus.check(clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null),
                "clGetDeviceInfo");
        return v[0];
    }

    private static String cString(byte[] buf) {
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }
}
