#include "http/server.h"

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cassert>
#include <cstring>
#include <cerrno>
#include <future>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <deque>
#include <sstream>
#include <unordered_set>

namespace pupitre::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// Connection-level failures, in the API's one error shape.
Response ProtocolError(unsigned status, std::string_view code, std::string_view message) {
  Response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::cache_control, "no-store");
  boost::json::value v = {{"error", {{"code", code}, {"message", message}}}};
  res.body() = boost::json::serialize(v);
  res.keep_alive(false);
  res.prepare_payload();
  return res;
}

}  // namespace

class Connection final : public ResponseSink,
                         public TableEntry,
                         public std::enable_shared_from_this<Connection> {
 public:
  friend class EventStream;
  Connection(Server& server, tcp::socket socket, std::shared_ptr<ConnectionTable> table,
             bool ops)
      : server_(server), stream_(std::move(socket)), buffer_(64 * 1024), table_(std::move(table)) {
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      auto a = ep.address();
      if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
      }
      info_.remote_ip = a.to_string();
    }
    info_.ops = ops;
    server_.metrics_.open_connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~Connection() {
    table_->Remove(*this);
    server_.metrics_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  }

  const std::string& remote_ip() const { return info_.remote_ip; }

  void SetTrustedPeer(bool trusted) { info_.trusted_peer = trusted; }

  void Start() {
    if (info_.trusted_peer && server_.options_.proxy_protocol) return ReadProxyHeader();
    ReadHeader();
  }

  // TableEntry: closed to make room for a newcomer.
  void Evict() override {
    server_.metrics_.connections_evicted.fetch_add(1, std::memory_order_relaxed);
    asio::post(executor(), [self = shared_from_this()] { self->Close(); });
  }

  // Sends the response; runs on the connection's loop.
  void Send(Response&& res) {
    assert(!answered_);
    answered_ = true;
    keep_alive_ = res.keep_alive() && !server_.stopping_.load();
    res.keep_alive(keep_alive_);
    response_ = std::move(res);
    response_.prepare_payload();
    // A client that reads its answer slower than min_write_bytes_per_s is let go (slow read).
    stream_.expires_after(WithRate(server_.options_.write_timeout_ms, response_.body().size(),
                                   server_.options_.min_write_bytes_per_s));
    bhttp::async_write(stream_, response_,
                       [self = shared_from_this()](beast::error_code ec, size_t) {
                         self->OnWrite(ec);
                       });
  }

  // Writes `header`, then the file's part straight from the page cache (sendfile). On the loop.
  // The whole answer must be read within the write timeout plus its size at the minimum rate.
  void SendFile(Response&& header, FileBody file) {
    assert(!answered_);
    answered_ = true;
    keep_alive_ = header.keep_alive() && !server_.stopping_.load();
    header.keep_alive(keep_alive_);
    std::ostringstream os;
    os << header.base();
    file_head_ = os.str();
    file_ = std::move(file);
    file_deadline_ = std::chrono::steady_clock::now() +
                     WithRate(server_.options_.write_timeout_ms, file_.length + file_head_.size(),
                              server_.options_.min_write_bytes_per_s);
    stream_.expires_at(file_deadline_);
    asio::async_write(stream_, asio::buffer(file_head_),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->file_head_.clear();
                        if (ec) return self->EndFile(ec);
                        self->stream_.expires_never();
                        self->SendFilePart();
                      });
  }

  // Switches to an event stream: writes `header`, then whatever is pushed. On the loop.
  void StartStream(Response&& header) {
    assert(!answered_);
    answered_ = true;
    streaming_ = true;
    header.keep_alive(false);
    header.set(bhttp::field::content_type, "text/event-stream");
    header.set(bhttp::field::cache_control, "no-store");
    header.set("X-Accel-Buffering", "no");
    std::ostringstream os;
    os << header.base();
    out_.push_back(os.str());
    if (counted_in_flight_) {  // a stream is not a request in flight: shutdown need not wait
      counted_in_flight_ = false;
      server_.in_flight_.fetch_sub(1);
    }
    WriteNext();
    // Anything the client sends, or its going away, ends the stream.
    stream_.expires_never();
    stream_.socket().async_read_some(
        asio::buffer(drain_), [self = shared_from_this()](beast::error_code, size_t) {
          self->Close();
        });
    Heartbeat();
  }

  // Queues one event on a stream. On the loop.
  void PushEvent(std::string text) {
    if (!streaming_ || closed_ || ending_) return;
    if (out_.size() >= EventStream::kMaxQueued) return Close();  // too slow: let it go
    out_.push_back(std::move(text));
    if (!writing_) WriteNext();
  }

  bool closed() const { return closed_.load(); }

  // Ends a stream once every event queued so far is written (the last one is often the one
  // that matters: "admitted"). On the loop.
  void EndStream() {
    ending_ = true;
    if (!writing_) Close();
  }

  // Closes a connection that was never started (refused at accept).
  void Abort() {
    closed_ = true;
    beast::error_code ec;
    stream_.socket().close(ec);
  }

  // Closes the connection if it is waiting for a next request, or streams. On the loop.
  void CloseIfIdle() {
    if (streaming_) return Close();
    if (idle_) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.close();
    }
  }

  asio::any_io_executor executor() override { return stream_.get_executor(); }
  void MarkLoggedIn() override { logged_in_.store(true, std::memory_order_relaxed); }

  // ResponseSink: from any thread, onto the loop.
  void SendResponse(Response&& response) override {
    asio::post(executor(), [c = shared_from_this(), r = std::move(response)]() mutable {
      c->Send(std::move(r));
    });
  }
  void SendFileResponse(Response&& header, FileBody file) override {
    asio::post(executor(), [c = shared_from_this(), h = std::move(header),
                            f = std::move(file)]() mutable { c->SendFile(std::move(h), std::move(f)); });
  }
  std::shared_ptr<EventStream> OpenEventStream(Response&& header) override {
    asio::post(executor(), [c = shared_from_this(), h = std::move(header)]() mutable {
      c->StartStream(std::move(h));
    });
    return std::make_shared<EventStream>(weak_from_this());
  }

 private:
  // PROXY protocol v2 (HAProxy's send-proxy-v2): a 16-byte preamble, then the addresses. Read
  // exactly, so that nothing of the HTTP request behind it is taken.
  void ReadProxyHeader() {
    proxy_.resize(16);
    stream_.expires_after(std::chrono::milliseconds(server_.options_.header_timeout_ms));
    asio::async_read(stream_, asio::buffer(proxy_),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Close();
                       static constexpr unsigned char kSignature[12] = {
                           0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
                       const auto& p = self->proxy_;
                       if (std::memcmp(p.data(), kSignature, 12) != 0 || (p[12] >> 4) != 2) {
                         spdlog::warn("{}: not a PROXY v2 header from a trusted proxy; closed",
                                      self->info_.remote_ip);
                         return self->Close();
                       }
                       const size_t length = (size_t{p[14]} << 8) | p[15];
                       self->proxy_.resize(16 + length);
                       asio::async_read(
                           self->stream_, asio::buffer(self->proxy_.data() + 16, length),
                           [self](beast::error_code e, size_t) {
                             if (e) return self->Close();
                             self->OnProxyHeader();
                           });
                     });
  }

  void OnProxyHeader() {
    const auto& p = proxy_;
    const unsigned command = p[12] & 0x0F;  // 0: LOCAL (the proxy's own health check)
    const unsigned family = p[13];
    const size_t length = p.size() - 16;
    if (command == 1 && family == 0x11 && length >= 12) {  // TCP over IPv4
      asio::ip::address_v4::bytes_type b;
      std::memcpy(b.data(), p.data() + 16, 4);
      info_.remote_ip = asio::ip::address_v4(b).to_string();
    } else if (command == 1 && family == 0x21 && length >= 36) {  // TCP over IPv6
      asio::ip::address_v6::bytes_type b;
      std::memcpy(b.data(), p.data() + 16, 16);
      auto a = asio::ip::address_v6(b);
      info_.remote_ip = a.is_v4_mapped()
                            ? asio::ip::make_address_v4(asio::ip::v4_mapped, a).to_string()
                            : a.to_string();
    }
    info_.trusted_peer = false;  // the client is named: no header may rename it
    if (command == 1 && table_->Name(*this, info_.remote_ip) != ConnectionTable::Verdict::kAdmitted) {
      // That client already holds its address's (or network's) share, through the proxy.
      server_.metrics_.connections_rejected_address.fetch_add(1, std::memory_order_relaxed);
      return Close();
    }
    proxy_.clear();
    proxy_.shrink_to_fit();
    ReadHeader();
  }

  // A timeout plus the time `bytes` take at `rate` bytes a second.
  static std::chrono::milliseconds WithRate(int64_t base_ms, uint64_t bytes, int64_t rate) {
    const uint64_t extra = rate > 0 ? bytes * 1000 / static_cast<uint64_t>(rate) : 0;
    return std::chrono::milliseconds(base_ms + static_cast<int64_t>(std::min<uint64_t>(
                                                   extra, 24ull * 3600 * 1000)));
  }

  // Waits for the next request's first byte: a new connection for first_byte_timeout_ms, a
  // kept-alive one for the idle timeout (shorter for clients not logged in). Then the whole
  // header must come within header_timeout_ms of that first byte.
  void ReadHeader() {
    if (server_.stopping_.load()) return Close();
    idle_ = true;
    answered_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(server_.options_.max_header_bytes));
    // No body limit while the header is read: Beast would check its 1 MB default against the
    // Content-Length before the route's own limit is known. OnHeader sets the route's.
    parser_->body_limit(boost::none);
    if (buffer_.size() > 0) return ReadRestOfHeader();  // pipelined: it is here already
    const auto& o = server_.options_;
    const int64_t wait_ms = request_number_ == 0 ? o.first_byte_timeout_ms
                            : logged_in_.load(std::memory_order_relaxed)
                                ? o.idle_timeout_ms
                                : o.anonymous_idle_timeout_ms;
    stream_.expires_after(std::chrono::milliseconds(wait_ms));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->OnReadError(ec);
                              self->ReadRestOfHeader();
                            });
  }

  void ReadRestOfHeader() {
    idle_ = false;
    stream_.expires_after(std::chrono::milliseconds(server_.options_.header_timeout_ms));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               self->OnHeader(ec);
                             });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    // Request smuggling: a body framed in any way but exactly "chunked", or framed twice, is
    // refused and the connection closed (a proxy in front might read it otherwise).
    const auto& header = parser_->get();
    const auto te = header.find(bhttp::field::transfer_encoding);
    if (te != header.end()) {
      if (!beast::iequals(te->value(), "chunked") ||
          header.count(bhttp::field::transfer_encoding) > 1 ||
          header.count(bhttp::field::content_length) > 0) {
        return Send(ProtocolError(400, "bad_request",
                                  "Transfer-Encoding must be exactly \"chunked\", alone"));
      }
    }
    const HeaderDecision decision = server_.on_header_(parser_->get().base());
    const uint64_t limit = decision.body_limit;
    info_.route = decision.route;
    parser_->body_limit(limit);
    auto length = parser_->content_length();
    // Checked here, before any body is read: Beast's string body would otherwise reserve the
    // whole declared length at once (found by fuzz/http_request_fuzz.cc).
    if (length && *length > limit) return OnReadError(bhttp::error::body_limit);
    // The body at min_body_bytes_per_s at least (slow POST); a chunked one is given the time
    // of the route's whole limit.
    stream_.expires_after(WithRate(server_.options_.read_timeout_ms, length ? *length : limit,
                                   server_.options_.min_body_bytes_per_s));
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->OnBody(ec);
                      });
  }

  void OnBody(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    server_.in_flight_.fetch_add(1);
    counted_in_flight_ = true;
    if (request_number_++ == 0) table_->Active(*this);
    server_.handler_(parser_->release(), info_, Responder(shared_from_this()));
    if (!answered_) WatchPeer();
  }

  // While a request is handled nothing reads the socket: watch it, so that a client that closes
  // its connection (a login it gave up on) is seen at once and its work can be dropped.
  void WatchPeer() {
    stream_.socket().async_wait(
        tcp::socket::wait_read,
        [self = shared_from_this(), n = request_number_](beast::error_code ec) {
          if (ec || n != self->request_number_ || self->answered_) return;
          char byte;
          const ssize_t got = ::recv(self->stream_.socket().native_handle(), &byte, 1,
                                     MSG_PEEK | MSG_DONTWAIT);
          if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
            self->peer_gone_.store(true);
          }
          // got > 0: the client sent its next request already (pipelining); it is still there.
        });
  }

  bool client_gone() const override { return peer_gone_.load(); }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return Send(ProtocolError(413, "too_large", "the request body is larger than this route accepts"));
    }
    if (ec == bhttp::error::header_limit) {
      return Send(ProtocolError(431, "header_too_large", "the request header is too large"));
    }
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) {
      return Close();
    }
    if (ec.category() == beast::error_code(bhttp::error::bad_target).category()) {
      return Send(ProtocolError(400, "bad_request", "malformed HTTP request: " + ec.message()));
    }
    Close();
  }

  void OnWrite(beast::error_code ec) {
    if (counted_in_flight_) {
      counted_in_flight_ = false;
      server_.in_flight_.fetch_sub(1);
    }
    if (ec || !keep_alive_) return Close();
    ReadHeader();
  }

  void Close() {
    if (closed_.exchange(true)) return;
    heartbeat_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  void WriteNext() {
    if (out_.empty() || closed_) {
      writing_ = false;
      if (ending_) Close();
      return;
    }
    writing_ = true;
    stream_.expires_after(std::chrono::milliseconds(server_.options_.write_timeout_ms));
    asio::async_write(stream_, asio::buffer(out_.front()),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->stream_.expires_never();
                        if (ec) return self->Close();
                        self->out_.pop_front();
                        self->WriteNext();
                      });
  }

  // Sends what is left of the file: as much as the socket takes now, then waits until it
  // takes more, within the answer's deadline (a reader too slow is let go).
  void SendFilePart() {
    auto& socket = stream_.socket();
    beast::error_code ec;
    socket.native_non_blocking(true, ec);
    if (ec) return EndFile(ec);
    while (file_.length > 0) {
      off_t offset = static_cast<off_t>(file_.offset);
      const size_t want = static_cast<size_t>(std::min<uint64_t>(file_.length, 1 << 20));
      const ssize_t n = ::sendfile(socket.native_handle(), file_.fd, &offset, want);
      if (n > 0) {
        file_.offset += static_cast<uint64_t>(n);
        file_.length -= static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (std::chrono::steady_clock::now() >= file_deadline_) {
          return EndFile(beast::error::timeout);
        }
        heartbeat_.expires_at(file_deadline_);
        heartbeat_.async_wait([self = shared_from_this()](beast::error_code tec) {
          if (!tec) self->stream_.socket().cancel();  // the deadline: the wait below ends
        });
        socket.async_wait(tcp::socket::wait_write,
                          [self = shared_from_this()](beast::error_code wec) {
                            self->heartbeat_.cancel();
                            if (wec) return self->EndFile(wec);
                            self->SendFilePart();
                          });
        return;
      }
      // 0 bytes: the file is shorter than it said (cut under us); anything else: an error.
      return EndFile(n == 0 ? beast::error_code(asio::error::eof)
                            : beast::error_code(errno, beast::system_category()));
    }
    EndFile({});
  }

  void EndFile(beast::error_code ec) {
    file_ = FileBody{};  // the file is closed by its owner once nothing holds it
    OnWrite(ec);
  }

  void Heartbeat() {
    heartbeat_.expires_after(std::chrono::milliseconds(server_.options_.heartbeat_ms));
    heartbeat_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      self->PushEvent(": heartbeat\n\n");
      self->Heartbeat();
    });
  }

  Server& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<ConnectionTable> table_;
  RequestInfo info_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Response response_;
  bool idle_ = true;
  bool keep_alive_ = true;
  bool answered_ = false;
  bool counted_in_flight_ = false;
  uint64_t request_number_ = 0;           // which request a peer watch belongs to
  std::atomic<bool> peer_gone_{false};    // the client closed while its request was handled
  std::atomic<bool> logged_in_{false};    // MarkLoggedIn: kept idle longer
  // Event stream state.
  bool streaming_ = false;
  bool writing_ = false;
  bool ending_ = false;  // EndStream() was called: close once out_ is written
  std::atomic<bool> closed_{false};  // read from other threads by EventStream::closed()
  std::deque<std::string> out_;
  char drain_[256];
  std::vector<unsigned char> proxy_;  // the PROXY v2 header while it is read
  // A file being sent (SendFile): its header, what is left of it, and when it must be done.
  std::string file_head_;
  FileBody file_;
  std::chrono::steady_clock::time_point file_deadline_;
  asio::steady_timer heartbeat_{stream_.get_executor()};
};


