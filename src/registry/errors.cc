// Confluent's message texts (Errors.java and the REST resources), byte for byte where
// the reference documents them.
#include "registry/errors.h"

#include <fmt/format.h>

namespace sluice::registry {

std::string subject_not_found_message(std::string_view subject) {
  return fmt::format("Subject '{}' not found.", subject);
}
std::string version_not_found_message(std::string_view version) {
  return fmt::format("Version {} not found.", version);
}
std::string schema_not_found_message() { return "Schema not found"; }
std::string schema_id_not_found_message(std::int64_t id) {
  return fmt::format("Schema {} not found", id);
}
std::string subject_soft_deleted_message(std::string_view subject) {
  return fmt::format("Subject '{}' was soft deleted.Set permanent=true to delete permanently",
                     subject);
}
std::string subject_not_soft_deleted_message(std::string_view subject) {
  return fmt::format("Subject '{}' was not deleted first before being permanently deleted",
                     subject);
}
std::string version_soft_deleted_message(std::string_view subject, std::string_view version) {
  return fmt::format(
      "Subject '{}' Version {} was soft deleted.Set permanent=true to delete permanently", subject,
      version);
}
std::string version_not_soft_deleted_message(std::string_view subject, std::string_view version) {
  return fmt::format(
      "Subject '{}' Version {} was not deleted first before being permanently deleted", subject,
      version);
}
std::string subject_config_not_found_message(std::string_view subject) {
  return fmt::format("Subject '{}' does not have subject-level compatibility configured", subject);
}
std::string subject_mode_not_found_message(std::string_view subject) {
  return fmt::format("Subject '{}' does not have subject-level mode configured", subject);
}
std::string invalid_version_message(std::string_view version) {
  return fmt::format(
      "The specified version '{}' is not a valid version id. Allowed values are between "
      "[1, 2^31-1] and the string \"latest\"",
      version);
}
std::string invalid_compatibility_message() {
  return "Invalid compatibility level. Valid values are none, backward, forward, full, "
         "backward_transitive, forward_transitive, and full_transitive";
}
std::string invalid_mode_message() {
  return "Invalid mode. Valid values are READWRITE, READONLY, IMPORT and FORWARD.";
}
std::string reference_exists_message(std::string_view what) {
  return fmt::format("One or more references exist to the schema {}.", what);
}
std::string invalid_subject_message(std::string_view subject) {
  return fmt::format("The specified subject '{}' is not a valid subject", subject);
}
std::string read_only_message(std::string_view subject) {
  return fmt::format("Subject {} is in read-only mode", subject);
}
std::string incompatible_message(std::string_view subject, std::string_view details) {
  return fmt::format(
      "Schema being registered is incompatible with an earlier schema for subject \"{}\", "
      "details: {}",
      subject, details);
}

}  // namespace sluice::registry
