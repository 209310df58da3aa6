// `check --jobs N` and `check --shard I/N` + `merge`: the same report, replay
// files and exit code as one job, one run (docs/scale-out.md). The GNU
// parallel run of the same is tests/cli/scaleout_parallel.sh.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/cli/run_cli.hpp"

namespace kafka_model::cli_test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Scaleout : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = scratch_dir(::testing::UnitTest::GetInstance()->current_test_info()->name()); }
  CliRun run(const std::string& args) { return run_kafka_model(args, dir_); }
  // Every replay file of a directory, name and bytes.
  static std::string replay_files(const fs::path& dir) {
    std::string all;
    if (!fs::exists(dir)) return all;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) all += "== " + f.filename().string() + "\n" + slurp(f);
    return all;
  }
  // The shards' parts of a check, as files.
  std::vector<std::string> parts(const std::string& args, int shards) {
    std::vector<std::string> files;
    for (int i = 0; i < shards; ++i) {
      const CliRun r = run("check " + args + " --json --shard " + std::to_string(i) + "/" + std::to_string(shards));
      EXPECT_EQ(r.exit_code, 0) << r.err;
      const fs::path file = dir_ / ("part" + std::to_string(i) + ".json");
      write_file(file, r.out);
      files.push_back(file.string());
    }
    return files;
  }
  fs::path dir_;
};

const std::string kIdempotenceOff = "--producer " + source("examples/producer-idempotence-off.properties");
const std::string kAcksAllUnclean = "--producer " + source("examples/producer-acks-all.properties") + " --broker " +
                                    source("examples/broker-min-isr-1-unclean.properties");

// Same verdicts, counterexamples, counts and replay files for 1, 2 and 3
// jobs, text and JSON: cases are judged in order whatever thread ran them.
TEST_F(Scaleout, JobsGiveTheSameReportAsOneJob) {
  for (const std::string& config : {kIdempotenceOff, kAcksAllUnclean}) {
    for (const std::string& format : {std::string(), std::string(" --json")}) {
      const std::string args = "check " + config + " --budget 300 --require all" + format;
      const CliRun one = run(args + " --jobs 1 --out " + (dir_ / "j1").string());
      const std::string one_files = replay_files(dir_ / "j1");
      EXPECT_EQ(one.exit_code, 1) << one.err;
      EXPECT_TRUE(contains(one.out, "j1")) << "a counterexample names its replay file";
      for (int jobs : {2, 3}) {
        const std::string out = "j" + std::to_string(jobs);
        const CliRun many = run(args + " --jobs " + std::to_string(jobs) + " --out " + (dir_ / out).string());
        std::string expected = one.out;
        for (std::size_t at; (at = expected.find((dir_ / "j1").string())) != std::string::npos;)
          expected.replace(at, (dir_ / "j1").string().size(), (dir_ / out).string());
        EXPECT_EQ(many.out, expected) << config << format << " --jobs " << jobs;
        EXPECT_EQ(many.exit_code, one.exit_code);
        EXPECT_EQ(replay_files(dir_ / out), one_files);
      }
    }
  }
}

// Shards merged in any order are the single run: text, JSON, replay files
// and exit code, with the lowest violating case across the shards reported.
TEST_F(Scaleout, MergedShardsAreTheSingleRun) {
  const std::string args = kAcksAllUnclean + " --budget 300 --require all --seed 5";
  const std::vector<std::string> files = parts(args, 3);
  const CliRun single = run("check " + args + " --jobs 1 --out " + (dir_ / "cx").string());
  const std::string single_files = replay_files(dir_ / "cx");
  fs::remove_all(dir_ / "cx");
  const CliRun merged = run("merge " + files[2] + " " + files[0] + " " + files[1] + " --out " + (dir_ / "cx").string());
  EXPECT_EQ(merged.out, single.out);
  EXPECT_EQ(merged.exit_code, single.exit_code);
  EXPECT_EQ(merged.exit_code, 1);
  EXPECT_EQ(replay_files(dir_ / "cx"), single_files);
  EXPECT_NE(single_files, "");
  // --junit and --html are the merge's, and the same files as one run's.
  const CliRun files_single = run("check " + args + " --out " + (dir_ / "cx").string() + " --junit " +
                                  (dir_ / "s.xml").string() + " --html " + (dir_ / "s.html").string());
  const CliRun files_merged = run("merge " + files[0] + " " + files[1] + " " + files[2] + " --out " +
                                  (dir_ / "cx").string() + " --junit " + (dir_ / "m.xml").string() + " --html " +
                                  (dir_ / "m.html").string());
  EXPECT_EQ(files_merged.exit_code, files_single.exit_code);
  EXPECT_EQ(slurp(dir_ / "m.xml"), slurp(dir_ / "s.xml"));
  EXPECT_EQ(slurp(dir_ / "m.html"), slurp(dir_ / "s.html"));
  EXPECT_NE(slurp(dir_ / "s.html"), "");
  const CliRun single_json = run("check " + args + " --json --out " + (dir_ / "cx").string());
  const CliRun merged_json = run("merge --json " + files[1] + " " + files[2] + " " + files[0] + " --out " +
                                 (dir_ / "cx").string());
  EXPECT_EQ(merged_json.out, single_json.out);
  EXPECT_EQ(merged_json.exit_code, single_json.exit_code);
}

