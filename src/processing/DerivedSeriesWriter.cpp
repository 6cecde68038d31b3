#include "annulo/processing/DerivedSeriesWriter.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/ofstd/ofdatime.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace annulo {

namespace {

Error dcmError(const std::string& doing, const OFCondition& c) {
  return makeError("derived DICOM: " + doing + ": " + c.text());
}

std::string newUid(const char* root) {
  char buffer[100];
  dcmGenerateUniqueIdentifier(buffer, root);
  return buffer;
}

// DS text (at most 16 characters, PS3.5 6.2).
std::string decimal(double v) {
  for (int precision = 10; precision > 0; --precision) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::string(buf).size() <= 16) return buf;
  }
  return "0";
}

std::string truncate(std::string s, std::size_t n) {
  if (s.size() > n) s.resize(n);
  return s;
}

// Attributes of the source that would be wrong for new pixels.
const DcmTagKey kRemoved[] = {DCM_PixelData,
                              DCM_SmallestImagePixelValue,
                              DCM_LargestImagePixelValue,
                              DCM_SmallestPixelValueInSeries,
                              DCM_LargestPixelValueInSeries,
                              DCM_WindowCenter,
                              DCM_WindowWidth,
                              DCM_WindowCenterWidthExplanation,
                              DCM_VOILUTFunction,
                              DCM_VOILUTSequence,
                              DCM_IconImageSequence,
                              DCM_MaskSubtractionSequence,
                              DCM_RecommendedViewingMode,
                              DCM_PlanarConfiguration,
                              DCM_SliceLocation,
                              DCM_SourceImageSequence,
                              DCM_DerivationCodeSequence,
                              DCM_PixelPaddingRangeLimit};

// Multi-frame and cine attributes (PS3.3 C.7.6.6, C.7.6.5), dropped for a single frame.
const DcmTagKey kMultiFrame[] = {DCM_NumberOfFrames,
                                 DCM_FrameIncrementPointer,
                                 DCM_FrameTime,
                                 DCM_FrameTimeVector,
                                 DCM_CineRate,
                                 DCM_StartTrim,
                                 DCM_StopTrim,
                                 DCM_RecommendedDisplayFrameRate,
                                 DCM_PreferredPlaybackSequencing,
                                 DCM_FrameDelay,
                                 DCM_ActualFrameDuration};

}  // namespace

