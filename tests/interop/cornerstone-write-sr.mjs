// Cornerstone3D's SR writer (what OHIF v3 saves measurements with):
//   node cornerstone-write-sr.mjs OUT.dcm SOP_INSTANCE_UID FRAME IMAGE_DIR...
// writes a TID 1500 report with MeasurementReport.generateReport holding one
// Probe, Length, closed PlanarFreehandROI and ArrowAnnotate on that frame, and
// prints {"annotations":[{toolType, label, points}]} with the image points
// (pixel centre at +0.5) each tool was given.
import fs from 'node:fs';
import { fail, loadImages, metadataProvider, readDataset } from './common.mjs';

const [out, sop, frameText, ...dirs] = process.argv.slice(2);
if (!out || !sop || !frameText || dirs.length === 0) fail('usage: node cornerstone-write-sr.mjs OUT.dcm SOP FRAME IMAGE_DIR...');
console.warn = () => {};
console.info = () => {};
console.log = () => {};
const { metaData, utilities } = await import('@cornerstonejs/core');
const { adaptersSR } = await import('@cornerstonejs/adapters');
const dcmjs = (await import('dcmjs')).default;

const images = loadImages(dirs);
const base = metadataProvider(images);
const im = [...images.values()].find(i => i.sopInstanceUid === sop && i.frame === Number(frameText));
if (!im) fail(`no image ${sop} frame ${frameText}`);
const header = readDataset(im.file).dataset;
const provider = (type, imageId) => {
  if (type === 'instance' && images.has(imageId)) return { ...header, ...base(type, imageId) };
  return base(type, imageId);
};
metaData.addProvider(provider, 10000);
const metadata = { get: (type, imageId) => metaData.get(type, imageId) };

const toWorld = pts => pts.map(p => utilities.imageToWorldCoords(im.imageId, p));
const shapes = {
  Probe: { label: 'probe here', points: [[200.5, 210.5]] },
  Length: { label: 'gap', points: [[100.5, 100.5], [140.5, 130.5]] },
  PlanarFreehandROI: { label: 'leak area', points: [[300.5, 300.5], [340.5, 300.5], [340.5, 340.5], [300.5, 340.5]] },
  ArrowAnnotate: { label: 'look', points: [[250.5, 260.5], [270.5, 280.5]] },
};
const toolState = { [im.imageId]: {} };
for (const [toolType, s] of Object.entries(shapes)) {
  const world = toWorld(s.points);
  const annotation = {
    annotationUID: dcmjs.data.DicomMetaDictionary.uid(),
    metadata: { toolName: toolType, referencedImageId: im.imageId, FrameOfReferenceUID: im.frameOfReferenceUid },
    data: { label: s.label, text: s.label, handles: { points: world, textBox: {} }, cachedStats: {}, frameNumber: im.frame },
  };
  if (toolType === 'PlanarFreehandROI') annotation.data.contour = { polyline: world, closed: true };
  if (toolType === 'Length') annotation.data.cachedStats[`imageId:${im.imageId}`] = { length: 12.5, unit: 'mm' };
  if (toolType === 'PlanarFreehandROI')
    annotation.data.cachedStats[`imageId:${im.imageId}`] = { area: 81, areaUnit: 'mm²', perimeter: 36, unit: 'mm' };
  toolState[im.imageId][toolType] = { data: [annotation] };
}
let report;
try {
  report = adaptersSR.Cornerstone3D.MeasurementReport.generateReport(toolState, metadata, {});
} catch (e) {
  fail(`generateReport: ${e.stack}`);
}
const buffer = dcmjs.data.datasetToBuffer(report.dataset);
fs.writeFileSync(out, Buffer.from(buffer));
process.stdout.write(JSON.stringify({ annotations: Object.entries(shapes).map(([toolType, s]) => ({ toolType, ...s })) }, null, 1) + '\n');
