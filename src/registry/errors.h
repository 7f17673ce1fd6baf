// Registry errors: Confluent's error codes and messages, in one table.
//
//   return api_error(kSubjectNotFound, subject_not_found_message(subject));
//   // -> HTTP 404, body {"error_code":40401,"message":"Subject 'orders' not found."}
//
// Every failure of the registry core is an ApiError: the HTTP status, Confluent's
// numeric error_code and its exact message text. The HTTP layer serialises it as the
// {"error_code","message"} envelope without further mapping. ApiResult<T> is the
// registry's Result: the core is a REST contract, so its errors carry the REST codes
// (the base Error type stays untouched; to_error() converts when a caller needs one).
#pragma once

#include <tl/expected.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace sluice::registry {

// Confluent error codes (Errors.java). The HTTP status is the first three digits.
enum ErrorCodes : int {
  kUnauthorized = 401,
  kForbidden = 403,
  kNotFound = 404,
  kIncompatibleHttp = 409,
  kSubjectNotFound = 40401,
  kVersionNotFound = 40402,
  kSchemaNotFound = 40403,
  kSubjectSoftDeleted = 40404,
  kSubjectNotSoftDeleted = 40405,
  kVersionSoftDeleted = 40406,
  kVersionNotSoftDeleted = 40407,
  kSubjectConfigNotFound = 40408,
  kSubjectModeNotFound = 40409,
  kIncompatible40901 = 40901,
  kInvalidSchema = 42201,
  kInvalidVersion = 42202,
  kInvalidCompatibility = 42203,
  kInvalidMode = 42204,
  kOperationNotPermitted = 42205,
  kReferenceExists = 42206,
  kIdDoesNotMatch = 42207,
  kInvalidSubject = 42208,
  kSchemaTooLarge = 42209,
  kContextNotEmpty = 42211,
  kStoreError = 50001,
};

struct ApiError {
  int http_status = 500;
  int error_code = kStoreError;
  std::string message;
};

template <class T>
using ApiResult = tl::expected<T, ApiError>;

// An ApiError whose HTTP status is derived from `code` (40401 -> 404, 409 -> 409).
inline tl::unexpected<ApiError> api_error(int code, std::string message) {
  int http = code >= 10000 ? code / 100 : code;
  return tl::unexpected<ApiError>(ApiError{http, code, std::move(message)});
}
// An ApiError with an explicit HTTP status (the incompatible 40901 is HTTP 409).
inline tl::unexpected<ApiError> api_error(int http, int code, std::string message) {
  return tl::unexpected<ApiError>(ApiError{http, code, std::move(message)});
}

// Converts to the project-wide Error (for CLI and logs): "40401: Subject 'x' not found."
inline Error to_error(const ApiError& e) {
  ErrorCode code = e.http_status == 404   ? ErrorCode::kNotFound
                   : e.http_status == 409 ? ErrorCode::kIncompatible
                   : e.http_status >= 500 ? ErrorCode::kIo
                                          : ErrorCode::kInvalidArgument;
  return Error(code, std::to_string(e.error_code) + ": " + e.message);
}

// Confluent's exact message texts.
std::string subject_not_found_message(std::string_view subject);
std::string version_not_found_message(std::string_view version);
std::string schema_not_found_message();
std::string schema_id_not_found_message(std::int64_t id);
std::string subject_soft_deleted_message(std::string_view subject);
std::string subject_not_soft_deleted_message(std::string_view subject);
std::string version_soft_deleted_message(std::string_view subject, std::string_view version);
std::string version_not_soft_deleted_message(std::string_view subject, std::string_view version);
std::string subject_config_not_found_message(std::string_view subject);
std::string subject_mode_not_found_message(std::string_view subject);
std::string invalid_version_message(std::string_view version);
std::string invalid_compatibility_message();
std::string invalid_mode_message();
std::string reference_exists_message(std::string_view what);
std::string invalid_subject_message(std::string_view subject);
std::string read_only_message(std::string_view subject);
std::string incompatible_message(std::string_view subject, std::string_view details);

}  // namespace sluice::registry
