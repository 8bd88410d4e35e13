// A real server with accounts (auth/auth_fixture.h) and helpers to use the staff pages as a
// browser does: GET a page, read its form token, post url-encoded forms with cookies.
#pragma once

#include <regex>

#include "auth/auth_fixture.h"
#include "core/text.h"

namespace disan::testing {

class StaffPagesTest : public AuthTest {
 protected:
  using Form = std::vector<std::pair<std::string, std::string>>;

  std::string Origin() const { return "http://127.0.0.1:" + std::to_string(server_.port); }

  // A page as a browser asks for it; `cookies` "a=b; c=d" or "".
  HttpReply Page(const std::string& path, const std::string& cookies = "") const {
    std::multimap<std::string, std::string> h = {{"Accept", "text/html"}};
    if (!cookies.empty()) h.emplace("Cookie", cookies);
    return SendHttp(server_.port, "GET", path, std::move(h), "");
  }

  static std::string Encode(const Form& form) {
    std::string out;
    for (const auto& [k, v] : form)
      out += (out.empty() ? "" : "&") + PercentEncode(k) + "=" + PercentEncode(v);
    return out;
  }

  // A form post from our own page (same Origin) unless `origin` is false.
  HttpReply Post(const std::string& path, const std::string& body, const std::string& cookies = "",
                 bool origin = true,
                 const std::string& type = "application/x-www-form-urlencoded") const {
    std::multimap<std::string, std::string> h = {{"Accept", "text/html"}, {"Content-Type", type}};
    if (!cookies.empty()) h.emplace("Cookie", cookies);
    if (origin) h.emplace("Origin", Origin());
    return SendHttp(server_.port, "POST", path, std::move(h), body);
  }

  // The value a Set-Cookie of the reply gives `name` (nullopt: none set).
  static std::optional<std::string> SetCookie(const HttpReply& r, const std::string& name) {
    for (auto [it, end] = r.headers.equal_range("Set-Cookie"); it != end; ++it) {
      if (it->second.starts_with(name + "=")) {
        std::string v = it->second.substr(name.size() + 1);
        return v.substr(0, v.find(';'));
      }
    }
    return std::nullopt;
  }

  // The csrf_token field of the first form on a page.
  static std::string FormToken(const std::string& html) {
    std::smatch m;
    static const std::regex re(R"re(name="csrf_token" value="([^"]*)")re");
    return std::regex_search(html, m, re) ? m[1].str() : "";
  }

  // A new relic named `name` of `unit` submitted by `bearer`; the submission's JSON.
  nlohmann::json SubmitItem(const std::string& bearer, const std::string& name,
                            const std::string& unit) const {
    nlohmann::json record = RelicDocument(name);
    record["custodian"] = unit;
    HttpReply r = Send("POST", "/api/v1/submissions",
                       {{"licence", "cc_by_4_0"},
                        {"rights_holder", "Nguyễn Văn A"},
                        {"attribution", "Nguyễn Văn A (Đắk Mil)"},
                        {"record", record}},
                       bearer);
    EXPECT_EQ(r.status, 201) << r;
    return r.doc;
  }

  // What `html`'s escaping hid: &amp; &lt; &gt; &quot; &#39; and the like, back to text.
  static std::string Unescape(std::string s) {
    static const std::pair<const char*, const char*> kEntities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&#39;", "'"},
        {"&#x2F;", "/"}, {"&#47;", "/"}, {"&#96;", "`"}, {"&#x3D;", "="}, {"&amp;", "&"}};
    for (const auto& [entity, text] : kEntities) {
      for (size_t at = s.find(entity); at != std::string::npos; at = s.find(entity, at + 1))
        s.replace(at, std::string_view(entity).size(), text);
    }
    return s;
  }

  // The fields a browser would send from the form posting to `action` on `html`: inputs with
  // their values (checkboxes only when checked), textareas, the selected option of each select;
  // nothing inside a <template> (inert until the script copies it).
  static Form FormFields(std::string html, const std::string& action) {
    static const std::regex templ(R"re(<template[\s\S]*?</template>)re");
    html = std::regex_replace(html, templ, "");
    size_t start = html.find("action=\"" + action + "\"");
    if (start == std::string::npos) return {};
    size_t end = html.find("</form>", start);
    std::string form = html.substr(start, end - start);
    Form out;
    static const std::regex element(
        R"re(<input([^>]*)>|<textarea([^>]*)>([\s\S]*?)</textarea>|<select([^>]*)>([\s\S]*?)</select>)re");
    static const std::regex name(R"re(\bname="([^"]*)")re");
    static const std::regex value(R"re(\bvalue="([^"]*)")re");
    static const std::regex selected(R"re(<option value="([^"]*)" selected>)re");
    for (std::sregex_iterator it(form.begin(), form.end(), element), stop; it != stop; ++it) {
      const std::smatch& m = *it;
      std::smatch n, v;
      if (m[1].matched) {
        std::string attrs = m[1].str();
        if (!std::regex_search(attrs, n, name)) continue;
        if (attrs.find("type=\"checkbox\"") != std::string::npos &&
            attrs.find(" checked") == std::string::npos)
          continue;
        std::regex_search(attrs, v, value);
        out.emplace_back(Unescape(n[1].str()), v.empty() ? "" : Unescape(v[1].str()));
      } else if (m[2].matched) {
        std::string attrs = m[2].str();
        if (std::regex_search(attrs, n, name))
          out.emplace_back(Unescape(n[1].str()), Unescape(m[3].str()));
      } else {
        std::string attrs = m[4].str();
        std::string options = m[5].str();
        if (!std::regex_search(attrs, n, name)) continue;
        out.emplace_back(Unescape(n[1].str()),
                         std::regex_search(options, v, selected) ? Unescape(v[1].str()) : "");
      }
    }
    return out;
  }

  // `form` with field `name` set to `value` (added when it has none).
  static Form With(Form form, const std::string& name, const std::string& value) {
    for (auto& [k, v] : form) {
      if (k == name) {
        v = value;
        return form;
      }
    }
    form.emplace_back(name, value);
    return form;
  }

  // Signs in through the sign-in page; the session cookie ("disan_session=...") or "".
  std::string SignIn(const std::string& login, const std::string& password = kPassword) const {
    HttpReply page = Page("/dang-nhap");
    std::string form_cookie = SetCookie(page, "disan_form").value_or("");
    HttpReply r = Post(
        "/dang-nhap",
        Encode({{"csrf_token", FormToken(page.body)}, {"login", login}, {"password", password}}),
        "disan_form=" + form_cookie);
    EXPECT_EQ(r.status, 303) << r;
    std::optional<std::string> session = SetCookie(r, "disan_session");
    return session ? "disan_session=" + *session : "";
  }
};

}  // namespace disan::testing
