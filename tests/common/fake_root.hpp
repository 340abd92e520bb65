// tests/common/fake_root.hpp: a fake root directory for code that reads /sys ("<root>/sys/kernel/..."),
// made in a TempDir and removed with the object; sched_ext() writes the sched_ext state files.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.hpp"

namespace scxx_test {

struct FakeRoot {
    TempDir dir{"scxx-root"};
    std::filesystem::path root = dir.path();

    void write(const std::string& rel, const std::string& text) const {
        const std::filesystem::path p = root / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p) << text;
    }
    void sched_ext(const std::string& state, const std::string& ops = "") const {
        write("sys/kernel/sched_ext/state", state + "\n");
        if (!ops.empty()) write("sys/kernel/sched_ext/root/ops", ops + "\n");
    }
};

}  // namespace scxx_test
