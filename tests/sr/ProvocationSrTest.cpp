// The provocation record in the SR: one measurement group per level, valid
// for dciodvfy, readable without our private codes (dsrdump shows the NUM
// names and units), and read back exactly by importSr.

#include <gtest/gtest.h>

#include "annulo/sr/SrExport.h"
#include "sr/SrFixtures.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using srtest::phantom;

Session provocationSession() {
  const auto& p = phantom();
  Session s = srtest::sampleSession(p);
  ProvocationLevel target;
  target.level = "L4-L5";
  target.trackingUid = "2.25.777";
  target.side = InjectionSide::Left;
  target.approach = "posterolateral";
  target.images = {srtest::xaFrame(p, 3), srtest::xaFrame(p, 4), srtest::xaFrame(p, 9)};
  target.openingPsi = 12.3;
  target.painPsi = 34.1;
  target.peakPsi = 60.25;
  target.volumeAtPainMl = 1.8;
  target.totalVolumeMl = 3.05;
  target.contrastAgent = "iohexol 300 mgI/mL";
  target.painScore = 8;
  target.concordance = Concordance::Concordant;
  target.painLocation = "left buttock \xE2\x80\x93 \"my usual pain\"";
  target.nucleogram = NucleogramPattern::Fissured;
  target.log = {{0, 0, 12.3, std::nullopt}, {10.5, 0.9, 20.1, 2}, {21.25, 1.8, 34.1, 8}, {30, 3.05, 60.25, 8}};
  target.observer = "Reader^Provocation";
  target.observedAt = "2026-12-02T03:59:00";
  ProvocationLevel control;
  control.level = "L3-L4";
  control.trackingUid = "2.25.778";
  control.side = InjectionSide::Right;
  control.openingPsi = 10;
  control.peakPsi = 105;
  control.totalVolumeMl = 2;
  control.painScore = 0;
  control.concordance = Concordance::None;
  control.nucleogram = NucleogramPattern::CottonBall;
  control.observedAt = "not an ISO date";  // kept as text
  ProvocationLevel third;
  third.level = "L5-S1";
  third.trackingUid = "2.25.779";
  third.openingPsi = 15;
  third.painPsi = 85;
  third.peakPsi = 90;
  third.volumeAtPainMl = 2.5;
  third.totalVolumeMl = 2.5;
  third.painScore = 5;
  third.concordance = Concordance::Discordant;
  third.override_ =
      ProvocationOverride{ProvocationClass::Indeterminate, "prior fusion at L5-S1", "Dr O", "2026-12-02T04:10:00"};
  s.provocation = {target, control, third};
  return s;
}

class ProvocationSr : public ::testing::Test {
 protected:
  void SetUp() override { ANNULO_REQUIRE_PHANTOM(); }
  std::string exportIt(const Session& s, const std::string& name = "prov.dcm") {
    const std::string path = (dir_ / name).string();
    auto out = exportSr(s, srtest::sources(phantom()), path);
    EXPECT_TRUE(out.ok()) << out.message();
    return path;
  }
  test::TempDir dir_;
};

TEST_F(ProvocationSr, RoundTripsTheRecordExactly) {
  const Session s = provocationSession();
  auto imported = importSr(exportIt(s));
  ASSERT_TRUE(imported.ok()) << imported.message();
  ASSERT_EQ(imported->provocation.size(), 3u);
  EXPECT_EQ(imported->tears.size(), s.tears.size());  // the tears still import as tears
  const StudyAssessment study = assessProvocation(s.provocation);
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(s.provocation[i].level);
    const ImportedProvocation& got = imported->provocation[i];
    EXPECT_TRUE(got.record == s.provocation[i]);
    EXPECT_EQ(got.record.log, s.provocation[i].log);
    EXPECT_EQ(got.record.images.size(), s.provocation[i].images.size());
    ASSERT_TRUE(got.computed);
    EXPECT_EQ(*got.computed, study.levels[i].computed);
    EXPECT_EQ(got.reasons, study.levels[i].reasons);
    EXPECT_EQ(got.criteriaVersion, defaultProvocationCriteria().version);
    const LevelMorphology m = levelMorphology(s.provocation[i], s.tears);
    EXPECT_EQ(got.tearTrackingUids, m.tearTrackingUids);
    EXPECT_EQ(got.dallasGrade, m.dallasGrade);
  }
  EXPECT_EQ(*imported->provocation[0].computed, ProvocationClass::Positive);
  EXPECT_FALSE(imported->provocation[0].tearTrackingUids.empty());  // linked to the L4-L5 tears
  EXPECT_EQ(imported->provocation[2].record.override_->classification, ProvocationClass::Indeterminate);
  for (const auto& line : imported->unmapped) EXPECT_EQ(line.find("provocation"), std::string::npos) << line;
  for (const auto& w : imported->warnings) EXPECT_EQ(w.find("provocation"), std::string::npos) << w;
}

TEST_F(ProvocationSr, DciodvfyReportsNoErrors) {
  if (!srtest::haveTool("dciodvfy")) ANNULO_SKIP_MISSING("dciodvfy not installed");
  std::string all;
  EXPECT_TRUE(srtest::dciodvfyErrors(exportIt(provocationSession()), &all).empty()) << all;
  Session only = provocationSession();
  only.tears.clear();  // a record without tears is a report of its own
  EXPECT_TRUE(srtest::dciodvfyErrors(exportIt(only, "only.dcm"), &all).empty()) << all;
}

TEST_F(ProvocationSr, NumNamesAndUnitsReadableWithoutPrivateCodes) {
  if (!srtest::haveTool("dsrdump")) ANNULO_SKIP_MISSING("dsrdump not installed");
  std::string out;
  ASSERT_EQ(test::runCommand("dsrdump '" + exportIt(provocationSession()) + "' 2>&1", &out), 0) << out;
  for (const char* text :
       {"Intradiscal opening pressure", "\"12.3\" ([psi],UCUM,\"pound per square inch\")", "Volume administered",
        "NUM:(,,\"Pain severity - 0-10 verbal numeric rating [Score] - Reported\")=\"8\"", "({score},UCUM,\"score\")",
        "(10828004,SCT,\"Positive\")", "Algorithm Version", "(243923001,SCT,\"Level of L4/L5 intervertebral disc\")"})
    EXPECT_NE(out.find(text), std::string::npos) << "dsrdump lacks " << text;
}

TEST_F(ProvocationSr, InjectionImageNotLoadedIsAnErrorNamingTheLevel) {
  Session s = provocationSession();
  s.provocation[1].images.push_back({"", "1.2.3.999", "", "", 1});
  auto out = exportSr(s, srtest::sources(phantom()), (dir_ / "x.dcm").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.message().find("provocation L3-L4: image 1.2.3.999 is not in any of the loaded series"),
            std::string::npos)
      << out.message();
}

}  // namespace
}  // namespace annulo
