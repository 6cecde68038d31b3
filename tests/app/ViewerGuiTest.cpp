// The viewer under Xvfb: real window, real GL (Mesa), screenshots checked
// against the phantom's known geometry.

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkImportImageFilter.h>
#include <itkRGBPixel.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

#include "annulo/annotation/SessionStore.h"
#include "annulo/net/Store.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/render/ViewTransform.h"
#include "net/OrthancServer.h"
#include "support/DicomBuilder.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using Rgb = itk::RGBPixel<std::uint8_t>;
using RgbImage = itk::Image<Rgb, 2>;

struct Shot {
  RgbImage::Pointer image;
  nlohmann::json side;
  Vec2 toScreen(Vec2 imagePoint) const {
    ViewState s;
    s.zoom = side["zoom"];
    s.panX = side["pan"][0];
    s.panY = side["pan"][1];
    const ViewGeometry g{side["view"]["width"], side["view"]["height"], side["image"]["columns"], side["image"]["rows"],
                         side["image"]["pixel_aspect"]};
    const Vec2 p = imageToScreen(s, g, imagePoint);
    return {p[0] + side["view"]["x"].get<double>(), p[1] + side["view"]["y"].get<double>()};
  }
  // A voxel (column, row, frame index) of the 3D view to window pixels, from the
  // scene's spacing and camera matrix in the sidecar (not the viewer's own projection).
  Vec2 project3d(double column, double row, double slice) const {
    const auto& sp = side["scene_spacing"];
    const double w[4] = {column * sp[0].get<double>(), row * sp[1].get<double>(), slice * sp[2].get<double>(), 1};
    double ndc[4] = {0, 0, 0, 0};
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 4; ++c) ndc[r] += side["world_to_ndc"][std::size_t(r * 4 + c)].get<double>() * w[c];
    const double x = ndc[0] / ndc[3], y = ndc[1] / ndc[3];
    return {side["view"]["x"].get<double>() + (x + 1) / 2 * side["view"]["width"].get<double>(),
            side["view"]["y"].get<double>() + (1 - (y + 1) / 2) * side["view"]["height"].get<double>()};
  }
  // Pixels of the view region for which pred(colour) holds.
  template <typename Pred>
  int countInView(Pred pred) const {
    int n = 0;
    const int x0 = int(side["view"]["x"].get<double>()), y0 = int(side["view"]["y"].get<double>());
    for (int y = 0; y < int(side["view"]["height"].get<double>()); ++y)
      for (int x = 0; x < int(side["view"]["width"].get<double>()); ++x)
        n += pred(at({double(x0 + x), double(y0 + y)})) ? 1 : 0;
    return n;
  }
  Rgb at(Vec2 screen) const {
    RgbImage::IndexType idx{{itk::IndexValueType(screen[0]), itk::IndexValueType(screen[1])}};
    return image->GetPixel(idx);
  }
};

bool haveXvfb() { return test::runCommand("command -v xvfb-run > /dev/null") == 0; }

class ViewerGui : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!haveXvfb()) ANNULO_SKIP_MISSING("xvfb-run");
    auto t = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
    ASSERT_TRUE(t.ok()) << t.message();
    truth_ = *t;
  }

  Shot run(const std::string& args) { return runOn((test::sourceDir() / "sample_data").string(), args); }

  Shot runOn(const std::string& path, const std::string& args) {
    const std::string png = (dir_ / "shot.png").string();
    std::string out;
    const int rc =
        test::runCommand("XDG_DATA_HOME=" + (dir_ / "xdg").string() + " XDG_CACHE_HOME=" + (dir_ / "cache").string() +
                             " " + test::xvfbRun() + std::string(ANNULO_VIEWER) + " " + path +
                             " --size 1400x900 --screenshot " + png + " " + args + " 2>&1",
                         &out);
    EXPECT_EQ(rc, 0) << out;
    Shot s;
    auto reader = itk::ImageFileReader<RgbImage>::New();
    reader->SetFileName(png);
    reader->Update();
    s.image = reader->GetOutput();
    std::ifstream in(png + ".json");
    s.side = nlohmann::json::parse(in);
    return s;
  }

  // A uint8 label map (columns x rows x slices) as NRRD in the test folder.
  std::string writeLabels(const std::string& name, std::vector<std::uint8_t>& labels, int columns, int rows,
                          int slices) {
    using Label = itk::Image<std::uint8_t, 3>;
    auto importer = itk::ImportImageFilter<std::uint8_t, 3>::New();
    Label::RegionType region;
    region.SetSize({{itk::SizeValueType(columns), itk::SizeValueType(rows), itk::SizeValueType(slices)}});
    importer->SetRegion(region);
    importer->SetImportPointer(labels.data(), labels.size(), false);
    auto writer = itk::ImageFileWriter<Label>::New();
    const std::string path = (dir_ / name).string();
    writer->SetFileName(path);
    writer->SetInput(importer->GetOutput());
    writer->Update();
    return path;
  }

  // The phantom's true label map (all frames) as NRRD; keep = which labels stay.
  std::string writeTruthLabels(const std::string& name, std::vector<std::uint8_t>& labels, std::set<int> keep) {
    labels.clear();
    for (int f = 1; f <= truth_.xa.frames; ++f) {
      auto l = phantomLabelMap(truth_.xa, f);
      for (auto& v : l)
        if (!keep.count(v)) v = 0;
      labels.insert(labels.end(), l.begin(), l.end());
    }
    return writeLabels(name, labels, truth_.xa.columns, truth_.xa.rows, truth_.xa.frames);
  }

  // "--tool point --click X,Y": a simulated click on the image point of the 2D view at `frame`.
  std::string clickPoint(Vec2 image, int frame) {
    const Vec2 screen = run("--frame " + std::to_string(frame)).toScreen(image);
    char click[96];
    std::snprintf(click, sizeof click, "--frame %d --tool point --click %.3f,%.3f", frame, screen[0], screen[1]);
    return click;
  }

  // The truth's image point on frame f (1-based), motion included.
  Vec2 moved(std::array<double, 2> p, int f) const {
    const auto& m = truth_.xa.motion[std::size_t(f - 1)];
    return {p[0] + m[0], p[1] + m[1]};
  }

  test::TempDir dir_;
  PhantomTruth truth_;
};

