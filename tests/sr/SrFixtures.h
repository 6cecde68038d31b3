#pragma once
// Shared inputs of the SR/SEG/GSPS suites: the phantom (XA cine + MR series,
// written once per test binary), a session with one tear of every geometry
// kind, field-by-field comparison, and the external validators.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/phantom/Phantom.h"
#include "support/TestSupport.h"

namespace annulo::srtest {

struct PhantomData {
  test::TempDir dir;
  PhantomTruth truth;
  std::vector<Series> series;  // as loaded
  const Series* xa = nullptr;
  const Series* mr = nullptr;
  std::string error;
};

// Small phantom: 128 px, 12 frames XA; 64 px, 5 slices MR (fast to write and read).
inline const PhantomData& phantom() {
  static const std::unique_ptr<PhantomData> data = [] {
    auto d = std::make_unique<PhantomData>();
    PhantomOptions o;
    o.seed = 7;
    o.xaSize = 128;
    o.xaFrames = 12;
    o.mrSize = 64;
    o.mrSlices = 5;
    auto truth = writePhantom(o, d->dir.path().string());
    if (!truth) {
      d->error = truth.message();
      return d;
    }
    d->truth = *truth;
    LoadOptions lo;
    lo.readPixels = false;
    auto loaded = loadSeries(d->dir.path().string(), lo);
    if (!loaded) {
      d->error = loaded.message();
      return d;
    }
    d->series = std::move(loaded->series);
    for (const auto& s : d->series) {
      if (s.series.modality == "XA") d->xa = &s;
      if (s.series.modality == "MR") d->mr = &s;
    }
    if (!d->xa || !d->mr) d->error = "phantom did not load as one XA and one MR series";
    return d;
  }();
  return *data;
}

#define ANNULO_REQUIRE_PHANTOM()                                                                 \
  do {                                                                                           \
    ASSERT_TRUE(::annulo::srtest::phantom().error.empty()) << ::annulo::srtest::phantom().error; \
  } while (0)

inline ImageReference xaFrame(const PhantomData& p, int frame) {
  ImageReference ref;
  ref.sopClassUid = p.xa->slices.front().sopClassUid;
  ref.sopInstanceUid = p.xa->slices.front().sopInstanceUid;
  ref.seriesInstanceUid = p.xa->series.instanceUid;
  ref.studyInstanceUid = p.xa->study.instanceUid;
  ref.frameNumber = frame;
  return ref;
}

// The MR slice nearest to the truth's high-intensity zone.
inline const SliceInfo& mrHizSlice(const PhantomData& p) {
  const SliceInfo* best = &p.mr->slices.front();
  double bestDistance = 1e300;
  for (const auto& s : p.mr->slices) {
    double d = 0;
    for (int k = 0; k < 3; ++k) d += std::pow(s.position[k] - p.truth.mr.hizPositionMm[k], 2);
    if (d < bestDistance) bestDistance = d, best = &s;
  }
  return *best;
}

// Four tears covering every geometry kind and every field of the model.
inline Session sampleSession(const PhantomData& p) {
  Session s;
  s.sessionUid = "2.25.1234";
  s.sourcePath = p.dir.path().string();
  s.studyInstanceUid = p.truth.studyInstanceUid;
  s.observer = "Reader^Default";
  const auto& xt = p.truth.xa;
  const std::string cal = calibrationName(p.xa->calibration.kind);

  TearAnnotation t1;
  t1.id = "T1";
  t1.trackingUid = "2.25.111111111111111111111111111111111";
  t1.level = "L4-L5";
  t1.type = TearType::Radial;
  t1.grade = 3;
  t1.clock = 6;
  t1.zone = SpinalZone::Central;
  t1.leak = LeakPattern::Epidural;
  t1.pain = PainResponse::Concordant;
  t1.comment = "Leak at 6 o'clock, concordant pain \xE2\x89\xA5 7/10";  // UTF-8 "≥"
  t1.observer = "Doe^Jane";
  t1.observedAt = "2026-03-01T10:15:30+01:00";
  t1.geometry.kind = GeometryKind::Point;
  t1.geometry.points = {{xt.tears.at(0).exitPoint[0], xt.tears.at(0).exitPoint[1], 0}};
  t1.geometry.image = xaFrame(p, 9);
  t1.leakFigures = LeakFigures{};
  t1.leakFigures->areaMm2 = 12.345678901234;
  t1.leakFigures->onsetMs = 466.9;
  t1.leakFigures->onsetFrame = 8;
  t1.leakFigures->exitDirectionDeg = 183.25;
  t1.leakFigures->calibration = cal;
  t1.catheter = CatheterPlan{{xt.needleTip[0], xt.needleTip[1]}, {xt.needleEntry[0], xt.needleEntry[1]}, 85.125, cal};

  TearAnnotation t2;
  t2.id = "T2";
  t2.trackingUid = "2.25.222222222222222222222222222222222";
  t2.level = "L5-S1";
  t2.type = TearType::Concentric;
  t2.grade = 2;
  t2.zone = SpinalZone::ForaminalLeft;
  t2.leak = LeakPattern::Foraminal;
  t2.pain = PainResponse::Discordant;
  t2.observer = "Doe^Jane";
  t2.observedAt = "2026-03-01T10:16:00";
  t2.geometry.kind = GeometryKind::Polyline;
  t2.geometry.points = {{40.25, 50.5, 0}, {45.0, 55.75, 0}, {52.125, 58.0, 0}};
  t2.geometry.image = xaFrame(p, 11);
  t2.leakFigures = LeakFigures{};
  t2.leakFigures->exitDirectionDeg = 90;

  TearAnnotation t3;
  t3.id = "T3";
  t3.trackingUid = "2.25.333333333333333333333333333333333";
  t3.level = "L3-L4";
  t3.type = TearType::Complex;
  t3.grade = 5;
  t3.clock = 3;
  t3.zone = SpinalZone::ExtraforaminalRight;
  t3.leak = LeakPattern::FarLateral;
  t3.pain = PainResponse::None;
  t3.observer = "Roe^Richard";
  t3.observedAt = "2026-03-01T10:17:00Z";  // no exact DT form: kept as text
  t3.geometry.kind = GeometryKind::Polygon;
  t3.geometry.points = {{60, 60, 0}, {70, 61, 0}, {72, 70, 0}, {64, 74, 0}, {58, 68, 0}};
  t3.geometry.image = xaFrame(p, 12);

  const SliceInfo& hiz = mrHizSlice(p);
  TearAnnotation t4;
  t4.id = "T4";
  t4.trackingUid = "2.25.444444444444444444444444444444444";
  t4.level = "L4-L5";
  t4.type = TearType::Transverse;
  t4.grade = 1;
  t4.leak = LeakPattern::Endplate;
  t4.pain = PainResponse::NotTested;
  t4.observer = "Doe^Jane";
  t4.geometry.kind = GeometryKind::Point3D;
  const auto& h = p.truth.mr.hizPositionMm;
  t4.geometry.points = {{h[0], h[1], h[2]}};
  t4.geometry.frameOfReferenceUid = p.mr->series.frameOfReferenceUid;
  t4.geometry.image.sopClassUid = hiz.sopClassUid;
  t4.geometry.image.sopInstanceUid = hiz.sopInstanceUid;
  t4.geometry.image.seriesInstanceUid = p.mr->series.instanceUid;
  t4.geometry.image.studyInstanceUid = p.mr->study.instanceUid;

  s.tears = {t1, t2, t3, t4};
  s.nextId = 5;
  return s;
}

inline std::vector<const Series*> sources(const PhantomData& p) { return {p.xa, p.mr}; }

// Every field, coordinates within float precision (SCOORD is FL).
inline void expectSameTear(const TearAnnotation& want, const TearAnnotation& got) {
  SCOPED_TRACE("tear " + want.id);
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.trackingUid, want.trackingUid);
  EXPECT_EQ(got.level, want.level);
  EXPECT_EQ(got.type, want.type);
  EXPECT_EQ(got.grade, want.grade);
  EXPECT_EQ(got.clock, want.clock);
  EXPECT_EQ(got.zone, want.zone);
  EXPECT_EQ(got.leak, want.leak);
  EXPECT_EQ(got.pain, want.pain);
  EXPECT_EQ(got.comment, want.comment);
  EXPECT_EQ(got.observer, want.observer);
  EXPECT_EQ(got.observedAt, want.observedAt);
  const TearGeometry &wg = want.geometry, &gg = got.geometry;
  EXPECT_EQ(gg.kind, wg.kind);
  ASSERT_EQ(gg.points.size(), wg.points.size());
  for (std::size_t i = 0; i < wg.points.size(); ++i)
    for (int k = 0; k < 3; ++k)
      EXPECT_NEAR(gg.points[i][k], wg.points[i][k], 1e-4 * std::max(1.0, std::abs(wg.points[i][k])))
          << "point " << i << " axis " << k;
  EXPECT_EQ(gg.frameOfReferenceUid, wg.frameOfReferenceUid);
  EXPECT_EQ(gg.image.sopClassUid, wg.image.sopClassUid);
  EXPECT_EQ(gg.image.sopInstanceUid, wg.image.sopInstanceUid);
  EXPECT_EQ(gg.image.seriesInstanceUid, wg.image.seriesInstanceUid);
  EXPECT_EQ(gg.image.studyInstanceUid, wg.image.studyInstanceUid);
  EXPECT_EQ(gg.image.frameNumber, wg.image.frameNumber);
  ASSERT_EQ(got.leakFigures.has_value(), want.leakFigures.has_value());
  if (want.leakFigures) {
    const auto &w = *want.leakFigures, &g = *got.leakFigures;
    EXPECT_EQ(g.areaMm2, w.areaMm2);
    EXPECT_EQ(g.onsetMs, w.onsetMs);
    EXPECT_EQ(g.onsetFrame, w.onsetFrame);
    EXPECT_EQ(g.exitDirectionDeg, w.exitDirectionDeg);
    EXPECT_EQ(g.calibration, w.calibration);
    EXPECT_EQ(g.segmentationSopInstanceUid, w.segmentationSopInstanceUid);
  }
  ASSERT_EQ(got.catheter.has_value(), want.catheter.has_value());
  if (want.catheter) {
    for (int k = 0; k < 2; ++k) {
      EXPECT_NEAR(got.catheter->target[k], want.catheter->target[k],
                  1e-4 * std::max(1.0, std::abs(want.catheter->target[k])));
      EXPECT_NEAR(got.catheter->entry[k], want.catheter->entry[k],
                  1e-4 * std::max(1.0, std::abs(want.catheter->entry[k])));
    }
    EXPECT_EQ(got.catheter->lengthMm, want.catheter->lengthMm);
    EXPECT_EQ(got.catheter->calibration, want.catheter->calibration);
  }
}

// External validators (dicom3tools, DCMTK command line tools).
inline bool haveTool(const std::string& tool) { return test::haveTool(tool); }

// dciodvfy's "Error" lines (it prints "Error - ..." for IOD violations). A run
// that did not happen (tool missing, crashed, no output) is an error line too,
// so an empty list always means dciodvfy ran and found nothing.
inline std::vector<std::string> dciodvfyErrors(const std::string& path, std::string* all = nullptr) {
  std::string out;
  const int rc = test::runCommand("dciodvfy '" + path + "' 2>&1", &out);
  if (all) *all = out;
  std::vector<std::string> errors;
  // A valid file prints its IOD's name ("XAImage"); "Abort" means it stopped reading.
  if (rc < 0 || rc >= 126 || out.empty() || out.find("Abort") != std::string::npos)
    errors.push_back("Error - dciodvfy did not run on " + path + " (exit " + std::to_string(rc) + ")");
  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t end = out.find('\n', start);
    if (end == std::string::npos) end = out.size();
    const std::string line = out.substr(start, end - start);
    if (line.rfind("Error", 0) == 0) errors.push_back(line);
    start = end + 1;
  }
  return errors;
}

}  // namespace annulo::srtest
