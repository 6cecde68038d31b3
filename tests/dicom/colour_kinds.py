#!/usr/bin/env python3
"""Writes the colour kinds Annulo used to refuse, and pydicom's decoded values
beside each (NAME.dcm + NAME.raw: frames x rows x columns x 3 RGB samples,
little-endian uint16 for 16-bit files, uint8 for YBR_FULL_422 after pydicom's
YBR_FULL -> RGB conversion).

usage: colour_kinds.py OUTDIR     (ColourKindsTest runs it; needs pydicom + numpy)
"""
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixel_data_handlers.util import convert_color_space
from pydicom.uid import ExplicitVRLittleEndian, RLELossless

out = sys.argv[1]


def dataset(name, rows, cols, frames, bits_allocated, bits_stored, photometric, planar=0):
    ds = Dataset()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"  # Secondary Capture
    meta.MediaStorageSOPInstanceUID = "1.2.826.0.1.3680043.10.77." + str(abs(hash(name)) % 10**8)
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.10.77.1"
    ds.SeriesInstanceUID = meta.MediaStorageSOPInstanceUID + ".1"
    ds.Modality, ds.PatientName, ds.PatientID = "OT", "COLOUR^KINDS", "C1"
    ds.Rows, ds.Columns, ds.SamplesPerPixel = rows, cols, 3
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.PhotometricInterpretation = photometric
    ds.PlanarConfiguration = planar
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = bits_allocated, bits_stored, bits_stored - 1, 0
    return ds


def rgb16(frames, rows, cols, bits):
    rng = np.random.default_rng(18)
    a = rng.integers(0, 1 << bits, size=(frames, rows, cols, 3), dtype=np.uint16)
    a[0, 0, 0] = (0, (1 << bits) - 1, 1 << (bits - 1))  # black, full, half
    return a


def save(ds, name, expect):
    ds.save_as(f"{out}/{name}.dcm", write_like_original=False)
    back = pydicom.dcmread(f"{out}/{name}.dcm")
    px = back.pixel_array
    if back.PhotometricInterpretation == "YBR_FULL_422":
        px = convert_color_space(px, "YBR_FULL", "RGB")
    px = px.reshape(expect.shape)
    dtype = "<u2" if px.dtype.itemsize == 2 else "u1"
    with open(f"{out}/{name}.raw", "wb") as f:
        f.write(np.ascontiguousarray(px).astype(dtype).tobytes())


def native16(name, frames, planar, bits=16):
    a = rgb16(frames, 6, 10, bits)
    ds = dataset(name, 6, 10, frames, 16, bits, "RGB", planar)
    data = a.transpose(0, 3, 1, 2) if planar else a  # planar: R plane, G plane, B plane per frame
    ds.PixelData = np.ascontiguousarray(data).astype("<u2").tobytes()
    save(ds, name, a)


native16("rgb16-single", 1, 0)
native16("rgb16-multi", 3, 0)
native16("rgb16-planar", 2, 1)
native16("rgb12-multi", 2, 0, bits=12)
for frames in (1, 3):
    a = rgb16(frames, 6, 10, 16)
    ds = dataset(f"rgb16-rle-{frames}", 6, 10, frames, 16, 16, "RGB")
    ds.PixelData = a.astype("<u2").tobytes()
    ds.compress(RLELossless)
    save(ds, f"rgb16-rle-{frames}", a)

# YBR_FULL_422, uncompressed: Y1 Y2 Cb Cr per pixel pair (PS3.3 C.7.6.3.1.2).
rng = np.random.default_rng(422)
frames, rows, cols = 2, 4, 8
y = rng.integers(16, 236, size=(frames, rows, cols), dtype=np.uint8)
cb = rng.integers(16, 241, size=(frames, rows, cols // 2), dtype=np.uint8)
cr = rng.integers(16, 241, size=(frames, rows, cols // 2), dtype=np.uint8)
packed = np.stack([y[..., 0::2], y[..., 1::2], cb, cr], axis=-1)
ds = dataset("ybr422", rows, cols, frames, 8, 8, "YBR_FULL_422")
ds.PixelData = packed.tobytes()
save(ds, "ybr422", np.zeros((frames, rows, cols, 3), np.uint8))
print("ok")
