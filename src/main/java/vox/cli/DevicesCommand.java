package vox.cli;

import picocli.CommandLine.Command;
import vox.backend.BackendProvider;
import vox.backend.Backends;

/** {@code vox devices}: every backend kind, whether it is usable, and its devices. */
@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List backends and devices (cpu, opencl, cuda) and why any is absent.")
final class DevicesCommand implements Runnable {

    @Override
    public void run() {
        for (BackendProvider p : Backends.providers()) {
            String why = p.unavailableReason();
            if (why != null) {
                System.out.printf("%-7s unavailable: %s%n", p.name(), why);
                continue;
            }
            System.out.printf("%-7s available%s%n", p.name(),
                    p.preferredForAuto() ? "" : " (not chosen by --device auto)");
            for (String line : p.listDevices()) {
                System.out.println("        " + line);
            }
        }
    }
}
