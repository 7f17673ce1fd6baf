// Parsing Canonical Form (specification, "Transforming into Parsing Canonical Form").
//
// Written straight from the Node graph, which already holds what the rules ask for:
// [PRIMITIVES] primitives as bare names; [FULLNAMES] names are fullnames and no
// "namespace"; [STRIP] only name, type, fields, symbols, items, values, size; [ORDER]
// in that order; [STRINGS] strings as UTF-8 (only '"', '\\' and control characters are
// escaped, as JSON requires); [INTEGERS] size as a plain integer; [WHITESPACE] none.
// A named type is written in full where it first appears and by fullname afterwards.
#include "avro/schema.h"
#include "avro/internal/json_text.h"

#include <set>
#include <string>
#include <string_view>

namespace sluice::avro {
namespace {

class CanonicalWriter {
 public:
  explicit CanonicalWriter(std::string& out) : out_(out) {}

  void write(const Node& node) {
    switch (node.type) {
      case Type::kNull:
      case Type::kBoolean:
      case Type::kInt:
      case Type::kLong:
      case Type::kFloat:
      case Type::kDouble:
      case Type::kBytes:
      case Type::kString:
        internal::append_json_string(out_, type_name(node.type));
        return;
      case Type::kArray:
        out_ += R"({"type":"array","items":)";
        write(*node.items);
        out_ += '}';
        return;
      case Type::kMap:
        out_ += R"({"type":"map","values":)";
        write(*node.values);
        out_ += '}';
        return;
      case Type::kUnion: {
        out_ += '[';
        bool first = true;
        for (const Node* b : node.branches) {
          if (!first)
            out_ += ',';
          first = false;
          write(*b);
        }
        out_ += ']';
        return;
      }
      case Type::kRecord:
      case Type::kEnum:
      case Type::kFixed:
        write_named(node);
        return;
    }
  }

 private:
  void write_named(const Node& node) {
    if (!seen_.insert(node.fullname).second) {
      internal::append_json_string(out_, node.fullname);
      return;
    }
    out_ += R"({"name":)";
    internal::append_json_string(out_, node.fullname);
    out_ += R"(,"type":)";
    internal::append_json_string(out_, type_name(node.type));
    if (node.type == Type::kRecord) {
      out_ += R"(,"fields":[)";
      bool first = true;
      for (const Field& f : node.fields) {
        if (!first)
          out_ += ',';
        first = false;
        out_ += R"({"name":)";
        internal::append_json_string(out_, f.name);
        out_ += R"(,"type":)";
        write(*f.type);
        out_ += '}';
      }
      out_ += "]}";
    } else if (node.type == Type::kEnum) {
      out_ += R"(,"symbols":[)";
      bool first = true;
      for (const std::string& s : node.symbols) {
        if (!first)
          out_ += ',';
        first = false;
        internal::append_json_string(out_, s);
      }
      out_ += "]}";
    } else {
      out_ += R"(,"size":)";
      out_ += std::to_string(node.fixed_size);
      out_ += '}';
    }
  }

  std::string& out_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace

std::string canonical_form(const Node& node) {
  std::string out;
  CanonicalWriter(out).write(node);
  return out;
}

}  // namespace sluice::avro
