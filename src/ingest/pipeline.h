// The ingestion pipeline: sources -> LineParser -> EventEncoder -> sink streams.
//
//   std::vector<std::unique_ptr<LineSource>> sources;   // open_file_source(...), ...
//   SLUICE_ASSIGN_OR_RETURN(auto encoder, movies::EventEncoder::builtin(1));
//   SLUICE_ASSIGN_OR_RETURN(auto sink, open_file_sink("out", {}));
//   SLUICE_ASSIGN_OR_RETURN(RunReport report, run_pipeline(sources, encoder, *sink, {}));
//
// Every input line ends in exactly one place: the stream of its event type (named by
// the encoder's record name), or the quarantine stream as a QuarantinedLine datum
// with its reason, detail, source and position. Sources are read one after the other.
//
// Durability: a source that can resume (Kafka) gets commit() only after the sink's
// make_durable() returned, at most every commit_interval_ms and at the end, so a
// crash can repeat lines but never lose them. Bounded sources are made durable once,
// when the sink closes.
//
// Stop: stop_requested() (stop.h) is checked between batches; the pipeline then
// finishes the batch, makes the sink durable, commits and returns the report with
// interrupted = true.
//
// Cost: no allocation per line; one parse and one encode per line, each datum encoded
// straight into its stream's buffer for the batch, which goes to the sink with one
// write_batch() per stream (memory: about the batch's encoded size).
#pragma once

#include "base/result.h"
#include "ingest/event_sink.h"
#include "ingest/line_source.h"
#include "ingest/report.h"
#include "movies/event_encoder.h"
#include "movies/line_parser.h"

#include <cstddef>
#include <memory>
#include <vector>

namespace sluice::ingest {

enum class Progress : std::uint8_t {
  kAuto,  // on stderr, once a second, only when stderr is a terminal
  kOff,
};

struct PipelineOptions {
  movies::ParseRules rules;
  std::size_t batch_lines = 8192;
  // Commit interval for sources that commit (Kafka).
  int commit_interval_ms = 1000;
  Progress progress = Progress::kAuto;
};

// Runs every source to its end (or until a stop request) and closes the sink. Fails
// with the first source or sink error (kIo naming the file, ...); the sink is not
// closed then (a file sink removes its temporary files when destroyed).
Result<RunReport> run_pipeline(std::vector<std::unique_ptr<LineSource>>& sources,
                               const movies::EventEncoder& encoder, EventSink& sink,
                               const PipelineOptions& options);

}  // namespace sluice::ingest
