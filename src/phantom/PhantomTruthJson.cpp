// truth.json: the phantom's ground truth, written and read back field by field.

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "annulo/phantom/Phantom.h"

namespace annulo {

// ------------------------------------------------------------------------------ JSON

namespace {

using nlohmann::json;

json pair(const std::array<double, 2>& a) { return json::array({a[0], a[1]}); }

}  // namespace

std::string toJson(const PhantomTruth& truth) {
  const XaTruth& xa = truth.xa;
  json tears = json::array();
  for (const TearTruth& t : xa.tears) {
    tears.push_back({{"exitPoint", pair(t.exitPoint)},
                     {"directionDeg", t.directionDeg},
                     {"clock", t.clock},
                     {"onsetFrame", t.onsetFrame},
                     {"widthPx", t.widthPx},
                     {"maxLengthPx", t.maxLengthPx}});
  }
  json motion = json::array();
  for (const auto& m : xa.motion) motion.push_back(pair(m));
  const MrTruth& mr = truth.mr;
  const json doc = {{"seed", truth.seed},
                    {"studyInstanceUid", truth.studyInstanceUid},
                    {"xa",
                     {{"seriesInstanceUid", xa.seriesInstanceUid},
                      {"sopInstanceUid", xa.sopInstanceUid},
                      {"columns", xa.columns},
                      {"rows", xa.rows},
                      {"frames", xa.frames},
                      {"frameTimeMs", xa.frameTimeMs},
                      {"imagerPixelSpacingMm", xa.imagerPixelSpacingMm},
                      {"magnification", xa.magnification},
                      {"discCenter", pair(xa.discCenter)},
                      {"discRadiusX", xa.discRadiusX},
                      {"discRadiusY", xa.discRadiusY},
                      {"nucleusRadiusX", xa.nucleusRadiusX},
                      {"nucleusRadiusY", xa.nucleusRadiusY},
                      {"needleTip", pair(xa.needleTip)},
                      {"needleEntry", pair(xa.needleEntry)},
                      {"fillStartFrame", xa.fillStartFrame},
                      {"leakOnsetFrame", xa.leakOnsetFrame},
                      {"motion", motion},
                      {"tears", tears}}},
                    {"mr",
                     {{"seriesInstanceUid", mr.seriesInstanceUid},
                      {"columns", mr.columns},
                      {"rows", mr.rows},
                      {"slices", mr.slices},
                      {"pixelSpacingMm", mr.pixelSpacingMm},
                      {"sliceSpacingMm", mr.sliceSpacingMm},
                      {"hizLevel", mr.hizLevel},
                      {"hizSlice", mr.hizSlice},
                      {"hizPixel", pair(mr.hizPixel)},
                      {"hizPositionMm", json::array({mr.hizPositionMm[0], mr.hizPositionMm[1], mr.hizPositionMm[2]})},
                      {"hizRadiusMm", mr.hizRadiusMm}}}};
  return doc.dump(2) + "\n";
}

namespace {

template <typename T, std::size_t N>
std::array<T, N> fixedArray(const json& j) {
  if (!j.is_array() || j.size() != N) {
    throw json::type_error::create(302, "expected an array of " + std::to_string(N) + " numbers", &j);
  }
  std::array<T, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = j.at(i).get<T>();
  return out;
}

PhantomTruth truthFromJson(const json& doc) {
  PhantomTruth truth;
  truth.seed = doc.at("seed").get<std::uint32_t>();
  truth.studyInstanceUid = doc.at("studyInstanceUid").get<std::string>();

  const json& x = doc.at("xa");
  XaTruth& xa = truth.xa;
  xa.seriesInstanceUid = x.at("seriesInstanceUid").get<std::string>();
  xa.sopInstanceUid = x.at("sopInstanceUid").get<std::string>();
  xa.columns = x.at("columns").get<int>();
  xa.rows = x.at("rows").get<int>();
  xa.frames = x.at("frames").get<int>();
  xa.frameTimeMs = x.at("frameTimeMs").get<double>();
  xa.imagerPixelSpacingMm = x.at("imagerPixelSpacingMm").get<double>();
  xa.magnification = x.at("magnification").get<double>();
  xa.discCenter = fixedArray<double, 2>(x.at("discCenter"));
  xa.discRadiusX = x.at("discRadiusX").get<double>();
  xa.discRadiusY = x.at("discRadiusY").get<double>();
  xa.nucleusRadiusX = x.at("nucleusRadiusX").get<double>();
  xa.nucleusRadiusY = x.at("nucleusRadiusY").get<double>();
  xa.needleTip = fixedArray<double, 2>(x.at("needleTip"));
  xa.needleEntry = fixedArray<double, 2>(x.at("needleEntry"));
  xa.fillStartFrame = x.at("fillStartFrame").get<int>();
  xa.leakOnsetFrame = x.at("leakOnsetFrame").get<int>();
  for (const json& m : x.at("motion")) xa.motion.push_back(fixedArray<double, 2>(m));
  for (const json& j : x.at("tears")) {
    TearTruth t;
    t.exitPoint = fixedArray<double, 2>(j.at("exitPoint"));
    t.directionDeg = j.at("directionDeg").get<double>();
    t.clock = j.at("clock").get<int>();
    t.onsetFrame = j.at("onsetFrame").get<int>();
    t.widthPx = j.at("widthPx").get<double>();
    t.maxLengthPx = j.at("maxLengthPx").get<double>();
    xa.tears.push_back(t);
  }

  const json& m = doc.at("mr");
  MrTruth& mr = truth.mr;
  mr.seriesInstanceUid = m.at("seriesInstanceUid").get<std::string>();
  mr.columns = m.at("columns").get<int>();
  mr.rows = m.at("rows").get<int>();
  mr.slices = m.at("slices").get<int>();
  mr.pixelSpacingMm = m.at("pixelSpacingMm").get<double>();
  mr.sliceSpacingMm = m.at("sliceSpacingMm").get<double>();
  mr.hizLevel = m.at("hizLevel").get<std::string>();
  mr.hizSlice = m.at("hizSlice").get<int>();
  mr.hizPixel = fixedArray<double, 2>(m.at("hizPixel"));
  mr.hizPositionMm = fixedArray<double, 3>(m.at("hizPositionMm"));
  mr.hizRadiusMm = m.at("hizRadiusMm").get<double>();
  return truth;
}

}  // namespace

Result<PhantomTruth> readPhantomTruth(const std::string& jsonPath) {
  std::ifstream in(jsonPath, std::ios::binary);
  if (!in) return Error{"cannot open phantom truth " + jsonPath};
  try {
    const json doc = json::parse(in);
    return truthFromJson(doc);
  } catch (const json::exception& e) {
    return Error{"invalid phantom truth " + jsonPath + ": " + e.what()};
  }
}

}  // namespace annulo
