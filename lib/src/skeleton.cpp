// skeleton.cpp: libbpf log routing/capture, verifier-rejection errors, struct_ops and program attach.
#include "scxx/skeleton.hpp"

#include <cstdarg>
#include <cstdio>
#include <fcntl.h>
#include <unistd.h>
#include <regex>
#include <vector>

#include "scxx/log.hpp"

namespace scxx {
namespace {

std::string* g_capture = nullptr;

int libbpf_print(enum libbpf_print_level level, const char* format, va_list args) {
    char buf[4096];
    va_list copy;
    va_copy(copy, args);
    int n = std::vsnprintf(buf, sizeof(buf), format, copy);
    va_end(copy);
    std::string text;
    if (n >= static_cast<int>(sizeof(buf))) {
        text.resize(static_cast<size_t>(n) + 1);
        std::vsnprintf(text.data(), text.size(), format, args);
        text.resize(static_cast<size_t>(n));
    } else if (n > 0) {
        text.assign(buf, static_cast<size_t>(n));
    }
    if (g_capture) *g_capture += text;
    // libbpf's warnings are mostly benign or repeated in our own error; show them with -v.
    LogLevel ours = level == LIBBPF_DEBUG ? LogLevel::debug : LogLevel::info;
    if (ours <= log_level()) {
        while (!text.empty() && text.back() == '\n') text.pop_back();
        log_message(ours, text.rfind("libbpf: ", 0) == 0 ? text : "libbpf: " + text);
    }
    return 0;
}

}  // namespace

void route_libbpf_logs() {
    static bool done = false;
    if (!done) {
        libbpf_set_print(libbpf_print);
        done = true;
    }
}

namespace detail {

// Writes text to path as a new 0600 file; refuses to follow a symlink (we run as root and the default
// path is in /tmp).
bool write_private_file(const std::filesystem::path& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    return done == text.size();
}

// The verifier's complaint: the first line after the last instruction line of the program-load log,
// skipping statistics ("processed N insns") and hint blocks.
std::string verifier_reason(const std::string& captured) {
    auto begin = captured.rfind("-- BEGIN PROG LOAD LOG --");
    auto end = captured.find("-- END PROG LOAD LOG --", begin == std::string::npos ? 0 : begin);
    if (begin == std::string::npos || end == std::string::npos) return {};
    static const std::regex insn(R"(^\d+: \()");
    std::vector<std::string> lines;
    size_t pos = captured.find('\n', begin);
    if (pos == std::string::npos) return {};  // the log's lines start after the BEGIN line (found by tests/fuzz)
    pos++;
    while (pos < end) {
        auto nl = captured.find('\n', pos);
        if (nl == std::string::npos || nl > end) nl = end;
        lines.push_back(captured.substr(pos, nl - pos));
        pos = nl + 1;
    }
    size_t after = 0;
    for (size_t i = 0; i < lines.size(); i++)
        if (std::regex_search(lines[i], insn)) after = i + 1;
    for (size_t i = after; i < lines.size(); i++) {
        const std::string& l = lines[i];
        if (l.empty() || l[0] == ' ' || l[0] == '\t' || l.rfind("processed ", 0) == 0 || l.rfind("verification time", 0) == 0 ||
            l.rfind("stack depth", 0) == 0 || l.rfind("Suggestion", 0) == 0 || l.rfind("libbpf:", 0) == 0)
            continue;
        return l;
    }
    return {};
}

// Captures nest: an inner one collects its own text and hands it on to the outer one when it ends.
LibbpfCapture::LibbpfCapture() : outer_(g_capture) {
    route_libbpf_logs();
    g_capture = &text_;
}
LibbpfCapture::~LibbpfCapture() {
    g_capture = outer_;
    if (outer_) *outer_ += text_;
}
const std::string& LibbpfCapture::text() const { return text_; }

Error load_error(std::string_view what, int err, const std::string& captured, const std::filesystem::path& log_path) {
    std::string msg;
    static const std::regex failed_prog(R"(prog '([^']+)': (BPF program load failed|failed to load))");
    std::smatch m;
    if (std::regex_search(captured, m, failed_prog)) {
        msg = "verifier rejected " + m[1].str();
        std::string reason = verifier_reason(captured);
        if (!reason.empty()) msg += ": " + reason;
    } else {
        // Not a verifier rejection (e.g. missing kfunc, BTF mismatch): take libbpf's last error line.
        std::string last;
        size_t pos = 0;
        while (pos < captured.size()) {
            auto nl = captured.find('\n', pos);
            std::string line = captured.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
            if (!line.empty()) last = line;
            if (nl == std::string::npos) break;
            pos = nl + 1;
        }
        msg = last.empty() ? "libbpf failed to load the object" : last;
    }
    if (!log_path.empty()) {
        if (write_private_file(log_path, captured)) msg += " (full log: " + log_path.string() + ")";
    }
    return std::move(Error(err, msg).context(std::string(what)));
}

Result<bpf_link*> attach_struct_ops(bpf_map* ops_map, std::string_view what) {
    LibbpfCapture capture;
    bpf_link* link = bpf_map__attach_struct_ops(ops_map);
    if (!link) {
        int err = errno;
        std::string msg = "attach struct_ops " + std::string(bpf_map__name(ops_map));
        if (err == EBUSY || err == EEXIST)
            msg += ": another sched_ext scheduler is already attached";
        return fail(std::move(Error(err, msg).context(std::string(what))));
    }
    return link;
}

}  // namespace detail

Result<Link> attach_program(bpf_program* prog) {
    bpf_link* link = bpf_program__attach(prog);
    if (!link) return fail(errno, std::string("attach ") + bpf_program__name(prog));
    return Link(link);
}

}  // namespace scxx
