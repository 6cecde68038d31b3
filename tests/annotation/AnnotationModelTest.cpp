#include <gtest/gtest.h>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/annotation/Vocabulary.h"

namespace annulo {
namespace {

TearAnnotation pointTear(const std::string& level, double x, double y) {
  TearAnnotation t;
  t.level = level;
  t.type = TearType::Radial;
  t.grade = 3;
  t.clock = 6;
  t.geometry.kind = GeometryKind::Point;
  t.geometry.points = {{x, y, 0}};
  t.geometry.image.sopInstanceUid = "1.2.3.4";
  t.geometry.image.frameNumber = 12;
  return t;
}

TEST(AnnotationModel, AddAssignsIdsAndTrackingUids) {
  AnnotationModel m;
  auto a = m.add(pointTear("L4-L5", 10, 20));
  auto b = m.add(pointTear("L5-S1", 11, 21));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, "T1");
  EXPECT_EQ(*b, "T2");
  ASSERT_EQ(m.tears().size(), 2u);
  EXPECT_EQ(m.tears()[0].trackingUid.rfind("2.25.", 0), 0u);
  EXPECT_NE(m.tears()[0].trackingUid, m.tears()[1].trackingUid);
  EXPECT_LE(m.tears()[0].trackingUid.size(), 64u);
}

TEST(AnnotationModel, RejectsInvalidTearsWithReasons) {
  AnnotationModel m;
  auto bad = pointTear("L9-L10", 1, 1);
  EXPECT_NE(m.add(bad).message().find("disc level"), std::string::npos);
  auto grade = pointTear("L4-L5", 1, 1);
  grade.grade = 6;
  EXPECT_NE(m.add(grade).message().find("grade"), std::string::npos);
  auto clock = pointTear("L4-L5", 1, 1);
  clock.clock = 13;
  EXPECT_NE(m.add(clock).message().find("clock"), std::string::npos);
  auto poly = pointTear("L4-L5", 1, 1);
  poly.geometry.kind = GeometryKind::Polygon;
  EXPECT_NE(m.add(poly).message().find("polygon"), std::string::npos);
  auto noImage = pointTear("L4-L5", 1, 1);
  noImage.geometry.image.sopInstanceUid.clear();
  EXPECT_NE(m.add(noImage).message().find("reference an image"), std::string::npos);
  EXPECT_TRUE(m.tears().empty());
}

TEST(AnnotationModel, UndoRedoRestoreExactStates) {
  AnnotationModel m;
  ASSERT_TRUE(m.add(pointTear("L4-L5", 10, 20)).ok());
  ASSERT_TRUE(m.add(pointTear("L5-S1", 30, 40)).ok());
  TearAnnotation edited = m.tears()[0];
  edited.grade = 5;
  ASSERT_TRUE(m.update(edited).ok());
  ASSERT_TRUE(m.remove("T2").ok());
  ASSERT_EQ(m.tears().size(), 1u);
  ASSERT_TRUE(m.undo().ok());  // remove undone
  ASSERT_EQ(m.tears().size(), 2u);
  ASSERT_TRUE(m.undo().ok());  // update undone
  EXPECT_EQ(m.tears()[0].grade, 3);
  ASSERT_TRUE(m.redo().ok());
  EXPECT_EQ(m.tears()[0].grade, 5);
  ASSERT_TRUE(m.undo().ok());
  ASSERT_TRUE(m.undo().ok());
  ASSERT_TRUE(m.undo().ok());
  EXPECT_TRUE(m.tears().empty());
  EXPECT_FALSE(m.undo().ok());
  // A new edit after undo clears redo, and never reuses an id.
  auto id = m.add(pointTear("L3-L4", 1, 1));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "T3");
  EXPECT_FALSE(m.canRedo());
}

TEST(AnnotationModel, FailedSaveRollsBackTheEdit) {
  bool diskFull = false;
  AnnotationModel m({}, [&](const Session&) { return diskFull ? Status(makeError("disk full")) : Status(); });
  ASSERT_TRUE(m.add(pointTear("L4-L5", 10, 20)).ok());
  diskFull = true;
  auto r = m.add(pointTear("L5-S1", 1, 1));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("disk full"), std::string::npos);
  EXPECT_EQ(m.tears().size(), 1u) << "an unsaved edit must not count";
  EXPECT_FALSE(m.remove("T1").ok());
  EXPECT_EQ(m.tears().size(), 1u);
}

TEST(AnnotationModel, SaveHookSeesEveryStateBeforeObservers) {
  std::vector<std::size_t> saved, observed;
  AnnotationModel m({}, [&](const Session& s) {
    saved.push_back(s.tears.size());
    return Status();
  });
  m.observe([&](const AnnotationModel& model) { observed.push_back(model.tears().size()); });
  ASSERT_TRUE(m.add(pointTear("L4-L5", 10, 20)).ok());
  ASSERT_TRUE(m.add(pointTear("L5-S1", 1, 1)).ok());
  ASSERT_TRUE(m.undo().ok());
  EXPECT_EQ(saved, (std::vector<std::size_t>{1, 2, 1}));
  EXPECT_EQ(observed, saved);
}

TEST(AnnotationModel, GroupsFindingsOfOneDisc) {
  AnnotationModel m;
  auto xa = pointTear("L4-L5", 10, 20);
  auto mr = pointTear("L4-L5", 0, 0);
  mr.geometry.kind = GeometryKind::Point3D;
  mr.geometry.points = {{12.5, -30, 100}};
  mr.geometry.frameOfReferenceUid = "1.2.3";
  ASSERT_TRUE(m.add(xa).ok());
  ASSERT_TRUE(m.add(mr).ok());
  ASSERT_TRUE(m.add(pointTear("L5-S1", 1, 1)).ok());
  auto discs = m.byDisc();
  ASSERT_EQ(discs["L4-L5"].size(), 2u);
  EXPECT_TRUE(discs["L4-L5"][1]->geometry.is3D());
  EXPECT_EQ(discs["L5-S1"].size(), 1u);
}

TEST(Vocabulary, TokensRoundTripAndLevelsCoverTheSpine) {
  for (const auto& t : tearTypeTokens()) EXPECT_STREQ(token(*parseTearType(t)), t.c_str());
  for (const auto& t : zoneTokens()) EXPECT_STREQ(token(*parseZone(t)), t.c_str());
  for (const auto& t : leakTokens()) EXPECT_STREQ(token(*parseLeak(t)), t.c_str());
  for (const auto& t : painTokens()) EXPECT_STREQ(token(*parsePain(t)), t.c_str());
  EXPECT_EQ(discLevels().size(), 23u);  // C2-C3..C7-T1 (6), T1-T2..T12-L1 (12), L1-L2..L5-S1 (5)
  EXPECT_EQ(*parseDiscLevel("l4-l5"), "L4-L5");
  EXPECT_FALSE(parseDiscLevel("L6-L7"));
  EXPECT_EQ(*parseTearType("rim"), TearType::Transverse);
}

}  // namespace
}  // namespace annulo
