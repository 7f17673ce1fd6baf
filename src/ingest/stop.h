// A process-wide stop request for ingestion: the CLI's SIGINT/SIGTERM handler calls
// request_stop(); live sources (Kafka) see it at their next poll and end the run
// cleanly (next_batch() returns false), so the pipeline can make its sinks durable
// and commit before exiting.
//
//   std::signal(SIGTERM, [](int) { sluice::ingest::request_stop(); });
//   while (*source->next_batch(batch, n)) { ... }   // returns false once stopped
#pragma once

#include <atomic>

namespace sluice::ingest {

namespace internal {
// Constant-initialised and lock-free, so setting it is async-signal-safe.
inline std::atomic<bool> g_stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace internal

// Asks every running source to stop. Safe to call from a signal handler.
inline void request_stop() { internal::g_stop_requested.store(true, std::memory_order_relaxed); }
// True once request_stop() was called (and not cleared since).
inline bool stop_requested() { return internal::g_stop_requested.load(std::memory_order_relaxed); }
// Forgets a stop request (tests that run several pipelines in one process).
inline void clear_stop_request() { internal::g_stop_requested.store(false, std::memory_order_relaxed); }

// Makes SIGINT and SIGTERM call request_stop() instead of ending the process (stop.cc).
// A second signal of the same kind once the flag is set ends the process the default
// way, so an impatient Ctrl-C still works. Handlers use SA_RESTART.
void install_stop_handlers();

}  // namespace sluice::ingest
