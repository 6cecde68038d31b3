// Shared by the peer-reader scripts: read DICOM files with dcmjs (the peers'
// own parser) and describe the source images the way a web viewer's metadata
// provider would (imageId per frame, image plane).
import fs from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';

const { DicomMessage, DicomMetaDictionary } = dcmjs.data;

export function readDataset(file, { withPixels = false } = {}) {
  const bytes = fs.readFileSync(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const options = withPixels ? {} : { untilTag: '7FE00010', includeUntilTagValue: false };
  const dicom = DicomMessage.readFile(buffer, options);
  const dataset = DicomMetaDictionary.naturalizeDataset(dicom.dict);
  dataset._meta = DicomMetaDictionary.namifyDataset(dicom.meta);
  return { dataset, buffer };
}

export function listFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

const asArray = v => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const num = (v, d) => (v === undefined || v === null || v === '' ? d : Number(v));

// One entry per frame of every DICOM image under `dirs` (non-DICOM files are skipped).
// imageId "wadouri:annulo/<SOPInstanceUID>[?frame=N]"; the plane is the image's own
// (Image Plane module / per-frame groups) or, for a projection image without
// one (XA), the identity plane at the origin with the detector spacing:
// a convention of this test, applied the same way both directions.
export function loadImages(dirs) {
  const images = new Map();
  for (const dir of dirs) {
    for (const file of listFiles(dir)) {
      let ds;
      try {
        ds = readDataset(file).dataset;
      } catch (e) {
        continue;
      }
      if (!ds.SOPInstanceUID || ds.Rows === undefined) continue;
      const frames = num(ds.NumberOfFrames, 1);
      const spacing = asArray(ds.PixelSpacing ?? ds.ImagerPixelSpacing).map(Number);
      const iop = asArray(ds.ImageOrientationPatient).map(Number);
      const ipp = asArray(ds.ImagePositionPatient).map(Number);
      for (let f = 1; f <= frames; ++f) {
        // OHIF's local/wadouri form: a 1-based ?frame= for multi-frame (the SEG loader parses it).
        const imageId = frames > 1 ? `wadouri:annulo/${ds.SOPInstanceUID}?frame=${f}` : `wadouri:annulo/${ds.SOPInstanceUID}`;
        images.set(imageId, {
          imageId,
          file,
          frame: f,
          frames,
          sopInstanceUid: ds.SOPInstanceUID,
          sopClassUid: ds.SOPClassUID,
          seriesInstanceUid: ds.SeriesInstanceUID,
          studyInstanceUid: ds.StudyInstanceUID,
          frameOfReferenceUid: ds.FrameOfReferenceUID,
          rows: ds.Rows,
          columns: ds.Columns,
          rowPixelSpacing: spacing[0] || 1,
          columnPixelSpacing: spacing[1] || 1,
          rowCosines: iop.length === 6 ? iop.slice(0, 3) : [1, 0, 0],
          columnCosines: iop.length === 6 ? iop.slice(3, 6) : [0, 1, 0],
          imagePositionPatient: ipp.length === 3 ? ipp : [0, 0, 0],
          hasPlane: iop.length === 6 && ipp.length === 3,
        });
      }
    }
  }
  return images;
}

// `${SOPInstanceUID}:${frame}` -> imageId, the key generateToolState uses.
export function sopFrameMap(images) {
  const map = {};
  for (const im of images.values()) map[`${im.sopInstanceUid}:${im.frame}`] = im.imageId;
  return map;
}

// What @cornerstonejs/core's metaData.get answers for our imageIds.
export function metadataProvider(images) {
  return (type, imageId) => {
    const im = images.get(imageId);
    if (!im) return undefined;
    switch (type) {
      case 'imagePlaneModule':
        return {
          frameOfReferenceUID: im.frameOfReferenceUid,
          rows: im.rows,
          columns: im.columns,
          rowCosines: im.rowCosines,
          columnCosines: im.columnCosines,
          imageOrientationPatient: [...im.rowCosines, ...im.columnCosines],
          imagePositionPatient: im.imagePositionPatient,
          rowPixelSpacing: im.rowPixelSpacing,
          columnPixelSpacing: im.columnPixelSpacing,
          pixelSpacing: [im.rowPixelSpacing, im.columnPixelSpacing],
          sliceThickness: 1,
        };
      case 'imagePixelModule':
        return { rows: im.rows, columns: im.columns, bitsAllocated: 8, samplesPerPixel: 1 };
      case 'generalImageModule':
        return { sopInstanceUID: im.sopInstanceUid, instanceNumber: 1, frameNumber: im.frame };
      case 'generalSeriesModule':
        return { seriesInstanceUID: im.seriesInstanceUid, studyInstanceUID: im.studyInstanceUid };
      case 'sopCommonModule':
        return { sopInstanceUID: im.sopInstanceUid, sopClassUID: im.sopClassUid };
      case 'frameNumber':
        return im.frame;
      case 'instance':
        return {
          SOPInstanceUID: im.sopInstanceUid,
          SOPClassUID: im.sopClassUid,
          SeriesInstanceUID: im.seriesInstanceUid,
          StudyInstanceUID: im.studyInstanceUid,
          NumberOfFrames: im.frames,
          FrameOfReferenceUID: im.frameOfReferenceUid,
          Rows: im.rows,
          Columns: im.columns,
        };
      default:
        return undefined;
    }
  };
}

export function fail(message) {
  process.stderr.write(`interop: ${message}\n`);
  process.exit(1);
}
