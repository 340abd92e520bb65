// tools/man/roff.cpp: roff escaping and the page builder (roff.hpp).
#include "roff.hpp"

#include <fmt/format.h>

namespace scxx_man {

std::string text(std::string_view s) {
    std::string out;
    bool line_start = true;
    for (char c : s) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\')
            out += "\\e";
        else
            out += c;
        line_start = c == '\n';
    }
    return out;
}

namespace {
std::string minus(std::string_view s) {
    std::string out;
    for (char c : text(s)) {
        if (c == '-')
            out += "\\-";
        else
            out += c;
    }
    return out;
}
}  // namespace

std::string bold(std::string_view s) { return "\\fB" + minus(s) + "\\fR"; }
std::string italic(std::string_view s) { return "\\fI" + minus(s) + "\\fR"; }

std::string option(std::string_view name, std::string_view value_name) {
    std::string out = bold(name);
    if (!value_name.empty()) out += " " + italic(value_name);
    return out;
}

Page::Page(std::string_view name, int section, std::string_view version, std::string_view manual) {
    out_ = fmt::format(".TH \"{}\" \"{}\" \"\" \"scxx {}\" \"{}\"\n", name, section, version, manual);
}

Page& Page::sh(std::string_view heading) {
    out_ += fmt::format(".SH \"{}\"\n", heading);
    return *this;
}

Page& Page::ss(std::string_view heading) {
    out_ += fmt::format(".SS \"{}\"\n", heading);
    return *this;
}

Page& Page::pp(std::string_view roff_text) {
    out_ += fmt::format(".PP\n{}\n", roff_text);
    return *this;
}

Page& Page::tp(std::string_view tag, std::string_view roff_text) {
    out_ += fmt::format(".TP\n{}\n{}\n", tag, roff_text);
    return *this;
}

Page& Page::example(const std::vector<std::string>& lines) {
    out_ += ".PP\n.EX\n";
    for (const auto& l : lines) out_ += minus(l) + "\n";
    out_ += ".EE\n";
    return *this;
}

Page& Page::raw(std::string_view roff) {
    out_ += roff;
    return *this;
}

}  // namespace scxx_man
