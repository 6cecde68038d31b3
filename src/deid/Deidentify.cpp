#include "annulo/deid/Deidentify.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <openssl/rand.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "annulo/dicom/FileCollector.h"
#include "deid/DatasetCleaner.h"
#include "deid/KeyedHash.h"
#include "deid/PixelBlanker.h"
#include "dicom/FileProbe.h"

namespace fs = std::filesystem;

namespace annulo::deid {
namespace {

// What the first pass learns of a file (header only).
struct Planned {
  std::string path;
  std::string relative;  // to the input root
  std::string readError;
  std::string patientKey;
  std::string sopClassUid, sopInstanceUid, seriesInstanceUid, modality;
  bool blank = false;
};

// The value without the padding some writers leave (NUL instead of space, PS3.5 6.2).
std::string str(DcmItem& item, const DcmTagKey& tag) {
  OFString v;
  item.findAndGetOFStringArray(tag, v);
  std::string s(v.c_str(), v.length());
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
  return s;
}

// Why a file cannot be de-identified safely; empty when it can.
std::string refusalFor(DcmItem& ds, const std::string& sopClass) {
  DcmElement* cls = nullptr;
  if (ds.findAndGetElement(DCM_SOPClassUID, cls).good() && cls && cls->ident() == EVR_UN)
    return "its attributes are stored with VR UN (unknown), so their values cannot be read to be cleaned";
  if (sopClass.empty()) return "no SOP Class UID: not a composite object this profile applies to";
  if (sopClass == UID_MediaStorageDirectoryStorage) return "a DICOMDIR indexes patient names and IDs; it is not copied";
  if (ds.tagExists(DCM_EncapsulatedDocument) || sopClass.rfind("1.2.840.10008.5.1.4.1.1.104.", 0) == 0)
    return "encapsulated document (" + std::string(dcmFindNameOfUID(sopClass.c_str(), "unknown class")) +
           "): its content (PDF, CDA, mesh, ...) cannot be checked for identifying text";
  if (sopClass == UID_RawDataStorage) return "Raw Data Storage holds vendor data that cannot be checked";
  if (sopClass.rfind("1.2.840.10008.", 0) != 0)
    return "SOP Class " + sopClass + " is not a standard storage class: what its attributes hold is unknown";
  if (dcmFindNameOfUID(sopClass.c_str(), nullptr) == nullptr)
    return "SOP Class " + sopClass + " is not in this DCMTK's dictionary (newer or retired): its IOD cannot be checked";
  return {};
}

// Multi-frame functional group IODs (PS3.3 A.36 etc.), known by their class even
// when a damaged file lacks the groups.
bool enhancedClass(const std::string& sopClass) {
  const std::string name = dcmFindNameOfUID(sopClass.c_str(), "");
  return name.find("Enhanced") != std::string::npos || name.find("LegacyConverted") != std::string::npos ||
         name.find("Segmentation") != std::string::npos;
}

struct Methods {
  std::vector<std::string> text;
  std::vector<std::pair<std::string, std::string>> codes;  // CID 7050 (DCM)
};

Methods methodsFor(const DeidOptions& o, bool blanked) {
  Methods m;
  auto add = [&](const char* code, const char* meaning) {
    m.codes.emplace_back(code, meaning);
    m.text.emplace_back(meaning);
  };
  add("113100", "Basic Application Confidentiality Profile");
  if (o.retainModifiedDates) add("113107", "Retain Longitudinal Temporal Information Modified Dates Option");
  if (o.cleanDescriptors) {
    add("113105", "Clean Descriptors Option");
    add("113104", "Clean Structured Content Option");
    add("113103", "Clean Graphics Option");
  }
  if (o.retainPatientCharacteristics) add("113108", "Retain Patient Characteristics Option");
  if (o.retainDeviceIdentity) add("113109", "Retain Device Identity Option");
  if (blanked) add("113101", "Clean Pixel Data Option");
  return m;
}

std::set<ProfileOption> profileOptions(const DeidOptions& o) {
  std::set<ProfileOption> s;
  if (o.retainModifiedDates) s.insert(ProfileOption::RetainLongitudinalModifiedDates);
  if (o.cleanDescriptors) {
    s.insert(ProfileOption::CleanDescriptors);
    s.insert(ProfileOption::CleanStructuredContent);
    s.insert(ProfileOption::CleanGraphics);
  }
  if (o.retainPatientCharacteristics) s.insert(ProfileOption::RetainPatientCharacteristics);
  if (o.retainDeviceIdentity) s.insert(ProfileOption::RetainDeviceIdentity);
  return s;
}

// PS3.3 C.12.1 SOP Common: Patient Identity Removed, De-identification Method (+ code sequence).
void writeMethod(DcmItem& ds, const Methods& m, bool datesShifted) {
  ds.putAndInsertString(DCM_PatientIdentityRemoved, "YES");
  std::string text;
  for (const auto& t : m.text) text += (text.empty() ? "" : "\\") + t.substr(0, 64);
  ds.putAndInsertString(DCM_DeidentificationMethod, text.c_str());
  ds.findAndDeleteElement(DCM_DeidentificationMethodCodeSequence);
  for (std::size_t i = 0; i < m.codes.size(); ++i) {
    DcmItem* item = nullptr;
    if (ds.findOrCreateSequenceItem(DCM_DeidentificationMethodCodeSequence, item, -2).bad() || !item) continue;
    item->putAndInsertString(DCM_CodeValue, m.codes[i].first.c_str());
    item->putAndInsertString(DCM_CodingSchemeDesignator, "DCM");
    item->putAndInsertString(DCM_CodeMeaning, m.codes[i].second.c_str());
  }
  ds.putAndInsertString(DCM_LongitudinalTemporalInformationModified, datesShifted ? "MODIFIED" : "REMOVED");
}

// The derived series of a blanked image (PS3.3 C.7.6.1.1.2 Image Type, C.7.6.1.1.3 Derivation Description).
void markDerived(DcmItem& ds, const std::vector<BlankRect>& rects) {
  OFString type;
  std::string rest;
  if (ds.findAndGetOFStringArray(DCM_ImageType, type).good()) {
    const std::string t = type.c_str();
    const std::size_t sep = t.find('\\');
    rest = sep == std::string::npos ? "\\PRIMARY" : t.substr(sep);
  } else {
    rest = "\\PRIMARY";
  }
  ds.putAndInsertString(DCM_ImageType, ("DERIVED" + rest).c_str());
  std::string d = "Burned-in annotation blanked (x,y,w,h):";
  for (const auto& r : rects)
    d += " " + std::to_string(r.x) + "," + std::to_string(r.y) + "," + std::to_string(r.width) + "," +
         std::to_string(r.height);
  ds.putAndInsertString(DCM_DerivationDescription, d.substr(0, 1024).c_str());
  ds.putAndInsertString(DCM_BurnedInAnnotation, "NO");
}

class CaseRun {
 public:
  CaseRun(const DeidOptions& o, DeidReport& r) : options_(o), report_(r) {
    key_ = o.key;
    if (key_.empty()) {
      unsigned char random[32];
      RAND_bytes(random, sizeof random);
      key_.assign(reinterpret_cast<char*>(random), sizeof random);
    }
  }

