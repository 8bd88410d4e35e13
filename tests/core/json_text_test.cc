#include "core/json_text.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>

namespace disan {
namespace {

using nlohmann::json;

TEST(JsonText, EveryKindOfValuePrintsAsDumpDoes) {
  std::string controls;
  for (int c = 1; c < 0x20; ++c) controls += static_cast<char>(c);
  json doc = {
      {"controls", controls + "\x7F"},
      {"escapes", "quote \" backslash \\ slash / tab\tnew\nline"},
      {"nul", std::string("a\0b", 3)},
      {"vietnamese", "Nhà ngục Đắk Mil — “M’Nông” 🪘"},
      {"empty", ""},
      {"ints",
       {0, -1, 1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}},
      {"unsigned", std::numeric_limits<uint64_t>::max()},
      {"floats", {0.1, -0.0, 12.0, 1e300, 1.5e-7, 11.863085, 107.525265, -2.5}},
      {"flags", {true, false, nullptr}},
      {"nested", {{"a", json::array()}, {"b", json::object()}, {"c", {{{"d", {1, "x"}}}}}}},
      {"Ä key with \"quotes\"\n", 1},
  };
  EXPECT_EQ(DumpJson(doc), doc.dump());
  for (const json& scalar : {json(nullptr), json(5), json("x"), json::array(), json::object()}) {
    EXPECT_EQ(DumpJson(scalar), scalar.dump());
  }
}

TEST(JsonText, RandomDocumentsPrintAsDumpDoes) {
  // Strings of random pieces (every escape, multi-byte letters, ASCII runs) in random shapes.
  const std::vector<std::string> pieces = {
      "a",    "Đắk",  " ", "\"", "\\", "\n", "\x01",
      "\x1f", "\x7f", "ệ", "𝄞",  "/",  "0",  "long ascii run here"};
  std::mt19937 random(11);
  auto text = [&] {
    std::string s;
    for (int k = static_cast<int>(random() % 6); k > 0; --k) s += pieces[random() % pieces.size()];
    return s;
  };
  std::function<json(int)> value = [&](int depth) -> json {
    switch (random() % (depth > 3 ? 4 : 6)) {
      case 0:
        return text();
      case 1:
        return static_cast<int64_t>(random()) - (1 << 30);
      case 2:
        return static_cast<double>(random()) / 1000.0;
      case 3:
        return random() % 2 == 0;
      case 4: {
        json a = json::array();
        for (int k = static_cast<int>(random() % 4); k > 0; --k) a.push_back(value(depth + 1));
        return a;
      }
      default: {
        json o = json::object();
        for (int k = static_cast<int>(random() % 4); k > 0; --k) o[text()] = value(depth + 1);
        return o;
      }
    }
  };
  for (int n = 0; n < 3000; ++n) {
    json doc = value(0);
    ASSERT_EQ(DumpJson(doc), doc.dump()) << doc.dump();
  }
}

TEST(JsonText, InvalidUtf8FailsAsDumpDoes) {
  json doc = {{"names", {{{"value", "ok"}}, {{"value", "bad \xC3("}}}}};
  EXPECT_THROW(DumpJson(doc), json::type_error);
  json key = {{"bad \xFF key", 1}};
  EXPECT_THROW(DumpJson(key), json::type_error);
}

}  // namespace
}  // namespace disan
