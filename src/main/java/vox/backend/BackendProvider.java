package vox.backend;

import java.util.List;

/**
 * Discovers and creates one kind of backend. Providers are found with
 * {@link java.util.ServiceLoader}, so that this package does not depend on
 * the backend packages above it.
 */
public interface BackendProvider {

    /** Short name used on the command line: "cpu", "opencl", "cuda". */
    String name();

    /** Lower is tried first by {@code --device auto}. */
    int priority();

    /** Null when usable, else the reason it is not (missing driver, no device). */
    String unavailableReason();

    /** Devices this provider can open, one line each, for {@code vox devices}. */
    List<String> listDevices();

    /** Opens device {@code index} of this kind. */
    Backend create(int index);

    /** Whether {@code --device auto} may choose this provider (an OpenCL CPU device may not). */
    default boolean preferredForAuto() {
        return true;
    }
}
