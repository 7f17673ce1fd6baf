// Consumer of the `movies` artifact: builds a MovieWatchEvent with the generated class
// of whichever version find_package() chose, round-trips it through the Avro binary
// encoding, and checks the version it was compiled against (EXPECT_VERSION).
// Exit code 0 only when everything matches.
#include MOVIES_ARTIFACT_HEADER

#include <cstdio>
#include <exception>
#include <string_view>

namespace movies_found = MOVIES_ARTIFACT_NAMESPACE;

int main() {
  using movies_found::MovieWatchEvent;
  if (movies_found::kArtifactVersion != std::string_view(EXPECT_VERSION)) {
    std::printf("compiled against movies %.*s, expected %s\n",
                static_cast<int>(movies_found::kArtifactVersion.size()),
                movies_found::kArtifactVersion.data(), EXPECT_VERSION);
    return 1;
  }
  try {
    MovieWatchEvent event{};
    event.userId = 4242;
    event.movieId = "the+matrix+1999";
    event.minute = 17;
    std::vector<std::uint8_t> bytes = event.to_avro();
    MovieWatchEvent back = MovieWatchEvent::from_avro(bytes.data(), bytes.size());
    if (!(back == event) || back.userId != 4242 || back.movieId != "the+matrix+1999" ||
        back.minute != 17) {
      std::printf("round trip changed the event: %s\n", back.to_json().c_str());
      return 1;
    }
    std::printf("movies %s round trip ok: %zu bytes, %s\n", EXPECT_VERSION, bytes.size(),
                back.to_json().c_str());
  } catch (const std::exception& e) {
    std::printf("error: %s\n", e.what());
    return 1;
  }
  return 0;
}
