#include "registry/wire_format.h"

namespace sluice::registry {

void append_frame_header(SchemaId id, std::vector<std::uint8_t>& out) {
  auto v = static_cast<std::uint32_t>(id.value);
  out.push_back(kMagicByte);
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

Result<Frame> parse_frame(std::span<const std::uint8_t> message) {
  if (message.size() < kFrameHeaderSize) {
    return fail(ErrorCode::kCorrupt, "framed message is {} bytes, shorter than the 5-byte header",
                message.size());
  }
  if (message[0] != kMagicByte) {
    return fail(Error(ErrorCode::kCorrupt,
                      fmt::format("unknown magic byte 0x{:02x} (expected 0x00)", message[0]))
                    .at_offset(0));
  }
  std::uint32_t id = (std::uint32_t{message[1]} << 24) | (std::uint32_t{message[2]} << 16) |
                     (std::uint32_t{message[3]} << 8) | std::uint32_t{message[4]};
  return Frame{SchemaId{static_cast<std::int32_t>(id)}, message.subspan(kFrameHeaderSize)};
}

}  // namespace sluice::registry
