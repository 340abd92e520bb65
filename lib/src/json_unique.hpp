// json_unique.hpp (private to libscxx): JSON parsing that notices a key given twice in one object.
// nlohmann keeps the last of duplicate keys without a word, so `{"slice-us":1,"slice-us":2}` in a
// config file, a modes file or a control request would silently mean 2. The parsers that read user
// input (json_file.cpp, control_protocol.cpp) parse through here and turn a duplicate into an error.
// Header-only so the fuzz targets need no extra source.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace scxx::detail {

// `text` parsed into Json (is_discarded() on a syntax error; exceptions only if `allow_exceptions`).
// `duplicate` receives the first key that appears twice in one object ("" when none), and
// `duplicate_depth` (when given) the depth of that object: 1 for the top-level object.
template <class Json>
Json parse_unique_keys(std::string_view text, std::string& duplicate, bool allow_exceptions = false,
                       size_t* duplicate_depth = nullptr) {
    duplicate.clear();
    if (duplicate_depth) *duplicate_depth = 0;
    std::vector<std::set<std::string>> open;  // the keys seen in each object still open, innermost last
    auto callback = [&](int, nlohmann::json::parse_event_t event, Json& parsed) {
        using E = nlohmann::json::parse_event_t;
        if (event == E::object_start) {
            open.emplace_back();
        } else if (event == E::object_end) {
            if (!open.empty()) open.pop_back();
        } else if (event == E::key && !open.empty() && parsed.is_string()) {
            if (!open.back().insert(parsed.template get<std::string>()).second && duplicate.empty()) {
                duplicate = parsed.template get<std::string>();
                if (duplicate_depth) *duplicate_depth = open.size();
            }
        }
        return true;
    };
    return Json::parse(text, callback, allow_exceptions);
}

}  // namespace scxx::detail
