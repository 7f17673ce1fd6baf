// sluice::Result<T> and Status: errors as values.
//
//   Result<Schema> parse(std::string_view text);
//   SLUICE_ASSIGN_OR_RETURN(auto schema, parse(text));   // returns the error upward
//   SLUICE_TRY(write(schema));                           // same, for Status
//   return fail(ErrorCode::kInvalidSchema, "no 'type' in {}", where);
//
// Result<T> is tl::expected<T, Error> marked [[nodiscard]]. Nothing on a data path
// throws: bad input becomes a Result holding an Error (see error.h).
#pragma once

#include <fmt/format.h>
#include <tl/expected.hpp>

#include <utility>

#include "base/error.h"

namespace sluice {

template <class T>
class [[nodiscard]] Result : public tl::expected<T, Error> {
 public:
  using Base = tl::expected<T, Error>;
  using Base::Base;
  Result(Base base) : Base(std::move(base)) {}  // NOLINT: implicit by design
};

// Success or an Error.
using Status = Result<void>;

inline Status ok_status() { return {}; }

// An error value convertible to any Result<T>.
inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

template <class... Args>
tl::unexpected<Error> fail(ErrorCode code, fmt::format_string<Args...> format, Args&&... args) {
  return tl::unexpected<Error>(Error(code, fmt::format(format, std::forward<Args>(args)...)));
}

}  // namespace sluice

#define SLUICE_CONCAT_INNER_(a, b) a##b
#define SLUICE_CONCAT_(a, b) SLUICE_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Status or Result); returns its error from the enclosing function.
#define SLUICE_TRY(expr)                                               \
  do {                                                                 \
    auto&& sluice_try_result_ = (expr);                                \
    if (!sluice_try_result_) {                                         \
      return ::tl::unexpected<::sluice::Error>(                        \
          std::move(sluice_try_result_).error());                      \
    }                                                                  \
  } while (false)

// `lhs` = the value of Result `expr`, or returns its error from the enclosing function.
#define SLUICE_ASSIGN_OR_RETURN(lhs, expr) \
  SLUICE_ASSIGN_OR_RETURN_IMPL_(SLUICE_CONCAT_(sluice_result_, __LINE__), lhs, expr)
#define SLUICE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)                               \
  auto tmp = (expr);                                                                \
  if (!tmp) return ::tl::unexpected<::sluice::Error>(std::move(tmp).error());       \
  lhs = std::move(*tmp)

#ifdef NDEBUG
#define SLUICE_DCHECK(cond) ((void)0)
#else
#include <cassert>
#define SLUICE_DCHECK(cond) assert(cond)
#endif
