// disan-bench-make-records: writes N synthetic but realistic heritage records for the import
// and read benchmarks (BENCHMARKS.md).
//
// The output is a pure function of (--count, --seed, the communes file): record i is drawn
// from its own random stream seeded by (seed, i), so the JSON Lines and CSV forms of one seed
// describe the same records, and a run can be repeated byte for byte. The random generator
// and every distribution are written here rather than taken from <random>, whose
// distributions differ between standard libraries.
//
// Records: about 0.5% organisations (written first, with fixed PIDs, so that items can name
// them as custodians), then items of the four kinds. JSON Lines rows are valid records for
// schema/record.json (term ids from schema/vocabularies/); the CSV form uses the spreadsheet
// columns of data/demo/daknong-heritage.csv and the labels a province spreadsheet would hold.
//
// Only the standard library and nlohmann_json: the benchmark must not depend on the code it
// measures.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#ifndef DISAN_COMMUNES_JSON
#define DISAN_COMMUNES_JSON "schema/places/communes-2025.json"
#endif

namespace {

using nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Randomness: xoshiro256** seeded through splitmix64. Deterministic on every platform.

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t s = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (uint64_t& word : state_) word = SplitMix64(s);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, n); n > 0. The modulo bias is below 2^-40 for the sizes used here.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  // True with probability percent/100.
  bool Percent(int percent) { return Below(100) < static_cast<size_t>(percent); }

  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

// ---------------------------------------------------------------------------------------------
// Text helpers.

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::u32string Decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    // Lead byte: length of the sequence and its payload bits (input is valid UTF-8).
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len && i + k < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    out += cp;
    i += len;
  }
  return out;
}

// The ASCII letter a Vietnamese letter is written with, without its marks ('đ' -> 'd').
char BaseLetter(char32_t c) {
  static const std::pair<char, std::u32string_view> kGroups[] = {{'a', U"àáảãạăằắẳẵặâầấẩẫậ"},
                                                                 {'A', U"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"},
                                                                 {'e', U"èéẻẽẹêềếểễệ"},
                                                                 {'E', U"ÈÉẺẼẸÊỀẾỂỄỆ"},
                                                                 {'i', U"ìíỉĩị"},
                                                                 {'I', U"ÌÍỈĨỊ"},
                                                                 {'o', U"òóỏõọôồốổỗộơờớởỡợ"},
                                                                 {'O', U"ÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"},
                                                                 {'u', U"ùúủũụưừứửữự"},
                                                                 {'U', U"ÙÚỦŨỤƯỪỨỬỮỰ"},
                                                                 {'y', U"ỳýỷỹỵ"},
                                                                 {'Y', U"ỲÝỶỸỴ"},
                                                                 {'d', U"đ"},
                                                                 {'D', U"Đ"}};
  if (c < 0x80) return static_cast<char>(c);
  for (const auto& [base, letters] : kGroups) {
    if (letters.find(c) != std::u32string_view::npos) return base;
  }
  return '\0';
}

// "Thác Đ'ray Sáp" -> "Thac D'ray Sap" (for English names).
std::string Ascii(std::string_view s) {
  std::string out;
  for (char32_t c : Decode(s)) {
    char b = BaseLetter(c);
    if (c == U'–' || c == U'—') b = '-';
    if (b != '\0') out += b;
  }
  return out;
}

// "Thác Đ'ray Sáp" -> "thac-dray-sap" (for URLs).
std::string Slug(std::string_view s, size_t max_length = 70) {
  std::string out;
  bool dash = false;
  for (char c : Ascii(s)) {
    if (c == '\'') continue;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && !out.empty()) out += '-';
      out += c;
      dash = false;
    } else if (c >= 'A' && c <= 'Z') {
      if (dash && !out.empty()) out += '-';
      out += static_cast<char>(c - 'A' + 'a');
      dash = false;
    } else {
      dash = true;
    }
    if (out.size() >= max_length) break;
  }
  return out;
}

// "Xã Đắk Wil" -> "xã Đắk Wil", for a 2025 commune name inside a sentence.
std::string Lower(std::string_view s) {
  std::string out(s);
  static const std::pair<std::string_view, std::string_view> kFirst[] = {{"Xã ", "xã "},
                                                                         {"Phường ", "phường "}};
  for (const auto& [from, to] : kFirst) {
    if (out.starts_with(from)) return std::string(to) + out.substr(from.size());
  }
  return out;
}

std::string Pad(int64_t n, int width) {
  std::string s = std::to_string(n);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return s;
}

// A persistent identifier with its check character, as src/core/pid.h defines it.
std::string MakePid(std::string_view ns, uint64_t number) {
  static constexpr std::string_view kAlphabet = "0123456789bcdfghjkmnpqrstvwxz";
  std::string body;
  for (int i = 0; i < 8; ++i) {
    body.insert(body.begin(), kAlphabet[number % 29]);
    number /= 29;
  }
  int sum = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    sum += static_cast<int>(i + 1) * static_cast<int>(kAlphabet.find(body[i]));
  }
  char check = '0';
  for (int c = 0; c < 29; ++c) {
    if ((sum + 9 * c) % 29 == 0) {
      check = kAlphabet[static_cast<size_t>(c)];
      break;
    }
  }
  return std::string(ns) + "-" + body + check;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary of the province. Term ids are those of schema/vocabularies/.

struct Labelled {
  const char* id;
  const char* label;  // as a spreadsheet writes it
};

constexpr Labelled kEthnicGroups[] = {
    {"mnong", "M'Nông"}, {"mnong", "M'Nông"}, {"mnong", "M'Nông"},  {"mnong", "M'Nông"},
    {"ma", "Mạ"},        {"ma", "Mạ"},        {"e_de", "Ê Đê"},     {"e_de", "Ê Đê"},
    {"kinh", "Kinh"},    {"co_ho", "Cơ Ho"},  {"xtieng", "Xtiêng"}, {"tay", "Tày"},
    {"nung", "Nùng"},    {"mong", "Mông"},    {"dao", "Dao"},       {"thai", "Thái"}};

constexpr const char* kMnongGroups[] = {"nhóm Prâng",   "nhóm Nong",  "nhóm Gar",   "nhóm Preh",
                                        "nhóm Bu Đâng", "nhóm Kuênh", "nhóm Rơlâm", "nhóm Bu Đêh"};

constexpr const char* kVillages[] = {
    "bon Bu Prăng",  "bon Đắk Huýt",   "bon Bu Dấp",       "bon Jun Juh",    "bon N'Jriêng",
    "bon Ja Ráh",    "bon Bu Sir",     "bon Ting Wel Đơm", "bon Phi Mur",    "bon Bu Koh",
    "bon Bu Đách",   "bon Đắk R'moan", "bon Sa Pa",        "bon Bu N'Đơr",   "bon Bu Ndrung",
    "bon R'Cập",     "bon Broih",      "bon Yok Ju",       "bon R'Bút",      "bon Bu Nâm",
    "bon Păng Sim",  "bon Ol Bu Tung", "bon Bu Bir",       "bon Bu Păh",     "bon Đắk Lang",
    "bon Ja Lú",     "bon Bu Ja Rah",  "bon Me Ra",        "bon Đắk Blao",   "bon Bu Ma Rông",
    "buôn Buôr",     "buôn Nui",       "buôn Trum",        "buôn K'Năc",     "buôn Ea Pô",
    "buôn Choáh",    "buôn Dơng Bắk",  "thôn Tân Tiến",    "thôn Đắk Sơn",   "thôn Thuận Tân",
    "thôn Nam Tiến", "thôn Phú Sơn",   "thôn Đồng Tiến",   "thôn Thổ Hoàng", "thôn Tân Lập",
    "thôn 1",        "thôn 2",         "thôn 3",           "thôn 4",         "thôn 5",
    "thôn 6",        "thôn 7",         "thôn 8",           "thôn 9",         "thôn 10",
    "thôn 11",       "thôn 12",        "thôn 13",          "thôn 14",        "thôn 15"};

constexpr const char* kRivers[] = {
    "sông Sêrêpốk",  "sông Krông Nô", "sông Đồng Nai", "suối Đắk R'Tíh",  "suối Đắk Nông",
    "suối Đắk Glun", "suối Đắk Mâm",  "suối Đắk Đrô",  "suối Đắk Búk So", "suối Đắk Ru"};

constexpr const char* kWaterfalls[] = {"Đ'ray Sáp", "Gia Long", "Trinh Nữ",   "Liêng Nung",
                                       "Đắk G'Lun", "Lưu Ly",   "Đray Nur",   "Ba Tầng",
                                       "Phú Cường", "Len Gun",  "Đắk Buk So", "Diệu Thanh",
                                       "Cầu Tre",   "Bảy Tầng", "Đắk Sin"};

constexpr const char* kMountains[] = {"Nâm Nung",  "Nâm Jer Bri", "Tà Đùng",
                                      "Chư B'luk", "Yang Lăh",    "Nâm Lyr"};

constexpr const char* kLakes[] = {"Tà Đùng",   "Ea Snô",  "Trúc",       "Thiên Nga",
                                  "Đắk R'Tíh", "Đắk Mâm", "Buôn Choáh", "Doãn Văn"};

constexpr const char* kEpics[] = {
    "Ot N'Drông",  "Ot N'Drông Kon Lêt",       "Yang Klăng",           "Cướp chiêng con Yang Lơng",
    "Lêng lấy vợ", "Tiăng cướp Bing con Jông", "Kon Rông pit Mih Mat", "Mùa rẫy Bon Tiăng"};

