#include "movies/line_parser.h"

#include "base/hex.h"
#include "movies/internal/text.h"

#include <fmt/format.h>

#include <cstring>
#include <iterator>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sluice::movies {
namespace {

using internal::is_digit;

constexpr std::string_view kWatchPrefix = "GET /data/m/";
constexpr std::string_view kRatePrefix = "GET /rate/";
constexpr std::string_view kRecommendationPrefix = "recommendation request ";
constexpr std::string_view kStatusSep = ", status ";
constexpr std::string_view kResultSep = ", result: ";
constexpr std::string_view kMpg = ".mpg";
constexpr std::string_view kMs = " ms";

// string_view::substr checks its position and may throw, which keeps it out of line;
// these are the unchecked forms for positions the parser has already validated.
inline std::string_view from(std::string_view s, std::size_t pos) {
  return {s.data() + pos, s.size() - pos};
}
inline std::string_view upto(std::string_view s, std::size_t n) {
  return {s.data(), n < s.size() ? n : s.size()};
}

// At most this many characters of an offending piece are quoted in a detail.
constexpr std::size_t kQuoteMax = 48;

std::string_view quoted(std::string_view s) {
  return s.size() <= kQuoteMax ? s : s.substr(0, kQuoteMax);
}
const char* ellipsis(std::string_view s) {
  return s.size() <= kQuoteMax ? "" : "...";
}

// Parses s as a decimal number of at most 18 digits (no sign, no spaces).
bool parse_digits(std::string_view s, std::int64_t* value) {
  if (s.empty() || s.size() > 18)
    return false;
  std::int64_t v = 0;
  for (char c : s) {
    if (!is_digit(c))
      return false;
    v = v * 10 + (c - '0');
  }
  *value = v;
  return true;
}

// The first byte from `p` that cannot be in a plain (ASCII) id: a space or control
// character, 0x7f, a byte >= 0x80, or `sep1` / `sep2`; `end` when there is none.
// Sixteen bytes at a time with SSE2 (every x86-64 CPU has it), then eight at a time
// (a word without such a byte costs a few ALU operations), then byte by byte; no load
// reaches past `end`.
inline __attribute__((always_inline)) const char* skip_plain_id(const char* p, const char* end,
                                                                char sep1, char sep2) {
#if defined(__SSE2__)
  if (end - p >= 16) {
    // As signed bytes, "<= 0x20 or >= 0x80" is one compare: b < 0x21.
    const __m128i limit = _mm_set1_epi8(0x21);
    const __m128i del = _mm_set1_epi8(0x7f);
    const __m128i s1 = _mm_set1_epi8(sep1);
    const __m128i s2 = _mm_set1_epi8(sep2);
    do {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i hits =
          _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, limit), _mm_cmpeq_epi8(v, del)),
                       _mm_or_si128(_mm_cmpeq_epi8(v, s1), _mm_cmpeq_epi8(v, s2)));
      if (const int mask = _mm_movemask_epi8(hits); mask != 0)
        return p + __builtin_ctz(static_cast<unsigned>(mask));
      p += 16;
    } while (end - p >= 16);
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  // Flags the zero bytes of v (exactly the lowest one; a borrow may flag bytes above it).
  auto zeros = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const std::uint64_t s1 = kOnes * static_cast<unsigned char>(sep1);
  const std::uint64_t s2 = kOnes * static_cast<unsigned char>(sep2);
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t below = (w - kOnes * 0x21) & ~w & kHighs;  // bytes < 0x21
    const std::uint64_t flags =
        below | (w & kHighs) | zeros(w ^ (kOnes * 0x7f)) | zeros(w ^ s1) | zeros(w ^ s2);
    if (flags != 0)  // little-endian: the lowest flag is the first such byte
      return p + (__builtin_ctzll(flags) >> 3);
    p += 8;
  }
  for (; p < end; ++p) {
    auto c = static_cast<unsigned char>(*p);
    if (c <= 0x20 || c >= 0x7f || *p == sep1 || *p == sep2)
      return p;
  }
  return end;
}

