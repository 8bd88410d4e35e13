#include "core/schema.h"

#include <gtest/gtest.h>

#include "core/pid.h"

namespace disan {
namespace {

using nlohmann::json;

const Schema& S() { return *Schema::Builtin(); }

json Relic() {
  return {{"kind", "relic"},
          {"names", {{{"lang", "vi"}, {"value", "  Nhà ngục  Đắk Mil "}}}},
          {"relic_type", "historical"}};
}

const FieldError* FindError(const Error& e, const std::string& path) {
  for (const FieldError& f : e.fields) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

TEST(Schema, BuiltinLoadsEveryVocabularyTheRecordSchemaNames) {
  for (const char* id : {"kinds", "relic_types", "intangible_types", "intangible_types_2010",
                         "recognition_levels", "ethnic_groups", "licences", "conditions",
                         "languages", "organisation_types", "area_types", "legacy_id_schemes"}) {
    EXPECT_NE(S().FindVocabulary(id), nullptr) << id;
  }
  EXPECT_EQ(S().FindVocabulary("ethnic_groups")->terms.size(), 54u);
  EXPECT_EQ(S().FindVocabulary("intangible_types")->terms.size(), 6u);
  EXPECT_EQ(S().FindVocabulary("intangible_types_2010")->terms.size(), 7u);
}

TEST(Schema, EveryTermHasBothLabelsAndOldIntangibleTypesMapToNewOnes) {
  for (const auto& [id, v] : S().vocabularies()) {
    for (const Term& t : v.terms) {
      EXPECT_FALSE(t.label_vi.empty()) << id << "/" << t.id;
      EXPECT_FALSE(t.label_en.empty()) << id << "/" << t.id;
    }
  }
  const Vocabulary& now = *S().FindVocabulary("intangible_types");
  for (const Term& t : S().FindVocabulary("intangible_types_2010")->terms) {
    EXPECT_NE(now.FindId(t.maps_to), nullptr) << t.id << " maps to unknown " << t.maps_to;
  }
}

TEST(Schema, ValidRecordIsNormalisedWithDefaults) {
  auto v = S().Validate(RecordClass::kItem, Relic());
  ASSERT_TRUE(v) << v.error().Describe();
  EXPECT_EQ(v->document["names"][0]["value"], "Nhà ngục Đắk Mil");
  EXPECT_EQ(v->document["visibility"], "public");
  EXPECT_EQ(v->document["status"], "published");
  EXPECT_EQ(v->document["location_precision"], "exact");
}

TEST(Schema, UnknownFieldsAndWrongTypesNameTheirPathInBothLanguages) {
  json doc = Relic();
  doc["bogus"] = 1;
  doc["names"][0]["lang"] = 42;
  doc["area_m2"] = "big";
  auto v = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kInvalid);
  ASSERT_NE(FindError(v.error(), "/bogus"), nullptr);
  EXPECT_EQ(FindError(v.error(), "/bogus")->problem, "unknown_field");
  ASSERT_NE(FindError(v.error(), "/names/0/lang"), nullptr);
  ASSERT_NE(FindError(v.error(), "/area_m2"), nullptr);
  for (const FieldError& f : v.error().fields) {
    EXPECT_FALSE(f.message_en.empty());
    EXPECT_FALSE(f.message_vi.empty());
  }
}

TEST(Schema, IgnoredKeysArePassedOverAtTheTopLevelOnly) {
  constexpr std::string_view kIgnored[] = {"pid", "revision"};
  json doc = Relic();
  doc["pid"] = "dn-bcdfghjk";
  doc["revision"] = 7;
  auto v = S().Validate(RecordClass::kItem, doc, InputLeniency::kStrict, kIgnored);
  ASSERT_TRUE(v) << v.error().Describe();
  EXPECT_FALSE(v->document.contains("pid"));
  EXPECT_FALSE(v->document.contains("revision"));
  // Not ignored without the list, and not inside nested objects.
  auto strict = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(strict);
  EXPECT_NE(FindError(strict.error(), "/pid"), nullptr);
  json nested = Relic();
  nested["names"][0]["pid"] = "dn-bcdfghjk";
  auto inner = S().Validate(RecordClass::kItem, nested, InputLeniency::kStrict, kIgnored);
  ASSERT_FALSE(inner);
  ASSERT_NE(FindError(inner.error(), "/names/0/pid"), nullptr);
  EXPECT_EQ(FindError(inner.error(), "/names/0/pid")->problem, "unknown_field");
}

TEST(Schema, KindSpecificFieldsBelongToTheirKindOnly) {
  json doc = Relic();
  doc["materials"] = {"đồng"};  // an artifact field
  auto v = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(v);
  EXPECT_NE(FindError(v.error(), "/materials"), nullptr);
  doc["kind"] = "artifact";
  doc.erase("relic_type");
  EXPECT_TRUE(S().Validate(RecordClass::kItem, doc));
}

TEST(Schema, RequiredFieldsAndVocabularies) {
  auto v = S().Validate(RecordClass::kItem, json{{"kind", "castle"}});
  ASSERT_FALSE(v);
  EXPECT_NE(FindError(v.error(), "/kind"), nullptr);
  EXPECT_NE(FindError(v.error(), "/names"), nullptr);
  json doc = Relic();
  doc["recognitions"] = {{{"level", "galactic"}}};
  v = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(v);
  const FieldError* f = FindError(v.error(), "/recognitions/0/level");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->problem, "unknown_term");
  EXPECT_NE(f->message_en.find("national"), std::string::npos);  // lists accepted values
}

TEST(Schema, DatesPointsYearsAndUrls) {
  json doc = Relic();
  doc["recognitions"] = {{{"level", "national"}, {"date", "2005-02-30"}}};
  doc["places"] = {{{"point", {{"lat", 95}, {"lon", 107.6}}}}};
  doc["dating"] = {{"text", "thế kỷ 3 TCN"}, {"from_year", -300}, {"to_year", -400}};
  doc["sources"] = {{{"url", "javascript:alert(1)"}}};
  auto v = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(v);
  EXPECT_NE(FindError(v.error(), "/recognitions/0/date"), nullptr);
  EXPECT_NE(FindError(v.error(), "/places/0/point/lat"), nullptr);
  EXPECT_NE(FindError(v.error(), "/dating/to_year"), nullptr);
  EXPECT_NE(FindError(v.error(), "/sources/0/url"), nullptr);

  doc["recognitions"] = {{{"level", "national"}, {"date", "2024-02-29"}}};
  doc["places"] = {{{"point", {{"lat", 12.0}, {"lon", 107.6}}}}};
  doc["dating"] = {{"text", "thế kỷ 3 TCN"}, {"from_year", -300}, {"to_year", -201}};
  doc["sources"] = {{{"url", "https://vi.wikipedia.org/wiki/Nh%C3%A0_ng%E1%BB%A5c"}}};
  auto ok = S().Validate(RecordClass::kItem, doc);
  ASSERT_TRUE(ok) << ok.error().Describe();
}

TEST(Schema, OversizedAndInvalidText) {
  json doc = Relic();
  doc["names"][0]["value"] = std::string(501, 'x');
  auto v = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(v);
  EXPECT_EQ(FindError(v.error(), "/names/0/value")->problem, "max_length");
  doc["names"][0]["value"] = std::string(500, 'x');
  EXPECT_TRUE(S().Validate(RecordClass::kItem, doc));
}

TEST(Schema, ReferencesAreCollectedForTheCaller) {
  json doc = Relic();
  std::string museum = PidFromBody("dn", "bcdfghjk");
  doc["custodian"] = museum;
  auto v = S().Validate(RecordClass::kItem, doc);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->refs.size(), 1u);
  EXPECT_EQ(v->refs[0].pid, museum);
  EXPECT_EQ(v->refs[0].target, RecordClass::kOrganisation);
  doc["custodian"] = "dn-bcdfghjkk";
  EXPECT_FALSE(S().Validate(RecordClass::kItem, doc));
}

