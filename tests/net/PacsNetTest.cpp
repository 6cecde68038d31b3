// DICOM networking against a real peer: a private Orthanc per test process
// (ctest runs each test in its own process, so every test sets up its data).

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "annulo/dicom/FileCollector.h"
#include "annulo/dicom/SeriesLoader.h"
#include "annulo/net/Echo.h"
#include "annulo/net/Find.h"
#include "annulo/net/Retrieve.h"
#include "annulo/net/Store.h"
#include "net/OrthancServer.h"
#include "net/PrivateHome.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::runCommand;

std::string q(const std::filesystem::path& p) { return "'" + p.string() + "'"; }
int cli(const std::string& args, std::string* out = nullptr) {
  return runCommand(test::cliPath() + " " + args + " 2>&1", out);
}
int cliStdout(const std::string& args, std::string* out) {
  return runCommand(test::cliPath() + " " + args + " 2>/dev/null", out);
}

std::string transferSyntax(const std::string& path) {
  DcmFileFormat f;
  OFString ts;
  if (f.loadFile(path.c_str(), EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_metaOnly).good())
    f.getMetaInfo()->findAndGetOFString(DCM_TransferSyntaxUID, ts);
  return ts.c_str();
}

std::filesystem::path sampleData() { return test::sourceDir() / "sample_data"; }

std::vector<std::string> sampleFiles() {
  std::vector<std::string> files;
  for (const char* sub : {"xa", "mr"}) {
    auto c = collectFiles((sampleData() / sub).string());
    if (c) files.insert(files.end(), c->files.begin(), c->files.end());
  }
  return files;
}

std::string sopInstanceUid(const std::string& path) {
  DcmFileFormat f;
  OFString uid;
  if (f.loadFile(path.c_str()).good()) f.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, uid);
  return uid.c_str();
}

class OrthancPacs : public ::testing::Test {
 protected:
  void SetUp() override {
    ANNULO_REQUIRE_SAMPLE(sampleData() / "xa");
    std::string error;
    if (test::orthancBinary().empty()) ANNULO_SKIP_MISSING("Orthanc (tools/setup.sh installs it)");
    ASSERT_TRUE(server_.start(error)) << error;
  }

  // The sample study annotated and reported as `annulo-cli annotate && export-sr` do it.
  std::string writeSr() {
    const auto session = dir_ / "session.json";
    const auto sr = dir_ / "report.dcm";
    LoadOptions lo;
    lo.readPixels = false;
    auto sample = loadSeries((sampleData() / "xa").string(), lo);
    EXPECT_TRUE(sample.ok() && sample->series.size() == 1);
    if (!sample.ok() || sample->series.empty()) return {};
    const std::string series = " series=" + sample->series[0].series.instanceUid;
    std::string out;
    // One --add per call: the option parser keeps the last value of a repeated option.
    for (const char* tear : {"level=L4-L5 type=radial grade=3 clock=6 zone=central frame=30 point=256,300",
                             "level=L5-S1 type=concentric grade=2 clock=3 frame=35 point=300,260"})
      EXPECT_EQ(
          cli("annotate " + q(session) + " --source " + q(sampleData()) + " --add \"" + tear + series + "\"", &out), 0)
          << out;
    EXPECT_EQ(cli("export-sr " + q(session) + " -o " + q(sr), &out), 0) << out;
    return sr.string();
  }

  std::vector<std::string> studyFiles() {
    auto files = sampleFiles();
    files.push_back(writeSr());
    return files;
  }

  void sendAll(const std::vector<std::string>& files) {
    auto r = storeFiles(server_.node(), files);
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_EQ(r->stored, files.size());
  }

  test::PrivateHome home_;  // sends go through the outbox below HOME
  test::OrthancServer server_;
  test::TempDir dir_;
};

