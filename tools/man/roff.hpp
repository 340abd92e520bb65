// tools/man/roff.hpp: writing man(7) pages: escaping text for roff and a small builder for the
// macros the pages use (.TH, .SH, .SS, .PP, .TP, .IP, .EX/.EE). No tbl: pages render with plain
// `groff -man`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scxx_man {

// Body text: backslashes escaped, a '.' or '\'' at the start of a line made literal.
std::string text(std::string_view s);
// A literal command-line word (option, value, path): text() with every '-' as "\-", bold.
std::string bold(std::string_view s);
// The same in italics (a value name).
std::string italic(std::string_view s);
// "--name" in bold followed by its value name in italics (when there is one).
std::string option(std::string_view name, std::string_view value_name);

class Page {
public:
    // .TH NAME SECTION "" "scxx VERSION" MANUAL
    Page(std::string_view name, int section, std::string_view version, std::string_view manual);
    Page& sh(std::string_view heading);                  // .SH
    Page& ss(std::string_view heading);                  // .SS
    Page& pp(std::string_view roff_text);                // .PP, then the text (already escaped)
    Page& tp(std::string_view tag, std::string_view roff_text);  // .TP tag, body (already escaped)
    Page& example(const std::vector<std::string>& lines);          // .EX ... .EE, lines escaped here
    Page& raw(std::string_view roff);                    // anything else, as is
    const std::string& str() const { return out_; }

private:
    std::string out_;
};

}  // namespace scxx_man