constexpr const char* kMnongGiven[] = {
    "Lứt",  "Xiêng", "Đăm",   "Kâu",    "Dhăm", "Bar",   "Ngông", "Rơm",   "Mir",
    "Ong",  "Mai",   "Ji",    "Sóc",    "Ra",   "Rin",   "Blao",  "Vưn",   "Hlôi",
    "Lơi",  "Brơi",  "Kơr",   "Nhuông", "Srê",  "Jang",  "Bri",   "Kông",  "Hưng",
    "Than", "Dưm",   "Glong", "Khơi",   "Bình", "Thanh", "Loan",  "Nguyên"};
constexpr const char* kMnongPrefix[] = {"Điểu ", "Điểu ", "Y ", "Y ", "K'", "Thị ", "H'", "H'"};

constexpr const char* kKinhSurnames[] = {"Nguyễn", "Trần", "Lê",   "Phạm", "Hoàng", "Huỳnh", "Phan",
                                         "Vũ",     "Võ",   "Đặng", "Bùi",  "Đỗ",    "Hồ",    "Ngô"};
constexpr const char* kKinhMiddle[] = {"Văn",   "Thị",  "Hữu",   "Đức", "Minh",
                                       "Thanh", "Ngọc", "Quang", "Thu", "Xuân"};
constexpr const char* kKinhGiven[] = {"Tuấn", "Hoa",   "Hùng", "Lan",   "Dũng", "Hương", "Phúc",
                                      "Thảo", "Khánh", "Sơn",  "Trang", "Quý",  "Nghĩa", "Hằng",
                                      "Tâm",  "Long",  "Yến",  "Hải",   "Vinh", "Nhung"};

std::string MnongName(Rng& rng) {
  return std::string(rng.Pick(kMnongPrefix)) + rng.Pick(kMnongGiven);
}
std::string KinhName(Rng& rng) {
  return std::string(rng.Pick(kKinhSurnames)) + " " + rng.Pick(kKinhMiddle) + " " +
         rng.Pick(kKinhGiven);
}

constexpr const char* kRomanCenturies[] = {"XV", "XVI", "XVII", "XVIII", "XIX", "XX"};

// ---------------------------------------------------------------------------------------------
// Places: pre-2025 communes (from schema/places/communes-2025.json) with their district.

struct Commune {
  std::string name;          // as the crosswalk writes it ("TT Đắk Mil")
  std::string district;      // pre-2025 district, "" when unknown
  std::string commune_2025;  // "Xã Đức Lập"
  double lat = 0;            // rough centre, for points
  double lon = 0;
};

// Pre-2025 districts of Đắk Nông (province code 67) and their communes.
const std::map<std::string, std::string>& DistrictOf() {
  static const std::map<std::string, std::string> table = [] {
    std::map<std::string, std::string> m;
    const std::pair<const char*, std::vector<const char*>> districts[] = {
        {"Cư Jút",
         {"Ea Pô", "Đắk Wil", "Đắk D'rông", "Nam Dong", "TT Ea T'ling", "Trúc Sơn", "Tâm Thắng",
          "Cư K'nia"}},
        {"Đắk Mil",
         {"Đắk Lao", "Thuận An", "TT Đắk Mil", "Đức Mạnh", "Đức Minh", "Đắk Gằn", "Đắk N'Drót",
          "Đắk R'La", "Long Sơn", "Đắk Sắk"}},
        {"Krông Nô",
         {"Nam Xuân", "Buôn Choáh", "Đắk Sôr", "Nam Đà", "Tân Thành", "Đắk Drô", "TT Đắk Mâm",
          "Nâm N'Đir", "Nâm Nung", "Đức Xuyên", "Đắk Nang", "Quảng Phú"}},
        {"Đắk Song",
         {"Đắk Môl", "Đắk Hòa", "TT Đức An", "Đắk N'Drung", "Nam Bình", "Thuận Hà", "Thuận Hạnh",
          "Nâm N'Jang", "Trường Xuân"}},
        {"Đắk Glong", {"Đắk Som", "Đắk R'Măng", "Đắk Plao", "Quảng Khê", "Quảng Hòa", "Quảng Sơn"}},
        {"Tuy Đức", {"Đắk Ngo", "Quảng Tân", "Quảng Tâm", "Đắk R'Tíh", "Đắk Búk So", "Quảng Trực"}},
        {"Đắk R'lấp",
         {"TT Kiến Đức", "Đạo Nghĩa", "Nghĩa Thắng", "Kiến Thành", "Nhân Đạo", "Đắk Wer", "Nhân Cơ",
          "Đắk Sin", "Hưng Bình", "Đắk Ru", "Quảng Tín"}},
        {"Gia Nghĩa",
         {"Quảng Thành", "Nghĩa Thành", "Nghĩa Đức", "Nghĩa Phú", "Nghĩa Tân", "Đắk R'Moan",
          "Nghĩa Trung", "Đắk Nia"}},
    };
    for (const auto& [district, communes] : districts) {
      for (const char* c : communes) m[c] = district;
    }
    return m;
  }();
  return table;
}

// Rough centres of the old districts, to scatter points plausibly.
std::pair<double, double> DistrictCentre(const std::string& district) {
  static const std::map<std::string, std::pair<double, double>> centres = {
      {"Cư Jút", {12.67, 107.93}},    {"Đắk Mil", {12.45, 107.63}},   {"Krông Nô", {12.36, 107.87}},
      {"Đắk Song", {12.23, 107.60}},  {"Đắk Glong", {12.05, 107.85}}, {"Tuy Đức", {12.17, 107.43}},
      {"Đắk R'lấp", {11.91, 107.49}}, {"Gia Nghĩa", {12.00, 107.69}}};
  auto it = centres.find(district);
  return it == centres.end() ? std::pair{12.10, 107.70} : it->second;
}

std::vector<Commune> LoadCommunes(const std::string& path) {
  std::ifstream in(path);
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!in.is_open() || j.is_discarded() || !j.contains("units")) {
    throw std::runtime_error("cannot read the communes crosswalk " + path +
                             " (give its path with --communes)");
  }
  std::vector<Commune> out;
  for (const json& unit : j["units"]) {
    for (const json& from : unit["formed_from"]) {
      Commune c;
      c.name = from["name"].get<std::string>();
      c.commune_2025 = unit["commune_2025"].get<std::string>();
      if (from.contains("district")) {
        c.district = from["district"].get<std::string>();
      } else if (auto it = DistrictOf().find(c.name); it != DistrictOf().end()) {
        c.district = it->second;
      }
      std::tie(c.lat, c.lon) = DistrictCentre(c.district);
      out.push_back(std::move(c));
    }
  }
  if (out.empty()) throw std::runtime_error(path + " lists no communes");
  return out;
}

// "TT Đắk Mil" -> "thị trấn Đắk Mil"; "xã Đắk Ha" stays; others get "xã".
std::string CommuneInProse(const std::string& name) {
  if (name.starts_with("TT ")) return "thị trấn " + name.substr(3);
  if (name.starts_with("xã ")) return name;
  return "xã " + name;
}

// "Cư Jút" -> "huyện Cư Jút"; Gia Nghĩa was a city.
std::string DistrictInProse(const std::string& district) {
  if (district.empty()) return "tỉnh Đắk Nông";
  return (district == "Gia Nghĩa" ? "thành phố " : "huyện ") + district;
}

// ---------------------------------------------------------------------------------------------
// One generated record: the document in our schema plus what the spreadsheet row needs.

struct Generated {
  json doc = json::object();
  // Spreadsheet columns that are not a plain projection of the document.
  std::string category;
  std::string subtype;
  std::string ranking;
  std::string ethnic_cell;
  std::string commune_cell;
};

struct Context {
  Rng& rng;
  const Commune& commune;
  std::string village;
  std::string ethnic_label;
  std::string short_name;  // the item's name without its type prefix
  int year = 2000;
};

// Replaces {tokens} in a template. Unknown tokens are a bug in the tables below.
std::string Fill(std::string_view tmpl, Context& ctx) {
  std::string out;
  for (size_t i = 0; i < tmpl.size();) {
    if (tmpl[i] != '{') {
      out += tmpl[i++];
      continue;
    }
    size_t close = tmpl.find('}', i);
    std::string_view key = tmpl.substr(i + 1, close - i - 1);
    i = close + 1;
    Rng& r = ctx.rng;
    if (key == "village")
      out += ctx.village;
    else if (key == "other_village")
      out += r.Pick(kVillages);
    else if (key == "commune")
      out += CommuneInProse(ctx.commune.name);
    else if (key == "commune2025")
      out += Lower(ctx.commune.commune_2025);
    else if (key == "district")
      out += DistrictInProse(ctx.commune.district);
    else if (key == "ethnic")
      out += ctx.ethnic_label;
    else if (key == "group")
      out += r.Pick(kMnongGroups);
    else if (key == "name")
      out += ctx.short_name;
    else if (key == "year")
      out += std::to_string(ctx.year);
    else if (key == "year2")
      out += std::to_string(r.Between(1995, 2024));
    else if (key == "war_year")
      out += std::to_string(r.Between(1959, 1975));
    else if (key == "n")
      out += std::to_string(r.Between(2, 48));
    else if (key == "big")
      out += std::to_string(r.Between(120, 2400));
    else if (key == "ha")
      out += std::to_string(r.Between(1, 60)) + "," + std::to_string(r.Between(1, 9));
    else if (key == "km")
      out += std::to_string(r.Between(3, 45));
    else if (key == "bp")
      out += std::to_string(r.Between(25, 70)) + "00";
    else if (key == "river")
      out += r.Pick(kRivers);
    else if (key == "mountain")
      out += r.Pick(kMountains);
    else if (key == "epic")
      out += r.Pick(kEpics);
    else if (key == "artisan")
      out += MnongName(r);
    else if (key == "person")
      out += KinhName(r);
    else if (key == "century")
      out += r.Pick(kRomanCenturies);
    else
      throw std::logic_error("unknown token {" + std::string(key) + "}");
  }
  return out;
}

