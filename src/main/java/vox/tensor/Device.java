package vox.tensor;

/**
 * Where a tensor's memory lives: the host (CPU), an OpenCL device or a CUDA
 * device. {@code index} tells devices of one kind apart.
 */
public record Device(Kind kind, int index, String name) {

    /** The kinds of device vox can run on. */
    public enum Kind { CPU, OPENCL, CUDA }

    public static final Device CPU = new Device(Kind.CPU, 0, "cpu");

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : kind.name().toLowerCase() + ":" + index + " (" + name + ")";
    }
}