TEST(Schema, LenientInputReadsSpreadsheetText) {
  json doc = Relic();
  doc["recognitions"] = {{{"level", "Quốc gia đặc biệt"}, {"year", "2013"}}};
  doc["area_m2"] = "12,5";
  doc["ethnic_groups"] = {"M'Nông"};
  EXPECT_FALSE(S().Validate(RecordClass::kItem, doc, InputLeniency::kStrict));
  auto v = S().Validate(RecordClass::kItem, doc, InputLeniency::kFromText);
  ASSERT_TRUE(v) << v.error().Describe();
  EXPECT_EQ(v->document["recognitions"][0]["level"], "special_national");
  EXPECT_EQ(v->document["recognitions"][0]["year"], 2013);
  EXPECT_DOUBLE_EQ(v->document["area_m2"].get<double>(), 12.5);
  EXPECT_EQ(v->document["ethnic_groups"][0], "mnong");
}

TEST(Schema, ValidatingInPlaceGivesTheSameDocument) {
  // The import validates its parsed rows in place; everything else validates a copy, which
  // leaves the caller's document as it was. The document: cleaned text, NFC, a list made of
  // one cell, empty values and ignored keys taken out, defaults added, terms and references.
  json doc = Relic();
  doc["dating"] = {{"text", "   "}};
  doc["names"].push_back({{"lang", "vi"}, {"value", "Đa\u0306\u0301k\u00A0 Mil"}});
  doc["description"] = {{{"lang", "vi"}, {"value", " dòng một\r\ndòng hai \n"}}};
  doc["ethnic_groups"] = "M'Nông";
  doc["recognitions"] = {{{"level", "Quốc gia đặc biệt"}, {"year", "2013"}, {"decision", ""}}};
  doc["custodian"] = PidFromBody("dn", "bcdfghjk");
  doc["pid"] = "ignored here";
  doc["note"] = nullptr;
  const std::string_view ignored[] = {"pid"};
  auto copied = S().Validate(RecordClass::kItem, doc, InputLeniency::kFromText, ignored);
  ASSERT_TRUE(copied) << copied.error().Describe();
  EXPECT_EQ(doc["pid"], "ignored here");  // the caller's document is untouched
  auto in_place = S().Validate(RecordClass::kItem, json(doc), InputLeniency::kFromText, ignored);
  ASSERT_TRUE(in_place);
  EXPECT_EQ(in_place->document, copied->document);
  EXPECT_EQ(in_place->document["names"].size(), 2u);
  EXPECT_EQ(in_place->document["names"][1]["value"], "Đắk Mil");  // NFC, one space
  EXPECT_EQ(in_place->document["description"][0]["value"], "dòng một\ndòng hai");
  EXPECT_EQ(in_place->document["ethnic_groups"], json({"mnong"}));
  EXPECT_FALSE(in_place->document["recognitions"][0].contains("decision"));
  EXPECT_FALSE(in_place->document.contains("pid"));
  EXPECT_FALSE(in_place->document.contains("note"));
  EXPECT_FALSE(in_place->document.contains("dating"));
  EXPECT_TRUE(in_place->document.contains("visibility"));
  ASSERT_EQ(in_place->refs.size(), 1u);
  EXPECT_EQ(in_place->refs[0].path, "/custodian");
}

