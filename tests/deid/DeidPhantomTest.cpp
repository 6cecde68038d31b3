// De-identification of a planted phantom case: nothing planted survives (bytes,
// sequences, paths), each attribute's action is the table's, the objects still
// validate, the SR/SEG/GSPS still resolve, and the keyed UIDs are reproducible.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "DeidFixtures.h"
#include "deid/ActionResolver.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using deidtest::plantedCase;
namespace fs = std::filesystem;

struct Output {
  test::TempDir dir;
  deid::DeidReport report;
  std::string error;
};

deid::DeidOptions basicOptions(const std::string& key = deidtest::testKey()) {
  deid::DeidOptions o;
  o.key = key;
  return o;
}

// One de-identified copy per distinct option set, made once.
const Output& deidentified(const std::string& name, const deid::DeidOptions& options) {
  static std::map<std::string, std::unique_ptr<Output>> cache;
  auto& slot = cache[name];
  if (!slot) {
    slot = std::make_unique<Output>();
    auto r = deid::deidentify(plantedCase().phantom.dir.path().string(), (slot->dir / "out").string(), options);
    if (r)
      slot->report = *r;
    else
      slot->error = r.message();
  }
  return *slot;
}

const Output& basic() { return deidentified("basic", basicOptions()); }

std::string str(DcmItem& item, const DcmTagKey& tag) {
  OFString v;
  item.findAndGetOFStringArray(tag, v);
  return v.c_str();
}

// Output file whose input was `input`.
std::string outputOf(const Output& out, const std::string& input) {
  for (const auto& f : out.report.files)
    if (fs::equivalent(f.input, input)) return f.output;
  return {};
}

std::string firstFileUnder(const fs::path& dir) { return deidtest::filesUnder(dir).front().string(); }

#define REQUIRE_OUTPUT(o)                        \
  do {                                           \
    ANNULO_REQUIRE_PLANTED();                    \
    ASSERT_TRUE((o).error.empty()) << (o).error; \
  } while (0)

TEST(DeidPhantom, EveryFileWrittenNothingRefused) {
  const Output& out = basic();
  REQUIRE_OUTPUT(out);
  for (const auto& f : out.report.files) EXPECT_TRUE(f.refusal.empty()) << f.input << ": " << f.refusal;
  EXPECT_EQ(out.report.written(), 5 + 1 + 3);  // 5 MR slices, the XA cine, SR + SEG + GSPS
}

TEST(DeidPhantom, NoPlantedValueSurvivesAnywhere) {
  const Output& out = basic();
  REQUIRE_OUTPUT(out);
  std::vector<std::string> secrets(plantedCase().xaPlanted.strings.begin(), plantedCase().xaPlanted.strings.end());
  secrets.insert(secrets.end(), plantedCase().mrPlanted.strings.begin(), plantedCase().mrPlanted.strings.end());
  for (const auto& u : plantedCase().originalUids) secrets.push_back(u);
  for (const auto& s : plantedCase().srSecrets) secrets.push_back(s);
  ASSERT_GT(secrets.size(), 500u);  // the table's ~600 attributes, most of them plantable
  const auto files = deidtest::filesUnder(out.dir / "out");
  ASSERT_EQ(files.size(), 9u);
  for (const auto& file : files) {
    const std::string bytes = deidtest::readBytes(file);
    for (const auto& s : secrets) {
      EXPECT_EQ(bytes.find(s), std::string::npos) << "'" << s << "' survives in " << file;
      EXPECT_EQ(file.string().find(s), std::string::npos) << "'" << s << "' in the path " << file;
    }
  }
}

