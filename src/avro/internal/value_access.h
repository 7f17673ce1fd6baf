// Direct construction of Values by the decoders. Internal to the avro module.
//
// A decoded Value is written member by member in one place, the whole 8-byte
// payload included (a narrow payload store would stall a later 8-byte load).
#pragma once

#include <cstdint>

#include "avro/value.h"

namespace sluice::avro::internal {

struct ValueAccess {
  // Writes every member of `v` (typed member stores: unlike memcpy, they do not
  // make the compiler assume the decoder's own state may have changed).
  [[gnu::always_inline]] static void set(Value& v, const Node* node, Type type,
                                         std::uint16_t branch, std::uint32_t size,
                                         std::uint64_t payload) {
    v.node_ = node;
    v.type_ = type;
    v.branch_ = branch;
    v.size_ = size;
    v.u_.l = static_cast<std::int64_t>(payload);
  }

  static std::uint64_t pointer_bits(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }
};

}  // namespace sluice::avro::internal
