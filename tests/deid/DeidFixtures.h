#pragma once
// A phantom case with identifying values planted in every Table E.1-1 attribute
// the data dictionary knows (XA cine + MR series), private tags at top level and
// inside a sequence, an overlay, a curve, and our own SR (PNAME observers, TEXT
// comment), SEG and GSPS of it. Every planted string is listed so a test can
// search the bytes of the de-identified files for it.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/oflog/oflog.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "annulo/deid/ConfidentialityProfile.h"
#include "annulo/deid/Deidentify.h"
#include "annulo/sr/SrExport.h"
#include "sr/SrFixtures.h"

namespace annulo::deidtest {

namespace fs = std::filesystem;

// What was planted where: rule index -> planted text (strings), for the top level of each image.
struct Planted {
  std::map<std::size_t, std::string> byRule;  // rule index -> planted value ("" for binary/SQ plants)
  std::set<std::string> strings;              // every planted string (searched in the output bytes)
};

inline std::string plantedText(std::size_t i, DcmEVR vr) {
  const std::string n = std::to_string(i);
  switch (vr) {
    case EVR_DA:
      return "19710203";
    case EVR_DT:
      return "19710203040506";
    case EVR_TM:
      return "040506";
    case EVR_AS:
      return "052Y";
    case EVR_DS:
      return "98765.4" + n;
    case EVR_IS:
      return "9876" + n;
    case EVR_CS:
      return "PLANTCS" + n;
    case EVR_UI:
      return "1.2.826.0.1.3680043.10.999." + n;
    case EVR_PN:
      return "PLANTPN" + n + "^PERSON";
    case EVR_AE:
      return "PLANTAE" + n;
    case EVR_SH:
      return "PLANTSH" + n;
    default:
      return "PLANTED-VALUE-" + n;
  }
}

inline bool plantable(DcmEVR vr) {
  switch (vr) {
    case EVR_AE:
    case EVR_AS:
    case EVR_CS:
    case EVR_DA:
    case EVR_DS:
    case EVR_DT:
    case EVR_IS:
    case EVR_LO:
    case EVR_LT:
    case EVR_PN:
    case EVR_SH:
    case EVR_ST:
    case EVR_TM:
    case EVR_UC:
    case EVR_UI:
    case EVR_UT:
    case EVR_SQ:
    case EVR_US:
    case EVR_UL:
    case EVR_SS:
    case EVR_SL:
    case EVR_FL:
    case EVR_FD:
      return true;
    default:
      return false;
  }
}

// UIDs the file has (study, series, instance, frame of reference) are kept as the
// phantom wrote them; a few attributes would change what the file *is* for the loader.
inline bool skipPlant(std::uint16_t g, std::uint16_t e, DcmItem& ds) {
  if (ds.tagExists(DcmTagKey(g, e))) return true;
  if (g == 0x0002 || g == 0x0004) return true;  // meta header / DICOMDIR attributes, not in a dataset
  if (g == 0x0020 && e == 0x9161) return true;  // Concatenation UID: would make it a concatenation
  if (g == 0x0020 && e == 0x0052) return true;  // a Frame of Reference on the XA would ask for geometry it has not
  return false;
}

inline void plantSequenceItem(DcmItem& ds, const DcmTagKey& tag, std::size_t i, const deid::ProfileRule& rule,
                              Planted& planted) {
  DcmItem* item = nullptr;
  ASSERT_TRUE(ds.findOrCreateSequenceItem(tag, item, -2).good());
  const std::string n = std::to_string(i);
  if (rule.basic.find('U') != std::string::npos || rule.name.rfind("Referenced", 0) == 0) {  // a reference
    const std::string uid = "1.2.826.0.1.3680043.10.998." + n;
    item->putAndInsertString(DCM_ReferencedSOPClassUID, "1.2.840.10008.5.1.4.1.1.4");
    item->putAndInsertString(DCM_ReferencedSOPInstanceUID, uid.c_str());
    planted.strings.insert(uid);
    // Private data inside a kept sequence must go too.
    item->putAndInsertString(DcmTagKey(0x0009, 0x0010), "PLANTPRIVCREATOR");
    item->putAndInsertString(DcmTag(0x0009, 0x1001, EVR_LO), ("PLANTPRIVSQ-" + n).c_str());
    planted.strings.insert("PLANTPRIVSQ-" + n);
  } else if (tag == DCM_ContentSequence || tag == DCM_GraphicAnnotationSequence) {
    item->putAndInsertString(DCM_ValueType, "TEXT");
    item->putAndInsertString(DCM_TextValue, ("PLANTTEXT-" + n).c_str());
    item->putAndInsertString(DCM_UnformattedTextValue, ("PLANTGRAPHIC-" + n).c_str());
    planted.strings.insert("PLANTTEXT-" + n);
    planted.strings.insert("PLANTGRAPHIC-" + n);
  } else {
    item->putAndInsertString(DCM_CodeValue, ("PLCV" + n).c_str());
    item->putAndInsertString(DCM_CodingSchemeDesignator, "99PLANT");
    item->putAndInsertString(DCM_CodeMeaning, ("PLANTMEANING-" + n).c_str());
    planted.strings.insert("PLCV" + n);
    planted.strings.insert("PLANTMEANING-" + n);
  }
}

// Plants into the top level of `ds` every exact-tag rule of the table.
inline void plantAll(DcmItem& ds, Planted& planted) {
  const auto& rules = deid::ConfidentialityProfile::standard().rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    if (r.privateTags || r.groupMask != 0xFFFF || r.elementMask != 0xFFFF) continue;
    DcmTag tag(r.group, r.element);
    const DcmEVR vr = tag.getEVR();
    if (!plantable(vr) || skipPlant(r.group, r.element, ds)) continue;
    if (vr == EVR_SQ) {
      plantSequenceItem(ds, tag, i, r, planted);
      planted.byRule[i] = "";
      continue;
    }
    if (vr == EVR_US || vr == EVR_UL || vr == EVR_SS || vr == EVR_SL || vr == EVR_FL || vr == EVR_FD) {
      ASSERT_TRUE(ds.putAndInsertString(tag, "4321").good()) << r.name;
      planted.byRule[i] = "";
      continue;
    }
    std::string v = plantedText(i, vr);
    // Enumerated values the SEG/SR writers check when they copy the patient module.
    if (r.group == 0x0010 && r.element == 0x0040) v = "O";
    if (r.group == 0x0010 && r.element == 0x2203) v = "ALTERED";
    ASSERT_TRUE(ds.putAndInsertString(tag, v.c_str()).good()) << r.name;
    planted.byRule[i] = v;
    if (v.size() >= 4) planted.strings.insert(v);
  }
  // The patient: the same in every file of the case.
  ds.putAndInsertString(DCM_PatientName, "PLANTSURNAME^PLANTGIVEN");
  ds.putAndInsertString(DCM_PatientID, "PLANTPID77");
  planted.strings.insert("PLANTSURNAME");
  planted.strings.insert("PLANTGIVEN");
  planted.strings.insert("PLANTPID77");
  // Private tags (Retain Safe Private is off).
  ds.putAndInsertString(DcmTagKey(0x0011, 0x0010), "PLANT PRIVATE CREATOR");
  ds.putAndInsertString(DcmTag(0x0011, 0x1001, EVR_LO), "PLANTPRIVATE-TOP");
  planted.strings.insert("PLANTPRIVATE-TOP");
  planted.strings.insert("PLANT PRIVATE CREATOR");
  // An overlay (60xx) with a description, comments and a bitmap, and a curve (50xx).
  ds.putAndInsertUint16(DcmTagKey(0x6002, 0x0010), 8);
  ds.putAndInsertUint16(DcmTagKey(0x6002, 0x0011), 8);
  ds.putAndInsertString(DcmTagKey(0x6002, 0x0040), "G");
  ds.putAndInsertString(DcmTagKey(0x6002, 0x0050), "1\\1");
  ds.putAndInsertUint16(DcmTagKey(0x6002, 0x0100), 1);
  ds.putAndInsertUint16(DcmTagKey(0x6002, 0x0102), 0);
  ds.putAndInsertString(DcmTagKey(0x6002, 0x0022), "PLANTOVERLAYDESC");
  ds.putAndInsertString(DcmTagKey(0x6002, 0x4000), "PLANTOVERLAYCOMMENT");
  const Uint8 bits[8] = {0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0};
  ds.putAndInsertUint8Array(DcmTag(0x6002, 0x3000, EVR_OB), bits, 8);
  ds.putAndInsertString(DcmTag(0x5000, 0x2500, EVR_LO), "PLANTCURVELABEL");
  planted.strings.insert("PLANTOVERLAYDESC");
  planted.strings.insert("PLANTOVERLAYCOMMENT");
  planted.strings.insert("PLANTCURVELABEL");
}

