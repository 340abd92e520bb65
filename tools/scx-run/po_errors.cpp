// tools/scx-run/po_errors.cpp: program_options exceptions -> one-line errors with the fix (po_errors.hpp).
#include "po_errors.hpp"

#include <fmt/format.h>

namespace scx_run {
namespace {

namespace po = boost::program_options;

// "--stats" -> "SECS": the value name the option was declared with ("VALUE" when none).
std::string value_name(const po::options_description& desc, const std::string& option) {
    const std::string key = option.substr(option.find_first_not_of('-') == std::string::npos
                                              ? option.size()
                                              : option.find_first_not_of('-'));
    const po::option_description* d = desc.find_nothrow(key, false);
    if (!d) return "VALUE";
    std::string name = d->semantic()->name();
    name = name.substr(0, name.find(' '));  // "SECS (=0)": without the default
    return name.empty() || name == "arg" ? "VALUE" : name;
}

}  // namespace

std::string describe_po_error(const po::error& e, const po::options_description& desc, const std::string& help) {
    if (const auto* m = dynamic_cast<const po::multiple_occurrences*>(&e))
        return fmt::format("{} is given more than once (give it once)", m->get_option_name());
    if (const auto* s = dynamic_cast<const po::invalid_command_line_syntax*>(&e)) {
        const std::string opt = s->get_option_name();
        switch (s->kind()) {
        case po::invalid_syntax::missing_parameter:
            return fmt::format("{} needs a value (e.g. {} {}; see {})", opt, opt, value_name(desc, opt), help);
        case po::invalid_syntax::extra_parameter:
            return fmt::format("{} takes no value (give {} alone)", opt, opt);
        default: break;
        }
    }
    return fmt::format("{} (see {})", e.what(), help);
}

}  // namespace scx_run
