// Beast plumbing for the registry server (see server.h).
//
// Per request the hot path costs: one parse of the request head (Beast's parser, a new
// one per request as Beast requires), the RestApi answer, and one gathered write of a
// head we format ourselves plus the body. Deadlines (idle keep-alive, slow writes, TLS
// handshakes) are not per-operation timers: each session stores a deadline and a sweep
// once a second closes the sessions past it, so no timer is armed or cancelled per
// request. A registration that waits for its group commit is answered when the
// registry's commit thread hands the answer back to the session's thread.
#include "registry/server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fmt/format.h>

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "registry/metrics.h"

namespace sluice::registry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

int default_io_threads() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
}

struct SessionBase {
  virtual ~SessionBase() = default;
  virtual void close_if_idle() = 0;
  // Closes the session, on its own thread, if its deadline is before `now`.
  virtual void check_deadline(Clock::time_point now) = 0;
};

struct Server::Impl {
  ServerOptions options;
  SchemaRegistry& registry;
  RestApi api;
  Metrics metrics;
  // Declared before the io_contexts: destroying a context destroys the handlers still
  // queued on it, which may hold the last reference to a session, whose destructor
  // unregisters itself here. These must outlive the contexts.
  std::mutex sessions_mu;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  // One io_context per worker thread: a connection lives on one thread, so its
  // operations need no strand and the scheduler no cross-thread locking.
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  std::size_t next_ioc = 0;
  asio::io_context& ioc;
  tcp::acceptor acceptor{ioc};
  std::optional<ssl::context> tls;
  std::atomic<bool> stopping{false};
  std::FILE* access_log = nullptr;
  bool own_log = false;
  std::mutex log_mu;
  std::optional<asio::signal_set> signals;
  std::optional<asio::steady_timer> drain_timer;
  std::optional<asio::steady_timer> sweep_timer;

  Impl(const ServerOptions& o, SchemaRegistry& r, const Authenticator* auth)
      : options(o),
        registry(r),
        api(r, o.api, auth),
        iocs(make_iocs(o.threads > 0 ? o.threads : default_io_threads())),
        ioc(*iocs[0]) {}

  static std::vector<std::unique_ptr<asio::io_context>> make_iocs(int n) {
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }
  void stop_all() {
    for (auto& c : iocs) c->stop();
  }

  ~Impl() {
    // io objects of iocs[0] go before the contexts themselves.
    sweep_timer.reset();
    drain_timer.reset();
    signals.reset();
    beast::error_code ec;
    acceptor.close(ec);
    iocs.clear();  // destroys queued handlers (and so sessions) while `sessions` lives
    if (own_log && access_log) std::fclose(access_log);
  }

  void add(SessionBase* s, std::weak_ptr<SessionBase> w) {
    std::lock_guard<std::mutex> lock(sessions_mu);
    sessions.emplace(s, std::move(w));
  }
  void remove(SessionBase* s) {
    std::lock_guard<std::mutex> lock(sessions_mu);
    sessions.erase(s);
  }
  std::size_t session_count() {
    std::lock_guard<std::mutex> lock(sessions_mu);
    return sessions.size();
  }
  std::vector<std::shared_ptr<SessionBase>> live_sessions() {
    std::vector<std::shared_ptr<SessionBase>> live;
    std::lock_guard<std::mutex> lock(sessions_mu);
    live.reserve(sessions.size());
    for (auto& [p, w] : sessions) {
      if (auto s = w.lock()) live.push_back(std::move(s));
    }
    return live;
  }

  void log(const std::string& remote, std::string_view method, std::string_view target,
           const RestResponse& res, double seconds) {
    if (access_log == nullptr) return;
    auto now = std::chrono::system_clock::now();
    auto t = std::chrono::system_clock::to_time_t(now);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
              1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[32];
    std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string line = fmt::format(
        "{{\"ts\":\"{}.{:03}Z\",\"remote\":{},\"method\":{},\"target\":{},\"route\":{},"
        "\"status\":{},\"bytes\":{},\"duration_ms\":{:.3f},\"user\":{}}}\n",
        ts, ms, json_quote(remote), json_quote(method), json_quote(target),
        json_quote(res.route), res.status, res.body.size(), seconds * 1e3,
        res.user.empty() ? "null" : json_quote(res.user));
    std::lock_guard<std::mutex> lock(log_mu);
    std::fwrite(line.data(), 1, line.size(), access_log);
    std::fflush(access_log);
  }

