// Schema::to_json: the full schema (doc, aliases, defaults, order, logical types and
// custom properties) as compact JSON. Named types are defined where they first appear
// (simple name, plus a "namespace" attribute only where it differs from the enclosing
// one) and referenced by fullname afterwards, so parse(to_json(s)) gives the same
// fullnames.
#include "avro/schema.h"
#include "avro/internal/json_text.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::avro {
namespace {

void append_key(std::string& out, std::string_view key) {
  out += ',';
  internal::append_json_string(out, key);
  out += ':';
}

void append_string_array(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += ',';
    internal::append_json_string(out, items[i]);
  }
  out += ']';
}

void append_properties(std::string& out, const std::vector<Property>& props) {
  for (const Property& p : props) {
    append_key(out, p.name);
    out += p.json;
  }
}

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  // `fullname` is written by name only, as if already defined.
  void take_as_defined(const std::string& fullname) { seen_.insert(fullname); }

  void write(const Node& node, const std::string& space) {
    if (is_named(node.type)) {
      write_named(node, space);
      return;
    }
    if (node.type == Type::kUnion) {
      out_ += '[';
      for (std::size_t i = 0; i < node.branches.size(); ++i) {
        if (i > 0)
          out_ += ',';
        write(*node.branches[i], space);
      }
      out_ += ']';
      return;
    }
    bool bare = is_primitive(node.type) && node.logical == LogicalType::kNone && node.doc.empty() &&
                node.properties.empty();
    if (bare) {
      internal::append_json_string(out_, type_name(node.type));
      return;
    }
    out_ += R"({"type":)";
    internal::append_json_string(out_, type_name(node.type));
    if (node.type == Type::kArray) {
      append_key(out_, "items");
      write(*node.items, space);
    } else if (node.type == Type::kMap) {
      append_key(out_, "values");
      write(*node.values, space);
    }
    write_common(node);
    out_ += '}';
  }

 private:
  // logicalType (when valid; an invalid one is among the properties), doc, properties.
  void write_common(const Node& node) {
    if (node.logical != LogicalType::kNone) {
      append_key(out_, "logicalType");
      internal::append_json_string(out_, node.logical_name);
      if (node.logical == LogicalType::kDecimal) {
        append_key(out_, "precision");
        out_ += std::to_string(node.precision);
        append_key(out_, "scale");
        out_ += std::to_string(node.scale);
      }
    }
    if (!node.doc.empty() && !is_named(node.type)) {
      append_key(out_, "doc");
      internal::append_json_string(out_, node.doc);
    }
    append_properties(out_, node.properties);
  }

  void write_named(const Node& node, const std::string& space) {
    if (!seen_.insert(node.fullname).second) {
      internal::append_json_string(out_, node.fullname);
      return;
    }
    out_ += R"({"type":)";
    internal::append_json_string(out_, node.is_error ? "error" : type_name(node.type));
    append_key(out_, "name");
    internal::append_json_string(out_, node.name);
    if (node.space != space) {
      append_key(out_, "namespace");
      internal::append_json_string(out_, node.space);
    }
    if (!node.doc.empty()) {
      append_key(out_, "doc");
      internal::append_json_string(out_, node.doc);
    }
    if (!node.aliases.empty()) {
      append_key(out_, "aliases");
      append_string_array(out_, node.aliases);
    }
    if (node.type == Type::kRecord) {
      append_key(out_, "fields");
      out_ += '[';
      for (std::size_t i = 0; i < node.fields.size(); ++i) {
        if (i > 0)
          out_ += ',';
        write_field(node.fields[i], node.space);
      }
      out_ += ']';
    } else if (node.type == Type::kEnum) {
      append_key(out_, "symbols");
      append_string_array(out_, node.symbols);
      if (node.enum_default) {
        append_key(out_, "default");
        internal::append_json_string(out_, *node.enum_default);
      }
    } else {
      append_key(out_, "size");
      out_ += std::to_string(node.fixed_size);
    }
    write_common(node);
    out_ += '}';
  }

  void write_field(const Field& f, const std::string& space) {
    out_ += R"({"name":)";
    internal::append_json_string(out_, f.name);
    append_key(out_, "type");
    write(*f.type, space);
    if (!f.doc.empty()) {
      append_key(out_, "doc");
      internal::append_json_string(out_, f.doc);
    }
    if (f.default_json) {
      append_key(out_, "default");
      out_ += *f.default_json;
    }
    if (f.order != SortOrder::kAscending) {
      append_key(out_, "order");
      internal::append_json_string(out_, f.order == SortOrder::kDescending ? "descending" : "ignore");
    }
    if (!f.aliases.empty()) {
      append_key(out_, "aliases");
      append_string_array(out_, f.aliases);
    }
    append_properties(out_, f.properties);
    out_ += '}';
  }

  std::string& out_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace

std::string Schema::to_json() const {
  std::string out;
  JsonWriter(out).write(root(), "");
  return out;
}

std::string Schema::to_json_with_references_by_name() const {
  std::string out;
  JsonWriter writer(out);
  std::vector<const Schema*> imports;
  for (const SchemaPtr& s : imports_) imports.push_back(s.get());
  while (!imports.empty()) {
    const Schema* s = imports.back();
    imports.pop_back();
    for (const Node* n : s->named_) writer.take_as_defined(n->fullname);
    for (const SchemaPtr& deeper : s->imports_) imports.push_back(deeper.get());
  }
  writer.write(root(), "");
  return out;
}

}  // namespace sluice::avro
