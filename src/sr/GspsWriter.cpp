// exportGsps: a Grayscale Softcopy Presentation State (PS3.3 A.33.1) that
// draws the tears on `source` for viewers without SR support: one graphic
// object per tear (POINT or POLYLINE, a polygon closed by repeating its first
// point) and a text label "T1: L4-L5 radial G3", each on the tear's own frame
// (Graphic Annotation Sequence item with Referenced Frame Number).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmpstat/dvpsgr.h>
#include <dcmtk/dcmpstat/dvpstat.h>
#include <dcmtk/dcmpstat/dvpstx.h>

#include <map>
#include <memory>
#include <set>

#include "annulo/annotation/Vocabulary.h"
#include "annulo/sr/SrExport.h"
#include "sr/DcmSupport.h"
#include "sr/ImageIndex.h"
#include "sr/SrValues.h"

namespace annulo {
namespace {

struct Mark {
  const TearAnnotation* tear = nullptr;
  const SliceInfo* slice = nullptr;           // image (and frame) the mark goes on
  std::vector<std::array<double, 2>> points;  // model pixels (pixel centre origin)
  bool closed = false;
};

// Pixel position of a patient point on `slice` (inverse of Series::pixelToPatient;
// orthonormal direction cosines assumed, as the loader provides).
std::array<double, 2> patientToPixel(const Series& series, const SliceInfo& slice, const std::array<double, 3>& p) {
  Vec3 d{p[0] - slice.position[0], p[1] - slice.position[1], p[2] - slice.position[2]};
  auto dot = [&d](const Vec3& axis) { return d[0] * axis[0] + d[1] * axis[1] + d[2] * axis[2]; };
  return {dot(series.direction[0]) / series.spacing[0], dot(series.direction[1]) / series.spacing[1]};
}

std::vector<Mark> marksOn(const Session& session, const Series& source, std::vector<std::string>& warnings) {
  sr::ImageIndex index({&source});
  std::vector<Mark> marks;
  for (const auto& tear : session.tears) {
    const TearGeometry& g = tear.geometry;
    if (g.image.sopInstanceUid.empty() || !index.find(g.image.sopInstanceUid)) {
      if (g.is3D() && source.series.frameOfReferenceUid == g.frameOfReferenceUid)
        warnings.push_back("tear '" + tear.id + "': 3D point without an image reference, not drawn");
      continue;  // on another series
    }
    Mark mark;
    mark.tear = &tear;
    mark.slice = index.slice(g.image.sopInstanceUid, g.image.frameNumber);
    if (!mark.slice) {
      warnings.push_back("tear '" + tear.id + "': frame " + std::to_string(g.image.frameNumber) + " of " +
                         g.image.sopInstanceUid + " does not exist, not drawn");
      continue;
    }
    for (const auto& p : g.points)
      mark.points.push_back(g.is3D() ? patientToPixel(source, *mark.slice, p) : std::array<double, 2>{p[0], p[1]});
    mark.closed = g.kind == GeometryKind::Polygon;
    marks.push_back(std::move(mark));
  }
  return marks;
}

std::string label(const TearAnnotation& tear) {
  return (tear.id.empty() ? "" : tear.id + ": ") + tear.level + " " + token(tear.type) + " G" +
         std::to_string(tear.grade);
}

class GspsBuilder {
 public:
  explicit GspsBuilder(const std::string& path) : path_(path) {}

  Status create(const Mark& first) {
    auto file = load(*first.slice);
    if (!file) return file.error();
    OFCondition c = state_.createFromImage(*(*file)->getDataset());
    if (c.bad()) return sr::dcmError("creating the presentation state from " + first.slice->file, c);
    if ((c = state_.addGraphicLayer("TEARS", "Annular tears")).bad()) return sr::dcmError("adding a layer", c);
    if ((c = state_.addGraphicLayer("LABELS", "Tear labels")).bad()) return sr::dcmError("adding a layer", c);
    return {};
  }