  void do_accept();
  void begin_stop();
  void drain_tick(Clock::time_point deadline);
  void sweep();
};

namespace {

// "HTTP/1.1 200 OK\r\n" and friends, formatted once per status.
std::string_view status_line(int status, unsigned version) {
  auto reason = http::obsolete_reason(static_cast<http::status>(status));
  thread_local std::string line;
  line.clear();
  line += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  char digits[8];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, status);
  (void)ec;
  line.append(digits, end);
  line += ' ';
  line.append(reason.data(), reason.size());
  line += "\r\n";
  return line;
}

template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(Server::Impl& srv, tcp::socket socket, Args&&... args)
      : srv_(srv), stream_(std::move(socket), std::forward<Args>(args)...) {
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(stream_).remote_endpoint(ec);
    if (!ec) remote_ = fmt::format("{}:{}", ep.address().to_string(), ep.port());
  }
  ~Session() override { srv_.remove(this); }

  void start() {
    srv_.add(this, this->shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] { self->begin(); });
  }

  void close_if_idle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (!self->busy_) self->close_socket();
    });
  }

  void check_deadline(Clock::time_point now) override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this(), now] {
      if (now >= self->deadline_) self->close_socket();
    });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  // Cancels every pending operation on the connection (they complete with an error,
  // and the session ends).
  void close_socket() {
    beast::error_code ec;
    auto& sock = beast::get_lowest_layer(stream_);
    sock.shutdown(tcp::socket::shutdown_both, ec);
    sock.close(ec);
  }

  void begin() {
    if constexpr (kTls) {
      deadline_ = Clock::now() + std::chrono::seconds(30);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close_socket();  // just ends the connection
                                self->do_read();
                              });
    } else {
      do_read();
    }
  }

  void do_read() {
    if (srv_.stopping) return do_close();
    parser_.emplace();
    parser_->body_limit(srv_.options.max_body_bytes);
    parser_->header_limit(64 * 1024);
    // Header and body must arrive within the idle timeout.
    deadline_ = Clock::now() + srv_.options.idle_timeout;
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  // Answers "Expect: 100-continue" (libcurl sends it for bodies over 1 KiB and would
  // otherwise wait a second), then reads the body.
  void on_header(beast::error_code ec) {
    if (ec) return on_read(ec);
    if (parser_->is_done()) return on_read(ec);
    auto& req = parser_->get();
    auto expect = req.find(http::field::expect);
    if (expect != req.end() && beast::iequals(expect->value(), "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = this->shared_from_this()](beast::error_code wec, std::size_t) {
                          if (wec) return self->do_close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == asio::error::bad_descriptor || ec == asio::error::connection_reset ||
        ec == asio::error::eof) {
      return do_close();
    }
    start_ = Clock::now();
    busy_ = true;
    deadline_ = Clock::time_point::max();  // answering; the write sets the next deadline
    version_ = 11;
    keep_alive_ = true;
    method_ = {};
    target_ = {};
    if (ec == http::error::body_limit) {
      RestResponse res;
      res.status = 413;
      res.route = "body_limit";
      res.body = RestApi::error_body(
          413, fmt::format("Request body is larger than the limit of {} bytes",
                           srv_.options.max_body_bytes));
      keep_alive_ = false;
      return respond(std::move(res));
    }
    if (ec) {
      if (!parser_->is_header_done() && buffer_.size() == 0) return do_close();
      RestResponse res;
      res.status = 400;
      res.route = "bad_request";
      res.body = RestApi::error_body(400, fmt::format("Bad Request: {}", ec.message()));
      keep_alive_ = false;
      return respond(std::move(res));
    }
    auto& req = parser_->get();
    version_ = req.version();
    keep_alive_ = req.keep_alive();
    // Views into parser_'s request: alive until the next do_read, which comes only
    // after the answer has been written.
    method_ = std::string_view(req.method_string().data(), req.method_string().size());
    target_ = std::string_view(req.target().data(), req.target().size());
    RestRequest hr;
    hr.method = method_;
    hr.target = target_;
    hr.accept = header(req, http::field::accept);
    hr.content_type = header(req, http::field::content_type);
    hr.authorization = header(req, http::field::authorization);
    hr.body = req.body();
    RestApi::Later later;
    if (req.method() == http::verb::post) {
      // A registration may wait for its group commit; its answer comes from the
      // registry's commit thread and is handed back to this session's thread.
      later = [self = this->shared_from_this()](RestResponse res) {
        asio::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable {
          self->respond(std::move(res));
        });
      };
    }
    std::optional<RestResponse> res;
    try {
      res = srv_.api.handle(hr, std::move(later));
    } catch (const std::exception& e) {
      res.emplace();
      res->status = 500;
      res->route = "internal";
      res->body = RestApi::error_body(50001, fmt::format("Internal error: {}", e.what()));
    }
    if (res) respond(std::move(*res));
  }

  void respond(RestResponse res) {
    bool keep_alive = keep_alive_ && !srv_.stopping;
    auto now = Clock::now();
    double seconds = std::chrono::duration<double>(now - start_).count();
    srv_.metrics.record(res.route, res.status, seconds);
    srv_.log(remote_, method_, target_, res, seconds);

    // The head Beast's serializer would write for this response, without its cost.
    head_.clear();
    head_ += status_line(res.status, version_);
    head_ += "Content-Type: ";
    head_.append(res.content_type.data(), res.content_type.size());
    head_ += "\r\nContent-Length: ";
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, res.body.size());
    (void)ec;
    head_.append(digits, end);
    head_ += "\r\n";
    if (res.status == 401) head_ += "WWW-Authenticate: Basic realm=\"sluice-registry\"\r\n";
    if (!keep_alive && version_ == 11) head_ += "Connection: close\r\n";
    if (keep_alive && version_ == 10) head_ += "Connection: keep-alive\r\n";
    head_ += "\r\n";
    body_ = std::move(res.body);
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
    deadline_ = now + std::chrono::seconds(30);
    asio::async_write(stream_, buffers,
                      [self = this->shared_from_this(), keep_alive](beast::error_code wec,
                                                                    std::size_t) {
                        self->busy_ = false;
                        if (wec || !keep_alive) return self->do_close();
                        self->do_read();
                      });
  }

  static std::string_view header(const http::request<http::string_body>& req, http::field f) {
    auto it = req.find(f);
    if (it == req.end()) return {};
    return {it->value().data(), it->value().size()};
  }

  void do_close() {
    busy_ = false;
    deadline_ = Clock::time_point::max();
    beast::error_code ec;
    if constexpr (kTls) {
      deadline_ = Clock::now() + std::chrono::seconds(2);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ec2;
        beast::get_lowest_layer(self->stream_).close(ec2);
      });
    } else {
      stream_.shutdown(tcp::socket::shutdown_send, ec);
      stream_.close(ec);
    }
  }

  Server::Impl& srv_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string head_;
  std::string body_;
  std::string remote_;
  std::string_view method_, target_;
  Clock::time_point start_;
  Clock::time_point deadline_ = Clock::time_point::max();
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool busy_ = false;
};

}  // namespace

