// The provocation record in the model and the session file: validated, saved,
// read back exactly, old session files still read; the manometry CSV import;
// morphology derived from the tears of the level.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "annulo/annotation/ManometryLog.h"
#include "annulo/annotation/ProvocationJson.h"
#include "annulo/annotation/SessionStore.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

ProvocationLevel fullLevel() {
  ProvocationLevel p;
  p.level = "L4-L5";
  p.trackingUid = "2.25.4242";
  p.side = InjectionSide::Left;
  p.approach = "posterolateral";
  p.images.push_back({"1.2.840.10008.5.1.4.1.1.12.1", "1.2.3.4", "1.2.3", "1.2", 7});
  p.openingPsi = 12.25;
  p.painPsi = 34.1;
  p.peakPsi = 60;
  p.volumeAtPainMl = 1.8;
  p.totalVolumeMl = 3.0;
  p.contrastAgent = "iohexol 300";
  p.painScore = 8;
  p.concordance = Concordance::Concordant;
  p.painLocation = "left buttock, \"same as usual\"";
  p.nucleogram = NucleogramPattern::Fissured;
  p.log = {{0, 0, 12.25, std::nullopt}, {10.5, 0.9, 20.3, 2}, {21, 1.8, 34.1, 8}};
  p.override_ = ProvocationOverride{ProvocationClass::Indeterminate, "patient sedated", "Dr B", "2026-12-02T04:00:00"};
  p.observer = "Dr B";
  p.observedAt = "2026-12-02T03:59:00";
  return p;
}

TEST(ProvocationRecord, SessionJsonRoundTripIsExact) {
  Session s;
  s.sessionUid = "2.25.1";
  s.provocation = {fullLevel()};
  ProvocationLevel minimal;
  minimal.level = "L3-L4";
  s.provocation.push_back(minimal);
  auto back = sessionFromJson(sessionToJson(s));
  ASSERT_TRUE(back.ok()) << back.message();
  ASSERT_EQ(back->provocation.size(), 2u);
  EXPECT_TRUE(back->provocation[0] == s.provocation[0]);
  EXPECT_TRUE(back->provocation[1] == s.provocation[1]);
  back->provocation[0].log[1].pressurePsi += 1e-12;
  EXPECT_FALSE(back->provocation[0] == s.provocation[0]);  // the comparison sees a tiny change
}

TEST(ProvocationRecord, OldSessionFileWithoutTheRecordStillReads) {
  const std::string old =
      R"({"format":"annulo-session","version":1,"session_uid":"2.25.9","source_path":"/x","study_instance_uid":"1.2",)"
      R"("observer":"","next_id":1,"tears":[]})";
  auto s = sessionFromJson(old);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(s->provocation.empty());
}

TEST(ProvocationRecord, ModelValidatesSavesAndKeepsTrackingUid) {
  test::TempDir dir;
  const std::string path = (dir.path() / "s.json").string();
  AnnotationModel model({}, [&](const Session& s) { return saveSession(s, path); });
  ProvocationLevel p = fullLevel();
  p.trackingUid.clear();
  ASSERT_TRUE(model.setProvocation(p).ok());
  const std::string uid = model.findProvocation("L4-L5")->trackingUid;
  EXPECT_EQ(uid.rfind("2.25.", 0), 0u);
  p.painScore = 9;
  ASSERT_TRUE(model.setProvocation(p).ok());  // replaces, same UID
  ASSERT_EQ(model.session().provocation.size(), 1u);
  EXPECT_EQ(model.findProvocation("L4-L5")->trackingUid, uid);
  auto loaded = loadSession(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->provocation.at(0).painScore, 9);

  ProvocationLevel bad = fullLevel();
  bad.painScore = 11;
  Status s = model.setProvocation(bad);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("pain must be 0-10"), std::string::npos) << s.message();
  bad = fullLevel();
  bad.override_->reason.clear();
  EXPECT_FALSE(model.setProvocation(bad).ok());
  bad = fullLevel();
  bad.volumeAtPainMl = 4;
  EXPECT_FALSE(model.setProvocation(bad).ok());
  // A refused edit is no undo step: undo reverts the last saved one (pain 9 -> 8).
  ASSERT_TRUE(model.undo().ok());
  EXPECT_EQ(model.findProvocation("L4-L5")->painScore, 8);
}

