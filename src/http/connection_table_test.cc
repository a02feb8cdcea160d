#include "http/connection_table.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace pupitre::http {
namespace {

struct FakeConnection : TableEntry {
  bool evicted = false;
  void Evict() override { evicted = true; }
};

using Verdict = ConnectionTable::Verdict;

std::shared_ptr<FakeConnection> Conn() { return std::make_shared<FakeConnection>(); }

TEST(ConnectionTableTest, CapsPerAddressAndPerSubnet) {
  ConnectionTable t({.total = 100, .per_address = 2, .per_subnet = 3, .ops = 1});
  bool evicted = false;
  std::vector<std::shared_ptr<FakeConnection>> keep;
  for (int i = 0; i < 2; ++i) {
    keep.push_back(Conn());
    EXPECT_EQ(t.Add(keep.back(), "10.0.0.1", false, evicted), Verdict::kAdmitted);
  }
  keep.push_back(Conn());
  EXPECT_EQ(t.Add(keep.back(), "10.0.0.1", false, evicted), Verdict::kAddressFull);
  EXPECT_EQ(t.Add(keep.back(), "10.0.0.2", false, evicted), Verdict::kAdmitted);
  keep.push_back(Conn());
  EXPECT_EQ(t.Add(keep.back(), "10.0.0.3", false, evicted), Verdict::kSubnetFull);
  EXPECT_EQ(t.Add(keep.back(), "10.0.1.3", false, evicted), Verdict::kAdmitted);
  EXPECT_EQ(t.open(), 4);
  t.Remove(*keep[0]);
  keep.push_back(Conn());
  EXPECT_EQ(t.Add(keep.back(), "10.0.0.1", false, evicted), Verdict::kAdmitted);
}

TEST(ConnectionTableTest, AtTheCapTheOldestFreshConnectionIsEvicted) {
  ConnectionTable t({.total = 2, .per_address = 0, .per_subnet = 0, .ops = 1});
  bool evicted = false;
  auto a = Conn(), b = Conn(), c = Conn(), d = Conn();
  ASSERT_EQ(t.Add(a, "10.0.0.1", false, evicted), Verdict::kAdmitted);
  ASSERT_EQ(t.Add(b, "10.0.0.2", false, evicted), Verdict::kAdmitted);
  t.Active(*a);  // a sent a request: kept
  EXPECT_EQ(t.Add(c, "10.0.0.3", false, evicted), Verdict::kAdmitted);
  EXPECT_TRUE(evicted);
  EXPECT_TRUE(b->evicted);
  EXPECT_FALSE(a->evicted);
  t.Active(*c);
  EXPECT_EQ(t.Add(d, "10.0.0.4", false, evicted), Verdict::kFull);  // nobody to evict
  // The operator's room is its own.
  EXPECT_EQ(t.Add(d, "10.0.0.4", true, evicted), Verdict::kAdmitted);
}

TEST(ConnectionTableTest, AClientNamedByTheProxyCountsAgainstItsAddress) {
  ConnectionTable t({.total = 100, .per_address = 2, .per_subnet = 3, .ops = 1});
  bool evicted = false;
  std::vector<std::shared_ptr<FakeConnection>> via_proxy;
  for (int i = 0; i < 6; ++i) {
    via_proxy.push_back(Conn());
    ASSERT_EQ(t.Add(via_proxy.back(), "", false, evicted), Verdict::kAdmitted);  // the proxy
  }
  EXPECT_EQ(t.Name(*via_proxy[0], "192.0.2.7"), Verdict::kAdmitted);
  EXPECT_EQ(t.Name(*via_proxy[1], "192.0.2.7"), Verdict::kAdmitted);
  EXPECT_EQ(t.Name(*via_proxy[2], "192.0.2.7"), Verdict::kAddressFull);
  EXPECT_EQ(t.Name(*via_proxy[3], "192.0.2.8"), Verdict::kAdmitted);
  EXPECT_EQ(t.Name(*via_proxy[4], "192.0.2.9"), Verdict::kSubnetFull);
  // Refused ones stay counted until their connection closes.
  EXPECT_EQ(t.open(), 6);
  t.Remove(*via_proxy[2]);
  t.Remove(*via_proxy[4]);
  EXPECT_EQ(t.open(), 4);
  // A named connection that leaves frees its address's share.
  t.Remove(*via_proxy[0]);
  EXPECT_EQ(t.Name(*via_proxy[5], "192.0.2.7"), Verdict::kAdmitted);
  // Naming twice changes nothing.
  EXPECT_EQ(t.Name(*via_proxy[5], "192.0.2.9"), Verdict::kAdmitted);
  auto direct = Conn();
  EXPECT_EQ(t.Add(direct, "192.0.2.7", false, evicted), Verdict::kAddressFull);
}

}  // namespace
}  // namespace pupitre::http