  Status draw(const Mark& mark) {
    if (Status s = attach(*mark.slice); !s) return s;
    const bool multiFrame = mark.slice->frameNumber > 1 || frames_ > 1;
    if (multiFrame) {
      OFCondition c = state_.selectImageFrameNumber(static_cast<unsigned long>(mark.slice->frameNumber));
      if (c.bad()) return sr::dcmError("selecting frame " + std::to_string(mark.slice->frameNumber), c);
    }
    const DVPSObjectApplicability on = multiFrame ? DVPSB_currentFrame : DVPSB_currentImage;
    DVPSGraphicObject* graphic = state_.addGraphicObject(0, on);
    DVPSTextObject* text = state_.addTextObject(1, on);
    if (!graphic || !text) return makeError("cannot add a graphic or text object");
    // PS3.3 C.10.5.1.2: PIXEL coordinates have (0,0) at the top-left corner of the top-left pixel.
    std::vector<Float32> data;
    for (const auto& p : mark.points) {
      data.push_back(Float32(sr::toScoord(p[0])));
      data.push_back(Float32(sr::toScoord(p[1])));
    }
    if (mark.closed) {
      data.push_back(data[0]);
      data.push_back(data[1]);
    }
    OFCondition c = graphic->setGraphicType(mark.points.size() == 1 ? DVPST_point : DVPST_polyline);
    if (c.good()) c = graphic->setData(data.size() / 2, data.data(), DVPSA_pixels);
    // Graphic Filled (0070,0024) is type 1C, required for closed graphics and allowed
    // otherwise (PS3.3 C.10.5); DCMTK writes it empty for polylines unless set: "N", an outline.
    if (c.good() && mark.points.size() > 1) c = graphic->setFilled(OFFalse);
    if (c.good()) c = text->setAnchorPoint(data[0], data[1], DVPSA_pixels, OFTrue);
    if (c.good()) c = text->setText(label(*mark.tear).c_str());
    if (c.bad()) return sr::dcmError("drawing tear '" + mark.tear->id + "'", c);
    return {};
  }

  Status write(DcmDataset& dataset) {
    state_.setPresentationLabel("ANNULO");
    state_.setPresentationDescription("Annulo annular tears");
    OFCondition c = state_.write(dataset, OFTrue);
    if (c.bad()) return sr::dcmError("writing the presentation state", c);
    return {};
  }

 private:
  // Each source file is read once (a cine can be large).
  Result<DcmFileFormat*> load(const SliceInfo& slice) {
    auto& file = files_[slice.file];
    if (file) return file.get();
    file = std::make_unique<DcmFileFormat>();
    OFCondition c = file->loadFile(slice.file.c_str());
    if (c.bad()) return makeError("cannot read " + slice.file + ": " + c.text());
    return file.get();
  }

  // Attaches the image of `slice` (needed to select frames) and references it.
  Status attach(const SliceInfo& slice) {
    if (slice.sopInstanceUid == attached_) return {};
    auto file = load(slice);
    if (!file) return file.error();
    OFCondition c = state_.attachImage(*file, OFFalse);  // files_ keeps ownership
    if (c.bad()) return sr::dcmError("attaching " + slice.file, c);
    attached_ = slice.sopInstanceUid;
    unsigned long frames = 1;
    state_.getImageNumberOfFrames(frames);
    frames_ = frames;
    // The first image is referenced by createFromImage already; for it this fails harmlessly.
    if (referenced_.insert(slice.sopInstanceUid).second) state_.addImageReferenceAttached();
    return {};
  }

  std::string path_;
  std::map<std::string, std::unique_ptr<DcmFileFormat>> files_;  // outlive state_ (declared first)
  DVPresentationState state_;
  std::string attached_;
  unsigned long frames_ = 1;
  std::set<std::string> referenced_;
};

}  // namespace

Result<ExportedObject> exportGsps(const Session& session, const Series& source, const std::string& path) {
  auto fail = [&path](const std::string& what) { return makeError("GSPS export to " + path + ": " + what); };
  ExportedObject out;
  out.path = path;
  const auto marks = marksOn(session, source, out.warnings);
  if (marks.empty()) return fail("no tear is drawn on series " + source.series.instanceUid);

  GspsBuilder builder(path);
  if (Status s = builder.create(marks.front()); !s) return fail(s.message());
  for (const auto& mark : marks)
    if (Status s = builder.draw(mark); !s) return fail(s.message());
  DcmFileFormat file;
  DcmDataset& dataset = *file.getDataset();
  if (Status s = builder.write(dataset); !s) return fail(s.message());
  // Laterality (type 2C) goes with Body Part Examined; fresh 2.25 UIDs (PS3.5 B.2).
  if (source.header) sr::copyElement(*source.header, dataset, DCM_BodyPartExamined);
  out.sopClassUid = UID_GrayscaleSoftcopyPresentationStateStorage;
  out.seriesInstanceUid = makeUuidUid();
  out.sopInstanceUid = makeUuidUid();
  dataset.putAndInsertString(DCM_SeriesInstanceUID, out.seriesInstanceUid.c_str());
  dataset.putAndInsertString(DCM_SOPInstanceUID, out.sopInstanceUid.c_str());
  dataset.putAndInsertString(DCM_SeriesNumber,
                             sr::derivedSeriesNumber(source.series.number, sr::DerivedRole::PresentationState).c_str());
  dataset.putAndInsertString(DCM_SeriesDescription, "Annulo annular tear marks");
  sr::writeEquipment(dataset);
  if (Status s = sr::saveDicom(file, path); !s) return s.error();
  return out;
}

}  // namespace annulo
