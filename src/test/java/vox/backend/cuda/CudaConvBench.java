package vox.backend.cuda;

import java.util.Locale;
import java.util.Random;
import vox.backend.Backend;
import vox.backend.Conv3dSpec;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * Times the three convolution GEMMs on the CUDA backend for the V-Net's
 * typical layer shapes and prints one table row per (kernel, shape):
 * milliseconds, GFLOP/s and the fraction of the device's FP32 peak
 * (SMs x 128 lanes x 2 x clock). Not a test: run it with
 * {@code java -cp ... vox.backend.cuda.CudaConvBench} (scripts/gpu-check.sh
 * does). Output rows are tab-separated after a header line.
 */
public final class CudaConvBench {
    private CudaConvBench() {
    }

    public static void main(String[] args) {
        CudaBackendProvider p = new CudaBackendProvider();
        String why = p.unavailableReason();
        if (why != null) {
            System.out.println("cuda unavailable: " + why);
            System.exit(2);
        }
        CudaBackend be = (CudaBackend) p.create(0);
        CudaDriver.Info info = CudaDriver.devices().get(0);
        double peak = info.multiprocessors() * 128.0 * 2 * info.clockKhz() * 1e3;
        System.out.println(be.description());
        System.out.printf(Locale.ROOT, "FP32 peak (SMs x 128 x 2 x clock): %.1f TFLOP/s%n",
                peak / 1e12);
        // N C D H W K kd kh kw s pad
        int[][] cases = {
            {1, 16, 64, 64, 64, 16, 3, 3, 3, 1, 1},
            {1, 32, 32, 32, 32, 32, 3, 3, 3, 1, 1},
            {1, 64, 16, 16, 16, 64, 3, 3, 3, 1, 1},
            {1, 128, 8, 8, 8, 128, 3, 3, 3, 1, 1},
            {1, 16, 64, 64, 64, 32, 2, 2, 2, 2, 0},
            {1, 32, 32, 32, 32, 32, 5, 1, 1, 1, 2},
        };
        System.out.println("kernel\tspec\tshape\tms\tGFLOP/s\tpeak");
        for (int[] c : cases) {
            int s = c[9];
            int pad = c[10];
            int pd = c[6] == 1 ? 0 : pad;
            int ph = c[7] == 1 ? 0 : pad;
            int pw = c[8] == 1 ? 0 : pad;
            Conv3dSpec spec = new Conv3dSpec(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
                    c[8], s, s, s, pd, ph, pw);
            bench(be, spec, peak);
        }
        be.close();
    }

    private static Tensor random(Backend be, Shape shape, Random rnd) {
        float[] v = new float[(int) shape.numel()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return be.fromArray(shape, v);
    }

    private static void bench(CudaBackend be, Conv3dSpec s, double peak) {
        Random rnd = new Random(1);
        Tensor x = random(be, Shape.of(s.n(), s.c(), s.d(), s.h(), s.w()), rnd);
        Tensor w = random(be, Shape.of(s.k(), s.c(), s.kd(), s.kh(), s.kw()), rnd);
        Tensor y = be.empty(s.outputShape());
        Tensor dX = be.empty(x.shape());
        Tensor dW = be.empty(w.shape());
        double flops = 2.0 * s.n() * s.od() * s.oh() * s.ow() * s.k() * s.c() * s.kd()
                * s.kh() * s.kw();
        String shape = s.n() + "," + s.c() + "," + s.d() + "," + s.h() + "," + s.w() + ","
                + s.k() + "," + s.kd() + "," + s.kh() + "," + s.kw() + "," + s.strideD() + ","
                + s.padD() + "," + s.padH() + "," + s.padW() + "\tx" + x.shape() + " w"
                + w.shape() + " stride " + s.strideD();
        row("conv3d_forward", shape, flops, peak, be,
                () -> be.conv3dForward(x, w, null, s, y));
        row("conv3d_backward_data", shape, flops, peak, be,
                () -> be.conv3dBackwardData(y, w, s, dX));
        row("conv3d_backward_weight", shape, flops, peak, be,
                () -> be.conv3dBackwardWeight(x, y, s, dW));
        for (Tensor t : new Tensor[] {x, w, y, dX, dW}) {
            t.close();
        }
    }

    private static void row(String kernel, String shape, double flops, double peak,
                            CudaBackend be, Runnable op) {
        for (int i = 0; i < 3; i++) {
            op.run();
        }
        be.synchronize();
        int reps = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            op.run();
        }
        be.synchronize();
        double sec = (System.nanoTime() - t0) / 1e9 / reps;
        System.out.printf(Locale.ROOT, "%s\t%s\t%.3f\t%.0f\t%.3f%n", kernel, shape, sec * 1e3,
                flops / sec / 1e9, flops / sec / peak);
    }
}