  void plan(std::vector<Planned>& files) {
    for (Planned& p : files) {
      // DCMTK parses nested sequences recursively: a hostile nesting depth would
      // overflow the stack, so the core's non-recursive probe looks first.
      std::error_code ec;
      const auto size = fs::file_size(p.path, ec);
      auto probe = probeFile(p.path, ec ? 0 : size);
      if (!probe) {
        p.readError = probe.message();
        continue;
      }
      DcmFileFormat f;
      OFCondition c = f.loadFile(p.path.c_str(), EXS_Unknown, EGL_noChange, 4096);
      if (c.bad()) {
        p.readError = std::string("cannot be read as DICOM: ") + c.text();
        continue;
      }
      DcmDataset& ds = *f.getDataset();
      p.sopClassUid = str(ds, DCM_SOPClassUID);
      p.sopInstanceUid = str(ds, DCM_SOPInstanceUID);
      p.seriesInstanceUid = str(ds, DCM_SeriesInstanceUID);
      p.modality = str(ds, DCM_Modality);
      const std::string id = str(ds, DCM_PatientID), name = str(ds, DCM_PatientName);
      p.patientKey = id + "\n" + name;
      if (id.empty() && name.empty()) p.patientKey = "study\n" + str(ds, DCM_StudyInstanceUID);
      if (!patients_.count(p.patientKey)) patients_.emplace(p.patientKey, int(patients_.size()) + 1);
      p.blank =
          !options_.blanks.empty() && ds.tagExists(DCM_PixelData) && mayHaveBurnedInText(p.modality, p.sopClassUid);
      if (p.blank) {
        derived_.insert(p.sopInstanceUid);
        derived_.insert(p.seriesInstanceUid);
      }
    }
  }

