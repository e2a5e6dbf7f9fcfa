package vox.backend.cuda;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;

/**
 * The CUDA driver as vox sees it: initialised once, the devices it
 * reports, and the kernel fatbin on the class path. Loading JCuda's
 * natives needs libcuda.so.1; where it is missing the first call throws
 * {@link LinkageError}, which {@link #unavailableReason()} turns into a
 * message.
 */
final class CudaDriver {
    /** Where the build puts the kernels (scripts/build-fatbin.sh). */
    static final String FATBIN = "vox/cuda/vox_kernels.fatbin";

    /** One device as the driver reports it. */
    record Info(int index, String name, int major, int minor, int multiprocessors,
                long totalMemBytes, int clockKhz) {
        String line() {
            return "cuda:" + index + " " + name + " (compute " + major + "." + minor + ", "
                    + multiprocessors + " SMs, " + (totalMemBytes >> 20) + " MiB)";
        }
    }

    private static volatile String reason;
    private static volatile List<Info> devices;
    private static volatile boolean probed;

    private CudaDriver() {
    }

    /** Null when CUDA can run vox's kernels, else why not. */
    static String unavailableReason() {
        probe();
        return reason;
    }

    static List<Info> devices() {
        probe();
        return devices;
    }

    private static synchronized void probe() {
        if (probed) {
            return;
        }
        probed = true;
        devices = List.of();
        if (CudaDriver.class.getClassLoader().getResource(FATBIN) == null) {
            reason = "kernels not built: nvcc was not on the PATH at build time (" + FATBIN
                    + " is not on the class path; install the CUDA toolkit and rebuild)";
        }
        try {
            int st = cuInit(0);
            if (st == jcuda.driver.CUresult.CUDA_ERROR_NO_DEVICE) {
                reason = "no CUDA device (cuInit: " + CudaStatus.name(st) + ")";
                return;
            }
            CudaStatus.check(st, "cuInit");
            int[] count = new int[1];
            CudaStatus.check(cuDeviceGetCount(count), "cuDeviceGetCount");
            if (count[0] == 0) {
                reason = "no CUDA device";
                return;
            }
            List<Info> list = new ArrayList<>();
            for (int i = 0; i < count[0]; i++) {
                list.add(info(i));
            }
            devices = List.copyOf(list);
        } catch (LinkageError e) {
            // JCuda's message spans many lines with stack traces: keep the first.
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            reason = "no CUDA driver (libcuda.so.1 not found: " + first.trim() + ")";
        } catch (CudaException e) {
            reason = "the CUDA driver failed: " + e.getMessage();
        }
    }

    private static Info info(int index) {
        CUdevice dev = new CUdevice();
        CudaStatus.check(cuDeviceGet(dev, index), "cuDeviceGet " + index);
        byte[] name = new byte[256];
        CudaStatus.check(cuDeviceGetName(name, name.length, dev), "cuDeviceGetName");
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        long[] mem = new long[1];
        CudaStatus.check(cuDeviceTotalMem(mem, dev), "cuDeviceTotalMem");
        return new Info(index, new String(name, 0, len, StandardCharsets.UTF_8),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                mem[0], attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE));
    }

    static int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        CudaStatus.check(cuDeviceGetAttribute(v, attribute, dev),
                "cuDeviceGetAttribute " + CUdevice_attribute.stringFor(attribute));
        return v[0];
    }

    /** The driver's CUDA version as "major.minor". */
    static String driverVersion() {
        int[] v = new int[1];
        CudaStatus.check(cuDriverGetVersion(v), "cuDriverGetVersion");
        return (v[0] / 1000) + "." + (v[0] % 1000 / 10);
    }

    /** The fatbin's bytes, NUL-terminated as cuModuleLoadData wants. */
    static byte[] fatbin() {
        try (InputStream in = CudaDriver.class.getClassLoader().getResourceAsStream(FATBIN)) {
            if (in == null) {
                throw new IllegalStateException("cuda: " + FATBIN + " is not on the class path;"
                        + " it is built by scripts/build-fatbin.sh when nvcc is on the PATH");
            }
            byte[] data = in.readAllBytes();
            byte[] out = new byte[data.length + 1];
            System.arraycopy(data, 0, out, 0, data.length);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + FATBIN, e);
        }
    }
}
