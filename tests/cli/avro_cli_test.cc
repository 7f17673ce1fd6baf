// End-to-end tests of `sluice avro ...` and `sluice demo`: they run the real binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli_test_util.h"
#include "test_support.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

fs::path upstream() { return shared_data() / "avro-upstream"; }

constexpr const char* kCodecs[] = {"null", "deflate", "snappy", "zstandard", "bzip2", "xz"};

constexpr const char* kUserV1 = R"({"type":"record","name":"User","namespace":"t","fields":[
  {"name":"id","type":"long"},
  {"name":"name","type":"string"},
  {"name":"tags","type":{"type":"array","items":"string"}},
  {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B","C"]}},
  {"name":"score","type":["null","double"]},
  {"name":"attrs","type":{"type":"map","values":"bytes"}}]})";

// v2: a new field with a default; reads v1 data.
constexpr const char* kUserV2 = R"({"type":"record","name":"User","namespace":"t","fields":[
  {"name":"id","type":"long"},
  {"name":"name","type":"string"},
  {"name":"tags","type":{"type":"array","items":"string"}},
  {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B","C"]}},
  {"name":"score","type":["null","double"]},
  {"name":"attrs","type":{"type":"map","values":"bytes"}},
  {"name":"email","type":["null","string"],"default":null}]})";

