// exportSeg: the leak label map as a DICOM binary Segmentation (PS3.3 A.51)
// with two segments, "intradiscal contrast" (label 1) and "contrast leak"
// (label 2). Each SEG frame is one segment on one source frame; frames with an
// empty mask are left out (PS3.3 C.8.20.2: frames need not cover every source frame).
//
// XA usually has no Frame of Reference; see docs/guide/SR.md for the DCMTK
// 3.6.7 workarounds used here (relaxed FoR rule, derivation frames added
// afterwards, explicit Series Number, Referenced Series and Patient Orientation).
//
// Plane geometry (PS3.3 A.51 Table A.51-2, C.7.6.16.2.1-4): Pixel Measures and
// Plane Orientation are always written, shared by all frames: viewers need the
// orientation to place a frame (Cornerstone3D's SEG loader reads it
// unconditionally). A volume (MR/CT) gets its own orientation and per-frame
// Plane Position. A projection image (XA) has no patient plane: the detector
// plane, 1\0\0\0\1\0. When an XA carries a Frame of Reference anyway, the SEG
// keeps it (PS3.3 A.51: the SEG shares the FoR of the images it is derived
// from) and then needs a Plane Position per frame: every cine frame lies in the
// same detector plane, written at its origin (0\0\0); frames stay ordered by
// time (Temporal Position Index), not by position.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmfg/fgseg.h>
#include <dcmtk/dcmiod/iodrules.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>

#include "annulo/sr/SrExport.h"
#include "sr/Codes.h"
#include "sr/DcmSupport.h"

namespace annulo {
namespace {

struct SegmentSpec {
  std::uint8_t label;
  const char* name;
  const char* modifierKey;
  Uint16 grey;
  std::array<double, 3> srgb;  // the viewer's overlay colour, 0-1
};

const SegmentSpec kSegments[] = {
    {1, "intradiscal contrast", "seg.modifier.intradiscal", 0x8000, {0.25, 0.5, 1.0}},
    {2, "contrast leak", "seg.modifier.leak", 0xFFFF, {1.0, 0.55, 0.1}},
};

// sRGB (D65) -> CIE L*a*b* scaled as PS3.3 C.10.7.1.1 wants for Recommended
// Display CIELab Value: L 0-100 -> 0-65535, a and b -128..127 -> 0-65535.
std::array<Uint16, 3> dicomCieLab(const std::array<double, 3>& rgb) {
  double lin[3];
  for (int i = 0; i < 3; ++i) lin[i] = rgb[i] <= 0.04045 ? rgb[i] / 12.92 : std::pow((rgb[i] + 0.055) / 1.055, 2.4);
  const double x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047;
  const double y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  const double z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883;
  auto f = [](double t) { return t > 216.0 / 24389 ? std::cbrt(t) : (24389.0 / 27 * t + 16) / 116; };
  const double L = 116 * f(y) - 16, a = 500 * (f(x) - f(y)), b = 200 * (f(y) - f(z));
  auto scale = [](double v, double lo, double hi) {
    return Uint16(std::lround(std::clamp((v - lo) / (hi - lo), 0.0, 1.0) * 65535));
  };
  return {scale(L, 0, 100), scale(a, -128, 127), scale(b, -128, 127)};
}

CodeSequenceMacro codeMacro(const char* key) {
  const sr::CodeEntry& e = sr::entry(key);
  return CodeSequenceMacro(e.value, e.scheme, e.meaning);
}

Status checkLabels(const Series& source, const std::vector<std::uint8_t>& labels) {
  const std::size_t expected = std::size_t(source.columns) * std::size_t(source.rows) * source.slices.size();
  if (labels.size() != expected)
    return makeError("label map has " + std::to_string(labels.size()) + " voxels, the series has " +
                     std::to_string(source.columns) + " x " + std::to_string(source.rows) + " x " +
                     std::to_string(source.slices.size()) + " = " + std::to_string(expected));
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] > 2)
      return makeError("label map value " + std::to_string(labels[i]) + " at voxel " + std::to_string(i) +
                       " (expected 0 background, 1 intradiscal contrast, 2 leak)");
  return {};
}