// Sentences by kind; a description draws from its kind's list and the shared list.
constexpr const char* kRelicSentences[] = {
    "Di tích nằm ở {village}, {commune}, {district} cũ, nay thuộc {commune2025}, tỉnh Lâm Đồng.",
    "Theo hồ sơ khoa học, khu vực bảo vệ I của di tích rộng khoảng {ha} ha, được cắm mốc giới năm "
    "{year2}.",
    "Trong những năm {war_year}–1975, nơi đây là địa bàn đứng chân của các đơn vị bộ đội chủ lực "
    "và du kích địa phương, được đồng bào {ethnic} {village} che chở, nuôi giấu.",
    "Dấu tích còn lại gồm hệ thống hầm, hào, công sự và một số hiện vật như vỏ đạn, bi đông, nồi "
    "quân dụng do người dân thu nhặt và trao lại cho ngành văn hóa.",
    "Hằng năm, chính quyền {commune2025} phối hợp với đoàn thanh niên tổ chức lễ dâng hương, dọn "
    "vệ sinh và kể chuyện truyền thống cho học sinh tại di tích.",
    "Đường vào di tích dài khoảng {km} km tính từ trung tâm xã, mùa mưa đi lại khó khăn; năm "
    "{year2} tỉnh đã đầu tư làm đường bê tông và nhà bia ghi danh.",
    "Khảo sát năm {year2} ghi nhận tầng văn hóa dày 0,4–1,2 m, chứa nhiều mảnh gốm thô, công cụ đá "
    "ghè đẽo và đá mài, niên đại khoảng {bp} năm cách ngày nay.",
    "Cảnh quan gồm rừng khộp, thác nước và các ghềnh đá bazan do dung nham núi lửa Chư B'luk và "
    "các núi lửa lân cận tạo thành, thuộc vùng Công viên địa chất toàn cầu UNESCO Đắk Nông.",
    "Theo lời kể của già làng {artisan}, tên gọi của địa điểm bắt nguồn từ một truyền thuyết của "
    "người {ethnic} về vị thần giữ rừng và nguồn nước.",
    "Ủy ban nhân dân tỉnh giao Ban Quản lý di tích phối hợp với {commune2025} lập quy hoạch tu bổ, "
    "tôn tạo và phát huy giá trị di tích gắn với du lịch cộng đồng.",
    "Di tích là minh chứng cho tinh thần đoàn kết giữa đồng bào các dân tộc bản địa với cách mạng "
    "trong hai cuộc kháng chiến chống thực dân Pháp và đế quốc Mỹ.",
    "Một số hạng mục như nhà tưởng niệm, cổng và tường rào đã xuống cấp do thời tiết khắc nghiệt "
    "của Tây Nguyên, cần được tu bổ cấp thiết.",
    "Năm {year}, di tích được xếp hạng sau khi hồ sơ khoa học được Hội đồng di sản văn hóa thẩm "
    "định, đánh giá cao giá trị lịch sử và cảnh quan.",
    "Hang có chiều dài hơn {big} m, trần cao, vách đá bazan còn giữ nguyên các dấu vết dòng chảy "
    "dung nham; một số đoạn có nước ngầm và dơi trú ngụ.",
};

constexpr const char* kArtifactSentences[] = {
    "Hiện vật được phát hiện năm {year2} tại {village}, {commune}, {district} cũ, khi người dân "
    "đào hố trồng cà phê và hồ tiêu.",
    "Hiện vật được chế tác thủ công, bề mặt còn dấu vết ghè đẽo và mài nhẵn, phản ánh trình độ kỹ "
    "thuật của cư dân cổ ở vùng đất đỏ bazan.",
    "Theo giám định của các nhà khảo cổ học, hiện vật có niên đại khoảng {bp} năm cách ngày nay, "
    "tương đương với giai đoạn hậu kỳ đá mới – sơ kỳ kim khí.",
    "Bộ sưu tập do gia đình ông {artisan} ở {village} lưu giữ qua nhiều thế hệ, được dùng trong "
    "các lễ cúng Yang của người {ethnic}.",
    "Năm {year2}, Bảo tàng tỉnh tiếp nhận hiện vật theo hình thức hiến tặng, lập biên bản bàn giao "
    "và đưa vào kho bảo quản.",
    "Hoa văn trang trí gồm các băng hình học, hình thoi và hình răng cưa, được khắc chìm trên nền "
    "men nâu; miệng loe, vai có bốn quai nhỏ.",
    "Hiện vật hiện được trưng bày tại phòng chuyên đề văn hóa các dân tộc Tây Nguyên, có phiếu "
    "hiện vật và ảnh chụp đủ sáu mặt.",
    "Theo quan niệm của người {ethnic}, chiếc ché quý có thể đổi được cả một con voi hoặc nhiều "
    "con trâu, là tài sản thể hiện sự giàu có của gia chủ.",
    "Tình trạng hiện vật được kiểm tra định kỳ; một số vết nứt nhỏ ở thân đã được xử lý, gia cố "
    "theo quy trình bảo quản phòng ngừa.",
    "Khi gõ, các thanh đá phát ra âm thanh trong trẻo, tần số từ khoảng {big} Hz, cho thấy người "
    "xưa đã có ý thức chọn đá và chỉnh âm.",
    "Chất liệu được phân tích tại phòng thí nghiệm của Viện Khảo cổ học năm {year2}, xác định "
    "nguồn nguyên liệu có thể khai thác ở thượng nguồn {river}.",
    "Kích thước và trọng lượng được đo theo hướng dẫn kiểm kê hiện vật bảo tàng, có sai số không "
    "quá 0,5 cm.",
};

constexpr const char* kIntangibleSentences[] = {
    "Di sản được cộng đồng người {ethnic} ({group}) ở {village}, {commune} thực hành từ lâu đời, "
    "gắn với chu kỳ canh tác nương rẫy.",
    "Nghi lễ thường diễn ra sau mùa thu hoạch, vào khoảng tháng Mười Hai đến tháng Ba năm sau, khi "
    "nhà nhà đã có lúa mới trong kho.",
    "Chủ lễ là già làng hoặc thầy cúng; các nghệ nhân đánh chiêng, thổi kèn bầu và hát kể sử thi "
    "{epic} xuyên đêm bên bếp lửa.",
    "Lễ vật gồm ché rượu cần, gà, heo hoặc trâu tùy theo quy mô; cây nêu được dựng giữa sân, trang "
    "trí hoa văn bằng tre vót.",
    "Nghệ nhân {artisan}, năm nay ngoài bảy mươi tuổi, là một trong số ít người còn nhớ trọn vẹn "
    "các bài khấn và làn điệu cổ.",
    "Từ năm {year2}, {district} mở các lớp truyền dạy cho thanh thiếu niên trong bon, mỗi lớp "
    "khoảng {n} học viên.",
    "Việc kiểm kê năm {year2} ghi nhận trên địa bàn {commune2025} còn {n} bộ cồng chiêng và hơn "
    "{big} người biết thực hành.",
    "Tri thức này được truyền miệng từ đời này sang đời khác, không có văn bản ghi chép; người học "
    "phải theo thầy lên rẫy, vào rừng nhiều năm.",
    "Sản phẩm thủ công được làm từ nguyên liệu sẵn có như mây, tre, lồ ô, sợi bông và thuốc nhuộm "
    "từ vỏ cây, lá rừng.",
    "Di sản đứng trước nguy cơ mai một do lớp trẻ rời bon đi làm ăn xa và không gian văn hóa "
    "truyền thống bị thu hẹp.",
    "Năm {year}, di sản được đưa vào Danh mục di sản văn hóa phi vật thể quốc gia theo đề nghị của "
    "Ủy ban nhân dân tỉnh.",
    "Sử thi {epic} kể về các anh hùng của bon Tiăng, dài hàng nghìn câu, được hát kể bằng tiếng "
    "M'Nông với nhiều làn điệu khác nhau.",
};

