#!/bin/sh
# Writes NIfTI files with vox's writer (every datatype, NIfTI-1 and -2,
# both byte orders, .nii and .nii.gz) and reads them back with nibabel,
# an independent reader. Development check; needs a JDK with jshell and
# Debian's python3-nibabel (apt-get install -y python3-nibabel).
#
#   mvn -q -o compile && scripts/check-nifti-written.sh
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/w.jsh" <<EOF
import vox.data.*;
import java.nio.file.*;
import java.nio.*;
var out = new StringBuilder("[");
int seed = 0;
for (NiftiDatatype t : NiftiDatatype.values())
 for (int ver = 1; ver <= 2; ver++)
  for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN})
   for (String ext : new String[] {".nii", ".nii.gz"}) {
    var rnd = new java.util.Random(seed++);
    int nx = 5, ny = 4, nz = 3;
    float[] v = new float[nx * ny * nz];
    for (int i = 0; i < v.length; i++) {
        v[i] = t.isFloat() ? (float) (rnd.nextGaussian() * 100)
            : (float) (Math.max(t.min, -100) + rnd.nextInt(100));
    }
    double c = Math.cos(0.4), s = Math.sin(0.4);
    double[] sp = {0.7, 0.9, 2.5};
    double[][] a = {{c * sp[0], -s * sp[1], 0, -10}, {s * sp[0], c * sp[1], 0, 20},
        {0, 0, -sp[2], 30}, {0, 0, 0, 1}};
    var vol = new Volume(nx, ny, nz, v, sp, a);
    var b = Nifti.headerFor(vol, t);
    var h = new NiftiHeader(ver, o, b.dim(), b.datatypeCode(), b.bitpix(), b.pixdim(),
        0, 1, 0, b.qformCode(), b.quatern(), b.qoffset(), b.sformCode(), b.srow(),
        b.xyztUnits(), 0, "x");
    String name = "$dir/" + t + "_" + ver + "_" + o + ext;
    Nifti.write(Path.of(name), vol, h);
    out.append("{\"file\":\"" + name + "\",\"values\":" + java.util.Arrays.toString(v)
        + ",\"affine\":" + java.util.Arrays.deepToString(a) + "},");
}
out.setLength(out.length() - 1);
out.append("]");
Files.writeString(Path.of("$dir/expected.json"), out);
/exit
EOF
jshell --class-path target/classes "$dir/w.jsh"
/usr/bin/python3 - "$dir/expected.json" <<'EOF'
import json, sys
import nibabel as nib
import numpy as np
bad = 0
entries = json.load(open(sys.argv[1]))
for e in entries:
    img = nib.load(e["file"])
    got = np.asarray(img.get_fdata()).ravel(order="F")
    want = np.array(e["values"], dtype=np.float32)
    ok = np.array_equal(got, want)
    ok = ok and np.allclose(img.affine, e["affine"], atol=1e-5)
    ok = ok and np.allclose(img.header.get_qform(), e["affine"], atol=1e-5)
    if not ok:
        bad += 1
        print("MISMATCH", e["file"])
print(len(entries), "files written by vox, read by nibabel", nib.__version__,
      "mismatches:", bad)
sys.exit(1 if bad else 0)
EOF