void Server::Impl::do_accept() {
  asio::io_context& target = *iocs[next_ioc++ % iocs.size()];
  acceptor.async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) return;
      return do_accept();
    }
    beast::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    if (tls) {
      std::make_shared<Session<beast::ssl_stream<tcp::socket>>>(*this, std::move(socket), *tls)
          ->start();
    } else {
      std::make_shared<Session<tcp::socket>>(*this, std::move(socket))->start();
    }
    if (!stopping) do_accept();
  });
}

// Once a second: every session checks its deadline on its own thread.
void Server::Impl::sweep() {
  sweep_timer->expires_after(std::chrono::seconds(1));
  sweep_timer->async_wait([this](beast::error_code ec) {
    if (ec || stopping) return;
    auto now = Clock::now();
    for (auto& s : live_sessions()) s->check_deadline(now);
    sweep();
  });
}

void Server::Impl::begin_stop() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  if (signals) signals->cancel(ec);
  if (sweep_timer) sweep_timer->cancel();
  for (auto& s : live_sessions()) s->close_if_idle();
  drain_timer.emplace(ioc);
  drain_tick(Clock::now() + options.shutdown_grace);
}

void Server::Impl::drain_tick(Clock::time_point deadline) {
  if (session_count() == 0 || Clock::now() >= deadline) {
    stop_all();
    return;
  }
  drain_timer->expires_after(std::chrono::milliseconds(10));
  drain_timer->async_wait([this, deadline](beast::error_code) { drain_tick(deadline); });
}

