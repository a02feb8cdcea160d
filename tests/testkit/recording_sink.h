#pragma once
// Test support: an http::ResponseSink that keeps every response instead of writing it, for
// in-process tests of the API layer. Its executor is a test's io_context: run it (poll()) after
// each request so that work posted back to "the connection's loop" completes; with one thread
// polling, everything is single-threaded.

#include <boost/asio/io_context.hpp>
#include <cassert>
#include <memory>
#include <mutex>
#include <vector>

#include "http/server.h"

namespace pupitre::testkit {

class RecordingSink final : public http::ResponseSink {
 public:
  // REQUIRES: `loop` outlives the sink.
  explicit RecordingSink(boost::asio::io_context& loop) : loop_(loop) {}

  void SendResponse(http::Response&& response) override {
    std::lock_guard lock(mu_);
    responses_.push_back(std::move(response));
  }
  std::shared_ptr<http::EventStream> OpenEventStream(http::Response&& header) override {
    SendResponse(std::move(header));
    return std::make_shared<http::EventStream>(std::weak_ptr<http::Connection>());
  }
  boost::asio::any_io_executor executor() override { return loop_.get_executor(); }

  // How many responses were sent so far (a request must be answered exactly once).
  size_t count() const {
    std::lock_guard lock(mu_);
    return responses_.size();
  }
  // The last response. REQUIRES: count() > 0.
  http::Response last() const {
    std::lock_guard lock(mu_);
    assert(!responses_.empty());
    return responses_.back();
  }

 private:
  boost::asio::io_context& loop_;
  mutable std::mutex mu_;
  std::vector<http::Response> responses_;
};

}  // namespace pupitre::testkit
