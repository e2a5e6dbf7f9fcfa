package vox.data;

import java.util.Locale;

/**
 * The voxel types of a NIfTI file that vox reads and writes.
 *
 * <p>Each constant carries the header's {@code datatype} code and
 * {@code bitpix}. Integer types also carry their range, which the writer
 * enforces: a value outside it is an error, never silently clipped.
 * Complex, RGB and 128-bit types are not supported.
 */
public enum NiftiDatatype {
    UINT8(2, 8, 0, 255),
    INT8(256, 8, -128, 127),
    INT16(4, 16, Short.MIN_VALUE, Short.MAX_VALUE),
    UINT16(512, 16, 0, 65535),
    INT32(8, 32, Integer.MIN_VALUE, Integer.MAX_VALUE),
    UINT32(768, 32, 0, 4294967295.0),
    INT64(1024, 64, Long.MIN_VALUE, Long.MAX_VALUE),
    UINT64(1280, 64, 0, 18446744073709551615.0),
    FLOAT32(16, 32, -Float.MAX_VALUE, Float.MAX_VALUE),
    FLOAT64(64, 64, -Double.MAX_VALUE, Double.MAX_VALUE);

    /** The header's {@code datatype} code. */
    public final int code;
    /** Bits per voxel, the header's {@code bitpix}. */
    public final int bitpix;
    /** Smallest value the type holds. */
    public final double min;
    /** Largest value the type holds. */
    public final double max;

    NiftiDatatype(int code, int bitpix, double min, double max) {
        this.code = code;
        this.bitpix = bitpix;
        this.min = min;
        this.max = max;
    }

    /** Bytes per voxel. */
    public int bytes() {
        return bitpix / 8;
    }

    /** True for the two floating point types. */
    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The constant with this header code, or null when unsupported. */
    public static NiftiDatatype ofCode(int code) {
        for (NiftiDatatype t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /**
     * Parses a lower-case name such as {@code "int16"} or {@code "float32"}.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known
     */
    public static NiftiDatatype parse(String name) {
        for (NiftiDatatype t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown NIfTI datatype '" + name
                + "', expected one of " + names());
    }

    /** Lower-case names of all constants, comma separated. */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        for (NiftiDatatype t : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(t.name().toLowerCase(Locale.ROOT));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
