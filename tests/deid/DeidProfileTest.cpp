// The profile table as data, the combined-action resolution, refusals, the real
// samples, and the CLI.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "DeidFixtures.h"
#include "deid/ActionResolver.h"
#include "deid/DateShift.h"
#include "deid/KeyedHash.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

namespace fs = std::filesystem;
using deid::Action;
using deid::ConfidentialityProfile;
using deid::ProfileOption;

std::string str(DcmItem& item, const DcmTagKey& tag) {
  OFString v;
  item.findAndGetOFStringArray(tag, v);
  return v.c_str();
}

TEST(DeidProfile, EmbeddedTableIsTheStandardsJson) {
  const fs::path repoCopy = test::sourceDir() / "data/dicom-standard/confidentiality_profile_attributes.json";
  const std::string text = deidtest::readBytes(repoCopy);
  const fs::path shared = test::sourceDir() / "../shared/dicom-standard/confidentiality_profile_attributes.json";
  if (fs::exists(shared))
    EXPECT_EQ(text, deidtest::readBytes(shared)) << "repository copy differs from the shared table";
  const auto rows = nlohmann::json::parse(text);
  const auto& profile = ConfidentialityProfile::standard();
  ASSERT_EQ(profile.rules().size(), rows.size());
  EXPECT_EQ(rows.size(), 621u);
  // Every row of the JSON is found by its tag with its action.
  for (const auto& row : rows) {
    const std::string tag = row["tag"];
    if (tag.find('X') != std::string::npos || tag.find('G') != std::string::npos) continue;
    const auto g = std::uint16_t(std::stoul(tag.substr(1, 4), nullptr, 16));
    const auto e = std::uint16_t(std::stoul(tag.substr(6, 4), nullptr, 16));
    const deid::ProfileRule* r = profile.find(g, e);
    ASSERT_NE(r, nullptr) << tag;
    EXPECT_EQ(r->basic, row["basicProfile"].get<std::string>()) << tag;
    if (row.contains("cleanDescOpt")) EXPECT_EQ(r->options.at(ProfileOption::CleanDescriptors), row["cleanDescOpt"]);
  }
  // Repeating groups and private tags.
  ASSERT_NE(profile.find(0x6002, 0x3000), nullptr);
  EXPECT_EQ(profile.find(0x6002, 0x3000)->name, "Overlay Data");
  ASSERT_NE(profile.find(0x501E, 0x2500), nullptr);
  EXPECT_EQ(profile.find(0x501E, 0x2500)->name, "Curve Data");
  EXPECT_EQ(profile.find(0x6002, 0x0010), nullptr);
  ASSERT_NE(profile.privateRule(), nullptr);
  EXPECT_EQ(profile.privateRule()->basic, "X");
  EXPECT_FALSE(ConfidentialityProfile::fromJson("{\"not\": \"rows\"}").ok());
  EXPECT_FALSE(ConfidentialityProfile::fromJson("[{\"tag\": \"(00G0,0010)\", \"basicProfile\": \"X\"}]").ok());
}

