// Hexadecimal digits, for the parsers that read them (UUIDs, percent-encoding,
// Python byte-string escapes, hex dumps).
#pragma once

namespace sluice {

// The value of hex digit `c` (0-9, a-f, A-F), or -1 when `c` is not one.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace sluice