struct PlantedCase {
  srtest::PhantomData phantom;  // dir: the source case (images + reports/)
  Planted xaPlanted, mrPlanted;
  std::string srPath, segPath, grayPath;  // our exports, in the source case
  std::vector<std::string> originalUids;  // study, series, instances, FoR, tracking UIDs
  std::vector<std::string> srSecrets;     // observer names and the comment's identifying part
  std::string error;
};

inline std::string readBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline Status plantFile(const std::string& path, Planted& planted) {
  DcmFileFormat f;
  if (f.loadFile(path.c_str()).bad() || f.loadAllDataIntoMemory().bad()) return makeError("cannot read " + path);
  plantAll(*f.getDataset(), planted);
  if (::testing::Test::HasFatalFailure()) return makeError("planting failed in " + path);
  if (f.saveFile(path.c_str(), EXS_LittleEndianExplicit).bad()) return makeError("cannot write " + path);
  return {};
}

inline void buildPlantedCase(PlantedCase& c) {
  auto& p = c.phantom;
  PhantomOptions o;
  o.seed = 11;
  o.xaSize = 128;
  o.xaFrames = 12;
  o.mrSize = 64;
  o.mrSlices = 5;
  auto truth = writePhantom(o, p.dir.path().string());
  if (!truth) {
    c.error = truth.message();
    return;
  }
  p.truth = *truth;
  fs::remove(p.dir.path() / "truth.json");
  for (const auto& e : fs::recursive_directory_iterator(p.dir.path())) {
    if (!e.is_regular_file()) continue;
    Planted& target = e.path().string().find("/xa/") != std::string::npos ? c.xaPlanted : c.mrPlanted;
    if (Status s = plantFile(e.path().string(), target); !s) {
      c.error = s.message();
      return;
    }
  }
  if (const char* keep = std::getenv("ANNULO_KEEP_PLANTED"))  // for looking at the planted files
    fs::copy(p.dir.path(), keep, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  LoadOptions lo;
  lo.readPixels = false;
  auto loaded = loadSeries(p.dir.path().string(), lo);
  if (!loaded) {
    c.error = loaded.message();
    return;
  }
  p.series = std::move(loaded->series);
  for (const auto& s : p.series) {
    if (s.series.modality == "XA") p.xa = &s;
    if (s.series.modality == "MR") p.mr = &s;
  }
  if (!p.xa || !p.mr) {
    c.error = "planted phantom did not load as XA + MR:";
    for (const auto& r : loaded->rejected) c.error += " " + r.path + ": " + r.reason;
    for (const auto& s : p.series) c.error += " series " + s.series.modality;
    return;
  }

  Session session = srtest::sampleSession(p);
  session.observer = "PLANTOBSERVER^DOCUMENT";
  for (auto& t : session.tears) t.observer = "PLANTREADER^" + t.id;
  session.tears[0].comment = "Leak at 6 o'clock, seen with Dr PLANTSURNAME";
  c.srSecrets = {"PLANTOBSERVER", "PLANTREADER"};
  fs::create_directories(p.dir.path() / "reports");
  c.segPath = (p.dir.path() / "reports" / "seg.dcm").string();
  std::vector<std::uint8_t> labels(std::size_t(p.xa->columns) * std::size_t(p.xa->rows) * p.xa->slices.size(), 0);
  for (std::size_t i = 0; i < labels.size(); i += 97) labels[i] = 2;  // a sparse "leak"
  if (std::getenv("ANNULO_KEEP_PLANTED")) OFLog::configure(OFLogger::WARN_LOG_LEVEL);
  auto seg = exportSeg(*p.xa, labels, c.segPath);
  if (!seg) {
    c.error = "SEG: " + seg.message();
    return;
  }
  for (auto& t : session.tears)
    if (t.leakFigures) t.leakFigures->segmentationSopInstanceUid = seg->sopInstanceUid;
  SrExportOptions so;
  so.segSopInstanceUid = seg->sopInstanceUid;
  so.segSeriesInstanceUid = seg->seriesInstanceUid;
  c.srPath = (p.dir.path() / "reports" / "sr.dcm").string();
  auto sr = exportSr(session, srtest::sources(p), c.srPath, so);
  if (!sr) {
    c.error = "SR: " + sr.message();
    return;
  }
  c.grayPath = (p.dir.path() / "reports" / "pr.dcm").string();
  auto pr = exportGsps(session, *p.xa, c.grayPath);
  if (!pr) {
    c.error = "GSPS: " + pr.message();
    return;
  }

  c.originalUids = {
      p.xa->study.instanceUid, p.xa->series.instanceUid, p.mr->series.instanceUid, p.mr->series.frameOfReferenceUid,
      seg->sopInstanceUid,     seg->seriesInstanceUid,   sr->sopInstanceUid,       sr->seriesInstanceUid,
      pr->sopInstanceUid,      pr->seriesInstanceUid};
  for (const auto& s : {p.xa, p.mr})
    for (const auto& slice : s->slices) c.originalUids.push_back(slice.sopInstanceUid);
  for (const auto& t : session.tears) c.originalUids.push_back(t.trackingUid);
}

// Built once per test binary (several tests read it).
inline const PlantedCase& plantedCase() {
  static const std::unique_ptr<PlantedCase> data = [] {
    auto c = std::make_unique<PlantedCase>();
    buildPlantedCase(*c);
    return c;
  }();
  return *data;
}

#define ANNULO_REQUIRE_PLANTED()                                                                             \
  do {                                                                                                       \
    ASSERT_TRUE(::annulo::deidtest::plantedCase().error.empty()) << ::annulo::deidtest::plantedCase().error; \
  } while (0)

inline const std::string& testKey() {
  static const std::string key = "annulo de-identification test key, 32+ bytes long";
  return key;
}

inline std::vector<fs::path> filesUnder(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace annulo::deidtest
