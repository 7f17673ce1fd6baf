// A small command-line front end to Sluice's container reader and writer for the
// interop scripts in this folder (python3-avro and avro-c's avrocat are the peers).
// It is independent of the `sluice` CLI so interop checks only the library.
//
//   interop_driver recode IN.avro OUT.avro [CODEC]   read with Sluice, write with Sluice
//                                                    (same codec unless CODEC is given)
//   interop_driver tojson IN.avro                     one Avro-JSON record per line
//   interop_driver random SCHEMA.avsc COUNT SEED CODEC OUT.avro
//   interop_driver codec IN.avro                      prints the file's codec name
//
// Exit status 0 on success; 1 with a one-line error on stderr otherwise.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "avro/container.h"
#include "avro/json_codec.h"
#include "avro/random.h"
#include "test_support.h"

namespace {

using namespace sluice;
using namespace sluice::avro;

int die(const Error& e) {
  std::fprintf(stderr, "interop_driver: %s\n", e.to_string().c_str());
  return 1;
}

int recode(const char* in, const char* out, const char* codec_arg) {
  auto reader = ContainerReader::open(in);
  if (!reader) return die(reader.error());
  ContainerWriterOptions options;
  options.codec = reader->codec();
  if (codec_arg != nullptr) {
    auto c = parse_codec(codec_arg);
    if (!c) return die(c.error());
    options.codec = *c;
  }
  options.block_size_bytes = 16 * 1024;
  auto writer = ContainerWriter::create(out, reader->writer_schema(), options);
  if (!writer) return die(writer.error());
  Arena arena;
  Value v;
  std::size_t n = 0;
  for (;;) {
    auto more = reader->next(v, arena);
    if (!more) return die(more.error());
    if (!*more) break;
    if (auto s = writer->append(v); !s) return die(s.error());
    if (++n % 256 == 0) arena.reset();  // values are encoded already
  }
  if (auto s = writer->close(); !s) return die(s.error());
  return 0;
}

int tojson(const char* in) {
  auto reader = ContainerReader::open(in);
  if (!reader) return die(reader.error());
  Arena arena;
  Value v;
  std::string line;
  for (;;) {
    auto more = reader->next(v, arena);
    if (!more) return die(more.error());
    if (!*more) break;
    line.clear();
    if (auto s = encode_json(reader->schema()->root(), v, line); !s) return die(s.error());
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
    arena.reset();
  }
  return 0;
}

int random_file(const char* schema_path, const char* count, const char* seed, const char* codec,
                const char* out) {
  auto schema = Schema::parse(sluice::testing::read_file(schema_path));
  if (!schema) return die(schema.error());
  auto c = parse_codec(codec);
  if (!c) return die(c.error());
  auto gen = RandomGenerator::make((*schema)->root());
  if (!gen) return die(gen.error());
  ContainerWriterOptions options;
  options.codec = *c;
  options.block_size_bytes = 8 * 1024;  // several blocks per file
  auto writer = ContainerWriter::create(out, *schema, options);
  if (!writer) return die(writer.error());
  Rng rng(std::strtoull(seed, nullptr, 10));
  Arena arena;
  long n = std::strtol(count, nullptr, 10);
  for (long i = 0; i < n; ++i) {
    auto v = gen->next(rng, arena);
    if (!v) return die(v.error());
    if (auto s = writer->append(*v); !s) return die(s.error());
    arena.reset();
  }
  if (auto s = writer->close(); !s) return die(s.error());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string_view cmd = argc > 1 ? argv[1] : "";
  if (cmd == "recode" && (argc == 4 || argc == 5)) {
    return recode(argv[2], argv[3], argc == 5 ? argv[4] : nullptr);
  }
  if (cmd == "tojson" && argc == 3) return tojson(argv[2]);
  if (cmd == "random" && argc == 7) return random_file(argv[2], argv[3], argv[4], argv[5], argv[6]);
  if (cmd == "codec" && argc == 3) {
    auto reader = ContainerReader::open(argv[2]);
    if (!reader) return die(reader.error());
    std::printf("%s\n", std::string(codec_name(reader->codec())).c_str());
    return 0;
  }
  std::fprintf(stderr,
               "usage: interop_driver recode IN OUT [CODEC] | tojson IN | "
               "random SCHEMA COUNT SEED CODEC OUT | codec IN\n");
  return 2;
}
