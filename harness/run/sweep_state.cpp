#include "harness/run/sweep_state.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "harness/report/atomic_file.hpp"
#include "harness/run/folder_lock.hpp"
#include "harness/run/shard.hpp"

namespace tbptt {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// "I-of-N" -> "I/N", as --shard takes it.
std::string shard_argument(const std::string& name) {
  const size_t of = name.find("-of-");
  return of == std::string::npos ? name : name.substr(0, of) + "/" + name.substr(of + 4);
}

std::string resume_command(const ResultsDir& dir, const json& manifest, const std::string& shard) {
  const std::string file = manifest.value("experiment_file", "");
  return "tbptt run " + (file.empty() ? std::string("EXPERIMENT.yaml") : file) + " --output " +
         dir.root().string() + (shard.empty() ? std::string() : " --shard " + shard_argument(shard));
}

// Probes `lock`, reads the status with `read_status`, probes again (see the header's N.B.).
template <class ReadStatus>
WriterState probe_writer(const ResultsDir& dir, const std::string& name, const std::string& lock,
                         ReadStatus read_status) {
  WriterState w;
  w.name = name;
  const bool held_before = lock_held(dir.root(), lock);
  w.recorded = read_status();
  const bool held_after = lock_held(dir.root(), lock);
  w.state = w.recorded == "running" && !held_before && !held_after ? "died" : w.recorded;
  w.owner = lock_owner_of(dir.root(), lock);
  return w;
}

}  // namespace

std::vector<WriterState> writer_states(const ResultsDir& dir) {
  const json manifest = dir.read_manifest();
  std::vector<WriterState> writers;
  const fs::path shards = dir.root() / "shards";
  std::error_code ec;
  if (!fs::is_directory(shards, ec)) {
    WriterState w = probe_writer(dir, "sweep", kSweepLock, [&] { return dir.read_manifest().value("status", "?"); });
    if (w.state == "died" || w.state == "interrupted") w.resume = resume_command(dir, manifest, "");
    writers.push_back(std::move(w));
    return writers;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(shards)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const std::string name = file.stem().string();
    WriterState w = probe_writer(dir, name, std::string(kSweepLock) + "-shard-" + name, [&] {
      try {
        return json::parse(read_file(file)).value("status", "?");
      } catch (const json::exception& e) {
        throw std::runtime_error(file.string() + ": unreadable: " + e.what());
      }
    });
    if (w.state == "died" || w.state == "interrupted") w.resume = resume_command(dir, manifest, name);
    writers.push_back(std::move(w));
  }
  // Shards of the array (the manifest's "shards": N) that have not written their file yet.
  const int count = manifest.value("shards", 0);
  for (int i = 0; i < count; ++i) {
    const std::string name = Shard{i, count}.name();
    if (fs::exists(shards / (name + ".json"), ec)) continue;
    WriterState w;
    w.name = name;
    w.state = "not started";
    writers.push_back(std::move(w));
  }
  return writers;
}

std::string resume_notes(const ResultsDir& dir, const std::vector<WriterState>& writers) {
  std::string out;
  for (const auto& w : writers) {
    if (w.resume.empty()) continue;
    const std::string who = w.name == "sweep" ? std::string("the sweep") : "shard " + w.name;
    const std::string owner = w.owner.empty() ? std::string() : " (" + w.owner + ")";
    out += dir.root().string() + ": " + who + " " + w.state + owner +
           (w.state == "died" ? ": its process is gone" : std::string()) + "; resume it with: " + w.resume + "\n";
  }
  return out;
}

std::string status_text(const ResultsDir& dir) {
  const json manifest = dir.read_manifest();
  size_t total = 0, done = 0;
  if (manifest.contains("runs") && manifest["runs"].is_array()) {
    for (const auto& entry : manifest["runs"]) {
      ++total;
      if (entry.is_object() && entry.contains("id") && entry["id"].is_string())
        done += dir.run_done(entry["id"].get<std::string>()) ? 1 : 0;
    }
  }
  std::string out = dir.root().string() + ": " + std::to_string(done) + " of " + std::to_string(total) + " runs done\n";
  const std::vector<WriterState> writers = writer_states(dir);
  for (const auto& w : writers) {
    out += "  " + (w.name == "sweep" ? std::string("sweep") : "shard " + w.name) + ": " + w.state;
    if (w.state == "running" && !w.owner.empty()) out += " (" + w.owner + ")";
    if (w.state == "died") out += " (recorded \"running\", but no process holds its lock)";
    out += "\n";
  }
  return out + resume_notes(dir, writers);
}

}  // namespace tbptt
