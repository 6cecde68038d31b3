// The one code table: well-formed codes, unique keys, documented in docs/codes.md,
// and the value conversions the SR writer and reader share.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmsr/cmr/cid100.h>
#include <dcmtk/dcmsr/dsrcodvl.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "annulo/annotation/Vocabulary.h"
#include "sr/Codes.h"
#include "sr/SrValues.h"
#include "sr/TearCodes.h"
#include "support/TestSupport.h"

namespace annulo {
namespace {

TEST(SrCodes, EveryCodeFitsItsValueRepresentation) {
  for (const auto& e : sr::codeTable()) {
    SCOPED_TRACE(e.key);
    EXPECT_LE(std::string(e.value).size(), 16u);    // Code Value SH
    EXPECT_LE(std::string(e.scheme).size(), 16u);   // Coding Scheme Designator SH
    EXPECT_LE(std::string(e.meaning).size(), 64u);  // Code Meaning LO
    EXPECT_FALSE(std::string(e.source).empty());
    EXPECT_TRUE(DSRCodedEntryValue(e.value, e.scheme, e.meaning).isValid());
  }
}

TEST(SrCodes, KeysAndCodesAreUnique) {
  std::set<std::string> keys, codes;
  for (const auto& e : sr::codeTable()) {
    if (!e.alias) {
      EXPECT_TRUE(keys.insert(e.key).second) << "duplicate key " << e.key;
    }
    EXPECT_TRUE(codes.insert(std::string(e.scheme) + ":" + e.value).second) << "duplicate code " << e.value;
  }
}

TEST(SrCodes, DocsListEveryCodeOfTheTable) {
  std::ifstream in(test::sourceDir() / "docs" / "codes.md");
  ASSERT_TRUE(in.good()) << "docs/codes.md missing";
  std::stringstream text;
  text << in.rdbuf();
  const std::string docs = text.str();
  for (const auto& e : sr::codeTable()) {
    const std::string row = "| `" + std::string(e.key) + "`" + (e.alias ? " (import only)" : "") + " | `" + e.value +
                            "` | " + e.scheme + " | " + e.meaning + " |";
    EXPECT_NE(docs.find(row), std::string::npos) << "docs/codes.md lacks the row " << row;
  }
}

TEST(SrCodes, EveryModelValueHasACode) {
  for (const auto& t : tearTypeTokens()) EXPECT_NO_THROW(sr::entry(sr::key(*parseTearType(t)))) << t;
  for (const auto& t : zoneTokens()) EXPECT_NO_THROW(sr::entry(sr::key(*parseZone(t)))) << t;
  for (const auto& t : leakTokens()) {
    // "not-assessed" is the absence of a finding: deliberately no code (it is left out of the SR).
    if (*parseLeak(t) == LeakPattern::NotAssessed) {
      EXPECT_EQ(sr::key(*parseLeak(t)), "") << t;
      continue;
    }
    EXPECT_NO_THROW(sr::entry(sr::key(*parseLeak(t)))) << t;
  }
  for (const auto& t : painTokens()) EXPECT_NO_THROW(sr::entry(sr::key(*parsePain(t)))) << t;
  for (int g = 0; g <= 5; ++g) EXPECT_EQ(sr::gradeFromKey(sr::gradeKey(g)), g);
  for (int h = 1; h <= 12; ++h) EXPECT_EQ(sr::clockFromKey(sr::clockKey(h)), h);
  for (const auto& level : discLevels()) {
    const DSRCodedEntryValue code = sr::discLevelCode(level);
    EXPECT_EQ(std::string(code.getCodingSchemeDesignator().c_str()), "SCT") << level;
    EXPECT_EQ(sr::discLevelOf(code), level);
  }
}

TEST(SrCodes, UnpublishedLevelsGetAPrivateCodeThatReadsBack) {
  const DSRCodedEntryValue code = sr::discLevelCode("L5-L6");
  EXPECT_EQ(std::string(code.getCodingSchemeDesignator().c_str()), sr::kPrivateScheme);
  EXPECT_EQ(sr::discLevelOf(code), std::string("L5-L6"));
}

TEST(SrCodes, ProcedureCodesMatchDcmtksContextGroup) {
  const auto mr = CID100_QuantitativeDiagnosticImagingProcedures::getCodedEntry(
      CID100_QuantitativeDiagnosticImagingProcedures::MRIUnspecifiedBodyRegion);
  EXPECT_TRUE(sr::is(mr, "procedure.mr")) << sr::describe(mr);
  const auto ct = CID100_QuantitativeDiagnosticImagingProcedures::getCodedEntry(
      CID100_QuantitativeDiagnosticImagingProcedures::CTUnspecifiedBodyRegion);
  EXPECT_TRUE(sr::is(ct, "procedure.ct")) << sr::describe(ct);
}

TEST(SrCodes, AliasesAreRecognisedButNeverWritten) {
  EXPECT_TRUE(sr::is(DSRCodedEntryValue("G-C0E3", "SRT", "Finding Site"), "concept.finding-site"));
  EXPECT_EQ(std::string(sr::coded("concept.finding-site").getCodingSchemeDesignator().c_str()), "SCT");
}

TEST(SrValues, DateTimeConvertsExactlyOrNotAtAll) {
  EXPECT_EQ(sr::isoToDicomDateTime("2026-03-01T10:15:30"), std::string("20260301101530"));
  EXPECT_EQ(sr::isoToDicomDateTime("2026-03-01T10:15:30.25+01:00"), std::string("20260301101530.25+0100"));
  EXPECT_EQ(sr::dicomDateTimeToIso("20260301101530.25+0100"), std::string("2026-03-01T10:15:30.25+01:00"));
  EXPECT_FALSE(sr::isoToDicomDateTime("2026-03-01T10:15:30Z"));  // DT has no "Z"
  EXPECT_FALSE(sr::isoToDicomDateTime("yesterday"));
  EXPECT_FALSE(sr::isoToDicomDateTime("2026-03-01"));
  EXPECT_FALSE(sr::dicomDateTimeToIso("2026"));
}

TEST(SrValues, DecimalStringsFitDsAndReadBackWhenTheyCan) {
  for (double v : {0.0, 1.5, -2.25, 12.345678901234, 1e-9, 123456789.125, 466.9, 1.0 / 3.0}) {
    const std::string s = sr::decimalString(v);
    EXPECT_LE(s.size(), 16u) << s;
    EXPECT_NEAR(std::stod(s), v, std::abs(v) * 1e-14 + 1e-15) << s;
  }
  EXPECT_EQ(sr::decimalString(466.9), "466.9");
  EXPECT_EQ(sr::decimalString(300), "300");
  EXPECT_EQ(sr::decimalString(1e-20), "1e-20");
}

}  // namespace
}  // namespace annulo
