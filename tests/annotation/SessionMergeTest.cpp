// Several writers of one session file (SessionSync + AnnotationModel): what one
// adds, removes or changes shows up in the other; edits of the same tear on both
// sides become a conflict with both versions; undo stays per writer.

#include <gtest/gtest.h>

#include <memory>

#include "annulo/annotation/SessionStore.h"
#include "annulo/annotation/SessionSync.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::TempDir;

TearAnnotation pointTear(const std::string& level, double x) {
  TearAnnotation t;
  t.level = level;
  t.grade = 3;
  t.geometry.kind = GeometryKind::Point;
  t.geometry.points = {{x, 20, 0}};
  t.geometry.image.sopInstanceUid = "1.2.3.4";
  t.geometry.image.frameNumber = 2;
  return t;
}

// One writer: its own SessionSync and model on the shared file.
struct Writer {
  std::shared_ptr<SessionSync> sync;
  std::unique_ptr<AnnotationModel> model;
  Writer(const std::string& path, const std::string& name) : sync(std::make_shared<SessionSync>(path)) {
    auto opened = sync->open();
    EXPECT_TRUE(opened.ok()) << opened.message();
    model = std::make_unique<AnnotationModel>(opened.ok() ? *opened : Session{}, sync->hook(), name);
  }
  AnnotationModel* operator->() { return model.get(); }
};

Session onDisk(const std::string& path) {
  auto s = loadSession(path);
  EXPECT_TRUE(s.ok()) << s.message();
  return s.ok() ? *s : Session{};
}

class SessionMerge : public ::testing::Test {
 protected:
  TempDir dir;
  std::string path = (dir / "session.json").string();
};

