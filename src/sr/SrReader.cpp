// importSr: an SR (ours or another tool's TID 1500 report) back into tears.
//
// Strategy: read the file, make sure it is an SR, parse the content tree
// (strictly, then leniently with a warning), take the document-level context
// (observer, evidence), then map every Measurement Group below "Imaging
// Measurements" (TID 1500 row 6). What does not map is listed in `unmapped`.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <filesystem>
#include <map>

#include "annulo/sr/SrExport.h"
#include "dicom/GuardedLoad.h"
#include "sr/Codes.h"
#include "sr/DcmSupport.h"
#include "sr/ImageIndex.h"
#include "sr/MeasurementGroupReader.h"
#include "sr/ProvocationGroupReader.h"
#include "sr/SrNodes.h"

namespace annulo {
namespace {

using sr::Node;

std::string str(const OFString& s) { return s.c_str(); }

void collectEvidence(DSRSOPInstanceReferenceList& list, std::map<std::string, sr::EvidenceEntry>& out) {
  if (list.gotoFirstItem().bad()) return;
  do {
    OFString study, series, cls, instance;
    list.getStudyInstanceUID(study);
    list.getSeriesInstanceUID(series);
    list.getSOPClassUID(cls);
    list.getSOPInstanceUID(instance);
    out.emplace(str(instance), sr::EvidenceEntry{str(study), str(series), str(cls)});
  } while (list.gotoNextItem().good());
}

// dwv (0.36) writes an IMAGE item's frame as Referenced Frame Number (0008,1160)
// on the content item itself; PS3.3 Table C.18.4-1 puts it inside Referenced SOP
// Sequence, the only place DCMTK reads. Moved there (when that place is empty)
// so dwv's reports keep their frames. Returns how many were moved.
int adoptItemLevelFrameNumbers(DcmItem& item) {
  int moved = 0;
  DcmSequenceOfItems* content = nullptr;
  if (item.findAndGetSequence(DCM_ContentSequence, content).bad() || !content) return 0;
  for (unsigned long i = 0; i < content->card(); ++i) {
    DcmItem* child = content->getItem(i);
    DcmItem* sop = nullptr;
    if (child->tagExists(DCM_ReferencedFrameNumber) &&
        child->findAndGetSequenceItem(DCM_ReferencedSOPSequence, sop, 0).good() && sop &&
        !sop->tagExists(DCM_ReferencedFrameNumber)) {
      sr::copyElement(*child, *sop, DCM_ReferencedFrameNumber);
      ++moved;
    }
    moved += adoptItemLevelFrameNumbers(*child);
  }
  return moved;
}

// Reads the content tree strictly; when that fails, once more accepting
// invalid items (the problem becomes a warning), else the error.
Status readDocument(DSRDocument& doc, DcmDataset& dataset, const std::string& path,
                    std::vector<std::string>& warnings) {
  OFCondition strict = doc.read(dataset);
  if (strict.good()) return {};
  const size_t lenient = DSRTypes::RF_ignoreContentItemErrors | DSRTypes::RF_acceptInvalidContentItemValue |
                         DSRTypes::RF_acceptUnknownRelationshipType | DSRTypes::RF_ignoreRelationshipConstraints |
                         DSRTypes::RF_skipInvalidContentItems;
  OFCondition relaxed = doc.read(dataset, lenient);
  if (relaxed.bad() || doc.getTree().isEmpty())
    return makeError(path + ": the SR content tree cannot be read: " + strict.text());
  warnings.push_back(path + ": the SR content tree has errors (" + strict.text() +
                     "); invalid content items were skipped");
  return {};
}

struct RootWalk {
  const std::map<std::string, sr::EvidenceEntry>* evidence;
  SrImport* out;
  int groups = 0;
  bool imagingMeasurements = false;

  sr::GroupReadContext context() const { return {evidence, &out->unmapped, &out->warnings}; }

  void measurements(Node* container) {
    imagingMeasurements = true;
    for (Node* n : sr::childrenOf(container)) {
      if (n->getValueType() == DSRTypes::VT_Container && sr::is(n->getConceptName(), "container.measurement-group")) {
        const std::string label = "measurement group " + std::to_string(++groups);
        if (sr::isProvocationGroup(n)) {  // the provocation record of one level
          if (auto level = sr::readProvocationGroup(n, label, context())) out->provocation.push_back(std::move(*level));
          continue;
        }
        if (auto tear = sr::readMeasurementGroup(n, label, context())) out->tears.push_back(std::move(*tear));
      } else {
        sr::describeSubtree(n, "Imaging Measurements: ", out->unmapped);
      }
    }
  }

