#include "core/csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace disan {
namespace {

std::vector<std::vector<std::string>> ReadAll(const std::string& text, char delimiter = ',') {
  std::istringstream in(text);
  CsvReader reader(in, delimiter);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> fields;
  while (reader.Next(fields).value()) rows.push_back(fields);
  return rows;
}

TEST(Csv, QuotesDelimitersNewlinesAndCrlf) {
  auto rows = ReadAll("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\"\r\n,,\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"x, y", "say \"hi\"", "line1\nline2"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"", "", ""}));
}

TEST(Csv, RecordLineCountsEmbeddedNewlines) {
  std::istringstream in("h\n\"a\nb\"\nc\n");
  CsvReader reader(in, ',');
  std::vector<std::string> f;
  ASSERT_TRUE(reader.Next(f).value());
  EXPECT_EQ(reader.record_line(), 1u);
  ASSERT_TRUE(reader.Next(f).value());
  EXPECT_EQ(reader.record_line(), 2u);
  ASSERT_TRUE(reader.Next(f).value());
  EXPECT_EQ(reader.record_line(), 4u);
  EXPECT_EQ(f[0], "c");
}

TEST(Csv, UnterminatedQuoteNamesTheLine) {
  std::istringstream in("a,b\n1,\"never closed\n2,3\n");
  CsvReader reader(in, ',');
  std::vector<std::string> f;
  ASSERT_TRUE(reader.Next(f).value());
  auto r = reader.Next(f);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message_en.find("line 2"), std::string::npos);
  EXPECT_NE(r.error().message_vi.find("dòng 2"), std::string::npos);
}

TEST(Csv, OversizedFieldIsRefused) {
  std::istringstream in("a\n" + std::string(CsvReader::kMaxFieldBytes + 10, 'x') + "\n");
  CsvReader reader(in, ',');
  std::vector<std::string> f;
  ASSERT_TRUE(reader.Next(f).value());
  auto r = reader.Next(f);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
}

TEST(Csv, TooManyColumnsIsRefused) {
  std::istringstream in(std::string(CsvReader::kMaxFields + 5, ','));
  CsvReader reader(in, ',');
  std::vector<std::string> f;
  EXPECT_FALSE(reader.Next(f));
}

TEST(Csv, DelimiterDetection) {
  EXPECT_EQ(DetectCsvDelimiter("a,b,c"), ',');
  EXPECT_EQ(DetectCsvDelimiter("a;b;c"), ';');
  EXPECT_EQ(DetectCsvDelimiter("a\tb\tc"), '\t');
  EXPECT_EQ(DetectCsvDelimiter("\"a;b\",c"), ',');
}

TEST(Csv, WriteThenReadRoundTrips) {
  std::vector<std::string> row = {"Đắk Mil", "a,b", "quote \"x\"", "multi\nline", "", "tab\there"};
  std::ostringstream out;
  WriteCsvRow(out, row);
  EXPECT_TRUE(out.str().ends_with("\r\n"));
  auto rows = ReadAll(out.str());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], row);
}

}  // namespace
}  // namespace disan
