// tools/scx-run/path_checks.cpp: the paths scx-run writes, checked before loading (path_checks.hpp).
#include "path_checks.hpp"

#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "scxx/control_server.hpp"

namespace scx_run {
namespace {

namespace fs = std::filesystem;

// made_by_runner: the control socket's directory and its missing ancestors, which the runner
// creates before it writes any metrics (so a metrics file next to the socket needs no mkdir).
bool made_by_runner(const fs::path& dir, const fs::path& socket_path) {
    if (socket_path.empty()) return false;
    std::error_code ec;
    const fs::path want = fs::absolute(dir, ec).lexically_normal();
    if (ec) return false;
    for (fs::path d = fs::absolute(socket_path, ec).lexically_normal().parent_path(); !ec && !d.empty();
         d = d.parent_path()) {
        if (d == want) return true;
        if (d == d.parent_path()) break;
    }
    return false;
}

scxx::Result<void> check_metrics_file(const fs::path& file, const fs::path& socket_path) {
    std::error_code ec;
    if (fs::is_directory(file, ec))
        return scxx::fail(fmt::format("--metrics-file {}: is a directory (give a file path, e.g. {})", file.string(),
                                      (file / "scxx.prom").string()));
    const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    if (!fs::exists(dir, ec)) {
        if (made_by_runner(dir, socket_path)) return {};
        return scxx::fail(fmt::format("--metrics-file {}: the directory {} does not exist (create it, or give "
                                      "another path)",
                                      file.string(), dir.string()));
    }
    if (!fs::is_directory(dir, ec))
        return scxx::fail(fmt::format("--metrics-file {}: {} is not a directory (give another path)", file.string(),
                                      dir.string()));
    if (access(dir.c_str(), W_OK) != 0)
        return scxx::fail(errno, fmt::format("--metrics-file {}: cannot write into {} (give a writable directory)",
                                             file.string(), dir.string()));
    return {};
}

}  // namespace

scxx::Result<void> check_run_paths(const scxx::RunOptions& run, bool check_live) {
    if (!run.socket_path.empty())
        if (auto r = scxx::check_control_socket_path(run.socket_path, check_live); !r) return r;
    if (!run.metrics_file.empty())
        if (auto r = check_metrics_file(run.metrics_file, run.socket_path); !r) return r;
    std::error_code ec;
    if (!run.verifier_log.empty() && fs::is_directory(run.verifier_log, ec))
        return scxx::fail(fmt::format("--verifier-log {}: is a directory (give a file path, e.g. {})",
                                      run.verifier_log.string(), (run.verifier_log / "verifier.log").string()));
    return {};
}

}  // namespace scx_run
