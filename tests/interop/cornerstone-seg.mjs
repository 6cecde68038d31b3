// Cornerstone3D's SEG reader (what OHIF uses to show a DICOM SEG as a label map):
//   node cornerstone-seg.mjs SEG.dcm LABELS_OUT.raw IMAGE_DIR...
// Loads the SEG over the frames of the series it references (in frame order)
// with adaptersSEG.Cornerstone3D.Segmentation.createLabelmapsFromDICOMBuffer,
// writes the label map it made (uint8, frames x rows x columns, segment
// numbers) to LABELS_OUT.raw and prints {"frames","rows","columns","segments",
// "segmentsOnFrame","warnings"}.
import fs from 'node:fs';
import { fail, loadImages, metadataProvider, readDataset } from './common.mjs';

const [segPath, outPath, ...dirs] = process.argv.slice(2);
if (!segPath || !outPath || dirs.length === 0) fail('usage: node cornerstone-seg.mjs SEG.dcm LABELS_OUT.raw IMAGE_DIR...');

const warnings = [];
console.warn = (...args) => warnings.push(args.map(a => (a instanceof Error ? a.message : typeof a === 'string' ? a : '')).join(' ').trim());
console.info = () => {};
console.log = () => {};
console.debug = () => {};
const { metaData } = await import('@cornerstonejs/core');
const { adaptersSEG } = await import('@cornerstonejs/adapters');

const images = loadImages(dirs);
metaData.addProvider(metadataProvider(images), 10000);
const metadata = { get: (type, imageId) => metaData.get(type, imageId) };

const { dataset: seg, buffer } = readDataset(segPath, { withPixels: true });
const series = [seg.ReferencedSeriesSequence].flat()[0]?.SeriesInstanceUID;
if (!series) fail(`${segPath}: no ReferencedSeriesSequence`);
const referencedImageIds = [...images.values()]
  .filter(im => im.seriesInstanceUid === series)
  .sort((a, b) => (a.sopInstanceUid === b.sopInstanceUid ? a.frame - b.frame : a.file < b.file ? -1 : 1))
  .map(im => im.imageId);
if (referencedImageIds.length === 0) fail(`no loaded image of series ${series}`);

let result;
try {
  result = await adaptersSEG.Cornerstone3D.Segmentation.createLabelmapsFromDICOMBuffer(
    referencedImageIds, buffer, metadata, { tolerance: 1e-3, parserType: 'bitmap' });
} catch (e) {
  fail(`createLabelmapsFromDICOMBuffer: ${e.message}`);
}
const first = images.get(referencedImageIds[0]);
const sliceLength = first.rows * first.columns;
const out = new Uint8Array(sliceLength * referencedImageIds.length);
const layers = result.labelMapImages;
for (const layer of layers) {
  layer.forEach((image, index) => {
    const data = image.voxelManager ? image.voxelManager.getScalarData() : image.getPixelData();
    for (let k = 0; k < sliceLength; ++k) if (data[k]) out[index * sliceLength + k] = data[k];
  });
}
fs.writeFileSync(outPath, out);
const segments = [seg.SegmentSequence].flat().map(s => ({ number: s.SegmentNumber, label: s.SegmentLabel,
  cielab: s.RecommendedDisplayCIELabValue ?? null }));
process.stdout.write(JSON.stringify({ frames: referencedImageIds.length, rows: first.rows, columns: first.columns,
  layers: layers.length, segments, segmentsOnFrame: Array.from(result.segmentsOnFrame, s => s ?? []), warnings }, null, 1) + '\n');
