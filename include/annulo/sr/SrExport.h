#pragma once
// DICOM objects that carry a session's tears out: a TID 1500 Measurement Report
// (Comprehensive SR, or Comprehensive 3D SR when SCOORD3D is used), the leak
// segmentation as DICOM SEG, and a Grayscale Softcopy Presentation State with
// the same marks for viewers without SR support. And the way back in.

#include <cstdint>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/annotation/ProvocationCriteria.h"
#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"

namespace annulo {

struct SrExportOptions {
  // TID 1002 person observer of the report; falls back to the session's, then
  // to the one reader of all tears. The report is never signed by nobody: with
  // none it says "UNKNOWN^READER" and the export returns a warning saying so.
  std::string observerName;
  std::string seriesDescription = "Annulo annular tear report";
  // When a SEG was written, the groups of tears with leak figures reference its
  // "contrast leak" segment. Both UIDs are needed: the SEG is listed in the evidence.
  std::string segSopInstanceUid;
  std::string segSeriesInstanceUid;
  // The series the SEG segments: only tears with leak figures on it reference
  // the leak segment (empty: every tear with leak figures does).
  std::string segSourceSeriesInstanceUid;
};

// The person observer written when no reader name is known (PS3.5 PN form).
inline constexpr const char* kUnknownReader = "UNKNOWN^READER";

struct ExportedObject {
  std::string path;
  std::string sopClassUid;
  std::string sopInstanceUid;
  std::string seriesInstanceUid;
  std::vector<std::string> warnings;
};

// The session's provocation record goes in too: one measurement group per level
// (Finding Site = the disc), with the computed and final classification, the
// criteria version and the tracking UIDs of that level's tears; the images of
// each injection must be in `sources` as well.
// `sources` are the loaded series the tears reference (patient and study are
// copied from them, equipment is Annulo; every reference must resolve).
// Tear image references given only by SOP Instance UID are completed from the
// sources (3D tears keep the image they were marked on as their source); a leak
// area or catheter length without a calibration gets the calibration of its
// image's series (Series::calibration). Errors (nothing is written): an image
// not in `sources`, a multi-frame reference without a valid frame, 3D geometry
// without frame of reference, images of another patient.
// SR, SEG and GSPS get new 2.25 UIDs (PS3.5 B.2); all files are little endian explicit.
Result<ExportedObject> exportSr(const Session& session, const std::vector<const Series*>& sources,
                                const std::string& path, const SrExportOptions& options = {});

// labels: columns x rows x frames of `source`, 0 background, 1 intradiscal
// contrast, 2 leak. Writes a binary SEG with those two segments, one SEG frame
// per non-empty (segment, source frame), each referencing its source frame.
// Plane orientation and pixel measures are always written (a projection gets the
// detector plane 1\0\0\0\1\0). A source without Frame of Reference (XA) gives a
// SEG without one; an XA that has one keeps it, with a plane position per frame.
Result<ExportedObject> exportSeg(const Series& source, const std::vector<std::uint8_t>& labels,
                                 const std::string& path);

// One presentation state for the tears on `source`'s frames (3D tears with an
// image reference are projected onto it). Error when no tear is on `source`.
Result<ExportedObject> exportGsps(const Session& session, const Series& source, const std::string& path);

// One provocation group read back: the record as it was recorded and what the
// exporter computed from it (so a reader can check it against its own criteria).
struct ImportedProvocation {
  ProvocationLevel record;
  std::optional<ProvocationClass> computed;
  std::vector<std::string> reasons;
  std::optional<DerbyCategory> derby;
  std::string criteriaName, criteriaVersion;
  std::vector<std::string> tearTrackingUids;  // the tears of this level (their groups' tracking UIDs)
  std::optional<int> dallasGrade;             // morphology as derived at export
  std::optional<bool> leak;
  std::optional<double> leakOnsetMs, volumeAtLeakOnsetMl;
};

struct SrImport {
  std::vector<TearAnnotation> tears;
  std::vector<ImportedProvocation> provocation;
  std::vector<std::string> unmapped;  // content that has no place in the model, described
  std::vector<std::string> warnings;  // e.g. references to images that are not loaded
  std::string documentTitle;
  // Document level facts a caller may want (the model keeps observers per tear).
  std::string observer;  // TID 1002 person observer of the whole report
  std::string sopClassUid, sopInstanceUid, seriesInstanceUid, studyInstanceUid;
  std::string completionFlag;  // "COMPLETE" / "PARTIAL"
};

struct SrImportOptions {
  // When given, every image reference is checked against these series
  // (a warning for each image that is not loaded or frame that does not exist).
  std::vector<const Series*> loaded;
};

// Errors: the file cannot be read, is not an SR, or its content tree cannot be
// parsed at all. Anything less is a warning, and unmapped content is listed.
Result<SrImport> importSr(const std::string& path, const SrImportOptions& options = {});

}  // namespace annulo
