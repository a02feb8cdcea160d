#pragma once
// The HTTP/1.1 server: one event loop per core, one acceptor handing connections round-robin to
// the loops, keep-alive, strict header/body limits and timeouts, graceful stop.
// It knows sockets and HTTP only; what a request means is the Handler's business.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/net.h"
#include "common/result.h"
#include "http/connection_table.h"

namespace pupitre::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using RequestHeader = boost::beast::http::request_header<>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

class Connection;

// Answers one request, exactly once, from any thread. Copyable; the connection stays alive until
// the response is sent. Sending twice is a bug (asserted).
// A server-sent events stream, opened on a request by Responder::OpenStream. Thread-safe.
// Memory is bounded: a client that does not read falls behind by at most kMaxQueued events,
// then its stream is closed. A comment line is sent every heartbeat so dead peers are found.
class EventStream {
 public:
  static constexpr size_t kMaxQueued = 32;
  explicit EventStream(std::weak_ptr<Connection> c) : conn_(std::move(c)) {}
  // Queues one event: `event` names it, `data` is one line (no newline). False once closed.
  bool Push(std::string_view event, std::string_view data) const;
  // True once the client went away, was too slow, or the stream was closed.
  bool closed() const;
  // Ends the stream after the events already pushed are written (none is lost).
  void Close() const;

 private:
  std::weak_ptr<Connection> conn_;
};

// A part of an open file, sent as a response's body without passing through memory (sendfile).
// `owner` keeps the descriptor open until the part is sent.
struct FileBody {
  std::shared_ptr<const void> owner;
  int fd = -1;
  uint64_t offset = 0;
  uint64_t length = 0;  // 0: none (a HEAD, a 304)
};

// Where a request's answer goes: its connection, or a test's recorder. Thread-safe.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // Sends the response (from any thread; it is written on the connection's loop).
  virtual void SendResponse(Response&& response) = 0;
  // Sends `header` (its Content-Length set by the caller; its body ignored), then the file's
  // part. This default reads the part into the body (a test's recorder); a connection sends it
  // from the file.
  virtual void SendFileResponse(Response&& header, FileBody file);
  // Answers with `header` (its body is ignored) and keeps the connection open for events.
  virtual std::shared_ptr<EventStream> OpenEventStream(Response&& header) = 0;
  // The executor of the connection's event loop, for work that must run there.
  virtual boost::asio::any_io_executor executor() = 0;
  // True once the client closed its connection while its request was being handled (nobody
  // will read the answer: expensive work for it can be dropped). From any thread.
  virtual bool client_gone() const { return false; }
  // The client is logged in: its connection may stay idle for the full idle timeout, not the
  // shorter one of anonymous clients. From any thread.
  virtual void MarkLoggedIn() {}
};

class Responder {
 public:
  explicit Responder(std::shared_ptr<ResponseSink> sink) : sink_(std::move(sink)) {}
  void Send(Response&& response) const { sink_->SendResponse(std::move(response)); }
  void SendFile(Response&& header, FileBody file) const {
    sink_->SendFileResponse(std::move(header), std::move(file));
  }
  // Answers with `header` (its body is ignored) and keeps the connection open for events.
  std::shared_ptr<EventStream> OpenStream(Response&& header) const {
    return sink_->OpenEventStream(std::move(header));
  }
  // The executor of the connection's event loop, for work that must run there.
  boost::asio::any_io_executor executor() const { return sink_->executor(); }
  bool client_gone() const { return sink_->client_gone(); }
  void MarkLoggedIn() const { sink_->MarkLoggedIn(); }

 private:
  std::shared_ptr<ResponseSink> sink_;
};

struct RequestInfo {
  // The socket's peer; behind a trusted proxy speaking PROXY v2, the client it names.
  std::string remote_ip;
  // What the application's HeaderHook chose for this request (its route), or -1. Opaque here.
  int32_t route = -1;
  bool ops = false;  // came in on the operator's listener (ServerOptions::ops_port)
  // The peer is a trusted proxy that did not name the client by PROXY v2: its
  // X-Forwarded-For header may be believed (the application decides).
  bool trusted_peer = false;
};

// Handles one complete request. Called on an event-loop thread; must not block it: long work
// goes to a worker pool, and the Responder answers from there.
using Handler = std::function<void(Request&& request, const RequestInfo& info, Responder)>;

// What the application decides from a request's header, before its body is read: the largest
// body it accepts (per-route limits) and an opaque tag handed back in RequestInfo::route, so
// that a request is routed once.
struct HeaderDecision {
  uint64_t body_limit = 0;
  int32_t route = -1;
};
using HeaderHook = std::function<HeaderDecision(const RequestHeader& header)>;

