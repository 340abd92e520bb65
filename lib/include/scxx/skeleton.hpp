// scxx/skeleton.hpp: the BPF skeleton lifecycle as move-only RAII types.
//
//   auto opened = Opened<simple_bpf>::open("simple");          // parse the object, nothing in the kernel
//   opened->rodata->slice_ns = ...;                             // configure rodata / map sizes
//   auto loaded = std::move(*opened).load(log_path);            // kernel verifier
//   auto attached = std::move(*loaded).attach(skel->maps.ops);  // struct_ops link: scheduler is live
//   attached->detach();                                         // destroy the link, keep the skeleton
//   attached->skel()->data->uei                                 // exit record, readable after detach
//
// A moved-from object owns nothing; the last owner destroys the skeleton (and the link first).
// Verifier rejections keep the full libbpf/verifier log in a file and name the program that failed.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <bpf/libbpf.h>

#include "scxx/result.hpp"

namespace scxx {

// Owns a link made by bpf_program__attach (tracepoint, fentry/fexit, ...): destroyed with it.
struct LinkDeleter {
    void operator()(bpf_link* link) const { bpf_link__destroy(link); }
};
using Link = std::unique_ptr<bpf_link, LinkDeleter>;
// Attaches a loaded program the way its SEC() says; the error names the program.
Result<Link> attach_program(bpf_program* prog);

// Routes libbpf's messages into scxx::log (warn/info -> debug level unless -v). Idempotent.
void route_libbpf_logs();

namespace detail {
// While alive, every libbpf message is also appended to text(). Captures nest (inner text is also
// given to the outer capture); one thread at a time.
class LibbpfCapture {
public:
    LibbpfCapture();
    ~LibbpfCapture();
    LibbpfCapture(const LibbpfCapture&) = delete;
    LibbpfCapture& operator=(const LibbpfCapture&) = delete;
    const std::string& text() const;

private:
    std::string* outer_;
    std::string text_;
};
// Turns a failed bpf_object__load into an Error naming the rejected program; writes the captured
// log to `log_path` (when non-empty).
Error load_error(std::string_view what, int err, const std::string& captured, const std::filesystem::path& log_path);
// The verifier's complaint extracted from a captured program-load log ("" when none).
std::string verifier_reason(const std::string& captured);
Result<bpf_link*> attach_struct_ops(bpf_map* ops_map, std::string_view what);
}  // namespace detail

// Owns a Skel* (bpftool's C++ skeleton: Skel::open/load/destroy).
template <class Skel>
class SkeletonOwner {
public:
    SkeletonOwner() = default;
    SkeletonOwner(Skel* skel, std::string name) : skel_(skel), name_(std::move(name)) {}
    SkeletonOwner(SkeletonOwner&& o) noexcept : skel_(std::exchange(o.skel_, nullptr)), name_(std::move(o.name_)) {}
    SkeletonOwner& operator=(SkeletonOwner&& o) noexcept {
        if (this != &o) {
            reset();
            skel_ = std::exchange(o.skel_, nullptr);
            name_ = std::move(o.name_);
        }
        return *this;
    }
    SkeletonOwner(const SkeletonOwner&) = delete;
    SkeletonOwner& operator=(const SkeletonOwner&) = delete;
    ~SkeletonOwner() { reset(); }

    Skel* get() const { return skel_; }
    Skel* operator->() const { return skel_; }
    const std::string& name() const { return name_; }
    Skel* release() { return std::exchange(skel_, nullptr); }

private:
    void reset() {
        if (skel_) Skel::destroy(std::exchange(skel_, nullptr));
    }
    Skel* skel_ = nullptr;
    std::string name_;
};

template <class Skel>
class Attached {
public:
    Attached(SkeletonOwner<Skel> owner, bpf_link* link) : owner_(std::move(owner)), link_(link) {}
    Attached(Attached&& o) noexcept : owner_(std::move(o.owner_)), link_(std::exchange(o.link_, nullptr)) {}
    Attached& operator=(Attached&& o) noexcept {
        if (this != &o) {
            detach();
            owner_ = std::move(o.owner_);
            link_ = std::exchange(o.link_, nullptr);
        }
        return *this;
    }
    ~Attached() { detach(); }

    Skel* skel() const { return owner_.get(); }
    Skel* operator->() const { return owner_.get(); }
    bool attached() const { return link_ != nullptr; }
    // Destroys the struct_ops link: the kernel disables the scheduler and runs ops.exit before this
    // returns, so the exit record is complete afterwards. The skeleton stays readable. Idempotent.
    void detach() {
        if (link_) bpf_link__destroy(std::exchange(link_, nullptr));
    }

private:
    SkeletonOwner<Skel> owner_;
    bpf_link* link_ = nullptr;
};

template <class Skel>
class Loaded {
public:
    explicit Loaded(SkeletonOwner<Skel> owner) : owner_(std::move(owner)) {}
    Skel* skel() const { return owner_.get(); }
    Skel* operator->() const { return owner_.get(); }

    // Attaches the struct_ops map (the scheduler goes live).
    Result<Attached<Skel>> attach(bpf_map* ops_map) && {
        auto link = detail::attach_struct_ops(ops_map, owner_.name());
        if (!link) return fail(std::move(link.error()));
        return Attached<Skel>(std::move(owner_), *link);
    }

private:
    SkeletonOwner<Skel> owner_;
};

template <class Skel>
class Opened {
public:
    // Parses the embedded object. `btf_custom_path` (optional) replaces /sys/kernel/btf/vmlinux for
    // CO-RE and struct_ops type resolution (used on hosts without sched_ext).
    static Result<Opened> open(std::string name, const char* btf_custom_path = nullptr) {
        route_libbpf_logs();
        detail::LibbpfCapture capture;
        bpf_object_open_opts opts{};  // not LIBBPF_OPTS: that trips -Wmissing-field-initializers in C++
        opts.sz = sizeof(opts);
        opts.btf_custom_path = btf_custom_path;
        Skel* skel = Skel::open(&opts);
        if (!skel) return fail(errno, "open " + name + " BPF object: " + last_line(capture.text()));
        return Opened(SkeletonOwner<Skel>(skel, std::move(name)));
    }

    Skel* skel() const { return owner_.get(); }
    Skel* operator->() const { return owner_.get(); }

    // Runs the kernel verifier. On rejection the full log goes to verifier_log.
    Result<Loaded<Skel>> load(const std::filesystem::path& verifier_log = {}) && {
        detail::LibbpfCapture capture;
        int err = Skel::load(owner_.get());
        if (err) return fail(detail::load_error("load " + owner_.name(), err, capture.text(), verifier_log));
        return Loaded<Skel>(std::move(owner_));
    }

private:
    explicit Opened(SkeletonOwner<Skel> owner) : owner_(std::move(owner)) {}
    static std::string last_line(const std::string& text) {
        auto end = text.find_last_not_of('\n');
        if (end == std::string::npos) return "libbpf gave no reason";
        auto start = text.rfind('\n', end);
        return text.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
    }
    SkeletonOwner<Skel> owner_;
};

}  // namespace scxx