// A part that is missing, given twice, of another check, of another shard
// count, not a part, or cut short is exit 2 naming the file.
TEST_F(Scaleout, BadPartsAreExit2NamingTheFile) {
  const std::string args = kIdempotenceOff + " --budget 40";
  const std::vector<std::string> files = parts(args, 2);
  const CliRun missing = run("merge " + files[0]);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.err, "shard 1/2 is missing")) << missing.err;
  const CliRun twice = run("merge " + files[0] + " " + files[0] + " " + files[1]);
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_TRUE(contains(twice.err, files[0] + ": shard 0/2 again")) << twice.err;
  const CliRun other = run("check " + args + " --seed 2 --json --shard 1/2");
  write_file(dir_ / "other.json", other.out);
  const CliRun mixed = run("merge " + files[0] + " " + (dir_ / "other.json").string());
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_TRUE(contains(mixed.err, "other.json: another check than")) << mixed.err;
  const CliRun third = run("check " + args + " --json --shard 1/3");
  write_file(dir_ / "third.json", third.out);
  const CliRun counts = run("merge " + files[0] + " " + (dir_ / "third.json").string());
  EXPECT_EQ(counts.exit_code, 2);
  EXPECT_TRUE(contains(counts.err, "third.json: shard 1/3")) << counts.err;
  const CliRun report = run("check " + args + " --json");
  write_file(dir_ / "report.json", report.out);
  const CliRun not_part = run("merge --json " + (dir_ / "report.json").string());
  EXPECT_EQ(not_part.exit_code, 2);
  EXPECT_TRUE(contains(not_part.err, "report.json: not a check part")) << not_part.err;
  EXPECT_TRUE(contains(not_part.out, "\"exit_code\": 2")) << not_part.out;
  std::string text = slurp(files[1]);
  text.resize(text.size() / 2);
  write_file(dir_ / "truncated.json", text);
  const CliRun truncated = run("merge " + files[0] + " " + (dir_ / "truncated.json").string());
  EXPECT_EQ(truncated.exit_code, 2);
  EXPECT_TRUE(contains(truncated.err, "truncated.json: not JSON")) << truncated.err;
  const CliRun absent = run("merge " + files[0] + " " + (dir_ / "absent.json").string());
  EXPECT_EQ(absent.exit_code, 2);
  EXPECT_TRUE(contains(absent.err, "absent.json: cannot read the file")) << absent.err;
}

// Kafka's ConfigException: every shard says so, and the merge is exit 3 with one run's text.
TEST_F(Scaleout, ARefusedConfigurationMergesToExit3) {
  write_file(dir_ / "p.properties", "enable.idempotence=true\nacks=1\n");
  const std::string args = "--producer " + (dir_ / "p.properties").string();
  const std::vector<std::string> files = parts(args, 2);
  const CliRun merged = run("merge " + files[0] + " " + files[1]);
  const CliRun single = run("check " + args);
  EXPECT_EQ(merged.exit_code, 3);
  EXPECT_EQ(merged.out, single.out);
  EXPECT_TRUE(contains(merged.out, "Kafka refuses this configuration")) << merged.out;
}

