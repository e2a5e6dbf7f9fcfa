package vox.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What inference needs to know about the data a model was trained on; kept
 * in each checkpoint's metadata.
 *
 * @param classNames   class names, background first
 * @param clipHu       HU window k: images are clipped to [-k, k] and scaled to [-1, 1]
 * @param sliceSpacing slice spacing in mm that images are resampled to (0: keep)
 * @param inPlane      in-plane size of the larger extent (0: keep)
 * @param blockDepth   slices per inference block
 * @param postprocess  post-processing rules: "thorax" or "none"
 */
public record InferenceSpec(List<String> classNames, double clipHu, double sliceSpacing,
                            int inPlane, int blockDepth, String postprocess) {

    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("vox.classes", String.join(",", classNames));
        m.put("vox.clip_hu", Double.toString(clipHu));
        m.put("vox.slice_spacing", Double.toString(sliceSpacing));
        m.put("vox.in_plane", Integer.toString(inPlane));
        m.put("vox.block_depth", Integer.toString(blockDepth));
        m.put("vox.postprocess", postprocess);
        return m;
    }

    /** Reads the spec back from checkpoint metadata, naming any missing key. */
    public static InferenceSpec fromMetadata(Map<String, String> m, String file) {
        for (String k : new String[] {"vox.classes", "vox.clip_hu", "vox.slice_spacing",
            "vox.in_plane", "vox.block_depth", "vox.postprocess"}) {
            if (!m.containsKey(k)) {
                throw new IllegalArgumentException(file + ": checkpoint metadata lacks '" + k
                        + "'; it was not written by vox train");
            }
        }
        return new InferenceSpec(Arrays.asList(m.get("vox.classes").split(",")),
                Double.parseDouble(m.get("vox.clip_hu")),
                Double.parseDouble(m.get("vox.slice_spacing")),
                Integer.parseInt(m.get("vox.in_plane")),
                Integer.parseInt(m.get("vox.block_depth")),
                m.get("vox.postprocess").toLowerCase(Locale.ROOT));
    }
}
