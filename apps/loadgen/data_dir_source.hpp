#pragma once
// The results UI's view of a data directory on the file system (report/results_ui.hpp's
// results_source): the *.json files in it (not in subdirectories), newest first.
#include <string>

#include "loadgen/report/results_ui.hpp"

namespace loadgen::cli {

class data_dir_source final : public results_source {
public:
  explicit data_dir_source(std::string dir) : dir_(std::move(dir)) {}
  // Newest first (modification time, then name); the MD5 of each file is read for index.tsv.
  // A directory that cannot be listed gives an empty list (and one warning in the log).
  std::vector<result_entry> list() const override;
  std::optional<std::string> read(const std::string& name) const override;

private:
  std::string dir_;
};

}  // namespace loadgen::cli