// What happened to an attribute: X absent, Z empty, D a different value, U a new 2.25 UID, K unchanged.
char observed(DcmItem& ds, const deid::ProfileRule& r, const std::string& planted) {
  DcmElement* el = nullptr;
  if (ds.findAndGetElement(DcmTagKey(r.group, r.element), el).bad() || !el) return 'X';
  if (el->ident() == EVR_SQ) return static_cast<DcmSequenceOfItems*>(el)->card() == 0 ? 'Z' : 'D';
  if (el->getLength() == 0) return 'Z';
  OFString v;
  el->getOFStringArray(v);
  if (!planted.empty() && planted == v.c_str()) return 'K';
  if (el->ident() == EVR_UI) return v.substr(0, 5) == "2.25." ? 'U' : '?';
  return 'D';
}

// The letters a Basic Profile entry allows ("X/Z/U*" keeps the sequence with its
// UIDs replaced: observed as a non-empty sequence, 'D' above).
std::string allowed(const std::string& basic) {
  std::string a;
  for (char c : basic)
    if (c == 'X' || c == 'Z' || c == 'D' || c == 'U') a += c;
  if (basic == "X/Z/U*") a += 'D';
  return a;
}

void expectTableActions(const std::string& file, const deidtest::Planted& planted, const char* what) {
  SCOPED_TRACE(what);
  DcmFileFormat f;
  ASSERT_TRUE(f.loadFile(file.c_str()).good()) << file;
  DcmDataset& ds = *f.getDataset();
  const auto& rules = deid::ConfidentialityProfile::standard().rules();
  // The IOD decides these combined entries (PS3.3 Patient, General Study, Contrast/Bolus: Type 2).
  const std::map<std::string, char> resolved = {
      {"Patient's Sex Neutered", 'Z'}, {"Contrast/Bolus Agent", 'Z'}, {"Content Date", 'Z'},
      {"Content Time", 'Z'},           {"Device Serial Number", 'X'}, {"Operators' Name", 'X'},
      {"Institution Name", 'X'},       {"Station Name", 'X'},         {"Series Date", 'X'},
      {"Acquisition DateTime", 'X'},   {"Study Date", 'Z'},           {"Accession Number", 'Z'},
  };
  int checked = 0;
  for (const auto& [index, value] : planted.byRule) {
    const auto& r = rules[index];
    if (r.group == 0x0010 && (r.element == 0x0010 || r.element == 0x0020)) continue;  // the pseudonym
    const char got = observed(ds, r, value);
    auto it = resolved.find(r.name);
    if (it != resolved.end())
      EXPECT_EQ(got, it->second) << r.name << " (" << r.basic << ")";
    else if (got == 'U' && r.basic.find('D') != std::string::npos)
      EXPECT_EQ(DcmTag(r.group, r.element).getEVR(), EVR_UI) << r.name;  // a UID's dummy is a new UID
    else
      EXPECT_NE(allowed(r.basic).find(got), std::string::npos) << r.name << " is " << r.basic << ", observed " << got;
    ++checked;
  }
  EXPECT_GT(checked, 400) << "too few planted attributes checked";
  EXPECT_EQ(str(ds, DCM_PatientName), "TEACHING^CASE-1");
  EXPECT_EQ(str(ds, DCM_PatientID), "CASE-1");
  EXPECT_EQ(str(ds, DCM_PatientIdentityRemoved), "YES");
  EXPECT_EQ(str(ds, DCM_DeidentificationMethod), "Basic Application Confidentiality Profile");
  DcmItem* code = nullptr;
  ASSERT_TRUE(ds.findAndGetSequenceItem(DCM_DeidentificationMethodCodeSequence, code, 0).good());
  EXPECT_EQ(str(*code, DCM_CodeValue), "113100");
  EXPECT_EQ(str(*code, DCM_CodingSchemeDesignator), "DCM");
  // Overlay and curve groups are gone entirely, private groups too.
  for (unsigned long i = 0; i < ds.card(); ++i) {
    const DcmTagKey t = ds.getElement(i)->getTag();
    EXPECT_FALSE(t.getGroup() >= 0x6000 && t.getGroup() <= 0x601E) << t.toString();
    EXPECT_FALSE(t.getGroup() >= 0x5000 && t.getGroup() <= 0x50FF) << t.toString();
    EXPECT_EQ(t.getGroup() % 2, 0) << t.toString();
  }
}

