#!/usr/bin/env python3
"""pydicom's reading of a DICOM SEG onto a series, for SegmentationTest.

usage: seg_reference.py SEG.dcm OUT.raw SOPUID:FRAME...   (the series' slices, in its order)
Writes slices x rows x columns uint8: the highest segment number whose fraction
(binary: the bit; fractional: value / MaximumFractionalValue) is >= 0.5.
Frames are placed by their Derivation Image > Source Image reference.
"""
import sys

import numpy as np
import pydicom

seg = pydicom.dcmread(sys.argv[1])
slices = {}
for i, ref in enumerate(sys.argv[3:]):
    uid, frame = ref.rsplit(":", 1)
    slices[(uid, int(frame))] = i
px = seg.pixel_array.reshape(int(getattr(seg, "NumberOfFrames", 1)), seg.Rows, seg.Columns)
fractional = seg.SegmentationType == "FRACTIONAL"
top = float(getattr(seg, "MaximumFractionalValue", 1)) if fractional else 1.0
out = np.zeros((len(slices), seg.Rows, seg.Columns), np.uint8)
shared = seg.SharedFunctionalGroupsSequence[0] if "SharedFunctionalGroupsSequence" in seg else None


def group(pf, name):
    if name in pf:
        return getattr(pf, name)[0]
    return getattr(shared, name)[0] if shared is not None and name in shared else None


for f, pf in enumerate(seg.PerFrameFunctionalGroupsSequence):
    number = int(group(pf, "SegmentIdentificationSequence").ReferencedSegmentNumber)
    where = None
    for src in group(pf, "DerivationImageSequence").SourceImageSequence:
        key = (src.ReferencedSOPInstanceUID, int(getattr(src, "ReferencedFrameNumber", 1)))
        if key in slices:
            where = slices[key]
            break
    if where is None:
        continue
    on = (px[f] / top >= 0.5) if fractional else (px[f] != 0)
    out[where][on] = np.maximum(out[where][on], number)
out.tofile(sys.argv[2])
print(int(out.astype(np.int64).sum()))