TEST(Schema, VocabularyMatchIgnoresCaseAndDiacritics) {
  const Vocabulary& levels = *S().FindVocabulary("recognition_levels");
  ASSERT_NE(levels.Match("quoc gia dac biet"), nullptr);
  EXPECT_EQ(levels.Match("quoc gia dac biet")->id, "special_national");
  EXPECT_EQ(levels.Match("CẤP TỈNH")->id, "provincial");
  EXPECT_EQ(levels.Match("Cấp vũ trụ"), nullptr);
}

TEST(Schema, RecognitionLevelsApplyOnlyToTheirKinds) {
  json doc = Relic();
  doc["recognitions"] = {{{"level", "national_treasure"}}};
  auto v = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(v);
  EXPECT_EQ(FindError(v.error(), "/recognitions/0/level")->problem, "not_applicable");
  doc["kind"] = "artifact";
  doc.erase("relic_type");
  EXPECT_TRUE(S().Validate(RecordClass::kItem, doc));
}

TEST(Schema, OrganisationsAndAreasHaveTheirOwnKinds) {
  json museum = {{"kind", "museum"}, {"names", {{{"lang", "vi"}, {"value", "Bảo tàng tỉnh Đắk Nông"}}}}};
  EXPECT_TRUE(S().Validate(RecordClass::kOrganisation, museum));
  EXPECT_FALSE(S().Validate(RecordClass::kItem, museum));
  json geopark = {{"kind", "unesco_global_geopark"},
                  {"names", {{{"lang", "vi"}, {"value", "Công viên địa chất toàn cầu UNESCO Đắk Nông"}}}},
                  {"recognitions", {{{"level", "unesco_global_geopark"}, {"year", 2020}}}}};
  EXPECT_TRUE(S().Validate(RecordClass::kArea, geopark));
}

