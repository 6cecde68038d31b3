// Disc planes kept in the session: one per level, saved with the edit, read back
// exactly, merged like the provocation record, absent in older files.

#include <gtest/gtest.h>

#include "annulo/annotation/AnnotationModel.h"
#include "annulo/annotation/SessionMerge.h"
#include "annulo/annotation/SessionStore.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

DiscPlane tilted(const std::string& level, double z) {
  auto p = discPlaneFromMargins(level, {0, -20, z - 5}, {0, 20, z + 5}, {1, 0, 0});
  EXPECT_TRUE(p.ok());
  return *p;
}

TEST(DiscPlaneSession, SavedPerLevelAndReadBackExactly) {
  test::TempDir dir;
  const std::string path = (dir.path() / "s.json").string();
  AnnotationModel model({}, [&](const Session& s) { return saveSession(s, path); });
  ASSERT_TRUE(model.setDiscPlane(tilted("L4-L5", 10)).ok());
  ASSERT_TRUE(model.setDiscPlane(tilted("L5-S1", -20)).ok());
  DiscPlane moved = rotated(tilted("L4-L5", 12), 5, 0);
  ASSERT_TRUE(model.setDiscPlane(moved).ok());  // replaces that level's plane
  EXPECT_FALSE(model.setDiscPlane(DiscPlane{}).ok()) << "a plane without a level";

  auto loaded = loadSession(path);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  ASSERT_EQ(loaded->discPlanes.size(), 2u);
  EXPECT_TRUE(loaded->discPlanes[0] == moved);
  EXPECT_TRUE(loaded->discPlanes[1] == tilted("L5-S1", -20));
  AnnotationModel reopened(*loaded, {});
  ASSERT_NE(reopened.findDiscPlane("L4-L5"), nullptr);
  EXPECT_TRUE(*reopened.findDiscPlane("L4-L5") == moved);
  EXPECT_EQ(reopened.findDiscPlane("L3-L4"), nullptr);
}

TEST(DiscPlaneSession, OlderFilesHaveNoneAndAMergeKeepsTheWriterWhoChangedThem) {
  const std::string old =
      R"({"format":"annulo-session","version":1,"session_uid":"2.25.9","source_path":"/x","study_instance_uid":"1.2",)"
      R"("observer":"","next_id":1,"tears":[]})";
  auto s = sessionFromJson(old);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(s->discPlanes.empty());
  EXPECT_EQ(sessionToJson(*s).find("disc_planes"), std::string::npos);

  Session base = *s, mine = *s, theirs = *s;
  mine.discPlanes = {tilted("L4-L5", 0)};
  theirs.revision = 3;
  EXPECT_EQ(mergeSessions(base, mine, theirs).merged.discPlanes, mine.discPlanes);
  EXPECT_EQ(mergeSessions(base, base, mine).merged.discPlanes, mine.discPlanes);
}

}  // namespace
}  // namespace annulo