constexpr const char* kDocumentarySentences[] = {
    "Tư liệu gồm {n} đơn vị bảo quản, được sưu tầm trong các đợt điền dã tại {village}, {commune} "
    "từ năm {year2}.",
    "Nội dung ghi lại lời hát kể của nghệ nhân {artisan}, được phiên âm sang chữ M'Nông theo bộ "
    "chữ Latinh và dịch sang tiếng Việt.",
    "Bản gốc viết tay bằng tiếng Pháp, lập khoảng đầu thế kỷ {century}, ghi chép về các bon làng "
    "và tuyến đường mòn trong vùng.",
    "Năm {year2}, tư liệu được số hóa với độ phân giải 600 dpi, lưu trữ theo định dạng TIFF không "
    "nén và bản sao PDF/A để tra cứu.",
    "Một số trang bị ố vàng, rách mép do ẩm mốc; bản gốc được bảo quản trong hộp không axit tại "
    "kho có điều hòa nhiệt độ.",
    "Bộ tư liệu do nhà nghiên cứu {person} thực hiện và chuyển giao cho cơ quan lưu trữ tỉnh theo "
    "hợp đồng sưu tầm.",
    "Tư liệu có giá trị lớn cho việc nghiên cứu lịch sử, ngôn ngữ và văn hóa của các dân tộc bản "
    "địa vùng Nam Tây Nguyên.",
    "Các băng từ ghi âm được chuyển đổi sang định dạng WAV 24 bit, tổng thời lượng khoảng {n} giờ, "
    "kèm phiếu mô tả từng bài.",
    "Hồ sơ gồm lý lịch di tích, bản vẽ khoanh vùng bảo vệ, ảnh chụp hiện trạng và biên bản xác "
    "định mốc giới lập năm {year}.",
};

constexpr const char* kSharedSentences[] = {
    "Thông tin trong bản ghi được tổng hợp từ hồ sơ lưu tại Sở Văn hóa, Thể thao và Du lịch và các "
    "bài viết trên báo chí địa phương.",
    "Việc bảo vệ và phát huy giá trị di sản gắn với phát triển du lịch cộng đồng đang được địa "
    "phương quan tâm, nhất là sau khi sáp nhập tỉnh.",
    "Một số chi tiết về niên đại và tên gọi còn có ý kiến khác nhau giữa các nguồn, cần được đối "
    "chiếu thêm.",
    "Tháng {n} năm {year2}, đoàn công tác của Cục Di sản văn hóa đã khảo sát thực địa và đánh giá "
    "hiện trạng.",
    "Người dân địa phương gọi nơi này bằng tên tiếng {ethnic}, nghĩa là nơi có nước trong và đất "
    "tốt.",
    "Sau ngày 01/7/2025, địa bàn thuộc {commune2025}, tỉnh Lâm Đồng theo Nghị quyết "
    "1671/NQ-UBTVQH15.",
};

