#include "ingest/report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string>

namespace sluice::ingest {
namespace {

// A sample line shown on one terminal line: control characters escaped.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

std::string place(const SampleLine& s) {
  if (s.line >= 0)
    return fmt::format("{}:{}", s.source, s.line);
  if (s.offset >= 0)
    return fmt::format("{}[{}]@{}", s.source, s.partition, s.offset);
  return s.source;
}

// JSON strings must be valid UTF-8: a raw line that is not becomes \ufffd-replaced text.
nlohmann::json text_json(const std::string& s) {
  return nlohmann::json::parse(
      nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

double percent(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

std::string RunReport::to_text() const {
  std::string out;
  out += fmt::format("lines in      {:>12}{}\n", lines_in, interrupted ? "   (interrupted)" : "");
  out += fmt::format("events out    {:>12}  ({:.2f}%)\n", events_total,
                     percent(events_total, lines_in));
  for (const auto& [name, n] : events_out) {
    out += fmt::format("  {:<26}{:>10}\n", name, n);
  }
  out += fmt::format("quarantined   {:>12}  ({:.2f}%)\n", quarantined_total,
                     percent(quarantined_total, lines_in));
  for (int r = 0; r < movies::kReasonCount; ++r) {
    auto i = static_cast<std::size_t>(r);
    if (quarantined[i] == 0)
      continue;
    out += fmt::format("  {:<26}{:>10}\n", movies::reason_name(static_cast<movies::Reason>(r)),
                       quarantined[i]);
    for (const SampleLine& s : samples[i]) {
      out += fmt::format("      {}: {}\n        {}\n", place(s), s.detail, printable(s.text));
    }
  }
  bool any_warning = false;
  for (std::uint64_t w : warnings) any_warning |= w != 0;
  if (any_warning) {
    out += "warnings (accepted lines)\n";
    for (int b = 0; b < movies::kWarningCount; ++b) {
      auto i = static_cast<std::size_t>(b);
      if (warnings[i] == 0)
        continue;
      out += fmt::format("  {:<26}{:>10}\n", movies::warning_name(b), warnings[i]);
    }
  }
  if (header_lines > 0)
    out += fmt::format("csv header rows skipped  {}\n", header_lines);
  if (sources.size() > 1) {
    out += "per source (lines in = events + quarantined)\n";
    for (const SourceReport& s : sources) {
      out += fmt::format("  {}: {} = {} + {}\n", s.name, s.lines_in, s.events_out, s.quarantined);
    }
  }
  out +=
      fmt::format("time          {:>12.3f} s  ({:.0f} lines/s; cpu {:.3f} s, {:.0f} lines/cpu-s)\n",
                  elapsed_seconds, lines_per_second(), cpu_seconds, lines_per_cpu_second());
  return out;
}

std::string RunReport::to_json() const {
  nlohmann::json j;
  j["lines_in"] = lines_in;
  j["events_total"] = events_total;
  j["events_out"] = nlohmann::json::object();
  for (const auto& [name, n] : events_out) j["events_out"][name] = n;
  j["quarantined_total"] = quarantined_total;
  j["quarantined"] = nlohmann::json::object();
  j["samples"] = nlohmann::json::object();
  for (int r = 0; r < movies::kReasonCount; ++r) {
    auto i = static_cast<std::size_t>(r);
    if (quarantined[i] == 0)
      continue;
    std::string name(movies::reason_name(static_cast<movies::Reason>(r)));
    j["quarantined"][name] = quarantined[i];
    nlohmann::json list = nlohmann::json::array();
    for (const SampleLine& s : samples[i]) {
      list.push_back({{"source", text_json(s.source)},
                      {"line", s.line},
                      {"partition", s.partition},
                      {"offset", s.offset},
                      {"text", text_json(s.text)},
                      {"detail", text_json(s.detail)}});
    }
    j["samples"][name] = std::move(list);
  }
  j["warnings"] = nlohmann::json::object();
  for (int b = 0; b < movies::kWarningCount; ++b) {
    auto i = static_cast<std::size_t>(b);
    if (warnings[i] != 0)
      j["warnings"][std::string(movies::warning_name(b))] = warnings[i];
  }
  j["sources"] = nlohmann::json::array();
  for (const SourceReport& s : sources) {
    j["sources"].push_back({{"name", text_json(s.name)},
                            {"lines_in", s.lines_in},
                            {"events_out", s.events_out},
                            {"quarantined", s.quarantined},
                            {"header_lines", s.header_lines}});
  }
  j["header_lines"] = header_lines;
  j["elapsed_seconds"] = elapsed_seconds;
  j["lines_per_second"] = lines_per_second();
  j["cpu_seconds"] = cpu_seconds;
  j["lines_per_cpu_second"] = lines_per_cpu_second();
  j["interrupted"] = interrupted;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace sluice::ingest