// The character rule for movie ids and server names: printable, no space or control
// character (bytes >= 0x80 are parts of UTF-8 characters, validated for the whole
// line), and none of the `forbidden` separators. Returns the offset of the first bad
// character, or npos.
std::size_t bad_id_char(std::string_view s, char forbidden1, char forbidden2) {
  const char* end = s.data() + s.size();
  for (const char* p = s.data();; ++p) {
    p = skip_plain_id(p, end, forbidden1, forbidden2);
    if (p == end)
      return std::string_view::npos;
    if (static_cast<unsigned char>(*p) < 0x80)
      return static_cast<std::size_t>(p - s.data());
  }
}

// The fast pass's pieces (parse_plain()).

// True when [p, end) starts with `prefix`.
inline bool has_prefix(const char* p, const char* end, std::string_view prefix) {
  return static_cast<std::size_t>(end - p) >= prefix.size() &&
         std::memcmp(p, prefix.data(), prefix.size()) == 0;
}

// Reads the decimal digits at p (1 to 18, as parse_digits() accepts) into *value and
// moves p past them; false when there are none or more than 18.
inline bool scan_digits(const char*& p, const char* end, std::uint64_t* value) {
  const char* start = p;
  if (end - p >= 8) {
    // Ids, minutes and status codes have fewer than 8 digits: find the run's length in
    // one word and convert it without a loop.
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t x = w ^ 0x3030303030303030ULL;  // digits become bytes 0..9
    // A byte is not a digit when its high nibble is set or its low one is >= 10 (+6
    // carries into 0x10). A carry out of a non-digit byte can only disturb the bytes
    // after it, so the lowest flagged byte is the first non-digit.
    const std::uint64_t flags =
        (x & 0xF0F0F0F0F0F0F0F0ULL) | ((x + 0x0606060606060606ULL) & 0x1010101010101010ULL);
    if (flags != 0) {
      const unsigned n = static_cast<unsigned>(__builtin_ctzll(flags)) >> 3;
      if (n == 0)
        return false;
      // The n digits moved to the top bytes (the first the most significant, after zeros),
      // then combined pairwise: 2-digit lanes, 4-digit lanes, the number.
      std::uint64_t v = x << (8 * (8 - n));
      v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;
      v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;
      v = (v * 10000 + (v >> 32)) & 0xFFFFFFFFULL;
      *value = v;
      p += n;
      return true;
    }
  }
  std::uint64_t v = 0;
  for (; p < end && is_digit(*p); ++p) {
    if (p - start == 18)
      return false;
    v = v * 10 + static_cast<std::uint64_t>(*p - '0');
  }
  *value = v;
  return p != start;
}

// The 19 bytes "YYYY-MM-DDTHH:MM:SS" of a and b are equal (three loads each).
inline bool same_seconds_prefix(const char* a, const char* b) {
  std::uint64_t a0, a1, a2, b0, b1, b2;
  std::memcpy(&a0, a, 8);
  std::memcpy(&a1, a + 8, 8);
  std::memcpy(&a2, a + 11, 8);
  std::memcpy(&b0, b, 8);
  std::memcpy(&b1, b + 8, 8);
  std::memcpy(&b2, b + 11, 8);
  return ((a0 ^ b0) | (a1 ^ b1) | (a2 ^ b2)) == 0;
}

std::string describe_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u == ' ')
    return "a space";
  if (u < 0x20 || u == 0x7f)
    return fmt::format("control character 0x{:02x}", u);
  return fmt::format("'{}'", c);
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return kDays[m - 1];
}

inline unsigned two(const char* p) {
  return static_cast<unsigned>((p[0] - '0') * 10 + (p[1] - '0'));
}