TEST_F(ViewerGui, ScreenshotShowsContrastAtTheNeedleTip) {
  const Shot s = run("--frame 40");
  EXPECT_EQ(s.side["series_uid"], truth_.xa.seriesInstanceUid);
  EXPECT_EQ(s.side["frame"], 40);
  const auto size = s.image->GetLargestPossibleRegion().GetSize();
  EXPECT_EQ(size[0], 1400u);
  // Not blank: the view region varies.
  double sum = 0, sum2 = 0;
  int n = 0;
  const double x0 = s.side["view"]["x"], y0 = s.side["view"]["y"];
  for (int y = 0; y < int(s.side["view"]["height"].get<double>()); y += 7)
    for (int x = 0; x < int(s.side["view"]["width"].get<double>()); x += 7) {
      const double g = s.at({x0 + x, y0 + y}).GetRed();
      sum += g, sum2 += g * g, ++n;
    }
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_GT(sd, 20) << "view looks blank";
  // The nucleus is full of contrast on the last frame: dark. Look anterior of
  // the centre, away from the needle that comes in from posterior (right).
  const std::array<double, 2> nucleus{truth_.xa.discCenter[0] - truth_.xa.nucleusRadiusX * 0.5,
                                      truth_.xa.discCenter[1]};
  const Rgb filled = s.at(s.toScreen(moved(nucleus, 40)));
  EXPECT_LT(filled.GetRed(), mean - 40) << "intradiscal contrast should be dark";
  // On frame 1 (before injection) the same place is plain disc, clearly brighter.
  const Shot first = run("--frame 1");
  const Rgb before = first.at(first.toScreen(moved(nucleus, 1)));
  EXPECT_GT(int(before.GetRed()), int(filled.GetRed()) + 40);
}

TEST_F(ViewerGui, LeakOverlayColourAppearsWhereTheLabelMapSays) {
  const int cols = truth_.xa.columns, rows = truth_.xa.rows;
  std::vector<std::uint8_t> labels;
  const std::string file = writeTruthLabels("labels.nrrd", labels, {1, 2});
  const Shot s = run("--frame 40 --labels " + file);
  const std::size_t base = std::size_t(39) * std::size_t(cols) * std::size_t(rows);
  // A pixel well inside each label (its 5x5 neighbourhood all the same label).
  auto inside = [&](std::uint8_t value) -> std::optional<Vec2> {
    for (int r = 2; r < rows - 2; ++r)
      for (int c = 2; c < cols - 2; ++c) {
        bool all = true;
        for (int dr = -2; dr <= 2 && all; ++dr)
          for (int dc = -2; dc <= 2 && all; ++dc)
            all = labels[base + std::size_t(r + dr) * std::size_t(cols) + std::size_t(c + dc)] == value;
        if (all) return Vec2{double(c), double(r)};
      }
    return std::nullopt;
  };
  const auto leak = inside(2), disc = inside(1);
  ASSERT_TRUE(leak && disc);
  const Rgb l = s.at(s.toScreen(*leak)), d = s.at(s.toScreen(*disc));
  EXPECT_GT(int(l.GetRed()), int(l.GetBlue()) + 60) << "leak is orange";
  EXPECT_GT(int(d.GetBlue()), int(d.GetRed()) + 40) << "intradiscal contrast is blue";
  // Background stays grey.
  const Rgb bg = s.at(s.toScreen({20, 20}));
  EXPECT_LT(std::abs(int(bg.GetRed()) - int(bg.GetBlue())), 8);
}

