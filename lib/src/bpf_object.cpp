// bpf_object.cpp: .rodata variables and struct_ops members by BTF name, the struct_ops map lookup and
// verified_insns (see scxx/bpf_object.hpp).
#include "scxx/bpf_object.hpp"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <bit>
#include <cstring>

#include <fmt/format.h>

namespace scxx {
namespace {

static_assert(std::endian::native == std::endian::little, "named writes store the low bytes first");

// Is BTF type `id` (through typedefs and modifiers) an integer or an enum?
bool is_integer(const btf* b, __u32 id) {
    int resolved = btf__resolve_type(b, id);
    const btf_type* t = resolved > 0 ? btf__type_by_id(b, static_cast<__u32>(resolved)) : nullptr;
    return t && (btf_is_int(t) || btf_is_enum(t) || btf_is_enum64(t));
}

// Where a named integer lives inside a map's value image.
struct Slot {
    uint8_t* data = nullptr;
    size_t size = 0;
};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The internal map of section `sec` (".rodata", ".data", ".bss"), null when the object has none.
bpf_map* section_map(const bpf_object* obj, std::string_view sec) {
    bpf_map* map;
    bpf_object__for_each_map(map, obj) {
        if (bpf_map__is_internal(map) && ends_with(bpf_map__name(map), sec)) return map;
    }
    return nullptr;
}

// `var` in section `sec`: ENOENT when the section or the variable is not there.
Result<Slot> section_slot(const bpf_object* obj, std::string_view sec, const std::string& var) {
    bpf_map* map = section_map(obj, sec);
    if (!map) return fail(ENOENT, fmt::format("BPF object {} has no {} section", bpf_object__name(obj), sec));
    const btf* b = bpf_object__btf(obj);
    int id = b ? btf__find_by_name_kind(b, std::string(sec).c_str(), BTF_KIND_DATASEC) : -1;
    if (id <= 0) return fail(ENOENT, fmt::format("BPF object {}: no BTF for {}", bpf_object__name(obj), sec));
    const btf_type* t = btf__type_by_id(b, static_cast<__u32>(id));
    const btf_var_secinfo* vsi = btf_var_secinfos(t);
    for (__u16 i = 0; i < btf_vlen(t); ++i, ++vsi) {
        const btf_type* v = btf__type_by_id(b, vsi->type);
        if (var != btf__name_by_offset(b, v->name_off)) continue;
        if (!is_integer(b, v->type))
            return fail(EINVAL, fmt::format("BPF object {}: {} {} is not an integer", bpf_object__name(obj), sec, var));
        size_t size = 0;
        // Before load the initial image; after load (mmapable .data/.bss) the map's own memory.
        auto* data = static_cast<uint8_t*>(bpf_map__initial_value(map, &size));
        if (!data || vsi->offset + vsi->size > size)
            return fail(EINVAL, fmt::format("BPF object {}: {} image too small for {}", bpf_object__name(obj), sec, var));
        return Slot{data + vsi->offset, vsi->size};
    }
    return fail(ENOENT, fmt::format("BPF object {} has no {} variable {}", bpf_object__name(obj), sec, var));
}

// A writable global lives in .data (non-zero initialiser) or .bss (zero).
Result<Slot> global_slot(const bpf_object* obj, const std::string& var) {
    for (std::string_view sec : {".data", ".bss"}) {
        auto slot = section_slot(obj, sec, var);
        if (slot || slot.error().errnum() != ENOENT) return slot;
    }
    return fail(ENOENT, fmt::format("BPF object {} has no writable global {} (.data or .bss; a const volatile one "
                                    "is rodata, frozen at load)",
                                    bpf_object__name(obj), var));
}

Result<Slot> member_slot(const bpf_object* obj, const bpf_map* ops_map, const std::string& member) {
    const btf* b = bpf_object__btf(obj);
    __u32 id = bpf_map__btf_value_type_id(ops_map);
    const btf_type* t = b && id ? btf__type_by_id(b, id) : nullptr;
    if (!t || !btf_is_struct(t))
        return fail(ENOENT, fmt::format("BPF object {}: no BTF type for struct_ops map {}", bpf_object__name(obj),
                                        bpf_map__name(ops_map)));
    const btf_member* m = btf_members(t);
    for (__u16 i = 0; i < btf_vlen(t); ++i, ++m) {
        if (member != btf__name_by_offset(b, m->name_off)) continue;
        if (btf_member_bitfield_size(t, i) != 0 || btf_member_bit_offset(t, i) % 8 != 0 || !is_integer(b, m->type))
            return fail(EINVAL, fmt::format("struct_ops {}: member {} is not a whole integer", bpf_map__name(ops_map), member));
        __s64 size = btf__resolve_size(b, m->type);
        size_t image = 0;
        auto* data = static_cast<uint8_t*>(bpf_map__initial_value(const_cast<bpf_map*>(ops_map), &image));
        size_t off = btf_member_bit_offset(t, i) / 8;
        if (size <= 0 || !data || off + static_cast<size_t>(size) > image)
            return fail(EINVAL, fmt::format("struct_ops {}: cannot place member {}", bpf_map__name(ops_map), member));
        return Slot{data + off, static_cast<size_t>(size)};
    }
    return fail(ENOENT, fmt::format("struct_ops {}: this build's struct has no member {}", bpf_map__name(ops_map),
                                    member));
}

Result<void> store(const Slot& s, uint64_t value, const std::string& what) {
    if (s.size != 1 && s.size != 2 && s.size != 4 && s.size != 8)
        return fail(EINVAL, fmt::format("{}: {} bytes is not an integer size", what, s.size));
    if (s.size < 8 && value >= (uint64_t{1} << (8 * s.size)))
        return fail(ERANGE, fmt::format("{}: {} does not fit in {} bytes", what, value, s.size));
    std::memcpy(s.data, &value, s.size);  // little endian: the low bytes
    return {};
}

Result<uint64_t> load(const Slot& s, const std::string& what) {
    if (s.size != 1 && s.size != 2 && s.size != 4 && s.size != 8)
        return fail(EINVAL, fmt::format("{}: {} bytes is not an integer size", what, s.size));
    uint64_t value = 0;
    std::memcpy(&value, s.data, s.size);
    return value;
}

}  // namespace

Result<bpf_map*> struct_ops_map(const bpf_object* obj) {
    bpf_map* found = nullptr;
    bpf_map* map;
    int n = 0;
    bpf_object__for_each_map(map, obj) {
        if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS) {
            found = map;
            ++n;
        }
    }
    if (n != 1) return fail(EINVAL, fmt::format("BPF object {} has {} struct_ops maps (a scheduler has one)",
                                                bpf_object__name(obj), n));
    return found;
}

