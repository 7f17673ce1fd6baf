#include "movies/simulator.h"

#include "movies/line_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <set>
#include <string_view>
#include <vector>

namespace sluice::movies {
namespace {

// xoshiro256** seeded through splitmix64: fast, and the same sequence on every
// platform (std:: distributions are not portable, so none is used).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      word = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> s_{};
};

constexpr std::array<std::string_view, 96> kWords = {
    "the",      "of",      "and",     "a",        "in",      "love",      "night",   "man",
    "story",    "war",     "life",    "day",      "city",    "last",      "king",    "dark",
    "girl",     "blood",   "house",   "world",    "star",    "return",    "lost",    "time",
    "dead",     "secret",  "river",   "summer",   "black",   "white",     "red",     "blue",
    "great",    "little",  "big",     "american", "french",  "wild",      "young",   "old",
    "heart",    "dream",   "ghost",   "moon",     "sun",     "sea",       "island",  "road",
    "train",    "game",    "family",  "brothers", "sisters", "father",    "mother",  "son",
    "daughter", "wedding", "murder",  "mystery",  "crime",   "justice",   "escape",  "rising",
    "falling",  "empire",  "kingdom", "legend",   "hero",    "monster",   "machine", "planet",
    "space",    "journey", "winter",  "spring",   "garden",  "paris",     "tokyo",   "rome",
    "harry",    "potter",  "lord",    "rings",    "matrix",  "godfather", "batman",  "alien",
    "ii",       "iii",     "2",       "part",     "vs",      "one",       "two",     "three",
};

// A catalog of movie ids shaped like the real ones: words joined by '+', the year
// last, with the quirks the logs show ("the+good_+the+bad", "ben-hur", "l.a.",
// "c++", "m*a*s*h", an id with no year).
std::vector<std::string> make_catalog(std::size_t size) {
  Rng rng(0x5eed'ca7a'1095ULL);  // one movie universe for every seed
  std::vector<std::string> catalog;
  std::set<std::string> seen;
  catalog.reserve(size);
  while (catalog.size() < size) {
    std::string id;
    const int words = static_cast<int>(rng.between(1, 6));
    for (int w = 0; w < words; ++w) {
      if (w > 0)
        id.push_back('+');
      id += kWords[rng.below(kWords.size())];
      const std::uint64_t quirk = rng.below(100);
      if (quirk < 4 && w + 1 < words)
        id.push_back('_');
      else if (quirk == 4)
        id += "-hur";
      else if (quirk == 5)
        id += ".a.";
      else if (quirk == 6)
        id += "++";
      else if (quirk == 7)
        id += "*a*s*h";
      else if (quirk == 8)
        id += "'s";
    }
    if (!rng.chance(0.03))
      id += fmt::format("+{}", rng.between(1920, 2023));
    // Ids are unique (a request's results are distinct ids).
    if (seen.insert(id).second)
      catalog.push_back(std::move(id));
  }
  return catalog;
}

void append_time(std::string& out, std::int64_t micros, bool with_fraction) {
  std::string t = format_log_timestamp(with_fraction ? micros : micros - micros % 1'000'000);
  // format_log_timestamp omits a zero fraction; the logs always print 6 digits then.
  if (with_fraction && t.size() == 19)
    t += ".000000";
  out += t;
}

}  // namespace

struct Simulator::Impl {
  struct Session {
    std::int64_t user = 0;
    std::uint32_t movie = 0;
    std::int32_t minute = 0;
    std::int32_t end = 0;
  };

  explicit Impl(SimulatorOptions o)
      : options(o), rng(o.seed), catalog(make_catalog(4000)), clock(o.start_time_micros) {
    options.users = std::max<std::int64_t>(1, options.users);
    options.active_sessions = std::max(1, options.active_sessions);
    options.recommendations_per_request =
        std::clamp(options.recommendations_per_request, 0, static_cast<int>(catalog.size()));
    team = static_cast<int>(rng.between(1, 30));
    sessions.resize(static_cast<std::size_t>(options.active_sessions));
    for (Session& s : sessions) start_session(s);
  }

  // Popular movies are watched far more: index ~ n * u^3.
  std::uint32_t popular_movie() {
    const double u = rng.unit();
    return static_cast<std::uint32_t>(static_cast<double>(catalog.size()) * u * u * u);
  }
  void start_session(Session& s) {
    s.user = rng.between(1, options.users);
    s.movie = popular_movie();
    s.minute = rng.chance(0.8) ? 0 : static_cast<std::int32_t>(rng.between(0, 100));
    s.end = s.minute + static_cast<std::int32_t>(rng.between(1, 120));
  }

  std::string server() const { return fmt::format("17645-team{}.isri.cmu.edu:8082", team); }

  void advance_clock() {
    const double mean = 1e6 / std::max(1e-6, options.lines_per_second);
    const double gap = -std::log(1.0 - rng.unit()) * mean;
    clock += static_cast<std::int64_t>(gap);
  }

