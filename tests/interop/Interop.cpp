#include "interop/Interop.h"

#include "annulo/annotation/SessionStore.h"
#include "annulo/dicom/SeriesLoader.h"

namespace annulo::interop {
namespace {

std::string cli(const std::string& args, std::string* out) {
  const int rc = test::runCommand(test::cliPath() + " " + args + " 2>&1", out);
  return rc == 0 ? std::string() : "annulo-cli " + args + " exited " + std::to_string(rc) + ":\n" + *out;
}

std::string build(SixTears& t) {
  LoadOptions lo;
  lo.readPixels = false;
  auto loaded = loadSeries(sampleData().string(), lo);
  if (!loaded) return loaded.message();
  std::string xa, mr;
  for (const auto& s : loaded->series) (s.series.modality == "XA" ? xa : mr) = s.series.instanceUid;
  if (xa.empty() || mr.empty()) return "sample_data has no XA and MR series";
  t.session = (t.dir / "session.json").string();
  t.report = (t.dir / "report.dcm").string();
  t.seg = (t.dir / "report-seg.dcm").string();
  t.gsps = (t.dir / "report-pr.dcm").string();
  t.labels = (t.dir / "labels.nrrd").string();
  const std::string add = " --add ";
  std::string out;
  std::string e = cli(
      "annotate " + shq(t.session) + " --source " + shq(sampleData()) + " --observer Doe^Jane" + add + "\"series=" +
          xa + " level=L4-L5 type=radial grade=3 clock=6 zone=central leak=epidural frame=20 point=300,250\"" + add +
          "\"series=" + xa +
          " level=L4-L5 type=radial grade=3 frame=40 polyline=300,250;330,262;350,280 target=300,250 entry=500,120\"" +
          add + "\"series=" + xa +
          " level=L4-L5 type=complex grade=4 leak=foraminal frame=30 polygon=280,240;320,238;330,260;290,266 "
          "area=123.5 onset-ms=1067 onset-frame=17 exit-deg=183\"" +
          add + "\"series=" + xa +
          " level=L3-L4 type=concentric grade=2 pain=concordant frame=25 point=250,230 area=10.25 exit-deg=90\"" + add +
          "\"series=" + mr + " level=L4-L5 type=radial grade=3 frame=8 point3d=0,3.1,-17.5\"" + add + "\"series=" + mr +
          " level=L5-S1 type=transverse grade=1 frame=8 polyline3d=0,3,-17;0,5,-19;0,7,-20\"",
      &out);
  if (!e.empty()) return e;
  if (!(e = cli("segment " + shq(sampleData()) + " --series " + xa + " --seed 254,246 -o " + shq(t.dir / "labels"),
                &out))
           .empty())
    return e;
  if (!(e = cli("export-sr " + shq(t.session) + " -o " + shq(t.report) + " --seg " + shq(t.seg) + " --labels " +
                    shq(t.labels) + " --gsps " + shq(t.gsps) + " --observer Roe^Richard",
                &out))
           .empty())
    return e;
  auto model = loadSession(t.session);
  if (!model) return model.message();
  t.model = *model;
  return {};
}

}  // namespace

const SixTears& sixTears() {
  static const std::unique_ptr<SixTears> data = [] {
    auto t = std::make_unique<SixTears>();
    t->error = build(*t);
    return t;
  }();
  return *data;
}

}  // namespace annulo::interop