TEST(DeidPhantom, EachAttributeActionMatchesTheTable) {
  const Output& out = basic();
  REQUIRE_OUTPUT(out);
  const auto& p = plantedCase().phantom;
  expectTableActions(outputOf(out, p.xa->slices.front().file), plantedCase().xaPlanted, "XA");
  expectTableActions(outputOf(out, p.mr->slices.front().file), plantedCase().mrPlanted, "MR");
}

// Combined entries where the IOD makes the attribute Type 1: a dummy keeps it valid.
TEST(DeidPhantom, TypeOneAttributesGetDummiesInSrSegAndGsps) {
  const Output& out = basic();
  REQUIRE_OUTPUT(out);
  DcmFileFormat sr, seg, pr;
  ASSERT_TRUE(sr.loadFile(outputOf(out, plantedCase().srPath).c_str()).good());
  ASSERT_TRUE(seg.loadFile(outputOf(out, plantedCase().segPath).c_str()).good());
  ASSERT_TRUE(pr.loadFile(outputOf(out, plantedCase().grayPath).c_str()).good());
  EXPECT_EQ(str(*sr.getDataset(), DCM_ContentDate), "19000101");  // Z/D, SR Document General Type 1
  EXPECT_EQ(str(*sr.getDataset(), DCM_ContentTime), "000000");
  EXPECT_EQ(str(*seg.getDataset(), DCM_DeviceSerialNumber), "DEIDENTIFIED");   // X/Z/D, Enhanced Equipment Type 1
  EXPECT_EQ(str(*pr.getDataset(), DCM_PresentationCreationDate), "19000101");  // X, but PS Identification Type 1
  EXPECT_TRUE(pr.getDataset()->tagExists(DCM_ContentCreatorName));             // Z/D, Type 2: empty
  EXPECT_EQ(str(*pr.getDataset(), DCM_ContentCreatorName), "");
}

TEST(DeidPhantom, DciodvfyReportsNoNewErrors) {
  if (!srtest::haveTool("dciodvfy")) ANNULO_SKIP_MISSING("dciodvfy not installed");
  const Output& out = basic();
  REQUIRE_OUTPUT(out);
  for (const auto& f : out.report.files) {
    SCOPED_TRACE(f.input);
    const auto before = srtest::dciodvfyErrors(f.input);
    std::string all;
    const auto after = srtest::dciodvfyErrors(f.output, &all);
    for (const auto& e : after)
      EXPECT_NE(std::find(before.begin(), before.end(), e), before.end()) << "new: " << e << "\n" << all;
  }
}