TEST(DeidProfile, CombinedActionsFollowTheIodRequirement) {
  const auto& p = ConfidentialityProfile::standard();
  const auto* serial = p.find(0x0018, 0x1000);    // X/Z/D
  const auto* pid = p.find(0x0010, 0x0020);       // Z/D
  const auto* protocol = p.find(0x0018, 0x1030);  // X/D
  const auto* acqDate = p.find(0x0008, 0x0022);   // X/Z
  const auto* refImage = p.find(0x0008, 0x1140);  // X/Z/U*
  EXPECT_EQ(deid::resolveAction(*serial, {}, 1), Action::Dummy);
  EXPECT_EQ(deid::resolveAction(*serial, {}, 2), Action::Zero);
  EXPECT_EQ(deid::resolveAction(*serial, {}, 3), Action::Remove);
  EXPECT_EQ(deid::resolveAction(*serial, {ProfileOption::RetainDeviceIdentity}, 3), Action::Keep);
  EXPECT_EQ(deid::resolveAction(*pid, {}, 1), Action::Dummy);
  EXPECT_EQ(deid::resolveAction(*pid, {}, 2), Action::Zero);
  EXPECT_EQ(deid::resolveAction(*protocol, {}, 3), Action::Remove);
  EXPECT_EQ(deid::resolveAction(*protocol, {}, 1), Action::Dummy);
  EXPECT_EQ(deid::resolveAction(*protocol, {ProfileOption::CleanDescriptors}, 3), Action::Clean);
  EXPECT_EQ(deid::resolveAction(*acqDate, {}, 2), Action::Zero);
  EXPECT_EQ(deid::resolveAction(*acqDate, {}, 3), Action::Zero);  // X/Z: zero length, safe for an unlisted Type 2
  EXPECT_EQ(deid::resolveAction(*acqDate, {ProfileOption::RetainLongitudinalModifiedDates}, 3), Action::Clean);
  EXPECT_EQ(deid::resolveAction(*refImage, {}, 3), Action::Uid);
  // The IOD requirements behind them (PS3.3).
  deid::IodContext sr{"1.2.840.10008.5.1.4.1.1.88.33", false, 0, true};
  deid::IodContext mr{"1.2.840.10008.5.1.4.1.1.4", false, 0, true};
  deid::IodContext seg{"1.2.840.10008.5.1.4.1.1.66.4", true, 0, true};
  EXPECT_EQ(deid::iodRequirement(0x0008, 0x0023, sr), 1);
  EXPECT_EQ(deid::iodRequirement(0x0008, 0x0023, mr), 2);
  EXPECT_EQ(deid::iodRequirement(0x0018, 0x1000, seg), 1);
  EXPECT_EQ(deid::iodRequirement(0x0018, 0x1000, mr), 3);
}

TEST(DeidProfile, KeyedUidsAndDateShift) {
  const std::string a = deid::keyedUid("k1", "uid", "1.2.3");
  EXPECT_EQ(a.rfind("2.25.", 0), 0u);
  EXPECT_LE(a.size(), 64u);
  EXPECT_EQ(a, deid::keyedUid("k1", "uid", "1.2.3"));
  EXPECT_NE(a, deid::keyedUid("k2", "uid", "1.2.3"));
  EXPECT_NE(a, deid::keyedUid("k1", "uid", "1.2.4"));
  EXPECT_EQ(deid::shiftDa("20240301", -1).value(), "20240229");
  EXPECT_EQ(deid::shiftDa("20000101-20000131", 31).value(), "20000201-20000302");
  EXPECT_EQ(deid::shiftDt("20231231235959.5+0100", 1).value(), "20240101235959.5+0100");
  EXPECT_FALSE(deid::shiftDa("2024", 1).has_value());
}

void writeDataset(DcmFileFormat& f, const std::string& path) {
  ASSERT_TRUE(f.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
}

TEST(DeidRefusal, EncapsulatedDocumentAndNonStandardClassAreRefusedNotCopied) {
  test::TempDir dir;
  fs::create_directories(dir / "in");
  {
    DcmFileFormat f;
    DcmDataset& ds = *f.getDataset();
    ds.putAndInsertString(DCM_SOPClassUID, UID_EncapsulatedPDFStorage);
    ds.putAndInsertString(DCM_SOPInstanceUID, "1.2.826.0.1.3680043.10.5.1");
    ds.putAndInsertString(DCM_PatientName, "SECRET^PATIENT");
    const Uint8 pdf[] = {'%', 'P', 'D', 'F', '-', '1', '.', '4'};
    ds.putAndInsertUint8Array(DCM_EncapsulatedDocument, pdf, sizeof pdf);
    writeDataset(f, (dir / "in/report.dcm").string());
  }
  {
    DcmFileFormat f;
    DcmDataset& ds = *f.getDataset();
    ds.putAndInsertString(DCM_SOPClassUID, "1.2.276.0.7230010.3.1.0.1");
    ds.putAndInsertString(DCM_SOPInstanceUID, "1.2.826.0.1.3680043.10.5.2");
    ds.putAndInsertString(DCM_PatientName, "SECRET^PATIENT");
    writeDataset(f, (dir / "in/private.dcm").string());
  }
  auto r = deid::deidentify((dir / "in").string(), (dir / "out").string(), {});
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->files.size(), 2u);
  for (const auto& f : r->files) {
    EXPECT_TRUE(f.output.empty());
    EXPECT_FALSE(f.refusal.empty());
    if (f.input.find("report") != std::string::npos)
      EXPECT_NE(f.refusal.find("encapsulated document"), std::string::npos) << f.refusal;
    if (f.input.find("private") != std::string::npos)
      EXPECT_NE(f.refusal.find("not a standard storage class"), std::string::npos) << f.refusal;
  }
  EXPECT_TRUE(deidtest::filesUnder(dir / "out").empty());
}