TEST_F(ViewerGui, SegmentationFromTheInjectionPointIsOverlaidOnTheLeak) {
  char seed[64];
  std::snprintf(seed, sizeof seed, "%.2f,%.2f", truth_.xa.needleTip[0], truth_.xa.needleTip[1]);
  const Shot s = run(std::string("--frame 40 --segment ") + seed);
  // Deep inside a true leak channel on frame 40 (3x3 neighbourhood all leak): orange.
  const auto labels = phantomLabelMap(truth_.xa, 40);
  const int cols = truth_.xa.columns;
  int checked = 0, orange = 0;
  for (int r = 1; r < truth_.xa.rows - 1; r += 3)
    for (int c = 1; c < cols - 1; c += 3) {
      bool all = true;
      for (int dr = -1; dr <= 1 && all; ++dr)
        for (int dc = -1; dc <= 1 && all; ++dc) all = labels[std::size_t((r + dr) * cols + c + dc)] == 2;
      if (!all) continue;
      const Rgb p = s.at(s.toScreen({double(c), double(r)}));
      ++checked;
      if (int(p.GetRed()) > int(p.GetBlue()) + 60) ++orange;
    }
  ASSERT_GT(checked, 5);
  EXPECT_GE(orange, checked * 9 / 10) << orange << " of " << checked << " true leak pixels shown as leak";
}

TEST_F(ViewerGui, SubtractionFromTheProcessingPanelRemovesTheAnatomy) {
  const Shot s = run("--frame 40 --filter subtract");
  EXPECT_NE(s.side["description"].get<std::string>().find("DSA"), std::string::npos) << s.side.dump();
  EXPECT_EQ(s.side["frame"], 40);
  // Vertebral bodies and soft tissue cancel out: grey values far from the disc
  // vary little, while the contrast-filled nucleus stays dark.
  double sum = 0, sum2 = 0;
  int n = 0;
  for (int r = 20; r < 120; r += 4)
    for (int c = 20; c < 490; c += 6) {
      const double g = s.at(s.toScreen({double(c), double(r)})).GetRed();
      sum += g, sum2 += g * g, ++n;
    }
  const double mean = sum / n, sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_LT(sd, 12) << "anatomy should be subtracted away";
  const std::array<double, 2> nucleus{truth_.xa.discCenter[0] - truth_.xa.nucleusRadiusX * 0.5,
                                      truth_.xa.discCenter[1]};
  EXPECT_LT(int(s.at(s.toScreen(moved(nucleus, 40))).GetRed()), mean - 40);
}

TEST_F(ViewerGui, TearPlacedBySimulatedClickIsSavedAtTheImagePoint) {
  const Vec2 target{300.0, 250.0};
  const Shot s = run(clickPoint(target, 30));
  EXPECT_EQ(s.side["tears"], 1);
  auto session = loadSession(s.side["session"].get<std::string>());
  ASSERT_TRUE(session.ok()) << session.message();
  ASSERT_EQ(session->tears.size(), 1u);
  const TearAnnotation& t = session->tears[0];
  EXPECT_EQ(t.geometry.kind, GeometryKind::Point);
  EXPECT_EQ(t.geometry.image.sopInstanceUid, truth_.xa.sopInstanceUid);
  EXPECT_EQ(t.geometry.image.frameNumber, 30);
  // One screen pixel is about 0.7 image pixels at this size.
  EXPECT_NEAR(t.geometry.points[0][0], target[0], 1.0);
  EXPECT_NEAR(t.geometry.points[0][1], target[1], 1.0);

  // The same tear, exported as DICOM SR and read back by show-sr.
  const std::string sr = (dir_ / "report.dcm").string();
  std::string out;
  ASSERT_EQ(test::runCommand(
                test::cliPath() + " export-sr '" + s.side["session"].get<std::string>() + "' -o " + sr + " 2>&1", &out),
            0)
      << out;
  ASSERT_EQ(test::runCommand(test::cliPath() + " show-sr " + sr + " --json", &out), 0) << out;
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["tears"].size(), 1u);
  EXPECT_EQ(j["tears"][0]["frame"], 30);
  EXPECT_EQ(j["tears"][0]["referenced_sop_instance_uid"], truth_.xa.sopInstanceUid);
  EXPECT_NEAR(j["tears"][0]["geometry"]["points"][0][0].get<double>(), t.geometry.points[0][0], 1e-3);
  EXPECT_NEAR(j["tears"][0]["geometry"]["points"][0][1].get<double>(), t.geometry.points[0][1], 1e-3);
}

