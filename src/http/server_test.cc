#include "http/server.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testkit/http_client.h"

namespace pupitre::http {
namespace {

// A server whose every request opens an event stream, pushes `events` events of `size` bytes,
// and closes it at once.
class StreamServer {
 public:
  StreamServer(int events, size_t size) {
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    server_ = std::make_unique<Server>(
        o,
        [events, size](Request&& req, const RequestInfo&, Responder r) {
          auto stream = r.OpenStream(Response{boost::beast::http::status::ok, req.version()});
          for (int i = 0; i < events; ++i) {
            stream->Push("part", std::to_string(i) + ":" + std::string(size, 'x'));
          }
          stream->Push("last", "done");
          stream->Close();
        },
        [](const RequestHeader&) { return HeaderDecision{1024, -1}; }, metrics_);
    EXPECT_TRUE(server_->Start().ok());
  }
  ~StreamServer() { server_->Stop(1000); }
  uint16_t port() const { return server_->port(); }

 private:
  Metrics metrics_;
  std::unique_ptr<Server> server_;
};

// Reads the stream at "/" until the server closes it; the names of its events, in order.
std::vector<std::string> EventNames(uint16_t port) {
  testkit::HttpClient client(port);
  std::vector<std::string> names;
  int status = client.ReadEvents("/", {}, [&](const testkit::HttpClient::Event& e) {
    names.push_back(e.name);
    return true;
  });
  EXPECT_EQ(status, 200);
  return names;
}

TEST(EventStreamTest, ClosingRightAfterPushingStillDeliversEveryEvent) {
  // 16 events of 256 KB cannot be written before the close is handled: the close must wait for
  // them (it used to cut the stream, losing the last event, which is the one that says
  // "admitted" in a waiting room).
  StreamServer s(16, 256 * 1024);
  const std::vector<std::string> names = EventNames(s.port());
  ASSERT_EQ(names.size(), 17u);
  EXPECT_EQ(names.back(), "last");
}

TEST(EventStreamTest, ClosingRightAfterOneSmallEventDeliversItAndEndsTheStream) {
  StreamServer s(0, 0);
  EXPECT_EQ(EventNames(s.port()), std::vector<std::string>{"last"});
}

}  // namespace
}  // namespace pupitre::http