std::string Describe(Context& ctx, const std::string& kind) {
  const char* const* own = nullptr;
  size_t own_count = 0;
  auto use = [&](const auto& table) {
    own = table;
    own_count = std::size(table);
  };
  if (kind == "relic")
    use(kRelicSentences);
  else if (kind == "artifact")
    use(kArtifactSentences);
  else if (kind == "intangible")
    use(kIntangibleSentences);
  else
    use(kDocumentarySentences);
  const size_t target = static_cast<size_t>(ctx.rng.Between(300, 1500));
  const size_t shared_count = std::size(kSharedSentences);
  std::vector<bool> used(own_count + shared_count, false);
  size_t unused = used.size();
  std::string out;
  size_t length = 0;
  int sentences = 0;
  while (length < target) {
    // Sentence k < own_count is the kind's own; the rest are shared. No sentence twice while
    // unused ones remain.
    size_t k =
        ctx.rng.Percent(20) ? own_count + ctx.rng.Below(shared_count) : ctx.rng.Below(own_count);
    if (used[k] && unused > 0) continue;
    if (!used[k]) {
      used[k] = true;
      --unused;
    }
    std::string s = Fill(k < own_count ? own[k] : kSharedSentences[k - own_count], ctx);
    // Every fourth sentence starts a new paragraph.
    std::string separator = out.empty() ? "" : (sentences % 4 == 0 ? "\n\n" : " ");
    size_t added = separator.size() + CodePoints(s);
    if (length + added > 1500) {
      if (length >= 300) break;
      continue;  // too long to fit: draw another
    }
    if (unused == 0) {  // all drawn: allow repeats again
      std::fill(used.begin(), used.end(), false);
      unused = used.size();
    }
    out += separator;
    out += s;
    length += added;
    ++sentences;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Records.

struct Organisation {
  std::string pid;
  std::string kind;
};

class RecordMaker {
 public:
  RecordMaker(uint64_t seed, std::vector<Commune> communes, size_t organisations)
      : seed_(seed), communes_(std::move(communes)) {
    // Bijective in [0, 29^8): distinct indices give distinct PIDs.
    const uint64_t space = 500246412961ull;  // 29^8
    for (size_t i = 0; i < organisations; ++i) {
      uint64_t number =
          (static_cast<uint64_t>(i) * 7919ull * 104729ull + seed * 31ull + 12345ull) % space;
      organisations_.push_back({MakePid("dn", number), OrganisationKind(i)});
    }
  }

  size_t organisation_count() const { return organisations_.size(); }

  Generated Make(size_t index) {
    Rng rng(seed_, index);
    if (index < organisations_.size()) return MakeOrganisation(rng, index);
    size_t roll = rng.Below(100);
    const char* kind = roll < 36   ? "relic"
                       : roll < 70 ? "artifact"
                       : roll < 90 ? "intangible"
                                   : "documentary";
    return MakeItem(rng, index, kind);
  }

 private:
  static std::string OrganisationKind(size_t i) {
    if (i == 0) return "department_of_culture";
    if (i == 1) return "museum";
    if (i == 2) return "geopark_management_board";
    if (i == 3) return "archive";
    if (i == 4) return "library";
    static const char* kCycle[] = {
        "community",       "community", "community", "commune_authority", "relic_management_board",
        "school_research", "museum",    "community", "commune_authority", "other"};
    return kCycle[i % std::size(kCycle)];
  }

  const Commune& PickCommune(Rng& rng) { return communes_[rng.Below(communes_.size())]; }

  json Place(Rng& rng, const Commune& c, const std::string& village, bool with_point) {
    json p = {{"province_old", "Đắk Nông"},  {"province_old_code", "67"},
              {"province_2025", "Lâm Đồng"}, {"province_2025_code", "68"},
              {"commune_old", c.name},       {"commune_2025", c.commune_2025}};
    if (!c.district.empty()) p["district_old"] = c.district;
    if (!village.empty()) p["address"] = village;
    if (with_point) {
      // Whole micro-degrees, so that the JSON shows six decimals at most.
      double lat = std::round(c.lat * 1e6 + static_cast<double>(rng.Between(-60000, 60000))) / 1e6;
      double lon = std::round(c.lon * 1e6 + static_cast<double>(rng.Between(-60000, 60000))) / 1e6;
      p["point"] = {{"lat", lat}, {"lon", lon}};
    }
    return p;
  }

  // "commune (village)" as a province spreadsheet writes it.
  static std::string CommuneCell(const Commune& c, const std::string& village) {
    return village.empty() ? c.name : c.name + " (" + village + ")";
  }

  json Sources(Rng& rng, const std::string& title, size_t index) {
    struct Site {
      const char* publisher;
      const char* prefix;
      const char* suffix;
    };
    static const Site kSites[] = {
        {"Báo Đắk Nông điện tử", "https://baodaknong.vn/", ".html"},
        {"Cổng thông tin điện tử tỉnh Đắk Nông", "https://daknong.gov.vn/", ""},
        {"Báo Lâm Đồng", "https://baolamdong.vn/van-hoa-nghe-thuat/", ".html"},
        {"Đài Tiếng nói Việt Nam (VOV)", "https://vov.vn/van-hoa/", ".vov"},
        {"Công viên địa chất Đắk Nông", "http://daknonggeopark.com/vi/", "/"},
        {"Cục Di sản văn hóa", "https://dsvh.gov.vn/", ""},
        {"Tạp chí Văn hóa Nghệ thuật", "http://vanhoanghethuat.vn/", ".htm"},
        {"Quản lý di sản văn hóa tỉnh Đắk Nông", "https://qldsvh.daknong.gov.vn/diem-den/chi-tiet/",
         ""},
    };
    json out = json::array();
    size_t n = 1 + rng.Below(3);
    for (size_t k = 0; k < n; ++k) {
      const Site& s = rng.Pick(kSites);
      std::string url = std::string(s.prefix) + Slug(title) + "-" +
                        std::to_string(100000 + index * 7 + k) + s.suffix;
      json src = {{"title", std::string(s.publisher) + ": " + title}, {"url", url}};
      if (rng.Percent(15))
        src["note"] = "Truy cập ngày " + std::to_string(rng.Between(1, 28)) + "/" +
                      std::to_string(rng.Between(1, 12)) + "/2025.";
      out.push_back(std::move(src));
    }
    if (rng.Percent(25)) {
      out.push_back(
          {{"title", "Hồ sơ khoa học lưu tại Sở Văn hóa, Thể thao và Du lịch tỉnh Đắk Nông (" +
                         std::to_string(rng.Between(2004, 2024)) + ")"}});
    }
    return out;
  }

  Generated MakeOrganisation(Rng& rng, size_t index) {
    Generated g;
    const Organisation& org = organisations_[index];
    const Commune& c = PickCommune(rng);
    std::string village = rng.Pick(kVillages);
    std::string district = c.district.empty() ? "Gia Nghĩa" : c.district;
    static const std::map<std::string, std::pair<const char*, const char*>> kLabels = {
        {"museum", {"Bảo tàng", "Museum"}},
        {"relic_management_board", {"Ban quản lý di tích", "Relic Management Board"}},
        {"geopark_management_board",
         {"Ban quản lý công viên địa chất", "Geopark Management Board"}},
        {"department_of_culture",
         {"Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism"}},
        {"commune_authority", {"Ủy ban nhân dân cấp xã", "Commune People's Committee"}},
        {"library", {"Thư viện", "Library"}},
        {"archive", {"Cơ quan lưu trữ", "Archive"}},
        {"community", {"Cộng đồng", "Community"}},
        {"school_research", {"Cơ sở nghiên cứu, giáo dục", "Research or education institution"}},
        {"other", {"Khác", "Other"}}};
    std::string name_vi, name_en;
    if (org.kind == "department_of_culture") {
      name_vi = "Sở Văn hóa, Thể thao và Du lịch tỉnh Lâm Đồng";
      name_en = "Lam Dong Department of Culture, Sports and Tourism";
    } else if (org.kind == "museum" && index == 1) {
      name_vi = "Bảo tàng tỉnh Đắk Nông";
      name_en = "Dak Nong Provincial Museum";
    } else if (org.kind == "museum") {
      name_vi = "Nhà trưng bày văn hóa truyền thống " + village + ", " + CommuneInProse(c.name);
      name_en = "Traditional culture gallery, " + Ascii(village);
    } else if (org.kind == "geopark_management_board") {
      name_vi = "Ban Quản lý Công viên địa chất Đắk Nông";
      name_en = "Dak Nong Geopark Management Board";
    } else if (org.kind == "archive") {
      name_vi = "Trung tâm Lưu trữ lịch sử tỉnh Lâm Đồng";
      name_en = "Lam Dong Provincial Historical Archives Centre";
    } else if (org.kind == "library") {
      name_vi = "Thư viện tỉnh Lâm Đồng (cơ sở Gia Nghĩa)";
      name_en = "Lam Dong Provincial Library (Gia Nghia branch)";
    } else if (org.kind == "commune_authority") {
      name_vi = "Ủy ban nhân dân " + Lower(c.commune_2025);
      name_en = "People's Committee of " + Ascii(c.commune_2025);
    } else if (org.kind == "relic_management_board") {
      name_vi = "Ban Quản lý di tích và danh thắng " + district;
      name_en = "Relics and Landscapes Management Board, " + Ascii(district);
    } else if (org.kind == "school_research") {
      name_vi = index % 2 ? "Viện Khoa học xã hội vùng Tây Nguyên" : "Trường Đại học Tây Nguyên";
      name_en = index % 2 ? "Institute of Social Sciences of the Central Highlands"
                          : "Tay Nguyen University";
    } else if (org.kind == "community") {
      name_vi = "Cộng đồng người " + std::string(rng.Percent(70) ? "M'Nông" : "Mạ") + " " +
                village + ", " + CommuneInProse(c.name);
      name_en = "Community of " + Ascii(village) + ", " + Ascii(c.name);
    } else {
      name_vi = "Hợp tác xã dệt thổ cẩm " + village;
      name_en = "Brocade weaving cooperative, " + Ascii(village);
    }
    json& d = g.doc;
    d["pid"] = org.pid;
    d["class"] = "organisation";
    d["kind"] = org.kind;
    d["names"] = json::array({{{"lang", "vi"}, {"value", name_vi}, {"preferred", true}},
                              {{"lang", "en"}, {"value", name_en}}});
    Context ctx{rng, c, village, "M'Nông", name_vi, static_cast<int>(rng.Between(1995, 2024))};
    std::string about =
        name_vi + " là đơn vị " +
        (org.kind == "community" ? "chủ thể thực hành di sản" : "quản lý, lưu giữ di sản") +
        " trên địa bàn " + CommuneInProse(c.name) + ", " + DistrictInProse(c.district) + " cũ. " +
        Fill(kSharedSentences[1], ctx) + " " + Fill(kSharedSentences[5], ctx);
    d["description"] = json::array({{{"lang", "vi"}, {"value", about}}});
    d["places"] = json::array({Place(rng, c, village, rng.Percent(50))});
    if (org.kind != "community") {
      d["website"] = "https://" + Slug(Ascii(name_en), 30) + ".lamdong.gov.vn/";
    }
    if (index > 0 && org.kind != "community") d["parent"] = organisations_[0].pid;
    d["sources"] = Sources(rng, name_vi, index);
    g.category = kLabels.at(org.kind).first;
    g.commune_cell = CommuneCell(c, village);
    return g;
  }

  Generated MakeItem(Rng& rng, size_t index, const std::string& kind) {
    Generated g;
    const Commune& c = PickCommune(rng);
    const Labelled& ethnic = rng.Pick(kEthnicGroups);
    std::string village = rng.Pick(kVillages);
    Context ctx{rng, c, village, ethnic.label, "", static_cast<int>(rng.Between(1990, 2025))};
    json& d = g.doc;
    d["class"] = "item";
    d["kind"] = kind;
    std::string name_vi, name_en, other_name;
    json recognition;
    if (kind == "relic") {
      MakeRelic(ctx, g, name_vi, name_en, recognition);
    } else if (kind == "artifact") {
      MakeArtifact(ctx, g, name_vi, name_en, recognition);
    } else if (kind == "intangible") {
      MakeIntangible(ctx, g, name_vi, name_en, other_name, recognition);
    } else {
      MakeDocumentary(ctx, g, name_vi, name_en, recognition);
    }
    json names = json::array({{{"lang", "vi"}, {"value", name_vi}, {"preferred", true}},
                              {{"lang", "en"}, {"value", name_en}}});
    if (!other_name.empty()) names.push_back({{"lang", "cmo"}, {"value", other_name}});
    d["names"] = std::move(names);
    json description = json::array({{{"lang", "vi"}, {"value", Describe(ctx, kind)}}});
    if (rng.Percent(20)) {
      description.push_back({{"lang", "en"},
                             {"value", name_en + ", in " + Ascii(c.name) + " commune (former " +
                                           Ascii(c.district.empty() ? "Dak Nong" : c.district) +
                                           " district), now part of Lam Dong province."}});
    }
    d["description"] = std::move(description);
    bool point = kind == "relic" ? rng.Percent(60) : rng.Percent(15);
    d["places"] = json::array({Place(rng, c, village, point)});
    if (kind == "relic" && d["relic_type"] == "archaeological" && rng.Percent(50)) {
      d["location_precision"] = "generalised";
    }
    if (!recognition.is_null()) {
      d["recognitions"] = json::array({recognition});
      if (rng.Percent(8)) {
        d["recognitions"].push_back(
            {{"level", "inventory"},
             {"year", rng.Between(2004, 2015)},
             {"authority", "Sở Văn hóa, Thể thao và Du lịch tỉnh Đắk Nông"}});
      }
    }
    // Ethnic groups: one, sometimes two.
    json groups = json::array({ethnic.id});
    g.ethnic_cell = ethnic.label;
    if (std::string_view(ethnic.id) == "mnong" && rng.Percent(30)) {
      g.ethnic_cell += std::string(" (") + rng.Pick(kMnongGroups) + ")";
    }
    if (rng.Percent(15)) {
      const Labelled& second = rng.Pick(kEthnicGroups);
      if (std::string_view(second.id) != ethnic.id) {
        groups.push_back(second.id);
        g.ethnic_cell += std::string("; ") + second.label;
      }
    }
    d["ethnic_groups"] = std::move(groups);
    if (!organisations_.empty() && rng.Percent(60)) {
      d["custodian"] = organisations_[rng.Below(organisations_.size())].pid;
    }
    d["sources"] = Sources(rng, name_vi, index);
    // Legacy identifiers, unique per record.
    json legacy = json::array();
    if (kind == "artifact") {
      legacy.push_back({{"scheme", "museum_registration_number"},
                        {"value", "BTĐN-" + Pad(static_cast<int64_t>(index), 6) + "/HV"},
                        {"issuer", "Bảo tàng tỉnh Đắk Nông"}});
    } else {
      legacy.push_back({{"scheme", "inventory_number"},
                        {"value", "DN-" +
                                      std::string(kind == "relic"        ? "DT"
                                                  : kind == "intangible" ? "PVT"
                                                                         : "TL") +
                                      "-" + Pad(static_cast<int64_t>(index), 6)},
                        {"issuer", "Sở Văn hóa, Thể thao và Du lịch tỉnh Đắk Nông"}});
    }
    if (rng.Percent(30)) {
      legacy.push_back({{"scheme", "former_portal_id"}, {"value", std::to_string(1000 + index)}});
    }
    d["legacy_ids"] = std::move(legacy);
    if (rng.Percent(40)) {
      static const char* kLicences[] = {"cc_by_4_0", "cc_by_sa_4_0", "cc0_1_0", "rs_inc_edu"};
      d["licence"] = rng.Pick(kLicences);
      d["rights_holder"] = "Sở Văn hóa, Thể thao và Du lịch tỉnh Lâm Đồng";
    }
    int roll = static_cast<int>(rng.Below(1000));
    if (roll < 15)
      d["visibility"] = "restricted";
    else if (roll < 25)
      d["status"] = "draft";
    else if (roll < 30)
      d["status"] = "in_review";
    if (rng.Percent(10)) {
      d["note"] =
          "Cần đối chiếu lại số quyết định và ngày ban hành với bản gốc lưu tại Sở (ghi chú của " +
          KinhName(rng) + ").";
    }
    g.commune_cell = CommuneCell(c, village);
    return g;
  }

  // A decision of the given authority: "1014/QĐ-BVHTTDL" with a valid date in `year`.
  static json Recognition(Rng& rng, const char* level, const char* issuer_code,
                          const char* authority, int year) {
    json r = {{"level", level}};
    if (!rng.Percent(15)) {
      int month = static_cast<int>(rng.Between(1, 12));
      int day = static_cast<int>(rng.Between(1, 28));
      r["decision"] = std::to_string(rng.Between(1, 3999)) + "/QĐ-" + issuer_code;
      r["date"] = std::to_string(year) + "-" + Pad(month, 2) + "-" + Pad(day, 2);
    }
    r["year"] = year;
    r["authority"] = authority;
    return r;
  }

  void MakeRelic(Context& ctx, Generated& g, std::string& name_vi, std::string& name_en,
                 json& recognition) {
    Rng& rng = ctx.rng;
    static const std::pair<const char*, const char*> kEvents[] = {
        {"thành lập Tỉnh ủy Quảng Đức", "the Quang Duc Provincial Party Committee was founded"},
        {"Ban Cán sự Khu 6 đóng quân", "the Zone 6 Party Committee was stationed"},
        {"bắt liên lạc khai thông hành lang chiến lược",
         "contact was made to open the strategic corridor"},
        {"nghĩa quân N'Trang Lơng đóng đồn", "N'Trang Long's insurgents held a fort"},
        {"in ấn báo Quảng Đức", "the Quang Duc newspaper was printed"},
        {"Bệnh xá Khu 6 hoạt động", "the Zone 6 infirmary worked"},
        {"kho hậu cần Đoàn 559 đặt", "Group 559 kept a supply depot"},
        {"ghi dấu chiến thắng Đắk Song", "the Dak Song victory was won"},
        {"đặt căn cứ Huyện ủy Khiêm Đức", "the Khiem Duc District Committee had its base"}};
    static const char* kDigs[] = {"Di chỉ khảo cổ học", "Di chỉ xưởng chế tác đá", "Di chỉ cư trú",
                                  "Địa điểm khảo cổ"};
    static const std::pair<const char*, const char*> kBuildings[] = {
        {"Nhà dài truyền thống của người Ê Đê", "Traditional Ede longhouse"},
        {"Nhà sàn cổ của người M'Nông", "Old M'Nong stilt house"},
        {"Nhà cổ kiến trúc Pháp", "French colonial house"},
        {"Nhà mồ truyền thống của người M'Nông", "Traditional M'Nong tomb house"}};
    int type = static_cast<int>(rng.Below(100));
    std::string relic_type;
    std::string place = ctx.village + ", " + CommuneInProse(ctx.commune.name);
    if (type < 45) {
      relic_type = "historical";
      const auto& [event, event_en] = rng.Pick(kEvents);
      ctx.short_name = std::string("Địa điểm ") + event;
      name_vi = "Di tích lịch sử Địa điểm " + std::string(event) + " (" + place + ")";
      name_en =
          "Historical relic: site where " + std::string(event_en) + " (" + Ascii(ctx.village) + ")";
      g.subtype = "Di tích lịch sử";
      int64_t from = rng.Between(1946, 1972);
      int64_t to = from + rng.Between(0, 3);
      g.doc["dating"] = {
          {"text", from == to ? "Năm " + std::to_string(from)
                              : "Giai đoạn " + std::to_string(from) + "–" + std::to_string(to)},
          {"from_year", from},
          {"to_year", to}};
    } else if (type < 60) {
      relic_type = "archaeological";
      std::string site = rng.Percent(50)
                             ? "Hang C" + std::to_string(rng.Between(1, 40)) +
                                   (rng.Percent(30) ? "-" + std::to_string(rng.Between(1, 4)) : "")
                             : std::string(ctx.village);
      ctx.short_name = site;
      name_vi =
          std::string(rng.Pick(kDigs)) + " " + site + " (" + CommuneInProse(ctx.commune.name) + ")";
      name_en = "Archaeological site " + Ascii(site) + " (" + Ascii(ctx.commune.name) + ")";
      g.subtype = "Di tích khảo cổ";
      int64_t bp = rng.Between(25, 70) * 100;
      g.doc["dating"] = {{"text", "Khoảng " + std::to_string(bp) + " năm cách ngày nay"},
                         {"from_year", 1950 - bp - 500},
                         {"to_year", 1950 - bp + 500}};
    } else if (type < 70) {
      relic_type = "architectural_artistic";
      const auto& [building, building_en] = rng.Pick(kBuildings);
      ctx.short_name = building;
      name_vi = std::string(building) + " ở " + place;
      name_en = std::string(building_en) + ", " + Ascii(ctx.village);
      g.subtype = "Di tích kiến trúc, nghệ thuật";
      std::string century = rng.Pick(kRomanCenturies);
      g.doc["dating"] = {{"text", "Thế kỷ " + century}};
    } else if (type < 95) {
      relic_type = "scenic_landscape";
      int form = static_cast<int>(rng.Below(4));
      std::string feature, feature_en;
      if (form == 0) {
        std::string fall = rng.Pick(kWaterfalls);
        feature = "Thác " + fall;
        feature_en = Ascii(fall) + " Waterfall";
      } else if (form == 1) {
        std::string lake = rng.Pick(kLakes);
        feature = "Hồ " + lake;
        feature_en = Ascii(lake) + " Lake";
      } else if (form == 2) {
        std::string mountain = rng.Pick(kMountains);
        feature = "Núi " + mountain;
        feature_en = Ascii(mountain) + " Mountain";
      } else {
        std::string cave = "C" + std::to_string(rng.Between(1, 40));
        feature = "Hang " + cave + " (hệ thống hang động núi lửa Krông Nô)";
        feature_en = "Cave " + cave + " (Krong No volcanic cave system)";
      }
      ctx.short_name = feature;
      name_vi = "Danh lam thắng cảnh " + feature;
      name_en = feature_en + " scenic landscape";
      g.subtype = rng.Percent(50) ? "Danh lam thắng cảnh" : "Danh thắng";
    } else {
      relic_type = "mixed";
      std::string mountain = rng.Pick(kMountains);
      ctx.short_name = "Núi " + mountain;
      name_vi = "Khu di tích lịch sử và danh thắng Núi " + mountain;
      name_en = "Historical site and landscape of " + Ascii(mountain) + " mountain";
      g.subtype = "Di tích hỗn hợp";
    }
    g.doc["relic_type"] = relic_type;
    g.doc["area_m2"] = static_cast<double>(rng.Between(200, 900000));
    g.category = "Di tích";
    int level = static_cast<int>(rng.Below(100));
    if (level < 40) {
      recognition =
          Recognition(rng, "provincial", "UBND", "Ủy ban nhân dân tỉnh Đắk Nông", ctx.year);
      g.ranking = rng.Percent(50) ? "Cấp tỉnh" : "Di tích cấp tỉnh";
    } else if (level < 75) {
      recognition = Recognition(rng, "national", ctx.year < 2008 ? "BVHTT" : "BVHTTDL",
                                "Bộ Văn hóa, Thể thao và Du lịch", ctx.year);
      g.ranking = rng.Percent(50) ? "Quốc gia" : "Di tích quốc gia";
    } else if (level < 78) {
      recognition = Recognition(rng, "special_national", "TTg", "Thủ tướng Chính phủ", ctx.year);
      if (rng.Percent(50)) {
        recognition["component"] = true;
        g.ranking = "Quốc gia đặc biệt (điểm thành phần)";
      } else {
        g.ranking = "Quốc gia đặc biệt";
      }
    }
  }

  void MakeArtifact(Context& ctx, Generated& g, std::string& name_vi, std::string& name_en,
                    json& recognition) {
    Rng& rng = ctx.rng;
    struct Object {
      const char* vi;
      const char* en;
      const char* material;
      const char* second_material;
    };
    static const Object kObjects[] = {
        {"Bộ chiêng {n} chiếc của người M'Nông", "M'Nong gong set", "đồng thau", nullptr},
        {"Ché Tuk (ché rượu cần cổ)", "Tuk rice-wine jar", "gốm sành", "men nâu"},
        {"Ché Ghò", "Gho jar", "gốm sành", "men da lươn"},
        {"Ché Rlung", "Rlung jar", "gốm sành", nullptr},
        {"Bộ đàn đá {n} thanh", "Lithophone", "đá rhyolite", nullptr},
        {"Rìu đá có vai", "Shouldered stone axe", "đá bazan", nullptr},
        {"Bôn đá mài", "Polished stone adze", "đá sừng", nullptr},
        {"Cuốc đá", "Stone hoe", "đá bazan", nullptr},
        {"Chày nghiền", "Grinding pestle", "đá cát kết", nullptr},
        {"Khuôn đúc rìu đồng", "Bronze axe mould", "đá cát kết", nullptr},
        {"Vòng đeo tay", "Bracelet", "đồng", nullptr},
        {"Gùi đan", "Woven back basket", "mây", "tre"},
        {"Khố thổ cẩm", "Brocade loincloth", "sợi bông", "thuốc nhuộm chàm"},
        {"Váy thổ cẩm của phụ nữ M'Nông", "M'Nong brocade skirt", "sợi bông", "hạt cườm"},
        {"Tượng gỗ nhà mồ", "Tomb statue", "gỗ cà chít", nullptr},
        {"Nỏ săn", "Hunting crossbow", "gỗ", "dây mây"},
        {"Trống da trâu", "Buffalo-hide drum", "gỗ", "da trâu"},
        {"Kèn bầu (Đing Buốt)", "Gourd pipe", "quả bầu khô", "ống nứa"},
        {"Ống điếu", "Tobacco pipe", "đồng", "gỗ"},
        {"Mảnh gốm thô có hoa văn in thừng", "Cord-marked pottery shard", "gốm", nullptr},
    };
    const Object& o = rng.Pick(kObjects);
    std::string object = Fill(o.vi, ctx);
    ctx.short_name = object;
    name_vi = object + " (" + ctx.village + ", " + CommuneInProse(ctx.commune.name) + ")";
    name_en = std::string(o.en) + " from " + Ascii(ctx.village);
    int type = static_cast<int>(rng.Below(1000));
    std::string artifact_type = type < 3     ? "national_treasure"
                                : type < 450 ? "antiquity"
                                             : "relic_object";
    g.doc["artifact_type"] = artifact_type;
    g.subtype = artifact_type == "national_treasure" ? "Bảo vật quốc gia"
                : artifact_type == "antiquity"       ? "Cổ vật"
                                                     : "Di vật";
    g.category = rng.Percent(80) ? "Hiện vật" : "Di vật, cổ vật, bảo vật quốc gia";
    json materials = json::array({o.material});
    if (o.second_material) materials.push_back(o.second_material);
    g.doc["materials"] = materials;
    int64_t h = rng.Between(3, 120), w = rng.Between(2, 80);
    json dims = {{"text", "Cao " + std::to_string(h) + " cm, rộng " + std::to_string(w) + " cm"},
                 {"height_cm", h},
                 {"width_cm", w}};
    if (rng.Percent(50)) {
      double kg = static_cast<double>(rng.Between(1, 4000)) / 100.0;
      dims["weight_kg"] = kg;
    }
    if (rng.Percent(30)) dims["diameter_cm"] = rng.Between(5, 90);
    g.doc["dimensions"] = dims;
    static const char* kConditions[] = {"good", "good",    "fair",        "fair",
                                        "poor", "damaged", "fragmentary", "restored"};
    g.doc["condition"] = rng.Pick(kConditions);
    g.doc["quantity"] = rng.Percent(80) ? 1 : rng.Between(2, 16);
    g.doc["origin"] = Fill("Phát hiện tại {village}, {commune} năm {year2}.", ctx);
    static const char* kAcquisitions[] = {"Hiến tặng", "Sưu tầm", "Mua", "Khai quật khảo cổ",
                                          "Tiếp nhận từ cơ quan công an"};
    g.doc["acquisition"] = std::string(rng.Pick(kAcquisitions)) + ", biên bản số " +
                           std::to_string(rng.Between(1, 300)) + "/BB-BT ngày " +
                           std::to_string(rng.Between(1, 28)) + "/" +
                           std::to_string(rng.Between(1, 12)) + "/" +
                           std::to_string(rng.Between(2005, 2024)) + ".";
    std::string century = rng.Pick(kRomanCenturies);
    g.doc["dating"] = {{"text", "Khoảng thế kỷ " + century}};
    if (artifact_type == "national_treasure") {
      recognition = Recognition(rng, "national_treasure", "TTg", "Thủ tướng Chính phủ", ctx.year);
      g.ranking = "Bảo vật quốc gia";
    } else if (rng.Percent(30)) {
      recognition = {
          {"level", "inventory"}, {"year", ctx.year}, {"authority", "Bảo tàng tỉnh Đắk Nông"}};
      g.ranking = "Đã kiểm kê";
    }
  }

  void MakeIntangible(Context& ctx, Generated& g, std::string& name_vi, std::string& name_en,
                      std::string& other_name, json& recognition) {
    Rng& rng = ctx.rng;
    struct Practice {
      const char* vi;
      const char* en;
      const char* mnong;  // name in M'Nông, when known
      const char* type;
      const char* type_2010;
      const char* subtype;  // as a spreadsheet writes it
    };
    static const Practice kPractices[] = {
        {"Lễ cúng lúa mới của người {ethnic}", "New rice ceremony", "Mnhăm Rnoh Ba",
         "traditional_festivals", "traditional_festivals", "Lễ hội truyền thống"},
        {"Lễ hội đâm trâu của người {ethnic}", "Buffalo sacrifice festival", "Nhô Rpu",
         "traditional_festivals", "traditional_festivals", "Lễ hội"},
        {"Lễ cúng bến nước của người {ethnic}", "Water source ceremony", nullptr,
         "social_customs_and_beliefs", "social_customs", "Tập quán xã hội và tín ngưỡng"},
        {"Lễ mừng sức khỏe của người {ethnic}", "Health celebration ritual", "Mnhăm Bôk Hôk",
         "social_customs_and_beliefs", "social_customs", "Tín ngưỡng"},
        {"Lễ kết nghĩa anh em của người {ethnic}", "Brotherhood bonding ritual", "Tâm Rnglăm",
         "social_customs_and_beliefs", "social_customs", "Tập quán xã hội"},
        {"Sử thi {epic} của người M'Nông", "M'Nong epic", "Ot N'Drông",
         "oral_traditions_and_expressions", "folk_literature", "Ngữ văn dân gian"},
        {"Nghệ thuật trình diễn cồng chiêng của người {ethnic}", "Gong performance", nullptr,
         "folk_performing_arts", "folk_performing_arts", "Nghệ thuật trình diễn dân gian"},
        {"Nghệ thuật diễn tấu đàn đá", "Lithophone performance", nullptr, "folk_performing_arts",
         "folk_performing_arts", "Nghệ thuật trình diễn"},
        {"Nghề dệt thổ cẩm của người {ethnic}", "Brocade weaving", nullptr, "traditional_crafts",
         "traditional_crafts", "Nghề thủ công truyền thống"},
        {"Nghề đan lát mây tre của người {ethnic}", "Rattan and bamboo weaving", nullptr,
         "traditional_crafts", "traditional_crafts", "Nghề thủ công"},
        {"Nghề làm rượu cần của người {ethnic}", "Rice-wine making", "Rnom", "traditional_crafts",
         "traditional_crafts", "Nghề truyền thống"},
        {"Tri thức dân gian về cây thuốc của người {ethnic}", "Folk knowledge of medicinal plants",
         nullptr, "folk_knowledge", "folk_knowledge", "Tri thức dân gian"},
        {"Tri thức canh tác nương rẫy của người {ethnic}", "Swidden farming knowledge", nullptr,
         "folk_knowledge", "folk_knowledge", "Tri thức bản địa"},
        {"Tiếng nói và chữ viết M'Nông", "M'Nong language and script", nullptr,
         "oral_traditions_and_expressions", "language_and_script", "Tiếng nói, chữ viết"},
    };
    const Practice& p = rng.Pick(kPractices);
    ctx.year = static_cast<int>(rng.Between(2012, 2025));  // the national list began in 2012
    std::string practice = Fill(p.vi, ctx);
    ctx.short_name = practice;
    name_vi = practice + " ở " + ctx.village + ", " + CommuneInProse(ctx.commune.name);
    name_en = std::string(p.en) + ", " + Ascii(ctx.village);
    if (p.mnong) other_name = p.mnong;
    g.doc["intangible_type"] = p.type;
    if (rng.Percent(40)) g.doc["intangible_type_2010"] = p.type_2010;
    g.subtype = p.subtype;
    g.category = rng.Percent(70) ? "Di sản văn hóa phi vật thể" : "Di sản phi vật thể";
    g.doc["communities"] = json::array({"Cộng đồng người " + ctx.ethnic_label + " " + ctx.village});
    json practitioners = json::array();
    size_t n = 1 + rng.Below(4);
    static const char* kRoles[] = {
        "Già làng",        "Người hát kể sử thi", "Người diễn tấu cồng chiêng",
        "Thợ dệt thổ cẩm", "Thầy cúng",           "Người làm rượu cần",
        "Thợ đan lát",     "Người chỉnh chiêng"};
    for (size_t k = 0; k < n; ++k) {
      json person = {{"name", MnongName(rng)}, {"role", rng.Pick(kRoles)}};
      int title = static_cast<int>(rng.Below(10));
      if (title < 2)
        person["title"] = "Nghệ nhân ưu tú (" + std::to_string(rng.Between(2015, 2024)) + ")";
      else if (title < 3)
        person["title"] = "Nghệ nhân nhân dân";
      if (rng.Percent(20))
        person["note"] =
            "Sinh năm " + std::to_string(rng.Between(1935, 1985)) + ", " + ctx.village + ".";
      practitioners.push_back(std::move(person));
    }
    g.doc["practitioners"] = std::move(practitioners);
    int level = static_cast<int>(rng.Below(100));
    if (level < 35) {
      recognition = Recognition(rng, "intangible_national_list", "BVHTTDL",
                                "Bộ Văn hóa, Thể thao và Du lịch", ctx.year);
      g.ranking = "Di sản văn hóa phi vật thể quốc gia";
    } else if (level < 40) {
      recognition = {{"level", "unesco_representative"},
                     {"year", 2005},
                     {"authority", "UNESCO"},
                     {"note",
                      "Thuộc Không gian văn hóa Cồng chiêng Tây Nguyên (ghi danh năm 2005, đại "
                      "diện năm 2008)."}};
      g.ranking = "UNESCO – Di sản văn hóa phi vật thể đại diện của nhân loại";
    } else if (level < 80) {
      recognition = {{"level", "inventory"},
                     {"year", ctx.year},
                     {"authority", "Sở Văn hóa, Thể thao và Du lịch tỉnh Đắk Nông"}};
      g.ranking = "Kiểm kê";
    }
  }

  void MakeDocumentary(Context& ctx, Generated& g, std::string& name_vi, std::string& name_en,
                       json& recognition) {
    Rng& rng = ctx.rng;
    struct Document {
      const char* vi;
      const char* en;
      const char* type;
      const char* subtype;
      std::vector<const char*> languages;
      const char* extent;
    };
    static const Document kDocuments[] = {
        {"Bản ghi âm sử thi {epic} do nghệ nhân {artisan} hát kể",
         "Recording of a M'Nong epic",
         "audiovisual",
         "Tài liệu nghe nhìn",
         {"cmo", "vi"},
         "{n} giờ ghi âm"},
        {"Bộ ảnh tư liệu về lễ hội của người {ethnic} ở {village}",
         "Photographs of a festival",
         "audiovisual",
         "Tài liệu ảnh, phim, ghi âm",
         {"vi"},
         "{big} ảnh"},
        {"Hồ sơ khoa học di tích ở {village}, {commune}",
         "Scientific dossier of a relic",
         "textual",
         "Tài liệu văn bản",
         {"vi"},
         "{n} tờ, 1 bản đồ khoanh vùng"},
        {"Tài liệu lưu trữ về phong trào đấu tranh của N'Trang Lơng (1912–1936)",
         "Archive of the N'Trang Long movement",
         "textual",
         "Tư liệu văn bản",
         {"fr", "vi"},
         "{n} hồ sơ"},
        {"Bản đồ hành chính vùng Quảng Đức năm {year2}",
         "Administrative map of Quang Duc",
         "textual",
         "Văn bản",
         {"fr"},
         "1 tờ"},
        {"Bản số hóa sổ ghi chép phong tục của người {ethnic} ở {village}",
         "Digitised notebook of customs",
         "digital",
         "Tài liệu số",
         {"vi", "cmo"},
         "{big} trang ảnh số"},
        {"Bản sao hợp pháp hồ sơ đề cử Không gian văn hóa Cồng chiêng Tây Nguyên",
         "Authorised copy of the gong culture nomination",
         "authorised_copy",
         "Bản sao",
         {"vi", "en"},
         "{n} tập"},
    };
    const Document& doc = rng.Pick(kDocuments);
    std::string title = Fill(doc.vi, ctx);
    ctx.short_name = title;
    name_vi = title;
    name_en = std::string(doc.en) + " (" + Ascii(ctx.village) + ")";
    g.doc["documentary_type"] = doc.type;
    g.subtype = doc.subtype;
    g.category = rng.Percent(80) ? "Di sản tư liệu" : "Tư liệu";
    json languages = json::array();
    for (const char* l : doc.languages) languages.push_back(l);
    g.doc["languages"] = std::move(languages);
    g.doc["creator"] = rng.Percent(50) ? KinhName(rng) : "Bảo tàng tỉnh Đắk Nông";
    g.doc["extent"] = Fill(doc.extent, ctx);
    g.doc["dating"] = {{"text", "Năm " + std::to_string(ctx.year)},
                       {"from_year", ctx.year},
                       {"to_year", ctx.year}};
    if (rng.Percent(25)) {
      recognition = {{"level", "inventory"},
                     {"year", ctx.year},
                     {"authority", "Trung tâm Lưu trữ lịch sử tỉnh Lâm Đồng"}};
      g.ranking = "Đã kiểm kê";
    }
  }

  uint64_t seed_;
  std::vector<Commune> communes_;
  std::vector<Organisation> organisations_;
};

// ---------------------------------------------------------------------------------------------
// Output.

constexpr const char* kCsvColumns[] = {
    "name_vi",      "name_en",          "category",       "subtype",
    "ranking",      "ranking_decision", "ranking_year",   "commune",
    "district_old", "province_old",     "province_new",   "latitude",
    "longitude",    "ethnic_group",     "description_vi", "source_url"};

void WriteCsvField(std::string& out, const std::string& s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string FormatDegrees(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

// The spreadsheet row of a generated record (columns of data/demo/daknong-heritage.csv).
std::string CsvRow(const Generated& g) {
  const json& d = g.doc;
  const json& names = d["names"];
  const json& place = d["places"][0];
  std::vector<std::string> cells(std::size(kCsvColumns));
  cells[0] = names[0]["value"].get<std::string>();
  cells[1] = names.size() > 1 ? names[1]["value"].get<std::string>() : "";
  cells[2] = g.category;
  cells[3] = g.subtype;
  if (d.contains("recognitions") && !g.ranking.empty()) {
    const json& r = d["recognitions"][0];
    cells[4] = g.ranking;
    if (r.contains("decision")) {
      std::string date = r["date"].get<std::string>();  // YYYY-MM-DD
      cells[5] = r["decision"].get<std::string>() + " ngày " + date.substr(8, 2) + "/" +
                 date.substr(5, 2) + "/" + date.substr(0, 4);
    }
    cells[6] = std::to_string(r["year"].get<int64_t>());
  }
  cells[7] = g.commune_cell;
  cells[8] = place.value("district_old", "");
  cells[9] = place.value("province_old", "");
  cells[10] = place.value("province_2025", "");
  if (place.contains("point")) {
    cells[11] = FormatDegrees(place["point"]["lat"].get<double>());
    cells[12] = FormatDegrees(place["point"]["lon"].get<double>());
  }
  cells[13] = g.ethnic_cell;
  cells[14] = d["description"][0]["value"].get<std::string>();
  std::string urls;
  for (const json& s : d.value("sources", json::array())) {
    if (!s.contains("url")) continue;
    if (!urls.empty()) urls += " | ";
    urls += s["url"].get<std::string>();
  }
  cells[15] = urls;
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    WriteCsvField(out, cells[i]);
  }
  out += "\r\n";
  return out;
}

struct Options {
  size_t count = 100000;
  uint64_t seed = 1;
  std::string format = "jsonl";
  std::string output;
  std::string communes = DISAN_COMMUNES_JSON;
};

constexpr const char* kUsage =
    "usage: disan-bench-make-records [--count N] [--seed S] [--format jsonl|csv] [--output FILE]\n"
    "                                [--communes schema/places/communes-2025.json]\n"
    "Writes N synthetic heritage records (default 100000) to standard output or FILE.\n";

std::optional<Options> ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    auto number = [&](uint64_t& out) {
      std::optional<std::string> v = value();
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos) return false;
      out = std::stoull(*v);
      return true;
    };
    uint64_t n = 0;
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      std::exit(0);
    } else if (arg == "--count") {
      if (!number(n)) return std::nullopt;
      o.count = static_cast<size_t>(n);
    } else if (arg == "--seed") {
      if (!number(o.seed)) return std::nullopt;
    } else if (arg == "--format") {
      std::optional<std::string> v = value();
      if (!v || (*v != "jsonl" && *v != "csv")) return std::nullopt;
      o.format = *v;
    } else if (arg == "--output") {
      std::optional<std::string> v = value();
      if (!v) return std::nullopt;
      o.output = *v;
    } else if (arg == "--communes") {
      std::optional<std::string> v = value();
      if (!v) return std::nullopt;
      o.communes = *v;
    } else {
      return std::nullopt;
    }
  }
  return o;
}

