// tests/common/temp_dir.hpp: a scratch directory for host tests, removed when the object goes. It is
// made in /dev/shm when writable (generated sysfs trees for 8192 CPUs are ~10k inodes), else the
// system temp directory; SCXX_TEST_TMPDIR overrides the location.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace scxx_test {

class TempDir {
public:
    // `prefix` names the directory ("scxx-topo" -> /dev/shm/scxx-topo-XXXXXX).
    explicit TempDir(const std::string& prefix) {
        namespace fs = std::filesystem;
        fs::path base = fs::temp_directory_path();
        if (const char* env = std::getenv("SCXX_TEST_TMPDIR"); env && *env)
            base = env;
        else if (::access("/dev/shm", W_OK) == 0)
            base = "/dev/shm";
        std::string tmpl = (base / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp " + tmpl + " failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace scxx_test
