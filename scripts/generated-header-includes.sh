# Sourced by scripts/list-macro-names.sh and scripts/list-global-names.sh: prints an
# include list of what a generated class header includes plus the C++ wrappers of the C
# standard library, the headers whose names codegen must not collide with.
generated_header_includes() {
  local headers=(array chrono map unordered_map variant limits cassert cctype cerrno cfenv
                 cfloat cinttypes climits clocale cmath csetjmp csignal cstdarg cstddef
                 cstdint cstdio cstdlib cstring ctime cwchar cwctype iostream)
  echo '#include "avro/codegen_support.h"'
  for h in "${headers[@]}"; do echo "#include <$h>"; done
}
