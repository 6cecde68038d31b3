#pragma once
// High-intensity zone (HIZ) candidates on a sagittal T2 MR series: a small bright
// focus in the POSTERIOR annulus, much brighter than the dark annulus around it and
// about as bright as the nucleus or brighter (Aprill & Bogduk 1992), separated from
// the nucleus by dark annulus.
//
// Per slice: bright compact blobs are found with a difference of Gaussians at the
// HIZ scale (1-3 mm radius); each is kept only if (a) the region brighter than
// half-way to its surroundings stays compact (CSF, fat and the nucleus are long or
// large), (b) walking ANTERIORLY (patient +Y is posterior, from the geometry) it
// meets dark annulus and then a bright nucleus within 20 mm, and (c) it is bright
// compared with that nucleus. Score = (focus - annulus) / (nucleus - annulus):
// 1 means as bright as the nucleus.

#include <array>
#include <atomic>
#include <string>
#include <vector>

#include "annulo/base/Result.h"
#include "annulo/dicom/Series.h"
#include "annulo/processing/DiscLevels.h"
#include "annulo/processing/Geometry2D.h"

namespace annulo {

struct HizCandidate {
  int slice = 0;                               // 1-based, series order
  Point2 pixel{};                              // column, row (intensity-weighted centre)
  std::array<double, 3> positionMm{};          // patient LPS, from Series::pixelToPatient
  double score = 0;                            // (focus - annulus) / (nucleus - annulus)
  double focus = 0, annulus = 0, nucleus = 0;  // modality values (smoothed)
  double radiusMm = 0;                         // equivalent radius of the bright focus
  double contrastToNoise = 0;                  // (focus - annulus) / noise sigma
  // Issue 11. Disc level counted upward from the lowest lumbar disc (DiscLevels.h).
  std::string level;                  // "L4-L5", ...; empty when the disc walk failed
  bool levelCertain = false;          // the sacrum was in view below the lowest disc
  int discsBelow = 0;                 // lumbar discs found inferior to this one
  std::string levelMethod;            // how the level was counted
  std::vector<std::string> warnings;  // e.g. "sacrum not in view ..."
  double sizeMm = 0;                  // equivalent diameter of the focus (2 x radiusMm)
  double csf = 0;                     // CSF level behind the disc (modality value, smoothed)
  double ratioToNucleus = 0;          // focus / nucleus
  double ratioToCsf = 0;              // focus / CSF (0 when no CSF was found)
  int slicesSeen = 1;                 // adjacent slices on which the focus shows
  Point2 discPixel{};                 // the nucleus point the level walk started from
};

struct HizOptions {
  double minScore = 0.7;     // report candidates at least this bright vs the nucleus
  double maxRadiusMm = 4.5;  // larger bright regions are not a focal HIZ
  std::size_t maxCandidates = 10;
  std::atomic<float>* progress = nullptr;     // fraction of slices searched, 0..1 (exactly 1 at the end)
  const std::atomic<bool>* cancel = nullptr;  // checked per slice: "HIZ search cancelled"
};

// Candidates best first. Errors: colour, no pixel data, no usable geometry
// (posterior direction unknown), not a sagittal series, cancelled.
Result<std::vector<HizCandidate>> detectHiz(const Series& series, const HizOptions& options = {});

}  // namespace annulo
