#include "sr/ProvocationGroupReader.h"

#include <dcmtk/dcmsr/dsrcodvl.h>
#include <dcmtk/dcmsr/dsrimgvl.h>
#include <dcmtk/dcmsr/dsrnumvl.h>

#include <cmath>

#include "sr/Codes.h"
#include "sr/SrValues.h"
#include "sr/TearCodes.h"

namespace annulo::sr {
namespace {

std::string str(const OFString& s) { return s.c_str(); }

class ProvocationReader {
 public:
  ProvocationReader(std::string label, const GroupReadContext& ctx) : label_(std::move(label)), ctx_(ctx) {}

  std::optional<ImportedProvocation> read(Node* group) {
    if (!group->getObservationDateTime().empty())
      if (auto iso = dicomDateTimeToIso(str(group->getObservationDateTime()))) rec().observedAt = *iso;
    for (Node* n : childrenOf(group)) item(n);
    if (rec().level.empty()) {
      warn("provocation group without a disc level (Finding Site); skipped");
      return std::nullopt;
    }
    if (final_) {
      ProvocationOverride o;
      o.classification = *final_;
      o.reason = overrideReason_, o.by = overrideBy_, o.at = overrideAt_;
      rec().override_ = o;
    }
    return out_;
  }

 private:
  ProvocationLevel& rec() { return out_.record; }
  std::string prefix() const {
    return label_ + (out_.record.level.empty() ? "" : " (provocation " + out_.record.level + ")") + ": ";
  }
  void warn(const std::string& text) const {
    if (ctx_.warnings) ctx_.warnings->push_back(prefix() + text);
  }
  void unmapped(Node* n) const {
    if (ctx_.unmapped) describeSubtree(n, prefix(), *ctx_.unmapped);
  }
  bool expect(Node* n, DSRTypes::E_ValueType type) const {
    if (n->getValueType() == type) return true;
    warn("\"" + str(n->getConceptName().getCodeMeaning()) + "\" has value type " + valueTypeName(n) + ", expected " +
         DSRTypes::valueTypeToDefinedTerm(type) + "; not imported");
    unmapped(n);
    return false;
  }

  std::optional<double> num(Node* n, const std::string& unit) {
    if (!expect(n, DSRTypes::VT_Num)) return std::nullopt;
    const DSRNumericMeasurementValue& value = *numValue(n);
    const auto v = numericValue(value);
    const std::string have = str(value.getMeasurementUnit().getCodeValue());
    if (v && have == unit) return v;
    if (v && unit == "[psi]" && have == "kPa") return kpaToPsi(*v);
    warn("\"" + str(n->getConceptName().getCodeMeaning()) + "\" is in '" + have + "', expected '" + unit + "'");
    unmapped(n);
    return std::nullopt;
  }
  std::optional<int> score(Node* n) {
    auto v = num(n, "{score}");
    if (v && (*v != std::floor(*v) || *v < 0 || *v > 10)) {
      warn("pain score " + std::to_string(*v) + " is not an integer 0-10");
      return std::nullopt;
    }
    return v ? std::optional<int>(int(*v)) : std::nullopt;
  }
  std::optional<std::string> text(Node* n) {
    if (n->getValueType() != DSRTypes::VT_Text && n->getValueType() != DSRTypes::VT_PName &&
        n->getValueType() != DSRTypes::VT_UIDRef) {
      expect(n, DSRTypes::VT_Text);  // warns and lists the item as unmapped
      return std::nullopt;
    }
    return stringValue(n);
  }
  // The value of a CODE item as the token after `prefix` in the code table, parsed.
  template <typename E>
  std::optional<E> codeAs(Node* n, const char* prefix, std::optional<E> (*parse)(const std::string&)) {
    if (!expect(n, DSRTypes::VT_Code)) return std::nullopt;
    auto suffix = suffixOf(*codeValue(n), prefix);
    std::optional<E> v = suffix ? parse(*suffix) : std::nullopt;
    if (!v) {
      warn("\"" + str(n->getConceptName().getCodeMeaning()) + "\" value " + describe(*codeValue(n)) +
           " has no model value");
      unmapped(n);
    }
    return v;
  }

  void images(Node* n) {
    if (!expect(n, DSRTypes::VT_Image)) return;
    DSRImageReferenceValue& value = *imageValue(n);
    ImageReference ref;
    ref.sopClassUid = str(value.getSOPClassUID());
    ref.sopInstanceUid = str(value.getSOPInstanceUID());
    if (ctx_.evidence) {
      auto it = ctx_.evidence->find(ref.sopInstanceUid);
      if (it != ctx_.evidence->end())
        ref.seriesInstanceUid = it->second.seriesInstanceUid, ref.studyInstanceUid = it->second.studyInstanceUid;
      else
        warn("injection image " + ref.sopInstanceUid + " is not listed in the evidence");
    }
    const DSRImageFrameList& frames = value.getFrameList();
    if (frames.isEmpty()) rec().images.push_back(ref);
    for (std::size_t i = 1; i <= frames.getNumberOfItems(); ++i) {
      ref.frameNumber = frames.getItem(i);
      rec().images.push_back(ref);
    }
  }

  void logStep(Node* step) {
    ManometryRow row;
    bool time = false, volume = false, pressure = false;
    for (Node* n : childrenOf(step)) {
      const auto key = keyOf(n->getConceptName()).value_or("");
      if (key == "concept.time") {
        if (auto v = num(n, "s")) row.timeS = *v, time = true;
      } else if (key == "concept.volume-administered") {
        if (auto v = num(n, "mL")) row.volumeMl = *v, volume = true;
      } else if (key == "concept.intradiscal-pressure") {
        if (auto v = num(n, "[psi]")) row.pressurePsi = *v, pressure = true;
      } else if (key == "concept.pain-score") {
        row.pain = score(n);
      } else {
        unmapped(n);
      }
    }
    if (time && volume && pressure)
      rec().log.push_back(row);
    else
      warn("manometry step " + std::to_string(rec().log.size() + 1) + " lacks time, volume or pressure; skipped");
  }