Result<void> set_rodata(bpf_object* obj, const std::string& var, uint64_t value) {
    if (bpf_map* map = section_map(obj, ".rodata"); map && bpf_map__fd(map) >= 0)
        return fail(EBUSY, fmt::format("BPF object {}: .rodata {} is read-only once loaded", bpf_object__name(obj), var));
    auto slot = section_slot(obj, ".rodata", var);
    if (!slot) return fail(std::move(slot.error()));
    return store(*slot, value, "rodata " + var);
}

Result<uint64_t> rodata_value(const bpf_object* obj, const std::string& var) {
    auto slot = section_slot(obj, ".rodata", var);
    if (!slot) return fail(std::move(slot.error()));
    return load(*slot, "rodata " + var);
}

Result<void> set_global(bpf_object* obj, const std::string& var, uint64_t value) {
    auto slot = global_slot(obj, var);
    if (!slot) return fail(std::move(slot.error()));
    return store(*slot, value, "global " + var);
}

Result<uint64_t> global_value(const bpf_object* obj, const std::string& var) {
    auto slot = global_slot(obj, var);
    if (!slot) return fail(std::move(slot.error()));
    return load(*slot, "global " + var);
}

Result<void> set_struct_ops_member(bpf_object* obj, bpf_map* ops_map, const std::string& member, uint64_t value) {
    auto slot = member_slot(obj, ops_map, member);
    if (!slot) return fail(std::move(slot.error()));
    return store(*slot, value, "struct_ops " + member);
}

Result<uint64_t> struct_ops_member(const bpf_object* obj, const bpf_map* ops_map, const std::string& member) {
    auto slot = member_slot(obj, ops_map, member);
    if (!slot) return fail(std::move(slot.error()));
    return load(*slot, "struct_ops " + member);
}

std::vector<ProgramInsns> verified_insns(const bpf_object* obj) {
    std::vector<ProgramInsns> out;
    bpf_program* prog;
    bpf_object__for_each_program(prog, obj) {
        int fd = bpf_program__fd(prog);
        if (fd < 0) continue;
        bpf_prog_info info{};
        __u32 len = sizeof(info);
        if (bpf_prog_get_info_by_fd(fd, &info, &len) != 0) continue;
        out.push_back({bpf_program__name(prog), info.verified_insns});
    }
    return out;
}

std::string format_verified_insns(const std::vector<ProgramInsns>& progs) {
    std::string line;
    uint64_t total = 0;
    for (const auto& p : progs) {
        line += fmt::format("{}{}={}", line.empty() ? "" : " ", p.name, p.verified_insns);
        total += p.verified_insns;
    }
    return line + fmt::format(" (total {})", total);
}

}  // namespace scxx
