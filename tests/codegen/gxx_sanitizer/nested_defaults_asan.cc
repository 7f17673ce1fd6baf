// Compiled (not run) by ctest's codegen_gxx_asan_werror with g++, -O1, AddressSanitizer
// and -Werror: a generated header must not fail a user's sanitizer build on g++ 12's
// false -Wmaybe-uninitialized for the std::variant members its constructors inline
// (GCC bug 80635; the header silences that warning for its own code). This header
// failed so before it did.
#include "nested_defaults.hpp"

int main() {
  codegen::test::nested_defaults::Key key;
  codegen::test::nested_defaults::Key copy = key;
  std::vector<std::uint8_t> bytes = copy.to_avro();
  auto back = codegen::test::nested_defaults::Key::from_avro(bytes.data(), bytes.size());
  return back == key ? 0 : 1;
}
