#pragma once
// Private: applies the confidentiality profile to one dataset, recursively into
// every sequence item (PS3.15 E.1.1: the actions apply to attributes at any
// nesting level), including the SR content tree and presentation state text.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/deid/ConfidentialityProfile.h"

namespace annulo::deid {

struct CleanSettings {
  const ConfidentialityProfile* profile = nullptr;
  std::set<ProfileOption> options;
  std::string key;         // HMAC key (reader pseudonyms)
  long dateShiftDays = 0;  // used when RetainLongitudinalModifiedDates is selected
  std::string sopClassUid;
  bool functionalGroups = false;
  // Original UID -> replacement (the case's keyed mapping, shared by all files).
  std::function<std::string(const std::string&)> mapUid;
  // Identifying strings of this file, removed from descriptors that are cleaned.
  std::vector<std::string> tokens;
};

// Identifying values of `dataset` (person names and their components, IDs,
// dates, institution/station names: every Table E.1-1 string attribute that is
// not a descriptor), for cleaning free text and renaming output paths.
std::vector<std::string> identifyingTokens(DcmItem& dataset, const ConfidentialityProfile& profile);
// The original UIDs the profile replaces (U), found anywhere in `dataset`.
std::vector<std::string> replacedUids(DcmItem& dataset, const ConfidentialityProfile& profile);

// `text` with every token removed (case-insensitive).
std::string scrubText(const std::string& text, const std::vector<std::string>& tokens);

// Errors are refusals: something in the dataset that cannot be cleaned safely.
// `warnings` gets what was removed without a table rule (e.g. unknown VR UN data).
Status cleanDataset(DcmItem& dataset, const CleanSettings& settings, std::vector<std::string>& warnings);

}  // namespace annulo::deid
