#pragma once
// De-identification of a case (a file, a folder or a DICOMDIR) with the PS3.15
// Annex E Basic Application Level Confidentiality Profile and the options a
// teaching file needs. Every file is either written de-identified or refused with
// its reason; nothing is copied through.

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include "annulo/base/Result.h"

namespace annulo::deid {

// A rectangle to blank in every frame (burned-in text), in pixels of the image.
struct BlankRect {
  int x = 0, y = 0, width = 0, height = 0;
};

struct DeidOptions {
  // Patient's Name / Patient ID written for the case. Empty: "TEACHING^CASE-<n>"
  // and "CASE-<n>", n counting the patients of the run in the order found.
  std::string pseudonymName;
  std::string pseudonymId;
  // PS3.15 E.3 options.
  bool retainModifiedDates = false;           // one keyed shift per patient (E.3.6)
  bool cleanDescriptors = false;              // and structured content / graphics text (E.3.5, E.3.2-3)
  bool retainPatientCharacteristics = false;  // age, sex, size, weight (E.3.8)
  bool retainDeviceIdentity = false;          // E.3.9
  // Secret key of the keyed UIDs and date shift. Empty: a random key for this run
  // (the UIDs then differ from run to run).
  std::string key;
  // Rectangles blanked in every frame of XA/RF/US/SC/OT images; those images are
  // written as a derived series (new UIDs, DERIVED, DerivationDescription).
  std::vector<BlankRect> blanks;
  // Optional, for a background job: checked before each file (a cancelled run removes
  // what it wrote and returns the error "... de-identification cancelled"); the
  // fraction of files done, only raised.
  const std::atomic<bool>* cancel = nullptr;
  std::atomic<float>* progress = nullptr;
};

struct FileOutcome {
  std::string input;
  std::string output;   // empty when refused
  std::string refusal;  // why it was not written (empty when written)
  std::vector<std::string> warnings;
};

struct DeidReport {
  std::vector<FileOutcome> files;
  std::map<std::string, std::string> uidMap;  // original -> replacement, for the owner's mapping file
  std::vector<std::string> method;            // the DeidentificationMethod values written
  int written() const;
  int refused() const;
};

// `input` a file, folder or DICOMDIR; `output` mirrors it (a folder, or a file
// path when `input` is a file and `output` is not an existing folder). Output path
// components holding an identifying value of their file are renamed. Errors only
// when the input cannot be listed or the output cannot be created; per-file
// problems are refusals in the report.
Result<DeidReport> deidentify(const std::string& input, const std::string& output, const DeidOptions& options);

// Writes the original -> replacement UID pairs (CSV, one a line) for re-identification.
Status writeUidMap(const DeidReport& report, const std::string& path);

}  // namespace annulo::deid