// Unescapes the contents of a python bytes repr (b'...' as written inside a CSV
// field): \\ \' \" \n \r \t \xHH, and CSV's doubled quote "" for ". Stops at the
// closing quote `quote` (for b"..." the CSV form of the closing quote is ""),
// returning the offset just past it in *end, or false when the text is malformed.
bool unescape_bytes_repr(std::string_view s, char quote, std::string& out, std::size_t* end) {
  out.clear();
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (quote == '\'' && c == '\'') {
      *end = i + 1;
      return true;
    }
    if (c == '"') {
      if (i + 1 >= s.size() || s[i + 1] != '"')
        return false;  // a lone quote ends the CSV field
      if (quote == '"') {
        *end = i + 2;
        return true;
      }
      out.push_back('"');
      i += 2;
      continue;
    }
    if (c != '\\') {
      out.push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= s.size())
      return false;
    char e = s[i + 1];
    switch (e) {
      case '\\':
        out.push_back('\\');
        i += 2;
        break;
      case '\'':
        out.push_back('\'');
        i += 2;
        break;
      case 'n':
        out.push_back('\n');
        i += 2;
        break;
      case 'r':
        out.push_back('\r');
        i += 2;
        break;
      case 't':
        out.push_back('\t');
        i += 2;
        break;
      case '"':  // CSV doubles it: \"" is an escaped quote
        out.push_back('"');
        i += (i + 2 < s.size() && s[i + 2] == '"') ? 3 : 2;
        break;
      case 'x': {
        if (i + 3 >= s.size())
          return false;
        int hi = hex_digit_value(s[i + 2]);
        int lo = hex_digit_value(s[i + 3]);
        if (hi < 0 || lo < 0)
          return false;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 4;
        break;
      }
      default:
        return false;
    }
  }
  return false;  // no closing quote
}

// The optional ".f{1,9}" after the seconds: microseconds (digits past the 6th
// truncated) and its warning bit. An empty `rest` is no fraction.
bool parse_fraction(std::string_view rest, std::int64_t* micros, std::uint32_t* warnings) {
  if (rest.empty()) {
    *micros = 0;
    return true;
  }
  if (rest[0] != '.')
    return false;
  const std::size_t digits = rest.size() - 1;
  if (digits < 1 || digits > 9)
    return false;
  std::int64_t f = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = rest[1 + i];
    if (!is_digit(c))
      return false;
    if (i < 6)
      f = f * 10 + (c - '0');
  }
  for (std::size_t i = digits; i < 6; ++i) f *= 10;
  *micros = f;
  *warnings |= digits == 3   ? kWarnFraction3
               : digits == 6 ? kWarnFraction6
               : digits == 9 ? kWarnFraction9
                             : kWarnOtherFraction;
  return true;
}

}  // namespace

bool parse_log_timestamp(std::string_view t, std::int64_t* micros, std::uint32_t* warnings) {
  // YYYY-MM-DDTHH:MM is 16 characters; every further form extends it.
  if (t.size() < 16)
    return false;
  const char* p = t.data();
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15}) {
    if (!is_digit(p[i]))
      return false;
  }
  if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':')
    return false;
  const std::int64_t year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + two(p + 2);
  const unsigned month = two(p + 5);
  const unsigned day = two(p + 8);
  const unsigned hour = two(p + 11);
  const unsigned minute = two(p + 14);
  unsigned second = 0;
  std::int64_t fraction_micros = 0;
  std::uint32_t w = 0;
  if (t.size() == 16) {
    w |= kWarnNoSeconds;
  } else {
    if (t.size() < 19 || p[16] != ':' || !is_digit(p[17]) || !is_digit(p[18]))
      return false;
    second = two(p + 17);
    if (!parse_fraction(from(t, 19), &fraction_micros, &w))
      return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return false;
  }
  const std::int64_t days = days_from_civil(year, month, day);
  *micros = (((days * 24 + hour) * 60 + minute) * 60 + second) * 1'000'000 + fraction_micros;
  *warnings |= w;
  return true;
}

std::string format_log_timestamp(std::int64_t micros) {
  std::int64_t secs = micros / 1'000'000;
  std::int64_t frac = micros % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    secs -= 1;
  }
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // civil_from_days (the inverse of days_from_civil).
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  if (frac == 0) {
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, rem / 3600, rem / 60 % 60,
                       rem % 60);
  }
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}", y, m, d, rem / 3600,
                     rem / 60 % 60, rem % 60, frac);
}