bool orange(const Rgb& p) { return int(p.GetRed()) > int(p.GetBlue()) + 40 && p.GetRed() >= p.GetGreen(); }
bool green(const Rgb& p) {
  return int(p.GetGreen()) > int(p.GetRed()) + 60 && int(p.GetGreen()) > int(p.GetBlue()) + 20;
}

TEST_F(ViewerGui, LeakSurfaceIn3DCoversTheTrueLeakVoxels) {
  std::vector<std::uint8_t> labels;
  const std::string file = writeTruthLabels("leak.nrrd", labels, {2});
  const Shot s = run("--layout 3d --labels " + file + " --labels-3d overlay");
  ASSERT_TRUE(s.side.contains("world_to_ndc")) << s.side.dump();
  EXPECT_TRUE(s.side["time_stack"].get<bool>()) << "a cine is shown as a space-time stack";
  const std::size_t truthVoxels = std::size_t(std::count(labels.begin(), labels.end(), 2));
  ASSERT_EQ(s.side["surfaces"].size(), 1u);
  EXPECT_EQ(s.side["surfaces"][0]["label"], 2);
  EXPECT_EQ(s.side["surfaces"][0]["voxels"].get<std::size_t>(), truthVoxels);
  // Every voxel deep inside the true leak (its 3x3x3 block all leak) projects onto the surface: orange.
  const int cols = truth_.xa.columns, rows = truth_.xa.rows, frames = truth_.xa.frames;
  auto leak = [&](int c, int r, int f) {
    return labels[(std::size_t(f) * std::size_t(rows) + std::size_t(r)) * std::size_t(cols) + std::size_t(c)] == 2;
  };
  int checked = 0, shown = 0;
  for (int f = 1; f < frames - 1; ++f)
    for (int r = 1; r < rows - 1; r += 2)
      for (int c = 1; c < cols - 1; c += 2) {
        bool all = true;
        for (int df = -1; df <= 1 && all; ++df)
          for (int dr = -1; dr <= 1 && all; ++dr)
            for (int dc = -1; dc <= 1 && all; ++dc) all = leak(c + dc, r + dr, f + df);
        if (!all) continue;
        ++checked;
        shown += orange(s.at(s.project3d(c, r, f))) ? 1 : 0;
      }
  ASSERT_GT(checked, 20);
  EXPECT_GE(shown, checked * 9 / 10) << shown << " of " << checked << " leak voxels under the leak surface";

  // Embedded in the volume the leak is still seen; switched off it is gone.
  const int overlayPixels = s.countInView(orange);
  const Shot embedded = run("--layout 3d --labels " + file + " --labels-3d surface");
  const Shot off = run("--layout 3d --labels " + file + " --labels-3d off");
  EXPECT_GT(embedded.countInView(orange), overlayPixels / 4);
  EXPECT_LT(off.countInView(orange), overlayPixels / 50) << "without labels no leak colour";
}

TEST_F(ViewerGui, TearPlacedIn2DIsDrawnAtItsFrameIn3D) {
  const Vec2 target{300.0, 250.0};
  ASSERT_EQ(run(clickPoint(target, 30)).side["tears"], 1);
  // Same XDG folder: the session comes back, now in 3D.
  const Shot s = run("--layout 3d");
  ASSERT_EQ(s.side["tears"], 1);
  const Vec2 at = s.project3d(target[0], target[1], 29);  // frame 30 = index 29 along the time axis
  int greenNear = 0;
  for (int dy = -3; dy <= 3; ++dy)
    for (int dx = -3; dx <= 3; ++dx) greenNear += green(s.at({at[0] + dx, at[1] + dy})) ? 1 : 0;
  EXPECT_GE(greenNear, 20) << "tear marker at (" << at[0] << ", " << at[1] << ")";
  // The viewer's own label for it sits at the same place.
  bool listed = false;
  for (const auto& p : s.side["scene"])
    if (p["kind"] == "tear") {
      listed = true;
      EXPECT_NEAR(p["x"].get<double>(), at[0], 1.5);
      EXPECT_NEAR(p["y"].get<double>(), at[1], 1.5);
    }
  EXPECT_TRUE(listed);
  // Nowhere else in the scene is tear green but around the marker.
  EXPECT_LT(s.countInView(green), 2000);
  EXPECT_GT(s.countInView(green), 40);
}

bool yellow(const Rgb& p) { return p.GetRed() > 200 && p.GetGreen() > 200 && p.GetBlue() < 90; }

