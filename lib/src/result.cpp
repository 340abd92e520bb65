// result.cpp: formatting of scxx::Error.
#include "scxx/result.hpp"

#include <cstring>

namespace scxx {

std::string Error::what() const {
    std::string out;
    for (auto it = contexts_.rbegin(); it != contexts_.rend(); ++it) {
        out += *it;
        out += ": ";
    }
    out += message_;
    if (errno_ != 0) {
        out += " (";
        out += std::strerror(errno_);
        out += ")";
    }
    return out;
}

}  // namespace scxx
