// scxx/kernel_btf.hpp: facts read from the running kernel's BTF at load time: enum values such as
// SCX_SLICE_DFL (which a raw object load would leave 0) and whether a kfunc exists.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "scxx/result.hpp"

struct btf;

namespace scxx {

class KernelBtf {
public:
    // path empty: the running kernel (/sys/kernel/btf/vmlinux); else an ELF vmlinux or raw BTF file.
    static Result<KernelBtf> load(const std::string& path = {});
    // Value of an enumerator (enum or enum64), e.g. "SCX_SLICE_DFL"; error names it when absent.
    Result<int64_t> enum_value(std::string_view enumerator) const;
    bool has_func(std::string_view name) const;    // a kfunc or other function
    // Does struct `type` have a member `member` (e.g. sched_ext_ops.cpu_acquire)? false when no such struct.
    bool has_member(std::string_view type, std::string_view member) const;

private:
    struct Free { void operator()(struct btf* b) const; };
    std::unique_ptr<struct btf, Free> btf_;
};

}  // namespace scxx