TEST_F(ViewerGui, MprReformatsShowTheLabelMapAndTheHizCandidate) {
  // A leak-coloured blob around the true HIZ, three slices thick, as a label map of the MR.
  const MrTruth& mr = truth_.mr;
  std::vector<std::uint8_t> labels(std::size_t(mr.columns) * std::size_t(mr.rows) * std::size_t(mr.slices), 0);
  const int k0 = mr.hizSlice - 1;
  for (int k = k0 - 1; k <= k0 + 1; ++k)
    for (int r = 0; r < mr.rows; ++r)
      for (int c = 0; c < mr.columns; ++c)
        if (std::hypot(c - mr.hizPixel[0], r - mr.hizPixel[1]) <= 5)
          labels[(std::size_t(k) * std::size_t(mr.rows) + std::size_t(r)) * std::size_t(mr.columns) + std::size_t(c)] =
              2;
  const std::string file = writeLabels("mr-labels.nrrd", labels, mr.columns, mr.rows, mr.slices);

  const std::string args = "--series " + mr.seriesInstanceUid + " --layout mpr --hiz";
  const Shot s = run(args + " --labels " + file);
  const Shot plain = run(args);
  // The HIZ search moves slice and crosshair to its best candidate: the true HIZ.
  EXPECT_EQ(s.side["frame"], mr.hizSlice);
  EXPECT_NEAR(s.side["crosshair"][0].get<double>(), mr.hizPixel[0], 2);
  EXPECT_NEAR(s.side["crosshair"][1].get<double>(), mr.hizPixel[1], 2);
  ASSERT_EQ(s.side["reformats"].size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const auto& v = s.side["reformats"][std::size_t(i)];
    const ViewGeometry g{v["width"], v["height"], v["columns"], v["rows"], v["pixel_aspect"]};
    // Reformat image: x = row (fixed column) or column (fixed row); y = slice, highest at the top.
    const Vec2 image{i == 0 ? mr.hizPixel[1] : mr.hizPixel[0], double(mr.slices - 1 - k0)};
    const Vec2 p = imageToScreen(ViewState{}, g, image);
    const Vec2 at{p[0] + v["x"].get<double>(), p[1] + v["y"].get<double>()};
    // Beside the crosshair lines (which cross at the HIZ): 2 pixels over, one slice down.
    const Vec2 q0 = imageToScreen(ViewState{}, g, {image[0] + 2, image[1] + 1});
    const Vec2 inside{q0[0] + v["x"].get<double>(), q0[1] + v["y"].get<double>()};
    EXPECT_TRUE(orange(s.at(inside))) << "reformat " << i << ": label overlay at the HIZ";
    const Rgb q = plain.at(inside);
    EXPECT_FALSE(orange(q)) << "reformat " << i << ": no overlay without labels, " << int(q.GetRed()) << ","
                            << int(q.GetGreen()) << "," << int(q.GetBlue());
    int ring = 0;
    for (int dy = -12; dy <= 12; ++dy)
      for (int dx = -12; dx <= 12; ++dx) ring += yellow(s.at({at[0] + dx, at[1] + dy})) ? 1 : 0;
    EXPECT_GE(ring, 12) << "reformat " << i << ": HIZ circle";
  }
}

