// Either kind of PACS node from one text, sends through the outbox, and the
// warning for a world-readable export folder.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "annulo/net/AnyNode.h"
#include "annulo/net/PrivateFiles.h"
#include "net/PrivateHome.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;

TEST(AnyNode, AUrlIsDicomWebAndAnAeTitleIsDimse) {
  auto web = parseAnyNode("http://127.0.0.1:8042/dicom-web/");
  ASSERT_TRUE(web.ok()) << web.message();
  ASSERT_TRUE(web->isDicomWeb());
  EXPECT_EQ(web->web->baseUrl, "http://127.0.0.1:8042/dicom-web");
  auto prefixed = parseAnyNode("dicomweb+https://pacs.example.org/root");
  ASSERT_TRUE(prefixed.ok()) << prefixed.message();
  EXPECT_EQ(prefixed->web->baseUrl, "https://pacs.example.org/root");
  auto dimse = parseAnyNode("ORTHANC@pacs:4242", "READER1");
  ASSERT_TRUE(dimse.ok()) << dimse.message();
  ASSERT_FALSE(dimse->isDicomWeb());
  EXPECT_EQ(dimse->dimse->calledAe, "ORTHANC");
  EXPECT_EQ(dimse->dimse->host, "pacs");
  EXPECT_EQ(dimse->dimse->port, 4242);
  EXPECT_EQ(dimse->dimse->callingAe, "READER1");
  auto bad = parseAnyNode("pacs:4242");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("DICOMweb URL"), std::string::npos) << bad.message();
}

TEST(AnyNode, ASendToAPacsThatIsDownLeavesEachFileInTheOutboxWithTheReason) {
  test::PrivateHome home;
  const fs::path file = test::sourceDir() / "sample_data";
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(file))
    if (e.is_regular_file() && e.path().extension() == ".dcm" && files.size() < 2) files.push_back(e.path().string());
  ASSERT_EQ(files.size(), 2u);
  files.push_back((test::sourceDir() / "sample_data" / "truth.json").string());  // not DICOM: reported, not queued
  const int port = 1;                                                            // nothing listens there
  auto node = parseAnyNode("NOBODY@127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(node.ok());
  const Outbox box = Outbox::atDefaultLocation();
  auto r = sendFilesTo(*node, files, box);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->report.stored, 0u);
  EXPECT_EQ(r->report.notStored, 3u);
  EXPECT_EQ(r->leftInOutbox, 2u);
  ASSERT_EQ(r->outboxState.size(), 3u);
  EXPECT_EQ(r->outboxState[0], "failed");
  EXPECT_EQ(r->outboxState[2], "");
  EXPECT_EQ(r->report.files[2].outcome, StoreOutcome::NotDicom);
  EXPECT_EQ(r->report.files[0].path, files[0]) << "reported under the file given, not the outbox copy";
  auto items = box.list();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 2u);
  for (const auto& i : *items) {
    EXPECT_EQ(i.state, OutboxState::Failed);
    EXPECT_NE(i.reason.find("127.0.0.1:1"), std::string::npos) << i.reason;
  }
  EXPECT_EQ(home.notPrivate(), std::vector<std::string>{});
}

TEST(PrivateFiles, AWorldReadableFolderIsNamedWithItsModeAndAPrivateOneIsNot) {
  test::TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
  const fs::path open = dir.path() / "open", closed = dir.path() / "closed";
  fs::create_directories(open);
  fs::create_directories(closed / "inner");
  ASSERT_EQ(::chmod(open.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(closed.c_str(), 0700), 0);
  ASSERT_EQ(::chmod((closed / "inner").c_str(), 0755), 0);
  const std::string w = worldReadableWarning(open);
  EXPECT_NE(w.find(open.string() + " is readable by every user"), std::string::npos) << w;
  EXPECT_NE(w.find("0755"), std::string::npos) << w;
  EXPECT_EQ(worldReadableWarning(closed), "");
  EXPECT_EQ(worldReadableWarning(closed / "inner"), "") << "a private parent keeps others out";
  EXPECT_EQ(worldReadableWarning(dir.path() / "not-yet"), "") << "made 0700 when the export makes it";
  ASSERT_EQ(::chmod(open.c_str(), 0751), 0);
  EXPECT_EQ(worldReadableWarning(open), "") << "others may enter but not list";
}

}  // namespace
}  // namespace annulo
