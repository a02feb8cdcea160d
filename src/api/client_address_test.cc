#include <gtest/gtest.h>

#include "api/middleware.h"

namespace pupitre::api {
namespace {

std::string ClientOf(const ForwardedAddress& a, const std::string& peer, bool trusted,
                     const std::string& xff) {
  http::Request req;
  if (!xff.empty()) req.set("X-Forwarded-For", xff);
  http::RequestInfo info;
  info.remote_ip = peer;
  info.trusted_peer = trusted;
  return a.Of(req, info);
}

TEST(ForwardedAddressTest, BelievesOnlyTrustedProxiesAndOnlyWhatTheyAppended) {
  auto trusted = AddressSet::Parse({"10.0.0.0/8"});
  ASSERT_TRUE(trusted.ok());
  ForwardedAddress a(*trusted);
  // From the proxy: the address it appended.
  EXPECT_EQ(ClientOf(a, "10.0.0.5", true, "198.51.100.7"), "198.51.100.7");
  // A client that writes its own header cannot pick its address: the rightmost untrusted one.
  EXPECT_EQ(ClientOf(a, "10.0.0.5", true, "1.2.3.4, 198.51.100.7"), "198.51.100.7");
  // Through two proxies.
  EXPECT_EQ(ClientOf(a, "10.0.0.5", true, "198.51.100.7, 10.0.0.9"), "198.51.100.7");
  // Garbage ends the walk: what the proxies wrote to its right stands.
  EXPECT_EQ(ClientOf(a, "10.0.0.5", true, "x-y-z"), "10.0.0.5");
  EXPECT_EQ(ClientOf(a, "10.0.0.5", true, "1.2.3.4, junk, 10.0.0.9"), "10.0.0.9");
  // No header: the peer.
  EXPECT_EQ(ClientOf(a, "10.0.0.5", true, ""), "10.0.0.5");
  // Not from a trusted proxy (or the client was named by PROXY v2): the header is ignored.
  EXPECT_EQ(ClientOf(a, "203.0.113.9", false, "198.51.100.7"), "203.0.113.9");
}

}  // namespace
}  // namespace pupitre::api
