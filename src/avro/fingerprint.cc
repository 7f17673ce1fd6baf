// CRC-64-AVRO as in the specification's reference code (table-driven, reflected,
// initialised with EMPTY); MD5 and SHA-256 through OpenSSL's EVP interface.
#include "avro/fingerprint.h"

#include <openssl/evp.h>

#include <array>

namespace sluice::avro {
namespace {

constexpr std::array<std::uint64_t, 256> make_table() {
  std::array<std::uint64_t, 256> table{};
  for (std::uint64_t i = 0; i < 256; ++i) {
    std::uint64_t fp = i;
    for (int j = 0; j < 8; ++j) fp = (fp >> 1) ^ (kRabinEmpty & (0 - (fp & 1)));
    table[i] = fp;
  }
  return table;
}

constexpr std::array<std::uint64_t, 256> kTable = make_table();

template <std::size_t N>
std::array<std::uint8_t, N> digest(const EVP_MD* md, std::string_view data) {
  std::array<std::uint8_t, N> out{};
  unsigned int size = 0;
  // EVP_Digest only fails on allocation failure inside OpenSSL; the zeroed array
  // is then returned (there is no meaningful recovery for a fingerprint).
  EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr);
  return out;
}

}  // namespace

std::uint64_t rabin_fingerprint(std::string_view data) {
  std::uint64_t fp = kRabinEmpty;
  for (char c : data) {
    fp = (fp >> 8) ^ kTable[(fp ^ static_cast<std::uint8_t>(c)) & 0xff];
  }
  return fp;
}

std::array<std::uint8_t, 16> md5_fingerprint(std::string_view data) {
  return digest<16>(EVP_md5(), data);
}

std::array<std::uint8_t, 32> sha256_fingerprint(std::string_view data) {
  return digest<32>(EVP_sha256(), data);
}

std::uint64_t rabin_fingerprint(const Node& node) {
  return rabin_fingerprint(canonical_form(node));
}
std::int64_t rabin_signed(const Node& node) {
  return rabin_signed(canonical_form(node));
}
std::array<std::uint8_t, 16> md5_fingerprint(const Node& node) {
  return md5_fingerprint(canonical_form(node));
}
std::array<std::uint8_t, 32> sha256_fingerprint(const Node& node) {
  return sha256_fingerprint(canonical_form(node));
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

}  // namespace sluice::avro
