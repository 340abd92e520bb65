// scxx/bpf_object.hpp: named access into a libbpf object, through the object's own BTF: its
// .rodata variables (set before load, read back for tests), its writable .data/.bss globals
// (before load and while attached), the members of its one struct_ops map
// (timeout_ms, flags, exit_dump_len, hotplug_seq), and the verifier's instruction counts after load.
// Integers of 1, 2, 4 or 8 bytes only; a value that does not fit is an error, never truncated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scxx/result.hpp"

struct bpf_object;
struct bpf_map;

namespace scxx {

// The object's only struct_ops map (a scheduler object has exactly one); error otherwise.
Result<bpf_map*> struct_ops_map(const bpf_object* obj);
// Writes `value` into the .rodata variable `var` of an opened, not yet loaded object.
Result<void> set_rodata(bpf_object* obj, const std::string& var, uint64_t value);
// The value `var` has in the object's .rodata image (its initialiser before anything is set).
Result<uint64_t> rodata_value(const bpf_object* obj, const std::string& var);
// Writes `value` into the writable global `var` (.data or .bss) of an opened object (its initial
// value) or of a loaded one (the map's memory, which the BPF programs read: a live change).
Result<void> set_global(bpf_object* obj, const std::string& var, uint64_t value);
// The current value of that global.
Result<uint64_t> global_value(const bpf_object* obj, const std::string& var);
// The struct_ops map's member `member` (e.g. "timeout_ms") set to `value` before load.
Result<void> set_struct_ops_member(bpf_object* obj, bpf_map* ops_map, const std::string& member, uint64_t value);
// ... and read back (tests; a flag a scheduler's BPF side sets, e.g. "flags").
Result<uint64_t> struct_ops_member(const bpf_object* obj, const bpf_map* ops_map, const std::string& member);

struct ProgramInsns {
    std::string name;
    uint32_t verified_insns = 0;
};
// Every loaded program of the object with the verifier's processed-instruction count.
std::vector<ProgramInsns> verified_insns(const bpf_object* obj);
// "name=N name=N ... (total T)".
std::string format_verified_insns(const std::vector<ProgramInsns>& progs);

}  // namespace scxx
