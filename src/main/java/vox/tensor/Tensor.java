package vox.tensor;

/**
 * A dense float32 tensor on one device. Memory order is described in
 * {@link Shape}: channels innermost for rank 3 and up.
 *
 * <p>Tensors are created by a backend ({@code Backend.empty},
 * {@code Backend.fromArray}). Autograd state lives here so that every layer
 * above can see it: {@link #requiresGrad()}, the accumulated {@link #grad()},
 * and the {@link GradNode} of the op that produced this tensor.
 */
public final class Tensor implements AutoCloseable {
    private final Shape shape;
    private final Storage storage;
    private boolean requiresGrad;
    private Tensor grad;
    private GradNode gradNode;
    private String name;

    /** Wraps storage owned by a backend; registers with the open {@link TensorScope}. */
    public Tensor(Shape shape, Storage storage) {
        if (storage.numel() < shape.numel()) {
            throw new IllegalArgumentException("storage of " + storage.numel()
                    + " elements is too small for shape " + shape);
        }
        this.shape = shape;
        this.storage = storage;
        TensorScope.register(this);
    }

    public Shape shape() {
        return shape;
    }

    public Storage storage() {
        if (storage.isReleased()) {
            throw new IllegalStateException("tensor " + describe() + " was already closed");
        }
        return storage;
    }

    public Device device() {
        return storage.device();
    }

    public long numel() {
        return shape.numel();
    }

    /** Copies the contents to a new host array (waits for pending device work). */
    public float[] toArray() {
        long n = numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor " + describe()
                    + " has " + n + " elements, too many for one Java array");
        }
        float[] out = new float[(int) n];
        storage().read(out);
        return out;
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, got " + describe());
        }
        return toArray()[0];
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public Tensor requiresGrad(boolean value) {
        this.requiresGrad = value;
        return this;
    }

    public Tensor grad() {
        return grad;
    }

    public void setGrad(Tensor g) {
        if (g != null && !g.shape.equals(shape)) {
            throw new IllegalArgumentException("gradient of shape " + g.shape
                    + " does not match tensor " + describe());
        }
        this.grad = g;
    }

    public GradNode gradNode() {
        return gradNode;
    }

    public void setGradNode(GradNode node) {
        this.gradNode = node;
    }

    public String name() {
        return name;
    }

    public Tensor name(String n) {
        this.name = n;
        return this;
    }

    /** Name (if any), shape and device, for messages. */
    public String describe() {
        return (name == null ? "" : name + " ") + shape + " on " + storage.device();
    }

    /** Releases the device memory; the tensor must not be used afterwards. */
    @Override
    public void close() {
        if (!storage.isReleased()) {
            storage.release();
        }
    }

    public boolean isClosed() {
        return storage.isReleased();
    }

    @Override
    public String toString() {
        return "Tensor" + describe();
    }
}