TEST_F(ViewerGui, ReportFoundWithTheStudyBringsItsTearsOnce) {
  // A colleague's report next to the images, as a PACS retrieve leaves them.
  const auto folder = dir_ / "study";
  std::filesystem::create_directories(folder);
  for (const auto& e : std::filesystem::directory_iterator(test::sourceDir() / "sample_data"))
    std::filesystem::copy(e.path(), folder / e.path().filename());
  const std::string session = (dir_ / "colleague.json").string(), sr = (folder / "report.dcm").string();
  std::string out;
  ASSERT_EQ(test::runCommand(test::cliPath() + " annotate " + session + " --source " + folder.string() +
                                 " --add 'series=" + truth_.xa.seriesInstanceUid +
                                 " level=L4-L5 type=radial grade=4 clock=6 frame=30 point=300,250' 2>&1",
                             &out),
            0)
      << out;
  ASSERT_EQ(test::runCommand(test::cliPath() + " export-sr " + session + " -o " + sr + " 2>&1", &out), 0) << out;
  // And a damaged copy of it: listed with its reason, nothing else disturbed.
  {
    std::ifstream in(sr, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(folder / "damaged.dcm", std::ios::binary).write(bytes.data(), std::streamsize(bytes.size() / 3));
  }

  const Shot s = runOn(folder.string(), "--frame 30 --import-reports");
  ASSERT_EQ(s.side["reports"].size(), 2u) << s.side.dump();
  // The damaged copy with its error, the good report with its tear.
  for (const auto& r : s.side["reports"]) {
    if (r["file"] == "damaged.dcm") {
      EXPECT_EQ(r["error"], true);
    } else {
      EXPECT_EQ(r["file"], "report.dcm");
      EXPECT_EQ(r["tears"], 1);
      EXPECT_EQ(r["error"], nullptr);
    }
  }
  EXPECT_EQ(s.side["tears"], 1);
  auto saved = loadSession(s.side["session"].get<std::string>());
  ASSERT_TRUE(saved.ok()) << saved.message();
  ASSERT_EQ(saved->tears.size(), 1u);
  const TearAnnotation& t = saved->tears[0];
  EXPECT_EQ(t.grade, 4);
  EXPECT_EQ(t.geometry.image.sopInstanceUid, truth_.xa.sopInstanceUid);
  EXPECT_EQ(t.geometry.image.frameNumber, 30);
  EXPECT_NEAR(t.geometry.points[0][0], 300, 1e-3);
  EXPECT_NEAR(t.geometry.points[0][1], 250, 1e-3);
  auto original = loadSession(session);
  ASSERT_TRUE(original.ok());
  EXPECT_EQ(t.trackingUid, original->tears[0].trackingUid) << "the tracking UID links the two";
  // The tear is drawn where the report put it: its level's colour on the grey image.
  int coloured = 0;
  const Vec2 at = s.toScreen({300, 250});
  for (int dy = -9; dy <= 9; ++dy)
    for (int dx = -9; dx <= 9; ++dx) {
      const Rgb p = s.at({at[0] + dx, at[1] + dy});
      const int hi = std::max({int(p.GetRed()), int(p.GetGreen()), int(p.GetBlue())});
      const int lo = std::min({int(p.GetRed()), int(p.GetGreen()), int(p.GetBlue())});
      coloured += hi - lo > 90 ? 1 : 0;
    }
  EXPECT_GT(coloured, 10);
  // Opening the study again and importing again adds nothing.
  EXPECT_EQ(runOn(folder.string(), "--import-reports").side["tears"], 1);
}

TEST_F(ViewerGui, StudyRetrievedFromThePacsOpensAsFromDisk) {
  test::OrthancServer pacs;
  std::string why;
  if (!pacs.start(why)) ANNULO_SKIP_MISSING("a running Orthanc: " << why);
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(test::sourceDir() / "sample_data"))
    if (e.is_regular_file() && e.path().extension() != ".json") files.push_back(e.path().string());
  auto stored = storeFiles(pacs.node(), files);
  ASSERT_TRUE(stored.ok()) << stored.message();
  ASSERT_TRUE(stored->ok());

  const Shot s = runOn("", "--from-pacs " + pacs.nodeText() + " --study " + truth_.studyInstanceUid + " --frame 40");
  EXPECT_EQ(s.side["series_uid"], truth_.xa.seriesInstanceUid);
  EXPECT_EQ(s.side["frame"], 40);
  // Into the cache folder, one file per instance, and the picture is the one from disk.
  std::size_t retrieved = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(dir_ / "cache" / "annulo" / "retrieved" / truth_.studyInstanceUid))
    retrieved += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(retrieved, files.size());
  const std::array<double, 2> nucleus{truth_.xa.discCenter[0] - truth_.xa.nucleusRadiusX * 0.5,
                                      truth_.xa.discCenter[1]};
  const Shot local = run("--frame 40");
  const Rgb a = s.at(s.toScreen(moved(nucleus, 40))), b = local.at(local.toScreen(moved(nucleus, 40)));
  EXPECT_EQ(int(a.GetRed()), int(b.GetRed()));
  EXPECT_LT(int(a.GetRed()), 100) << "contrast-filled nucleus is dark";
}

TEST_F(ViewerGui, StudiesWithoutAUsableUidKeepSeparateSessions) {
  // One file without a Study Instance UID, one whose UID would be a path.
  auto folderWith = [&](const std::string& name, const std::string& studyUid) {
    const auto folder = dir_ / name;
    std::filesystem::create_directories(folder);
    test::ImageSpec spec;
    spec.studyUid = studyUid;
    spec.rows = spec.columns = 32;
    test::writeImage(spec, (folder / "image.dcm").string());
    return folder.string();
  };
  const std::string a = folderWith("a", ""), b = folderWith("b", "../../escape");
  const Shot first = runOn(a, "--tool point --click 700,400");
  const Shot second = runOn(b, "");
  const std::filesystem::path sa = first.side["session"].get<std::string>(),
                              sb = second.side["session"].get<std::string>();
  EXPECT_EQ(sa.parent_path(), dir_ / "xdg" / "annulo" / "sessions");
  EXPECT_EQ(sb.parent_path(), sa.parent_path()) << "a malformed UID must not name a path";
  EXPECT_NE(sa.filename(), ".json");
  EXPECT_NE(sa, sb) << "two studies without a usable UID share no session";
  EXPECT_EQ(first.side["tears"], 1);
  EXPECT_EQ(second.side["tears"], 0) << "the first study's tear does not appear in the second";
  EXPECT_EQ(runOn(a, "").side["tears"], 1) << "and comes back with its own study";
}