  void rootItem(Node* n) {
    const auto key = sr::keyOf(n->getConceptName()).value_or("");
    const auto vt = n->getValueType();
    if (key == "container.imaging-measurements" && vt == DSRTypes::VT_Container) return measurements(n);
    if (key == "concept.person-observer-name" && sr::stringValue(n)) {
      out->observer = *sr::stringValue(n);
      return;
    }
    // Document context with no place in the model that says nothing about
    // the tears: language (TID 1204), observer type, procedure reported
    // (TID 1500 row 4) and the image library (TID 1600, the evidence says the same).
    const DSRCodedEntryValue& c = n->getConceptName();
    const std::string code = str(c.getCodeValue()), scheme = str(c.getCodingSchemeDesignator());
    if (scheme == "DCM" && (code == "121049" || code == "121058" || code == "111028")) return;
    if (key == "concept.observer-type" && sr::codeValue(n) && sr::is(*sr::codeValue(n), "observer-type.person")) return;
    sr::describeSubtree(n, "document: ", out->unmapped);
  }
};

void checkLoaded(SrImport& out, const std::vector<const Series*>& loaded) {
  if (loaded.empty()) return;
  sr::ImageIndex index(loaded);
  for (const auto& tear : out.tears) {
    const ImageReference& ref = tear.geometry.image;
    const std::string who = "tear '" + tear.id + "'";
    if (!ref.sopInstanceUid.empty()) {
      const sr::IndexedImage* image = index.find(ref.sopInstanceUid);
      if (!image)
        out.warnings.push_back(who + " references image " + ref.sopInstanceUid + ", which is not loaded");
      else if (ref.frameNumber > image->frames)
        out.warnings.push_back(who + " references frame " + std::to_string(ref.frameNumber) + " of image " +
                               ref.sopInstanceUid + ", which has " + std::to_string(image->frames) + " frame(s)");
    } else if (tear.geometry.is3D() && !index.seriesWithFrameOfReference(tear.geometry.frameOfReferenceUid)) {
      out.warnings.push_back(who + " is in frame of reference " + tear.geometry.frameOfReferenceUid +
                             ", which no loaded series has");
    }
  }
}

}  // namespace

Result<SrImport> importSr(const std::string& path, const SrImportOptions& options) {
  if (!std::filesystem::is_regular_file(path)) return makeError(path + ": no such file");
  DcmFileFormat file;
  auto loaded = guardedLoad(file, path);  // probe + DCMTK exceptions (dicom/GuardedLoad.h)
  if (!loaded) return makeError(path + ": cannot be read as DICOM (" + loaded.message() + ")");
  OFCondition c = *loaded;
  if (c.bad())
    return makeError(path + ": cannot be read as DICOM (" + std::string(c.text()) + "; truncated or not DICOM)");
  DcmDataset& dataset = *file.getDataset();

  SrImport out;
  out.sopClassUid = sr::getString(dataset, DCM_SOPClassUID);
  if (DSRTypes::sopClassUIDToDocumentType(out.sopClassUid.c_str()) == DSRTypes::DT_invalid) {
    const char* name = dcmFindNameOfUID(out.sopClassUid.c_str(), nullptr);
    return makeError(path + ": not a DICOM Structured Report (SOP Class " +
                     (name ? std::string(name) + " " : std::string()) + out.sopClassUid + ")");
  }

  if (const int moved = adoptItemLevelFrameNumbers(dataset))
    out.warnings.push_back(path + ": " + std::to_string(moved) +
                           " image reference(s) give their frame outside Referenced SOP Sequence (as dwv writes); "
                           "read from there");
  DSRDocument doc;
  if (Status s = readDocument(doc, dataset, path, out.warnings); !s) return s.error();
  out.sopInstanceUid = sr::getString(dataset, DCM_SOPInstanceUID);
  out.seriesInstanceUid = sr::getString(dataset, DCM_SeriesInstanceUID);
  out.studyInstanceUid = sr::getString(dataset, DCM_StudyInstanceUID);
  out.completionFlag = sr::getString(dataset, DCM_CompletionFlag);

  std::map<std::string, sr::EvidenceEntry> evidence;
  collectEvidence(doc.getCurrentRequestedProcedureEvidence(), evidence);
  collectEvidence(doc.getPertinentOtherEvidence(), evidence);

  DSRDocumentTreeNodeCursor cursor;
  if (!doc.getTree().getCursorToRootNode(cursor) || !cursor.getNode())
    return makeError(path + ": the SR has no content tree (no root CONTAINER)");
  Node* root = cursor.getNode();
  out.documentTitle = str(root->getConceptName().getCodeMeaning());
  if (!sr::is(root->getConceptName(), "doc.title"))
    out.warnings.push_back(path + ": document title " + sr::describe(root->getConceptName()) +
                           " is not TID 1500 'Imaging Measurement Report'; looking for measurement groups anyway");

  RootWalk walk{&evidence, &out};
  for (Node* n : sr::childrenOf(root)) walk.rootItem(n);
  if (!walk.imagingMeasurements)
    out.warnings.push_back(path + ": no 'Imaging Measurements' container (TID 1500 row 6): no tears");
  else if (walk.groups == 0)
    out.warnings.push_back(path + ": 'Imaging Measurements' holds no measurement group: no tears");
  checkLoaded(out, options.loaded);
  return out;
}

}  // namespace annulo