TEST_F(OrthancPacs, EchoSucceeds) {
  auto r = echo(server_.node());
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->status, 0u);
  std::string out;
  EXPECT_EQ(cli("echo " + server_.nodeText(), &out), 0) << out;
  EXPECT_NE(out.find("success"), std::string::npos) << out;
}

TEST_F(OrthancPacs, SendStoresExactlyTheStudyAndTheReport) {
  const auto files = studyFiles();
  std::multiset<std::string> expected;
  for (const auto& f : files) expected.insert(sopInstanceUid(f));
  ASSERT_EQ(expected.size(), 17u);  // the 40-frame XA cine, 15 MR slices, the SR
  std::string out;
  ASSERT_EQ(cliStdout("send " + q(sampleData() / "xa") + " " + q(sampleData() / "mr") + " " + q(files.back()) +
                          " --to " + server_.nodeText() + " --json",
                      &out),
            0)
      << out << server_.log();
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["stored"], files.size());
  EXPECT_EQ(j["not_stored"], 0);
  for (const auto& f : j["files"]) {
    EXPECT_EQ(f["outcome"], "success") << f.dump();
    EXPECT_EQ(f["status"], 0);
    EXPECT_GT(f["bytes"].get<long>(), 0);
  }
  EXPECT_EQ(server_.storedSopInstanceUids(), expected);
}

TEST_F(OrthancPacs, FindReturnsTheStudyWithPatientModalitiesAndCount) {
  const auto files = studyFiles();
  sendAll(files);
  LoadOptions lo;
  lo.readPixels = false;
  auto sample = loadSeries(sampleData().string(), lo);
  ASSERT_TRUE(sample.ok());
  const auto& patient = sample->series.at(0).patient;
  const auto& study = sample->series.at(0).study;

  StudyQuery query;
  query.patientId = patient.id;
  auto found = findStudies(server_.node(), query);
  ASSERT_TRUE(found.ok()) << found.message();
  ASSERT_EQ(found->size(), 1u);
  const StudyMatch& m = found->at(0);
  EXPECT_EQ(m.studyInstanceUid, study.instanceUid);
  EXPECT_EQ(m.patientId, patient.id);
  EXPECT_EQ(m.patientName, patient.name);
  EXPECT_EQ(m.studyDate, study.date);
  EXPECT_EQ(m.numberOfInstances, int(files.size()));
  const std::set<std::string> modalities(m.modalities.begin(), m.modalities.end());
  EXPECT_TRUE(modalities.count("XA") && modalities.count("MR") && modalities.count("SR")) << m.modalities.size();

  std::string text;
  ASSERT_EQ(cliStdout("find --on " + server_.nodeText() + " --modality XA --date " + study.date + "-" + study.date +
                          " --json",
                      &text),
            0)
      << text;
  auto j = nlohmann::json::parse(text);
  ASSERT_EQ(j["studies"].size(), 1u) << text;
  EXPECT_EQ(j["studies"][0]["study_uid"], study.instanceUid);
  EXPECT_EQ(j["studies"][0]["instances"], int(files.size()));

  query = {};
  query.patientId = "NOBODY-" + patient.id;
  found = findStudies(server_.node(), query);
  ASSERT_TRUE(found.ok()) << found.message();
  EXPECT_TRUE(found->empty());
}

