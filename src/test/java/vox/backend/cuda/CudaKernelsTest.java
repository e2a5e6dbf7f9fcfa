package vox.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import vox.backend.Conv3dSpec;

/**
 * The fatbin that the build makes with nvcc holds every entry point that
 * the CUDA backend launches: each kernel of each source, and each conv3d
 * variant in both tile shapes. Skipped where nvcc is not on the PATH (the
 * build then makes no fatbin).
 */
class CudaKernelsTest {
    private static final Path SRC = Path.of("src", "main", "cuda");

    private static boolean nvccOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, "nvcc").canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static String fatbinText() throws IOException {
        try (InputStream in = CudaKernelsTest.class.getClassLoader()
                .getResourceAsStream(CudaDriver.FATBIN)) {
            assumeTrue(in != null || nvccOnPath(), "skipping: nvcc was not on the PATH, so"
                    + " the build made no fatbin");
            assertTrue(in != null, "nvcc is on the PATH but " + CudaDriver.FATBIN
                    + " is not on the class path: scripts/build-fatbin.sh did not run");
            // ISO-8859-1 keeps every byte as one char, so names are found as written.
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Every KERNEL / KERNEL_WG entry point of the sources other than conv3d.cu. */
    static List<String> plainEntryPoints() throws IOException {
        Pattern p = Pattern.compile("KERNEL(?:_WG\\([^)]*\\))?\\s+(\\w+)\\s*\\(");
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(SRC)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".cu")).sorted().toList()) {
                if (f.getFileName().toString().equals(CudaConv.FILE)) {
                    continue;
                }
                Matcher m = p.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    @Test
    void fatbinHoldsEveryKernelTheBackendLaunches() throws IOException {
        String bin = fatbinText();
        List<String> names = new ArrayList<>(plainEntryPoints());
        assertTrue(names.size() >= 20, "found only " + names + " in " + SRC);
        names.addAll(CudaConv.allEntries());
        List<String> missing = new ArrayList<>();
        for (String n : names) {
            // Each name appears NUL-terminated in the ELF string tables.
            if (!bin.contains(n + "\0")) {
                missing.add(n);
            }
        }
        assertTrue(missing.isEmpty(), "the fatbin lacks " + missing);
    }

    @Test
    void fatbinHoldsBothArchitecturesAndPtx() throws IOException {
        String bin = fatbinText();
        assertTrue(bin.contains(".target sm_90") || bin.contains(".target\tsm_90"),
                "no compute_90 PTX in the fatbin");
        int elf = 0;
        for (int at = bin.indexOf("\u007fELF"); at >= 0; at = bin.indexOf("\u007fELF", at + 1)) {
            elf++;
        }
        assertTrue(elf >= 2, "expected SASS for sm_80 and sm_90, found " + elf + " ELF images");
    }

    @Test
    void conv3dVariantsMatchTheOpenClChoice() {
        // Every spec that the CUDA backend runs specialised, OpenCL does too.
        Conv3dSpec s333 = new Conv3dSpec(1, 4, 8, 8, 8, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1);
        Conv3dSpec s222 = new Conv3dSpec(1, 4, 8, 8, 8, 4, 2, 2, 2, 2, 2, 2, 0, 0, 0);
        Conv3dSpec s511 = new Conv3dSpec(1, 4, 8, 8, 8, 4, 5, 1, 1, 1, 1, 1, 2, 0, 0);
        Conv3dSpec s321 = new Conv3dSpec(1, 4, 8, 8, 8, 4, 3, 2, 1, 2, 1, 1, 1, 0, 0);
        assertTrue(CudaConv.variant(s333).equals("k333s111"));
        assertTrue(CudaConv.variant(s222).equals("k222s222"));
        assertTrue(CudaConv.variant(s511).equals("k511s111"));
        assertTrue(CudaConv.variant(s321).equals("generic"));
        assertTrue(CudaConv.entry("conv3d_forward", CudaConv.Tiles.NARROW, "generic")
                .equals("conv3d_forward__narrow_generic"));
    }
}