Status addSegments(DcmSegmentation& seg) {
  for (const auto& spec : kSegments) {
    DcmSegment* raw = nullptr;
    OFCondition c = DcmSegment::create(raw, spec.name, codeMacro("seg.category.substance"),
                                       codeMacro("seg.type.contrast"), DcmSegTypes::SAT_SEMIAUTOMATIC, "Annulo");
    std::unique_ptr<DcmSegment> segment(raw);
    if (c.bad()) return sr::dcmError(std::string("creating segment '") + spec.name + "'", c);
    auto modifier = std::make_unique<CodeSequenceMacro>(codeMacro(spec.modifierKey));
    segment->getSegmentedPropertyTypeModifierCode().push_back(modifier.release());  // owned by the segment
    segment->setRecommendedDisplayGrayscaleValue(spec.grey);
    const auto lab = dicomCieLab(spec.srgb);
    if ((c = segment->setRecommendedDisplayCIELabValue(lab[0], lab[1], lab[2])).bad())
      return sr::dcmError("colour of segment '" + std::string(spec.name) + "'", c);
    Uint16 number = 0;
    if ((c = seg.addSegment(segment.get(), number)).bad()) return sr::dcmError("adding segment", c);
    segment.release();  // owned by the segmentation now
    if (number != spec.label)
      return makeError("segment '" + std::string(spec.name) + "' got number " + std::to_string(number));
  }
  return {};
}

// Source reference of one SEG frame (PS3.3 C.7.6.16.2.6 Derivation Image).
// 3.6.7: create the image reference without frames, then add the frame number.
Status derivation(FGDerivationImage& fg, const SliceInfo& slice, bool multiFrame) {
  DerivationImageItem* item = nullptr;
  OFCondition c = fg.addDerivationImageItem(codeMacro("seg.derivation.segmentation"), "", item);
  if (c.bad() || !item) return sr::dcmError("adding derivation image", c);
  auto source = std::make_unique<SourceImageItem>();
  ImageSOPInstanceReferenceMacro& ref = source->getImageSOPInstanceReference();
  if ((c = ref.setReferencedSOPClassUID(slice.sopClassUid.c_str())).good())
    c = ref.setReferencedSOPInstanceUID(slice.sopInstanceUid.c_str());
  if (c.good() && multiFrame) c = ref.addReferencedFrameNumber(Uint16(slice.frameNumber));
  const CodeSequenceMacro purpose = codeMacro("seg.purpose.source");
  if (c.good()) source->getPurposeOfReferenceCode() = purpose;
  if (c.bad()) return sr::dcmError("referencing source frame", c);
  item->getSourceImageItems().push_back(source.release());
  return {};
}

// A volume with patient geometry (frames ordered by position) or a projection (by time).
bool isVolume(const Series& source) { return source.hasPatientGeometry && !source.series.frameOfReferenceUid.empty(); }