TEST(DeidPhantom, ReportsStillResolveAgainstTheDeidentifiedImages) {
  const Output& out = basic();
  REQUIRE_OUTPUT(out);
  LoadOptions lo;
  lo.readPixels = false;
  auto loaded = loadSeries((out.dir / "out").string(), lo);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  std::vector<const Series*> series;
  std::set<std::string> instances;
  for (const auto& s : loaded->series) {
    series.push_back(&s);
    for (const auto& slice : s.slices) instances.insert(slice.sopInstanceUid);
  }
  ASSERT_EQ(series.size(), 2u);
  SrImportOptions io;
  io.loaded = series;
  auto sr = importSr(outputOf(out, plantedCase().srPath), io);
  ASSERT_TRUE(sr.ok()) << sr.message();
  EXPECT_TRUE(sr->warnings.empty()) << sr->warnings.front();
  ASSERT_EQ(sr->tears.size(), 4u);
  for (const auto& t : sr->tears) {
    EXPECT_EQ(instances.count(t.geometry.image.sopInstanceUid), 1u) << t.id;
    EXPECT_EQ(t.observer.rfind("READER^", 0), 0u) << t.observer;  // a keyed pseudonym, not the reader
  }
  EXPECT_EQ(sr->tears[0].comment, "DEIDENTIFIED");  // free text without Clean Structured Content
  // The tracking UIDs are replaced, the same way in every file.
  EXPECT_EQ(sr->tears[0].trackingUid.rfind("2.25.", 0), 0u);
  // SEG: its referenced series and instances are the de-identified XA.
  DcmFileFormat seg;
  ASSERT_TRUE(seg.loadFile(outputOf(out, plantedCase().segPath).c_str()).good());
  DcmItem* ref = nullptr;
  ASSERT_TRUE(seg.getDataset()->findAndGetSequenceItem(DCM_ReferencedSeriesSequence, ref, 0).good());
  const Series* xa = nullptr;
  for (const auto* s : series)
    if (s->series.modality == "XA") xa = s;
  ASSERT_NE(xa, nullptr);
  EXPECT_EQ(str(*ref, DCM_SeriesInstanceUID), xa->series.instanceUid);
  DcmItem* inst = nullptr;
  ASSERT_TRUE(ref->findAndGetSequenceItem(DCM_ReferencedInstanceSequence, inst, 0).good());
  EXPECT_EQ(str(*inst, DCM_ReferencedSOPInstanceUID), xa->slices.front().sopInstanceUid);
  EXPECT_EQ(str(*seg.getDataset(), DCM_StudyInstanceUID), xa->study.instanceUid);
  // GSPS: the referenced image is the de-identified cine.
  DcmFileFormat pr;
  ASSERT_TRUE(pr.loadFile(outputOf(out, plantedCase().grayPath).c_str()).good());
  DcmItem *rs = nullptr, *ri = nullptr;
  ASSERT_TRUE(pr.getDataset()->findAndGetSequenceItem(DCM_ReferencedSeriesSequence, rs, 0).good());
  EXPECT_EQ(str(*rs, DCM_SeriesInstanceUID), xa->series.instanceUid);
  ASSERT_TRUE(rs->findAndGetSequenceItem(DCM_ReferencedImageSequence, ri, 0).good());
  EXPECT_EQ(str(*ri, DCM_ReferencedSOPInstanceUID), xa->slices.front().sopInstanceUid);
  // The MR keeps one frame of reference, replaced.
  const Series* mr = series[0] == xa ? series[1] : series[0];
  EXPECT_EQ(mr->series.frameOfReferenceUid.rfind("2.25.", 0), 0u);
  EXPECT_NE(mr->series.frameOfReferenceUid, plantedCase().phantom.mr->series.frameOfReferenceUid);
}

std::map<std::string, std::string> uidsByInput(const Output& out) {
  std::map<std::string, std::string> m;
  for (const auto& f : out.report.files) {
    DcmFileFormat file;
    if (file.loadFile(f.output.c_str()).bad()) continue;
    m[fs::path(f.input).filename().string() + fs::path(f.input).parent_path().filename().string()] =
        str(*file.getDataset(), DCM_SOPInstanceUID) + "|" + str(*file.getDataset(), DCM_SeriesInstanceUID) + "|" +
        str(*file.getDataset(), DCM_StudyInstanceUID);
  }
  return m;
}

TEST(DeidPhantom, SameInputAndKeyGiveTheSameUids) {
  const Output& a = basic();
  REQUIRE_OUTPUT(a);
  const Output& again = deidentified("basic-again", basicOptions());
  const Output& other = deidentified("other-key", basicOptions("another key, also long enough"));
  ASSERT_TRUE(again.error.empty() && other.error.empty());
  const auto ua = uidsByInput(a), ub = uidsByInput(again), uo = uidsByInput(other);
  ASSERT_EQ(ua.size(), 9u);
  EXPECT_EQ(ua, ub);
  for (const auto& [file, uids] : ua) EXPECT_NE(uo.at(file), uids) << file;
  // Byte for byte the same files (nothing time- or random-dependent written).
  for (const auto& f : a.report.files) {
    const std::string twin = outputOf(again, f.input);
    EXPECT_EQ(deidtest::readBytes(f.output), deidtest::readBytes(twin)) << f.input;
  }
}

