// Subject names and contexts (see subjects.h).
#include "registry/subjects.h"

#include <fmt/format.h>

namespace sluice::registry {

std::pair<std::string, std::string> split_subject(std::string_view subject) {
  if (subject.size() > 2 && subject[0] == ':' && subject[1] == '.') {
    auto end = subject.find(':', 1);
    if (end != std::string_view::npos) {
      return {std::string(subject.substr(1, end - 1)), std::string(subject.substr(end + 1))};
    }
  }
  return {".", std::string(subject)};
}

std::string reference_subject(std::string_view context, std::string_view subject) {
  if (context != "." && !subject.empty() && subject[0] != ':' && split_subject(subject).first == ".")
    return fmt::format(":{}:{}", context, subject);
  return std::string(subject);
}

}  // namespace sluice::registry
