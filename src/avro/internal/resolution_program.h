// A resolution plan lowered to a flat program of steps, and its interpreter.
// Internal to the avro module: resolution.cc builds programs (ResolutionPlan::compile),
// resolution_decoder.cc runs them (ResolutionPlan::decode).
//
// The layout is the plain decoder's (internal/program.h): one 48-byte step per value,
// a record's field steps in one block, array/map item steps in slots of their own, a
// general writer union's branch steps in one block, and a writer union of null and one
// other branch folded into a single "optional" step. Resolution adds:
//  * a record block lists the writer's fields in writer order, each naming the reader
//    field it fills (`slot`), or a skip step for a writer-only field; then one kDefault
//    step per reader-only field, which copies the default decoded once at compile time;
//  * codes for promotions (int->long/float/double, long->float/double, float->double;
//    string<->bytes is kString/kBytes reading either) and for enum remapping;
//  * every step says which reader union branch its value takes (`branch`), so reading
//    into a reader union costs nothing extra;
//  * kError branches of general writer unions the reader cannot take.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "avro/arena.h"
#include "avro/binary.h"
#include "avro/schema.h"
#include "avro/value.h"
#include "base/result.h"

namespace sluice::avro::internal::resolution {

enum Code : std::uint8_t {
  // Values (also with kOptional): read writer data, produce a reader value.
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kString,  // reader string; the writer wrote a string or bytes
  kBytes,   // reader bytes; the writer wrote a string or bytes
  kFixed,   // a = size
  kEnum,    // a = offset in enum_maps, b = writer symbol count
  kRecord,  // a = first field step, b = field steps, c = reader field count
  kArray,   // a = item step, b = least encoded size of an item
  kMap,     // a = value step, b = least encoded size of key + value
  kIntToLong,
  kIntToFloat,
  kIntToDouble,
  kLongToFloat,
  kLongToDouble,
  kFloatToDouble,
  kLastValue = kFloatToDouble,
  // A writer union (not an optional): a = first branch step, b = branch count.
  kUnion,
  // A writer union branch the reader cannot take: a = index in messages.
  kError,
  // A reader field the writer lacks (record blocks only): out = defaults[a].
  kDefault,
  // Skips: read writer data, produce nothing (node is the writer node).
  kSkipNothing,
  kSkipBoolean,
  kSkipVarint,
  kSkipFixed,   // a = size (fixed, float, double)
  kSkipText,
  kSkipRecord,  // a = first field skip step, b = field count
  kSkipArray,   // a = item skip step, b = least item size
  kSkipMap,     // a = value skip step, b = least key + value size
  kSkipUnion,   // a = first branch skip step, b = branch count
  kOptional = 0x40,  // | a value code: a writer union of null and one other branch
};

constexpr std::uint16_t kNoBranch = Value::kNoBranch;

struct Step {
  std::uint8_t code = kError;
  std::uint8_t null_byte = 0;             // optional: the writer's encoded null index (0 or 2)
  std::uint8_t value_byte = 0;            // optional: the writer's encoded value index
  std::uint16_t branch = kNoBranch;       // the reader union branch of the value produced
  std::uint16_t null_branch = kNoBranch;  // optional: the reader union branch of a null
  std::uint32_t slot = 0;                 // in a record block: byte offset of the reader field
  std::uint32_t a = 0;
  std::uint32_t b = 0;
  std::uint32_t c = 0;
  const Node* node = nullptr;       // reader node of the value (writer node for skips)
  const Node* null_node = nullptr;  // optional: the reader's null node
  const Node* writer = nullptr;     // writer node (enum messages)
};
static_assert(sizeof(Step) == 48);

struct Program {
  std::vector<Step> steps;                // steps[0] is the root
  std::vector<const std::string*> names;  // per step of a record block: its path segment
  std::vector<Value> defaults;            // reader defaults (in the plan's arena)
  std::vector<std::int32_t> enum_maps;    // writer symbol -> reader symbol (-1: none)
  std::vector<std::string> messages;      // run-time incompatibilities
};

// Decodes one writer datum at the reader's position through `program` and advances
// past it (resolution_decoder.cc). The same failures as ResolutionPlan::decode.
Result<Value> decode(const Program& program, BinaryReader& in, Arena& arena,
                     const DecodeLimits& limits);

}  // namespace sluice::avro::internal::resolution
