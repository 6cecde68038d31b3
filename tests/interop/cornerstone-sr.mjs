// Cornerstone3D's SR reader (what OHIF v3 uses to make SR measurements editable):
//   node cornerstone-sr.mjs REPORT.dcm IMAGE_DIR...
// prints {"annotations":[...], "warnings":[...]} with each annotation's tool,
// image, frame, label, tracking UID and points: 2D points back in image pixels
// (Cornerstone's worldToImageCoords, so +0.5 at the pixel centre), 3D in mm.
import { fail, loadImages, metadataProvider, readDataset, sopFrameMap } from './common.mjs';

const [report, ...dirs] = process.argv.slice(2);
if (!report || dirs.length === 0) fail('usage: node cornerstone-sr.mjs REPORT.dcm IMAGE_DIR...');

const warnings = [];
// The adapters log a failed group with console.warn and go on: collect those.
const logged = (...args) => warnings.push(args.map(a => (a instanceof Error ? a.message : typeof a === 'string' ? a : '')).join(' ').trim());
console.warn = logged;
console.info = () => {};
console.log = () => {};
console.debug = () => {};
// Imported after console is patched: the adapters' logger binds console methods when loaded.
const { metaData, utilities } = await import('@cornerstonejs/core');
const { adaptersSR } = await import('@cornerstonejs/adapters');

const images = loadImages(dirs);
const provider = metadataProvider(images);
metaData.addProvider(provider, 10000);
const metadata = { get: (type, imageId) => metaData.get(type, imageId) };

const { dataset } = readDataset(report);
const { MeasurementReport } = adaptersSR.Cornerstone3D;
const state = MeasurementReport.generateToolState(dataset, sopFrameMap(images), metadata);

const annotations = [];
for (const [toolType, list] of Object.entries(state)) {
  for (const m of list) {
    const a = m.annotation;
    const imageId = a.metadata.referencedImageId;
    const im = imageId ? images.get(imageId) : undefined;
    const world = a.data.contour?.polyline ?? a.data.handles?.points ?? [];
    const points = im ? world.map(p => utilities.worldToImageCoords(imageId, p)) : world;
    annotations.push({
      toolType,
      toolName: a.metadata.toolName,
      label: a.data.label ?? null,
      trackingUid: m.TrackingUniqueIdentifier ?? null,
      sopInstanceUid: im ? im.sopInstanceUid : null,
      frame: im ? im.frame : null,
      frameNumber: a.data.frameNumber ?? null,
      frameOfReferenceUid: a.metadata.FrameOfReferenceUID ?? null,
      closed: a.data.contour ? !!a.data.contour.closed : null,
      finding: m.finding ? m.finding.CodeMeaning : null,
      findingSites: (m.findingSites || []).map(s => s.CodeMeaning),
      points,
    });
  }
}
process.stdout.write(JSON.stringify({ annotations, warnings }, null, 1) + '\n');