TEST(Schema, BrokenSchemaFilesAreReportedAsCorrupt) {
  std::vector<EmbeddedFile> files = {{"record.json", "{not json"}};
  auto s = Schema::Load(files);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::kCorrupt);
  files = {{"record.json", R"({"common": {"x": {"type": "term", "vocabulary": "nope"}}, "classes": {}})"}};
  EXPECT_FALSE(Schema::Load(files));
  // Field definitions are compiled at load: a definition validation could not follow is
  // refused there, naming where it is, instead of failing on the first record that has it.
  std::vector<EmbeddedFile> builtin = SchemaFiles();
  for (const auto& [record, names] : std::vector<std::pair<std::string, std::string>>{
           {R"({"common": {"x": {"type": "colour"}}, "classes": {}})", "common/x has the unknown type 'colour'"},
           {R"({"common": {"x": {"use": "nothing"}}, "classes": {}})", "common/x uses a type record.json does not define"},
           {R"({"common": {"x": {"type": "list"}}, "classes": {}})", "common/x is a list of nothing"},
           {R"({"common": {"x": {"type": "ref", "class": "person"}}, "classes": {}})", "common/x refers to no record class"},
           {R"({"common": {"x": {"type": "integer", "min": "one"}}, "classes": {}})", "common/x/min is not a number"},
           {R"({"common": {"x": {"type": 5}}, "classes": {}})", "common/x/type is not a string"},
           {R"({"common": {"x": {"type": "string", "required": "yes"}}, "classes": {}})", "common/x/required is not true or false"},
           {R"({"common": {"x": {"type": "string", "pattern": ["^a$"]}}, "classes": {}})", "common/x/pattern is not a string"},
           {R"({"common": {"x": {"type": "object"}}, "classes": {}})", "common/x is an object without fields"},
           {R"({"common": {"x": {"type": "object", "fields": {"y": {"type": "pixel"}}}}, "classes": {}})", "common/x/fields/y has the unknown type 'pixel'"},
           {R"({"types": {"t": {"type": "list"}}, "common": {"x": {"use": "t"}}, "classes": {}})", "types/t is a list of nothing"},
           {R"({"common": {}, "classes": {}})", "classes/item is missing"},
           // The validator reads the common, class and kind fields at once: a key in two of
           // them would be read against the first only.
           {R"({"common": {"x": {"type": "string"}}, "classes": {"item": {"kind_vocabulary": "kinds",
               "fields": {"x": {"type": "text"}}}}})", "classes/item/fields/x is also a common field"},
           {R"({"common": {"x": {"type": "string"}}, "classes": {"item": {"kind_vocabulary": "kinds",
               "fields": {}, "kinds": {"relic": {"x": {"type": "text"}}}}}})", "classes/item/kinds/relic/x is defined twice"},
       }) {
    files = builtin;
    for (EmbeddedFile& f : files) {
      if (f.path == "record.json") f.content = record;
    }
    auto broken = Schema::Load(files);
    ASSERT_FALSE(broken) << record;
    EXPECT_EQ(broken.error().code, ErrorCode::kCorrupt);
    EXPECT_NE(broken.error().message_en.find(names), std::string::npos) << broken.error().message_en;
  }
}

