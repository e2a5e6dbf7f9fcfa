package vox.backend.cpu;

import vox.tensor.Device;
import vox.tensor.Storage;

/** Host memory: one float array. */
final class CpuStorage implements Storage {
    private float[] data;
    private final CpuBackend owner;

    CpuStorage(float[] data, CpuBackend owner) {
        this.data = data;
        this.owner = owner;
    }

    float[] data() {
        if (data == null) {
            throw new IllegalStateException("CPU tensor memory was already released");
        }
        return data;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public long numel() {
        return data == null ? 0 : data.length;
    }

    @Override
    public void write(float[] src) {
        System.arraycopy(src, 0, data(), 0, Math.min(src.length, data.length));
    }

    @Override
    public void read(float[] dst) {
        System.arraycopy(data(), 0, dst, 0, Math.min(dst.length, data.length));
    }

    @Override
    public void release() {
        if (data != null) {
            float[] d = data;
            data = null;
            owner.released(d);
        }
    }

    @Override
    public boolean isReleased() {
        return data == null;
    }
}
