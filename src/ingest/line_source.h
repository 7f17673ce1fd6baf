// Where ingestion reads lines from: files, stdin, the CMU `Type,Log Entry` CSV, or a
// Kafka topic. Lines come in batches; a source that can resume (Kafka) commits a
// batch's position only when the pipeline says the sinks have durably written it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace sluice::ingest {

// One input line and where it came from.
struct InputLine {
  std::string_view text;        // without '\n'; valid until the next next_batch()
  std::int64_t line = -1;       // 1-based line number (files, stdin), or -1
  std::int32_t partition = -1;  // Kafka partition, or -1
  std::int64_t offset = -1;     // Kafka offset, or -1
};

struct LineBatch {
  std::vector<InputLine> lines;
  // Bytes and lines the source dropped before lines (the CSV header row).
  std::uint64_t skipped_header_lines = 0;
  void clear() { lines.clear(); skipped_header_lines = 0; }
};

class LineSource {
 public:
  virtual ~LineSource() = default;
  // Fills `batch` with up to `max_lines` lines. Returns false at the end of the input
  // (a bounded source) or when stop was requested; true with an empty batch when a
  // live source (Kafka) had nothing within its poll timeout.
  virtual Result<bool> next_batch(LineBatch& batch, std::size_t max_lines) = 0;
  // Marks everything returned so far as durably processed (Kafka: commits offsets).
  virtual Status commit() { return ok_status(); }
  // The `source` recorded with quarantined lines: a path, "-", or the topic.
  virtual std::string name() const = 0;
};

enum class InputFormat : std::uint8_t {
  kAuto,   // csv when the first line is "Type,Log Entry", else lines
  kLines,  // one log line per line (McGill Kafka-dump rows are unwrapped by the parser)
  kCsv,    // the CMU "Type,Log Entry" CSV: quoted second column
};

// A file (or "-" for stdin). The CSV reader unquotes the "Log Entry" column
// ("" -> "); a row it cannot split is passed through whole so the parser
// quarantines it. kNotFound/kIo naming the path.
Result<std::unique_ptr<LineSource>> open_file_source(const std::string& path, InputFormat format);

}  // namespace sluice::ingest

namespace sluice::ingest {
struct KafkaSourceOptions {
  std::string bootstrap_servers;
  std::string topic;
  std::string group_id = "sluice-ingest";
  // Where a group without committed offsets starts: "earliest" or "latest".
  std::string start = "earliest";
  // A bounded run: stop once every partition is at its end offset (as seen at start)
  // and nothing arrived for this long. 0 = run until stopped (SIGINT/SIGTERM).
  int idle_exit_ms = 0;
};

// A consumer-group member on one topic; commit() commits the offsets of every line
// returned so far (auto-commit is off).
Result<std::unique_ptr<LineSource>> open_kafka_source(const KafkaSourceOptions& options);
}  // namespace sluice::ingest
