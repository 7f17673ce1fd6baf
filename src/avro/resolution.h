// Schema resolution: reading data written with one schema (the writer's) as another
// (the reader's), per the specification's resolution rules.
//
//   SLUICE_ASSIGN_OR_RETURN(auto plan, ResolutionPlan::compile(writer, reader));
//   BinaryReader in(bytes);
//   SLUICE_ASSIGN_OR_RETURN(Value v, plan->decode(in, arena));   // v has the reader's shape
//
// compile() walks both schemas once and produces a plan: per record, which writer
// fields to read into which reader slots, which to skip, which reader fields take
// their (pre-decoded) default; per enum, a symbol remapping table; per union, a
// branch mapping; promotions (int->long/float/double, long->float/double,
// float->double, string<->bytes). Decoding through the plan costs about what a plain
// decode costs. Plans are immutable and thread-safe; cache them per (writer, reader).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "avro/binary.h"
#include "avro/schema.h"
#include "base/result.h"

namespace sluice::avro {

// One reason the reader cannot read the writer's data. `path` names the place in the
// reader schema, e.g. "Interop.recordField.children[].label"; `message` says why,
// e.g. "writer string vs reader int".
struct Incompatibility {
  std::string path;
  std::string message;
  std::string to_string() const { return path.empty() ? message : path + ": " + message; }
};

class ResolutionPlan {
 public:
  // Compiles the plan for reading `writer` data as `reader`. Fails with
  // kIncompatible whose message lists every incompatibility ("; "-separated).
  // Keeps both schemas alive.
  static Result<std::shared_ptr<const ResolutionPlan>> compile(SchemaPtr writer, SchemaPtr reader);

  // Decodes one writer datum into a value of the reader schema.
  // Some data can only fail at run time (a writer enum symbol unknown to a reader
  // without an enum default; a writer union branch the reader cannot take): those
  // fail here with kIncompatible naming the field path and offset.
  Result<Value> decode(BinaryReader& in, Arena& arena, const DecodeLimits& limits = {}) const;

  const Schema& writer() const { return *writer_; }
  const Schema& reader() const { return *reader_; }

  ~ResolutionPlan();
  struct Impl;  // compiled program (resolution.cc)

 private:
  ResolutionPlan() = default;
  SchemaPtr writer_;
  SchemaPtr reader_;
  std::unique_ptr<Impl> impl_;
};

// Every incompatibility that makes `reader` unable to read data written with
// `writer` (empty when compatible). Checks the whole schema statically, the way
// schema registries judge compatibility: a writer enum symbol missing from the
// reader is an incompatibility unless the reader enum has a default, and a writer
// union branch that no reader branch accepts is one too.
std::vector<Incompatibility> check_compatibility(const Node& reader, const Node& writer);

}  // namespace sluice::avro
