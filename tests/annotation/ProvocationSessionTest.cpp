// The provocation record as a session edit: undoable as tears are (per writer,
// never undoing another writer's edit), and merged per disc level when two
// readers record the same study.

#include <gtest/gtest.h>

#include <memory>

#include "annulo/annotation/SessionStore.h"
#include "annulo/annotation/SessionSync.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::TempDir;

ProvocationLevel level(const std::string& name, int pain, double painPsi) {
  ProvocationLevel p;
  p.level = name;
  p.openingPsi = 10;
  p.painPsi = painPsi;
  p.volumeAtPainMl = 1.5;
  p.painScore = pain;
  p.concordance = Concordance::Concordant;
  return p;
}

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

const ProvocationLevel* find(const Session& s, const std::string& l) {
  for (const auto& p : s.provocation)
    if (p.level == l) return &p;
  return nullptr;
}

class ProvocationSession : public ::testing::Test {
 protected:
  TempDir dir;
  std::string path = (dir / "session.json").string();
};

TEST_F(ProvocationSession, EditsUndoAndRedoOnDiskLikeTears) {
  Writer w(path, "Reader^One");
  ASSERT_TRUE(w->setProvocation(level("L4-L5", 8, 30)).ok());
  ProvocationLevel changed = *w->findProvocation("L4-L5");
  changed.painScore = 3;
  ASSERT_TRUE(w->setProvocation(changed).ok());
  ASSERT_TRUE(w->removeProvocation("L4-L5").ok());
  EXPECT_EQ(onDisk(path).provocation.size(), 0u);

  ASSERT_TRUE(w->undo().ok());  // the removal
  ASSERT_NE(find(onDisk(path), "L4-L5"), nullptr);
  EXPECT_EQ(find(onDisk(path), "L4-L5")->painScore, 3);
  ASSERT_TRUE(w->undo().ok());  // pain 8 -> 3
  EXPECT_EQ(find(onDisk(path), "L4-L5")->painScore, 8);
  const std::string uid = find(onDisk(path), "L4-L5")->trackingUid;
  EXPECT_FALSE(uid.empty());
  ASSERT_TRUE(w->undo().ok());  // the first record
  EXPECT_EQ(find(onDisk(path), "L4-L5"), nullptr);
  EXPECT_FALSE(w->canUndo());
  ASSERT_TRUE(w->redo().ok());
  ASSERT_NE(find(onDisk(path), "L4-L5"), nullptr);
  EXPECT_EQ(find(onDisk(path), "L4-L5")->trackingUid, uid) << "redo brings the same record back";
  ASSERT_TRUE(w->redo().ok());
  EXPECT_EQ(find(onDisk(path), "L4-L5")->painScore, 3);
  // An unchanged record is no edit: nothing to undo.
  ASSERT_TRUE(w->setProvocation(*w->findProvocation("L4-L5")).ok());
  ASSERT_TRUE(w->undo().ok());
  EXPECT_EQ(find(onDisk(path), "L4-L5")->painScore, 8);
}

TEST_F(ProvocationSession, UndoPutsARemovedLevelBackAtItsPlace) {
  Writer w(path, "Reader^One");
  for (const char* l : {"L3-L4", "L4-L5", "L5-S1"}) ASSERT_TRUE(w->setProvocation(level(l, 0, 40)).ok());
  ASSERT_TRUE(w->removeProvocation("L4-L5").ok());
  ASSERT_TRUE(w->undo().ok());
  const Session s = onDisk(path);
  ASSERT_EQ(s.provocation.size(), 3u);
  EXPECT_EQ(s.provocation[1].level, "L4-L5");
}

TEST_F(ProvocationSession, TwoReadersRecordingDifferentLevelsKeepBoth) {
  Writer a(path, "Reader^A"), b(path, "Reader^B");
  ASSERT_TRUE(a->setProvocation(level("L4-L5", 8, 30)).ok());
  // B never read A's level; its own must not replace the record as a whole.
  ASSERT_TRUE(b->setProvocation(level("L3-L4", 0, 60)).ok());
  Session s = onDisk(path);
  ASSERT_EQ(s.provocation.size(), 2u);
  EXPECT_NE(find(s, "L4-L5"), nullptr);
  EXPECT_NE(find(s, "L3-L4"), nullptr);
  // A edits its level after B's save: B's level stays.
  ProvocationLevel edited = *a->findProvocation("L4-L5");
  edited.painScore = 9;
  ASSERT_TRUE(a->setProvocation(edited).ok());
  s = onDisk(path);
  ASSERT_EQ(s.provocation.size(), 2u);
  EXPECT_EQ(find(s, "L4-L5")->painScore, 9);
  ASSERT_NE(find(s, "L3-L4"), nullptr);
  EXPECT_EQ(a->session().provocation.size(), 2u) << "A's model holds the merge";
  // B's refresh brings A's level in and names it.
  ASSERT_TRUE(b->refresh().ok());
  EXPECT_EQ(b->session().provocation.size(), 2u);
  EXPECT_EQ(b->lastMerge().provocationElsewhere, std::vector<std::string>{"L4-L5"});
  // A level removed by one reader disappears from the other's too.
  ASSERT_TRUE(b->removeProvocation("L3-L4").ok());
  ASSERT_TRUE(a->refresh().ok());
  EXPECT_EQ(a->findProvocation("L3-L4"), nullptr);
}

TEST_F(ProvocationSession, SameLevelEditedByBothIsAConflictAndUndoNeverRevertsTheOther) {
  Writer a(path, "Reader^A");
  ASSERT_TRUE(a->setProvocation(level("L4-L5", 8, 30)).ok());
  Writer b(path, "Reader^B");
  ProvocationLevel mine = *a->findProvocation("L4-L5"), theirs = mine;
  theirs.painScore = 2;
  ASSERT_TRUE(b->setProvocation(theirs).ok());
  mine.painScore = 6;
  Status s = a->setProvocation(mine);
  EXPECT_FALSE(s.ok()) << "an edit that met another reader's edit of the level is not silent";
  EXPECT_NE(s.message().find("L4-L5"), std::string::npos) << s.message();
  EXPECT_EQ(find(onDisk(path), "L4-L5")->painScore, 2) << "the file keeps theirs";
  ASSERT_EQ(a->provocationConflicts().size(), 1u);
  EXPECT_EQ(a->provocationConflicts()[0].mine->painScore, 6);
  EXPECT_EQ(a->provocationConflicts()[0].theirs->painScore, 2);
  // A's first edit (recording the level) cannot be undone: B changed it since.
  Status u = a->undo();
  EXPECT_FALSE(u.ok());
  EXPECT_NE(u.message().find("another writer"), std::string::npos) << u.message();
  ASSERT_NE(find(onDisk(path), "L4-L5"), nullptr);
  EXPECT_EQ(find(onDisk(path), "L4-L5")->painScore, 2);
  // Keeping mine writes it.
  ASSERT_TRUE(a->resolveProvocationConflict("L4-L5", true).ok());
  EXPECT_EQ(find(onDisk(path), "L4-L5")->painScore, 6);
  EXPECT_TRUE(a->provocationConflicts().empty());
}

}  // namespace
}  // namespace annulo
