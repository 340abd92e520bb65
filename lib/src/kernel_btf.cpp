// kernel_btf.cpp: enum and func lookups in the kernel's BTF through libbpf.
#include "scxx/kernel_btf.hpp"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

namespace scxx {

void KernelBtf::Free::operator()(struct btf* b) const { btf__free(b); }

Result<KernelBtf> KernelBtf::load(const std::string& path) {
    struct btf* b = path.empty() ? btf__load_vmlinux_btf() : btf__parse(path.c_str(), nullptr);
    if (!b) {
        int err = errno;
        return fail(err, "read kernel BTF " + (path.empty() ? std::string("/sys/kernel/btf/vmlinux") : path) +
                             ": scx-run needs CONFIG_DEBUG_INFO_BTF=y");
    }
    KernelBtf k;
    k.btf_.reset(b);
    return k;
}

Result<int64_t> KernelBtf::enum_value(std::string_view enumerator) const {
    const struct btf* b = btf_.get();
    __u32 n = btf__type_cnt(b);
    for (__u32 id = 1; id < n; id++) {
        const struct btf_type* t = btf__type_by_id(b, id);
        if (btf_is_enum(t)) {
            const struct btf_enum* e = btf_enum(t);
            for (__u16 i = 0; i < btf_vlen(t); i++, e++)
                if (enumerator == btf__name_by_offset(b, e->name_off))  // kflag set = signed enum
                    return btf_kflag(t) ? static_cast<int64_t>(e->val)
                                        : static_cast<int64_t>(static_cast<uint32_t>(e->val));
        } else if (btf_is_enum64(t)) {
            const struct btf_enum64* e = btf_enum64(t);
            for (__u16 i = 0; i < btf_vlen(t); i++, e++)
                if (enumerator == btf__name_by_offset(b, e->name_off))
                    return static_cast<int64_t>(btf_enum64_value(e));
        }
    }
    return fail(ENOENT, "kernel BTF has no enumerator " + std::string(enumerator));
}

bool KernelBtf::has_func(std::string_view name) const {
    return btf__find_by_name_kind(btf_.get(), std::string(name).c_str(), BTF_KIND_FUNC) > 0;
}

bool KernelBtf::has_member(std::string_view type, std::string_view member) const {
    const struct btf* b = btf_.get();
    int id = btf__find_by_name_kind(b, std::string(type).c_str(), BTF_KIND_STRUCT);
    if (id <= 0) return false;
    const struct btf_type* t = btf__type_by_id(b, static_cast<__u32>(id));
    const struct btf_member* m = btf_members(t);
    for (__u16 i = 0; i < btf_vlen(t); ++i, ++m)
        if (member == btf__name_by_offset(b, m->name_off)) return true;
    return false;
}

}  // namespace scxx
