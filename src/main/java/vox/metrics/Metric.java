package vox.metrics;

/** The per-organ metrics of {@link OrganScore}, with their column names and units. */
public enum Metric {
    DICE("dice", ""),
    HD("hd_mm", "mm"),
    HD95("hd95_mm", "mm"),
    ASSD("assd_mm", "mm");

    /** CSV column name. */
    public final String column;
    /** Unit, empty for a ratio. */
    public final String unit;

    Metric(String column, String unit) {
        this.column = column;
        this.unit = unit;
    }

    /** Parses "dice", "hd", "hd95", "assd" (or the column names). */
    public static Metric parse(String s) {
        for (Metric m : values()) {
            if (m.name().equalsIgnoreCase(s) || m.column.equalsIgnoreCase(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown metric '" + s
                + "', expected dice, hd, hd95 or assd");
    }
}
