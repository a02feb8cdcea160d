#include "live/bbb_api.h"

#include <gtest/gtest.h>

namespace pupitre::live {
namespace {

TEST(BbbApiTest, TheChecksumIsTheDocumentationsExample) {
  // BigBlueButton's API documentation, "Usage": create with this query and secret.
  EXPECT_EQ(Checksum(ChecksumAlgo::kSha1, "create",
                     "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444",
                     "639259d4-9dd8-4b25-bf01-95f9567eaf4b"),
            "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17");
  // sha256("getMeetings" + "" + "shared-secret"), from sha256sum.
  EXPECT_EQ(Checksum(ChecksumAlgo::kSha256, "getMeetings", "", "shared-secret"),
            "9d1bb08178363f018a435d2c5455a03ed03aa31af13cde5295cbd98ddc47ce86");
  EXPECT_EQ(Checksum(ChecksumAlgo::kSha512, "x", "", "y").size(), 128u);
}

TEST(BbbApiTest, QueriesAreEncodedAndSignedAsSent) {
  EXPECT_EQ(QueryString({{"fullName", "Zoé Müller & co"}, {"meetingID", "a-b_c.d~e"}}),
            "fullName=Zo%C3%A9%20M%C3%BCller%20%26%20co&meetingID=a-b_c.d~e");
  const std::string url = SignedUrl("https://bbb.example.org/bigbluebutton/api/",
                                    ChecksumAlgo::kSha1, "s3cret", "isMeetingRunning",
                                    {{"meetingID", "m 1"}});
  EXPECT_EQ(url, "https://bbb.example.org/bigbluebutton/api/isMeetingRunning?meetingID=m%201"
                 "&checksum=" +
                     Checksum(ChecksumAlgo::kSha1, "isMeetingRunning", "meetingID=m%201", "s3cret"));
  EXPECT_EQ(SignedUrl("http://h/api/", ChecksumAlgo::kSha256, "k", "getMeetings", {}),
            "http://h/api/getMeetings?checksum=" +
                Checksum(ChecksumAlgo::kSha256, "getMeetings", "", "k"));
  EXPECT_EQ(ParseChecksumAlgo("sha384"), ChecksumAlgo::kSha384);
  EXPECT_FALSE(ParseChecksumAlgo("md5"));
}

TEST(BbbApiTest, AnswersAreRead) {
  auto created = ParseAnswer(R"(<response><returncode>SUCCESS</returncode>
    <meetingID>m1</meetingID><createTime>1700000000123</createTime>
    <messageKey>duplicateWarning</messageKey><message>exists</message></response>)");
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->success);
  EXPECT_EQ(created->create_time, 1700000000123);
  EXPECT_EQ(created->message_key, "duplicateWarning");

  auto info = ParseAnswer(R"(<response><returncode>SUCCESS</returncode><running>true</running>
    <attendees><attendee><userID>12</userID><fullName>Ana</fullName><role>VIEWER</role></attendee>
    <attendee><userID>3</userID><fullName>Prof</fullName><role>MODERATOR</role></attendee>
    </attendees></response>)");
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->running);
  ASSERT_EQ(info->attendees.size(), 2u);
  EXPECT_EQ(info->attendees[0].user_id, "12");
  EXPECT_EQ(info->attendees[1].role, "MODERATOR");

  auto recs = ParseAnswer(R"(<response><returncode>SUCCESS</returncode><recordings>
    <recording><recordID>r1</recordID><published>true</published><startTime>10</startTime>
    <endTime>20</endTime><playback><format><type>presentation</type>
    <url>https://bbb/playback/r1</url></format></playback></recording></recordings></response>)");
  ASSERT_TRUE(recs.ok());
  ASSERT_EQ(recs->recordings.size(), 1u);
  EXPECT_EQ(recs->recordings[0].playback_url, "https://bbb/playback/r1");
  EXPECT_TRUE(recs->recordings[0].published);
  EXPECT_EQ(recs->recordings[0].end_ms, 20);

  auto refused = ParseAnswer(R"(<response><returncode>FAILED</returncode>
    <messageKey>checksumError</messageKey><message>bad</message></response>)");
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->success);
  EXPECT_EQ(refused->message_key, "checksumError");

  EXPECT_FALSE(ParseAnswer("<html>502 Bad Gateway</html>").ok());
  EXPECT_FALSE(ParseAnswer("not xml <").ok());
  auto entity = ParseAnswer(R"(<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <response><returncode>&x;</returncode></response>)");
  EXPECT_TRUE(!entity.ok() || !entity->success) << "no entity is read from outside";
}

}  // namespace
}  // namespace pupitre::live
