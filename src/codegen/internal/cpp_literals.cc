// Text pieces of generated C++ (see cpp_literals.h).
#include "codegen/internal/cpp_literals.h"

#include <fmt/format.h>

#include <limits>
#include <nlohmann/json.hpp>

namespace sluice::codegen::internal {

std::vector<std::string> split_namespace(std::string_view text) {
  std::vector<std::string> parts;
  std::string cur;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.' || c == ':') {
      if (c == ':' && i + 1 < text.size() && text[i + 1] == ':')
        ++i;
      if (!cur.empty())
        parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty())
    parts.push_back(cur);
  return parts;
}

std::string cpp_string_literal(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7F && c != '?') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\{:03o}", c);
    }
  }
  out += '"';
  return out;
}

std::string cpp_raw_literal(std::string_view s) {
  std::string delim = "avro";
  while (s.find(")" + delim + "\"") != std::string_view::npos)
    delim += "_";
  return fmt::format("R\"{}({}){}\"", delim, s, delim);
}

std::string cpp_string_view(std::string_view s) {
  return fmt::format("std::string_view({}, {})", cpp_raw_literal(s), s.size());
}

std::string int_literal(std::int64_t v) {
  if (v == std::numeric_limits<std::int64_t>::min())
    return "(-9223372036854775807LL - 1)";
  if (v > std::numeric_limits<std::int32_t>::max() || v < std::numeric_limits<std::int32_t>::min())
    return fmt::format("{}LL", v);
  return fmt::format("{}", v);
}

std::vector<std::uint8_t> latin1_bytes(const std::string& utf8) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(c);
    } else if ((c & 0xE0) == 0xC0 && i + 1 < utf8.size()) {
      out.push_back(static_cast<std::uint8_t>(((c & 0x1F) << 6) |
                                              (static_cast<unsigned char>(utf8[i + 1]) & 0x3F)));
      ++i;
    } else {
      out.push_back('?');  // not ISO-8859-1; the parser validated defaults already
    }
  }
  return out;
}

std::string byte_list(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += fmt::format("0x{:02x}", bytes[i]);
  }
  return out;
}

std::string float_literal(const nlohmann::json& j, bool is_float) {
  const char* t = is_float ? "float" : "double";
  double d;
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (s == "NaN")
      return fmt::format("std::numeric_limits<{}>::quiet_NaN()", t);
    if (s == "Infinity")
      return fmt::format("std::numeric_limits<{}>::infinity()", t);
    return fmt::format("-std::numeric_limits<{}>::infinity()", t);
  }
  d = j.get<double>();
  std::string text = is_float ? fmt::format("{}", static_cast<float>(d)) : fmt::format("{}", d);
  if (text.find_first_of(".e") == std::string::npos)
    text += ".0";
  if (is_float)
    text += "f";
  return text;
}

// g++ takes a lone \r for a line end too (the rest of the line would be code); the
// trigraph ??/ stands for a backslash (and g++ -Wall warns of it).
void append_doc(std::string& out, std::string_view doc, std::string_view indent) {
  if (doc.empty())
    return;
  std::size_t start = 0;
  while (start <= doc.size()) {
    std::size_t nl = doc.find_first_of("\r\n", start);
    std::string line(doc.substr(start, nl == std::string_view::npos ? doc.npos : nl - start));
    for (;;) {
      if (!line.empty() && (line.back() == '\\' || line.back() == ' '))
        line.pop_back();
      else if (line.ends_with("?\?/"))  // ??/, escaped: it is a trigraph here too
        line.resize(line.size() - 3);
      else
        break;
    }
    out += fmt::format("{}//{}{}\n", indent, line.empty() ? "" : " ", line);
    if (nl == std::string_view::npos)
      break;
    start = nl + (doc.substr(nl, 2) == "\r\n" ? 2 : 1);
  }
}

}  // namespace sluice::codegen::internal
