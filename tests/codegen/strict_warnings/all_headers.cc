// Every header the test build generates, in one translation unit, for the
// codegen_strict_warnings_* tests (tests/CMakeLists.txt): a user's build with the
// strictest warnings and -Werror (g++: -Wpedantic -Wconversion -Wshadow ...; clang:
// -Weverything) must compile them. Checked with -fsyntax-only: the generated code is
// inline, so this parses and type-checks all of it without building objects.
#include "all_types.hpp"
#include "defaults.hpp"
#include "docs.hpp"
#include "float_equality.hpp"
#include "globals.hpp"
#include "keywords.hpp"
#include "macros.hpp"
#include "movies_v1.hpp"
#include "movies_v2.hpp"
#include "mutual.hpp"
#include "names.hpp"
#include "namespaces.hpp"
#include "nested_defaults.hpp"
#include "nulls.hpp"
#include "recursive.hpp"
#include "recursive_variants.hpp"
#include "same_names.hpp"
#include "shadowing.hpp"
#include "split/address.hpp"
#include "split/person.hpp"
#include "union_defaults.hpp"
// Generated only when ../shared/data is present.
#if __has_include("interop.hpp")
#include "interop.hpp"
#include "interop_unordered.hpp"
#include "wikimedia.hpp"
#endif