TEST(DeidPhantom, OptionsShiftDatesKeepCharacteristicsAndCleanText) {
  ANNULO_REQUIRE_PLANTED();
  deid::DeidOptions o = basicOptions();
  o.retainModifiedDates = true;
  o.retainPatientCharacteristics = true;
  o.cleanDescriptors = true;
  o.pseudonymName = "SPINE^TEACHING";
  o.pseudonymId = "TF-2026-01";
  const Output& out = deidentified("options", o);
  REQUIRE_OUTPUT(out);
  std::set<std::string> studyDates;
  for (const auto& f : out.report.files) {
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(f.output.c_str()).good());
    DcmDataset& ds = *file.getDataset();
    EXPECT_EQ(str(ds, DCM_PatientName), "SPINE^TEACHING");
    EXPECT_EQ(str(ds, DCM_PatientID), "TF-2026-01");
    EXPECT_EQ(str(ds, DCM_LongitudinalTemporalInformationModified), "MODIFIED");
    const std::string method = str(ds, DCM_DeidentificationMethod);
    EXPECT_NE(method.find("Retain Longitudinal Temporal Information Modified Dates Option"), std::string::npos);
    EXPECT_NE(method.find("Clean Descriptors Option"), std::string::npos);
    EXPECT_NE(method.find("Retain Patient Characteristics Option"), std::string::npos);
    studyDates.insert(str(ds, DCM_StudyDate));
  }
  // One shift for the patient: every file has the same, shifted, study date.
  ASSERT_EQ(studyDates.size(), 1u);
  const std::string shifted = *studyDates.begin();
  EXPECT_EQ(shifted.size(), 8u);
  EXPECT_NE(shifted, plantedCase().phantom.xa->study.date);
  EXPECT_LT(shifted, plantedCase().phantom.xa->study.date);

  const auto& p = plantedCase().phantom;
  DcmFileFormat mr;
  ASSERT_TRUE(mr.loadFile(outputOf(out, p.mr->slices.front().file).c_str()).good());
  // Planted dates (1971-02-03) moved by the same shift as the study date; times kept.
  const std::string acq = str(*mr.getDataset(), DCM_AcquisitionDate);
  EXPECT_EQ(acq.size(), 8u);
  EXPECT_NE(acq, "19710203");
  DcmFileFormat mrIn;
  ASSERT_TRUE(mrIn.loadFile(p.mr->slices.front().file.c_str()).good());
  EXPECT_EQ(str(*mr.getDataset(), DCM_AcquisitionTime), str(*mrIn.getDataset(), DCM_AcquisitionTime));
  EXPECT_FALSE(str(*mrIn.getDataset(), DCM_AcquisitionTime).empty());
  EXPECT_EQ(str(*mr.getDataset(), DCM_PatientAge), "052Y");  // Retain Patient Characteristics: K
  // Patient Birth Date has no option: still emptied.
  EXPECT_EQ(str(*mr.getDataset(), DCM_PatientBirthDate), "");
  // The SR comment is cleaned: the clinical part stays, the name goes.
  auto sr = importSr(outputOf(out, plantedCase().srPath));
  ASSERT_TRUE(sr.ok()) << sr.message();
  EXPECT_EQ(sr->tears[0].comment, "Leak at 6 o'clock, seen with Dr ***");
}

