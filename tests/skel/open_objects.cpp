// open_objects.cpp: skel tier. Opens each scheduler's BPF object with libbpf on the host (no root,
// no sched_ext), and checks it has programs, exactly one struct_ops map and the exit record (uei).
// Usage: open_objects NAME OBJ [NAME OBJ ...]. Prints one line per object; exit 1 on any failure.
#include <cstdio>
#include <string>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

namespace {

int check(const std::string& name, const std::string& path) {
    bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
    if (!obj) {
        std::printf("FAIL %s: libbpf cannot open %s (errno %d)\n", name.c_str(), path.c_str(), errno);
        return 1;
    }
    int progs = 0, ops_maps = 0;
    bool has_uei = false;
    bpf_program* prog;
    bpf_object__for_each_program(prog, obj) progs++;
    bpf_map* map;
    bpf_object__for_each_map(map, obj) {
        if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS) ops_maps++;
    }
    // the exit record: a global variable named uei (SCXX_EXIT_INFO_DEFINE) in the object's BTF
    if (const btf* b = bpf_object__btf(obj); b && btf__find_by_name_kind(b, "uei", BTF_KIND_VAR) > 0) has_uei = true;
    bpf_object__close(obj);
    if (progs == 0 || ops_maps != 1 || !has_uei) {
        std::printf("FAIL %s: %d programs, %d struct_ops maps, exit record (uei) %s\n", name.c_str(), progs,
                    ops_maps, has_uei ? "present" : "missing");
        return 1;
    }
    std::printf("ok %s: %d programs, 1 struct_ops map\n", name.c_str(), progs);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    libbpf_set_print(nullptr);
    int failed = 0;
    for (int i = 1; i + 1 < argc; i += 2) failed += check(argv[i], argv[i + 1]);
    if (argc < 3 || argc % 2 == 0) {
        std::printf("FAIL: no objects given\n");
        return 1;
    }
    return failed ? 1 : 0;
}
