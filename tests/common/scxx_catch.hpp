// tests/common/scxx_catch.hpp: what the host tests add to Catch2 for scxx types: a Cpumask prints as
// its cpulist and size in failure messages, and error_text() gives a Result's error as text that is
// safe to build before the check (Catch2 builds INFO messages eagerly, and a Result holding a value
// has no error to read).
#pragma once

#include <catch2/catch_tostring.hpp>

#include <string>

#include "scxx/cpumask.hpp"
#include "scxx/result.hpp"

template <>
struct Catch::StringMaker<scxx::Cpumask> {
    static std::string convert(const scxx::Cpumask& m) {
        return "{" + m.to_list() + "}/" + std::to_string(m.nr_cpus());
    }
};

namespace scxx_test {

template <class T>
std::string error_text(const scxx::Result<T>& r) {
    return r ? std::string("(no error)") : r.error().what();
}

}  // namespace scxx_test
