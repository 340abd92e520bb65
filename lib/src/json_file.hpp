// json_file.hpp (private to libscxx): reading a text file and parsing JSON into one-line Errors,
// shared by the option layer (--config files) and the modes files. Not installed: no public header
// names nlohmann/json.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "scxx/result.hpp"

namespace scxx::detail {

// The whole file. Errors: "<origin>: cannot open: <strerror>", "<origin>: read failed: <strerror>",
// "<origin>: is a directory, ...".
Result<std::string> read_text_file(const std::filesystem::path& path, const std::string& origin);

// JSON text parsed (object key order kept). Errors: "<origin>: invalid JSON: <what the parser says>",
// "<origin>: key "K" appears twice in one object (keep one)".
Result<nlohmann::ordered_json> parse_json(const std::string& text, const std::string& origin);

}  // namespace scxx::detail
