// The 'provocation' script step headless (annulo-cli run): the levels land in the
// study's session with the injection frames as image references, the script's
// export carries them in the SR, a bad key is an error naming the line.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "annulo/annotation/SessionStore.h"
#include "annulo/phantom/Phantom.h"
#include "annulo/sr/SrExport.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

TEST(ProvocationScript, StepsRecordLevelsWithTheirFramesAndTheExportCarriesThem) {
  test::TempDir dir;
  auto truth = readPhantomTruth((test::sourceDir() / "sample_data/truth.json").string());
  ASSERT_TRUE(truth.ok()) << truth.message();
  std::ofstream(dir / "reading.txt")
      << "open " << (test::sourceDir() / "sample_data").string() << "\nseries " << truth->xa.seriesInstanceUid
      << "\nreader Script^Reader\n"
      << "provocation level=L3-L4 opening-psi=11 pain-psi=70 volume-ml=2.5 pain=2 concordance=discordant\n"
      << "provocation level=L4-L5 opening-kpa=82.74 pain-psi=34 volume-ml=1.8 pain=8 concordance=concordant "
         "frames=30,31\n"
      << "export " << (dir / "out/r.dcm").string() << "\n";
  std::string out;
  ASSERT_EQ(test::runCommand(test::cliPath() + " run '" + (dir / "reading.txt").string() + "' --session-dir '" +
                                 (dir / "sessions").string() + "' 2>&1",
                             &out),
            0)
      << out;
  EXPECT_NE(out.find("recorded provocation L4-L5"), std::string::npos) << out;
  const auto session = loadSession((dir / "sessions" / (truth->studyInstanceUid + ".json")).string());
  ASSERT_TRUE(session.ok()) << session.message();
  ASSERT_EQ(session->provocation.size(), 2u);
  const ProvocationLevel& l45 = session->provocation[1];
  EXPECT_EQ(l45.level, "L4-L5");
  EXPECT_EQ(l45.observer, "Script^Reader");
  ASSERT_TRUE(l45.openingPsi.has_value());
  EXPECT_NEAR(*l45.openingPsi, 12.0, 0.001) << "kPa converted to psi";
  ASSERT_EQ(l45.images.size(), 2u);
  EXPECT_EQ(l45.images[0].frameNumber, 30);
  EXPECT_EQ(l45.images[1].frameNumber, 31);
  EXPECT_EQ(l45.images[0].seriesInstanceUid, truth->xa.seriesInstanceUid);
  auto sr = importSr((dir / "out/r.dcm").string());
  ASSERT_TRUE(sr.ok()) << sr.message();
  ASSERT_EQ(sr->provocation.size(), 2u);
  EXPECT_EQ(sr->provocation[1].record.level, "L4-L5");
  EXPECT_EQ(sr->provocation[1].computed, ProvocationClass::Positive);

  std::ofstream(dir / "bad.txt") << "open " << (test::sourceDir() / "sample_data").string() << "\nseries "
                                 << truth->xa.seriesInstanceUid << "\nprovocation level=L4-L5 psi=3\n";
  EXPECT_EQ(test::runCommand(test::cliPath() + " run '" + (dir / "bad.txt").string() + "' --session-dir '" +
                                 (dir / "s2").string() + "' 2>&1",
                             &out),
            1);
  EXPECT_NE(out.find("script line 3 (provocation): unknown key 'psi'"), std::string::npos) << out;
}

}  // namespace
}  // namespace annulo