void expectSameSeries(const LoadResult& a, const LoadResult& b) {
  ASSERT_EQ(a.series.size(), b.series.size());
  std::map<std::string, const Series*> byUid;
  for (const auto& s : b.series) byUid[s.series.instanceUid] = &s;
  for (const auto& s : a.series) {
    ASSERT_TRUE(byUid.count(s.series.instanceUid)) << s.series.instanceUid;
    const Series& t = *byUid[s.series.instanceUid];
    EXPECT_EQ(s.columns, t.columns);
    EXPECT_EQ(s.rows, t.rows);
    ASSERT_EQ(s.slices.size(), t.slices.size());
    for (std::size_t i = 0; i < s.slices.size(); ++i)
      EXPECT_EQ(s.slices[i].sopInstanceUid, t.slices[i].sopInstanceUid) << i;
    // Pixel bytes of each frame of each SOP instance: sums alone let permuted
    // frames or swapped images pass.
    ASSERT_EQ(s.sliceBytes(), t.sliceBytes());
    std::map<std::pair<std::string, int>, std::size_t> slotOf;
    for (std::size_t i = 0; i < t.slices.size(); ++i) slotOf[{t.slices[i].sopInstanceUid, t.slices[i].frameNumber}] = i;
    for (std::size_t i = 0; i < s.slices.size(); ++i) {
      auto it = slotOf.find({s.slices[i].sopInstanceUid, s.slices[i].frameNumber});
      ASSERT_NE(it, slotOf.end()) << s.slices[i].sopInstanceUid << " frame " << s.slices[i].frameNumber;
      EXPECT_EQ(std::memcmp(s.sliceData(i), t.sliceData(it->second), s.sliceBytes()), 0)
          << s.slices[i].sopInstanceUid << " frame " << s.slices[i].frameNumber << " differs";
    }
    EXPECT_EQ(s.study.instanceUid, t.study.instanceUid);
    const auto sa = computeModalityStats(s), sb = computeModalityStats(t);
    EXPECT_EQ(sa.sum, sb.sum) << s.series.modality;
    EXPECT_EQ(sa.count, sb.count);
    EXPECT_EQ(sa.min, sb.min);
    EXPECT_EQ(sa.max, sb.max);
  }
}

TEST_F(OrthancPacs, GetBringsTheStudyBackIdentical) {
  const auto files = studyFiles();
  sendAll(files);
  auto direct = loadSeries(sampleData().string());
  ASSERT_TRUE(direct.ok());
  const std::string study = direct->series.at(0).study.instanceUid;

  const auto folder = dir_ / "retrieved";
  std::string out;
  ASSERT_EQ(cliStdout("get " + study + " --from " + server_.nodeText() + " -o " + q(folder) + " --json", &out), 0)
      << out << server_.log();
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["completed"], int(files.size()));
  EXPECT_EQ(j["failed"], 0);
  ASSERT_EQ(j["files"].size(), files.size());
  for (const auto& f : files) {
    const auto back = folder / (sopInstanceUid(f) + ".dcm");
    ASSERT_TRUE(std::filesystem::exists(back)) << f;
    // The JPEG-LS cine and MR come back as stored, not transcoded by the PACS.
    EXPECT_EQ(transferSyntax(back.string()), transferSyntax(f)) << f;
  }

  auto back = loadSeries(folder.string());
  ASSERT_TRUE(back.ok()) << back.message();
  expectSameSeries(*direct, *back);

  std::string before, after;
  ASSERT_EQ(cliStdout("show-sr " + q(files.back()) + " --json", &before), 0) << before;
  ASSERT_EQ(cliStdout("show-sr " + q(folder / (sopInstanceUid(files.back()) + ".dcm")) + " --json", &after), 0)
      << after;
  const auto jb = nlohmann::json::parse(before), ja = nlohmann::json::parse(after);
  ASSERT_EQ(ja["tears"].size(), 2u);
  EXPECT_EQ(ja["tears"], jb["tears"]);
}

