// tools/man/main.cpp: scxx-man, the man page generator run by the build: prints one page's roff on
// stdout. It links the schedulers whole, like scx-run, so the registry lists them all.
//   scxx-man scx-run.8 NAME=MODES_JSON...   |   scxx-man scx-ctl.8   |   scxx-man scxx.5
//   scxx-man --scx-ctl-declarations   (for check-man: what scx-ctl.8 must show and must not)
#include <iostream>
#include <string>

#include "pages.hpp"

#ifndef SCXX_VERSION
#define SCXX_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "scxx-man: error: name a page (scx-run.8, scx-ctl.8 or scxx.5)\n";
        return 2;
    }
    const std::string page = argv[1];
    if (page == "scx-ctl.8") {
        std::cout << scxx_man::scx_ctl_page(SCXX_VERSION);
        return 0;
    }
    if (page == "--scx-ctl-declarations") {
        scxx_man::scx_ctl_declarations(std::cout);
        return 0;
    }
    if (page == "scxx.5") {
        std::cout << scxx_man::scxx_page(SCXX_VERSION);
        return 0;
    }
    if (page != "scx-run.8") {
        std::cerr << "scxx-man: error: unknown page '" << page << "' (known: scx-run.8, scx-ctl.8, scxx.5)\n";
        return 2;
    }
    scxx_man::ModesFiles modes;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto eq = arg.find('=');
        if (eq == std::string::npos || eq == 0) {
            std::cerr << "scxx-man: error: '" << arg << "' is not NAME=MODES_JSON\n";
            return 2;
        }
        modes[arg.substr(0, eq)] = arg.substr(eq + 1);
    }
    auto text = scxx_man::scx_run_page(modes, SCXX_VERSION);
    if (!text) {
        std::cerr << "scxx-man: error: " << text.error().what() << '\n';
        return 1;
    }
    std::cout << *text;
    return 0;
}
