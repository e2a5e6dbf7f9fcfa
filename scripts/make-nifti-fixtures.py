#!/usr/bin/python3
"""Writes the NIfTI test fixtures with nibabel, an independent writer.

Run from the repository root (Debian: apt-get install -y python3-nibabel
python3-numpy; the Debian packages are seen by /usr/bin/python3):

    /usr/bin/python3 scripts/make-nifti-fixtures.py

It (re)writes src/test/resources/nifti/: small volumes (7x5x3 and a few
other shapes) covering NIfTI-1 and NIfTI-2, .nii and .nii.gz, little- and
big-endian, every datatype vox reads, sform, qform (with qfac -1), neither,
a shear, an extension block and intensity scaling. expected.json holds,
for each file, what nibabel reads back from it: version, byte order,
datatype code, extents, spacing (header zooms), the affine, scl_slope and
scl_inter and every voxel value after scaling, x fastest.

The affine is nibabel's img.affine (sform when sform_code > 0, else
qform). For the file with neither, nibabel centres the grid; NIfTI-1's
method 1, which vox follows, has origin 0, so that entry holds nibabel's
unscaled qform (get_qform(coded=False)), which is diag(pixdim) there.
"""

import json
import os

import nibabel as nib
import numpy as np

OUT = os.path.join("src", "test", "resources", "nifti")
SHAPE = (7, 5, 3)


def rotation(ax, ay, az):
    cx, sx = np.cos(ax), np.sin(ax)
    cy, sy = np.cos(ay), np.sin(ay)
    cz, sz = np.cos(az), np.sin(az)
    rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


def affine(zooms, angles, offset, flip_z=False):
    a = np.eye(4)
    r = rotation(*angles)
    z = np.array(zooms, dtype=float)
    if flip_z:
        z[2] = -z[2]
    a[:3, :3] = r * z[None, :]
    a[:3, 3] = offset
    return a


def data(dtype, rng, shape=SHAPE):
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else None
    n = int(np.prod(shape))
    if info is not None:
        lo = max(int(info.min), -(2 ** 40))
        hi = min(int(info.max), 2 ** 40)
        v = rng.integers(lo, hi, size=n, dtype=np.int64, endpoint=True)
        v = v.astype(dtype)
        # the extremes catch sign and width mistakes
        v[0] = info.min if info.min >= -(2 ** 40) else -(2 ** 40)
        v[1] = info.max if info.max <= 2 ** 40 else 2 ** 40
    else:
        v = (rng.standard_normal(n) * 300).astype(dtype)
        v[0] = -1000.25
        v[1] = 3000.5
    return v.reshape(shape, order="F")


def header(cls, endian, dtype):
    h = cls.header_class(endianness=endian)
    h.set_data_dtype(dtype)
    return h


def save(name, img):
    path = os.path.join(OUT, name)
    nib.save(img, path)
    return path


