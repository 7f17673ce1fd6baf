// A `sluice registry serve` child process for end-to-end tests.
//
//   ServerProcess server;                       // --listen 127.0.0.1:0 --store sqlite::memory:
//   if (!server.ok()) FAIL() << server.why();   // our server not starting is a failure
//   client_options.url = server.url();          // "http://127.0.0.1:41234"
//
// Starts the built binary (SLUICE_BINARY), reads its first stdout line
// ("sluice registry listening on <url> ...") and stops it with SIGTERM on destruction.
#pragma once

#include "test_support.h"

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <signal.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace sluice::testing {

class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> extra_args = {}) {
    int out[2];
    if (pipe(out) != 0) {
      why_ = "pipe failed";
      return;
    }
    std::vector<std::string> args = {sluice_binary(), "registry", "serve",          "--listen",
                                     "127.0.0.1:0",   "--store",  "sqlite::memory:"};
    for (auto& a : extra_args) args.push_back(a);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    std::FILE* f = fdopen(out[0], "r");
    char line[1024] = {0};
    if (f == nullptr || std::fgets(line, sizeof line, f) == nullptr) {
      why_ = "`sluice registry serve` printed nothing (not built yet?)";
      if (f != nullptr)
        std::fclose(f);
      return;
    }
    out_ = f;  // kept open so the server never gets SIGPIPE
    std::string text = line;
    auto at = text.find("http");
    if (at == std::string::npos) {
      why_ = "unexpected first line: " + text;
      return;
    }
    auto end = text.find_first_of(" \n", at);
    url_ = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (out_ != nullptr)
      std::fclose(out_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return !url_.empty(); }
  const std::string& why() const { return why_; }
  const std::string& url() const { return url_; }

 private:
  pid_t pid_ = -1;
  std::FILE* out_ = nullptr;
  std::string url_;
  std::string why_;
};

}  // namespace sluice::testing