// Every real file: de-identified or refused with a reason; none keeps the
// patient's name, ID or study UID.
TEST(DeidSamples, EveryRealFileIsDeidentifiedOrRefusedWithAReason) {
  if (!fs::exists(test::samplesDir())) ANNULO_SKIP_MISSING("no ../shared/dicom-samples");
  test::TempDir dir;
  deid::DeidOptions o;
  o.key = deidtest::testKey();
  const auto start = std::chrono::steady_clock::now();
  auto r = deid::deidentify(test::samplesDir().string(), (dir / "out").string(), o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.message();
  int written = 0, refused = 0;
  std::map<std::string, int> reasons;
  for (const auto& f : r->files) {
    SCOPED_TRACE(f.input);
    if (!f.refusal.empty()) {
      ++refused;
      ++reasons[f.refusal.substr(0, f.refusal.find(':'))];
      EXPECT_TRUE(f.output.empty());
      continue;
    }
    ++written;
    DcmFileFormat in, out;
    ASSERT_TRUE(out.loadFile(f.output.c_str()).good()) << "output does not re-read: " << f.output;
    if (in.loadFile(f.input.c_str(), EXS_Unknown, EGL_noChange, 4096).bad()) continue;
    for (const DcmTagKey& tag : {DCM_PatientName, DCM_PatientID, DCM_StudyInstanceUID}) {
      const std::string before = str(*in.getDataset(), tag);
      if (before.empty()) continue;
      EXPECT_NE(str(*out.getDataset(), tag), before) << DcmTag(tag).getTagName();
    }
    EXPECT_EQ(str(*out.getDataset(), DCM_PatientIdentityRemoved), "YES");
  }
  std::cout << "[ samples  ] " << r->files.size() << " files: " << written << " de-identified, " << refused
            << " refused in " << seconds << " s\n";
  for (const auto& [reason, n] : reasons) std::cout << "             " << n << " x " << reason << "\n";
  EXPECT_GT(written, 100);
  // Files the manifest lists as non-DICOM or damaged may be refused, but most real images are not.
  EXPECT_LT(refused, written);
}

TEST(DeidCli, DeidentifyCommandWritesTheCaseAndTheMapping) {
  ANNULO_REQUIRE_PLANTED();
  test::TempDir dir;
  const std::string key = (dir / "case.key").string(), map = (dir / "map.csv").string();
  std::string out;
  const std::string cmd = test::cliPath() + " deidentify '" + deidtest::plantedCase().phantom.dir.path().string() +
                          "' -o '" + (dir / "out").string() + "' --key '" + key + "' --uid-map '" + map +
                          "' --keep dates-shifted --pseudonym 'CASE^SEVEN' --blank 0,0,10,10 2>&1";
  ASSERT_EQ(test::runCommand(cmd, &out), 0) << out;
  EXPECT_NE(out.find("9 written, 0 refused"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(key));
  const std::string csv = deidtest::readBytes(map);
  EXPECT_NE(csv.find(deidtest::plantedCase().phantom.xa->study.instanceUid + ",2.25."), std::string::npos);
  // Same key file again: same UIDs.
  std::string out2;
  ASSERT_EQ(test::runCommand(test::cliPath() + " deidentify '" + deidtest::plantedCase().phantom.dir.path().string() +
                                 "' -o '" + (dir / "out2").string() + "' --key '" + key + "' --uid-map '" +
                                 (dir / "map2.csv").string() + "' --keep dates-shifted --blank 0,0,10,10 2>&1",
                             &out2),
            0)
      << out2;
  EXPECT_EQ(csv, deidtest::readBytes(dir / "map2.csv"));
  // Usage errors are specific.
  std::string bad;
  EXPECT_EQ(test::runCommand(test::cliPath() + " deidentify x -o y --keep everything 2>&1", &bad), 2);
  EXPECT_NE(bad.find("--keep takes"), std::string::npos) << bad;
  EXPECT_EQ(test::runCommand(test::cliPath() + " deidentify x -o y --blank 1,2,3 2>&1", &bad), 2);
  EXPECT_NE(bad.find("--blank takes X,Y,W,H"), std::string::npos) << bad;
}

}  // namespace
}  // namespace annulo
