// DICOMweb against a real archive: a private Orthanc with its DICOMweb plugin
// (Debian orthanc-dicomweb) on loopback. STOW-RS the six-tear SR, its SEG and
// GSPS; QIDO-RS finds them; WADO-RS brings them back identical in content.
// Plus the multipart/related code and the error messages.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iterator>

#include "annulo/net/DicomWeb.h"
#include "interop/Interop.h"
#include "net/Multipart.h"
#include "peers/LocalOrthanc.h"

namespace annulo {
namespace {

constexpr const char* kPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The dataset as bytes (explicit little endian, no meta header): "identical in
// content" whatever meta header the archive writes.
std::string datasetBytes(const std::string& path, const std::filesystem::path& scratch) {
  DcmFileFormat f;
  if (f.loadFile(path.c_str()).bad()) return "unreadable " + path;
  const auto out = scratch / (std::filesystem::path(path).filename().string() + ".ds");
  if (f.getDataset()->saveFile(out.string().c_str(), EXS_LittleEndianExplicit).bad()) return "unwritable";
  return readAll(out.string());
}

std::string sopInstanceUid(const std::string& path) {
  DcmFileFormat f;
  OFString v;
  if (f.loadFile(path.c_str()).good()) f.getDataset()->findAndGetOFString(DCM_SOPInstanceUID, v);
  return v.c_str();
}

double msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

class OrthancDicomWeb : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(test::orthancBinary().empty()) << "Orthanc is not installed (tools/setup.sh installs it)";
    ASSERT_TRUE(std::filesystem::exists(kPlugin)) << kPlugin << " missing (tools/setup.sh installs orthanc-dicomweb)";
    ASSERT_TRUE(interop::sixTears().error.empty()) << interop::sixTears().error;
    const nlohmann::json settings = {{"Name", "annulo-dicomweb-test"},
                                     {"Plugins", {kPlugin}},
                                     {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}}},
                                     {"HttpThreadsCount", 4}};
    std::string error;
    ASSERT_TRUE(orthanc_.start(test::orthancBinary(), settings, error)) << error;
    node_.baseUrl = "http://127.0.0.1:" + std::to_string(orthanc_.httpPort()) + "/dicom-web";
  }
  test::TempDir dir_;
  test::LocalOrthanc orthanc_{dir_ / "orthanc", "DICOMWEB"};
  DicomWebNode node_;
};

TEST_F(OrthancDicomWeb, StowThenQidoFindsTheReportAndWadoBringsItBackIdentical) {
  const auto& six = interop::sixTears();
  const std::vector<std::string> files = {six.report, six.seg, six.gsps};

  auto t = std::chrono::steady_clock::now();
  auto stored = stowFiles(node_, files);
  const double stowMs = msSince(t);
  ASSERT_TRUE(stored.ok()) << stored.message() << "\n" << orthanc_.log();
  EXPECT_EQ(stored->stored, 3u);
  for (const auto& f : stored->files) EXPECT_EQ(f.outcome, StoreOutcome::Success) << f.path << ": " << f.message;

  StudyQuery q;
  q.studyInstanceUid = six.model.studyInstanceUid;
  t = std::chrono::steady_clock::now();
  auto studies = qidoFindStudies(node_, q);
  const double qidoStudyMs = msSince(t);
  ASSERT_TRUE(studies.ok()) << studies.message();
  ASSERT_EQ(studies->size(), 1u);
  EXPECT_EQ(studies->front().studyInstanceUid, six.model.studyInstanceUid);
  EXPECT_EQ(studies->front().patientId, "PHANTOM-1");
  EXPECT_EQ(studies->front().numberOfInstances, 3);

  t = std::chrono::steady_clock::now();
  auto series = qidoFindSeries(node_, six.model.studyInstanceUid);
  const double qidoSeriesMs = msSince(t);
  ASSERT_TRUE(series.ok()) << series.message();
  std::set<std::string> modalities;
  for (const auto& s : *series) modalities.insert(s.modality);
  EXPECT_EQ(modalities, (std::set<std::string>{"SR", "SEG", "PR"}));

  const auto folder = dir_ / "back";
  t = std::chrono::steady_clock::now();
  auto back = wadoRetrieveStudy(node_, six.model.studyInstanceUid, folder.string());
  const double wadoMs = msSince(t);
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(back->completed, 3);
  EXPECT_TRUE(back->failures.empty()) << back->failures.front();
  for (const auto& original : files) {
    const auto returned = folder / (sopInstanceUid(original) + ".dcm");
    ASSERT_TRUE(std::filesystem::exists(returned)) << returned;
    EXPECT_EQ(datasetBytes(returned.string(), dir_.path()), datasetBytes(original, dir_.path())) << original;
  }
  // The same files by DIMSE C-STORE to the same Orthanc, for comparison in the same run.
  t = std::chrono::steady_clock::now();
  auto dimse = storeFiles(orthanc_.node(), files);
  const double cstoreMs = msSince(t);
  ASSERT_TRUE(dimse.ok()) << dimse.message();
  EXPECT_EQ(dimse->stored, 3u);
  std::uint64_t bytes = 0;
  for (const auto& f : files) bytes += std::filesystem::file_size(f);
  std::cout << "[ figures  ] DICOMweb on loopback Orthanc: STOW-RS 3 files (" << bytes / 1024 << " KiB) " << stowMs
            << " ms (DIMSE C-STORE of the same files " << cstoreMs << " ms); QIDO-RS studies " << qidoStudyMs
            << " ms, series " << qidoSeriesMs << " ms; WADO-RS study " << wadoMs << " ms (" << back->bytes / 1024
            << " KiB)\n";
}

