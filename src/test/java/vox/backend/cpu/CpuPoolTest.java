package vox.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import vox.tensor.Shape;
import vox.tensor.Tensor;

/**
 * The CPU backend's array pool: large arrays are reused for the next
 * tensor of their length, and nothing of the old tensor shows through
 * {@code zeros} or {@code fromArray}.
 */
class CpuPoolTest {
    private final CpuBackend be = new CpuBackend();

    @Test
    void releasedLargeArrayServesTheNextTensorOfItsLength() {
        Shape shape = Shape.of(1, 4, 8, 32, 32);  // 32768 floats, above the pool's minimum
        Tensor a = be.empty(shape);
        float[] first = CpuBackend.data(a);
        be.fill(a, 3f);
        a.close();
        long pooled = be.memoryStats().pooledBytes();
        assertEquals(4L * shape.numel(), pooled);

        Tensor z = be.zeros(shape);
        assertSame(first, CpuBackend.data(z), "the pooled array is reused");
        assertEquals(0, be.memoryStats().pooledBytes());
        for (float v : z.toArray()) {
            assertEquals(0f, v);
        }
        z.close();

        float[] values = new float[(int) shape.numel()];
        Random rnd = new Random(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = rnd.nextFloat();
        }
        Tensor f = be.fromArray(shape, values);
        assertSame(first, CpuBackend.data(f));
        assertArrayEquals(values, f.toArray());
        f.close();

        // Another length does not take it.
        Tensor other = be.empty(Shape.of(1, 4, 8, 32, 33));
        assertNotSame(first, CpuBackend.data(other));
        other.close();
    }

    @Test
    void smallArraysAreNotPooled() {
        Tensor t = be.empty(Shape.of(100));
        t.close();
        assertEquals(0, be.memoryStats().pooledBytes());
        assertTrue(be.memoryStats().currentBytes() == 0);
    }

    @Test
    void reusedArraysArePoisonedUnderTest() {
        // The build runs the tests with -Dvox.cpu.poisonReused=true.
        assertTrue(CpuBackend.POISON_REUSED, "surefire must set vox.cpu.poisonReused");
        Shape shape = Shape.of(1 << 15);
        Tensor a = be.zeros(shape);
        a.close();
        Tensor b = be.empty(shape);
        assertTrue(Float.isNaN(b.toArray()[123]), "a reused empty() array holds NaN");
        b.close();
    }
}