TEST_F(Scaleout, AShardNeedsJsonAndAWellFormedIndex) {
  for (const std::string& bad : {"2/2", "1", "-1/2", "a/b", "0/0", "1/2/3"}) {
    const CliRun r = run("check " + kIdempotenceOff + " --budget 5 --json --shard " + bad);
    EXPECT_EQ(r.exit_code, 2) << bad;
    EXPECT_TRUE(contains(r.err, "--shard '" + bad + "': must be I/N")) << r.err;
  }
  const CliRun text = run("check " + kIdempotenceOff + " --budget 5 --shard 0/2");
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_TRUE(contains(text.err, "add --json")) << text.err;
  const CliRun limited = run("check " + kIdempotenceOff + " --budget 5 --json --shard 0/2 --time-limit 5");
  EXPECT_EQ(limited.exit_code, 2);
  const CliRun jobs = run("check " + kIdempotenceOff + " --budget 5 --jobs 0");
  EXPECT_EQ(jobs.exit_code, 2);
  EXPECT_TRUE(contains(jobs.err, "--jobs 0: must be from 1 to 1024")) << jobs.err;
}

// explore --shard I/N + merge: one exploration's verdicts, shortest lengths,
// replay files' violations and exit code; a bad shard or part is exit 2.
TEST_F(Scaleout, ExploreShardsMergeToTheExplorationsVerdicts) {
  write_file(dir_ / "p.properties",
             "acks=1\nenable.idempotence=false\nrequest.timeout.ms=1000\ndelivery.timeout.ms=5000\nlinger.ms=0\n"
             "batch.size=100\n");
  write_file(dir_ / "b.properties", "model.brokers=2\ndefault.replication.factor=2\nreplica.fetch.wait.max.ms=100\n");
  const std::string args = "explore --producer " + (dir_ / "p.properties").string() + " --broker " +
                           (dir_ / "b.properties").string() + " --records 1 --faults 1 --guarantee "
                           "no_lost_acknowledged_writes --guarantee no_duplicates_within_session";
  const CliRun single = run(args + " --json --out " + (dir_ / "single").string());
  std::vector<std::string> files;
  for (int i = 0; i < 2; ++i) {
    const CliRun r = run(args + " --json --shard " + std::to_string(i) + "/2");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "\"kafka_model_explore_part\"")) << r.out;
    files.push_back((dir_ / ("e" + std::to_string(i) + ".json")).string());
    write_file(files.back(), r.out);
  }
  const CliRun merged = run("merge --json " + files[1] + " " + files[0] + " --out " + (dir_ / "merged").string());
  EXPECT_EQ(merged.exit_code, single.exit_code) << merged.err;
  EXPECT_EQ(single.exit_code, 1);  // acks=1 loses an acknowledged write on failover
  for (const std::string& key : {"\"shortest_counterexample_events\": ", "\"holds_within_bounds\": "}) {
    std::vector<std::string> a, b;
    for (std::size_t at = single.out.find(key); at != std::string::npos; at = single.out.find(key, at + 1))
      a.push_back(single.out.substr(at, single.out.find('\n', at) - at));
    for (std::size_t at = merged.out.find(key); at != std::string::npos; at = merged.out.find(key, at + 1))
      b.push_back(merged.out.substr(at, merged.out.find('\n', at) - at));
    EXPECT_EQ(a, b) << key;
    EXPECT_EQ(a.size(), 2u) << key;
  }
  EXPECT_TRUE(fs::exists(dir_ / "merged" / "no_lost_acknowledged_writes--explored.json"));
  const CliRun text = run("merge " + files[0] + " " + files[1] + " --out " + (dir_ / "merged-text").string());
  EXPECT_TRUE(contains(text.out, "joined shards")) << text.out;
  const CliRun missing = run("merge " + files[0]);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.err, "shard 1/2 is missing")) << missing.err;
  std::string other_args = args;
  other_args.replace(other_args.find("--records 1"), 11, "--records 2");
  const CliRun other = run(other_args + " --json --shard 1/2");
  write_file(dir_ / "other.json", other.out);
  const CliRun mixed = run("merge " + files[0] + " " + (dir_ / "other.json").string());
  EXPECT_EQ(mixed.exit_code, 2);
  EXPECT_TRUE(contains(mixed.err, "other.json: another exploration than")) << mixed.err;
  EXPECT_EQ(run(args + " --shard 0/2").exit_code, 2);                        // needs --json
  EXPECT_EQ(run(args + " --json --shard 0/2 --seed 1 --seed 2").exit_code, 2);  // one seed
  EXPECT_EQ(run(args + " --json --shard 2/2").exit_code, 2);
}

}  // namespace
}  // namespace kafka_model::cli_test