TEST_F(OrthancDicomWeb, ANonDicomFileIsReportedAndNotSent) {
  const auto junk = dir_ / "junk.dcm";
  std::ofstream(junk) << "not dicom";
  auto stored = stowFiles(node_, {junk.string(), interop::sixTears().gsps});
  ASSERT_TRUE(stored.ok()) << stored.message();
  ASSERT_EQ(stored->files.size(), 2u);
  EXPECT_EQ(stored->files[0].outcome, StoreOutcome::NotDicom);
  EXPECT_EQ(stored->files[1].outcome, StoreOutcome::Success) << stored->files[1].message;
  EXPECT_EQ(stored->notStored, 1u);
}

TEST_F(OrthancDicomWeb, AWrongServiceRootIsAnHttpErrorNamingHostAndStatus) {
  DicomWebNode wrong = node_;
  wrong.baseUrl = "http://127.0.0.1:" + std::to_string(orthanc_.httpPort()) + "/no-such-root";
  auto studies = qidoFindStudies(wrong, {});
  ASSERT_FALSE(studies.ok());
  EXPECT_NE(studies.message().find("127.0.0.1:" + std::to_string(orthanc_.httpPort())), std::string::npos)
      << studies.message();
  EXPECT_NE(studies.message().find("HTTP 404"), std::string::npos) << studies.message();
}

TEST_F(OrthancDicomWeb, CliFindGetSendTakeDicomweb) {
  const auto& six = interop::sixTears();
  const std::string url = " --dicomweb " + node_.baseUrl;
  std::string out;
  ASSERT_EQ(test::runCommand(test::cliPath() + " send " + interop::shq(six.report) + url + " --json 2>&1", &out), 0)
      << out;
  ASSERT_EQ(test::runCommand(
                test::cliPath() + " find" + url + " --study-uid " + six.model.studyInstanceUid + " --json 2>&1", &out),
            0)
      << out;
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["studies"].size(), 1u) << out;
  const auto folder = dir_ / "cli-get";
  ASSERT_EQ(
      test::runCommand(
          test::cliPath() + " get " + six.model.studyInstanceUid + url + " -o " + interop::shq(folder) + " 2>&1", &out),
      0)
      << out;
  EXPECT_TRUE(std::filesystem::exists(folder / (sopInstanceUid(six.report) + ".dcm"))) << out;
}

// No archive needed below.

