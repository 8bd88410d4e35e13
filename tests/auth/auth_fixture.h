// A real server with accounts of every role, organisations A and B, and helpers to speak to
// it as each of them, shared by the tests of accounts, permissions and the lifecycle.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/test_support.h"

namespace disan::testing {

inline constexpr const char* kPassword = "mật khẩu đủ dài 2026";

class AuthTest : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  // `bearer` "" = anonymous; `headers` added as they are.
  HttpReply Send(const std::string& method, const std::string& path, const json& body = nullptr,
                 const std::string& bearer = "",
                 std::multimap<std::string, std::string> headers = {}) const {
    if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
    std::string text;
    if (!body.is_null()) {
      text = body.dump();
      headers.emplace("Content-Type", "application/json");
    }
    return SendHttp(server_.port, method, path, std::move(headers), text);
  }
  HttpReply Admin(const std::string& method, const std::string& path,
                  const json& body = nullptr) const {
    return Send(method, path, body, server_.token);
  }

  std::string CreateOrganisation(const std::string& name) {
    HttpReply r = Admin(
        "POST", "/api/v1/organisations",
        {{"kind", "museum"}, {"names", {{{"lang", "vi"}, {"value", name}, {"preferred", true}}}}});
    EXPECT_EQ(r.status, 201) << r;
    return r.doc.is_object() ? r.doc.value("pid", "") : "";
  }

  // An item of unit `custodian` created by the administrator in `status`.
  std::string CreateItem(const std::string& custodian, const std::string& status,
                         const std::string& name = "Nhà ngục Đắk Mil") {
    json doc = RelicDocument(name);
    doc["custodian"] = custodian;
    doc["status"] = status;
    HttpReply r = Admin("POST", "/api/v1/items", doc);
    EXPECT_EQ(r.status, 201) << r;
    return r.doc.is_object() ? r.doc.value("pid", "") : "";
  }

  void CreateAccount(const std::string& login, const std::string& role,
                     const std::string& unit = "") {
    json grant = {{"role", role}};
    if (!unit.empty()) grant["unit"] = unit;
    HttpReply r = Admin("POST", "/api/v1/accounts",
                        {{"login", login}, {"password", kPassword}, {"roles", {grant}}});
    ASSERT_EQ(r.status, 201) << r;
  }

  HttpReply Login(const std::string& login, const std::string& password = kPassword,
                  std::multimap<std::string, std::string> headers = {}) const {
    return Send("POST", "/api/v1/auth/login", {{"login", login}, {"password", password}}, "",
                std::move(headers));
  }

  // Signs in and returns the session's bearer token ("" after reporting a failure).
  std::string SessionToken(const std::string& login) const {
    HttpReply r = Login(login);
    EXPECT_EQ(r.status, 200) << r;
    return r.doc.is_object() ? r.doc.value("token", "") : "";
  }

  // A personal API token of `login` with `scope`, made through a session.
  std::string PersonalToken(const std::string& login, const std::string& scope = "write") const {
    HttpReply r = Send("POST", "/api/v1/auth/tokens",
                       {{"label", "test " + scope}, {"scope", scope}}, SessionToken(login));
    EXPECT_EQ(r.status, 201) << r;
    return r.doc.is_object() ? r.doc.value("token", "") : "";
  }

  // The audit log entries whose action starts with `action`, as the administrator reads them.
  json AuditEntries(const std::string& action) const {
    HttpReply r = Admin("GET", "/api/v1/audit?limit=1000&action=" + action);
    EXPECT_EQ(r.status, 200) << r;
    return r.doc.is_object() ? r.doc["entries"] : json::array();
  }

  TestServer server_;
};

}  // namespace disan::testing
