// sluice::Error — what went wrong, and where.
//
// Every fallible operation on a data path returns a Result<T> (see result.h) whose
// error is an Error: a code, a human message, and the place — a JSON path in a
// schema ("fields[2].type"), a field path in a datum ("Interop.recordField.label"),
// a byte offset, or a line. The place is kept apart from the message so callers
// can prepend context as the error travels up:
//
//   return Error(ErrorCode::kTruncated, "string length 12 exceeds the 3 bytes left")
//       .at_offset(offset).in("userId");
//   // to_string(): "userId: string length 12 exceeds the 3 bytes left (at byte 40)"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

enum class ErrorCode : std::uint8_t {
  kInvalidArgument,  // the caller passed something unusable (bad option, wrong type)
  kInvalidSchema,    // a schema text is not a valid schema
  kInvalidData,      // a datum does not match its schema (bad union index, enum out of range)
  kTruncated,        // input ended before a datum or block was complete
  kCorrupt,          // input is structurally damaged (bad magic, sync marker, checksum)
  kLimitExceeded,    // a length, count, depth or size is over a configured limit
  kIncompatible,     // reader and writer schemas cannot be resolved
  kNotFound,         // a named thing (file, field, schema id) does not exist
  kIo,               // the operating system refused a read or write
  kUnsupported,      // valid, but not implemented by this build (e.g. an unknown codec)
  kUnavailable,      // a peer or service could not be reached; retrying may help
  kInternal,         // a bug in Sluice
};

// Short stable name of a code, e.g. "truncated".
std::string_view error_code_name(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The path part ("a.b[3].c"); empty when the error is not about a nested place.
  const std::string& path() const { return path_; }
  std::optional<std::uint64_t> byte_offset() const { return byte_offset_; }
  std::optional<std::uint64_t> line() const { return line_; }

  // True when the same call may succeed later (a peer was down, a timeout).
  bool retriable() const { return code_ == ErrorCode::kUnavailable; }

  // Prepends one path segment: e.in("rec").in("outer") gives "outer.rec".
  // A segment starting with '[' is joined without a dot ("items" + "[2]").
  Error& in(std::string_view segment) &;
  Error&& in(std::string_view segment) &&;
  // Records the byte offset of the failure (the first call wins: innermost is exact).
  Error& at_offset(std::uint64_t offset) &;
  Error&& at_offset(std::uint64_t offset) &&;
  Error& at_line(std::uint64_t line) &;
  Error&& at_line(std::uint64_t line) &&;

  // "path: message (at byte N, line L)" — the one-line form for logs and CLIs.
  std::string to_string() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::string path_;
  std::optional<std::uint64_t> byte_offset_;
  std::optional<std::uint64_t> line_;
};

}  // namespace sluice