bool LineParser::parse_time(std::string_view text, std::int64_t* micros, std::uint32_t* warnings) {
  // Logs are in time order: most lines share the previous line's second, whose
  // "YYYY-MM-DDTHH:MM:SS" prefix is cached with its microseconds.
  std::int64_t fraction = 0;
  if (text.size() >= kSecondsPrefix && ts_cache_valid_ &&
      same_seconds_prefix(text.data(), ts_cache_key_) &&
      parse_fraction(from(text, kSecondsPrefix), &fraction, warnings)) {
    *micros = ts_cache_micros_ + fraction;
    return true;
  }
  if (!parse_log_timestamp(text, micros, warnings))
    return false;
  if (text.size() >= kSecondsPrefix) {
    std::memcpy(ts_cache_key_, text.data(), kSecondsPrefix);
    std::int64_t sub = *micros % 1'000'000;
    if (sub < 0)
      sub += 1'000'000;
    ts_cache_micros_ = *micros - sub;
    ts_cache_valid_ = true;
  }
  return true;
}

const ParseOutcome& LineParser::parse(std::string_view line) {
  if (parse_plain(line))
    return outcome_;
  return parse_general(line);
}

bool LineParser::parse_plain(std::string_view line) {
  const char* p = line.data();
  const char* end = p + line.size();
  std::uint32_t warnings = 0;
  if (p != end && end[-1] == '\n')
    --end;
  if (p != end && end[-1] == '\r') {
    --end;
    warnings |= kWarnCrLf;
  }
  // A line that does not start with a digit may be an envelope: parse_general() unwraps.
  if (p == end || !is_digit(*p))
    return false;

  // <time>, (parse_time() checks every character, so the time is ASCII)
  // Most timestamps are "YYYY-MM-DDTHH:MM:SS", 19 characters. Taking the ',' after them
  // as the first is safe: parse_time() refuses a ',' among them (then parse_general()).
  const auto* comma1 =
      end - p > 19 && p[19] == ','
          ? p + 19
          : static_cast<const char*>(std::memchr(p, ',', static_cast<std::size_t>(end - p)));
  if (comma1 == nullptr)
    return false;
  ParsedLine& ev = outcome_.event;
  ev.time_text = {p, static_cast<std::size_t>(comma1 - p)};
  if (!parse_time(ev.time_text, &ev.time_micros, &warnings))
    return false;

  // <userId>,
  const char* q = comma1 + 1;
  std::uint64_t user_id = 0;
  if (!scan_digits(q, end, &user_id) || q == end || *q != ',' || user_id < 1 ||
      user_id > static_cast<std::uint64_t>(rules_.max_user_id)) {
    return false;
  }
  ev.user_id = static_cast<std::int64_t>(user_id);
  const char* request = q + 1;

  if (has_prefix(request, end, kWatchPrefix)) {
    // GET /data/m/<movieId>/<minute>.mpg
    const char* movie = request + kWatchPrefix.size();
    const char* r = skip_plain_id(movie, end, '/', '/');
    if (r == movie || r == end || *r != '/')
      return false;
    const char* minute_text = r + 1;
    const char* m = minute_text;
    std::uint64_t minute = 0;
    if (!scan_digits(m, end, &minute) || minute > static_cast<std::uint64_t>(rules_.max_minute) ||
        end - m != static_cast<std::ptrdiff_t>(kMpg.size()) ||
        std::memcmp(m, kMpg.data(), kMpg.size()) != 0) {
      return false;
    }
    ev.type = EventType::kWatch;
    ev.watch.movie_id = {movie, static_cast<std::size_t>(r - movie)};
    ev.watch.minute = static_cast<std::int32_t>(minute);
    ev.watch.minute_text = {minute_text, static_cast<std::size_t>(m - minute_text)};
  } else if (has_prefix(request, end, kRatePrefix)) {
    // GET /rate/<movieId>=<rating>: one digit 1-5 (parse_general() takes "05")
    const char* movie = request + kRatePrefix.size();
    const char* r = skip_plain_id(movie, end, '/', '=');
    if (r == movie || end - r != 2 || r[0] != '=' || r[1] < '1' || r[1] > '5')
      return false;
    ev.type = EventType::kRating;
    ev.rating.movie_id = {movie, static_cast<std::size_t>(r - movie)};
    ev.rating.rating = r[1] - '0';
    ev.rating.rating_text = {r + 1, 1};
  } else if (has_prefix(request, end, kRecommendationPrefix)) {
    if (!parse_plain_recommendation(request + kRecommendationPrefix.size(), end))
      return false;  // (sets the recommendation's fields when true)
  } else {
    return false;
  }
  ev.warnings = warnings;
  outcome_.is_event = true;
  return true;
}

