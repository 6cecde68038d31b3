#include "sr/Codes.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmsr/dsrcodvl.h>

#include <stdexcept>
#include <unordered_map>

namespace annulo::sr {
namespace {

constexpr const char* kPrivate = "private (99ANNULO): no standard code found";
constexpr const char* kDcm = "DICOM PS3.16 Annex D (DCM); DCMTK dcmsr/codes/dcm.h";
constexpr const char* kUcum = "UCUM (PS3.16 CID 7181 / CID 82)";
constexpr const char* kSctLevel =
    "SNOMED CT International (eHDSI Body Site value set 8.1.0, HL7 Europe; highdicom uses 243911007)";
constexpr const char* kSctClock =
    "SNOMED CT International (HL7 FHIR value set bodystructure-bodylandmarkorientation-clockface-position)";

// clang-format off
const std::vector<CodeEntry> kTable = {
  // Document structure (TID 1500, TID 1501/1410, TID 1002).
  {"doc.title",                 "126000", "DCM", "Imaging Measurement Report", kDcm},
  {"container.imaging-measurements", "126010", "DCM", "Imaging Measurements", kDcm},
  {"container.measurement-group", "125007", "DCM", "Measurement Group", kDcm},
  {"concept.tracking-identifier", "112039", "DCM", "Tracking Identifier", kDcm},
  {"concept.tracking-uid",      "112040", "DCM", "Tracking Unique Identifier", kDcm},
  {"concept.finding",           "121071", "DCM", "Finding", kDcm},
  {"concept.finding-site",      "363698007", "SCT", "Finding Site", "SNOMED CT; DCMTK dcmsr/codes/sct.h"},
  {"concept.finding-site",      "G-C0E3", "SRT", "Finding Site", "SNOMED-RT (retired) spelling, import only", true},
  {"concept.anatomical-position", "51845000", "SCT", "Anatomical position", "SNOMED CT (highdicom sample SR); import only", true},
  {"concept.image-region",      "111030", "DCM", "Image Region", kDcm},
  {"concept.source",            "260753009", "SCT", "Source", "SNOMED CT (TID 1501 row 'Source'; highdicom sample SR)"},
  {"concept.source-image",      "121324", "DCM", "Source Image", kDcm},
  {"concept.referenced-segment", "121191", "DCM", "Referenced Segment", kDcm},
  {"concept.comment",           "121106", "DCM", "Comment", kDcm},
  {"concept.observer-type",     "121005", "DCM", "Observer Type", kDcm},
  {"observer-type.person",      "121006", "DCM", "Person", kDcm},
  {"concept.person-observer-name", "121008", "DCM", "Person Observer Name", kDcm},
  {"concept.clock",             "111014", "DCM", "Clockface or region", kDcm},
  {"concept.area",              "42798000", "SCT", "Area", "SNOMED CT; PS3.16 CID 7469 (DCMTK cmr/cid7469.h)"},
  {"concept.area",              "G-A16A", "SRT", "Area of defined region", "SNOMED-RT (retired; highdicom sample SR), import only", true},
  {"concept.length",            "410668003", "SCT", "Length", "SNOMED CT; PS3.16 CID 7469 (two-point lines, for Cornerstone3D's Length tool)"},

  // Procedure reported (TID 1500 row 4; CID 100 is extensible).
  {"procedure.annulogram",      "ANNULOGRAM", kPrivateScheme, "Annulogram (provocative discography)", kPrivate},
  {"procedure.mr",              "25056-3", "LN", "MRI unspecified body region", "LOINC; PS3.16 CID 100 (DCMTK cmr/cid100.h)"},
  {"procedure.ct",              "25045-6", "LN", "CT unspecified body region", "LOINC; PS3.16 CID 100 (DCMTK cmr/cid100.h)"},

  // Units (UCUM).
  {"unit.mm2",                  "mm2", "UCUM", "square millimeter", kUcum},
  {"unit.cm2",                  "cm2", "UCUM", "square centimeter", "UCUM; import only", true},
  {"unit.ms",                   "ms", "UCUM", "millisecond", kUcum},
  {"unit.s",                    "s", "UCUM", "second", kUcum},
  {"unit.deg",                  "deg", "UCUM", "degree", kUcum},
  {"unit.mm",                   "mm", "UCUM", "millimeter", kUcum},
  {"unit.cm",                   "cm", "UCUM", "centimeter", "UCUM; import only", true},

  // The finding and its qualitative evaluations (no standard codes exist for
  // annular fissures, their types, the Dallas grade or leak patterns).
  {"finding.annular-tear",      "ANNULAR-TEAR", kPrivateScheme, "Annular tear (annular fissure)", kPrivate},
  {"concept.tear-type",         "TEAR-TYPE", kPrivateScheme, "Annular tear type", kPrivate},
  {"tear-type.radial",          "TEAR-RADIAL", kPrivateScheme, "Radial annular tear", kPrivate},
  {"tear-type.concentric",      "TEAR-CONCENTRIC", kPrivateScheme, "Concentric annular tear", kPrivate},
  {"tear-type.transverse",      "TEAR-TRANSVERSE", kPrivateScheme, "Transverse annular tear", kPrivate},
  {"tear-type.complex",         "TEAR-COMPLEX", kPrivateScheme, "Complex annular tear", kPrivate},
  {"concept.dallas-grade",      "DALLAS-GRADE", kPrivateScheme, "Modified Dallas discogram grade", kPrivate},
  {"dallas.0",                  "DALLAS-0", kPrivateScheme, "Modified Dallas grade 0", kPrivate},
  {"dallas.1",                  "DALLAS-1", kPrivateScheme, "Modified Dallas grade 1", kPrivate},
  {"dallas.2",                  "DALLAS-2", kPrivateScheme, "Modified Dallas grade 2", kPrivate},
  {"dallas.3",                  "DALLAS-3", kPrivateScheme, "Modified Dallas grade 3", kPrivate},
  {"dallas.4",                  "DALLAS-4", kPrivateScheme, "Modified Dallas grade 4", kPrivate},
  {"dallas.5",                  "DALLAS-5", kPrivateScheme, "Modified Dallas grade 5", kPrivate},
  {"clock.1",                   "260318004", "SCT", "1 o'clock position", kSctClock},
  {"clock.2",                   "260328008", "SCT", "2 o'clock position", kSctClock},
  {"clock.3",                   "260330005", "SCT", "3 o'clock position", kSctClock},
  {"clock.4",                   "260333007", "SCT", "4 o'clock position", kSctClock},
  {"clock.5",                   "260335000", "SCT", "5 o'clock position", kSctClock},
  {"clock.6",                   "260337008", "SCT", "6 o'clock position", kSctClock},
  {"clock.7",                   "260339006", "SCT", "7 o'clock position", kSctClock},
  {"clock.8",                   "260341007", "SCT", "8 o'clock position", kSctClock},
  {"clock.9",                   "260343005", "SCT", "9 o'clock position", kSctClock},
  {"clock.10",                  "260322009", "SCT", "10 o'clock position", kSctClock},
  {"clock.11",                  "260324005", "SCT", "11 o'clock position", kSctClock},
  {"clock.12",                  "260326007", "SCT", "12 o'clock position", kSctClock},
  {"concept.zone",              "SPINAL-ZONE", kPrivateScheme, "Spinal zone (axial)", kPrivate},
  {"zone.central",              "ZONE-CENTRAL", kPrivateScheme, "Central zone", kPrivate},
  {"zone.subarticular-left",    "ZONE-SUBART-L", kPrivateScheme, "Left subarticular zone", kPrivate},
  {"zone.subarticular-right",   "ZONE-SUBART-R", kPrivateScheme, "Right subarticular zone", kPrivate},
  {"zone.foraminal-left",       "ZONE-FORAM-L", kPrivateScheme, "Left foraminal zone", kPrivate},
  {"zone.foraminal-right",      "ZONE-FORAM-R", kPrivateScheme, "Right foraminal zone", kPrivate},
  {"zone.extraforaminal-left",  "ZONE-EXTRAFOR-L", kPrivateScheme, "Left extraforaminal zone", kPrivate},
  {"zone.extraforaminal-right", "ZONE-EXTRAFOR-R", kPrivateScheme, "Right extraforaminal zone", kPrivate},
  {"concept.leak-pattern",      "LEAK-PATTERN", kPrivateScheme, "Contrast leak pattern", kPrivate},
  {"leak.none",                 "LEAK-NONE", kPrivateScheme, "No contrast leak", kPrivate},
  {"leak.epidural",             "LEAK-EPIDURAL", kPrivateScheme, "Epidural contrast leak", kPrivate},
  {"leak.foraminal",            "LEAK-FORAMINAL", kPrivateScheme, "Foraminal contrast leak", kPrivate},
  {"leak.far-lateral",          "LEAK-FARLATERAL", kPrivateScheme, "Far lateral contrast leak", kPrivate},
  {"leak.endplate",             "LEAK-ENDPLATE", kPrivateScheme, "Contrast leak through the endplate", kPrivate},
  {"concept.pain-response",     "PAIN-RESPONSE", kPrivateScheme, "Provoked pain response", kPrivate},
  {"pain.not-tested",           "PAIN-NOTTESTED", kPrivateScheme, "Pain response not tested", kPrivate},
  {"pain.concordant",           "PAIN-CONCORDANT", kPrivateScheme, "Concordant pain", kPrivate},
  {"pain.discordant",           "PAIN-DISCORDANT", kPrivateScheme, "Discordant pain", kPrivate},
  {"pain.none",                 "PAIN-NONE", kPrivateScheme, "No pain provoked", kPrivate},

  // Leak figures and the catheter plan.
  {"concept.leak-onset",        "LEAK-ONSET", kPrivateScheme, "Contrast leak onset", kPrivate},
  {"concept.leak-onset-time",   "LEAK-ONSET-TIME", kPrivateScheme, "Contrast leak onset time", kPrivate},
  {"concept.leak-exit-direction", "LEAK-EXIT-DIR", kPrivateScheme,
   "Leak exit direction (0 deg = image up, clockwise)", kPrivate},
  {"concept.leak-segmentation", "LEAK-SEG-UID", kPrivateScheme, "Leak segmentation SOP Instance UID", kPrivate},
  {"concept.calibration",       "CALIBRATION", kPrivateScheme, "Pixel spacing calibration", kPrivate},
  {"calibration.detector",      "CAL-DETECTOR", kPrivateScheme, "Detector plane (Imager Pixel Spacing)", kPrivate},
  {"calibration.magnification-corrected", "CAL-MAGCORR", kPrivateScheme,
   "Magnification-corrected (Imager Pixel Spacing / magnification)", kPrivate},
  {"calibration.patient-plane", "CAL-PATIENT", kPrivateScheme, "Patient plane (Pixel Spacing)", kPrivate},
  {"calibration.calibrated",    "CAL-CALIBRATED", kPrivateScheme, "Calibrated projection Pixel Spacing", kPrivate},
  {"calibration.none",          "CAL-NONE", kPrivateScheme, "Uncalibrated (pixels)", kPrivate},
  {"container.catheter-plan",   "CATHETER-PLAN", kPrivateScheme, "Catheter plan", kPrivate},
  {"concept.catheter-target",   "CATH-TARGET", kPrivateScheme, "Catheter target point", kPrivate},
  {"concept.catheter-entry",    "CATH-ENTRY", kPrivateScheme, "Catheter entry point", kPrivate},
  {"concept.catheter-length",   "CATH-LENGTH", kPrivateScheme, "Catheter path length", kPrivate},
  {"concept.observed-at",       "OBSERVED-AT", kPrivateScheme, "Observation time as recorded", kPrivate},

  // Segmentation (SEG) segment descriptions and derivation (PS3.3 C.8.20.2, C.7.6.16.2.6).
  {"seg.category.substance",    "105590001", "SCT", "Substance", "SNOMED CT; PS3.16 CID 7150 Segmentation Property Categories"},
  {"seg.type.contrast",         "385420005", "SCT", "Contrast media", "SNOMED CT (Contrast media (substance))"},
  {"seg.modifier.intradiscal",  "SEG-INTRADISCAL", kPrivateScheme, "Intradiscal", kPrivate},
  {"seg.modifier.leak",         "SEG-LEAK", kPrivateScheme, "Leaked outside the disc", kPrivate},
  {"seg.derivation.segmentation", "113076", "DCM", "Segmentation", kDcm},
  {"seg.purpose.source",        "121322", "DCM", "Source image for image processing operation", kDcm},

  // Provocation discography record: one measurement group per injected level
  // (ProvocationGroupWriter.cpp). Standard codes where one exists.
  {"finding.disc-provocation",  "DISC-PROVOCATION", kPrivateScheme, "Provocation discography of the disc", kPrivate},
  {"concept.laterality",        "272741003", "SCT", "Laterality", "SNOMED CT; DCMTK dcmsr/codes/sct.h"},
  {"side.left",                 "7771000", "SCT", "Left", "SNOMED CT; PS3.16 CID 244 Laterality"},
  {"side.right",                "24028007", "SCT", "Right", "SNOMED CT; PS3.16 CID 244 Laterality"},
  {"concept.instrument-approach", "111431", "DCM", "Instrument Approach", kDcm},
  {"concept.opening-pressure",  "PROV-OPEN-PSI", kPrivateScheme, "Intradiscal opening pressure", kPrivate},
  {"concept.pain-pressure",     "PROV-PAIN-PSI", kPrivateScheme, "Intradiscal pressure at pain provocation", kPrivate},
  {"concept.peak-pressure",     "PROV-PEAK-PSI", kPrivateScheme, "Peak intradiscal pressure", kPrivate},
  {"concept.pain-volume",       "PROV-PAIN-VOL", kPrivateScheme, "Volume injected at pain provocation", kPrivate},
  {"concept.volume-administered", "122091", "DCM", "Volume administered", kDcm},
  {"concept.contrast-agent",    "122086", "DCM", "Contrast administered", kDcm},
  {"concept.pain-score",        "72514-3", "LN", "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
   "LOINC 72514-3"},
  {"concept.pain-location",     "PROV-PAIN-LOC", kPrivateScheme, "Provoked pain location and description", kPrivate},
  {"concept.nucleogram",        "NUCLEOGRAM", kPrivateScheme, "Nucleogram pattern (Adams 1986)", kPrivate},
  {"nucleogram.cotton-ball",    "NUCL-COTTONBALL", kPrivateScheme, "Cotton ball nucleogram", kPrivate},
  {"nucleogram.lobular",        "NUCL-LOBULAR", kPrivateScheme, "Lobular nucleogram", kPrivate},
  {"nucleogram.irregular",      "NUCL-IRREGULAR", kPrivateScheme, "Irregular nucleogram", kPrivate},
  {"nucleogram.fissured",       "NUCL-FISSURED", kPrivateScheme, "Fissured nucleogram", kPrivate},
  {"nucleogram.ruptured",       "NUCL-RUPTURED", kPrivateScheme, "Ruptured nucleogram", kPrivate},
  {"concept.containment",       "PROV-CONTAIN", kPrivateScheme, "Contrast containment", kPrivate},
  {"containment.contained",     "CONTAINED", kPrivateScheme, "Contrast contained in the disc", kPrivate},
  {"containment.leak",          "NOT-CONTAINED", kPrivateScheme, "Contrast leaks out of the disc", kPrivate},
  {"concept.leak-onset-volume", "LEAK-ONSET-VOL", kPrivateScheme, "Volume injected at leak onset", kPrivate},
  {"container.manometry-log",   "MANOMETRY-LOG", kPrivateScheme, "Manometry log", kPrivate},
  {"container.manometry-step",  "MANOMETRY-STEP", kPrivateScheme, "Manometry log step", kPrivate},
  {"concept.time",              "110858", "DCM", "Time", kDcm},
  {"concept.intradiscal-pressure", "PROV-PRESSURE", kPrivateScheme, "Intradiscal pressure", kPrivate},
  {"concept.provocation-class", "PROV-CLASS", kPrivateScheme, "Provocation classification (computed)", kPrivate},
  {"concept.provocation-final", "PROV-CLASS-FINAL", kPrivateScheme, "Provocation classification (clinician override)",
   kPrivate},
  {"concept.provocation-reason", "PROV-REASON", kPrivateScheme, "Provocation classification reason", kPrivate},
  {"concept.override-reason",   "PROV-OVR-REASON", kPrivateScheme, "Clinician override reason", kPrivate},
  {"concept.override-by",       "PROV-OVR-BY", kPrivateScheme, "Clinician override by", kPrivate},
  {"concept.override-at",       "PROV-OVR-AT", kPrivateScheme, "Clinician override time", kPrivate},
  {"class.positive",            "10828004", "SCT", "Positive", "SNOMED CT qualifier value"},
  {"class.negative",            "260385009", "SCT", "Negative", "SNOMED CT qualifier value"},
  {"class.indeterminate",       "82334004", "SCT", "Indeterminate", "SNOMED CT qualifier value"},
  {"class.invalid",             "PROV-INVALID", kPrivateScheme, "Invalid (no valid control disc)", kPrivate},
  {"concept.derby",             "DERBY-CATEGORY", kPrivateScheme, "Derby pressure category", kPrivate},
  {"derby.chemically-sensitive", "DERBY-CHEMICAL", kPrivateScheme, "Chemically sensitive disc", kPrivate},
  {"derby.mechanically-sensitive", "DERBY-MECHANICAL", kPrivateScheme, "Mechanically sensitive disc", kPrivate},
  {"derby.indeterminate",       "DERBY-INDETERM", kPrivateScheme, "Indeterminate disc (Derby)", kPrivate},
  {"derby.normal",              "DERBY-NORMAL", kPrivateScheme, "Normal disc (Derby)", kPrivate},
  {"concept.algorithm-name",    "111001", "DCM", "Algorithm Name", kDcm},
  {"concept.algorithm-version", "111003", "DCM", "Algorithm Version", kDcm},
  {"concept.related-tear",      "TEAR-REF", kPrivateScheme, "Annular tear at this level (tracking UID)", kPrivate},
  {"unit.psi",                  "[psi]", "UCUM", "pound per square inch", kUcum},
  {"unit.ml",                   "mL", "UCUM", "milliliter", kUcum},
  {"unit.score",                "{score}", "UCUM", "score", kUcum},

  // Disc levels (Finding Site values).
  {"level.C2-C3",  "243902007", "SCT", "Level of C2/C3 intervertebral disc", kSctLevel},
  {"level.C3-C4",  "243903002", "SCT", "Level of C3/C4 intervertebral disc", kSctLevel},
  {"level.C4-C5",  "243904008", "SCT", "Level of C4/C5 intervertebral disc", kSctLevel},
  {"level.C5-C6",  "243905009", "SCT", "Level of C5/C6 intervertebral disc", kSctLevel},
  {"level.C6-C7",  "243906005", "SCT", "Level of C6/C7 intervertebral disc", kSctLevel},
  {"level.C7-T1",  "243925008", "SCT", "Level of C7/T1 intervertebral disc", kSctLevel},
  {"level.T1-T2",  "243908006", "SCT", "Level of T1/T2 intervertebral disc", kSctLevel},
  {"level.T2-T3",  "243909003", "SCT", "Level of T2/T3 intervertebral disc", kSctLevel},
  {"level.T3-T4",  "243910008", "SCT", "Level of T3/T4 intervertebral disc", kSctLevel},
  {"level.T4-T5",  "243911007", "SCT", "Level of T4/T5 intervertebral disc", kSctLevel},
  {"level.T5-T6",  "243912000", "SCT", "Level of T5/T6 intervertebral disc", kSctLevel},
  {"level.T6-T7",  "243913005", "SCT", "Level of T6/T7 intervertebral disc", kSctLevel},
  {"level.T7-T8",  "243914004", "SCT", "Level of T7/T8 intervertebral disc", kSctLevel},
  {"level.T8-T9",  "243915003", "SCT", "Level of T8/T9 intervertebral disc", kSctLevel},
  {"level.T9-T10", "243916002", "SCT", "Level of T9/T10 intervertebral disc", kSctLevel},
  {"level.T10-T11", "243917006", "SCT", "Level of T10/T11 intervertebral disc", kSctLevel},
  {"level.T11-T12", "243918001", "SCT", "Level of T11/T12 intervertebral disc", kSctLevel},
  {"level.T12-L1", "243926009", "SCT", "Level of T12/L1 intervertebral disc", kSctLevel},
  {"level.L1-L2",  "243920003", "SCT", "Level of L1/L2 intervertebral disc", kSctLevel},
  {"level.L2-L3",  "243921004", "SCT", "Level of L2/L3 intervertebral disc", kSctLevel},
  {"level.L3-L4",  "243922006", "SCT", "Level of L3/L4 intervertebral disc", kSctLevel},
  {"level.L4-L5",  "243923001", "SCT", "Level of L4/L5 intervertebral disc", kSctLevel},
  {"level.L5-S1",  "243927000", "SCT", "Level of L5/S1 intervertebral disc", kSctLevel},
};
// clang-format on

constexpr const char* kPrivateLevelPrefix = "LEVEL-";

std::string joinKey(const std::string& value, const std::string& scheme) { return scheme + '\x1f' + value; }

struct Index {
  std::unordered_map<std::string, const CodeEntry*> byKey;    // primary entries only
  std::unordered_map<std::string, const CodeEntry*> byValue;  // primary and aliases
  Index() {
    for (const auto& e : kTable) {
      if (!e.alias) byKey.emplace(e.key, &e);
      byValue.emplace(joinKey(e.value, e.scheme), &e);
    }
  }
};

const Index& index() {
  static const Index idx;
  return idx;
}

}  // namespace

const std::vector<CodeEntry>& codeTable() { return kTable; }

const CodeEntry& entry(std::string_view key) {
  const auto& idx = index();
  auto it = idx.byKey.find(std::string(key));
  if (it == idx.byKey.end()) throw std::logic_error("annulo: no code table entry '" + std::string(key) + "'");
  return *it->second;
}

DSRCodedEntryValue coded(std::string_view key) {
  const CodeEntry& e = entry(key);
  return DSRCodedEntryValue(e.value, e.scheme, e.meaning);
}

std::optional<std::string> keyOf(const std::string& value, const std::string& scheme) {
  const auto& idx = index();
  auto it = idx.byValue.find(joinKey(value, scheme));
  if (it == idx.byValue.end()) return std::nullopt;
  return std::string(it->second->key);
}

std::optional<std::string> keyOf(const DSRCodedEntryValue& code) {
  return keyOf(code.getCodeValue().c_str(), code.getCodingSchemeDesignator().c_str());
}

std::optional<std::string> suffixOf(const DSRCodedEntryValue& code, std::string_view prefix) {
  auto key = keyOf(code);
  if (!key || key->compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  return key->substr(prefix.size());
}

bool is(const DSRCodedEntryValue& code, std::string_view key) {
  auto k = keyOf(code);
  return k && *k == key;
}

DSRCodedEntryValue discLevelCode(const std::string& level) {
  const auto& idx = index();
  auto it = idx.byKey.find("level." + level);
  if (it != idx.byKey.end()) return DSRCodedEntryValue(it->second->value, it->second->scheme, it->second->meaning);
  return DSRCodedEntryValue(kPrivateLevelPrefix + level, kPrivateScheme, "Intervertebral disc " + level);
}

std::optional<std::string> discLevelOf(const DSRCodedEntryValue& code) {
  if (auto level = suffixOf(code, "level.")) return level;
  const std::string value = code.getCodeValue().c_str();
  if (code.getCodingSchemeDesignator() == kPrivateScheme && value.rfind(kPrivateLevelPrefix, 0) == 0 &&
      value.size() > std::string_view(kPrivateLevelPrefix).size())
    return value.substr(std::string_view(kPrivateLevelPrefix).size());
  return std::nullopt;
}

std::string describe(const DSRCodedEntryValue& code) {
  return "(" + std::string(code.getCodeValue().c_str()) + ", " + code.getCodingSchemeDesignator().c_str() + ", \"" +
         code.getCodeMeaning().c_str() + "\")";
}

}  // namespace annulo::sr