  FileOutcome run(const Planned& p, const fs::path& outRoot, bool singleFile) {
    FileOutcome o;
    o.input = p.path;
    if (!p.readError.empty()) {
      o.refusal = p.readError;
      return o;
    }
    DcmFileFormat file;
    OFCondition c = file.loadFile(p.path.c_str());
    if (c.bad()) {
      o.refusal = std::string("cannot be read as DICOM: ") + c.text();
      return o;
    }
    DcmDataset& ds = *file.getDataset();
    o.refusal = refusalFor(ds, p.sopClassUid);
    if (!o.refusal.empty()) return o;

    const ConfidentialityProfile& profile = ConfidentialityProfile::standard();
    CleanSettings s;
    s.profile = &profile;
    s.options = profileOptions(options_);
    s.key = key_;
    s.dateShiftDays = keyedNumber(key_, "date-shift\n" + p.patientKey, -3650, -365);
    s.sopClassUid = p.sopClassUid;
    s.functionalGroups = ds.tagExists(DCM_SharedFunctionalGroupsSequence) ||
                         ds.tagExists(DCM_PerFrameFunctionalGroupsSequence) || enhancedClass(p.sopClassUid);
    s.mapUid = [this](const std::string& uid) { return mapUid(uid); };
    s.tokens = identifyingTokens(ds, profile);
    std::vector<std::string> pathTokens = s.tokens;
    for (const auto& u : replacedUids(ds, profile)) pathTokens.push_back(u);
    const std::string burned = str(ds, DCM_BurnedInAnnotation);

    Status cleaned = cleanDataset(ds, s, o.warnings);
    if (!cleaned) {
      o.refusal = cleaned.message();
      return o;
    }
    const int n = patients_.at(p.patientKey);
    const std::string name =
        options_.pseudonymName.empty() ? "TEACHING^CASE-" + std::to_string(n) : options_.pseudonymName;
    const std::string id = options_.pseudonymId.empty() ? "CASE-" + std::to_string(n) : options_.pseudonymId;
    ds.putAndInsertString(DCM_PatientName, name.c_str());
    ds.putAndInsertString(DCM_PatientID, id.c_str());

    E_TransferSyntax xfer = ds.getOriginalXfer();
    if (p.blank) {
      Status b = blankRectangles(ds, options_.blanks);
      if (!b) {
        o.refusal = "burned-in text cannot be blanked: " + b.message();
        return o;
      }
      markDerived(ds, options_.blanks);
      xfer = EXS_LittleEndianExplicit;
    } else if (!ds.tagExists(DCM_PixelData)) {
      // no pixels, nothing burned in
    } else if (mayHaveBurnedInText(p.modality, p.sopClassUid) && burned != "NO") {
      o.warnings.push_back(p.modality + " image with Burned In Annotation " + (burned.empty() ? "absent" : burned) +
                           ": the pixels may show patient text; check the frames and blank it (--blank X,Y,W,H)");
    }
    const Methods m = methodsFor(options_, p.blank);
    writeMethod(ds, m, options_.retainModifiedDates);
    if (report_.method.empty() || m.text.size() > report_.method.size()) report_.method = m.text;

    const fs::path out = singleFile ? outRoot : outRoot / safeRelative(p.relative, pathTokens);
    std::error_code ec;
    fs::create_directories(out.parent_path(), ec);
    file.getMetaInfo()->clear();  // source AE titles, private meta information: rebuilt from the dataset
    if (xfer == EXS_Unknown) xfer = EXS_LittleEndianExplicit;
    c = file.saveFile(out.string().c_str(), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0, 0, EWM_updateMeta);
    if (c.bad()) {
      o.refusal = "cannot write " + out.string() + ": " + c.text();
      return o;
    }
    o.output = out.string();
    return o;
  }