def make(rng):
    made = []
    rot = affine((0.8, 0.9, 2.5), (0.2, -0.1, 0.35), (-90.5, 30.25, 12.0))
    rot2 = affine((1.5, 1.2, 3.0), (-0.3, 0.15, 1.1), (10.0, -20.0, 5.5))
    flip = affine((0.7, 0.7, 2.0), (0.05, 0.4, -0.2), (3.0, 4.0, -5.0), True)

    # 1: uint8, NIfTI-1, little-endian, sform and qform of a rotation
    img = nib.Nifti1Image(data(np.uint8, rng), rot,
                          header(nib.Nifti1Image, "<", np.uint8))
    img.header.set_sform(rot, code=2)
    img.header.set_qform(rot, code=1)
    made.append(save("u8_n1.nii", img))

    # 2: int8, NIfTI-1, gzip
    img = nib.Nifti1Image(data(np.int8, rng), rot2,
                          header(nib.Nifti1Image, "<", np.int8))
    made.append(save("i8_n1.nii.gz", img))

    # 3: float data stored as big-endian int16: nibabel picks slope/inter
    raw = data(np.float32, rng).astype(np.float64) * 1.7 + 12.3
    img = nib.Nifti1Image(raw, rot, header(nib.Nifti1Image, ">", np.int16))
    made.append(save("i16_n1_be_scaled.nii.gz", img))

    # 4: uint16, NIfTI-2
    img = nib.Nifti2Image(data(np.uint16, rng), rot2,
                          header(nib.Nifti2Image, "<", np.uint16))
    made.append(save("u16_n2.nii", img))

    # 5: int32, NIfTI-1, big-endian
    img = nib.Nifti1Image(data(np.int32, rng), rot,
                          header(nib.Nifti1Image, ">", np.int32))
    made.append(save("i32_n1_be.nii", img))

    # 6: uint32, NIfTI-2, big-endian, gzip
    img = nib.Nifti2Image(data(np.uint32, rng), rot2,
                          header(nib.Nifti2Image, ">", np.uint32))
    made.append(save("u32_n2_be.nii.gz", img))

    # 7: int64, NIfTI-2, gzip
    img = nib.Nifti2Image(data(np.int64, rng), rot,
                          header(nib.Nifti2Image, "<", np.int64))
    made.append(save("i64_n2.nii.gz", img))

    # 8: uint64, NIfTI-1
    img = nib.Nifti1Image(data(np.uint64, rng), rot2,
                          header(nib.Nifti1Image, "<", np.uint64))
    made.append(save("u64_n1.nii", img))

    # 9: float32, qform only, qfac -1 (a left-handed grid), gzip
    img = nib.Nifti1Image(data(np.float32, rng), None,
                          header(nib.Nifti1Image, "<", np.float32))
    img.header.set_qform(flip, code=1)
    img.header.set_sform(None, code=0)
    made.append(save("f32_n1_qform.nii.gz", img))

    # 10: float64, NIfTI-2, big-endian, sform with a shear
    shear = rot2.copy()
    shear[0, 1] += 0.4
    shear[2, 0] -= 0.25
    img = nib.Nifti2Image(data(np.float64, rng), None,
                          header(nib.Nifti2Image, ">", np.float64))
    img.header.set_sform(shear, code=1)
    img.header.set_qform(rot2, code=0)
    made.append(save("f64_n2_be_shear.nii", img))

    # 11: float32, neither sform nor qform: pixdim only
    img = nib.Nifti1Image(data(np.float32, rng), None,
                          header(nib.Nifti1Image, "<", np.float32))
    img.header.set_zooms((0.8, 0.9, 2.5))
    img.header.set_sform(None, code=0)
    img.header.set_qform(None, code=0)
    made.append(save("f32_n1_noxform.nii", img))

    # 12: int16 with scl_slope 0 (no scaling) written by hand via nibabel
    h = nib.Nifti1Header()
    h.set_data_dtype(np.int16)
    h.set_data_shape(SHAPE)
    h.set_zooms((1.0, 1.0, 2.0))
    h.set_sform(rot, code=1)
    h["scl_slope"] = 0
    h["scl_inter"] = 7
    h["vox_offset"] = 352
    path = os.path.join(OUT, "i16_n1_slope0.nii")
    with open(path, "wb") as f:
        h.write_to(f)  # 348 bytes plus the empty extension flag
        assert f.tell() == 352
        f.write(data(np.int16, rng).astype("<i2").tobytes(order="F"))
    made.append(path)

    # 13: rank 2 (one slice)
    img = nib.Nifti1Image(data(np.int16, rng, (7, 5)), rot2,
                          header(nib.Nifti1Image, "<", np.int16))
    made.append(save("i16_n1_2d.nii.gz", img))

    # 14: rank 4 with a time extent of 1, and an extension block
    img = nib.Nifti1Image(data(np.float32, rng, (7, 5, 3, 1)), rot,
                          header(nib.Nifti1Image, "<", np.float32))
    ext = nib.nifti1.Nifti1Extension("comment", b"written by nibabel " * 5)
    img.header.extensions.append(ext)
    made.append(save("f32_n1_4d_ext.nii.gz", img))
    return made


def describe(path):
    img = nib.load(path)
    # nibabel moves scaling out of a loaded image's header: read the raw one
    with nib.openers.ImageOpener(path) as f:
        h = img.header_class.from_fileobj(f)
    version = 2 if isinstance(img, nib.Nifti2Image) else 1
    slope, inter = float(h["scl_slope"]), float(h["scl_inter"])
    if h["sform_code"] > 0 or h["qform_code"] > 0:
        aff = img.affine
    else:
        aff = h.get_qform(coded=False)
    shape = list(img.shape) + [1] * (3 - len(img.shape))
    values = np.asarray(img.get_fdata(), dtype=np.float64)
    values = values.reshape(shape[:3], order="F")
    zooms = list(h.get_zooms()) + [1.0] * 3
    return {
        "file": os.path.basename(path),
        "version": version,
        "endianness": "big" if h.endianness == ">" else "little",
        "datatype": int(h["datatype"]),
        "vox_offset": int(h["vox_offset"]),
        "shape": [int(s) for s in shape[:3]],
        "spacing": [float(z) for z in zooms[:3]],
        "sform_code": int(h["sform_code"]),
        "qform_code": int(h["qform_code"]),
        "scl_slope": None if not np.isfinite(slope) else slope,
        "scl_inter": None if not np.isfinite(inter) else inter,
        "affine": [[float(x) for x in row] for row in aff],
        "values": [float(x) for x in values.ravel(order="F")],
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20240611)
    made = make(rng)
    entries = [describe(p) for p in made]
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"nibabel": nib.__version__, "fixtures": entries}, f, indent=1)
        f.write("\n")
    for e in entries:
        print(e["file"], e["version"], e["endianness"], e["datatype"],
              e["shape"], e["scl_slope"], e["scl_inter"],
              e["sform_code"], e["qform_code"])


if __name__ == "__main__":
    main()
