// dwv's SR reader (dwv's AnnotationGroupFactory, what its viewer loads an SR with):
//   node dwv-sr.mjs REPORT.dcm
// prints {"annotations":[{trackingId, trackingUid, sopInstanceUid, frame,
// shape, points, meta}], "warnings":[...]}: points are dwv's (SCOORD, +0.5 at
// the pixel centre); meta is what dwv keeps of the coded items (text).
import fs from 'node:fs';
import { fail } from './common.mjs';

const [report] = process.argv.slice(2);
if (!report) fail('usage: node dwv-sr.mjs REPORT.dcm');
const warnings = [];
const collect = (...args) => warnings.push(args.map(String).join(' '));
console.warn = collect;
console.log = () => {};
console.info = () => {};
const dwv = await import('dwv');
dwv.logger.level = dwv.logger.levels.WARN;

const bytes = fs.readFileSync(report);
const parser = new dwv.DicomParser();
parser.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const factory = new dwv.AnnotationGroupFactory();
const elements = parser.getDicomElements();
const check = factory.checkElements(elements);
if (check) fail(`dwv: ${check}`);
let group;
try {
  group = factory.create(elements);
} catch (e) {
  fail(`dwv: ${e.message}`);
}

function shapeOf(shape) {
  // dwv's bundle is minified: name the shape by its exported class.
  const kinds = ['Point2D', 'Line', 'Protractor', 'ROI', 'Rectangle', 'Circle', 'Ellipse'];
  const name = kinds.find(k => typeof dwv[k] === 'function' && shape instanceof dwv[k]) ??
    (typeof shape?.getBegin === 'function' ? 'Line' : 'unknown');
  const pts = [];
  if (typeof shape?.getX === 'function') pts.push([shape.getX(), shape.getY()]);
  else if (typeof shape?.getBegin === 'function') {
    pts.push([shape.getBegin().getX(), shape.getBegin().getY()], [shape.getEnd().getX(), shape.getEnd().getY()]);
  } else if (typeof shape?.getPoint === 'function' && typeof shape?.getLength === 'function') {
    for (let i = 0; i < shape.getLength(); ++i) pts.push([shape.getPoint(i).getX(), shape.getPoint(i).getY()]);
  }
  return { name, points: pts };
}

const annotations = group.getList().map(a => {
  const meta = {};
  for (const id of a.getMetaConceptIds()) {
    const item = a.getMetaItem(id);
    meta[item.concept.meaning] = typeof item.value === 'string' ? item.value : item.value?.meaning ?? String(item.value);
  }
  const shape = shapeOf(a.mathShape);
  return {
    trackingId: a.trackingId ?? null,
    trackingUid: a.trackingUid ?? null,
    sopInstanceUid: a.referencedSopInstanceUID ?? null,
    frame: a.referencedFrameNumber ?? null,
    shape: shape.name,
    points: shape.points,
    quantification: a.quantification ?? null,
    meta,
  };
});
process.stdout.write(JSON.stringify({ annotations, warnings }, null, 1) + '\n');
