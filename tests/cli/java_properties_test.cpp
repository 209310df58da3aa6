// The .properties reader against java.util.Properties.load's rules (the
// expected values are what Java 17's Properties.load(Reader) returns).
#include <gtest/gtest.h>

#include "cli/java_properties.hpp"

namespace kafka_model::cli {
namespace {

PropertiesFile parse_ok(std::string_view text) {
  PropertiesParse parsed = parse_properties(text, "p.properties");
  EXPECT_TRUE(parsed.file.has_value()) << parsed.error;
  return parsed.file.value_or(PropertiesFile{});
}

TEST(JavaProperties, ThreeSeparatorsAndSurroundingBlanks) {
  const PropertiesFile f = parse_ok("a=1\nb: 2\nc 3\nd   =   4\ne\t:\t5\n");
  EXPECT_EQ(f.values, (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}, {"e", "5"}}));
}

TEST(JavaProperties, CommentsBlankLinesAndLeadingWhitespaceAreSkipped) {
  const PropertiesFile f = parse_ok("# comment\n! also a comment\n\n   \n\t  acks = all\n  # indented comment\n");
  EXPECT_EQ(f.values, (std::map<std::string, std::string>{{"acks", "all"}}));
  EXPECT_EQ(f.line_of.at("acks"), 5);
}

TEST(JavaProperties, OnlyTheFirstSeparatorCountsTheRestIsValue) {
  const PropertiesFile f = parse_ok("a==b\nc=d=e\nf :=g\nh = \n");
  EXPECT_EQ(f.values.at("a"), "=b");
  EXPECT_EQ(f.values.at("c"), "d=e");
  EXPECT_EQ(f.values.at("f"), "=g");
  EXPECT_EQ(f.values.at("h"), "");
}

TEST(JavaProperties, AKeyAloneHasAnEmptyValue) {
  const PropertiesFile f = parse_ok("acks\n");
  EXPECT_EQ(f.values.at("acks"), "");
}

TEST(JavaProperties, TrailingWhitespaceOfAValueIsKept) {
  EXPECT_EQ(parse_ok("acks=all  \n").values.at("acks"), "all  ");
}

TEST(JavaProperties, ContinuationJoinsLinesAndDropsLeadingBlanks) {
  const PropertiesFile f = parse_ok("transactional.id = prod-\\\n     0\nacks=1\n");
  EXPECT_EQ(f.values.at("transactional.id"), "prod-0");
  EXPECT_EQ(f.line_of.at("transactional.id"), 1);
  EXPECT_EQ(f.line_of.at("acks"), 3);
}

TEST(JavaProperties, AnEvenNumberOfBackslashesDoesNotContinue) {
  const PropertiesFile f = parse_ok("a=x\\\\\nb=y\n");
  EXPECT_EQ(f.values.at("a"), "x\\");
  EXPECT_EQ(f.values.at("b"), "y");
}

TEST(JavaProperties, AContinuedLineStartingWithHashIsValueNotComment) {
  EXPECT_EQ(parse_ok("a=1\\\n#2\n").values.at("a"), "1#2");
}

TEST(JavaProperties, ACommentLineNeverContinues) {
  const PropertiesFile f = parse_ok("# comment \\\nacks=all\n");
  EXPECT_EQ(f.values.at("acks"), "all");
}

TEST(JavaProperties, ABackslashAtEndOfFileIsDropped) { EXPECT_EQ(parse_ok("a=b\\").values.at("a"), "b"); }

TEST(JavaProperties, Escapes) {
  const PropertiesFile f = parse_ok("a=tab\\there\nb=\\u0041\\u00e9\nc=new\\nline\nd=\\q\\=\\:\n");
  EXPECT_EQ(f.values.at("a"), "tab\there");
  EXPECT_EQ(f.values.at("b"), "A\xC3\xA9");  // U+00E9 as UTF-8
  EXPECT_EQ(f.values.at("c"), "new\nline");
  EXPECT_EQ(f.values.at("d"), "q=:");
}

TEST(JavaProperties, EscapedSeparatorsAndBlanksBelongToTheKey) {
  const PropertiesFile f = parse_ok("my\\=key=1\nmy\\:k=2\nmy\\ key 3\n");
  EXPECT_EQ(f.values.at("my=key"), "1");
  EXPECT_EQ(f.values.at("my:k"), "2");
  EXPECT_EQ(f.values.at("my key"), "3");
}

TEST(JavaProperties, CrLfAndCrEndLines) {
  const PropertiesFile f = parse_ok("a=1\r\nb=2\rc=3");
  EXPECT_EQ(f.values, (std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  EXPECT_EQ(f.line_of.at("c"), 3);
}

TEST(JavaProperties, TheLastDefinitionWinsAndItsLineIsKept) {
  const PropertiesFile f = parse_ok("acks=1\nacks=all\n");
  EXPECT_EQ(f.values.at("acks"), "all");
  EXPECT_EQ(f.line_of.at("acks"), 2);
  EXPECT_EQ(f.where("acks"), "p.properties:2");
  EXPECT_EQ(f.where("retries"), "p.properties");
}

TEST(JavaProperties, MalformedUnicodeEscapeIsAnErrorNamingFileAndLine) {
  const PropertiesParse parsed = parse_properties("acks=all\nretries=\\u12G4\n", "p.properties");
  EXPECT_FALSE(parsed.file.has_value());
  EXPECT_EQ(parsed.error, "p.properties:2: malformed \\uXXXX escape (Java: \"Malformed \\uxxxx encoding.\")");
  EXPECT_FALSE(parse_properties("a=\\u12", "p").file.has_value());
}

TEST(JavaProperties, MissingFileAndDirectoryAreErrorsNamingThePath) {
  EXPECT_EQ(load_properties("/nonexistent/x.properties").error, "/nonexistent/x.properties: no such file");
  EXPECT_EQ(load_properties("/").error, "/: not a regular file");
}

}  // namespace
}  // namespace kafka_model::cli
