// JSON text helpers shared by the schema writers (canonical.cc, schema_json.cc).
// Internal to the avro module.
#pragma once

#include <string>
#include <string_view>

namespace sluice::avro::internal {

// Appends `s` as a JSON string literal: quotes, backslash escapes for '"' and '\\',
// short escapes for \b \f \n \r \t, \u00XX for other control bytes; every other byte
// (including UTF-8 sequences) is copied as is.
inline void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      switch (c) {
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
      }
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace sluice::avro::internal