// recommendation request <server>, status <code>, result: <results>, <n> ms
bool LineParser::parse_plain_recommendation(const char* server, const char* end) {
  const char* r = skip_plain_id(server, end, ',', ',');
  if (r == server || !has_prefix(r, end, kStatusSep))
    return false;
  const char* status_text = r + kStatusSep.size();
  const char* s = status_text;
  const bool negative = s != end && *s == '-';
  if (negative)
    ++s;
  std::uint64_t status = 0;
  if (!scan_digits(s, end, &status) ||
      status > static_cast<std::uint64_t>(std::numeric_limits<std::int32_t>::max()) ||
      !has_prefix(s, end, kResultSep)) {
    return false;
  }
  const char* results = s + kResultSep.size();
  // The line ends in ", <n> ms": the last ", " of the line, as parse_general() finds it.
  if (end - results < static_cast<std::ptrdiff_t>(kMs.size()))
    return false;
  const char* ms_end = end - kMs.size();
  if (std::memcmp(ms_end, kMs.data(), kMs.size()) != 0)
    return false;
  const char* digits = ms_end;
  while (digits > results && is_digit(digits[-1])) --digits;
  if (digits == ms_end || ms_end - digits > 9 || digits - results < 2 || digits[-2] != ',' ||
      digits[-1] != ' ') {
    return false;
  }
  std::int64_t ms = 0;
  for (const char* c = digits; c < ms_end; ++c) ms = ms * 10 + (*c - '0');
  if (ms > rules_.max_response_time_ms)
    return false;
  const char* results_end = digits - 2;
  const std::int64_t code =
      negative ? -static_cast<std::int64_t>(status) : static_cast<std::int64_t>(status);

  ParsedLine& ev = outcome_.event;
  auto& rec = ev.recommendation;
  recommendations_.clear();
  rec.error.reset();
  const std::string_view result_text(results, static_cast<std::size_t>(results_end - results));
  if (code == 200 && results != results_end) {
    // Movie ids separated by ", ": the only byte outside the id rule may be a space
    // right after a ',' that ends a non-empty id.
    const char* item = results;
    for (const char* c = results;; ++c) {
      c = skip_plain_id(c, results_end, '/', '/');
      if (c == results_end)
        break;
      if (*c != ' ' || c - item < 2 || c[-1] != ',')
        return false;
      recommendations_.emplace_back(item, static_cast<std::size_t>(c - 1 - item));
      item = c + 1;
    }
    if (item == results_end)
      return false;
    recommendations_.emplace_back(item, static_cast<std::size_t>(results_end - item));
  } else if (code != 200) {
    if (internal::has_high_byte(result_text))
      return false;  // any text, but valid UTF-8: parse_general() checks
    rec.error = result_text;
  }
  ev.type = EventType::kRecommendation;
  rec.server = {server, static_cast<std::size_t>(r - server)};
  rec.status = static_cast<std::int32_t>(code);
  rec.recommendations = std::span<const std::string_view>(recommendations_);
  rec.response_time_ms = static_cast<std::int32_t>(ms);
  rec.status_text = {status_text, static_cast<std::size_t>(s - status_text)};
  rec.result_text = result_text;
  rec.response_time_text = {digits, static_cast<std::size_t>(end - digits)};
  return true;
}

