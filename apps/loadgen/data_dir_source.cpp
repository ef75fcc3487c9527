#include "data_dir_source.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace loadgen::cli {
namespace {

namespace fs = std::filesystem;

// Base64 of the file's MD5, as Fortio's index.tsv (Google Cloud transfer's URL list) wants.
std::string md5_base64(const std::string& content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(content.data(), content.size(), digest, &length, EVP_md5(), nullptr) != 1) return {};
  unsigned char encoded[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  const int n = EVP_EncodeBlock(encoded, digest, static_cast<int>(length));
  return std::string(reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(n));
}

}  // namespace

std::vector<result_entry> data_dir_source::list() const {
  struct found {
    result_entry entry;
    fs::file_time_type modified;
  };
  std::vector<found> files;
  std::error_code ec;
  fs::directory_iterator it(dir_, ec);
  if (ec) {
    spdlog::warn("cannot list the data directory \"{}\": {}", dir_, ec.message());
    return {};
  }
  for (const auto& e : it) {
    const std::string name = e.path().filename().string();
    if (name.size() <= 5 || name.substr(name.size() - 5) != ".json" || !e.is_regular_file(ec)) continue;
    const auto content = read(name);
    if (!content) continue;
    files.push_back({{name, static_cast<std::int64_t>(content->size()), md5_base64(*content)}, e.last_write_time(ec)});
  }
  std::sort(files.begin(), files.end(), [](const found& a, const found& b) {
    return a.modified != b.modified ? a.modified > b.modified : a.entry.name > b.entry.name;
  });
  std::vector<result_entry> out;
  for (auto& f : files) out.push_back(std::move(f.entry));
  return out;
}

std::optional<std::string> data_dir_source::read(const std::string& name) const {
  std::ifstream in(fs::path(dir_) / name, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return text.str();
}

}  // namespace loadgen::cli
