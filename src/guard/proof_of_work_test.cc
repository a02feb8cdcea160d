#include "guard/proof_of_work.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

namespace pupitre::guard {
namespace {

TimePoint At(int64_t ms) { return FromUnixMs(ms); }
MonoPoint Mono(int64_t s) { return MonoPoint(std::chrono::seconds(s)); }

// What the page does: count up until the hash has enough leading zero bits.
std::string Solve(const std::string& challenge, int bits) {
  for (uint64_t n = 0;; ++n) {
    std::string nonce = std::to_string(n);
    if (ProofBits(challenge, nonce) >= bits) return nonce;
  }
}

AttackOptions Small() {
  AttackOptions o;
  o.pow_bits = 8;
  o.challenge_ttl_ms = 1000;
  o.pass_ttl_ms = 10'000;
  return o;
}

class ProofOfWorkTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_GE(sodium_init(), 0); }
};

TEST_F(ProofOfWorkTest, ProofBitsCountsLeadingZeroBitsOfTheHash) {
  // Leading zero bits of SHA-256("abc:N"), counted independently with Python's hashlib:
  // [bits("abc", str(i)) for i in range(16)], and the first N below 200,000 with 13.
  const int expected[16] = {1, 0, 3, 4, 2, 0, 0, 0, 0, 1, 1, 0, 0, 0, 2, 0};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(ProofBits("abc", std::to_string(i)), expected[i]) << i;
  EXPECT_EQ(ProofBits("abc", "4959"), 13);
}

TEST_F(ProofOfWorkTest, ASolvedChallengeGivesAPassForThatAddressOnly) {
  ProofOfWork pow(Small(), "secret");
  const std::string c = pow.Challenge("10.0.0.1", At(5000));
  const std::string nonce = Solve(c, pow.bits());
  auto pass = pow.Redeem(c, nonce, "10.0.0.1", At(5500));
  ASSERT_TRUE(pass.ok()) << pass.error().message;
  EXPECT_TRUE(pow.Valid(*pass, "10.0.0.1", At(6000)));
  EXPECT_FALSE(pow.Valid(*pass, "10.0.0.2", At(6000)));    // bound to its address
  EXPECT_FALSE(pow.Valid(*pass, "10.0.0.1", At(16'000)));  // expired
  // Another address cannot redeem the challenge, even with the right nonce.
  EXPECT_FALSE(pow.Redeem(c, nonce, "10.0.0.2", At(5500)).ok());
}

TEST_F(ProofOfWorkTest, WrongNoncesExpiredAndForgedChallengesAreRefused) {
  ProofOfWork pow(Small(), "secret");
  const std::string c = pow.Challenge("10.0.0.1", At(5000));
  std::string wrong;
  for (uint64_t n = 0;; ++n) {
    wrong = std::to_string(n);
    if (ProofBits(c, wrong) < pow.bits()) break;
  }
  EXPECT_FALSE(pow.Redeem(c, wrong, "10.0.0.1", At(5500)).ok());
  const std::string nonce = Solve(c, pow.bits());
  EXPECT_FALSE(pow.Redeem(c, nonce, "10.0.0.1", At(6001)).ok());  // expired
  EXPECT_FALSE(pow.Redeem(c, "", "10.0.0.1", At(5500)).ok());
  // Asking for fewer bits breaks the signature.
  std::string easier = c;
  easier.replace(easier.find(".8."), 3, ".0.");
  EXPECT_FALSE(pow.Redeem(easier, "0", "10.0.0.1", At(5500)).ok());
  // Another key's challenge and passes are not ours.
  ProofOfWork other(Small(), "other");
  EXPECT_FALSE(other.Redeem(c, nonce, "10.0.0.1", At(5500)).ok());
  auto pass = pow.Redeem(c, nonce, "10.0.0.1", At(5500));
  ASSERT_TRUE(pass.ok());
  EXPECT_FALSE(other.Valid(*pass, "10.0.0.1", At(5500)));
  for (const std::string& junk : std::vector<std::string>{"", ".", "..", "1.2", "x.y.z.w", std::string(300, '1')}) {
    EXPECT_FALSE(pow.Redeem(junk, "1", "10.0.0.1", At(5500)).ok()) << junk;
    EXPECT_FALSE(pow.Valid(junk, "10.0.0.1", At(5500))) << junk;
  }
}

TEST_F(ProofOfWorkTest, TheSwitchEngagesAtOnceWhenOnAndNeverWhenOff) {
  AttackMode on(Small(), AttackMode::Switch::kOn);
  EXPECT_TRUE(on.Engaged());
  AttackMode off(Small(), AttackMode::Switch::kOff);
  for (int s = 0; s < 10; ++s) {
    for (int i = 0; i < 100'000; ++i) off.Note();
    off.Tick(Mono(s));
  }
  EXPECT_FALSE(off.Engaged());
  off.Set(AttackMode::Switch::kOn);
  EXPECT_TRUE(off.Engaged());
  EXPECT_EQ(off.status().mode, AttackMode::Switch::kOn);
}

TEST_F(ProofOfWorkTest, AutoEngagesAfterSustainedFloodAndReleasesAfterTheHold) {
  AttackOptions o = Small();
  o.auto_rate = 1000;
  o.auto_seconds = 3;
  o.auto_hold_ms = 10'000;
  AttackMode mode(o, AttackMode::Switch::kAuto);
  int64_t t = 0;
  auto second = [&](int requests) {
    for (int i = 0; i < requests; ++i) mode.Note();
    return mode.Tick(Mono(++t));
  };
  second(0);  // the first tick only starts the meter
  // A short burst (two seconds) is a rush, not an attack.
  second(5000);
  second(5000);
  second(10);
  EXPECT_FALSE(mode.Engaged());
  second(5000);
  second(5000);
  EXPECT_TRUE(second(5000));  // the third second above the threshold engages
  EXPECT_TRUE(mode.Engaged());
  EXPECT_NEAR(mode.status().anonymous_rate, 5000, 1);
  // Traffic between half the threshold and the threshold keeps it.
  for (int i = 0; i < 20; ++i) second(700);
  EXPECT_TRUE(mode.Engaged());
  // Low traffic for the hold releases it.
  for (int i = 0; i < 9; ++i) EXPECT_FALSE(second(10));
  EXPECT_TRUE(mode.Engaged());
  EXPECT_TRUE(second(10));
  EXPECT_FALSE(mode.Engaged());
  // The operator's "off" wins over the meter.
  for (int i = 0; i < 3; ++i) second(5000);
  EXPECT_TRUE(mode.Engaged());
  mode.Set(AttackMode::Switch::kOff);
  EXPECT_FALSE(mode.Engaged());
}

TEST_F(ProofOfWorkTest, SwitchNamesRoundTrip) {
  for (auto s : {AttackMode::Switch::kOff, AttackMode::Switch::kOn, AttackMode::Switch::kAuto}) {
    auto parsed = AttackMode::ParseSwitch(AttackMode::SwitchName(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_FALSE(AttackMode::ParseSwitch("yes").ok());
}

}  // namespace
}  // namespace pupitre::guard
