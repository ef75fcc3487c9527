// -a and -data-dir: the JSON result saved under Fortio's file name, as Istio's benchmark runner
// (istio/tools perf/benchmark) collects it.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include "process.hpp"

namespace loadgen::test {
namespace {

class auto_save : public with_shared_server<auto_save> {
protected:
  void SetUp() override { dir_ = make_temp_dir("auto-save"); }
  void TearDown() override { remove_tree(dir_); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    return out;
  }
  boost::json::object read(const std::string& name) const {
    std::ifstream in(dir_ + "/" + name);
    return boost::json::parse(std::string(std::istreambuf_iterator<char>(in), {})).as_object();
  }
  std::string dir_;
};

TEST_F(auto_save, istio_runner_command_line_writes_the_file_in_the_data_dir) {
  // The runner's line, verbatim but for -t (240s there) and the URL.
  const auto r = run({loadgen_binary(), "load", "-jitter=False", "-c", "2", "-qps", "20", "-t", "1s", "-a", "-r", "0.001",
                      "-httpbufferkb=128", "-labels", "istio perf/run 1", "-data-dir=" + dir_, url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto names = files();
  ASSERT_EQ(names.size(), 1u);
  const std::string& name = names[0];
  EXPECT_TRUE(std::regex_match(name, std::regex(R"(\d{4}-\d\d-\d\d-\d{6}_istio_perf_run_1\.json)"))) << name;
  const auto doc = read(name);
  EXPECT_EQ(doc.at("ID").as_string(), name.substr(0, name.size() - 5));
  EXPECT_EQ(doc.at("Labels").as_string(), "istio perf/run 1");
  EXPECT_EQ(doc.at("DurationHistogram").at("Count").as_int64(), 20);
  EXPECT_FALSE(doc.at("Jitter").as_bool());
  EXPECT_NE(r.err.find("Successfully wrote " + std::to_string(std::filesystem::file_size(dir_ + "/" + name)) +
                       " bytes of Json data to " + dir_ + "/" + name + "\n"),
            std::string::npos)
      << r.err;
}

TEST_F(auto_save, with_json_both_get_the_same_result) {
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-n", "5", "-a", "-runid", "7", "-data-dir", dir_, "-json", "-",
                      "-loglevel", "Warning", url("/echo")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto names = files();
  ASSERT_EQ(names.size(), 1u);
  const auto on_stdout = boost::json::parse(r.out).as_object();
  EXPECT_EQ(read(names[0]), on_stdout);
  EXPECT_EQ(on_stdout.at("RunID").as_int64(), 7);
  EXPECT_NE(names[0].find("_7_"), std::string::npos) << names[0];
}

TEST_F(auto_save, an_unwritable_data_dir_is_one_line_after_the_report) {
  const auto r = run({loadgen_binary(), "load", "-qps", "0", "-n", "3", "-a", "-data-dir", dir_ + "/missing",
                      "-loglevel", "Warning", url("/echo")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("All done 3 calls"), std::string::npos) << r.err;  // the report still comes
  const std::string last = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
  EXPECT_EQ(last.rfind("loadgen load: cannot write -a file \"" + dir_ + "/missing/", 0), 0u) << r.err;
}

}  // namespace
}  // namespace loadgen::test
