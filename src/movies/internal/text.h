// Small text checks shared by the movies parser and encoders (internal).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sluice::movies::internal {

inline bool is_digit(char c) {
  return static_cast<unsigned char>(c - '0') < 10;
}

// True when some byte has the high bit set (the line is not plain ASCII).
inline bool has_high_byte(std::string_view s) {
  unsigned char any = 0;
  // A plain OR-reduction: the compiler vectorises it, so ASCII lines cost ~nothing.
  for (char c : s) any |= static_cast<unsigned char>(c);
  return (any & 0x80) != 0;
}

// Offset of the first byte that starts an invalid UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or s.size() when valid.
inline std::size_t first_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    std::uint32_t min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return i;
    }
    if (n - i < len)
      return i;
    for (std::size_t k = 1; k < len; ++k) {
      unsigned char cc = p[i + k];
      if ((cc & 0xC0) != 0x80)
        return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return n;
}

inline bool is_valid_utf8(std::string_view s) {
  return !has_high_byte(s) || first_invalid_utf8(s) == s.size();
}

}  // namespace sluice::movies::internal