Status addFrames(DcmSegmentation& seg, const Series& source, const std::vector<std::uint8_t>& labels) {
  const std::size_t pixels = std::size_t(source.columns) * std::size_t(source.rows);
  const bool spatial = isVolume(source);
  const bool positioned = !source.series.frameOfReferenceUid.empty();  // Plane Position is required with a FoR
  std::vector<Uint8> mask(pixels);
  std::size_t added = 0;
  for (const auto& spec : kSegments) {
    for (std::size_t f = 0; f < source.slices.size(); ++f) {
      const std::uint8_t* frame = labels.data() + f * pixels;
      bool any = false;
      for (std::size_t i = 0; i < pixels; ++i) any |= (mask[i] = frame[i] == spec.label) != 0;
      if (!any) continue;
      FGFrameContent content;
      FGSegmentation segment;
      FGDerivationImage deriv;
      FGPlanePosPatient position;
      // Dimensions: segment, then position in time (cine) or space (volume).
      OFCondition c = content.setDimensionIndexValues(spec.label, 0);
      if (c.good()) c = content.setDimensionIndexValues(Uint32(f + 1), 1);
      if (c.good() && !spatial) c = content.setTemporalPositionIndex(Uint32(f + 1));
      if (c.good()) c = segment.setReferencedSegmentNumber(spec.label);
      if (c.good() && positioned) {
        const Vec3 p = spatial ? source.slices[f].position : Vec3{0, 0, 0};  // projection: detector plane origin
        c = position.setImagePositionPatient(sr::decimalDs(p[0]).c_str(), sr::decimalDs(p[1]).c_str(),
                                             sr::decimalDs(p[2]).c_str());
      }
      if (c.bad()) return sr::dcmError("describing SEG frame", c);
      if (Status s = derivation(deriv, source.slices[f], source.multiFrame); !s) return s;
      OFVector<FGBase*> groups;
      groups.push_back(&content);
      groups.push_back(&segment);
      groups.push_back(&deriv);
      if (positioned) groups.push_back(&position);
      if ((c = seg.addFrame(mask.data(), spec.label, groups)).bad())
        return sr::dcmError("adding SEG frame for source frame " + std::to_string(f + 1), c);
      ++added;
    }
  }
  if (added == 0) return makeError("the label map is all background: there is nothing to segment");
  return {};
}

Status addDimensions(DcmSegmentation& seg, bool spatial) {
  const std::string organization = makeUuidUid();
  IODMultiframeDimensionModule& dims = seg.getDimensions();
  OFCondition c = dims.addDimensionIndex(DCM_ReferencedSegmentNumber, organization.c_str(),
                                         DCM_SegmentIdentificationSequence, "Segment");
  if (c.good())
    c = spatial
            ? dims.addDimensionIndex(DCM_ImagePositionPatient, organization.c_str(), DCM_PlanePositionSequence,
                                     "Position")
            : dims.addDimensionIndex(DCM_TemporalPositionIndex, organization.c_str(), DCM_FrameContentSequence, "Time");
  if (c.bad()) return sr::dcmError("adding SEG dimensions", c);
  return {};
}

Status addSpatialGroups(DcmSegmentation& seg, const Series& source) {
  FGPixelMeasures measures;
  FGPlaneOrientationPatient orientation;
  // Pixel Spacing is row spacing \ column spacing (PS3.3 10.7.1.3).
  const std::string spacing = sr::decimalDs(source.spacing[1]) + "\\" + sr::decimalDs(source.spacing[0]);
  OFCondition c = measures.setPixelSpacing(spacing.c_str());
  const bool volume = isVolume(source);
  // Slice Thickness is 1C with a Frame of Reference (volumetric SEG, C.7.6.16.2.1); a projection has none
  // of its own: the loader's unit depth (Series::spacing[2]) is written then.
  if (c.good() && (volume || !source.series.frameOfReferenceUid.empty()))
    c = measures.setSliceThickness(sr::decimalDs(source.spacing[2]).c_str());
  using Axes = std::array<std::array<double, 3>, 2>;
  const Axes d = volume ? Axes{{{source.direction[0][0], source.direction[0][1], source.direction[0][2]},
                                {source.direction[1][0], source.direction[1][1], source.direction[1][2]}}}
                        : Axes{{{1, 0, 0}, {0, 1, 0}}};
  if (c.good())
    c = orientation.setImageOrientationPatient(sr::decimalDs(d[0][0]).c_str(), sr::decimalDs(d[0][1]).c_str(),
                                               sr::decimalDs(d[0][2]).c_str(), sr::decimalDs(d[1][0]).c_str(),
                                               sr::decimalDs(d[1][1]).c_str(), sr::decimalDs(d[1][2]).c_str());
  if (c.good()) c = seg.addForAllFrames(measures);
  if (c.good()) c = seg.addForAllFrames(orientation);
  if (c.bad()) return sr::dcmError("adding SEG plane geometry", c);
  return {};
}