Result<DerivedSeries> buildDerivedSeries(const Series& source, const DerivedImage& image) {
  if (!source.header) return makeError("derived DICOM: the source series has no header to derive from");
  if (source.isColor()) return makeError("derived DICOM: colour output is not supported");
  const std::size_t bytes = bytesPerSample(image.sampleType);
  if (bytes > 2) return makeError("derived DICOM: 32-bit samples are not supported");
  if (image.frames < 1 || image.bytes.size() != std::size_t(image.frames) * image.frameBytes())
    return makeError("derived DICOM: image has " + std::to_string(image.bytes.size()) + " bytes for " +
                     std::to_string(image.frames) + " frames of " + std::to_string(image.columns) + "x" +
                     std::to_string(image.rows));
  DcmDataset base(*source.header);
  const bool enhanced = base.tagExists(DCM_PerFrameFunctionalGroupsSequence);
  if (enhanced && image.frames != int(source.sliceCount()))
    return makeError(
        "derived DICOM: an enhanced multi-frame source cannot be written with a different number of "
        "frames (its per-frame functional groups would no longer match)");
  for (const DcmTagKey& k : kRemoved) delete base.remove(k);
  if (!image.pixelIntensityRelationship.empty()) {
    // New values, new Modality LUT: the old one would mis-scale them.
    delete base.remove(DCM_ModalityLUTSequence);
    delete base.remove(DCM_PixelIntensityRelationshipSign);
  }

  // One object per frame for a stack of single-frame instances; otherwise one object.
  const bool perFrameObjects = !source.multiFrame && image.frames > 1;
  const bool multiFrameObject = !perFrameObjects && image.frames > 1;
  if (!multiFrameObject)
    for (const DcmTagKey& k : kMultiFrame) delete base.remove(k);

  OFString sourceImageType;
  base.findAndGetOFStringArray(DCM_ImageType, sourceImageType);
  std::string imageType = "DERIVED\\SECONDARY";
  {
    // Keep the modality-specific values 3.. (e.g. SINGLE PLANE for XA, M\SE for MR).
    std::stringstream in(sourceImageType.c_str());
    std::string part;
    for (int i = 0; std::getline(in, part, '\\'); ++i)
      if (i >= 2) imageType += "\\" + part;
  }
  OFString description;
  base.findAndGetOFString(DCM_SeriesDescription, description);
  const std::string seriesDescription = truncate(
      std::string(description.c_str()) + (description.empty() ? "" : " ") + "[" + image.seriesSuffix + "]", 64);
  const OFDateTime now = OFDateTime::getCurrentDateTime();
  OFString date, time;
  now.getDate().getISOFormattedDate(date, false);
  now.getTime().getISOFormattedTime(time, true, false, false, false);
  const bool hadRescale = base.tagExists(DCM_RescaleSlope) || base.tagExists(DCM_RescaleIntercept);
  const bool isSigned = image.sampleType == SampleType::Int8 || image.sampleType == SampleType::Int16;

  DerivedSeries out;
  out.seriesInstanceUid = newUid(SITE_SERIES_UID_ROOT);
  const int objects = perFrameObjects ? image.frames : 1;
  for (int k = 0; k < objects; ++k) {
    auto file = std::make_shared<DcmFileFormat>(&base);
    DcmDataset* ds = file->getDataset();
    const std::string sop = newUid(SITE_INSTANCE_UID_ROOT);
    const int framesHere = perFrameObjects ? 1 : image.frames;
    const int firstFrame = perFrameObjects ? k : 0;
    auto put = [&](const DcmTagKey& tag, const std::string& value) -> Status {
      const OFCondition c = ds->putAndInsertString(tag, value.c_str());
      if (c.bad()) return dcmError("setting " + std::string(DcmTag(tag).getTagName()), c);
      return {};
    };
    auto putUs = [&](const DcmTagKey& tag, int value) -> Status {
      const OFCondition c = ds->putAndInsertUint16(tag, Uint16(value));
      if (c.bad()) return dcmError("setting " + std::string(DcmTag(tag).getTagName()), c);
      return {};
    };
    const int sourceFrame = image.sourceFrames.empty() ? -1 : image.sourceFrames[std::size_t(firstFrame)];
    const int sliceIndex = perFrameObjects ? std::max(0, sourceFrame) : 0;
    const SliceInfo& slice = source.slices.at(std::size_t(std::min<int>(sliceIndex, int(source.sliceCount()) - 1)));
    std::vector<Status> results = {
        put(DCM_SOPClassUID, source.sopClassUid),
        put(DCM_SOPInstanceUID, sop),
        put(DCM_SeriesInstanceUID, out.seriesInstanceUid),
        put(DCM_SeriesNumber, std::to_string(source.series.number + 1000)),
        put(DCM_SeriesDescription, seriesDescription),
        put(DCM_ImageType, imageType),
        put(DCM_DerivationDescription, truncate(image.derivationDescription, 1024)),
        put(DCM_InstanceCreationDate, date.c_str()),
        put(DCM_InstanceCreationTime, time.c_str()),
        put(DCM_SeriesDate, date.c_str()),
        put(DCM_SeriesTime, time.c_str()),
        put(DCM_ContentDate, date.c_str()),
        put(DCM_ContentTime, time.c_str()),
        put(DCM_InstanceNumber,
            std::to_string(perFrameObjects ? (slice.instanceNumber > 0 ? slice.instanceNumber : k + 1) : 1)),
        putUs(DCM_SamplesPerPixel, 1),
        put(DCM_PhotometricInterpretation, image.photometric),
        putUs(DCM_Rows, image.rows),
        putUs(DCM_Columns, image.columns),
        putUs(DCM_BitsAllocated, int(bytes * 8)),
        putUs(DCM_BitsStored, image.bitsStored),
        putUs(DCM_HighBit, image.bitsStored - 1),
        putUs(DCM_PixelRepresentation, isSigned ? 1 : 0),
    };
    if (multiFrameObject) results.push_back(put(DCM_NumberOfFrames, std::to_string(framesHere)));
    if (image.window) {
      results.push_back(put(DCM_WindowCenter, decimal(image.window->center)));
      results.push_back(put(DCM_WindowWidth, decimal(image.window->width)));
      if (!image.window->explanation.empty())
        results.push_back(put(DCM_WindowCenterWidthExplanation, truncate(image.window->explanation, 64)));
    }
    const double slope = image.rescaleSlope.empty() ? 1.0 : image.rescaleSlope[std::size_t(firstFrame)];
    const double intercept = image.rescaleIntercept.empty() ? 0.0 : image.rescaleIntercept[std::size_t(firstFrame)];
    if (hadRescale || slope != 1.0 || intercept != 0.0) {
      results.push_back(put(DCM_RescaleSlope, decimal(slope)));
      results.push_back(put(DCM_RescaleIntercept, decimal(intercept)));
    }
    if (!image.pixelIntensityRelationship.empty()) {
      results.push_back(put(DCM_PixelIntensityRelationship, image.pixelIntensityRelationship));
      // The X-ray Modality LUT macro needs a Rescale Type with the rescale (1C); "US" = unspecified.
      if (ds->tagExists(DCM_RescaleSlope)) results.push_back(put(DCM_RescaleType, "US"));
    }
    if (perFrameObjects && source.hasPatientGeometry) {
      const Vec3& p = slice.position;
      results.push_back(put(DCM_ImagePositionPatient, decimal(p[0]) + "\\" + decimal(p[1]) + "\\" + decimal(p[2])));
    }
    for (const Status& st : results)
      if (!st) return st.error();

    // Source Image Sequence: the instance(s) these pixels come from.
    std::vector<const SliceInfo*> sources;
    if (perFrameObjects) {
      sources.push_back(&slice);
    } else {
      for (const SliceInfo& s : source.slices) {
        bool seen = false;
        for (const SliceInfo* q : sources) seen = seen || q->sopInstanceUid == s.sopInstanceUid;
        if (!seen) sources.push_back(&s);
      }
    }
    for (const SliceInfo* s : sources) {
      DcmItem* item = nullptr;
      OFCondition c = ds->findOrCreateSequenceItem(DCM_SourceImageSequence, item, -2);
      if (c.bad() || !item) return dcmError("adding a Source Image Sequence item", c);
      c = item->putAndInsertString(DCM_ReferencedSOPClassUID,
                                   (s->sopClassUid.empty() ? source.sopClassUid : s->sopClassUid).c_str());
      if (c.good()) c = item->putAndInsertString(DCM_ReferencedSOPInstanceUID, s->sopInstanceUid.c_str());
      if (c.bad()) return dcmError("filling the Source Image Sequence", c);
    }

    const std::uint8_t* pixels = image.frameData(firstFrame);
    const std::size_t count = std::size_t(framesHere) * image.frameBytes();
    OFCondition c;
    if (bytes == 1)
      c = ds->putAndInsertUint8Array(DCM_PixelData, pixels, Uint32(count));
    else
      c = ds->putAndInsertUint16Array(DCM_PixelData, reinterpret_cast<const Uint16*>(pixels), Uint32(count / 2));
    if (c.bad()) return dcmError("setting PixelData", c);
    out.objects.push_back({file, sop});
  }
  return out;
}

Result<std::vector<std::string>> saveDerivedSeries(const DerivedSeries& series, const std::string& path) {
  std::vector<std::string> written;
  if (series.objects.empty()) return makeError("derived DICOM: nothing to write");
  std::vector<std::string> targets;
  if (series.objects.size() == 1) {
    targets.push_back(path);
  } else {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return makeError("cannot create folder " + path + ": " + ec.message());
    for (std::size_t i = 0; i < series.objects.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "IM%04zu.dcm", i + 1);
      targets.push_back((std::filesystem::path(path) / name).string());
    }
  }
  for (std::size_t i = 0; i < targets.size(); ++i) {
    DcmFileFormat& file = *series.objects[i].file;
    const OFCondition c = file.saveFile(targets[i].c_str(), EXS_LittleEndianExplicit, EET_ExplicitLength, EGL_recalcGL,
                                        EPD_noChange, 0, 0, EWM_fileformat);
    if (c.bad()) return makeError("cannot write " + targets[i] + ": " + c.text());
    written.push_back(targets[i]);
  }
  return written;
}

}  // namespace annulo
