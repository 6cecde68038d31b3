#include "deid/DatasetCleaner.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "deid/ActionResolver.h"
#include "deid/DateShift.h"
#include "deid/KeyedHash.h"

namespace annulo::deid {
namespace {

// How the items of a sequence are treated.
enum class Mode {
  Normal,      // the table's rules, attribute by attribute
  Dummy,       // inside a D sequence: every free string becomes a dummy (PS3.15 E.1.1 "D")
  Structured,  // SR content tree / presentation graphics: codes, numbers, coordinates and
               // references stay (they are the finding), free text is cleaned or replaced
};

inline std::uint32_t key32(const DcmTagKey& t) { return std::uint32_t(t.getGroup()) << 16 | t.getElement(); }

bool isString(DcmEVR vr) {
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
    case EVR_UR:
    case EVR_UT:
      return true;
    default:
      return false;
  }
}

// Strings that can carry a name, a place or a date (not codes, numbers or UIDs).
bool isFreeString(DcmEVR vr) { return isString(vr) && vr != EVR_CS && vr != EVR_UI && vr != EVR_DS && vr != EVR_IS; }

// A dummy consistent with the VR (PS3.5 6.2 lengths and character repertoires).
std::string dummyValue(DcmEVR vr) {
  switch (vr) {
    case EVR_DA:
      return "19000101";
    case EVR_DT:
      return "19000101000000";
    case EVR_TM:
      return "000000";
    case EVR_AS:
      return "000Y";
    case EVR_DS:
    case EVR_IS:
    case EVR_US:
    case EVR_SS:
    case EVR_UL:
    case EVR_SL:
    case EVR_FL:
    case EVR_FD:
      return "0";
    default:
      return "DEIDENTIFIED";
  }
}

std::string valueOf(DcmElement& el) {
  OFString s;
  el.getOFStringArray(s);
  return s.c_str();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

std::string hexTag(const DcmTagKey& t) {
  char b[16];
  std::snprintf(b, sizeof b, "(%04X,%04X)", t.getGroup(), t.getElement());
  return b;
}

class Cleaner {
 public:
  Cleaner(const CleanSettings& s, std::vector<std::string>& warnings) : s_(s), warnings_(warnings) {}

  Status item(DcmItem& item, Mode mode, std::uint32_t parent) {
    removeOverlays(item, parent);
    std::vector<DcmElement*> elements;
    for (unsigned long i = 0; i < item.card(); ++i) elements.push_back(item.getElement(i));
    for (DcmElement* el : elements) {
      Status st = element(item, *el, mode, parent);
      if (!st) return st;
    }
    return {};
  }

 private:
  void remove(DcmItem& item, DcmElement& el) { delete item.remove(&el); }

  // Overlay planes (60xx): Overlay Data and Comments are X in Table E.1-1, and an
  // overlay bitmap can hold burned-in text we cannot tell from graphics. The rest
  // of the group describes the removed bitmap (Overlay Plane Module C.9.2 requires
  // the data), so the whole group goes.
  void removeOverlays(DcmItem& item, std::uint32_t parent) {
    if (parent != 0) return;
    for (unsigned long i = item.card(); i-- > 0;) {
      const std::uint16_t g = item.getElement(i)->getTag().getGroup();
      if (g >= 0x6000 && g <= 0x601E && g % 2 == 0) delete item.remove(i);
    }
  }

  Status element(DcmItem& item, DcmElement& el, Mode mode, std::uint32_t parent) {
    const DcmTagKey tag = el.getTag();
    const std::uint16_t g = tag.getGroup(), e = tag.getElement();
    const DcmEVR vr = el.ident();
    // Group lengths; private data (Retain Safe Private is not offered); meta header
    // and DICOMDIR groups that have no place in a dataset (PS3.10 7.1).
    if (e == 0x0000 || (g & 1) != 0 || g == 0x0002 || g == 0x0004) {
      remove(item, el);
      return {};
    }
    const ProfileRule* rule = s_.profile->find(g, e);
    if (!rule) return unlisted(item, el, mode, parent);
    IodContext ctx{s_.sopClassUid, s_.functionalGroups, parent, true};
    const Action action = resolveAction(*rule, s_.options, iodRequirement(g, e, ctx));
    if (vr == EVR_UN && action != Action::Remove && action != Action::Zero)
      return makeError("attribute " + hexTag(tag) + " " + rule->name +
                       " has an unknown VR (UN): its content cannot be cleaned");
    return apply(item, el, action, mode, parent);
  }

  // Attributes Table E.1-1 does not list are kept (they are not identifying),
  // except free text inside structured content and anything inside a D sequence.
  Status unlisted(DcmItem& item, DcmElement& el, Mode mode, std::uint32_t parent) {
    const DcmEVR vr = el.ident();
    const std::uint32_t t = key32(el.getTag());
    if (vr == EVR_SQ) return sequence(static_cast<DcmSequenceOfItems&>(el), mode, t);
    if (vr == EVR_UN) {
      warnings_.push_back("removed " + hexTag(el.getTag()) + ": unknown attribute of unknown VR (UN)");
      remove(item, el);
      return {};
    }
    if (mode == Mode::Dummy && isFreeString(vr)) return dummy(el, parent);
    if (mode == Mode::Dummy && vr == EVR_UI) return uids(el);
    if (mode == Mode::Structured && (t == key32(DCM_TextValue) || t == key32(DCM_UnformattedTextValue))) {
      const bool clean =
          s_.options.count(ProfileOption::CleanStructuredContent) || s_.options.count(ProfileOption::CleanGraphics);
      return clean ? cleanValue(el) : dummy(el, parent);
    }
    // Codes and labels of structured content stay (they are the finding), but not
    // with a name or ID of this file in them.
    if (mode == Mode::Structured && isFreeString(vr) && vr != EVR_DA && vr != EVR_DT && vr != EVR_TM) {
      const std::string v = valueOf(el), cleaned = scrubText(v, s_.tokens);
      if (cleaned != v) el.putString(cleaned.c_str());
    }
    return {};
  }

  Status apply(DcmItem& item, DcmElement& el, Action action, Mode mode, std::uint32_t parent) {
    const bool sq = el.ident() == EVR_SQ;
    const std::uint32_t t = key32(el.getTag());
    switch (action) {
      case Action::Remove:
        remove(item, el);
        return {};
      case Action::Zero:
        el.clear();
        return {};
      case Action::Dummy:
        if (!sq) return dummy(el, parent);
        return sequence(static_cast<DcmSequenceOfItems&>(el), structuredSequence(t) ? Mode::Structured : Mode::Dummy,
                        t);
      case Action::Keep:
        return sq ? sequence(static_cast<DcmSequenceOfItems&>(el), mode, t) : Status{};
      case Action::Clean:
        return sq ? sequence(static_cast<DcmSequenceOfItems&>(el), Mode::Structured, t) : cleanValue(el);
      case Action::Uid:
        return sq ? sequence(static_cast<DcmSequenceOfItems&>(el), mode == Mode::Dummy ? mode : Mode::Normal, t)
                  : uids(el);
    }
    return {};
  }

  static bool structuredSequence(std::uint32_t t) {
    return t == key32(DCM_ContentSequence) || t == key32(DCM_GraphicAnnotationSequence);
  }

  Status sequence(DcmSequenceOfItems& seq, Mode mode, std::uint32_t tag) {
    for (unsigned long i = 0; i < seq.card(); ++i) {
      Status st = item(*seq.getItem(i), mode, tag);
      if (!st) return st;
    }
    return {};
  }

  Status dummy(DcmElement& el, std::uint32_t parent) {
    const DcmEVR vr = el.ident();
    std::string value = dummyValue(vr);
    // People in an SR (observers, verifiers) get a keyed pseudonym: the same reader
    // stays the same reader across the case, and is not named.
    if (vr == EVR_PN && parent != 0) value = "READER^" + keyedHex(s_.key, "reader\n" + valueOf(el), 6);
    if (vr == EVR_UI) return uids(el);
    if (!isString(vr) && vr != EVR_US && vr != EVR_SS && vr != EVR_UL && vr != EVR_SL && vr != EVR_FL && vr != EVR_FD) {
      el.clear();  // binary data: zero length is the only safe dummy
      return {};
    }
    el.putString(value.c_str());
    return {};
  }

  Status uids(DcmElement& el) {
    if (el.ident() != EVR_UI) return {};
    std::string in = valueOf(el), out;
    std::size_t start = 0;
    while (start <= in.size()) {
      std::size_t end = in.find('\\', start);
      if (end == std::string::npos) end = in.size();
      const std::string one = in.substr(start, end - start);
      if (!out.empty() || start > 0) out += '\\';
      out += one.empty() ? one : s_.mapUid(one);
      start = end + 1;
    }
    el.putString(out.c_str());
    return {};
  }

  // C: dates shifted (Modified Dates), times kept, free text scrubbed of this
  // file's identifying values (Clean Descriptors, PS3.15 E.3.5).
  Status cleanValue(DcmElement& el) {
    const DcmEVR vr = el.ident();
    const std::string v = valueOf(el);
    if (v.empty()) return {};
    if (vr == EVR_DA || vr == EVR_DT) {
      std::optional<std::string> shifted;
      if (s_.options.count(ProfileOption::RetainLongitudinalModifiedDates))
        shifted = vr == EVR_DA ? shiftDa(v, s_.dateShiftDays) : shiftDt(v, s_.dateShiftDays);
      el.putString(shifted ? shifted->c_str() : dummyValue(vr).c_str());
      return {};
    }
    if (vr == EVR_TM || !isFreeString(vr)) return {};
    el.putString(scrubText(v, s_.tokens).c_str());
    return {};
  }

  const CleanSettings& s_;
  std::vector<std::string>& warnings_;
};

void addToken(std::vector<std::string>& tokens, const std::string& t) {
  std::string v = t;
  while (!v.empty() && (v.back() == ' ' || v.back() == '^')) v.pop_back();
  while (!v.empty() && v.front() == ' ') v.erase(v.begin());
  if (v.size() >= 3 && std::find(tokens.begin(), tokens.end(), v) == tokens.end()) tokens.push_back(v);
}

void collectTokens(DcmItem& item, const ConfidentialityProfile& profile, std::vector<std::string>& tokens) {
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* el = item.getElement(i);
    const DcmTagKey t = el->getTag();
    if (el->ident() == EVR_SQ) {
      auto* seq = static_cast<DcmSequenceOfItems*>(el);
      for (unsigned long k = 0; k < seq->card(); ++k) collectTokens(*seq->getItem(k), profile, tokens);
      continue;
    }
    const ProfileRule* rule = (t.getGroup() & 1) ? nullptr : profile.find(t.getGroup(), t.getElement());
    const DcmEVR vr = el->ident();
    if (vr == EVR_PN) {  // every person, listed or not, and each part of the name
      const std::string v = valueOf(*el);
      addToken(tokens, v);
      std::string part;
      for (char c : v + "^") {
        if (c == '^' || c == '=' || c == '\\' || c == ' ') {
          addToken(tokens, part);
          part.clear();
        } else {
          part += c;
        }
      }
      continue;
    }
    if (!rule || rule->basic == "U" || rule->options.count(ProfileOption::CleanDescriptors)) continue;
    if (!isFreeString(vr) || vr == EVR_TM) continue;
    OFString v;
    for (unsigned long k = 0; k < el->getVM() && el->getOFString(v, k).good(); ++k) addToken(tokens, v.c_str());
  }
}

void collectUids(DcmItem& item, const ConfidentialityProfile& profile, std::vector<std::string>& uids) {
  for (unsigned long i = 0; i < item.card(); ++i) {
    DcmElement* el = item.getElement(i);
    const DcmTagKey t = el->getTag();
    if (el->ident() == EVR_SQ) {
      auto* seq = static_cast<DcmSequenceOfItems*>(el);
      for (unsigned long k = 0; k < seq->card(); ++k) collectUids(*seq->getItem(k), profile, uids);
      continue;
    }
    if (el->ident() != EVR_UI || (t.getGroup() & 1)) continue;
    const ProfileRule* rule = profile.find(t.getGroup(), t.getElement());
    if (!rule || rule->basic != "U") continue;
    OFString v;
    for (unsigned long k = 0; k < el->getVM() && el->getOFString(v, k).good(); ++k)
      if (!v.empty()) uids.push_back(v.c_str());
  }
}

}  // namespace

std::vector<std::string> identifyingTokens(DcmItem& dataset, const ConfidentialityProfile& profile) {
  std::vector<std::string> tokens;
  collectTokens(dataset, profile, tokens);
  // Longest first: "DOE^JOHN" goes before "DOE" so no fragment is left behind.
  std::sort(tokens.begin(), tokens.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return tokens;
}

std::vector<std::string> replacedUids(DcmItem& dataset, const ConfidentialityProfile& profile) {
  std::vector<std::string> uids;
  collectUids(dataset, profile, uids);
  return uids;
}

std::string scrubText(const std::string& text, const std::vector<std::string>& tokens) {
  std::string out = text;
  for (const std::string& token : tokens) {
    const std::string needle = lower(token);
    std::string low = lower(out);
    for (std::size_t at = low.find(needle); at != std::string::npos; at = low.find(needle, at)) {
      out.replace(at, needle.size(), "***");
      low.replace(at, needle.size(), "***");
      at += 3;
    }
  }
  return out;
}

Status cleanDataset(DcmItem& dataset, const CleanSettings& settings, std::vector<std::string>& warnings) {
  Cleaner cleaner(settings, warnings);
  return cleaner.item(dataset, Mode::Normal, 0);
}

}  // namespace annulo::deid