// The HTTP server's options: part of the [server] section of the configuration (config/config.h
// composes this struct; its defaults are written here only).
struct ServerOptions {
  std::string host = "127.0.0.1";  // from [server] listen = "host:port"
  uint16_t port = 8080;            // 0: any free port (see Server::port())
  int threads = 0;                 // [server] threads: event loops; 0 = one per core
  int64_t max_header_bytes = 8 * 1024;  // [server] max_header_bytes
  // Timeouts. A new connection must send its first byte within first_byte_timeout_ms; a
  // header, once begun, must be complete within header_timeout_ms (slowloris); a body within
  // read_timeout_ms plus its size at min_body_bytes_per_s (slow POST); a response must be read
  // within write_timeout_ms plus its size at min_write_bytes_per_s (slow read). Between
  // requests, a logged-in client's connection is kept idle_timeout_ms, anyone else's
  // anonymous_idle_timeout_ms.
  int64_t first_byte_timeout_ms = 10'000;      // [server] first_byte_timeout_ms
  int64_t header_timeout_ms = 10'000;          // [server] header_timeout_ms
  int64_t read_timeout_ms = 15'000;            // [server] read_timeout_ms
  int64_t min_body_bytes_per_s = 16 * 1024;    // [server] min_body_bytes_per_s
  int64_t write_timeout_ms = 15'000;           // [server] write_timeout_ms
  int64_t min_write_bytes_per_s = 16 * 1024;   // [server] min_write_bytes_per_s
  int64_t idle_timeout_ms = 75'000;            // [server] idle_timeout_ms
  int64_t anonymous_idle_timeout_ms = 15'000;  // [server] anonymous_idle_timeout_ms
  // Connection caps (connection_table.h). Past max_connections, the oldest connection that has
  // not sent a complete request is closed to make room.
  int64_t max_connections = 20'000;             // [server] max_connections
  int64_t max_connections_per_address = 2'000;  // [server] max_connections_per_address; 0: none
  int64_t max_connections_per_subnet = 8'000;   // [server] max_connections_per_subnet; 0: none
  // The operator's listener: /healthz, /readyz and /metrics only, with room of its own, so
  // that they answer whatever the public listener suffers. From [server] ops_listen
  // ("host:port"); ops_port 0 with ops_host empty: none.
  std::string ops_host;
  uint16_t ops_port = 0;
  int64_t max_ops_connections = 64;             // [server] max_ops_connections
  // Behind a proxy: the proxies whose word on the client's address is trusted
  // ([server] trusted_proxies), and whether they send a PROXY protocol v2 header first
  // ([server] proxy_protocol, HAProxy's send-proxy-v2). Connections from trusted proxies are
  // not capped per address (the proxy is many clients).
  AddressSet trusted_proxies;
  bool proxy_protocol = false;
  int64_t heartbeat_ms = 15'000;        // event streams: a comment line this often
};

class Server {
 public:
  // REQUIRES: `metrics` outlives the server.
  Server(ServerOptions options, Handler handler, HeaderHook on_header, Metrics& metrics);
  ~Server();

  // Binds and starts the event loops. Fails if the address cannot be bound.
  Status Start();
  // The bound port (useful with port 0). REQUIRES: Start() succeeded.
  uint16_t port() const { return bound_port_; }
  // The operator listener's bound port, or 0 when there is none.
  uint16_t ops_port() const { return ops_bound_port_; }
  // Stops accepting, closes idle connections, waits up to `grace_ms` for requests in flight,
  // then stops the loops and joins them. Thread-safe; idempotent.
  void Stop(int64_t grace_ms);
  // Requests being handled right now (read, not yet answered).
  int64_t in_flight() const { return in_flight_.load(); }

  // The first event loop, for timers owned by the application.
  boost::asio::io_context& main_context() { return *contexts_[0]; }

 private:
  friend class Connection;
  struct Listener {
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
    // After a failed accept: a short pause, and one warning a second (on the first loop).
    std::unique_ptr<boost::asio::steady_timer> backoff;
    uint64_t failures = 0;
    std::chrono::steady_clock::time_point last_warning{};
    bool ops = false;
  };
  Status Listen(Listener& l, const std::string& host, uint16_t port, uint16_t& bound);
  void Accept(Listener& l);
  void OnAccepted(Listener& l, boost::asio::ip::tcp::socket socket);

  ServerOptions options_;
  Handler handler_;
  HeaderHook on_header_;
  Metrics& metrics_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<std::thread> threads_;
  std::shared_ptr<ConnectionTable> table_;  // shared: a connection may outlive the server
  Listener public_;
  Listener ops_;
  size_t next_context_ = 0;
  uint16_t bound_port_ = 0;
  uint16_t ops_bound_port_ = 0;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopped_{false};
};

// A JSON response with the given status and body, keep-alive as the request asked.
Response MakeJsonResponse(const Request& req, unsigned status, std::string body);

}  // namespace pupitre::http