  EventType generate(std::string& line) {
    line.clear();
    const double u = rng.unit();
    Session& s = sessions[rng.below(sessions.size())];
    if (u < options.rating_rate) {
      append_time(line, clock, false);
      fmt::format_to(std::back_inserter(line), ",{},GET /rate/{}={}", s.user, catalog[s.movie],
                     std::array{1, 2, 3, 3, 4, 4, 4, 5, 5}[rng.below(9)]);
      return EventType::kRating;
    }
    if (u < options.rating_rate + options.recommendation_rate) {
      append_time(line, clock, true);
      const std::int64_t user = rng.chance(0.5) ? s.user : rng.between(1, options.users);
      fmt::format_to(std::back_inserter(line), ",{},recommendation request {}, ", user, server());
      if (rng.chance(options.timeout_rate)) {
        line += "status 0, result: ";
        switch (rng.below(3)) {
          case 0:
            fmt::format_to(std::back_inserter(line),
                           "java.net.SocketTimeoutException: Read timed out, url: "
                           "http://{}/recommend/{}",
                           server(), user);
            break;
          case 1:
            fmt::format_to(std::back_inserter(line),
                           "java.net.ConnectException: Connection refused (Connection "
                           "refused), host: 17645-team{}.isri.cmu.edu, port: 8082",
                           team);
            break;
          default:
            line +=
                "java.util.concurrent.TimeoutException: no answer within 800 ms, waited: 800 ms";
            break;
        }
        fmt::format_to(std::back_inserter(line), ", {} ms", rng.between(800, 1200));
      } else {
        line += "status 200, result: ";
        // Distinct ids: a short linear probe over the catalog from a popular start.
        const int n = options.recommendations_per_request;
        picked.clear();
        while (static_cast<int>(picked.size()) < n) {
          std::uint32_t m = popular_movie();
          while (std::find(picked.begin(), picked.end(), m) != picked.end()) {
            m = static_cast<std::uint32_t>((m + 1) % catalog.size());
          }
          picked.push_back(m);
        }
        for (std::uint32_t m : picked) {
          line += catalog[m];
          line += ", ";
        }
        if (n == 0)
          line += ", ";
        fmt::format_to(std::back_inserter(line), "{} ms", rng.between(25, 340));
      }
      return EventType::kRecommendation;
    }
    append_time(line, clock, false);
    fmt::format_to(std::back_inserter(line), ",{},GET /data/m/{}/{}.mpg", s.user, catalog[s.movie],
                   s.minute);
    if (++s.minute >= s.end)
      start_session(s);
    return EventType::kWatch;
  }

  // Breaks `line` in one of five ways; returns true for "seconds dropped" (the only
  // corruption the parser accepts). The result is checked with the parser, so the
  // corruption accounting is exact.
  bool corrupt(std::string& line) {
    const std::size_t ts_end = line.find(',');
    const std::size_t user_end = line.find(',', ts_end + 1);
    for (int attempt = 0;; ++attempt) {
      std::string candidate = line;
      int kind = static_cast<int>(rng.below(5));
      if (attempt >= 8)
        kind = 3;  // a cut always works (see below)
      switch (kind) {
        case 0: {  // insert a character into the timestamp or the user id
          static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyzO ";
          const char c = kChars[rng.below(kChars.size())];
          const std::size_t at =
              rng.chance(0.5) ? rng.below(ts_end + 1) : ts_end + 1 + rng.below(user_end - ts_end);
          candidate.insert(candidate.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        }
        case 1:  // drop the seconds (and any fraction): 2022-11-14T12:24
          candidate.erase(16, ts_end - 16);
          break;
        case 2: {  // corrupt the user id
          std::string user = line.substr(ts_end + 1, user_end - ts_end - 1);
          switch (rng.below(4)) {
            case 0:
              user[rng.below(user.size())] = static_cast<char>('a' + rng.below(26));
              break;
            case 1:
              user.insert(user.begin(), 'N');
              break;
            case 2:
              user.insert(user.begin(), '-');
              break;
            default:
              user = fmt::format("{}", rng.between(5'000'000, 99'999'999));
              break;
          }
          candidate = line.substr(0, ts_end + 1) + user + line.substr(user_end);
          break;
        }
        case 3:  // cut the line: no strict prefix of a good line is a good line
          candidate.resize(
              static_cast<std::size_t>(rng.between(1, static_cast<std::int64_t>(line.size()) - 1)));
          break;
        default: {  // trailing junk
          candidate.push_back(',');
          const int n = static_cast<int>(rng.between(2, 5));
          for (int i = 0; i < n; ++i) candidate.push_back(static_cast<char>('a' + rng.below(26)));
          break;
        }
      }
      const ParseOutcome& check = checker.parse(candidate);
      const bool dropped = kind == 1;
      if (dropped ? (check.ok() && (check.event.warnings & kWarnNoSeconds)) : !check.ok()) {
        line = std::move(candidate);
        return dropped;
      }
    }
  }

  void next(std::string& line) {
    advance_clock();
    const EventType type = generate(line);
    ++stats.lines;
    if (options.corruption_rate > 0 && rng.chance(options.corruption_rate)) {
      ++stats.corrupted;
      if (corrupt(line))
        ++stats.seconds_dropped;
      return;
    }
    switch (type) {
      case EventType::kWatch:
        ++stats.watch;
        break;
      case EventType::kRating:
        ++stats.rating;
        break;
      case EventType::kRecommendation:
        ++stats.recommendation;
        break;
    }
  }

  SimulatorOptions options;
  Rng rng;
  std::vector<std::string> catalog;
  std::int64_t clock;
  int team = 1;
  std::vector<Session> sessions;
  std::vector<std::uint32_t> picked;
  SimulatorStats stats;
  LineParser checker;
};

Simulator::Simulator(SimulatorOptions options) : impl_(std::make_unique<Impl>(options)) {}
Simulator::Simulator(Simulator&&) noexcept = default;
Simulator& Simulator::operator=(Simulator&&) noexcept = default;
Simulator::~Simulator() = default;

void Simulator::next(std::string& line) {
  impl_->next(line);
}
const SimulatorStats& Simulator::stats() const {
  return impl_->stats;
}

}  // namespace sluice::movies