TEST(DeidPhantom, BlankingWritesADerivedSeriesThatReportsStillReference) {
  ANNULO_REQUIRE_PLANTED();
  deid::DeidOptions o = basicOptions();
  o.blanks = {{0, 0, 40, 12}, {100, 120, 50, 50}};  // the second one is clipped at the corner
  const Output& out = deidentified("blank", o);
  REQUIRE_OUTPUT(out);
  const auto& p = plantedCase().phantom;
  DcmFileFormat in, blanked, plain;
  ASSERT_TRUE(in.loadFile(p.xa->slices.front().file.c_str()).good());
  ASSERT_TRUE(blanked.loadFile(outputOf(out, p.xa->slices.front().file).c_str()).good());
  ASSERT_TRUE(plain.loadFile(outputOf(basic(), p.xa->slices.front().file).c_str()).good());
  const Uint8 *a = nullptr, *b = nullptr;
  unsigned long na = 0, nb = 0;
  ASSERT_TRUE(in.getDataset()->findAndGetUint8Array(DCM_PixelData, a, &na).good());
  ASSERT_TRUE(blanked.getDataset()->findAndGetUint8Array(DCM_PixelData, b, &nb).good());
  ASSERT_EQ(na, nb);
  const int w = 128, h = 128, frames = 12;
  ASSERT_EQ(na, static_cast<unsigned long>(w * h * frames));
  long blankedCount = 0, changedOutside = 0;
  for (int f = 0; f < frames; ++f)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const std::size_t i = std::size_t(f * w * h + y * w + x);
        const bool inside = (x < 40 && y < 12) || (x >= 100 && y >= 120);
        if (inside) {
          EXPECT_EQ(b[i], 0) << "frame " << f + 1 << " at " << x << "," << y;
          ++blankedCount;
        } else if (a[i] != b[i]) {
          ++changedOutside;
        }
      }
  EXPECT_EQ(blankedCount, long(frames) * (40 * 12 + 28 * 8));
  EXPECT_EQ(changedOutside, 0);
  DcmDataset& ds = *blanked.getDataset();
  EXPECT_EQ(str(ds, DCM_ImageType).rfind("DERIVED\\", 0), 0u);
  EXPECT_NE(str(ds, DCM_DerivationDescription).find("0,0,40,12"), std::string::npos);
  EXPECT_EQ(str(ds, DCM_BurnedInAnnotation), "NO");
  EXPECT_NE(str(ds, DCM_DeidentificationMethod).find("Clean Pixel Data Option"), std::string::npos);
  // A new series with new instance UIDs relative to the unblanked de-identification.
  EXPECT_NE(str(ds, DCM_SeriesInstanceUID), str(*plain.getDataset(), DCM_SeriesInstanceUID));
  EXPECT_NE(str(ds, DCM_SOPInstanceUID), str(*plain.getDataset(), DCM_SOPInstanceUID));
  EXPECT_EQ(str(ds, DCM_StudyInstanceUID), str(*plain.getDataset(), DCM_StudyInstanceUID));
  // The SR points at the blanked instance.
  LoadOptions lo;
  lo.readPixels = false;
  auto loaded = loadSeries((out.dir / "out").string(), lo);
  ASSERT_TRUE(loaded.ok());
  SrImportOptions io;
  for (const auto& s : loaded->series) io.loaded.push_back(&s);
  auto sr = importSr(outputOf(out, plantedCase().srPath), io);
  ASSERT_TRUE(sr.ok()) << sr.message();
  EXPECT_TRUE(sr->warnings.empty()) << sr->warnings.front();
  EXPECT_EQ(sr->tears[0].geometry.image.sopInstanceUid, str(ds, DCM_SOPInstanceUID));
  // No warning about burned-in text once it is blanked; a warning without blanking.
  for (const auto& f : out.report.files)
    if (fs::equivalent(f.input, p.xa->slices.front().file)) EXPECT_TRUE(f.warnings.empty());
  bool warned = false;
  for (const auto& f : basic().report.files)
    for (const auto& wtext : f.warnings) warned |= wtext.find("Burned In Annotation") != std::string::npos;
  EXPECT_TRUE(warned);
}

}  // namespace
}  // namespace annulo
