#include "guard/safe_exam_browser.h"

#include <gtest/gtest.h>

#include <string>

#include "guard/signing.h"
#include "testkit/memory_settings.h"

namespace pupitre::guard {
namespace {

const std::string kConfigKey(64, 'c');
const std::string kBrowserKey = std::string(63, 'b') + "1";
const std::string kUrl = "https://exams.example.org/api/exams/geo-final/start";

TEST(SafeExamBrowserTest, TheHashesOfEachKindGivenMustMatch) {
  // FIPS 180-2's vector: the hex is SHA-256's own.
  ASSERT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  testkit::MemorySettings settings;
  auto seb = SafeExamBrowser::Open(settings);
  ASSERT_TRUE(seb.ok());
  EXPECT_FALSE((*seb)->any());
  EXPECT_EQ((*seb)->Check("geo-final", {kUrl, "", ""}), SebVerdict::kPass) << "nothing required";

  auto keys = SafeExamBrowser::Normalise({" " + std::string(64, 'C') + "\n"}, {});
  ASSERT_TRUE(keys.ok()) << keys.error().message;
  EXPECT_EQ(keys->config_keys.at(0), kConfigKey) << "spaces dropped, lower case";
  ASSERT_TRUE((*seb)->Set("geo-final", *keys).ok());
  EXPECT_TRUE((*seb)->any());
  const std::string good = Sha256Hex(kUrl + kConfigKey);
  EXPECT_EQ((*seb)->Check("geo-final", {kUrl, good, ""}), SebVerdict::kPass);
  std::string upper = good;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ((*seb)->Check("geo-final", {kUrl, upper, ""}), SebVerdict::kPass) << "hex in any case";
  EXPECT_EQ((*seb)->Check("geo-final", {kUrl, "", ""}), SebVerdict::kMissing);
  EXPECT_EQ((*seb)->Check("geo-final", {kUrl + "?x", good, ""}), SebVerdict::kWrongConfig)
      << "the hash is of this very URL";
  EXPECT_EQ((*seb)->Check("geo-final", {kUrl, Sha256Hex(kUrl + kBrowserKey), ""}),
            SebVerdict::kWrongConfig);
  EXPECT_EQ((*seb)->Check("other-exam", {kUrl, "", ""}), SebVerdict::kPass);

  // Both kinds: both must match.
  ASSERT_TRUE((*seb)->Set("geo-final", {{kConfigKey}, {kBrowserKey}}).ok());
  EXPECT_EQ((*seb)->Check("geo-final", {kUrl, good, ""}), SebVerdict::kWrongBrowser);
  EXPECT_EQ((*seb)->Check("geo-final", {kUrl, good, Sha256Hex(kUrl + kBrowserKey)}),
            SebVerdict::kPass);

  // Kept in the settings: a restart finds them; lifting them lifts the check.
  auto again = SafeExamBrowser::Open(settings);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->KeysOf("geo-final").has_value());
  EXPECT_EQ((*again)->KeysOf("geo-final")->browser_exam_keys.at(0), kBrowserKey);
  ASSERT_TRUE((*again)->Set("geo-final", {}).ok());
  EXPECT_FALSE((*again)->any());
  EXPECT_EQ((*again)->Check("geo-final", {kUrl, "", ""}), SebVerdict::kPass);
}

TEST(SafeExamBrowserTest, BadKeysAndADamagedSettingAreRefused) {
  EXPECT_FALSE(SafeExamBrowser::Normalise({"abc"}, {}).ok());
  EXPECT_FALSE(SafeExamBrowser::Normalise({}, {std::string(64, 'g')}).ok());
  EXPECT_FALSE(SafeExamBrowser::Normalise(std::vector<std::string>(21, kConfigKey), {}).ok());
  auto dup = SafeExamBrowser::Normalise({kConfigKey, kConfigKey}, {});
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(dup->config_keys.size(), 1u);
  testkit::MemorySettings settings;
  ASSERT_TRUE(settings.Put(SafeExamBrowser::kSetting, "{not json").ok());
  EXPECT_FALSE(SafeExamBrowser::Open(settings).ok());
  ASSERT_TRUE(settings.Put(SafeExamBrowser::kSetting, R"({"e":{"config_keys":["short"]}})").ok());
  EXPECT_FALSE(SafeExamBrowser::Open(settings).ok());
}

}  // namespace
}  // namespace pupitre::guard