int Run(const Options& o) {
  RecordMaker maker(o.seed, LoadCommunes(o.communes), o.count / 200);
  std::unique_ptr<std::ofstream> file;
  std::ostream* out = &std::cout;
  std::string tmp = o.output + ".part";
  if (!o.output.empty()) {
    file = std::make_unique<std::ofstream>(tmp, std::ios::binary | std::ios::trunc);
    if (!*file) {
      std::cerr << "disan-bench-make-records: cannot write " << tmp << "\n";
      return 1;
    }
    out = file.get();
  }
  const bool csv = o.format == "csv";
  std::string buffer;
  if (csv) {
    buffer += "\xEF\xBB\xBF";  // Excel writes a BOM; the importer must take it
    for (size_t i = 0; i < std::size(kCsvColumns); ++i)
      buffer += (i ? "," : "") + std::string(kCsvColumns[i]);
    buffer += "\r\n";
  }
  for (size_t i = 0; i < o.count; ++i) {
    Generated g = maker.Make(i);
    if (csv) {
      buffer += CsvRow(g);
    } else {
      buffer += g.doc.dump();
      buffer += '\n';
    }
    if (buffer.size() > (1 << 20)) {
      out->write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      buffer.clear();
    }
  }
  out->write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  out->flush();
  if (!*out) {
    std::cerr << "disan-bench-make-records: write failed\n";
    return 1;
  }
  if (file) {
    file->close();
    if (std::rename(tmp.c_str(), o.output.c_str()) != 0) {
      std::cerr << "disan-bench-make-records: cannot rename " << tmp << " to " << o.output << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> options = ParseArgs(argc, argv);
  if (!options) {
    std::cerr << kUsage;
    return 2;
  }
  try {
    return Run(*options);
  } catch (const std::exception& e) {
    std::cerr << "disan-bench-make-records: " << e.what() << "\n";
    return 1;
  }
}