namespace {

// "host:port" ("[::1]:8081", ":8081", "localhost:0") -> endpoint.
Result<tcp::endpoint> parse_listen(const std::string& listen) {
  std::string host = listen;
  std::string port_text = "8081";
  if (auto colon = host.rfind(':'); colon != std::string::npos) {
    port_text = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    return fail(ErrorCode::kInvalidArgument, "--listen '{}': expected host:port", listen);
  }
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    return fail(ErrorCode::kInvalidArgument, "--listen '{}': bad address '{}'", listen, host);
  }
  return tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

}  // namespace

Result<int> Server::listen_early(const std::string& listen) {
  SLUICE_ASSIGN_OR_RETURN(tcp::endpoint endpoint, parse_listen(listen));
  int fd = ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(ErrorCode::kIo, "cannot listen on {}: {}", listen, std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    int err = errno;
    ::close(fd);
    return fail(ErrorCode::kIo, "cannot listen on {}: {}", listen, std::strerror(err));
  }
  return fd;
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::make(const ServerOptions& options,
                                             SchemaRegistry& registry,
                                             const Authenticator* auth) {
  auto impl = std::make_unique<Impl>(options, registry, auth);
  impl->api.metrics_ctx = impl.get();
  impl->api.metrics_renderer = [](void* ctx) {
    auto* self = static_cast<Impl*>(ctx);
    return self->metrics.render(self->registry);
  };

  beast::error_code ec;
  if (options.listen_fd >= 0) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ::getsockname(options.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    impl->acceptor.assign(addr.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), options.listen_fd,
                          ec);
    if (ec) return fail(ErrorCode::kIo, "cannot listen on {}: {}", options.listen, ec.message());
  } else {
    SLUICE_ASSIGN_OR_RETURN(tcp::endpoint endpoint, parse_listen(options.listen));
    impl->acceptor.open(endpoint.protocol(), ec);
    if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) impl->acceptor.bind(endpoint, ec);
    if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return fail(ErrorCode::kIo, "cannot listen on {}: {}", options.listen, ec.message());
  }

  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    if (options.tls_cert.empty() || options.tls_key.empty()) {
      return fail(ErrorCode::kInvalidArgument, "TLS needs both --tls-cert and --tls-key");
    }
    impl->tls.emplace(ssl::context::tls_server);
    impl->tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1);
    impl->tls->use_certificate_chain_file(options.tls_cert, ec);
    if (ec) {
      return fail(ErrorCode::kInvalidArgument, "--tls-cert '{}': {}", options.tls_cert,
                  ec.message());
    }
    impl->tls->use_private_key_file(options.tls_key, ssl::context::pem, ec);
    if (ec) {
      return fail(ErrorCode::kInvalidArgument, "--tls-key '{}': {}", options.tls_key,
                  ec.message());
    }
  }
  if (options.access_log == "-") {
    impl->access_log = stderr;
  } else if (!options.access_log.empty()) {
    impl->access_log = std::fopen(options.access_log.c_str(), "a");
    if (impl->access_log == nullptr) {
      return fail(ErrorCode::kIo, "cannot open access log '{}'", options.access_log);
    }
    impl->own_log = true;
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

std::string Server::address() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  std::string host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return fmt::format("{}://{}:{}", impl_->tls ? "https" : "http", host, ep.port());
}

void Server::run() {
  Impl& s = *impl_;
  if (s.options.handle_signals) {
    s.signals.emplace(s.ioc, SIGINT, SIGTERM);
    s.signals->async_wait([&s](beast::error_code ec, int) {
      if (!ec) s.begin_stop();
    });
  }
  s.do_accept();
  s.sweep_timer.emplace(s.ioc);
  s.sweep();
  // Keep the other contexts running while they have no connections yet.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  for (std::size_t i = 1; i < s.iocs.size(); ++i) guards.emplace_back(s.iocs[i]->get_executor());
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < s.iocs.size(); ++i) {
    workers.emplace_back([&s, i] { s.iocs[i]->run(); });
  }
  s.ioc.run();
  s.stop_all();
  for (auto& t : workers) t.join();
  // Registrations still waiting for their commit post their answers to our contexts:
  // let them finish while the contexts exist (the answers are dropped unsent).
  s.registry.flush();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

}  // namespace sluice::registry
