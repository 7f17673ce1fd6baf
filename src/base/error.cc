#include "base/error.h"

#include <fmt/format.h>

namespace sluice {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kInvalidSchema: return "invalid_schema";
    case ErrorCode::kInvalidData: return "invalid_data";
    case ErrorCode::kTruncated: return "truncated";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kLimitExceeded: return "limit_exceeded";
    case ErrorCode::kIncompatible: return "incompatible";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "unknown";
}

Error& Error::in(std::string_view segment) & {
  if (segment.empty()) return *this;
  if (path_.empty()) {
    path_ = std::string(segment);
  } else if (path_.front() == '[') {
    path_ = fmt::format("{}{}", segment, path_);
  } else {
    path_ = fmt::format("{}.{}", segment, path_);
  }
  return *this;
}
Error&& Error::in(std::string_view segment) && { return std::move(in(segment)); }

Error& Error::at_offset(std::uint64_t offset) & {
  if (!byte_offset_) byte_offset_ = offset;
  return *this;
}
Error&& Error::at_offset(std::uint64_t offset) && { return std::move(at_offset(offset)); }

Error& Error::at_line(std::uint64_t line) & {
  if (!line_) line_ = line;
  return *this;
}
Error&& Error::at_line(std::uint64_t line) && { return std::move(at_line(line)); }

std::string Error::to_string() const {
  std::string out = path_.empty() ? message_ : fmt::format("{}: {}", path_, message_);
  if (byte_offset_ && line_) {
    out += fmt::format(" (at byte {}, line {})", *byte_offset_, *line_);
  } else if (byte_offset_) {
    out += fmt::format(" (at byte {})", *byte_offset_);
  } else if (line_) {
    out += fmt::format(" (at line {})", *line_);
  }
  return out;
}

}  // namespace sluice