TEST_F(ViewerGui, EachStudyInAFolderKeepsItsOwnTears) {
  const auto folder = dir_ / "two-studies";
  std::filesystem::create_directories(folder);
  for (int k : {1, 2}) {
    test::ImageSpec spec;
    spec.studyUid = "1.2.826.0.1.3680043.10.9." + std::to_string(k);
    spec.seriesUid = spec.studyUid + ".1";
    spec.rows = spec.columns = 32;
    test::writeImage(spec, (folder / ("study" + std::to_string(k) + ".dcm")).string());
  }
  const std::string one = "1.2.826.0.1.3680043.10.9.1.1", two = "1.2.826.0.1.3680043.10.9.2.1";
  const Shot a = runOn(folder.string(), "--series " + one + " --tool point --click 700,400");
  ASSERT_EQ(a.side["series_uid"], one);
  EXPECT_EQ(a.side["tears"], 1);
  const Shot b = runOn(folder.string(), "--series " + two);
  ASSERT_EQ(b.side["series_uid"], two);
  EXPECT_EQ(b.side["tears"], 0) << "study 2 has its own session";
  EXPECT_NE(a.side["session"], b.side["session"]);
  EXPECT_NE(a.side["session"].get<std::string>().find("1.2.826.0.1.3680043.10.9.1.json"), std::string::npos);
  EXPECT_EQ(runOn(folder.string(), "--series " + one).side["tears"], 1);
  // The tear exports with its own study's images only.
  const std::string report = (dir_ / "r.dcm").string();
  std::string out;
  ASSERT_EQ(
      test::runCommand(
          test::cliPath() + " export-sr '" + a.side["session"].get<std::string>() + "' -o " + report + " 2>&1", &out),
      0)
      << out;
  // The report is study 1's, holding study 1's one tear.
  std::string uid;
  test::runCommand("dcmdump +P StudyInstanceUID '" + report + "' 2>&1", &uid);
  EXPECT_NE(uid.find("[1.2.826.0.1.3680043.10.9.1]"), std::string::npos) << uid;
  ASSERT_EQ(test::runCommand(test::cliPath() + " show-sr '" + report + "' --json", &out), 0) << out;
  EXPECT_EQ(nlohmann::json::parse(out)["tears"].size(), 1u) << out;
}

// Below this standard deviation of grey (0..255) a view holds no image.
constexpr double kMinImageSd = 4.0;

TEST_F(ViewerGui, OddRealSeriesOpenInEveryLayout) {
  // Series written by others that stress the views: RGB multi-frame ultrasound, an
  // enhanced MR split by orientation, a 2x2x4 stack, a real XA cine, NM, signed CT.
  // (A sweep of all 63 selectable series x 3 layouts ran clean when this was written.)
  const std::vector<std::string> uids = {"1.2.840.113857.1626.160635.1727.151815.1",
                                         "1.2.826.0.1.3680043.2.1143.3712364435022872412969836992152438492",
                                         "1.2.840.113619.2.176.2025.1499492.7391.1175285944.394",
                                         "1.3.12.2.1107.5.4.3.123456789012345.19950922.121803.8",
                                         "2.16.840.1.113662.5.8796818449476.121423489.1.1.3101.5309511143",
                                         "1.2.826.0.1.3680043.2.1125.1.75064541463040.2005072610384286453"};
  if (!std::filesystem::exists(test::samplesDir())) ANNULO_SKIP_MISSING("../shared/dicom-samples");
  int opened = 0;
  std::set<std::string> missing;
  for (const auto& uid : uids)
    for (const char* layout : {"2d", "mpr", "3d"}) {
      const Shot s = runOn(test::samplesDir().string(), "--series " + uid + " --layout " + layout);
      if (s.side["series_uid"] != uid) {  // that sample is not in this copy of the folder
        missing.insert(uid);
        continue;
      }
      ++opened;
      // An image was drawn: the view's central 60 % (clear of the orientation letters and
      // the legend at its edges) varies like an image, not like a blank view with labels.
      const double x0 = s.side["view"]["x"].get<double>(), y0 = s.side["view"]["y"].get<double>();
      const double w = s.side["view"]["width"].get<double>(), h = s.side["view"]["height"].get<double>();
      double sum = 0, sum2 = 0;
      int n = 0;
      for (double y = y0 + 0.2 * h; y < y0 + 0.8 * h; y += 4)
        for (double x = x0 + 0.2 * w; x < x0 + 0.8 * w; x += 4) {
          const Rgb p = s.at({x, y});
          const double grey = (int(p.GetRed()) + p.GetGreen() + p.GetBlue()) / 3.0;
          sum += grey, sum2 += grey * grey, ++n;
        }
      const double sd = std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n)));
      EXPECT_GT(sd, kMinImageSd) << uid << " " << layout << " looks blank (grey sd " << sd << ")";
      std::cout << "[ info ] " << uid << " " << layout << ": grey sd " << sd << "\n";
    }
  EXPECT_GE(opened, 12) << "most of the chosen samples should be present";
  if (!missing.empty()) ANNULO_SKIP_MISSING("samples of series " << test::listOf({missing.begin(), missing.end()}));
}

