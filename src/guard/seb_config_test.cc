#include "guard/seb_config.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <sstream>
#include <string>

#include "guard/signing.h"
#include "testkit/fixtures.h"

namespace pupitre::guard {
namespace {

std::string ReadFixture(const std::string& name) { return testkit::ReadFixture("seb/" + name); }

std::string Gzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Plist(const std::string& dict_body) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
         "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\"><dict>" +
         dict_body + "</dict></plist>\n";
}

TEST(SebConfigTest, ConfigKeysOfFilesSebSavedAreTheOnesSebSends) {
  auto mac = ReadSebConfig(ReadFixture("unencrypted_mac_001.seb"));
  ASSERT_TRUE(mac.ok()) << mac.error().message;
  EXPECT_EQ(mac->config_key, "4fa9af8ec8759eb7c680752ef4ee5eaf1a860628608fccae2715d519849f9292") << mac->seb_json;
  auto win = ReadSebConfig(ReadFixture("unencrypted_win_223.seb"));
  ASSERT_TRUE(win.ok()) << win.error().message;
  EXPECT_EQ(win->config_key, "fc6f4ea5922717760f4d6d536c23b8d19bf20b52aa97940f5427a76e20f49026") << win->seb_json;
  EXPECT_EQ(win->start_url, "https://safeexambrowser.org/start");
  EXPECT_TRUE(win->sends_keys);
  EXPECT_EQ(win->seb_json.find("originatorVersion"), std::string::npos);
}

TEST(SebConfigTest, SebJsonFollowsTheSpecification) {
  auto json = SebJson(Plist(
      "<key>originatorVersion</key><string>SEB_Win_3.0</string>"
      "<key>allowWLAN</key><true/><key>allowWlan</key><false/>"
      "<key>URLFilterRules</key><array><dict><key>regex</key><false/><key>expression</key>"
      "<string>a\\.b/\"c\"</string></dict><dict/></array>"
      "<key>proxies</key><dict/>"
      "<key>examKeySalt</key><data>\n  QJAqvg89YMP6JagAshUm6Qqp\n  qpsrVS9ZWUYjdZhfEao=\n</data>"
      "<key>batteryChargeThresholdLow</key><real>0.20000000000000001</real>"
      "<key>exitKey1</key><integer> 2 </integer>"
      "<key>zoomMode</key><integer>-1</integer>"
      "<key>2fa</key><string>x</string><key>_x</key><string>y</string>"));
  ASSERT_TRUE(json.ok()) << json.error().message;
  EXPECT_EQ(*json,
            "{\"_x\":\"y\",\"2fa\":\"x\",\"allowWlan\":false,\"allowWLAN\":true,"
            "\"batteryChargeThresholdLow\":0.2,\"examKeySalt\":\"QJAqvg89YMP6JagAshUm6QqpqpsrVS9ZWUYjdZhfEao=\","
            "\"exitKey1\":2,\"URLFilterRules\":[{\"expression\":\"a\\.b/\\\"c\\\"\",\"regex\":false}],"
            "\"zoomMode\":-1}")
      << "sorted ignoring case (lower first), empty dictionaries dropped, backslashes as they are";
}

TEST(SebConfigTest, CompressedAndPlainDataFilesGiveTheSameKey) {
  const std::string xml = ReadFixture("unencrypted_win_223.seb");
  const std::string want = "fc6f4ea5922717760f4d6d536c23b8d19bf20b52aa97940f5427a76e20f49026";
  for (const std::string& file : {Gzip(xml), Gzip("plnd" + Gzip(xml)), "plnd" + Gzip(xml)}) {
    auto c = ReadSebConfig(file);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->config_key, want);
  }
}

TEST(SebConfigTest, EncryptedFilesAreRefusedWithWhatToDo) {
  auto pswd = ReadSebConfig(Gzip("pswd" + std::string(80, '\x03')));
  ASSERT_FALSE(pswd.ok());
  EXPECT_EQ(pswd.error().code, ErrorCode::kInvalid);
  EXPECT_NE(pswd.error().message.find("encrypted with a password"), std::string::npos);
  EXPECT_NE(pswd.error().message.find("without a password"), std::string::npos);
  auto cert = ReadSebConfig(Gzip("phsk" + std::string(80, '\x03')));
  ASSERT_FALSE(cert.ok());
  EXPECT_NE(cert.error().message.find("certificate"), std::string::npos);
}

TEST(SebConfigTest, HostileOrDamagedFilesAreRefused) {
  for (const std::string& bad :
       {std::string(""), std::string("<?xml This is some bad xml for sure."), std::string("<plist><array/></plist>"),
        Plist("<key>a</key>"), Plist("<key>a</key><integer>1x</integer>"), Plist("<key>a</key><date>yesterday</date>"),
        Plist("<key>a</key><data>!!!</data>"), Plist("<string>no key</string>"), Plist("<key>a</key><script/>"),
        Gzip(ReadFixture("unencrypted_win_223.seb")).substr(0, 500)}) {
    auto c = ReadSebConfig(bad);
    ASSERT_FALSE(c.ok()) << bad.substr(0, 60);
    EXPECT_EQ(c.error().code, ErrorCode::kInvalid) << c.error().message;
  }
  // Deep nesting stops at the bound instead of the stack.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "<array>";
  deep += "<true/>";
  for (int i = 0; i < 200; ++i) deep += "</array>";
  auto nested = ReadSebConfig(Plist("<key>a</key>" + deep));
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().message.find("nested deeper"), std::string::npos);
  // A small file that inflates beyond the bound is refused without inflating it all.
  auto bomb = ReadSebConfig(Gzip(std::string(kMaxSebFileBytes + 1, ' ')));
  ASSERT_FALSE(bomb.ok());
  EXPECT_NE(bomb.error().message.find("expands beyond"), std::string::npos);
  // Entities are not expanded (no DOCTYPE processing): the text stays as written.
  auto ent = SebJson(
      "<?xml version=\"1.0\"?><!DOCTYPE plist [<!ENTITY x \"boom\">]><plist><dict><key>a</key>"
      "<string>&x;</string></dict></plist>");
  if (ent.ok()) {
    EXPECT_EQ(ent->find("boom"), std::string::npos) << *ent;
  }
}

}  // namespace
}  // namespace pupitre::guard