  void log(Node* n) {
    if (!expect(n, DSRTypes::VT_Container)) return;
    for (Node* step : childrenOf(n)) {
      if (step->getValueType() == DSRTypes::VT_Container && is(step->getConceptName(), "container.manometry-step"))
        logStep(step);
      else
        unmapped(step);
    }
  }

  void assign(std::optional<double>& field, Node* n, const char* unit) {
    if (auto v = num(n, unit)) field = v;
  }
  void assign(std::string& field, Node* n) {
    if (auto v = text(n)) field = *v;
  }

  void item(Node* n) {
    const auto key = keyOf(n->getConceptName()).value_or("");
    ProvocationLevel& p = rec();
    if (key == "concept.tracking-identifier" || key == "concept.observer-type" || key == "concept.finding") {
      // identifier text is derived from the level; observer type is "person"; the finding is what brought us here
    } else if (key == "concept.tracking-uid") {
      assign(p.trackingUid, n);
    } else if (key == "concept.person-observer-name") {
      assign(p.observer, n);
    } else if (key == "concept.observed-at") {
      assign(p.observedAt, n);
    } else if (key == "concept.finding-site") {
      if (!expect(n, DSRTypes::VT_Code)) return;
      if (auto level = discLevelOf(*codeValue(n)))
        p.level = *level;
      else
        unmapped(n);
    } else if (key == "concept.laterality") {
      p.side = codeAs<InjectionSide>(n, "side.", parseInjectionSide);
    } else if (key == "concept.instrument-approach") {
      assign(p.approach, n);
    } else if (key == "concept.source-image") {
      images(n);
    } else if (key == "concept.opening-pressure") {
      assign(p.openingPsi, n, "[psi]");
    } else if (key == "concept.pain-pressure") {
      assign(p.painPsi, n, "[psi]");
    } else if (key == "concept.peak-pressure") {
      assign(p.peakPsi, n, "[psi]");
    } else if (key == "concept.pain-volume") {
      assign(p.volumeAtPainMl, n, "mL");
    } else if (key == "concept.volume-administered") {
      assign(p.totalVolumeMl, n, "mL");
    } else if (key == "concept.pain-score") {
      p.painScore = score(n);
    } else if (key == "concept.pain-response") {
      p.concordance = codeAs<Concordance>(n, "pain.", parseConcordance);
    } else if (key == "concept.pain-location") {
      assign(p.painLocation, n);
    } else if (key == "concept.contrast-agent") {
      assign(p.contrastAgent, n);
    } else if (key == "concept.nucleogram") {
      p.nucleogram = codeAs<NucleogramPattern>(n, "nucleogram.", parseNucleogram);
    } else if (key == "concept.dallas-grade") {
      if (expect(n, DSRTypes::VT_Code)) out_.dallasGrade = gradeFromKey(keyOf(*codeValue(n)).value_or(""));
    } else if (key == "concept.containment") {
      if (expect(n, DSRTypes::VT_Code)) out_.leak = is(*codeValue(n), "containment.leak");
    } else if (key == "concept.leak-onset-time") {
      assign(out_.leakOnsetMs, n, "ms");
    } else if (key == "concept.leak-onset-volume") {
      assign(out_.volumeAtLeakOnsetMl, n, "mL");
    } else if (key == "container.manometry-log") {
      log(n);
    } else if (key == "concept.provocation-class") {
      out_.computed = codeAs<ProvocationClass>(n, "class.", parseProvocationClass);
    } else if (key == "concept.provocation-reason") {
      if (auto v = text(n)) out_.reasons.push_back(*v);
    } else if (key == "concept.derby") {
      out_.derby = codeAs<DerbyCategory>(n, "derby.", parseDerbyCategory);
    } else if (key == "concept.algorithm-name") {
      assign(out_.criteriaName, n);
    } else if (key == "concept.algorithm-version") {
      assign(out_.criteriaVersion, n);
    } else if (key == "concept.provocation-final") {
      final_ = codeAs<ProvocationClass>(n, "class.", parseProvocationClass);
    } else if (key == "concept.override-reason") {
      assign(overrideReason_, n);
    } else if (key == "concept.override-by") {
      assign(overrideBy_, n);
    } else if (key == "concept.override-at") {
      assign(overrideAt_, n);
    } else if (key == "concept.related-tear") {
      if (auto v = text(n)) out_.tearTrackingUids.push_back(*v);
    } else {
      unmapped(n);
    }
  }

  std::string label_;
  const GroupReadContext& ctx_;
  ImportedProvocation out_;
  std::optional<ProvocationClass> final_;
  std::string overrideReason_, overrideBy_, overrideAt_;
};

}  // namespace

bool isProvocationGroup(Node* group) {
  for (Node* n : childrenOf(group))
    if (n->getValueType() == DSRTypes::VT_Code && is(n->getConceptName(), "concept.finding") && codeValue(n) &&
        is(*codeValue(n), "finding.disc-provocation"))
      return true;
  return false;
}

std::optional<ImportedProvocation> readProvocationGroup(Node* group, const std::string& label,
                                                        const GroupReadContext& ctx) {
  return ProvocationReader(label, ctx).read(group);
}

}  // namespace annulo::sr
