// dwv's SR writer: read REPORT with dwv's AnnotationGroupFactory, write the
// annotations back with its toDicom + DicomWriter (what dwv saves):
//   node dwv-rewrite-sr.mjs REPORT.dcm OUT.dcm
// prints {"annotations": n}.
import fs from 'node:fs';
import { fail } from './common.mjs';

const [input, output] = process.argv.slice(2);
if (!input || !output) fail('usage: node dwv-rewrite-sr.mjs REPORT.dcm OUT.dcm');
console.warn = () => {};
console.log = () => {};
const dwv = await import('dwv');
const bytes = fs.readFileSync(input);
const parser = new dwv.DicomParser();
parser.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const factory = new dwv.AnnotationGroupFactory();
let group;
try {
  group = factory.create(parser.getDicomElements());
} catch (e) {
  fail(`dwv read: ${e.message}`);
}
const elements = factory.toDicom(group);
const writer = new dwv.DicomWriter();
const buffer = writer.getBuffer(elements);
fs.writeFileSync(output, Buffer.from(buffer));
process.stdout.write(JSON.stringify({ annotations: group.getList().length }) + '\n');
