// Where ingestion writes: per-stream Avro container files, or per-stream Kafka topics
// in the Confluent wire format. A stream is an event type's record name
// ("MovieWatchEvent", ...) or "quarantine".
#pragma once

#include "avro/codec.h"
#include "avro/schema.h"
#include "base/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::ingest {

inline constexpr std::string_view kQuarantineStream = "quarantine";

// Encoded datums of one stream, back to back: datum i is bytes[ends[i - 1], ends[i])
// (from 0 for i = 0) and has the record key keys[i].
struct DatumBatch {
  std::span<const std::uint8_t> bytes;
  std::span<const std::size_t> ends;
  std::span<const std::int64_t> keys;

  std::span<const std::uint8_t> datum(std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : ends[i - 1];
    return bytes.subspan(begin, ends[i] - begin);
  }
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  // Declares a stream and the schema of its datums; called before its first write.
  virtual Status add_stream(std::string_view stream, const avro::SchemaPtr& schema) = 0;
  // Adds one encoded datum of the stream's schema. `key` is the record key (the user
  // id for events; -1 for none).
  virtual Status write(std::string_view stream, std::int64_t key,
                       std::span<const std::uint8_t> datum) = 0;
  // write() of each datum of `batch`, in order, up to the first failure. One call per
  // batch and stream: a sink overrides it to save its per-datum overhead.
  virtual Status write_batch(std::string_view stream, const DatumBatch& batch) {
    for (std::size_t i = 0; i < batch.ends.size(); ++i)
      SLUICE_TRY(write(stream, batch.keys[i], batch.datum(i)));
    return ok_status();
  }
  // Makes everything written so far durable (files flushed and fsynced / Kafka
  // deliveries acknowledged). Sources commit only after this succeeds.
  virtual Status make_durable() = 0;
  // make_durable() and releases everything (files complete and renamed).
  virtual Status close() = 0;
};

// zstandard's level for ingestion when none is given. Compression is the largest single
// cost of a file run (about half); level 1 with 1 MiB blocks spends ~15% less time
// compressing than zstd's default level 3 with 256 KiB blocks, for files ~2% larger.
// (Level 3 with 1 MiB blocks makes files ~16% smaller and a run ~20% slower.)
inline constexpr int kIngestZstdLevel = 1;

struct FileSinkOptions {
  avro::Codec codec = avro::Codec::kZstandard;
  // Codec level; when absent, kIngestZstdLevel for zstandard, the codec's default
  // for the others.
  std::optional<int> level;
  // Encoded bytes per container block (compressed as one unit). Larger blocks compress
  // better at the same speed; a writer holds about twice this per open stream.
  std::size_t block_size_bytes = 1024 * 1024;
  // A part file is completed (renamed from its temporary name) and a new one begun
  // once it holds this many records or bytes.
  std::uint64_t roll_records = 1'000'000;
  std::uint64_t roll_bytes = 128ull << 20;
};

// `<dir>/<stream>/part-<seq>.avro`, written as `.part-<seq>.avro.tmp` and renamed
// when complete, so a reader never sees a half file. Sequence numbers continue after
// the files already present (a re-run adds files, never overwrites). make_durable()
// completes (fsyncs and renames) the open parts, so durable data is always in complete
// files. Creates `dir` when missing; kIo naming the folder when it cannot be created or
// written, kInvalidArgument for a zero roll limit.
Result<std::unique_ptr<EventSink>> open_file_sink(const std::string& dir, FileSinkOptions options);

// Writes every stream to each of `sinks`, in order (the first failure is returned).
// make_durable()/close() reach every sink. Used by `sluice demo`: files and Kafka.
std::unique_ptr<EventSink> make_tee_sink(std::vector<std::unique_ptr<EventSink>> sinks);

struct KafkaSinkOptions {
  std::string bootstrap_servers;  // "host:port[,host:port]"
  std::string topic_prefix;       // topic = prefix + stream
  // Schema registry base URL ("http://127.0.0.1:8081"). Schemas are auto-registered
  // under "<topic>-value" (the registry's compatibility check applies).
  std::string registry_url;
};

// One topic per stream; values in the Confluent wire format (magic 0, schema id,
// datum), keys the user id as a decimal string.
Result<std::unique_ptr<EventSink>> open_kafka_sink(KafkaSinkOptions options);
}  // namespace sluice::ingest
