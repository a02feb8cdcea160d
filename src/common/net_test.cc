#include "common/net.h"

#include <gtest/gtest.h>

namespace pupitre {
namespace {

TEST(AddressSetTest, MatchesAddressesAndNetworksOfBothFamilies) {
  auto set = AddressSet::Parse({"127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1"});
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_TRUE(set->Contains("127.0.0.1"));
  EXPECT_FALSE(set->Contains("127.0.0.2"));
  EXPECT_TRUE(set->Contains("10.200.3.4"));
  EXPECT_TRUE(set->Contains("::ffff:10.1.2.3"));
  EXPECT_FALSE(set->Contains("11.0.0.1"));
  EXPECT_TRUE(set->Contains("fd12:3456::1"));
  EXPECT_TRUE(set->Contains("::1"));
  EXPECT_FALSE(set->Contains("fe80::1"));
  EXPECT_FALSE(set->Contains("not an address"));
  EXPECT_FALSE(AddressSet::Parse({}).value().Contains("127.0.0.1"));
}

TEST(AddressSetTest, ABadEntryIsNamed) {
  auto bad = AddressSet::Parse({"127.0.0.1", "10.0.0.0/33"});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("10.0.0.0/33"), std::string::npos);
  EXPECT_FALSE(AddressSet::Parse({"proxy.example"}).ok());
  EXPECT_FALSE(AddressSet::Parse({"10.0.0.0/"}).ok());
}

TEST(SubnetTest, IsSlash24ForIPv4AndSlash64ForIPv6) {
  EXPECT_EQ(SubnetOf("192.0.2.77"), "192.0.2.0/24");
  EXPECT_EQ(SubnetOf("::ffff:192.0.2.77"), "192.0.2.0/24");
  EXPECT_EQ(SubnetOf("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(SubnetOf("not an address"), "not an address");
}

}  // namespace

TEST(IsHttpsOrLoopbackTest, HttpsAnywhereHttpOnlyToThisMachine) {
  for (const char* good : {"https://auth.school.fr", "https://auth.school.fr:8443/x?y#z",
                           "http://127.0.0.1:8080/cas", "http://localhost/x", "http://[::1]:9/x",
                           "http://127.9.9.9"}) {
    EXPECT_TRUE(IsHttpsOrLoopback(good)) << good;
  }
  for (const char* bad : {"http://auth.school.fr", "ftp://x", "https://", "http://127.0.0.1 x",
                          "https://a.b\r\nX: y", "http://127.0.0.1@evil.example/",
                          "http://128.0.0.1", "http://localhost.evil.example", "javascript:alert(1)",
                          "http://[::2]/"}) {
    EXPECT_FALSE(IsHttpsOrLoopback(bad)) << bad;
  }
}

}  // namespace pupitre
