// A schema compiled into a flat program of steps, interpreted by BinaryDecoder and
// BinaryEncoder (binary.cc). Internal to the avro module.
//
// Why: walking the schema graph costs a chain of dependent loads per value (Field ->
// Node -> type, branches vector -> branch Node -> type) and a generic union path
// per nullable field. A program keeps everything a value needs in one 40-byte Step,
// the fields of a record in consecutive Steps, and turns the common two-branch
// union with null ("optional") into one step whose code says both.
//
// Layout: a record step's fields are steps[a, a + b) in field order; an array's or
// map's item step is steps[a]; a general union's branch steps are steps[a, a + b).
// Records are compiled once per Node (memoized), so recursive schemas give a finite
// program whose record steps refer back to their field blocks.
#pragma once

#include <cstdint>
#include <vector>

#include "avro/schema.h"

namespace sluice::avro::internal {

// What a step reads or writes. The low bits are the kind of value; kOptional is set
// for a union of exactly two branches, null and one non-union type.
enum Code : std::uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kString,
  kBytes,
  kFixed,   // a = size
  kEnum,    // a = symbol count
  kRecord,  // a = first field step, b = field count
  kArray,   // a = item step, b = least encoded size of an item
  kMap,     // a = value step, b = least encoded size of key + value
  kUnion,   // a = first branch step, b = branch count
  kOptional = 0x10,  // | the code of the non-null branch; null_index says which is null
};

struct Step {
  std::uint8_t code = kNull;
  std::uint8_t null_index = 0;  // optional: the null branch (0 or 1)
  std::uint8_t null_byte = 0;   // optional: the encoded index of the null branch (0 or 2)
  std::uint8_t value_byte = 0;  // optional: the encoded index of the other branch
  Type type = Type::kNull;      // the value's type (of `node`)
  // The union branch of the value this step produces: the non-null branch of an
  // optional, the index of a general union's branch step, kNoBranch (0xFFFF) elsewhere.
  // Kept in the step so the decoder never carries it as an argument. `type` and
  // `branch` sit where Value keeps its type and branch (bytes 0 and 2 of a word).
  std::uint16_t branch = 0xFFFF;
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  const Node* node = nullptr;       // node of the value (the non-null branch if optional)
  const Node* null_node = nullptr;  // optional: the null branch's node
  const Node* schema = nullptr;     // the schema node: the union for optional/union steps
};

static_assert(sizeof(Step) == 40);

struct Program {
  std::vector<Step> steps;  // steps[0] is the root
  const Node* root = nullptr;
};

// Compiles `schema` (which must outlive the program).
Program compile_program(const Node& schema);

// A lower bound of the encoded size of one datum of `node` (0 only when a datum can
// be empty). Bounds collection counts by the bytes left before allocating.
std::size_t min_encoded_size(const Node& node, int depth = 0);

}  // namespace sluice::avro::internal
