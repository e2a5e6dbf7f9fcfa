package vox.backend.opencl;

import org.junit.jupiter.api.Test;
import vox.backend.Backend;
import vox.backend.Backends;
import vox.backend.Conv3dSpec;
import vox.tensor.Tensor;

class ScratchTest {
    @Test
    void bench() {
        for (String name : new String[] {"opencl", "cpu"}) {
            Backend be = Backends.select(name);
            for (Conv3dSpec s : new Conv3dSpec[] {
                    new Conv3dSpec(1, 16, 32, 64, 64, 16, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                    new Conv3dSpec(1, 64, 16, 16, 16, 64, 3, 3, 3, 1, 1, 1, 1, 1, 1),
                    new Conv3dSpec(1, 16, 32, 64, 64, 32, 2, 2, 2, 2, 2, 2, 0, 0, 0)}) {
                Tensor x = be.zeros(s.inputShape());
                Tensor w = be.zeros(s.weightShape());
                Tensor y = be.zeros(s.outputShape());
                for (int rep = 0; rep < 2; rep++) {
                    long t0 = System.nanoTime();
                    be.conv3dForward(x, w, null, s, y);
                    be.synchronize();
                    long t1 = System.nanoTime();
                    be.conv3dBackwardData(y, w, s, x);
                    be.synchronize();
                    long t2 = System.nanoTime();
                    be.conv3dBackwardWeight(x, y, s, w);
                    be.synchronize();
                    long t3 = System.nanoTime();
                    double gf = s.flops() / 1e9;
                    System.out.printf("%s %s fwd %.2f GF/s, bwdData %.2f GF/s, bwdW %.2f GF/s%n", name, s,
                        gf / ((t1 - t0) / 1e9), gf / ((t2 - t1) / 1e9), gf / ((t3 - t2) / 1e9));
                }
            }
        }
    }
}
