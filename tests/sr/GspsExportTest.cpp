// Presentation state of the tears: written, validated, and read back by
// DCMTK's DVPresentationState with every mark on its own frame.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmpstat/dvpsgr.h>
#include <dcmtk/dcmpstat/dvpstat.h>
#include <dcmtk/dcmpstat/dvpstx.h>
#include <gtest/gtest.h>

#include "SrFixtures.h"
#include "annulo/sr/SrExport.h"

namespace annulo {
namespace {

using srtest::phantom;

// Reads the GSPS and attaches `image` so that frames can be selected.
struct ReadBack {
  DcmFileFormat stateFile, imageFile;
  DVPresentationState state;
  bool load(const std::string& statePath, const std::string& imagePath) {
    return stateFile.loadFile(statePath.c_str()).good() && state.read(*stateFile.getDataset()).good() &&
           imageFile.loadFile(imagePath.c_str()).good() && state.attachImage(&imageFile, OFFalse).good();
  }
};

class GspsExport : public ::testing::Test {
 protected:
  void SetUp() override {
    ANNULO_REQUIRE_PHANTOM();
    session_ = srtest::sampleSession(phantom());
  }
  test::TempDir dir_;
  Session session_;
};

TEST_F(GspsExport, DrawsEachTearOnItsFrameWithALabel) {
  const std::string path = (dir_ / "pr.dcm").string();
  auto out = exportGsps(session_, *phantom().xa, path);
  ASSERT_TRUE(out.ok()) << out.message();
  EXPECT_EQ(out->sopInstanceUid.rfind("2.25.", 0), 0u);

  ReadBack back;
  ASSERT_TRUE(back.load(path, phantom().xa->slices.front().file));
  DVPresentationState& ps = back.state;
  ASSERT_EQ(ps.getNumberOfGraphicLayers(), 2u);
  for (std::size_t t = 0; t < 3; ++t) {  // T1..T3 are on the cine; T4 is on the MR
    const TearAnnotation& tear = session_.tears[t];
    SCOPED_TRACE(tear.id);
    ASSERT_TRUE(ps.selectImageFrameNumber(static_cast<unsigned long>(tear.geometry.image.frameNumber)).good());
    ASSERT_EQ(ps.getNumberOfGraphicObjects(0), 1u);
    DVPSGraphicObject* graphic = ps.getGraphicObject(0, 0);
    const bool polygon = tear.geometry.kind == GeometryKind::Polygon;
    EXPECT_EQ(graphic->getGraphicType(), tear.geometry.points.size() == 1 ? DVPST_point : DVPST_polyline);
    ASSERT_EQ(graphic->getNumberOfPoints(), tear.geometry.points.size() + (polygon ? 1 : 0));
    Float32 x = 0, y = 0;
    ASSERT_TRUE(graphic->getPoint(0, x, y).good());
    EXPECT_NEAR(x, tear.geometry.points[0][0] + 0.5, 1e-3);  // pixel corner origin
    EXPECT_NEAR(y, tear.geometry.points[0][1] + 0.5, 1e-3);
    ASSERT_EQ(ps.getNumberOfTextObjects(1), 1u);
    const std::string text = ps.getTextObject(1, 0)->getText();
    EXPECT_NE(text.find(tear.level), std::string::npos) << text;
    EXPECT_NE(text.find("G" + std::to_string(tear.grade)), std::string::npos) << text;
  }
  // A frame without tears shows nothing.
  ASSERT_TRUE(ps.selectImageFrameNumber(1).good());
  EXPECT_EQ(ps.getNumberOfGraphicObjects(0), 0u);
}

TEST_F(GspsExport, ProjectsASpatialTearOntoItsMrSlice) {
  const std::string path = (dir_ / "pr-mr.dcm").string();
  auto out = exportGsps(session_, *phantom().mr, path);
  ASSERT_TRUE(out.ok()) << out.message();
  const SliceInfo& hiz = srtest::mrHizSlice(phantom());
  ReadBack back;
  ASSERT_TRUE(back.load(path, hiz.file));
  ASSERT_EQ(back.state.getNumberOfGraphicObjects(0), 1u);
  Float32 x = 0, y = 0;
  ASSERT_TRUE(back.state.getGraphicObject(0, 0)->getPoint(0, x, y).good());
  // The HIZ lies on (or next to) the nearest slice, so its projection is its pixel.
  EXPECT_NEAR(x, phantom().truth.mr.hizPixel[0] + 0.5, 1.0);
  EXPECT_NEAR(y, phantom().truth.mr.hizPixel[1] + 0.5, 1.0);
}

TEST_F(GspsExport, ValidatesWithDciodvfyAndDcmpschk) {
  const std::string path = (dir_ / "pr.dcm").string();
  ASSERT_TRUE(exportGsps(session_, *phantom().xa, path).ok());
  // Both validators must run: a missing one skips (fails under ANNULO_REQUIRE_ALL),
  // never passes having checked nothing.
  ANNULO_REQUIRE_TOOL("dciodvfy");
  ANNULO_REQUIRE_TOOL("dcmpschk");
  std::string all;
  EXPECT_TRUE(srtest::dciodvfyErrors(path, &all).empty()) << all;
  std::string out;
  EXPECT_EQ(test::runCommand("dcmpschk '" + path + "' 2>&1", &out), 0) << out;
  EXPECT_NE(out.find("Test passed"), std::string::npos) << out;
}

TEST_F(GspsExport, FailsWhenNoTearIsOnTheSeries) {
  session_.tears.pop_back();  // only cine tears left
  auto out = exportGsps(session_, *phantom().mr, (dir_ / "pr.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("no tear"), std::string::npos) << out.message();
}

}  // namespace
}  // namespace annulo