const ParseOutcome& LineParser::parse_general(std::string_view line) {
  ParseOutcome& out = outcome_;
  out.is_event = false;
  std::uint32_t warnings = 0;

  // Every rejection goes through here: reason, and a detail naming the 1-based column
  // of the line (as parsed, after unwrapping) where the problem starts.
  std::string_view text = line;
  auto reject = [&](Reason reason, std::size_t offset, std::string_view format,
                    const auto&... args) -> const ParseOutcome& {
    out.rejection.reason = reason;
    std::string& d = out.rejection.detail;
    d.clear();  // keeps its capacity: a bad line costs no allocation once warmed up
    fmt::format_to(std::back_inserter(d), fmt::runtime(format), args...);
    fmt::format_to(std::back_inserter(d), " (column {})", offset + 1);
    return out;
  };
  auto column = [&](std::string_view piece) {
    return static_cast<std::size_t>(piece.data() - text.data());
  };

  if (!text.empty() && text.back() == '\n')
    text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') {
    text.remove_suffix(1);
    warnings |= kWarnCrLf;
  }

  // A McGill Kafka-dump CSV row: `<topic>,<partition>,<offset>,<ts>,...,"b'<line>'",...`.
  // Log lines start with a digit; a dump row starts with its topic name.
  if (!text.empty() && !is_digit(text.front())) {
    std::size_t open = text.find(",\"b'");
    char quote = '\'';
    std::size_t skip = 4;
    if (open == std::string_view::npos) {
      open = text.find(",\"b\"\"");
      quote = '"';
      skip = 5;
    }
    // The CMU export CSV: `Movie,"<line>"`, `Rating,"..."`, `Recommendation,"..."`.
    std::size_t export_quote = std::string_view::npos;
    for (std::string_view kind : {"Movie,\"", "Rating,\"", "Recommendation,\""}) {
      if (text.starts_with(kind))
        export_quote = kind.size();
    }
    if (export_quote != std::string_view::npos && text.size() > export_quote &&
        text.back() == '"') {
      std::string_view inner = text.substr(export_quote, text.size() - export_quote - 1);
      if (inner.find('"') == std::string_view::npos) {
        text = inner;
      } else {
        // CSV doubles quotes inside a quoted field.
        unwrapped_.clear();
        for (std::size_t i = 0; i < inner.size(); ++i) {
          unwrapped_.push_back(inner[i]);
          if (inner[i] == '"' && i + 1 < inner.size() && inner[i + 1] == '"')
            ++i;
        }
        text = unwrapped_;
      }
      warnings |= kWarnCsvExportRow;
    } else if (open != std::string_view::npos) {
      std::string_view body = from(text, open + skip);
      std::size_t end = 0;
      if (!unescape_bytes_repr(body, quote, unwrapped_, &end) || end >= body.size() ||
          body[end] != '"' || (end + 1 < body.size() && body[end + 1] != ',')) {
        return reject(Reason::kUnknownFormat, open + 1,
                      "a Kafka dump row whose b'...' field is malformed");
      }
      warnings |= kWarnKafkaDumpEnvelope;
      // Without escapes the line is the row's own bytes: no copy kept.
      std::string_view inner = body.substr(0, end - (quote == '"' ? 2 : 1));
      text = inner.size() == unwrapped_.size() ? inner : std::string_view(unwrapped_);
      if (!text.empty() && text.back() == '\n')
        text.remove_suffix(1);
      if (!text.empty() && text.back() == '\r') {
        text.remove_suffix(1);
        warnings |= kWarnCrLf;
      }
    }
  }

  if (internal::has_high_byte(text)) {
    std::size_t bad = internal::first_invalid_utf8(text);
    if (bad != text.size()) {
      return reject(Reason::kBadEncoding, bad, "byte 0x{:02x} is not valid UTF-8",
                    static_cast<unsigned char>(text[bad]));
    }
  }

  // <time>,
  const std::size_t comma1 = text.find(',');
  if (comma1 == std::string_view::npos) {
    return reject(Reason::kUnknownFormat, 0, "no ',': not a '<time>,<userId>,<request>' line");
  }
  ParsedLine& ev = out.event;
  ev.time_text = upto(text, comma1);
  if (!parse_time(ev.time_text, &ev.time_micros, &warnings)) {
    return reject(Reason::kBadTimestamp, 0,
                  "timestamp '{}{}' is not YYYY-MM-DDTHH:MM[:SS[.fraction]] (a valid UTC time)",
                  quoted(ev.time_text), ellipsis(ev.time_text));
  }

  // <userId>,
  std::string_view rest = from(text, comma1 + 1);
  const std::size_t comma2 = rest.find(',');
  std::string_view user = upto(rest, comma2);
  std::int64_t user_id = 0;
  if (!parse_digits(user, &user_id)) {
    return reject(Reason::kBadUserId, column(user), "user id '{}{}' is not a number", quoted(user),
                  ellipsis(user));
  }
  if (user_id < 1 || user_id > rules_.max_user_id) {
    return reject(Reason::kBadUserId, column(user), "user id {} is outside [1, {}]", user_id,
                  rules_.max_user_id);
  }
  ev.user_id = user_id;
  if (comma2 == std::string_view::npos) {
    return reject(Reason::kUnknownFormat, text.size(),
                  "the line ends after the user id (no request)");
  }
  std::string_view request = from(rest, comma2 + 1);

  if (request.starts_with(kWatchPrefix)) {
    // GET /data/m/<movieId>/<minute>.mpg
    std::string_view body = request.substr(kWatchPrefix.size());
    const std::size_t slash = body.find('/');
    if (slash == std::string_view::npos) {
      return reject(Reason::kUnknownFormat, column(body), "no '/<minute>.mpg' after the movie id");
    }
    std::string_view movie = upto(body, slash);
    if (movie.empty())
      return reject(Reason::kBadMovieId, column(movie), "empty movie id");
    if (std::size_t bad = bad_id_char(movie, '/', '/'); bad != std::string_view::npos) {
      return reject(Reason::kBadMovieId, column(movie) + bad, "movie id contains {}",
                    describe_char(movie[bad]));
    }
    std::string_view tail = from(body, slash + 1);
    const std::size_t mpg = tail.find(kMpg);
    if (mpg == std::string_view::npos) {
      return reject(Reason::kUnknownFormat, column(tail), "no '.mpg' after the minute");
    }
    std::string_view minute_text = upto(tail, mpg);
    std::int64_t minute = 0;
    if (!parse_digits(minute_text, &minute) || minute > rules_.max_minute) {
      return reject(Reason::kBadMinute, column(minute_text),
                    "minute '{}{}' is not an integer in [0, {}]", quoted(minute_text),
                    ellipsis(minute_text), rules_.max_minute);
    }
    std::string_view after = tail.substr(mpg + kMpg.size());
    if (!after.empty()) {
      return reject(Reason::kTrailingData, column(after), "'{}{}' after '.mpg'", quoted(after),
                    ellipsis(after));
    }
    ev.type = EventType::kWatch;
    ev.watch.movie_id = movie;
    ev.watch.minute = static_cast<std::int32_t>(minute);
    ev.watch.minute_text = minute_text;
  } else if (request.starts_with(kRatePrefix)) {
    // GET /rate/<movieId>=<rating>
    std::string_view body = request.substr(kRatePrefix.size());
    const std::size_t eq = body.find('=');
    if (eq == std::string_view::npos) {
      return reject(Reason::kUnknownFormat, column(body), "no '=<rating>' after the movie id");
    }
    std::string_view movie = upto(body, eq);
    if (movie.empty())
      return reject(Reason::kBadMovieId, column(movie), "empty movie id");
    if (std::size_t bad = bad_id_char(movie, '/', '='); bad != std::string_view::npos) {
      return reject(Reason::kBadMovieId, column(movie) + bad, "movie id contains {}",
                    describe_char(movie[bad]));
    }
    std::string_view tail = from(body, eq + 1);
    const std::size_t comma = tail.find(',');
    std::string_view rating_text = upto(tail, comma);
    std::int64_t rating = 0;
    if (!parse_digits(rating_text, &rating) || rating < 1 || rating > 5) {
      return reject(Reason::kBadRating, column(rating_text), "rating '{}{}' is not 1 to 5",
                    quoted(rating_text), ellipsis(rating_text));
    }
    if (comma != std::string_view::npos) {
      std::string_view after = from(tail, comma);
      return reject(Reason::kTrailingData, column(after), "'{}{}' after the rating", quoted(after),
                    ellipsis(after));
    }
    ev.type = EventType::kRating;
    ev.rating.movie_id = movie;
    ev.rating.rating = static_cast<std::int32_t>(rating);
    ev.rating.rating_text = rating_text;
  } else if (request.starts_with(kRecommendationPrefix)) {
    // recommendation request <server>, status <code>, result: <results>, <n> ms
    std::string_view body = request.substr(kRecommendationPrefix.size());
    const std::size_t status_at = body.find(kStatusSep);
    if (status_at == std::string_view::npos) {
      return reject(Reason::kUnknownFormat, column(body), "no ', status ' after the server");
    }
    std::string_view server = upto(body, status_at);
    if (server.empty())
      return reject(Reason::kBadServer, column(server), "empty server");
    if (std::size_t bad = bad_id_char(server, ',', ','); bad != std::string_view::npos) {
      return reject(Reason::kBadServer, column(server) + bad, "server contains {}",
                    describe_char(server[bad]));
    }
    std::string_view after_status = body.substr(status_at + kStatusSep.size());
    const std::size_t status_end = after_status.find(',');
    std::string_view status_text = upto(after_status, status_end);
    std::int64_t status = 0;
    {
      std::string_view digits = status_text;
      const bool negative = !digits.empty() && digits.front() == '-';
      if (negative)
        digits.remove_prefix(1);
      if (!parse_digits(digits, &status) || status > std::numeric_limits<std::int32_t>::max()) {
        return reject(Reason::kBadStatus, column(status_text), "status '{}{}' is not an integer",
                      quoted(status_text), ellipsis(status_text));
      }
      if (negative)
        status = -status;
    }
    std::string_view results_and_time =
        status_end == std::string_view::npos ? std::string_view() : from(after_status, status_end);
    if (!results_and_time.starts_with(kResultSep)) {
      return reject(Reason::kUnknownFormat, column(status_text) + status_text.size(),
                    "no ', result: ' after the status");
    }
    results_and_time.remove_prefix(kResultSep.size());
    // The response time is the LAST ", <n> ms": error texts may contain ", " too.
    const std::size_t last = results_and_time.rfind(", ");
    if (last == std::string_view::npos) {
      return reject(Reason::kUnknownFormat, column(results_and_time),
                    "no ', <n> ms' response time at the end");
    }
    std::string_view result_text = upto(results_and_time, last);
    std::string_view time_text = from(results_and_time, last + 2);

    auto& rec = ev.recommendation;
    recommendations_.clear();
    rec.error.reset();
    if (status == 200 && !result_text.empty()) {
      std::string_view items = result_text;
      for (;;) {
        const std::size_t sep = items.find(", ");
        std::string_view item = upto(items, sep);
        if (item.empty()) {
          return reject(Reason::kBadMovieId, column(item), "empty movie id in the result list");
        }
        if (std::size_t bad = bad_id_char(item, '/', '/'); bad != std::string_view::npos) {
          return reject(Reason::kBadMovieId, column(item) + bad,
                        "movie id in the result list contains {}", describe_char(item[bad]));
        }
        recommendations_.push_back(item);
        if (sep == std::string_view::npos)
          break;
        items = from(items, sep + 2);
      }
    } else if (status != 200) {
      rec.error = result_text;
    }

    std::size_t digits = 0;
    while (digits < time_text.size() && is_digit(time_text[digits])) ++digits;
    std::int64_t ms = 0;
    std::string_view ms_digits = upto(time_text, digits);
    if (!parse_digits(ms_digits, &ms) || !from(time_text, digits).starts_with(kMs)) {
      return reject(Reason::kBadResponseTime, column(time_text),
                    "response time '{}{}' is not '<n> ms'", quoted(time_text), ellipsis(time_text));
    }
    if (ms > rules_.max_response_time_ms) {
      return reject(Reason::kBadResponseTime, column(time_text),
                    "response time {} ms is outside [0, {}]", ms, rules_.max_response_time_ms);
    }
    std::string_view after = time_text.substr(digits + kMs.size());
    if (!after.empty()) {
      return reject(Reason::kTrailingData, column(after), "'{}{}' after the response time",
                    quoted(after), ellipsis(after));
    }
    ev.type = EventType::kRecommendation;
    rec.server = server;
    rec.status = static_cast<std::int32_t>(status);
    rec.recommendations = std::span<const std::string_view>(recommendations_);
    rec.response_time_ms = static_cast<std::int32_t>(ms);
    rec.status_text = status_text;
    rec.result_text = result_text;
    rec.response_time_text = time_text;
  } else {
    return reject(Reason::kUnknownFormat, column(request),
                  "request '{}{}' is none of 'GET /data/m/', 'GET /rate/', "
                  "'recommendation request '",
                  quoted(request), ellipsis(request));
  }
  ev.warnings = warnings;
  out.is_event = true;
  return out;
}

}  // namespace sluice::movies
