#include "avro/internal/program.h"

#include <unordered_map>

namespace sluice::avro::internal {

std::size_t min_encoded_size(const Node& node, int depth) {
  switch (node.type) {
    case Type::kNull: return 0;
    case Type::kFloat: return 4;
    case Type::kDouble: return 8;
    case Type::kFixed: return node.fixed_size;
    case Type::kRecord: {
      if (depth > 2) return 0;  // a lower bound is enough; keep the cost bounded
      std::size_t sum = 0;
      for (const Field& f : node.fields) sum += min_encoded_size(*f.type, depth + 1);
      return sum;
    }
    default: return 1;  // boolean, int, long, bytes, string, enum, array, map, union
  }
}

namespace {

// Step counts and sizes are 32-bit; bigger values are clamped (a lower bound stays one).
std::uint32_t clamp32(std::size_t n) {
  return n > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<std::uint32_t>(n);
}

class Compiler {
 public:
  explicit Compiler(Program& program) : steps_(program.steps) {}

  // The step for a value of `node`, appending whatever blocks it refers to.
  Step make(const Node& node) {
    if (node.type == Type::kUnion) return make_union(node);
    return make_plain(node);
  }

 private:
  Step make_plain(const Node& node) {
    Step s;
    s.node = &node;
    s.schema = &node;
    s.type = node.type;
    switch (node.type) {
      case Type::kNull: s.code = kNull; break;
      case Type::kBoolean: s.code = kBoolean; break;
      case Type::kInt: s.code = kInt; break;
      case Type::kLong: s.code = kLong; break;
      case Type::kFloat: s.code = kFloat; break;
      case Type::kDouble: s.code = kDouble; break;
      case Type::kString: s.code = kString; break;
      case Type::kBytes: s.code = kBytes; break;
      case Type::kFixed:
        s.code = kFixed;
        s.a = clamp32(node.fixed_size);
        break;
      case Type::kEnum:
        s.code = kEnum;
        s.a = clamp32(node.symbols.size());
        break;
      case Type::kRecord:
        s.code = kRecord;
        s.a = record_block(node);
        s.b = clamp32(node.fields.size());
        break;
      case Type::kArray:
        s.code = kArray;
        s.a = single(*node.items);
        s.b = clamp32(min_encoded_size(*node.items));
        break;
      case Type::kMap:
        s.code = kMap;
        s.a = single(*node.values);
        s.b = clamp32(1 + min_encoded_size(*node.values));
        break;
      case Type::kUnion: break;  // not reached: make() handles unions
    }
    return s;
  }

  Step make_union(const Node& node) {
    const auto& br = node.branches;
    if (br.size() == 2 && br[0]->type != br[1]->type &&
        (br[0]->type == Type::kNull || br[1]->type == Type::kNull) &&
        br[0]->type != Type::kUnion && br[1]->type != Type::kUnion) {
      std::uint8_t null_index = br[0]->type == Type::kNull ? 0 : 1;
      Step s = make_plain(*br[1 - null_index]);
      s.code |= kOptional;
      s.null_index = null_index;
      s.null_byte = static_cast<std::uint8_t>(2 * null_index);  // zig-zag of 0 or 1
      s.value_byte = static_cast<std::uint8_t>(2 * (1 - null_index));
      s.null_node = br[null_index];
      s.schema = &node;
      s.branch = static_cast<std::uint16_t>(1 - null_index);
      return s;
    }
    Step s;
    s.code = kUnion;
    s.type = Type::kUnion;
    s.node = &node;
    s.schema = &node;
    s.b = clamp32(br.size());
    s.a = static_cast<std::uint32_t>(steps_.size());
    steps_.resize(steps_.size() + br.size());
    for (std::size_t i = 0; i < br.size(); ++i) {
      // A union's branch is never directly a union (the parser rejects it).
      Step branch = make_plain(*br[i]);
      branch.branch = static_cast<std::uint16_t>(i);
      steps_[s.a + i] = branch;
    }
    return s;
  }

  // One step in its own slot (array items, map values).
  std::uint32_t single(const Node& node) {
    auto index = static_cast<std::uint32_t>(steps_.size());
    steps_.emplace_back();
    Step s = make(node);
    steps_[index] = s;
    return index;
  }

  // The block of field steps of `record`, compiled once.
  std::uint32_t record_block(const Node& record) {
    if (auto it = records_.find(&record); it != records_.end()) return it->second;
    auto first = static_cast<std::uint32_t>(steps_.size());
    records_.emplace(&record, first);
    steps_.resize(steps_.size() + record.fields.size());
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      Step s = make(*record.fields[i].type);
      steps_[first + i] = s;
    }
    return first;
  }

  std::vector<Step>& steps_;
  std::unordered_map<const Node*, std::uint32_t> records_;
};

}  // namespace

Program compile_program(const Node& schema) {
  Program program;
  program.root = &schema;
  program.steps.emplace_back();
  Compiler compiler(program);
  Step root = compiler.make(schema);
  program.steps[0] = root;
  return program;
}

}  // namespace sluice::avro::internal
