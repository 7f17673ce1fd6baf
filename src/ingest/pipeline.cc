#include "ingest/pipeline.h"

#include "ingest/stop.h"
#include "movies/event_schemas.h"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>

namespace sluice::ingest {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double cpu_now() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Prints "\r<counts>" on stderr at most once a second while the run lasts.
class ProgressLine {
 public:
  explicit ProgressLine(Progress mode) : on_(mode == Progress::kAuto && ::isatty(2) == 1) {}
  void maybe_print(const RunReport& r, Clock::time_point start, Clock::time_point now) {
    if (!on_ || now - last_ < std::chrono::seconds(1))
      return;
    last_ = now;
    double s = seconds_between(start, now);
    std::string line = fmt::format("\r{} lines, {:.0f} lines/s, {} events, {} quarantined   ",
                                   r.lines_in, s > 0 ? static_cast<double>(r.lines_in) / s : 0.0,
                                   r.events_total, r.quarantined_total);
    std::fputs(line.c_str(), stderr);
    printed_ = true;
  }
  void finish() {
    if (printed_)
      std::fputs("\n", stderr);
  }

 private:
  bool on_;
  bool printed_ = false;
  Clock::time_point last_ = Clock::now();
};

// One stream's datums of the batch in hand, encoded straight into one buffer (grown
// without zero-filling) and handed to the sink with one write_batch().
class PendingDatums {
 public:
  // Room for n more bytes after the datums so far; valid until the next room().
  std::uint8_t* room(std::size_t n) {
    if (n > capacity_ - size_)
      grow(size_ + n);
    return bytes_.get() + size_;
  }
  // Keeps the first n bytes written into room() as the next datum.
  void add(std::size_t n, std::int64_t key) {
    size_ += n;
    ends_.push_back(size_);
    keys_.push_back(key);
  }
  bool empty() const { return ends_.empty(); }
  DatumBatch batch() const { return DatumBatch{{bytes_.get(), size_}, ends_, keys_}; }
  void clear() {
    size_ = 0;
    ends_.clear();
    keys_.clear();
  }

 private:
  void grow(std::size_t need) {
    std::size_t capacity = std::max({need, 2 * capacity_, std::size_t{64} << 10});
    auto bytes = std::make_unique_for_overwrite<std::uint8_t[]>(capacity);
    if (size_ != 0)
      std::memcpy(bytes.get(), bytes_.get(), size_);
    bytes_ = std::move(bytes);
    capacity_ = capacity;
  }

  std::unique_ptr<std::uint8_t[]> bytes_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::vector<std::size_t> ends_;
  std::vector<std::int64_t> keys_;
};

class Runner {
 public:
  Runner(const movies::EventEncoder& encoder, EventSink& sink, const PipelineOptions& options)
      : encoder_(encoder), sink_(sink), options_(options), parser_(options.rules) {
    for (int t = 0; t < movies::kEventTypeCount; ++t) {
      stream_names_[static_cast<std::size_t>(t)] =
          encoder_.schema(static_cast<movies::EventType>(t))->root().name;
    }
  }

  Status declare_streams() {
    for (int t = 0; t < movies::kEventTypeCount; ++t) {
      const std::string& name = stream_names_[static_cast<std::size_t>(t)];
      SLUICE_TRY(sink_.add_stream(name, encoder_.schema(static_cast<movies::EventType>(t))));
      report_.events_out[name] = 0;
    }
    return sink_.add_stream(kQuarantineStream, movies::quarantine_schema());
  }

  Status run(std::vector<std::unique_ptr<LineSource>>& sources) {
    start_ = Clock::now();
    double cpu_start = cpu_now();
    ProgressLine progress(options_.progress);
    LineBatch batch;
    batch.lines.reserve(options_.batch_lines);
    for (auto& source : sources) {
      SourceReport& sr = report_.sources.emplace_back();
      sr.name = source->name();
      source_name_ = sr.name;
      auto last_commit = Clock::now();
      bool commits = false;  // the source has had lines since its last commit
      for (;;) {
        if (stop_requested()) {
          report_.interrupted = true;
          break;
        }
        SLUICE_ASSIGN_OR_RETURN(bool more, source->next_batch(batch, options_.batch_lines));
        sr.header_lines += batch.skipped_header_lines;
        report_.header_lines += batch.skipped_header_lines;
        if (!batch.lines.empty()) {
          SLUICE_TRY(process(batch, sr));
          commits = true;
        }
        auto now = Clock::now();
        progress.maybe_print(report_, start_, now);
        if (!more)
          break;
        // Sources that resume (Kafka) commit what the sink made durable, now and then.
        if (commits &&
            now - last_commit >= std::chrono::milliseconds(options_.commit_interval_ms)) {
          SLUICE_TRY(sink_.make_durable());
          SLUICE_TRY(source->commit());
          last_commit = now;
          commits = false;
        }
      }
      if (stop_requested())
        report_.interrupted = true;
      SLUICE_TRY(sink_.make_durable());
      SLUICE_TRY(source->commit());
      if (report_.interrupted)
        break;
    }
    SLUICE_TRY(sink_.close());
    progress.finish();
    report_.elapsed_seconds = seconds_between(start_, Clock::now());
    report_.cpu_seconds = cpu_now() - cpu_start;
    return ok_status();
  }