void ResponseSink::SendFileResponse(Response&& header, FileBody file) {
  std::string body(file.length, '\0');
  size_t got = 0;
  while (got < body.size()) {
    const ssize_t n = ::pread(file.fd, body.data() + got, body.size() - got,
                              static_cast<off_t>(file.offset + got));
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  body.resize(got);
  header.body() = std::move(body);
  SendResponse(std::move(header));
}

bool EventStream::Push(std::string_view event, std::string_view data) const {
  auto c = conn_.lock();
  if (!c) return false;
  std::string text = fmt::format("event: {}\ndata: {}\n\n", event, data);
  asio::post(c->executor(), [c, t = std::move(text)]() mutable { c->PushEvent(std::move(t)); });
  return true;
}

bool EventStream::closed() const {
  auto c = conn_.lock();
  return !c || c->closed();
}

void EventStream::Close() const {
  if (auto c = conn_.lock()) asio::post(c->executor(), [c] { c->EndStream(); });
}

Server::Server(ServerOptions options, Handler handler, HeaderHook on_header, Metrics& metrics)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      on_header_(std::move(on_header)),
      metrics_(metrics),
      table_(std::make_shared<ConnectionTable>(
          ConnectionLimits{options_.max_connections, options_.max_connections_per_address,
                           options_.max_connections_per_subnet, options_.max_ops_connections})) {
  if (options_.threads <= 0) {
    options_.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  for (int i = 0; i < options_.threads; ++i) {
    contexts_.push_back(std::make_unique<asio::io_context>(1));
  }
  ops_.ops = true;
}

Server::~Server() { Stop(0); }

Status Server::Listen(Listener& l, const std::string& host, uint16_t port, uint16_t& bound) {
  beast::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Error::Invalid("bad listen address '" + host + "'");
  tcp::endpoint ep(address, port);
  l.acceptor = std::make_unique<tcp::acceptor>(*contexts_[0]);
  l.acceptor->open(ep.protocol(), ec);
  if (!ec) l.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) l.acceptor->bind(ep, ec);
  if (!ec) l.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error::Unavailable(fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
  bound = l.acceptor->local_endpoint().port();
  l.backoff = std::make_unique<asio::steady_timer>(*contexts_[0]);
  return OkStatus();
}

Status Server::Start() {
  if (auto s = Listen(public_, options_.host, options_.port, bound_port_); !s.ok()) return s;
  if (!options_.ops_host.empty()) {
    if (auto s = Listen(ops_, options_.ops_host, options_.ops_port, ops_bound_port_); !s.ok()) {
      return s;
    }
    Accept(ops_);
  }
  Accept(public_);
  for (auto& ctx : contexts_) {
    threads_.emplace_back([c = ctx.get()] {
      auto guard = asio::make_work_guard(*c);
      c->run();
    });
  }
  return OkStatus();
}

void Server::Accept(Listener& l) {
  asio::io_context& target = *contexts_[next_context_];
  next_context_ = (next_context_ + 1) % contexts_.size();
  l.acceptor->async_accept(target, [this, &l](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !l.acceptor->is_open()) return;
    if (!ec) {
      OnAccepted(l, std::move(socket));
      return Accept(l);
    }
    // Out of descriptors (EMFILE/ENFILE) or another failure: retrying at once would spin a
    // core and flood the log. Back off a little, and say it once a second with a count.
    ++l.failures;
    const auto now = std::chrono::steady_clock::now();
    if (now - l.last_warning >= std::chrono::seconds(1)) {
      spdlog::warn("accept failed {} times since the last warning ({}); backing off", l.failures,
                   ec.message());
      l.failures = 0;
      l.last_warning = now;
    }
    l.backoff->expires_after(std::chrono::milliseconds(50));
    l.backoff->async_wait([this, &l](beast::error_code e) {
      if (!e && l.acceptor->is_open()) Accept(l);
    });
  });
}

void Server::OnAccepted(Listener& l, tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto executor = socket.get_executor();
  auto conn = std::make_shared<Connection>(*this, std::move(socket), table_, l.ops);
  bool evicted = false;
  const bool via_proxy = options_.trusted_proxies.Contains(conn->remote_ip());
  conn->SetTrustedPeer(via_proxy);
  switch (table_->Add(conn, via_proxy ? std::string() : conn->remote_ip(), l.ops, evicted)) {
    case ConnectionTable::Verdict::kAdmitted:
      asio::post(executor, [conn] { conn->Start(); });
      return;
    case ConnectionTable::Verdict::kFull:
      metrics_.connections_rejected.fetch_add(1, std::memory_order_relaxed);
      break;
    case ConnectionTable::Verdict::kAddressFull:
    case ConnectionTable::Verdict::kSubnetFull:
      metrics_.connections_rejected_address.fetch_add(1, std::memory_order_relaxed);
      break;
  }
  conn->Abort();  // refused: closed now, on this thread (it never started)
}

void Server::Stop(int64_t grace_ms) {
  if (stopped_.exchange(true)) return;
  stopping_ = true;
  if (public_.acceptor) {
    std::promise<void> closed;
    asio::post(*contexts_[0], [&] {
      for (Listener* l : {&public_, &ops_}) {
        beast::error_code ec;
        if (l->acceptor) l->acceptor->close(ec);
        if (l->backoff) l->backoff->cancel();
      }
      closed.set_value();
    });
    if (!threads_.empty()) closed.get_future().wait();
  }
  table_->ForEach([](const std::shared_ptr<TableEntry>& e) {
    auto c = std::static_pointer_cast<Connection>(e);
    asio::post(c->executor(), [w = c->weak_from_this()] {
      if (auto s = w.lock()) s->CloseIfIdle();
    });
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

Response MakeJsonResponse(const Request& req, unsigned status, std::string body) {
  Response res{static_cast<bhttp::status>(status), req.version()};
  res.set(bhttp::field::content_type, "application/json");
  res.set(bhttp::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  return res;
}

}  // namespace pupitre::http