TEST(Schema, ABlankValueIsMissingNotSent) {
  // Blanks are no value: a required field holding only spaces is missing, and a field with a
  // default gets it. (An invalid value is reported as itself, without "required".)
  json doc = Relic();
  doc["names"][0]["value"] = "   ";
  doc["visibility"] = " \t ";
  auto v = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(v);
  ASSERT_NE(FindError(v.error(), "/names/0/value"), nullptr) << v.error().Describe();
  EXPECT_EQ(FindError(v.error(), "/names/0/value")->problem, "required");
  EXPECT_EQ(FindError(v.error(), "/visibility"), nullptr) << v.error().Describe();
  doc["names"][0]["value"] = "Đình";
  v = S().Validate(RecordClass::kItem, doc);
  ASSERT_TRUE(v) << v.error().Describe();
  EXPECT_EQ(v->document["visibility"], S().Validate(RecordClass::kItem, Relic())->document["visibility"]);
  doc["visibility"] = "everyone";
  v = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(v);
  ASSERT_NE(FindError(v.error(), "/visibility"), nullptr);
  EXPECT_EQ(FindError(v.error(), "/visibility")->problem, "unknown_term");
  EXPECT_EQ(v.error().fields.size(), 1u) << v.error().Describe();
  // A kind of blanks is no kind.
  json blank_kind = Relic();
  blank_kind["kind"] = "   ";
  v = S().Validate(RecordClass::kItem, blank_kind);
  ASSERT_FALSE(v);
  ASSERT_NE(FindError(v.error(), "/kind"), nullptr) << v.error().Describe();
  EXPECT_EQ(FindError(v.error(), "/kind")->problem, "required");
  // An empty list where one is required: both what it lacks and that it is required.
  json no_names = Relic();
  no_names["names"] = json::array();
  v = S().Validate(RecordClass::kItem, no_names);
  ASSERT_FALSE(v);
  ASSERT_NE(FindError(v.error(), "/names"), nullptr) << v.error().Describe();
  size_t required = 0;
  for (const FieldError& f : v.error().fields)
    required += f.path == "/names" && f.problem == "required";
  EXPECT_EQ(required, 1u) << v.error().Describe();
}

TEST(Schema, ATypeUsedByManyFieldsAndNestedListsValidateAlike) {
  // The compiled definitions are shared between the fields that use one type: each use must
  // still report its own path.
  json doc = {{"kind", "relic"},
              {"names", {{{"lang", "vi"}, {"value", "Đình"}}, {{"lang", "xx"}, {"value", ""}}}},
              {"description", {{{"lang", "vi"}}}}};
  auto v = S().Validate(RecordClass::kItem, doc);
  ASSERT_FALSE(v);
  ASSERT_NE(FindError(v.error(), "/names/1/lang"), nullptr) << v.error().Describe();
  EXPECT_EQ(FindError(v.error(), "/names/1/lang")->problem, "unknown_term");
  ASSERT_NE(FindError(v.error(), "/names/1/value"), nullptr) << v.error().Describe();
  EXPECT_EQ(FindError(v.error(), "/names/1/value")->problem, "required");
  ASSERT_NE(FindError(v.error(), "/description/0/value"), nullptr) << v.error().Describe();
  EXPECT_EQ(FindError(v.error(), "/description/0/value")->problem, "required");
  EXPECT_EQ(FindError(v.error(), "/kind"), nullptr);
}

}  // namespace
}  // namespace disan