std::string dump(const std::string& file, const std::string& tag) {
  std::string out;
  test::runCommand("dcmdump +P " + tag + " '" + file + "' 2>&1", &out);
  return out;
}

TEST_F(ViewerGui, ExportedReportSegAndPresentationStateReachThePacs) {
  test::OrthancServer pacs;
  std::string why;
  if (!pacs.start(why)) ANNULO_SKIP_MISSING("a running Orthanc: " << why);
  char seed[64];
  std::snprintf(seed, sizeof seed, "%.2f,%.2f", truth_.xa.needleTip[0], truth_.xa.needleTip[1]);
  const std::string report = (dir_ / "out" / "report.dcm").string();
  std::string out;
  const std::string png = (dir_ / "shot.png").string();
  const int rc =
      test::runCommand("XDG_DATA_HOME=" + (dir_ / "xdg").string() + " " + test::xvfbRun() + std::string(ANNULO_VIEWER) +
                           " " + (test::sourceDir() / "sample_data").string() + " --size 1400x900 --screenshot " + png +
                           " " + clickPoint({300.0, 250.0}, 40) + " --segment " + seed + " --export " + report +
                           " --send-to " + pacs.nodeText() + " 2>&1",
                       &out);
  ASSERT_EQ(rc, 0) << out;
  std::multiset<std::string> sent;
  for (const std::string f : {"report.dcm", "report-seg.dcm", "report-pr.dcm"}) {
    const std::string uid = dump((dir_ / "out" / f).string(), "SOPInstanceUID");
    sent.insert(uid.substr(uid.find('[') + 1, uid.find(']') - uid.find('[') - 1));
    EXPECT_NE(out.find("sent " + (dir_ / "out" / f).string() + ": success"), std::string::npos) << out;
  }
  EXPECT_EQ(pacs.storedSopInstanceUids(), sent) << pacs.log();
}

TEST_F(ViewerGui, ExportWritesSegSrAndPresentationStateThatPassDciodvfy) {
  ANNULO_REQUIRE_TOOL("dciodvfy");
  char seed[64];
  std::snprintf(seed, sizeof seed, "%.2f,%.2f", truth_.xa.needleTip[0], truth_.xa.needleTip[1]);
  const std::string report = (dir_ / "out" / "report.dcm").string();
  const Shot s = run(clickPoint({300.0, 250.0}, 40) + " --segment " + seed + " --export " + report);
  ASSERT_EQ(s.side["tears"], 1);
  const std::string seg = (dir_ / "out" / "report-seg.dcm").string(), pr = (dir_ / "out" / "report-pr.dcm").string();
  for (const std::string& f : {report, seg, pr}) {
    ASSERT_TRUE(std::filesystem::exists(f)) << f;
    std::string out;
    test::runCommand("dciodvfy '" + f + "' 2>&1", &out);
    EXPECT_EQ(out.find("\nError"), std::string::npos) << f << "\n" << out;
    EXPECT_NE(out.rfind("Error", 0), 0u) << f << "\n" << out;
  }
  // The SEG segments the acquired cine; the SR lists the SEG among its evidence.
  EXPECT_NE(dump(seg, "ReferencedSOPInstanceUID").find(truth_.xa.sopInstanceUid), std::string::npos);
  EXPECT_NE(dump(seg, "SegmentLabel").find("leak"), std::string::npos) << dump(seg, "SegmentLabel");
  const std::string segUid = dump(seg, "SOPInstanceUID");
  const auto open = segUid.find('['), close = segUid.find(']');
  ASSERT_NE(open, std::string::npos);
  EXPECT_NE(dump(report, "ReferencedSOPInstanceUID").find(segUid.substr(open + 1, close - open - 1)),
            std::string::npos);
  EXPECT_NE(dump(pr, "ReferencedSOPInstanceUID").find(truth_.xa.sopInstanceUid), std::string::npos);
}

}  // namespace
}  // namespace annulo
