#include "avro_c_peer.h"

#include "checksum_util.h"
#include "stopwatch.h"

#include <avro.h>
#include <cstring>

namespace sluice::bench {
namespace {

// The same sum as bench_data.cc's checksum(), over an avro-c generic value. A union
// adds its discriminant and its branch's sum (Sluice stores the branch's value with
// its index, so the two agree).
std::uint64_t checksum_c(avro_value_t* value) {
  std::uint64_t sum = 0;
  switch (avro_value_get_type(value)) {
    case AVRO_NULL:
      return 0;
    case AVRO_BOOLEAN: {
      int b = 0;
      avro_value_get_boolean(value, &b);
      return b ? 1 : 0;
    }
    case AVRO_INT32: {
      std::int32_t v = 0;
      avro_value_get_int(value, &v);
      return static_cast<std::uint64_t>(static_cast<std::int64_t>(v));
    }
    case AVRO_INT64: {
      std::int64_t v = 0;
      avro_value_get_long(value, &v);
      return static_cast<std::uint64_t>(v);
    }
    case AVRO_FLOAT: {
      float v = 0;
      avro_value_get_float(value, &v);
      return float_bits(v);
    }
    case AVRO_DOUBLE: {
      double v = 0;
      avro_value_get_double(value, &v);
      return double_bits(v);
    }
    case AVRO_STRING: {
      const char* s = nullptr;
      std::size_t size = 0;  // avro-c counts the terminating NUL
      avro_value_get_string(value, &s, &size);
      return text_sum(s, size ? size - 1 : 0);
    }
    case AVRO_BYTES: {
      const void* p = nullptr;
      std::size_t size = 0;
      avro_value_get_bytes(value, &p, &size);
      return text_sum(p, size);
    }
    case AVRO_FIXED: {
      const void* p = nullptr;
      std::size_t size = 0;
      avro_value_get_fixed(value, &p, &size);
      return text_sum(p, size);
    }
    case AVRO_ENUM: {
      int v = 0;
      avro_value_get_enum(value, &v);
      return static_cast<std::uint64_t>(v);
    }
    case AVRO_RECORD:
    case AVRO_ARRAY: {
      std::size_t n = 0;
      avro_value_get_size(value, &n);
      if (avro_value_get_type(value) == AVRO_ARRAY)
        sum += n;
      for (std::size_t i = 0; i < n; ++i) {
        avro_value_t child;
        avro_value_get_by_index(value, i, &child, nullptr);
        sum += checksum_c(&child);
      }
      return sum;
    }
    case AVRO_MAP: {
      std::size_t n = 0;
      avro_value_get_size(value, &n);
      sum += n;
      for (std::size_t i = 0; i < n; ++i) {
        avro_value_t child;
        const char* key = nullptr;
        avro_value_get_by_index(value, i, &child, &key);
        sum += text_sum(key, std::strlen(key)) + checksum_c(&child);
      }
      return sum;
    }
    case AVRO_UNION: {
      int branch = 0;
      avro_value_get_discriminant(value, &branch);
      avro_value_t current;
      avro_value_get_current_branch(value, &current);
      return static_cast<std::uint64_t>(branch) + checksum_c(&current);
    }
    default:
      return ~std::uint64_t{0};  // makes the checksum comparison fail loudly
  }
}

}  // namespace

struct AvroCPeer::Impl {
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
  avro_value_t value{};
  std::vector<avro_value_t> chunk_values;

  ~Impl() {
    for (auto& v : chunk_values) avro_value_decref(&v);
    if (value.iface)
      avro_value_decref(&value);
    if (iface)
      avro_value_iface_decref(iface);
    if (schema)
      avro_schema_decref(schema);
  }
};

std::unique_ptr<AvroCPeer> AvroCPeer::make(std::string_view schema_json, std::string* error) {
  std::unique_ptr<AvroCPeer> peer(new AvroCPeer());
  peer->impl_ = std::make_unique<Impl>();
  Impl& impl = *peer->impl_;
  if (avro_schema_from_json_length(schema_json.data(), schema_json.size(), &impl.schema)) {
    *error = std::string("avro_schema_from_json: ") + avro_strerror();
    return nullptr;
  }
  impl.iface = avro_generic_class_from_schema(impl.schema);
  if (!impl.iface || avro_generic_value_new(impl.iface, &impl.value)) {
    *error = std::string("avro generic value: ") + avro_strerror();
    return nullptr;
  }
  return peer;
}

AvroCPeer::~AvroCPeer() = default;

bool AvroCPeer::decode_all(const std::uint8_t* data, std::size_t size, std::size_t count,
                           std::uint64_t* checksum) {
  avro_reader_t reader =
      avro_reader_memory(reinterpret_cast<const char*>(data), static_cast<std::int64_t>(size));
  std::uint64_t sum = 0;
  bool ok = true;
  for (std::size_t i = 0; i < count; ++i) {
    if (avro_value_read(reader, &impl_->value)) {
      error_ = std::string("avro_value_read: ") + avro_strerror();
      ok = false;
      break;
    }
    sum += checksum_c(&impl_->value);
  }
  char extra;
  if (ok && avro_read(reader, &extra, 1) == 0) {
    error_ = "avro-c: datums end before the buffer does";
    ok = false;
  }
  avro_reader_free(reader);
  *checksum = sum;
  return ok;
}

bool AvroCPeer::encode_all(const std::uint8_t* data, std::size_t size, std::size_t count,
                           std::size_t chunk, std::vector<std::uint8_t>& out,
                           double* write_seconds) {
  while (impl_->chunk_values.size() < chunk) {
    avro_value_t v;
    if (avro_generic_value_new(impl_->iface, &v)) {
      error_ = "avro_generic_value_new failed";
      return false;
    }
    impl_->chunk_values.push_back(v);
  }
  out.resize(size + 1);
  avro_reader_t reader =
      avro_reader_memory(reinterpret_cast<const char*>(data), static_cast<std::int64_t>(size));
  avro_writer_t writer = avro_writer_memory(reinterpret_cast<const char*>(out.data()),
                                            static_cast<std::int64_t>(out.size()));
  bool ok = true;
  double seconds = 0;
  for (std::size_t done = 0; ok && done < count;) {
    std::size_t n = std::min(chunk, count - done);
    for (std::size_t i = 0; i < n; ++i) {
      if (avro_value_read(reader, &impl_->chunk_values[i])) {
        error_ = std::string("avro_value_read: ") + avro_strerror();
        ok = false;
        break;
      }
    }
    Stopwatch watch;
    for (std::size_t i = 0; ok && i < n; ++i) {
      if (avro_value_write(writer, &impl_->chunk_values[i])) {
        error_ = std::string("avro_value_write: ") + avro_strerror();
        ok = false;
      }
    }
    seconds += watch.seconds();
    done += n;
  }
  out.resize(static_cast<std::size_t>(avro_writer_tell(writer)));
  avro_reader_free(reader);
  avro_writer_free(writer);
  *write_seconds += seconds;
  return ok;
}

}  // namespace sluice::bench
