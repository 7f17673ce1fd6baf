#include "ingest/stop.h"

#include <signal.h>

namespace sluice::ingest {
namespace {

extern "C" void on_stop_signal(int signo) {
  if (stop_requested()) {
    // Second signal: the default action (terminate).
    ::signal(signo, SIG_DFL);
    ::raise(signo);
    return;
  }
  request_stop();
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

}  // namespace sluice::ingest