TEST_F(OrthancPacs, RetrieveApiReportsCountsAndProgress) {
  sendAll(sampleFiles());
  LoadOptions lo;
  lo.readPixels = false;
  auto sample = loadSeries(sampleData().string(), lo);
  ASSERT_TRUE(sample.ok());
  std::atomic<float> progress{0};
  RetrieveOptions o;
  o.progress = &progress;
  auto r = retrieveStudy(server_.node(), sample->series.at(0).study.instanceUid, (dir_ / "r").string(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->files.size(), sampleFiles().size());
  EXPECT_EQ(r->completed, int(sampleFiles().size()));
  EXPECT_EQ(r->status, 0u);
  EXPECT_TRUE(r->ok());
  EXPECT_FLOAT_EQ(progress.load(), 1.0f);
  auto none = retrieveStudy(server_.node(), "1.2.3.4.5.6.7.8.9", (dir_ / "none").string());
  ASSERT_TRUE(none.ok()) << none.message();
  EXPECT_TRUE(none->files.empty());
}

TEST_F(OrthancPacs, NonDicomFileInABatchIsReportedAndTheOthersArrive) {
  auto files = sampleFiles();
  const auto junk = dir_ / "notes.txt";
  std::ofstream(junk) << "not a DICOM file, just notes\n";
  files.insert(files.begin() + 3, junk.string());
  files.push_back((dir_ / "missing.dcm").string());
  std::atomic<float> progress{0};
  StoreOptions o;
  o.progress = &progress;
  auto r = storeFiles(server_.node(), files, o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->stored, files.size() - 2);
  EXPECT_EQ(r->notStored, 2u);
  EXPECT_EQ(r->files[3].outcome, StoreOutcome::NotDicom);
  EXPECT_NE(r->files[3].message.find("not a DICOM file"), std::string::npos) << r->files[3].message;
  EXPECT_EQ(r->files.back().outcome, StoreOutcome::NotDicom);
  EXPECT_FALSE(r->ok());
  EXPECT_FLOAT_EQ(progress.load(), 1.0f);
  EXPECT_EQ(server_.storedSopInstanceUids().size(), files.size() - 2);

  std::string out;  // the CLI says which file and still exits 1
  EXPECT_EQ(cli("send " + q(junk) + " " + q(files[0]) + " --to " + server_.nodeText(), &out), 1) << out;
  EXPECT_NE(out.find("not-dicom"), std::string::npos) << out;
  EXPECT_NE(out.find("1 of 2 file(s) stored"), std::string::npos) << out;
}

TEST_F(OrthancPacs, CancelStopsBetweenFiles) {
  std::atomic<bool> cancel{true};
  StoreOptions o;
  o.cancel = &cancel;
  auto r = storeFiles(server_.node(), sampleFiles(), o);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(r->cancelled);
  EXPECT_EQ(r->stored, 0u);
  EXPECT_EQ(r->files.front().outcome, StoreOutcome::Cancelled);

  // Cancelled as the progress shows the first file done: the files sent stay
  // sent, every later one is Cancelled, none half-way.
  const auto files = sampleFiles();
  ASSERT_GE(files.size(), 3u);
  std::atomic<float> progress{0};
  cancel = false;
  o.progress = &progress;
  std::thread watcher([&] {
    while (progress.load() <= 0.0f && !cancel.load()) std::this_thread::yield();
    cancel = true;
  });
  auto mid = storeFiles(server_.node(), files, o);
  cancel = true;
  watcher.join();
  ASSERT_TRUE(mid.ok()) << mid.message();
  EXPECT_TRUE(mid->cancelled);
  EXPECT_GE(mid->stored, 1u) << "the first file was done before the cancel";
  EXPECT_LT(mid->stored, files.size()) << "the cancel stopped the sending";
  ASSERT_EQ(mid->files.size(), files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    const bool sent = mid->files[i].outcome == StoreOutcome::Success || mid->files[i].outcome == StoreOutcome::Warning;
    EXPECT_EQ(sent, i < mid->stored) << "file " << i << ": a sent prefix, then Cancelled";
    if (!sent) {
      EXPECT_EQ(mid->files[i].outcome, StoreOutcome::Cancelled) << i;
    }
  }
}

TEST_F(OrthancPacs, WrongCalledAeIsRejectedWithTheReason) {
  PacsNode wrong = server_.node();
  wrong.calledAe = "NOT_ORTHANC";
  auto r = echo(wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("association rejected"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("called AE title not recognised"), std::string::npos) << r.message();
  auto s = storeFiles(wrong, sampleFiles());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("called AE title not recognised"), std::string::npos) << s.message();
  std::string out;
  EXPECT_EQ(cli("echo NOT_ORTHANC@127.0.0.1:" + std::to_string(server_.node().port), &out), 1) << out;
  EXPECT_NE(out.find("rejected"), std::string::npos) << out;
}

// No Orthanc needed below.

TEST(PacsDown, EchoAndSendFailFastNamingTheAddress) {
  test::PrivateHome home;
  const int port = test::freeLoopbackPort();  // nobody listens: connect is refused at once
  PacsNode node;
  node.calledAe = "PACS";
  node.host = "127.0.0.1";
  node.port = port;
  const std::string where = "127.0.0.1:" + std::to_string(port);
  const auto start = std::chrono::steady_clock::now();
  auto e = echo(node);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find(where), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("refused"), std::string::npos) << e.message();
  auto s = storeFiles(node, sampleFiles());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("refused"), std::string::npos) << s.message();
  std::string out;
  EXPECT_EQ(cli("send " + q(sampleData() / "mr") + " --to PACS@" + where, &out), 1) << out;
  EXPECT_NE(out.find(where), std::string::npos) << out;
  EXPECT_NE(out.find("refused"), std::string::npos) << out;
  EXPECT_EQ(cli("echo PACS@" + where, &out), 1) << out;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3.0);
}

