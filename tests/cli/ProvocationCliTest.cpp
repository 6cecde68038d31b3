// annulo-cli provocation as a script uses it: a three-level study with one
// control, a manometry log, an override, the JSON listing; bad input rejected.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "annulo/phantom/Phantom.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

using test::runCommand;
using test::TempDir;

int run(const std::string& args, std::string* out = nullptr) {
  return runCommand(test::cliPath() + " " + args + " 2>&1", out);
}

class ProvocationCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    PhantomOptions o;
    o.seed = 5;
    o.xaSize = 96;
    o.xaFrames = 8;
    o.mrSize = 48;
    o.mrSlices = 3;
    auto t = writePhantom(o, dir_->path().string());
    ASSERT_TRUE(t.ok()) << t.message();
  }
  static void TearDownTestSuite() { delete dir_; }
  static std::string phantom() { return dir_->path().string(); }
  static TempDir* dir_;
};
TempDir* ProvocationCli::dir_ = nullptr;

TEST_F(ProvocationCli, ThreeLevelStudyListsComputedAndOverride) {
  TempDir dir;
  const std::string session = (dir / "s.json").string();
  std::string out;
  ASSERT_EQ(run("provocation " + session + " --source " + phantom() +
                    " --add \"level=L4-L5 opening-psi=12 pain-psi=34 peak-psi=60 volume-ml=1.8 total-ml=3.0 pain=8 "
                    "concordance=concordant side=left frames=2,3\""
                    " --add \"level=L3-L4 opening-psi=10 peak-psi=105 total-ml=2 pain=0 concordance=none\""
                    " --add \"level=L5-S1 opening-kpa=68.94757293168361 pain-psi=90 peak-psi=95 volume-ml=2 "
                    "total-ml=2.5 pain=4 concordance=discordant\"",
                &out),
            0)
      << out;
  {
    std::ofstream csv(dir / "log.csv");
    csv << "time,volume,pressure,pain\n0,0,12,\n10,0.9,20,2\n20,1.8,34,8\n";
  }
  ASSERT_EQ(run("provocation " + session + " --log level=L4-L5 " + (dir / "log.csv").string(), &out), 0) << out;
  ASSERT_EQ(run("provocation " + session +
                    " --override \"level=L5-S1 classification=indeterminate reason=\\\"prior "
                    "surgery\\\"\"",
                &out),
            0)
      << out;
  ASSERT_EQ(runCommand(test::cliPath() + " provocation " + session + " --list --json", &out), 0);
  const auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j.size(), 1u);  // {"levels": [...]} only
  ASSERT_EQ(j["levels"].size(), 3u);
  const auto& l4 = j["levels"][0];
  EXPECT_EQ(l4["level"], "L4-L5");
  EXPECT_EQ(l4["opening_psi"], 12.0);
  EXPECT_EQ(l4["psi_above_opening"], 22.0);
  EXPECT_EQ(l4["images"], 2);
  EXPECT_EQ(l4["log"].size(), 3u);
  EXPECT_EQ(l4["classification"], "positive");
  EXPECT_EQ(l4["derby"], "mechanically-sensitive");
  EXPECT_TRUE(l4["override"].is_null());
  const auto& l5 = j["levels"][2];
  EXPECT_NEAR(l5["opening_psi"].get<double>(), 10.0, 1e-12);  // kPa converted to psi
  EXPECT_EQ(l5["classification"], "negative");
  EXPECT_EQ(l5["override"]["classification"], "indeterminate");
  EXPECT_EQ(l5["override"]["reason"], "prior surgery");
  EXPECT_EQ(l5["final"], "indeterminate");
  EXPECT_LT(out.find("\"classification\""), out.find("\"override\""));
}

TEST_F(ProvocationCli, ReportAndSrCarryTheRecord) {
  TempDir dir;
  const std::string session = (dir / "s.json").string();
  std::string out;
  ASSERT_EQ(run("provocation " + session + " --source " + phantom() + " --observer Smith^Anna" +
                    " --add \"level=L4-L5 opening-psi=12 pain-psi=34 peak-psi=60 volume-ml=1.8 total-ml=3.0 pain=8 "
                    "concordance=concordant side=left frames=2\""
                    " --add \"level=L3-L4 opening-psi=10 peak-psi=105 total-ml=2 pain=0 concordance=none\"",
                &out),
            0)
      << out;
  const std::string html = (dir / "report.html").string();
  ASSERT_EQ(run("report " + session + " -o " + html, &out), 0) << out;
  std::ifstream in(html);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("<tr data-level=\"L4-L5\">"), std::string::npos);
  EXPECT_NE(text.find("<tr data-level=\"L3-L4\">"), std::string::npos);
  EXPECT_NE(text.find("PHANTOM"), std::string::npos) << "patient name from the source images";
  EXPECT_NE(text.find("Smith Anna"), std::string::npos);
  const std::string sr = (dir / "sr.dcm").string();
  ASSERT_EQ(run("export-sr " + session + " -o " + sr, &out), 0) << out;
  EXPECT_NE(out.find("2 provocation level(s)"), std::string::npos) << out;
  ASSERT_EQ(runCommand(test::cliPath() + " show-sr " + sr + " --json 2>/dev/null", &out), 0) << out;
  const auto shown = nlohmann::json::parse(out);
  ASSERT_EQ(shown["provocation"].size(), 2u);
  EXPECT_EQ(shown["provocation"][0]["level"], "L4-L5");
  EXPECT_EQ(shown["provocation"][0]["classification"], "positive");
  EXPECT_EQ(shown["provocation"][1]["classification"], "negative");
  EXPECT_EQ(run("report " + session, &out), 2);
}

TEST_F(ProvocationCli, BadInputIsASpecificError) {
  TempDir dir;
  const std::string session = (dir / "s.json").string();
  std::string out;
  EXPECT_EQ(run("provocation " + session + " --add \"level=L4-L5\"", &out), 2);  // no session, no --source
  EXPECT_NE(out.find("needs --source"), std::string::npos) << out;
  EXPECT_EQ(run("provocation " + session + " --source " + phantom() + " --add \"level=L4-L5 pain=11\"", &out), 2);
  EXPECT_NE(out.find("pain must be an integer 0-10"), std::string::npos) << out;
  EXPECT_EQ(run("provocation " + session + " --source " + phantom() + " --add \"level=L4-L5 concordance=maybe\"", &out),
            2);
  EXPECT_NE(out.find("concordant, discordant, none"), std::string::npos) << out;
  ASSERT_EQ(run("provocation " + session + " --source " + phantom() + " --add \"level=L4-L5 pain=3\"", &out), 0) << out;
  EXPECT_EQ(run("provocation " + session + " --add \"level=L4-L5 pain=3\"", &out), 1);
  EXPECT_NE(out.find("already recorded"), std::string::npos) << out;
  EXPECT_EQ(run("provocation " + session + " --override \"level=L4-L5 classification=positive\"", &out), 1);
  EXPECT_NE(out.find("needs reason"), std::string::npos) << out;
  {
    std::ofstream csv(dir / "bad.csv");
    csv << "time,volume,pressure\n0,0,10\n1,oops,12\n";
  }
  EXPECT_EQ(run("provocation " + session + " --log level=L4-L5 " + (dir / "bad.csv").string(), &out), 1);
  EXPECT_NE(out.find("bad.csv line 3: 'oops' is not a number"), std::string::npos) << out;
}

}  // namespace
}  // namespace annulo