TEST_F(SessionMerge, TearsAddedElsewhereAppearWithTheirWriterAndIdsStayUnique) {
  Writer viewer(path, "Dr. Viewer"), script(path, "script");
  ASSERT_TRUE(viewer->add(pointTear("L4-L5", 1)).ok());
  EXPECT_FALSE(viewer.sync->changedOnDisk());
  EXPECT_TRUE(script.sync->changedOnDisk());
  // The script never read the viewer's T1; its add still lands beside it, as T2.
  auto id = script->add(pointTear("L5-S1", 2));
  ASSERT_TRUE(id.ok()) << id.message();
  EXPECT_EQ(*id, "T2");
  ASSERT_EQ(script->tears().size(), 2u) << "the script's model holds the merge";
  EXPECT_TRUE(viewer.sync->changedOnDisk());
  ASSERT_TRUE(viewer->refresh().ok());
  ASSERT_EQ(viewer->tears().size(), 2u);
  EXPECT_EQ(viewer->lastMerge().addedElsewhere, std::vector<std::string>{"T2"});
  const TearAnnotation* t2 = viewer->find("T2");
  ASSERT_NE(t2, nullptr);
  EXPECT_EQ(t2->createdBy, "script");
  EXPECT_EQ(t2->level, "L5-S1");
  EXPECT_EQ(viewer->find("T1")->createdBy, "Dr. Viewer");
  // Both had next_id 2 in memory: the viewer's next add must not reuse T2.
  Writer stale(path, "stale");
  ASSERT_TRUE(viewer->add(pointTear("L3-L4", 3)).ok());
  auto id2 = stale->add(pointTear("L2-L3", 4));
  ASSERT_TRUE(id2.ok());
  EXPECT_EQ(*id2, "T4") << "allocated from the disk's next_id, not the stale copy's";
  const Session s = onDisk(path);
  ASSERT_EQ(s.tears.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(s.tears[std::size_t(i)].id, "T" + std::to_string(i + 1));
  EXPECT_EQ(s.nextId, 5);
  // An id another writer allocated and removed meanwhile is not reused either.
  Writer late(path, "late");
  ASSERT_TRUE(viewer->refresh().ok());
  auto t5 = viewer->add(pointTear("L1-L2", 5));
  ASSERT_TRUE(t5.ok() && *t5 == "T5");
  ASSERT_TRUE(viewer->remove("T5").ok());
  auto id3 = late->add(pointTear("L1-L2", 6));
  ASSERT_TRUE(id3.ok());
  EXPECT_EQ(*id3, "T6") << "T5 was used (and removed) by another writer";
}

TEST_F(SessionMerge, TearsDeletedElsewhereDisappear) {
  Writer a(path, "a");
  ASSERT_TRUE(a->add(pointTear("L4-L5", 1)).ok());
  ASSERT_TRUE(a->add(pointTear("L5-S1", 2)).ok());
  Writer b(path, "b");
  ASSERT_TRUE(b->remove("T1").ok());
  ASSERT_TRUE(a->refresh().ok());
  ASSERT_EQ(a->tears().size(), 1u);
  EXPECT_EQ(a->tears()[0].id, "T2");
  EXPECT_EQ(a->lastMerge().removedElsewhere, std::vector<std::string>{"T1"});
  // A later save of a's (stale-free) state does not bring T1 back.
  TearAnnotation t2 = *a->find("T2");
  t2.grade = 4;
  ASSERT_TRUE(a->update(t2).ok());
  const Session s = onDisk(path);
  ASSERT_EQ(s.tears.size(), 1u);
  EXPECT_EQ(s.tears[0].grade, 4);
  EXPECT_EQ(s.tears[0].modifiedBy, "a");
  EXPECT_EQ(s.tears[0].createdBy, "a");
}

TEST_F(SessionMerge, SameTearEditedOnBothSidesIsAConflictWithBothVersions) {
  Writer a(path, "a");
  ASSERT_TRUE(a->add(pointTear("L4-L5", 1)).ok());
  Writer b(path, "b");
  TearAnnotation theirs = *b->find("T1");
  theirs.grade = 5;
  theirs.comment = "b's reading";
  ASSERT_TRUE(b->update(theirs).ok());
  TearAnnotation mine = *a->find("T1");  // a has not seen b's edit
  mine.grade = 1;
  mine.comment = "a's reading";
  Status s = a->update(mine);
  ASSERT_FALSE(s.ok()) << "an edit that met another writer's must not report success";
  EXPECT_NE(s.message().find("changed by b"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("conflict"), std::string::npos) << s.message();
  ASSERT_EQ(a->conflicts().size(), 1u);
  const TearConflict& c = a->conflicts()[0];
  EXPECT_EQ(c.id, "T1");
  ASSERT_TRUE(c.mine && c.theirs);
  EXPECT_EQ(c.mine->comment, "a's reading");
  EXPECT_EQ(c.theirs->comment, "b's reading");
  EXPECT_EQ(onDisk(path).tears.at(0).comment, "b's reading") << "b's acknowledged edit is not overwritten";
  EXPECT_EQ(a->find("T1")->comment, "b's reading");
  // The user keeps a's version: now it is saved, as an edit by a.
  ASSERT_TRUE(a->resolveConflict("T1", true).ok());
  EXPECT_TRUE(a->conflicts().empty());
  const Session after = onDisk(path);
  EXPECT_EQ(after.tears.at(0).comment, "a's reading");
  EXPECT_EQ(after.tears.at(0).grade, 1);
  EXPECT_EQ(after.tears.at(0).modifiedBy, "a");
}

TEST_F(SessionMerge, EditOfATearDeletedElsewhereIsAConflictNotAResurrection) {
  Writer a(path, "a");
  ASSERT_TRUE(a->add(pointTear("L4-L5", 1)).ok());
  Writer b(path, "b");
  ASSERT_TRUE(b->remove("T1").ok());
  TearAnnotation mine = *a->find("T1");
  mine.grade = 0;
  EXPECT_FALSE(a->update(mine).ok());
  ASSERT_EQ(a->conflicts().size(), 1u);
  EXPECT_TRUE(a->conflicts()[0].mine.has_value());
  EXPECT_FALSE(a->conflicts()[0].theirs.has_value());
  EXPECT_TRUE(onDisk(path).tears.empty());
  ASSERT_TRUE(a->resolveConflict("T1", false).ok());  // accept the removal
  EXPECT_TRUE(a->tears().empty());
  EXPECT_TRUE(onDisk(path).tears.empty());
}

TEST_F(SessionMerge, UndoRevertsOnlyThisWritersEdits) {
  Writer a(path, "a");
  ASSERT_TRUE(a->add(pointTear("L4-L5", 1)).ok());  // a: T1
  Writer b(path, "b");
  ASSERT_TRUE(b->add(pointTear("L5-S1", 2)).ok());  // b: T2
  ASSERT_TRUE(a->refresh().ok());
  ASSERT_EQ(a->tears().size(), 2u);
  // a's undo removes a's T1, never b's T2 (which a's snapshot before its add lacked).
  ASSERT_TRUE(a->undo().ok());
  Session s = onDisk(path);
  ASSERT_EQ(s.tears.size(), 1u);
  EXPECT_EQ(s.tears[0].id, "T2");
  ASSERT_TRUE(a->redo().ok());
  ASSERT_EQ(onDisk(path).tears.size(), 2u);
  EXPECT_EQ(onDisk(path).tears[0].id, "T1") << "redo restores the same tear, same id";
  // b changes a's tear; a's undo of its own add would now delete b's edit: refused.
  ASSERT_TRUE(b->refresh().ok());
  TearAnnotation t1 = *b->find("T1");
  t1.grade = 5;
  ASSERT_TRUE(b->update(t1).ok());
  ASSERT_TRUE(a->refresh().ok());
  Status u = a->undo();
  ASSERT_FALSE(u.ok());
  EXPECT_NE(u.message().find("changed by b"), std::string::npos) << u.message();
  s = onDisk(path);
  ASSERT_EQ(s.tears.size(), 2u);
  EXPECT_EQ(s.tears[0].grade, 5);
  // b's own undo still works and touches only b's edit.
  ASSERT_TRUE(b->undo().ok());
  EXPECT_EQ(onDisk(path).tears[0].grade, 3);
  EXPECT_EQ(onDisk(path).tears.size(), 2u);
}

TEST_F(SessionMerge, UndoWithoutRefreshStillNeverOverwritesAnotherWriter) {
  Writer a(path, "a");
  ASSERT_TRUE(a->add(pointTear("L4-L5", 1)).ok());
  TearAnnotation t = *a->find("T1");
  t.grade = 4;
  ASSERT_TRUE(a->update(t).ok());
  Writer b(path, "b");
  TearAnnotation theirs = *b->find("T1");
  theirs.comment = "b";
  ASSERT_TRUE(b->update(theirs).ok());
  // a has not refreshed: its undo meets b's edit in the merge and becomes a conflict.
  EXPECT_FALSE(a->undo().ok());
  EXPECT_EQ(onDisk(path).tears.at(0).comment, "b");
  EXPECT_EQ(onDisk(path).tears.at(0).grade, 4);
}

TEST_F(SessionMerge, OldFilesWithoutIdentityOrRevisionStillLoad) {
  const std::string old = R"({"format":"annulo-session","version":1,"session_uid":"2.25.1","source_path":"/x",
    "study_instance_uid":"1.2","observer":"","next_id":2,"tears":[{"id":"T1","tracking_uid":"2.25.9","level":"L4-L5",
    "type":"radial","grade":2,"clock":null,"zone":null,"leak":"none","pain":"not-tested","comment":"","observer":"",
    "observed_at":"","geometry":{"kind":"point","points":[[1,2,0]],"image":{"sop_class_uid":"","sop_instance_uid":"1.2.3",
    "series_instance_uid":"","study_instance_uid":"","frame":0},"frame_of_reference_uid":""},"leak_figures":null,
    "catheter":null}]})";
  auto s = sessionFromJson(old);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(s->revision, 0);
  EXPECT_EQ(s->tears.at(0).createdBy, "");
  auto back = sessionFromJson(sessionToJson(*s));
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->tears.at(0) == s->tears.at(0));
}

TEST_F(SessionMerge, EveryWriteRaisesTheRevision) {
  Writer a(path, "a");
  ASSERT_TRUE(a->add(pointTear("L4-L5", 1)).ok());
  const auto r1 = onDisk(path).revision;
  ASSERT_TRUE(a->add(pointTear("L4-L5", 2)).ok());
  EXPECT_EQ(onDisk(path).revision, r1 + 1);
  ASSERT_TRUE(a->refresh().ok());
  EXPECT_EQ(onDisk(path).revision, r1 + 1) << "a refresh with nothing new writes nothing";
}

}  // namespace
}  // namespace annulo