TEST(PacsDown, UnknownHostIsNamed) {
  PacsNode node;
  node.calledAe = "PACS";
  node.host = "no-such-host.invalid";
  node.port = 104;
  auto e = echo(node);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.message().find("no-such-host.invalid"), std::string::npos) << e.message();
}

TEST(PacsNodeText, ParsesAetHostPort) {
  auto n = parsePacsNode("ORTHANC@pacs.example.org:4242");
  ASSERT_TRUE(n.ok()) << n.message();
  EXPECT_EQ(n->calledAe, "ORTHANC");
  EXPECT_EQ(n->host, "pacs.example.org");
  EXPECT_EQ(n->port, 4242);
  EXPECT_EQ(n->callingAe, "ANNULO");
  EXPECT_EQ(describe(*n), "ORTHANC@pacs.example.org:4242");
  for (const char* bad :
       {"ORTHANC", "@host:1", "AE@:104", "AE@host:", "AE@host:70000", "AE@host:12a", "THIS_AE_IS_TOO_LONG@h:1"})
    EXPECT_FALSE(parsePacsNode(bad).ok()) << bad;
}

TEST(PacsNodeText, CliUsageErrorsExitTwo) {
  test::PrivateHome home;
  std::string out;
  EXPECT_EQ(cli("echo", &out), 2) << out;
  EXPECT_EQ(cli("echo nonsense", &out), 2) << out;
  EXPECT_EQ(cli("send " + q(sampleData()), &out), 2) << out;
  EXPECT_EQ(cli("find --on AE@h:1 --date 2024", &out), 2) << out;
  EXPECT_EQ(cli("get 1.2.3", &out), 2) << out;  // --from missing (-o defaults to the retrieve cache)
}

TEST(StudyQueryDates, ParsesRanges) {
  StudyQuery q;
  ASSERT_TRUE(parseDateRange("20240101-20241231", q).ok());
  EXPECT_EQ(q.dateFrom, "20240101");
  EXPECT_EQ(q.dateTo, "20241231");
  ASSERT_TRUE(parseDateRange("-20241231", q).ok());
  EXPECT_EQ(q.dateFrom, "");
  ASSERT_TRUE(parseDateRange("20240101", q).ok());
  EXPECT_EQ(q.dateTo, "20240101");
  EXPECT_FALSE(parseDateRange("2024-01-01", q).ok());
  EXPECT_FALSE(parseDateRange("-", q).ok());
}

}  // namespace
}  // namespace annulo