  RunReport take_report() { return std::move(report_); }

 private:
  Status process(const LineBatch& batch, SourceReport& sr) {
    std::int64_t ingested_at = now_micros();
    for (const InputLine& in : batch.lines) {
      const movies::ParseOutcome& out = parser_.parse(in.text);
      if (out.ok()) {
        auto type = static_cast<std::size_t>(out.event.type);
        PendingDatums& pending = pending_[type];
        std::size_t written = 0;
        std::optional<movies::Rejection> rejected =
            encoder_.encode_into(out.event, pending.room(encoder_.max_size(out.event)), &written);
        if (!rejected) {
          pending.add(written, out.event.user_id);
          ++type_counts_[type];
          if (out.event.warnings != 0)
            count_warnings(out.event.warnings);
          ++sr.events_out;
          continue;
        }
        quarantine(in, *rejected, ingested_at);
      } else {
        quarantine(in, out.rejection, ingested_at);
      }
      ++sr.quarantined;
    }
    // The batch's datums, stream by stream (each stream keeps the lines' order).
    for (std::size_t i = 0; i < pending_.size(); ++i) {
      if (pending_[i].empty())
        continue;
      SLUICE_TRY(sink_.write_batch(
          i < movies::kEventTypeCount ? stream_names_[i] : std::string(kQuarantineStream),
          pending_[i].batch()));
      pending_[i].clear();
    }
    sr.lines_in += batch.lines.size();
    report_.lines_in += batch.lines.size();
    // Per-type totals folded in once per batch (the map is keyed by name).
    std::uint64_t events = 0;
    for (int t = 0; t < movies::kEventTypeCount; ++t) {
      auto i = static_cast<std::size_t>(t);
      report_.events_out[stream_names_[i]] += type_counts_[i];
      events += type_counts_[i];
      type_counts_[i] = 0;
    }
    report_.events_total += events;
    return ok_status();
  }

  void count_warnings(std::uint32_t bits) {
    for (int b = 0; b < movies::kWarningCount; ++b) {
      if (bits & (1u << b))
        ++report_.warnings[static_cast<std::size_t>(b)];
    }
  }

  void quarantine(const InputLine& in, const movies::Rejection& rejection,
                  std::int64_t ingested_at) {
    auto reason = static_cast<std::size_t>(rejection.reason);
    ++report_.quarantined[reason];
    ++report_.quarantined_total;
    auto& samples = report_.samples[reason];
    if (samples.size() < RunReport::kSamplesPerReason) {
      SampleLine& s = samples.emplace_back();
      s.source = source_name_;
      s.line = in.line;
      s.partition = in.partition;
      s.offset = in.offset;
      s.text = std::string(in.text.substr(0, RunReport::kSampleChars));
      s.detail = rejection.detail;
    }
    movies::LinePosition position{source_name_, in.line, in.partition, in.offset};
    datum_.clear();
    movies::encode_quarantined(in.text, rejection, position, ingested_at, datum_);
    PendingDatums& pending = pending_[kQuarantine];
    std::memcpy(pending.room(datum_.size()), datum_.data(), datum_.size());
    pending.add(datum_.size(), -1);
  }

  const movies::EventEncoder& encoder_;
  EventSink& sink_;
  const PipelineOptions& options_;
  movies::LineParser parser_;
  std::array<std::string, movies::kEventTypeCount> stream_names_;
  std::array<std::uint64_t, movies::kEventTypeCount> type_counts_{};
  // The batch's datums per stream: the event types' (by EventType), then the quarantine.
  static constexpr std::size_t kQuarantine = movies::kEventTypeCount;
  std::array<PendingDatums, movies::kEventTypeCount + 1> pending_;
  std::vector<std::uint8_t> datum_;  // a quarantined line's datum
  std::string source_name_;
  RunReport report_;
  Clock::time_point start_;
};

}  // namespace

Result<RunReport> run_pipeline(std::vector<std::unique_ptr<LineSource>>& sources,
                               const movies::EventEncoder& encoder, EventSink& sink,
                               const PipelineOptions& options) {
  Runner runner(encoder, sink, options);
  SLUICE_TRY(runner.declare_streams());
  SLUICE_TRY(runner.run(sources));
  return runner.take_report();
}

}  // namespace sluice::ingest
