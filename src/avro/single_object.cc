#include "avro/single_object.h"

#include "avro/binary.h"
#include "avro/fingerprint.h"
#include "avro/resolution.h"

namespace sluice::avro {
namespace {

struct Header {
  std::uint64_t fingerprint;
  SchemaPtr writer;
};

Result<Header> read_header(std::span<const std::uint8_t> message, const SchemaStore& store) {
  SLUICE_ASSIGN_OR_RETURN(std::uint64_t fp, single_object_fingerprint(message));
  SchemaPtr writer = store.find(fp);
  if (!writer) {
    return fail(Error(ErrorCode::kNotFound,
                      fmt::format("no schema with fingerprint 0x{:016x} in the schema store", fp))
                    .at_offset(2));
  }
  return Header{fp, std::move(writer)};
}

Status check_consumed(const BinaryReader& in) {
  if (!in.at_end()) {
    return fail(Error(ErrorCode::kCorrupt,
                      fmt::format("{} bytes follow the single-object datum", in.remaining()))
                    .at_offset(in.offset()));
  }
  return ok_status();
}

}  // namespace

std::uint64_t SchemaStore::add(SchemaPtr schema) {
  std::uint64_t fp = rabin_fingerprint(schema->root());
  schemas_[fp] = std::move(schema);
  return fp;
}

SchemaPtr SchemaStore::find(std::uint64_t fingerprint) const {
  auto it = schemas_.find(fingerprint);
  return it == schemas_.end() ? nullptr : it->second;
}

Status encode_single_object(const Schema& schema, const Value& value,
                            std::vector<std::uint8_t>& out) {
  std::size_t old = out.size();
  out.push_back(kSingleObjectMagic[0]);
  out.push_back(kSingleObjectMagic[1]);
  std::uint64_t fp = rabin_fingerprint(schema.root());
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(fp >> (8 * i)));
  Status s = encode_binary(schema.root(), value, out);
  if (!s) out.resize(old);
  return s;
}

Result<std::uint64_t> single_object_fingerprint(std::span<const std::uint8_t> message) {
  if (message.size() >= 1 && message[0] != kSingleObjectMagic[0]) {
    return fail(Error(ErrorCode::kCorrupt,
                      fmt::format("not a single-object message: starts with 0x{:02x}, not C3 01",
                                  message[0]))
                    .at_offset(0));
  }
  if (message.size() >= 2 && message[1] != kSingleObjectMagic[1]) {
    return fail(Error(ErrorCode::kCorrupt,
                      fmt::format("unsupported single-object version byte 0x{:02x} (expected 01)",
                                  message[1]))
                    .at_offset(1));
  }
  if (message.size() < kSingleObjectHeaderSize) {
    return fail(Error(ErrorCode::kTruncated,
                      fmt::format("single-object message of {} bytes is shorter than its "
                                  "10-byte header",
                                  message.size()))
                    .at_offset(message.size()));
  }
  std::uint64_t fp = 0;
  for (int i = 0; i < 8; ++i) fp |= std::uint64_t{message[2 + i]} << (8 * i);
  return fp;
}

Result<SingleObject> decode_single_object(std::span<const std::uint8_t> message,
                                          const SchemaStore& store, Arena& arena,
                                          const DecodeLimits& limits) {
  SLUICE_ASSIGN_OR_RETURN(Header h, read_header(message, store));
  BinaryReader in(message.subspan(kSingleObjectHeaderSize), kSingleObjectHeaderSize);
  SLUICE_ASSIGN_OR_RETURN(Value v, decode_binary(h.writer->root(), in, arena, limits));
  SLUICE_TRY(check_consumed(in));
  return SingleObject{std::move(h.writer), v};
}

Result<Value> decode_single_object_as(std::span<const std::uint8_t> message,
                                      const SchemaStore& store, SchemaPtr reader, Arena& arena,
                                      const DecodeLimits& limits) {
  SLUICE_ASSIGN_OR_RETURN(Header h, read_header(message, store));
  SLUICE_ASSIGN_OR_RETURN(auto plan, ResolutionPlan::compile(h.writer, std::move(reader)));
  BinaryReader in(message.subspan(kSingleObjectHeaderSize), kSingleObjectHeaderSize);
  SLUICE_ASSIGN_OR_RETURN(Value v, plan->decode(in, arena, limits));
  SLUICE_TRY(check_consumed(in));
  return v;
}

}  // namespace sluice::avro