TEST(ProvocationRecord, MorphologyComesFromTheTearsOfTheLevel) {
  ProvocationLevel p = fullLevel();
  TearAnnotation a, b, other;
  a.id = "T1", a.level = "L4-L5", a.grade = 3;
  b.id = "T2", b.level = "L4-L5", b.grade = 4, b.leak = LeakPattern::Epidural;
  b.leakFigures = LeakFigures{};
  b.leakFigures->onsetMs = 15750;  // 15.75 s: halfway between log rows at 10.5 s (0.9 mL) and 21 s (1.8 mL)
  other.id = "T3", other.level = "L5-S1", other.grade = 5;
  const LevelMorphology m = levelMorphology(p, {a, b, other});
  EXPECT_EQ(m.tearIds, (std::vector<std::string>{"T1", "T2"}));
  EXPECT_EQ(m.dallasGrade, 4);
  EXPECT_TRUE(m.leak);
  ASSERT_TRUE(m.volumeAtLeakOnsetMl);
  EXPECT_NEAR(*m.volumeAtLeakOnsetMl, 1.35, 1e-12);
  EXPECT_FALSE(levelMorphology(p, {a}).leak);
}

TEST(ManometryLog, CsvWithKpaAndEmptyPain) {
  const std::string csv = "# manometer export\nTime_s;Volume_mL;Pressure_kPa;Pain\n0;0;0;\n5;0.5;68.94757293168361;3\n";
  auto rows = parseManometryCsv(csv, "log.csv");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_FALSE((*rows)[0].pain);
  EXPECT_NEAR((*rows)[1].pressurePsi, 10.0, 1e-12);
  EXPECT_EQ((*rows)[1].pain, 3);
}

TEST(ManometryLog, BadInputNamesFileAndLine) {
  auto r = parseManometryCsv("time,volume,pressure\n0,0,10\n1,x,12\n", "m.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "m.csv line 3: 'x' is not a number");
  r = parseManometryCsv("time,volume,pressure\n5,0,10\n1,0.1,12\n", "m.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("time goes backwards"), std::string::npos);
  r = parseManometryCsv("a,b\n1,2\n", "m.csv");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("header must name"), std::string::npos);
  EXPECT_FALSE(readManometryCsv("/nonexistent/log.csv").ok());
}

TEST(ProvocationJson, ListingHasComputedFirstAndOverrideBeside) {
  Session s;
  ProvocationLevel target = fullLevel();
  ProvocationLevel control;
  control.level = "L3-L4";
  control.openingPsi = 10, control.peakPsi = 105, control.painScore = 0, control.concordance = Concordance::None;
  s.provocation = {target, control};
  const std::string text = provocationListJson(s);
  auto j = nlohmann::json::parse(text);
  ASSERT_EQ(j.at("levels").size(), 2u);
  const auto& l = j["levels"][0];
  EXPECT_EQ(l["level"], "L4-L5");
  EXPECT_EQ(l["classification"], "positive");
  EXPECT_EQ(l["final"], "indeterminate");
  EXPECT_EQ(l["override"]["reason"], "patient sedated");
  EXPECT_DOUBLE_EQ(l["opening_kpa"].get<double>(), psiToKpa(12.25));
  EXPECT_FALSE(l["reasons"].empty());
  EXPECT_LT(text.find("\"classification\""), text.find("\"override\""));
  EXPECT_EQ(j["levels"][1]["classification"], "negative");
}

}  // namespace
}  // namespace annulo
