package vox.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import vox.backend.Conv3dSpec;

/**
 * Every kernel source is valid OpenCL C (built here through the backend)
 * and valid CUDA C++ (compiled with nvcc when nvcc is on the PATH), in
 * its default form and in each conv3d variant and tile shape.
 */
class KernelSourcesTest {
    private static final Path DIR = Path.of("src", "main", "cuda");

    /** One spec per conv3d variant that the host can choose, and the generic one. */
    static List<Conv3dSpec> variantSpecs() {
        return List.of(
                new Conv3dSpec(1, 4, 8, 8, 8, 4, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                new Conv3dSpec(1, 4, 8, 8, 8, 4, 5, 1, 1, 1, 1, 1, 2, 0, 0),
                new Conv3dSpec(1, 4, 8, 8, 8, 4, 1, 5, 1, 1, 1, 1, 0, 2, 0),
                new Conv3dSpec(1, 4, 8, 8, 8, 4, 1, 1, 5, 1, 1, 1, 0, 0, 2),
                new Conv3dSpec(1, 4, 8, 8, 8, 4, 2, 2, 2, 2, 2, 2, 0, 0, 0),
                new Conv3dSpec(1, 4, 8, 8, 8, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0),
                new Conv3dSpec(1, 4, 8, 8, 8, 4, 3, 2, 1, 2, 1, 1, 1, 0, 0));
    }

    /** The -D option sets that conv3d.cu is built with. */
    static List<String> convOptions() {
        List<String> out = new ArrayList<>();
        for (ClConv.Tiles t : ClConv.Tiles.values()) {
            for (Conv3dSpec s : variantSpecs()) {
                out.add((t.defines + " " + ClConv.variant(s)).trim());
            }
        }
        return out;
    }

    @Test
    void sourceListMatchesTheFolder() throws IOException {
        TreeSet<String> onDisk = new TreeSet<>();
        try (Stream<Path> files = Files.list(DIR)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu"))
                    .forEach(onDisk::add);
        }
        assertEquals(onDisk, new TreeSet<>(ClPrograms.SOURCES),
                "ClPrograms.SOURCES must list every kernel source in " + DIR);
    }

    @Test
    void everyKernelSourceBuildsAsOpenClC() {
        OpenClBackend be = OpenClTests.backend();
        for (String file : ClPrograms.SOURCES) {
            assertNotNull(be.programs().program(file, ""), file);
        }
        for (String options : convOptions()) {
            assertNotNull(be.programs().program(ClConv.FILE, options), options);
        }
    }

    @Test
    void everyKernelSourceCompilesWithNvcc() throws Exception {
        String nvcc = findOnPath("nvcc");
        assumeTrue(nvcc != null, "skipping: nvcc is not on the PATH (install the CUDA toolkit"
                + " to check the kernel sources as CUDA C++)");
        Path out = Files.createTempDirectory("vox-nvcc");
        List<List<String>> jobs = new ArrayList<>();
        for (String file : ClPrograms.SOURCES) {
            jobs.add(List.of(file));
        }
        // Each variant once (wide tiles), and the narrow tiles once: nvcc is slow.
        List<String> nvccOptions = new ArrayList<>();
        for (Conv3dSpec s : variantSpecs()) {
            nvccOptions.add(ClConv.Tiles.WIDE.defines + " " + ClConv.variant(s));
        }
        nvccOptions.add(ClConv.Tiles.NARROW.defines);
        for (String options : nvccOptions) {
            List<String> job = new ArrayList<>(List.of(options.trim().split(" ")));
            job.add(0, ClConv.FILE);
            jobs.add(job);
        }
        // Two compilers at a time: enough to finish quickly on two cores.
        List<Process> running = new ArrayList<>();
        List<String> commands = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            List<String> job = jobs.get(i);
            List<String> cmd = new ArrayList<>(List.of(nvcc, "-fatbin",
                    "-gencode", "arch=compute_90,code=sm_90",
                    "-o", out.resolve("k" + i + ".fatbin").toString()));
            cmd.addAll(job.subList(1, job.size()));
            cmd.add(DIR.resolve(job.get(0)).toString());
            running.add(new ProcessBuilder(cmd).redirectErrorStream(true).start());
            commands.add(String.join(" ", cmd));
            if (running.size() == 2 || i == jobs.size() - 1) {
                for (int j = 0; j < running.size(); j++) {
                    Process p = running.get(j);
                    String log = new String(p.getInputStream().readAllBytes(),
                            StandardCharsets.UTF_8);
                    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        failures.add(commands.get(j) + "\n" + log);
                    }
                }
                running.clear();
                commands.clear();
            }
        }
        if (!failures.isEmpty()) {
            fail("nvcc rejected " + failures.size() + " kernel builds:\n"
                    + String.join("\n", failures));
        }
    }

    private static String findOnPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, exe);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