 private:
  std::string mapUid(const std::string& padded) {
    // Some writers pad with NUL or space (PS3.5 9.1): the same UID must map the same.
    std::string uid = padded;
    while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.pop_back();
    // A blanked image is a new (derived) instance in a new series: its UIDs and every
    // reference to them get the "blanked" replacement, so reports still resolve.
    const std::string replacement = keyedUid(key_, derived_.count(uid) ? "blanked" : "uid", uid);
    report_.uidMap[uid] = replacement;
    return replacement;
  }

  // A folder or file name holding an identifying value of its file (a patient
  // name, an original UID) is replaced by a keyed name.
  fs::path safeRelative(const std::string& relative, const std::vector<std::string>& tokens) const {
    fs::path out;
    for (const fs::path& part : fs::path(relative)) {
      const std::string s = part.string();
      if (scrubText(s, tokens) == s) {
        out /= part;
        continue;
      }
      const std::string ext =
          part.has_extension() && part.extension().string().size() <= 5 ? part.extension().string() : "";
      out /= "F" + keyedHex(key_, "path\n" + s, 12) + ext;
    }
    return out;
  }

  const DeidOptions& options_;
  DeidReport& report_;
  std::string key_;
  std::map<std::string, int> patients_;
  std::set<std::string> derived_;
};

}  // namespace

int DeidReport::written() const {
  int n = 0;
  for (const auto& f : files) n += f.refusal.empty() ? 1 : 0;
  return n;
}
int DeidReport::refused() const { return int(files.size()) - written(); }

Result<DeidReport> deidentify(const std::string& input, const std::string& output, const DeidOptions& options) {
  std::error_code ec;
  if (!fs::exists(input, ec)) return makeError(input + ": no such file or folder");
  const bool singleFile = fs::is_regular_file(input, ec) && !isDicomDir(input) && !fs::is_directory(output, ec);
  auto collected = collectFiles(input);
  if (!collected) return makeError(collected.message());
  const fs::path root = fs::is_directory(input, ec) ? fs::path(input) : fs::path(input).parent_path();
  std::vector<Planned> planned;
  std::vector<std::string> files = collected->files;
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    Planned p;
    p.path = f;
    p.relative = fs::relative(f, root, ec).string();
    if (ec || p.relative.empty() || p.relative.rfind("..", 0) == 0) p.relative = fs::path(f).filename().string();
    planned.push_back(p);
  }
  const fs::path outRoot = singleFile ? fs::path(output) : fs::path(output);
  if (!singleFile) {
    fs::create_directories(outRoot, ec);
    if (ec) return makeError(output + ": cannot create the output folder: " + ec.message());
  }
  DeidReport report;
  for (const auto& r : collected->rejected) report.files.push_back({r.path, "", r.reason, {}});
  if (isDicomDir(input))
    report.files.push_back({input, "", "a DICOMDIR indexes patient names and IDs; it is not copied", {}});
  CaseRun run(options, report);
  run.plan(planned);
  for (std::size_t i = 0; i < planned.size(); ++i) {
    if (options.cancel && options.cancel->load()) {
      for (const auto& f : report.files)
        if (!f.output.empty()) fs::remove(f.output, ec);
      return makeError(output + ": de-identification cancelled");
    }
    report.files.push_back(run.run(planned[i], outRoot, singleFile));
    if (options.progress) {
      const float done = float(i + 1) / float(planned.size());
      float seen = options.progress->load();
      while (done > seen && !options.progress->compare_exchange_weak(seen, done)) {
      }
    }
  }
  return report;
}

Status writeUidMap(const DeidReport& report, const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return makeError(path + ": cannot write the UID mapping file");
  out << "original_uid,replacement_uid\n";
  for (const auto& [from, to] : report.uidMap) out << from << "," << to << "\n";
  out.flush();
  if (!out) return makeError(path + ": write failed");
  return {};
}

}  // namespace annulo::deid