// Issue 16: a DICOMweb archive that wants a login gets it from the credentials file
// (0600, refused otherwise), never from the command line; the secret is in no message.
TEST(DicomWebCredentials, BasicLoginComesFromThePrivateCredentialsFileOnly) {
  ASSERT_FALSE(test::orthancBinary().empty()) << "Orthanc is not installed (tools/setup.sh installs it)";
  ASSERT_TRUE(std::filesystem::exists(kPlugin)) << kPlugin << " missing (tools/setup.sh installs orthanc-dicomweb)";
  test::TempDir dir;
  test::LocalOrthanc orthanc(dir / "orthanc", "DICOMWEB");
  const nlohmann::json settings = {{"Plugins", {kPlugin}},
                                   {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}}},
                                   {"AuthenticationEnabled", true},
                                   {"RegisteredUsers", {{"reader", "s3cret-pw"}}}};
  std::string error;
  ASSERT_TRUE(orthanc.start(test::orthancBinary(), settings, error)) << error;
  DicomWebNode node;
  const std::string authority = "127.0.0.1:" + std::to_string(orthanc.httpPort());
  node.baseUrl = "http://" + authority + "/dicom-web";
  const std::string creds = (dir / "credentials.json").string();
  ::setenv("ANNULO_CREDENTIALS", creds.c_str(), 1);
  auto write = [&](const std::string& password, mode_t mode) {
    std::ofstream(creds)
        << nlohmann::json{{"nodes", {{authority, {{"basic", {{"user", "reader"}, {"password", password}}}}}}}}.dump();
    ::chmod(creds.c_str(), mode);
  };
  // No entry: no login, and the archive says 401.
  auto none = qidoFindStudies(node, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.message().find("HTTP 401"), std::string::npos) << none.message();
  // The owner-only file's login is used.
  write("s3cret-pw", 0600);
  auto found = qidoFindStudies(node, {});
  EXPECT_TRUE(found.ok()) << found.message();
  // A wrong password is the archive's 401, and the message does not carry it.
  write("wrong-pw", 0600);
  auto wrong = qidoFindStudies(node, {});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.message().find("HTTP 401"), std::string::npos) << wrong.message();
  EXPECT_EQ(wrong.message().find("wrong-pw"), std::string::npos) << wrong.message();
  // Readable by others: refused before anything is sent, naming the fix.
  write("s3cret-pw", 0644);
  auto open = qidoFindStudies(node, {});
  ASSERT_FALSE(open.ok());
  EXPECT_NE(open.message().find("chmod"), std::string::npos) << open.message();
  EXPECT_EQ(open.message().find("s3cret-pw"), std::string::npos) << open.message();
  ::unsetenv("ANNULO_CREDENTIALS");
}

TEST(DicomWebDown, NothingListeningIsAnErrorNamingTheHost) {
  DicomWebNode node;
  node.baseUrl = "http://127.0.0.1:" + std::to_string(test::freeLoopbackPort()) + "/dicom-web";
  node.connectTimeoutS = 2;
  const auto t = std::chrono::steady_clock::now();
  auto studies = qidoFindStudies(node, {});
  ASSERT_FALSE(studies.ok());
  EXPECT_NE(studies.message().find("cannot reach 127.0.0.1:"), std::string::npos) << studies.message();
  EXPECT_LT(msSince(t), 3000);
}

TEST(DicomWebUrl, AcceptsHttpAndTheDicomwebSchemeOnly) {
  EXPECT_EQ(parseDicomWebNode("dicomweb+http://pacs:8042/dicom-web/")->baseUrl, "http://pacs:8042/dicom-web");
  EXPECT_EQ(parseDicomWebNode("https://cloud.example/v1/dicomWeb")->baseUrl, "https://cloud.example/v1/dicomWeb");
  EXPECT_FALSE(parseDicomWebNode("ORTHANC@pacs:4242").ok());
  EXPECT_FALSE(parseDicomWebNode("http:///nohost").ok());
}

TEST(Multipart, BuildsAndParsesPartsWithBinaryContent) {
  const std::string a("DICM\0\r\n--x", 10), b = "second part";
  const std::string body = net_detail::buildMultipart({a, b}, "application/dicom", "b0undary");
  auto boundary = net_detail::boundaryOf("multipart/related; type=\"application/dicom\"; boundary=\"b0undary\"");
  ASSERT_TRUE(boundary.ok());
  EXPECT_EQ(*boundary, "b0undary");
  auto parts = net_detail::parseMultipart(body, *boundary);
  ASSERT_TRUE(parts.ok()) << parts.message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ(std::string((*parts)[0].body), a);
  EXPECT_EQ(std::string((*parts)[1].body), b);
  EXPECT_EQ((*parts)[0].contentType, "application/dicom");
  // A response cut off before its closing delimiter is an error, not fewer parts.
  auto cut = net_detail::parseMultipart(body.substr(0, body.size() / 2), *boundary);
  EXPECT_FALSE(cut.ok());
  EXPECT_FALSE(net_detail::boundaryOf("multipart/related").ok());
}

}  // namespace
}  // namespace annulo
