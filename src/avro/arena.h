// Arena: a bump allocator for decoded values, reset per batch.
//
//   Arena arena;
//   for (auto& batch : batches) {
//     arena.reset();                       // every Value from the last batch is gone
//     for (...) decode(plan, bytes, arena);
//   }
//
// allocate() is a pointer bump in the common case; memory comes from blocks that
// double in size up to 1 MiB. reset() keeps the largest block for reuse, so a steady
// workload allocates nothing after warm-up. Not thread-safe: one arena per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace sluice::avro {

class Arena {
 public:
  explicit Arena(std::size_t first_block_bytes = 16 * 1024) : next_block_(first_block_bytes) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  Arena(Arena&&) = default;
  Arena& operator=(Arena&&) = default;

  // Uninitialised memory for `size` bytes aligned to `align` (a power of two <= 16).
  void* allocate(std::size_t size, std::size_t align = 8) {
    auto p = (cursor_ + (align - 1)) & ~std::uintptr_t{align - 1};
    if (p + size > end_ || cursor_ == 0) return allocate_slow(size, align);
    cursor_ = p + size;
    return reinterpret_cast<void*>(p);
  }

  // Uninitialised array of `count` trivially-destructible T.
  template <class T>
  T* allocate_array(std::size_t count) {
    return static_cast<T*>(allocate(sizeof(T) * count, alignof(T)));
  }

  // A copy of `text` owned by the arena.
  std::string_view copy(std::string_view text) {
    if (text.empty()) return {};
    char* p = static_cast<char*>(allocate(text.size(), 1));
    std::memcpy(p, text.data(), text.size());
    return {p, text.size()};
  }

  // Frees everything allocated so far (keeps the largest block for reuse).
  void reset();

  // Bytes handed out since the last reset (for metrics and tests).
  std::size_t bytes_allocated() const { return allocated_before_ + (cursor_ - block_begin_); }

 private:
  void* allocate_slow(std::size_t size, std::size_t align);

  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  std::vector<std::size_t> block_sizes_;
  std::uintptr_t cursor_ = 0;
  std::uintptr_t end_ = 0;
  std::uintptr_t block_begin_ = 0;
  std::size_t allocated_before_ = 0;
  std::size_t next_block_;
};

}  // namespace sluice::avro
