// json_file.cpp: reading a text file and parsing JSON with one-line errors (json_file.hpp).
#include "json_file.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "json_unique.hpp"

namespace scxx::detail {

Result<std::string> read_text_file(const std::filesystem::path& path, const std::string& origin) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return fail(fmt::format("{}: is a directory, not a file (give the path of a file)", origin));
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(errno, fmt::format("{}: cannot open", origin));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return fail(errno, fmt::format("{}: read failed", origin));
    return buf.str();
}

Result<nlohmann::ordered_json> parse_json(const std::string& text, const std::string& origin) {
    try {
        std::string duplicate;
        auto j = parse_unique_keys<nlohmann::ordered_json>(text, duplicate, true);
        if (!duplicate.empty())
            return fail(fmt::format("{}: key \"{}\" appears twice in one object (keep one)", origin, duplicate));
        return j;
    } catch (const nlohmann::json::exception& e) {
        // "[json.exception.parse_error.101] parse error at line 1, ..." -> without the bracketed id
        std::string_view w = e.what();
        if (!w.empty() && w.front() == '[') {
            auto close = w.find("] ");
            if (close != std::string_view::npos) w.remove_prefix(close + 2);
        }
        return fail(fmt::format("{}: invalid JSON: {}", origin, w));
    }
}

}  // namespace scxx::detail