// Writes `count` random records of `schema` to `out`.
void make_random(const fs::path& schema, const fs::path& out, int count, int seed,
                 const std::string& extra = "") {
  auto r = sluice("avro random --schema " + quote(schema) + " --count " + std::to_string(count) +
                  " --seed " + std::to_string(seed) + " " + extra + " " + quote(out));
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// --------------------------------------------------------------------------- help

TEST(CliHelp, TopLevelAndGroups) {
  auto r = sluice("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("avro"), std::string::npos);
  EXPECT_NE(r.out.find("demo"), std::string::npos);
  r = sluice("avro --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"canonical", "fingerprint", "compat", "tojson", "fromjson", "getschema",
                          "getmeta", "recodec", "concat", "random"}) {
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  }
}

// A group's help lists its commands by the first sentence of their description,
// wrapped (no line of the list passes 90 columns), and shows examples of that group's
// own commands, not the top level's.
TEST(CliHelp, GroupsListCommandsBrieflyWithTheirOwnExamples) {
  for (const std::string group : {"avro", "registry", "movies", "kafka", "artifact"}) {
    auto r = sluice(group + " --help");
    ASSERT_EQ(r.exit_code, 0) << group;
    for (const std::string& line : lines_of(r.out)) {
      bool example = line.rfind("  sluice ", 0) == 0;  // example command lines may be long
      if (!example) {
        EXPECT_LE(line.size(), 90u) << group << ": " << line;
      }
    }
    std::size_t examples = r.out.find("Examples:");
    ASSERT_NE(examples, std::string::npos) << group;
    EXPECT_NE(r.out.find("  sluice " + group + " ", examples), std::string::npos)
        << group << ": its examples should show its own commands\n" << r.out;
  }
  // The first sentence only: the rest of a long description is in the command's help.
  auto r = sluice("artifact --help");
  EXPECT_NE(r.out.find("Builds one schema version as a CMake package.\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("byte-identical"), std::string::npos) << r.out;
  EXPECT_NE(sluice("artifact build --help").out.find("byte-identical"), std::string::npos);
}

TEST(CliHelp, EverySubcommandExplainsItself) {
  const std::map<std::string, std::vector<std::string>> commands = {
      {"avro canonical", {"schema"}},
      {"avro fingerprint", {"--algo", "rabin", "md5", "sha256"}},
      {"avro compat", {"--reader", "--writer"}},
      {"avro tojson", {"--reader-schema", "--pretty", "--recover"}},
      {"avro fromjson", {"--schema", "--codec", "--level", "--block-size"}},
      {"avro getschema", {"file"}},
      {"avro getmeta", {"file"}},
      {"avro recodec", {"--codec", "--level"}},
      {"avro concat", {"files"}},
      {"avro random", {"--schema", "--count", "--seed", "--codec"}},
      {"demo", {"--out", "--lines", "--seed", "--corruption"}},
      {"ingest", {"--from", "--to", "--format", "--schema-version", "--schema", "--codec", "--report"}},
      {"movies simulate", {"--lines", "--seed"}},
      {"kafka mock", {"--brokers", "--ready-file"}},
      {"avro codegen", {"--namespace", "--out"}},
      {"artifact build", {"--schema", "--name", "--version", "--out"}},
      {"artifact sync", {"--registry", "--out"}},
  };
  for (const auto& [command, options] : commands) {
    auto r = sluice(command + " --help");
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_TRUE(r.err.empty()) << command << ": " << r.err;
    EXPECT_NE(r.out.find("Usage: sluice " + command), std::string::npos) << command << r.out;
    EXPECT_NE(r.out.find("Example"), std::string::npos) << command;
    EXPECT_NE(r.out.find("sluice " + command + " "), std::string::npos)
        << command << ": the example should show the command";
    for (const std::string& option : options) {
      EXPECT_NE(r.out.find(option), std::string::npos) << command << " lacks " << option;
    }
  }
}

// --------------------------------------------------------------------------- usage errors

TEST(CliUsage, WrongUsageExitsTwoWithOneLine) {
  for (const std::string& args :
       {std::string(""), std::string("avro"), std::string("avro frobnicate"),
        std::string("frobnicate"), std::string("avro canonical"),
        std::string("avro canonical int extra"), std::string("avro fingerprint --algo crc int"),
        std::string("avro tojson --no-such-flag x.avro"), std::string("avro random --schema int out.avro"),
        std::string("avro concat only-one.avro"), std::string("avro compat --reader int")}) {
    auto r = sluice(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_ONE_LINE_ERROR(r);
  }
}

TEST(CliUsage, UnknownCommandIsNamed) {
  auto r = sluice("avro frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("frobnicate"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("canonical"), std::string::npos) << r.err;
}

TEST(CliUsage, BadCodecAndLevel) {
  TempDir dir;
  auto r = sluice("avro random --schema int --count 3 --codec lz4 " + quote(dir / "x.avro"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("lz4"), std::string::npos);
  r = sluice("avro random --schema int --count 3 --codec deflate --level 42 " +
             quote(dir / "x.avro"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("--level"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "x.avro"));
}

// --------------------------------------------------------------------------- schemas

struct SchemaCase {
  std::string input;
  std::string canonical;
  std::string fingerprint;  // may be empty
};

std::vector<SchemaCase> upstream_cases() {
  std::vector<SchemaCase> cases;
  std::vector<std::string> lines = lines_of(read_file(upstream() / "data_schema-tests.txt"));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.rfind("<<INPUT", 0) == 0) {
      SchemaCase c;
      if (line == "<<INPUT") {
        for (++i; i < lines.size() && lines[i] != "INPUT"; ++i) c.input += lines[i] + "\n";
      } else {
        c.input = line.substr(8);
      }
      cases.push_back(c);
    } else if (line.rfind("<<canonical ", 0) == 0 && !cases.empty()) {
      cases.back().canonical = line.substr(12);
    } else if (line.rfind("<<fingerprint ", 0) == 0 && !cases.empty()) {
      cases.back().fingerprint = line.substr(14);
    }
  }
  return cases;
}

TEST(CliSchema, CanonicalAndRabinMatchUpstreamVectors) {
  SLUICE_REQUIRE_SHARED_DATA();
  auto cases = upstream_cases();
  ASSERT_GE(cases.size(), 30u);
  TempDir dir;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const SchemaCase& c = cases[i];
    // Half the cases as files, half as inline JSON.
    std::string arg;
    if (i % 2 == 0) {
      fs::path file = dir / ("case" + std::to_string(i) + ".avsc");
      write_file(file, c.input);
      arg = quote(file);
    } else {
      arg = sh_quote(c.input);
    }
    auto r = sluice("avro canonical " + arg);
    ASSERT_EQ(r.exit_code, 0) << c.input << r.err;
    EXPECT_EQ(r.out, c.canonical + "\n") << "case " << i << ": " << c.input;
    if (!c.fingerprint.empty()) {
      r = sluice("avro fingerprint " + arg);
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out, c.fingerprint + "\n") << "case " << i << ": " << c.input;
      r = sluice("avro fingerprint --algo rabin " + arg);
      EXPECT_EQ(r.out, c.fingerprint + "\n");
    }
  }
}

TEST(CliSchema, Md5AndSha256MatchPythonHashlib) {
  SLUICE_REQUIRE_SHARED_DATA();
  ASSERT_TRUE(fs::exists("/usr/bin/python3")) << "/usr/bin/python3 is missing (scripts/install-deps.sh)";
  auto cases = upstream_cases();
  TempDir dir;
  for (std::size_t i : {std::size_t{0}, std::size_t{12}, std::size_t{26}, cases.size() - 1}) {
    ASSERT_LT(i, cases.size());
    fs::path canon = dir / "canon.txt";
    write_file(canon, cases[i].canonical);
    for (const char* algo : {"md5", "sha256"}) {
      auto py = run_command(std::string("/usr/bin/python3 -c 'import hashlib,sys; print(hashlib.") +
                            algo + "(sys.stdin.buffer.read()).hexdigest())' < " + quote(canon));
      ASSERT_EQ(py.exit_code, 0) << py.err;
      auto r = sluice(std::string("avro fingerprint --algo ") + algo + " " + sh_quote(cases[i].input));
      ASSERT_EQ(r.exit_code, 0) << r.err;
      EXPECT_EQ(r.out, py.out) << algo << " of " << cases[i].canonical;
    }
  }
}

TEST(CliSchema, PrimitiveNamesAndStdin) {
  auto r = sluice("avro canonical int");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "\"int\"\n");
  r = sluice("avro canonical '\"string\"'");
  EXPECT_EQ(r.out, "\"string\"\n");
  r = run_command("echo '{\"type\":\"map\",\"values\":\"long\"}' | " + sh_quote(sluice_binary()) +
                  " avro canonical -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"type\":\"map\",\"values\":\"long\"}\n");
  r = sluice("avro fingerprint '\"null\"'");
  EXPECT_EQ(r.out, "7195948357588979594\n");
}

TEST(CliSchema, BadSchemaNamesJsonPath) {
  auto r = sluice(sh_quote("avro") + " canonical " +
                  sh_quote(R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},)"
                           R"({"name":"b","type":"strin"}]})"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("fields[1].type"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("strin"), std::string::npos) << r.err;

  r = sluice("avro fingerprint '{\"type\":\"record\"'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
}

TEST(CliSchema, MissingSchemaFile) {
  auto r = sluice("avro canonical /no/such/schema.avsc");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("/no/such/schema.avsc"), std::string::npos) << r.err;
}

TEST(CliCompat, ExitCodesAndPaths) {
  TempDir dir;
  write_file(dir / "v1.avsc", kUserV1);
  write_file(dir / "v2.avsc", kUserV2);
  auto r = sluice("avro compat --reader " + quote(dir / "v2.avsc") + " --writer " +
                  quote(dir / "v1.avsc"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = sluice("avro compat --reader " + quote(dir / "v1.avsc") + " --writer " +
             quote(dir / "v2.avsc"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  // Two problems: a type change and a new field without a default.
  const char* reader = R"({"type":"record","name":"R","fields":[
      {"name":"a","type":"int"},{"name":"nested","type":{"type":"record","name":"N","fields":[
        {"name":"x","type":"int"}]}},{"name":"c","type":"string"}]})";
  const char* writer = R"({"type":"record","name":"R","fields":[
      {"name":"a","type":"string"},{"name":"nested","type":{"type":"record","name":"N","fields":[
        {"name":"x","type":"boolean"}]}}]})";
  r = sluice("avro compat --reader " + sh_quote(reader) + " --writer " + sh_quote(writer));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("R.a"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nested.x"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("c"), std::string::npos) << r.out;
  EXPECT_GE(lines_of(r.out).size(), 3u) << r.out;

  r = sluice("avro compat --reader long --writer int");
  EXPECT_EQ(r.exit_code, 0);
  r = sluice("avro compat --reader int --writer long");
  EXPECT_EQ(r.exit_code, 1);
  r = sluice("avro compat --reader int --writer '{\"bad\":1}'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("--writer"), std::string::npos) << r.err;
}

// --------------------------------------------------------------------------- files

TEST(CliFiles, RandomToJsonFromJsonRoundTripEveryCodec) {
  SLUICE_REQUIRE_SHARED_DATA();
  TempDir dir;
  fs::path schema = upstream() / "schemas_interop.avsc";
  for (const char* codec : kCodecs) {
    SCOPED_TRACE(codec);
    fs::path a = dir / (std::string("a-") + codec + ".avro");
    fs::path b = dir / (std::string("b-") + codec + ".avro");
    make_random(schema, a, 200, 42, std::string("--codec ") + codec + " --block-size 4096");
    auto meta = sluice("avro getmeta " + quote(a));
    ASSERT_EQ(meta.exit_code, 0) << meta.err;
    EXPECT_NE(meta.out.find(std::string("avro.codec\t") + codec + "\n"), std::string::npos)
        << meta.out;

    auto json1 = sluice("avro tojson " + quote(a));
    ASSERT_EQ(json1.exit_code, 0) << json1.err;
    EXPECT_EQ(lines_of(json1.out).size(), 200u);
    write_file(dir / "a.jsonl", json1.out);
    auto w = sluice("avro fromjson --schema " + quote(schema) + " --codec " + codec + " " +
                    quote(dir / "a.jsonl") + " " + quote(b));
    ASSERT_EQ(w.exit_code, 0) << w.err;
    auto json2 = sluice("avro tojson " + quote(b));
    ASSERT_EQ(json2.exit_code, 0) << json2.err;
    EXPECT_EQ(json1.out, json2.out);
  }
}

TEST(CliFiles, RandomIsDeterministicForASeed) {
  TempDir dir;
  write_file(dir / "u.avsc", kUserV1);
  make_random(dir / "u.avsc", dir / "1.avro", 50, 9);
  make_random(dir / "u.avsc", dir / "2.avro", 50, 9, "--codec deflate");
  make_random(dir / "u.avsc", dir / "3.avro", 50, 10);
  auto j1 = sluice("avro tojson " + quote(dir / "1.avro"));
  auto j2 = sluice("avro tojson " + quote(dir / "2.avro"));
  auto j3 = sluice("avro tojson " + quote(dir / "3.avro"));
  EXPECT_EQ(j1.out, j2.out);
  EXPECT_NE(j1.out, j3.out);
  EXPECT_EQ(lines_of(j1.out).size(), 50u);
}

TEST(CliFiles, RandomCoversUnionBranchesAndEnumSymbols) {
  TempDir dir;
  write_file(dir / "u.avsc", kUserV1);
  make_random(dir / "u.avsc", dir / "u.avro", 300, 1);
  auto j = sluice("avro tojson " + quote(dir / "u.avro"));
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_NE(j.out.find("\"score\": null"), std::string::npos);
  EXPECT_NE(j.out.find("\"score\": {\"double\""), std::string::npos);
  for (const char* sym : {"\"A\"", "\"B\"", "\"C\""}) EXPECT_NE(j.out.find(sym), std::string::npos);
  EXPECT_NE(j.out.find("\"tags\": []"), std::string::npos);
  EXPECT_NE(j.out.find("\"attrs\": {}"), std::string::npos);
}

TEST(CliFiles, StdinAndStdout) {
  TempDir dir;
  std::string bin = sh_quote(sluice_binary());
  auto r = run_command(bin + " avro random --schema '[\"null\",\"long\"]' --count 7 --seed 3 - | " +
                       bin + " avro tojson -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 7u);
  r = run_command("printf '1\\n2\\n\\n3\\n' | " + bin + " avro fromjson --schema int - - | " + bin +
                  " avro tojson -");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n2\n3\n");
}

TEST(CliFiles, GetSchemaAndGetMeta) {
  SLUICE_REQUIRE_SHARED_DATA();
  TempDir dir;
  fs::path weather = upstream() / "data_weather.avro";
  auto r = sluice("avro getschema " + quote(weather));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  write_file(dir / "s.avsc", r.out);
  auto c1 = sluice("avro canonical " + quote(dir / "s.avsc"));
  auto c2 = sluice("avro canonical " + quote(upstream() / "schemas_weather.avsc"));
  EXPECT_EQ(c1.out, c2.out);
  EXPECT_EQ(c1.out, "{\"name\":\"test.Weather\",\"type\":\"record\",\"fields\":[{\"name\":"
                    "\"station\",\"type\":\"string\"},{\"name\":\"time\",\"type\":\"long\"},"
                    "{\"name\":\"temp\",\"type\":\"int\"}]}\n");

  r = sluice("avro getmeta " + quote(upstream() / "data_weather-deflate.avro"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool schema_line = false, codec_line = false;
  for (const std::string& line : lines_of(r.out)) {
    ASSERT_NE(line.find('\t'), std::string::npos) << line;
    schema_line |= line.rfind("avro.schema\t{", 0) == 0;
    codec_line |= line == "avro.codec\tdeflate";
  }
  EXPECT_TRUE(schema_line) << r.out;
  EXPECT_TRUE(codec_line) << r.out;
}

TEST(CliFiles, UpstreamWeatherFilesDecode) {
  SLUICE_REQUIRE_SHARED_DATA();
  auto expected = lines_of(read_file(upstream() / "data_weather.json"));
  for (const char* file : {"data_weather.avro", "data_weather-deflate.avro",
                           "data_weather-snappy.avro", "data_weather-zstd.avro"}) {
    auto r = sluice("avro tojson " + quote(upstream() / file));
    ASSERT_EQ(r.exit_code, 0) << file << r.err;
    EXPECT_EQ(lines_of(r.out).size(), expected.size()) << file;
  }
}

TEST(CliFiles, RecodecPreservesRecordsAndMetadata) {
  SLUICE_REQUIRE_SHARED_DATA();
  TempDir dir;
  fs::path in = upstream() / "data_weather.avro";
  auto original = sluice("avro tojson " + quote(in));
  ASSERT_EQ(original.exit_code, 0);
  auto schema = sluice("avro getschema " + quote(in));
  for (const char* codec : kCodecs) {
    fs::path out = dir / (std::string(codec) + ".avro");
    auto r = sluice(std::string("avro recodec --codec ") + codec + " " + quote(in) + " " + quote(out));
    ASSERT_EQ(r.exit_code, 0) << codec << r.err;
    EXPECT_EQ(sluice("avro tojson " + quote(out)).out, original.out) << codec;
    EXPECT_EQ(sluice("avro getschema " + quote(out)).out, schema.out) << codec;
    auto meta = sluice("avro getmeta " + quote(out));
    EXPECT_NE(meta.out.find(std::string("avro.codec\t") + codec), std::string::npos) << meta.out;
  }
  auto r = sluice("avro recodec --codec zstandard --level 19 " + quote(dir / "xz.avro") + " " +
                  quote(dir / "z19.avro"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sluice("avro tojson " + quote(dir / "z19.avro")).out, original.out);
}

TEST(CliFiles, ConcatSameSchema) {
  TempDir dir;
  write_file(dir / "u.avsc", kUserV1);
  make_random(dir / "u.avsc", dir / "a.avro", 30, 1, "--codec snappy");
  make_random(dir / "u.avsc", dir / "b.avro", 20, 2, "--codec xz");
  auto r = sluice("avro concat " + quote(dir / "a.avro") + " " + quote(dir / "b.avro") + " " +
                  quote(dir / "ab.avro"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string a = sluice("avro tojson " + quote(dir / "a.avro")).out;
  std::string b = sluice("avro tojson " + quote(dir / "b.avro")).out;
  EXPECT_EQ(sluice("avro tojson " + quote(dir / "ab.avro")).out, a + b);
  // The first input's codec unless --codec says otherwise.
  EXPECT_NE(sluice("avro getmeta " + quote(dir / "ab.avro")).out.find("avro.codec\tsnappy"),
            std::string::npos);
  r = sluice("avro concat --codec bzip2 " + quote(dir / "a.avro") + " " + quote(dir / "b.avro") +
             " " + quote(dir / "a.avro") + " " + quote(dir / "aba.avro"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sluice("avro tojson " + quote(dir / "aba.avro")).out, a + b + a);
}

TEST(CliFiles, ConcatMismatchedSchemasFailsClearly) {
  TempDir dir;
  write_file(dir / "u.avsc", kUserV1);
  write_file(dir / "v.avsc", kUserV2);
  make_random(dir / "u.avsc", dir / "a.avro", 5, 1);
  make_random(dir / "v.avsc", dir / "b.avro", 5, 1);
  auto r = sluice("avro concat " + quote(dir / "a.avro") + " " + quote(dir / "b.avro") + " " +
                  quote(dir / "ab.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("b.avro"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("schema"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("differs"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "ab.avro"));
}

TEST(CliFiles, ReaderSchemaResolution) {
  TempDir dir;
  write_file(dir / "v1.avsc", kUserV1);
  write_file(dir / "v2.avsc", kUserV2);
  make_random(dir / "v1.avsc", dir / "a.avro", 10, 4);
  auto r = sluice("avro tojson --reader-schema " + quote(dir / "v2.avsc") + " " +
                  quote(dir / "a.avro"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 10u);
  for (const std::string& line : lines) {
    EXPECT_NE(line.find("\"email\": null}"), std::string::npos) << line;
  }
  // An incompatible reader: one-line error, exit 1.
  r = sluice("avro tojson --reader-schema int " + quote(dir / "a.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
}

TEST(CliFiles, PrettyPrints) {
  auto r = run_command(sh_quote(sluice_binary()) +
                       " avro random --schema '{\"type\":\"record\",\"name\":\"P\",\"fields\":"
                       "[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"string\"}]}'"
                       " --count 1 - | " + sh_quote(sluice_binary()) + " avro tojson --pretty -");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(lines_of(r.out).size(), 3u) << r.out;
}

TEST(CliFiles, FromJsonBadLineNamesLineAndPathAndLeavesNoFile) {
  TempDir dir;
  write_file(dir / "u.avsc", kUserV1);
  write_file(dir / "in.jsonl",
             "{\"id\": 1, \"name\": \"a\", \"tags\": [], \"kind\": \"A\", \"score\": null, "
             "\"attrs\": {}}\n"
             "\n"
             "{\"id\": 2, \"name\": \"b\", \"tags\": [\"x\", 7], \"kind\": \"A\", \"score\": null, "
             "\"attrs\": {}}\n");
  auto r = sluice("avro fromjson --schema " + quote(dir / "u.avsc") + " " +
                  quote(dir / "in.jsonl") + " " + quote(dir / "out.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("line 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tags"), std::string::npos) << r.err;
  // Neither the output nor a temporary file is left behind.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"in.jsonl", "u.avsc"}));

  // Not JSON at all.
  write_file(dir / "bad.jsonl", "1\nnot json\n");
  r = sluice("avro fromjson --schema int " + quote(dir / "bad.jsonl") + " " +
             quote(dir / "out.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out.avro"));
}

TEST(CliFiles, FromJsonOverwritesOnlyOnSuccess) {
  TempDir dir;
  write_file(dir / "good.jsonl", "1\n2\n");
  write_file(dir / "bad.jsonl", "1\n\"two\"\n");
  auto r = sluice("avro fromjson --schema int " + quote(dir / "good.jsonl") + " " +
                  quote(dir / "out.avro"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string before = read_file(dir / "out.avro");
  r = sluice("avro fromjson --schema int " + quote(dir / "bad.jsonl") + " " +
             quote(dir / "out.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(read_file(dir / "out.avro"), before);
}

TEST(CliFiles, MissingAndBadInputFiles) {
  TempDir dir;
  for (const char* cmd : {"tojson", "getschema", "getmeta"}) {
    auto r = sluice(std::string("avro ") + cmd + " " + quote(dir / "nope.avro"));
    EXPECT_EQ(r.exit_code, 1) << cmd;
    EXPECT_ONE_LINE_ERROR(r);
    EXPECT_NE(r.err.find("nope.avro"), std::string::npos) << r.err;
  }
  auto r = sluice("avro recodec --codec xz " + quote(dir / "nope.avro") + " " +
                  quote(dir / "out.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  r = sluice("avro fromjson --schema int " + quote(dir / "nope.jsonl") + " " +
             quote(dir / "out.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("nope.jsonl"), std::string::npos) << r.err;

  write_file(dir / "junk.avro", "this is not avro");
  r = sluice("avro tojson " + quote(dir / "junk.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("junk.avro"), std::string::npos) << r.err;

  r = sluice("avro random --schema int --count 1 " + quote(dir / "no/such/dir/out.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
}

// Offsets of every occurrence of the file's sync marker (its last 16 bytes).
std::vector<std::size_t> sync_offsets(const std::string& file) {
  std::string sync = file.substr(file.size() - 16);
  std::vector<std::size_t> out;
  for (std::size_t pos = file.find(sync); pos != std::string::npos; pos = file.find(sync, pos + 1)) {
    out.push_back(pos);
  }
  return out;
}

TEST(CliFiles, CorruptBlockFailsOrIsRecovered) {
  TempDir dir;
  write_file(dir / "u.avsc", kUserV1);
  make_random(dir / "u.avsc", dir / "a.avro", 400, 6, "--block-size 1000");
  std::string bytes = read_file(dir / "a.avro");
  auto syncs = sync_offsets(bytes);
  ASSERT_GE(syncs.size(), 5u);  // header + several blocks
  // Damage the sync marker that ends the third block.
  bytes[syncs[3] + 5] = static_cast<char>(bytes[syncs[3] + 5] ^ 0x5A);
  write_file(dir / "bad.avro", bytes);

  auto r = sluice("avro tojson " + quote(dir / "bad.avro"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_ONE_LINE_ERROR(r);
  EXPECT_NE(r.err.find("bad.avro"), std::string::npos) << r.err;

  r = sluice("avro tojson --recover " + quote(dir / "bad.avro"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::size_t recovered = lines_of(r.out).size();
  EXPECT_LT(recovered, 400u);
  EXPECT_GT(recovered, 0u);
  EXPECT_NE(r.err.find("lost"), std::string::npos) << r.err;
}

// --------------------------------------------------------------------------- interop

TEST(CliInterop, PythonAvroReadsOurFiles) {
  ASSERT_EQ(run_command("/usr/bin/python3 -c 'import avro.datafile'").exit_code, 0)
      << "python3-avro is missing (scripts/install-deps.sh installs it)";
  TempDir dir;
  write_file(dir / "u.avsc", kUserV1);
  for (const char* codec : {"null", "deflate", "snappy", "zstandard", "bzip2", "xz"}) {
    fs::path file = dir / (std::string(codec) + ".avro");
    make_random(dir / "u.avsc", file, 100, 2, std::string("--codec ") + codec);
    auto r = run_command(
        "/usr/bin/python3 -c 'import sys, avro.datafile, avro.io; "
        "r = avro.datafile.DataFileReader(open(sys.argv[1], \"rb\"), avro.io.DatumReader()); "
        "print(sum(1 for _ in r))' " + quote(file));
    if (std::string_view(codec) == "xz") {
      // Debian's python3-avro 1.11 has no xz codec: it must refuse the file by name,
      // not misread it.
      EXPECT_NE(r.exit_code, 0) << r.out;
      EXPECT_TRUE(r.err.find("Unknown codec") != std::string::npos ||
                  r.err.find("Unsupported codec") != std::string::npos)
          << r.err;
      continue;
    }
    EXPECT_EQ(r.exit_code, 0) << codec << ": " << r.err;
    if (r.exit_code == 0) {
      EXPECT_EQ(r.out, "100\n") << codec;
    }
  }
}

}  // namespace
}  // namespace sluice::testing
