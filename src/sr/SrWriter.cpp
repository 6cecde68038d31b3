// exportSr: a TID 1500 Measurement Report of a session's tears.
//
// The skeleton (language, observation context, procedure reported, image
// library) comes from DCMTK's TID 1500 class; the tears are added with the
// generic document tree (MeasurementGroupWriter). See docs/guide/SR.md.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsr/cmr/tid1500.h>
#include <dcmtk/dcmsr/codes/dcm.h>
#include <dcmtk/dcmsr/dsrdoc.h>

#include <algorithm>
#include <map>
#include <set>

#include "annulo/sr/SrExport.h"
#include "sr/Codes.h"
#include "sr/DcmSupport.h"
#include "sr/ImageIndex.h"
#include "sr/MeasurementGroupWriter.h"
#include "sr/ProvocationGroupWriter.h"

namespace annulo {
namespace {

using sr::ImageIndex;
using sr::IndexedImage;

struct Referenced {
  const IndexedImage* image = nullptr;
  std::string sopInstanceUid;
};

// Every image the tears reference, in order of first use, grouped by series
// (TID 1600 image library groups; evidence sequence).
std::vector<Referenced> referencedImages(const std::vector<TearAnnotation>& tears,
                                         const std::vector<ProvocationLevel>& provocation, const ImageIndex& index) {
  std::vector<Referenced> out;
  std::set<std::string> seen;
  for (const auto& tear : tears) {
    const std::string& uid = tear.geometry.image.sopInstanceUid;
    if (uid.empty() || !seen.insert(uid).second) continue;
    out.push_back({index.find(uid), uid});
  }
  for (const auto& level : provocation)  // the injection images of the provocation record
    for (const auto& ref : level.images)
      if (!ref.sopInstanceUid.empty() && seen.insert(ref.sopInstanceUid).second)
        out.push_back({index.find(ref.sopInstanceUid), ref.sopInstanceUid});
  std::stable_sort(out.begin(), out.end(), [](const Referenced& a, const Referenced& b) {
    return a.image->series->series.instanceUid < b.image->series->series.instanceUid;
  });
  return out;
}

// The series whose patient/study modules the report copies: the one the
// session's study names, else the first referenced one.
const Series* primarySeries(const Session& session, const std::vector<TearAnnotation>& tears, const ImageIndex& index) {
  for (const Series* s : index.sources())
    if (s && !session.studyInstanceUid.empty() && s->study.instanceUid == session.studyInstanceUid) return s;
  for (const auto& tear : tears) {
    if (const IndexedImage* image = index.find(tear.geometry.image.sopInstanceUid)) return image->series;
    if (const Series* s = index.seriesWithFrameOfReference(tear.geometry.frameOfReferenceUid)) return s;
  }
  for (const Series* s : index.sources())
    if (s) return s;
  return nullptr;
}

Status addProcedures(TID1500_MeasurementReport& report, const std::vector<const Series*>& series) {
  std::set<std::string> keys;
  for (const Series* s : series) {
    const std::string& m = s->series.modality;
    keys.insert(m == "MR" ? "procedure.mr" : m == "CT" ? "procedure.ct" : "procedure.annulogram");
  }
  if (keys.empty()) keys.insert("procedure.annulogram");
  for (const auto& key : keys) {
    // TID 1500 row 4; CID 100 is extensible, so a private procedure code is allowed.
    OFCondition c = report.addProcedureReported(CID100_QuantitativeDiagnosticImagingProcedures(sr::coded(key)));
    if (c.bad()) return sr::dcmError("adding procedure reported " + sr::describe(sr::coded(key)), c);
  }
  return {};
}

// TID 1600: one group per series, one entry per referenced image, with the
// descriptors DCMTK derives from the image header.
Status addImageLibrary(TID1500_MeasurementReport& report, const std::vector<Referenced>& images) {
  TID1600_ImageLibrary& library = report.getImageLibrary();
  OFCondition c = library.createNewImageLibrary();
  if (c.bad()) return sr::dcmError("creating the image library", c);
  const Series* current = nullptr;
  for (const auto& ref : images) {
    const Series* series = ref.image->series;
    if (!series->header)
      return makeError("series " + series->series.instanceUid + " has no header dataset to describe it");
    if (series != current) {
      if ((c = library.addImageGroup()).bad()) return sr::dcmError("adding an image library group", c);
      current = series;
    }
    DcmDataset entry(*series->header);
    entry.putAndInsertString(DCM_SOPInstanceUID, ref.sopInstanceUid.c_str());
    entry.putAndInsertString(DCM_SOPClassUID, ref.image->firstSlice->sopClassUid.c_str());
    if (!series->multiFrame && series->hasPatientGeometry) {
      const Vec3& p = ref.image->firstSlice->position;
      const std::string pos = sr::decimalDs(p[0]) + "\\" + sr::decimalDs(p[1]) + "\\" + sr::decimalDs(p[2]);
      entry.putAndInsertString(DCM_ImagePositionPatient, pos.c_str());
    }
    if ((c = library.addImageEntry(entry, TID1600_ImageLibrary::withAllDescriptors)).bad())
      return sr::dcmError("adding image " + ref.sopInstanceUid + " to the image library", c);
  }
  return {};
}

Status addObserver(TID1500_MeasurementReport& report, const std::string& name) {
  TID1001_ObservationContext& context = report.getObservationContext();
  // TID 1001 -> TID 1002: the person who read the study signs the report.
  OFCondition c = context.addPersonObserver(name.c_str());
  if (c.bad()) return sr::dcmError("adding person observer '" + name + "'", c);
  return {};
}

// TID 1002 person observer of the report: the one asked for, else the
// session's, else the one reader who marked every tear; none: empty (the
// caller signs as kUnknownReader and warns).
std::string reportObserver(const Session& session, const SrExportOptions& options) {
  if (!options.observerName.empty()) return options.observerName;
  if (!session.observer.empty()) return session.observer;
  std::string common;
  for (const auto& tear : session.tears) {
    if (tear.observer.empty() || (!common.empty() && tear.observer != common)) return {};
    common = tear.observer;
  }
  return common;
}

Status buildSkeleton(TID1500_MeasurementReport& report, const std::string& observer,
                     const std::vector<Referenced>& images, const std::vector<const Series*>& procedureSeries) {
  OFCondition c = report.setLanguage(CID5000_Languages::English, CID5001_Countries::UnitedStates);
  if (c.bad()) return sr::dcmError("setting the language", c);
  if (Status s = addObserver(report, observer); !s) return s;
  if (Status s = addProcedures(report, procedureSeries); !s) return s;
  return addImageLibrary(report, images);
}

Status addEvidence(DSRDocument& doc, const std::vector<Referenced>& images, const sr::SegmentationReference& seg) {
  // Every referenced instance must be listed (PS3.3 C.17.2.3; dciodvfy checks it).
  DSRSOPInstanceReferenceList& evidence = doc.getCurrentRequestedProcedureEvidence();
  for (const auto& ref : images) {
    const Series* s = ref.image->series;
    OFCondition c = evidence.addItem(s->study.instanceUid.c_str(), s->series.instanceUid.c_str(),
                                     ref.image->firstSlice->sopClassUid.c_str(), ref.sopInstanceUid.c_str());
    if (c.bad()) return sr::dcmError("listing " + ref.sopInstanceUid + " as evidence", c);
  }
  if (!seg.sopInstanceUid.empty()) {
    OFCondition c = evidence.addItem(seg.studyInstanceUid.c_str(), seg.seriesInstanceUid.c_str(),
                                     UID_SegmentationStorage, seg.sopInstanceUid.c_str());
    if (c.bad()) return sr::dcmError("listing segmentation " + seg.sopInstanceUid + " as evidence", c);
  }
  return {};
}

Status addCodingScheme(DSRDocument& doc) {
  // PS3.3 C.12.1.1.2.1: private coding schemes are identified in the Coding Scheme Identification Sequence.
  DSRCodingSchemeIdentificationList& schemes = doc.getCodingSchemeIdentification();
  OFCondition c = schemes.addItem(sr::kPrivateScheme);
  if (c.good()) c = schemes.setCodingSchemeName(sr::kPrivateSchemeName);
  if (c.good()) c = schemes.setCodingSchemeResponsibleOrganization(sr::kPrivateSchemeOrganization);
  if (c.bad()) return sr::dcmError("declaring coding scheme " + std::string(sr::kPrivateScheme), c);
  return {};
}

Status writeGroups(DSRDocument& doc, const std::vector<TearAnnotation>& tears, const sr::GroupContext& context) {
  DSRDocumentTree& tree = doc.getTree();
  if (tree.gotoNamedNode(CODE_DCM_ImagingMeasurements) == 0)
    return makeError("the TID 1500 skeleton has no 'Imaging Measurements' container");
  sr::ContentBuilder builder(tree);
  for (const auto& tear : tears)
    if (Status s = sr::writeMeasurementGroup(builder, tear, context); !s) return s;
  return {};
}

// The provocation record: one group per level after the tears' groups.
Status writeProvocation(DSRDocument& doc, const std::vector<ProvocationLevel>& levels,
                        const std::vector<TearAnnotation>& tears) {
  if (levels.empty()) return {};
  DSRDocumentTree& tree = doc.getTree();
  if (tree.gotoNamedNode(CODE_DCM_ImagingMeasurements) == 0)
    return makeError("the TID 1500 skeleton has no 'Imaging Measurements' container");
  sr::ContentBuilder builder(tree);
  return sr::writeProvocationGroups(builder, levels, tears);
}

// dwv 0.36 reads an IMAGE content item's frame from Referenced Frame Number
// (0008,1160) in the content item itself, not inside Referenced SOP Sequence
// (0008,1199) where PS3.3 C.18.3.1 (Image Reference Macro, Table C.18.4-1)
// puts it. The standard's place stays the truth (DCMTK, pydicom, Cornerstone3D
// read it there); the copy beside it is ignored by them and lets dwv keep frames.
void mirrorFrameNumbers(DcmItem& item) {
  DcmSequenceOfItems* content = nullptr;
  if (item.findAndGetSequence(DCM_ContentSequence, content).bad() || !content) return;
  for (unsigned long i = 0; i < content->card(); ++i) {
    DcmItem* child = content->getItem(i);
    OFString valueType;
    if (child->findAndGetOFString(DCM_ValueType, valueType).good() && valueType == "IMAGE") {
      DcmItem* sop = nullptr;
      if (child->findAndGetSequenceItem(DCM_ReferencedSOPSequence, sop, 0).good() && sop)
        sr::copyElement(*sop, *child, DCM_ReferencedFrameNumber);
    }
    mirrorFrameNumbers(*child);
  }
}

}  // namespace

Result<ExportedObject> exportSr(const Session& session, const std::vector<const Series*>& sources,
                                const std::string& path, const SrExportOptions& options) {
  auto fail = [&path](const std::string& what) { return makeError("SR export to " + path + ": " + what); };
  if (std::any_of(sources.begin(), sources.end(), [](const Series* s) { return s == nullptr; }))
    return fail("a source series is null");
  if (!options.segSopInstanceUid.empty() && options.segSeriesInstanceUid.empty())
    return fail("a segmentation SOP Instance UID needs its Series Instance UID (evidence, PS3.3 C.17.2.3)");
  ImageIndex index(sources);
  ExportedObject out;
  out.path = path;

  std::vector<TearAnnotation> tears;
  tears.reserve(session.tears.size());
  for (const auto& tear : session.tears) {
    auto resolved = sr::resolveTear(tear, index, &out.warnings);
    if (!resolved) return fail(resolved.message());
    tears.push_back(std::move(*resolved));
  }
  auto provocation = sr::resolveProvocation(session.provocation, index);
  if (!provocation) return fail(provocation.message());
  const Series* primary = primarySeries(session, tears, index);
  if (!primary) return fail("no source series to copy the patient and study from");
  if (!primary->header) return fail("series " + primary->series.instanceUid + " has no header dataset");

  const auto images = referencedImages(tears, *provocation, index);
  // One report is about one patient (PS3.3 C.7.1.1): refuse images of another.
  for (const auto& ref : images)
    if (ref.image->series->patient.id != primary->patient.id)
      return fail("image " + ref.sopInstanceUid + " belongs to patient '" + ref.image->series->patient.id +
                  "', the report is for patient '" + primary->patient.id + "'");
  std::vector<const Series*> procedureSeries;
  for (const auto& ref : images)
    if (std::find(procedureSeries.begin(), procedureSeries.end(), ref.image->series) == procedureSeries.end())
      procedureSeries.push_back(ref.image->series);
  if (procedureSeries.empty()) procedureSeries.push_back(primary);

  TID1500_MeasurementReport report(CID7021_MeasurementReportDocumentTitles::ImagingMeasurementReport);
  std::string observer = reportObserver(session, options);
  if (observer.empty()) {
    observer = kUnknownReader;
    out.warnings.push_back("no reader name (session, tears or --observer): the report is signed " +
                           std::string(kUnknownReader));
  }
  if (Status s = buildSkeleton(report, observer, images, procedureSeries); !s) return fail(s.message());

  DSRDocument doc;
  OFCondition c = doc.setTreeFromRootTemplate(report);
  const bool any3D = std::any_of(tears.begin(), tears.end(), [](const TearAnnotation& t) { return t.geometry.is3D(); });
  // Enhanced SR (what the template yields) refuses SCOORD3D and some relationships:
  // Comprehensive SR, or Comprehensive 3D SR when SCOORD3D is used.
  if (c.good()) c = doc.changeDocumentType(any3D ? DSRTypes::DT_Comprehensive3DSR : DSRTypes::DT_ComprehensiveSR);
  if (c.bad()) return fail("building the TID 1500 document: " + std::string(c.text()));

  sr::GroupContext context;
  context.index = &index;
  context.warnings = &out.warnings;
  context.seg.sopInstanceUid = options.segSopInstanceUid;
  context.seg.seriesInstanceUid = options.segSeriesInstanceUid;
  context.seg.studyInstanceUid = primary->study.instanceUid;
  context.seg.sourceSeriesInstanceUid = options.segSourceSeriesInstanceUid;
  if (Status s = writeGroups(doc, tears, context); !s) return fail(s.message());
  if (Status s = writeProvocation(doc, *provocation, tears); !s) return fail(s.message());

  DcmDataset header(*primary->header);
  doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8);
  if ((c = doc.readStudyData(header)).bad()) return fail("copying patient and study: " + std::string(c.text()));
  doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8);  // our free text is UTF-8 whatever the source used
  doc.setSeriesDescription(options.seriesDescription.c_str());
  doc.setSeriesNumber(sr::derivedSeriesNumber(primary->series.number, sr::DerivedRole::Report).c_str());
  doc.setInstanceNumber("1");
  if (Status s = addEvidence(doc, images, context.seg); !s) return fail(s.message());
  if (Status s = addCodingScheme(doc); !s) return fail(s.message());
  if ((c = doc.completeDocument()).bad()) return fail("completing the document: " + std::string(c.text()));

  DcmFileFormat file;
  DcmDataset& dataset = *file.getDataset();
  if ((c = doc.write(dataset)).bad()) return fail("writing the SR dataset: " + std::string(c.text()));
  sr::writeEquipment(dataset);
  mirrorFrameNumbers(dataset);
  // Fresh UIDs under 2.25 (PS3.5 B.2) for the new series and instance.
  out.seriesInstanceUid = makeUuidUid();
  out.sopInstanceUid = makeUuidUid();
  out.sopClassUid = any3D ? UID_Comprehensive3DSRStorage : UID_ComprehensiveSRStorage;
  dataset.putAndInsertString(DCM_SeriesInstanceUID, out.seriesInstanceUid.c_str());
  dataset.putAndInsertString(DCM_SOPInstanceUID, out.sopInstanceUid.c_str());
  if (Status s = sr::saveDicom(file, path); !s) return s.error();
  return out;
}

}  // namespace annulo
