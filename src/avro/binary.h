// Avro binary encoding of generic values.
//
//   BinaryReader in(bytes);
//   while (!in.at_end()) {
//     SLUICE_ASSIGN_OR_RETURN(Value v, decode_binary(schema->root(), in, arena));
//   }
//   std::vector<std::uint8_t> out;
//   SLUICE_TRY(encode_binary(schema->root(), v, out));
//
// Decoding never reads past the input, never allocates more than the limits allow
// and reports the byte offset of the first bad byte. Strings, bytes and fixed in the
// result point into the input (zero copy).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "avro/arena.h"
#include "avro/limits.h"
#include "avro/schema.h"
#include "avro/value.h"
#include "base/result.h"

namespace sluice::avro {

// A cursor over a byte buffer. offset() is relative to the start of the buffer the
// reader was made from (plus `base_offset`, so errors can name a file offset).
class BinaryReader {
 public:
  explicit BinaryReader(std::span<const std::uint8_t> bytes, std::uint64_t base_offset = 0)
      : begin_(bytes.data()), pos_(bytes.data()), end_(bytes.data() + bytes.size()),
        base_offset_(base_offset) {}

  const std::uint8_t* pos() const { return pos_; }
  const std::uint8_t* end() const { return end_; }
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - pos_); }
  bool at_end() const { return pos_ == end_; }
  std::uint64_t offset() const { return base_offset_ + static_cast<std::uint64_t>(pos_ - begin_); }
  void advance(std::size_t n) { pos_ += n; }
  void set_pos(const std::uint8_t* pos) { pos_ = pos; }

 private:
  const std::uint8_t* begin_;
  const std::uint8_t* pos_;
  const std::uint8_t* end_;
  std::uint64_t base_offset_;
};

// Decodes one datum of `schema` at the reader's position and advances past it.
// Fails with kTruncated/kInvalidData/kLimitExceeded naming the field path and byte
// offset; on failure the reader's position is unspecified.
Result<Value> decode_binary(const Node& schema, BinaryReader& in, Arena& arena,
                            const DecodeLimits& limits = {});

// Skips one datum of `schema` without materialising it (uses block byte sizes of
// arrays and maps when the writer gave them). Same failures as decode_binary.
Status skip_binary(const Node& schema, BinaryReader& in, const DecodeLimits& limits = {});

// Appends the binary encoding of `value` (which must be an instance of `schema`;
// for a union schema, `value.branch()` selects the branch) to `out`. Fails with
// kInvalidData naming the field path when the value does not match the schema.
Status encode_binary(const Node& schema, const Value& value, std::vector<std::uint8_t>& out);

namespace internal {
struct Program;
class ByteBuffer;
}  // namespace internal

// decode_binary compiled once per schema: the schema is turned into a flat program
// of steps (two-branch unions with null get a step of their own), so each value
// costs one dispatch instead of a walk over the schema graph. Same results, errors
// and limits as decode_binary. Use it wherever many datums share a schema.
//
//   BinaryDecoder decoder(schema->root());     // keep schema alive meanwhile
//   while (!in.at_end()) {
//     SLUICE_ASSIGN_OR_RETURN(Value v, decoder.decode(in, arena));
//   }
//
// `schema` (and its Schema) must outlive the decoder. Immutable: one decoder may be
// used from many threads at once; copies share the program.
class BinaryDecoder {
 public:
  explicit BinaryDecoder(const Node& schema);
  const Node& schema() const;
  Result<Value> decode(BinaryReader& in, Arena& arena, const DecodeLimits& limits = {}) const;

 private:
  std::shared_ptr<const internal::Program> program_;
};

// encode_binary compiled once per schema, with an output buffer of its own that is
// reused across calls and never zero-filled. Same validation and errors as
// encode_binary (kInvalidData naming the field path; nothing appended on error).
//
//   BinaryEncoder encoder(schema->root());
//   for (const Value& v : values) SLUICE_TRY(encoder.append(v));
//   sink.write(encoder.bytes());
//   encoder.clear();
//
// `schema` must outlive the encoder. Not thread-safe (the buffer); copies share the
// program but not the buffer.
class BinaryEncoder {
 public:
  explicit BinaryEncoder(const Node& schema);
  ~BinaryEncoder();
  BinaryEncoder(const BinaryEncoder& other);
  BinaryEncoder& operator=(const BinaryEncoder& other);
  BinaryEncoder(BinaryEncoder&&) noexcept;
  BinaryEncoder& operator=(BinaryEncoder&&) noexcept;

  const Node& schema() const;

  // Appends the encoding of `value` to bytes(). (Inline so that a caller that only
  // tests the Status does not pay for building one.)
  Status append(const Value& value) {
    if (append_or_keep_error(value)) [[likely]] return ok_status();
    return take_error();
  }
  // Appends the encoding of `value` to `out` (what encode_binary does).
  Status encode(const Value& value, std::vector<std::uint8_t>& out);

  // Everything appended since the last clear(); valid until the next non-const call.
  std::span<const std::uint8_t> bytes() const;
  // Empties bytes(), keeping the capacity.
  void clear();

 private:
  // The encoding work: true, or false with the error kept for take_error().
  bool append_or_keep_error(const Value& value);
  tl::unexpected<Error> take_error();

  std::shared_ptr<const internal::Program> program_;
  std::unique_ptr<internal::ByteBuffer> buffer_;
  std::optional<Error> error_;
  // For a root record of leaves and optional leaves ("flat", binary.cc): the room its
  // fields need besides their contents, checked once per record; 0 for any other
  // schema.
  std::size_t flat_room_ = 0;
};

}  // namespace sluice::avro