// Common Instance Reference Module (PS3.3 C.12.2): the source series and instances.
Status addReferencedSeries(DcmSegmentation& seg, const Series& source) {
  auto item = std::make_unique<IODSeriesAndInstanceReferenceMacro::ReferencedSeriesItem>();
  OFCondition c = item->setSeriesInstanceUID(source.series.instanceUid.c_str());
  std::string last;
  for (const auto& slice : source.slices) {
    if (c.bad()) break;
    if (slice.sopInstanceUid == last) continue;
    last = slice.sopInstanceUid;
    c = item->addReference(slice.sopClassUid.c_str(), slice.sopInstanceUid.c_str());
  }
  if (c.bad()) return sr::dcmError("referencing the source series", c);
  seg.getCommonInstanceReference().getReferencedSeriesItems().push_back(item.release());
  return {};
}

}  // namespace

Result<ExportedObject> exportSeg(const Series& source, const std::vector<std::uint8_t>& labels,
                                 const std::string& path) {
  auto fail = [&path](const std::string& what) { return makeError("SEG export to " + path + ": " + what); };
  if (!source.header) return fail("series " + source.series.instanceUid + " has no header dataset");
  if (source.slices.empty()) return fail("series " + source.series.instanceUid + " has no images");
  if (Status s = checkLabels(source, labels); !s) return fail(s.message());
  const bool spatial = isVolume(source);
  const bool hasFrameOfReference = !source.series.frameOfReferenceUid.empty();

  IODGeneralEquipmentModule::EquipmentInfo equipment(sr::kManufacturer, sr::kModelName, sr::kDeviceSerialNumber,
                                                     sr::kSoftwareVersion);
  ContentIdentificationMacro content("1", "LEAK", "Intradiscal contrast and contrast leak", "");
  DcmSegmentation* raw = nullptr;
  OFCondition c =
      DcmSegmentation::createBinarySegmentation(raw, Uint16(source.rows), Uint16(source.columns), equipment, content);
  std::unique_ptr<DcmSegmentation> seg(raw);
  if (c.bad() || !seg) return fail("creating the segmentation: " + std::string(c.text()));

  if (!hasFrameOfReference) {
    // A projection image without Frame of Reference: the SEG must not invent one (guide: relax the rule).
    for (const DcmTagKey& tag : {DCM_FrameOfReferenceUID, DCM_PositionReferenceIndicator})
      if (IODRule* rule = seg->getRules()->getByTag(tag)) rule->setType("3");
  }
  DcmDataset header(*source.header);
  if ((c = seg->importFromSourceImage(header)).bad()) return fail("importing patient/study: " + std::string(c.text()));

  ExportedObject out;
  out.path = path;
  out.sopClassUid = UID_SegmentationStorage;
  out.seriesInstanceUid = makeUuidUid();
  out.sopInstanceUid = makeUuidUid();
  seg->getSeries().setSeriesInstanceUID(out.seriesInstanceUid.c_str());
  // 3.6.7 refuses to write without one.
  seg->getSeries().setSeriesNumber(
      sr::derivedSeriesNumber(source.series.number, sr::DerivedRole::Segmentation).c_str());
  seg->getSeries().setSeriesDescription("Annulo contrast segmentation");
  seg->getSOPCommon().setSOPInstanceUID(out.sopInstanceUid.c_str());
  if (!source.patientOrientation.empty())
    seg->getGeneralImage().setPatientOrientation(source.patientOrientation.c_str());

  if (Status s = addSegments(*seg); !s) return fail(s.message());
  if (Status s = addSpatialGroups(*seg, source); !s) return fail(s.message());
  if (Status s = addFrames(*seg, source, labels); !s) return fail(s.message());
  if (Status s = addDimensions(*seg, spatial); !s) return fail(s.message());
  if (Status s = addReferencedSeries(*seg, source); !s) return fail(s.message());

  DcmFileFormat file;
  if ((c = seg->writeDataset(*file.getDataset())).bad()) return fail("writing the dataset: " + std::string(c.text()));
  sr::copyElement(header, *file.getDataset(), DCM_BodyPartExamined);
  if (Status s = sr::saveDicom(file, path); !s) return s.error();
  return out;
}

}  // namespace annulo
