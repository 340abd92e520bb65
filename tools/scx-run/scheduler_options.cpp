// tools/scx-run/scheduler_options.cpp: declared options -> program_options (see scheduler_options.hpp).
// Values are kept as text so that scxx::parse_option_text reports every bad value the same way
// ("option --slice-us: ... is out of range (allowed ...)") and ranges are checked in one place.
#include "scheduler_options.hpp"

#include <fmt/format.h>

namespace scx_run {
namespace po = boost::program_options;

namespace {

// A boolean flag: "--flag" means true, "--flag=false" is accepted; the help shows no argument.
class FlagValue : public po::typed_value<std::string> {
public:
    FlagValue() : po::typed_value<std::string>(nullptr) { implicit_value("true", ""); }
    std::string name() const override { return ""; }
};

}  // namespace

po::options_description scheduler_description(const std::string& title, const std::vector<scxx::OptionDecl>& decls,
                                              bool with_test_only) {
    po::options_description desc(title);
    for (const auto& d : decls) {
        if (d.test_only && !with_test_only) continue;
        const std::string help = scxx::option_help(d);
        if (d.type == scxx::OptionType::boolean) {
            desc.add_options()(d.name.c_str(), new FlagValue(), help.c_str());
            continue;
        }
        po::typed_value<std::string>* sem = po::value<std::string>();
        sem->value_name(scxx::option_value_name(d));
        desc.add_options()(d.name.c_str(), sem, help.c_str());
    }
    return desc;
}

std::vector<std::pair<std::string, std::string>> given_options(const std::vector<scxx::OptionDecl>& decls,
                                                               const po::variables_map& vm) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& d : decls) {
        auto it = vm.find(d.name);
        if (it == vm.end() || it->second.defaulted() || it->second.empty()) continue;
        out.emplace_back(d.name, it->second.as<std::string>());
    }
    return out;
}

}  // namespace scx_run
