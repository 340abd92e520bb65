// test_control.cpp: the control protocol (handle_control_line, lib/src/control_protocol.cpp) with a
// fake target: malformed and invalid requests (exact codes, one-line messages, the target never
// called), the happy paths (id echo, set values as text, switch options); and the control socket
// (ControlServer, lib/src/control_server.cpp) over real unix sockets: file mode, directory and
// stale/live/foreign files at the path, framing (pipelined, split, CRLF, half-close, too long), the
// client limit, idle timeout, a client that never reads, and peers that are not root (needs root).
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scxx/control.hpp"
#include "scxx/control_server.hpp"
#include "scxx_catch.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Catch::Matchers::ContainsSubstring;
using json = nlohmann::json;
using scxx::ControlReply;
using scxx::ControlServer;
using scxx_test::error_text;
using scxx_test::TempDir;

// ---------------------------------------------------------------------------------------------
// Protocol

struct Call {
    std::string fn, a = {}, b = {}, c = {};
};

struct FakeTarget : scxx::ControlTarget {
    std::vector<Call> calls;
    ControlReply reply = std::string(R"({"answer":42})");

    ControlReply stats() override { return record({"stats"}); }
    ControlReply stats_meta() override { return record({"stats_meta"}); }
    ControlReply status() override { return record({"status"}); }
    ControlReply events() override { return record({"events"}); }
    ControlReply maps() override { return record({"maps"}); }
    ControlReply set(const std::string& key, const std::string& value) override { return record({"set", key, value}); }
    ControlReply switch_to(const std::string& sched, const std::string& mode, const std::string& options) override {
        return record({"switch", sched, mode, options});
    }
    ControlReply mode(const std::string& name) override { return record({"mode", name}); }

private:
    ControlReply record(Call c) {
        calls.push_back(std::move(c));
        return reply;
    }
};

// The response line parsed; checks what every response has.
json parse_response(const std::string& line) {
    INFO("response: " << line);
    REQUIRE(line.find('\n') == std::string::npos);
    json r = json::parse(line, nullptr, false);
    REQUIRE(r.is_object());
    CHECK(r.at("v") == 1);
    REQUIRE(r.contains("id"));
    REQUIRE(r.at("ok").is_boolean());
    if (r["ok"]) {
        CHECK(r.at("result").is_object());
        CHECK_FALSE(r.contains("error"));
    } else {
        CHECK_FALSE(r.contains("result"));
        const json& e = r.at("error");
        REQUIRE(e.at("code").is_string());
        REQUIRE(e.at("message").is_string());
        const std::string msg = e["message"];
        CHECK_FALSE(msg.empty());
        CHECK(msg.find('\n') == std::string::npos);
    }
    return r;
}

struct Bad {
    const char* what;
    std::string line;
    std::string code;
};

std::vector<Bad> bad_requests() {
    std::string huge = R"({"v":1,"cmd":"stats","pad":")" + std::string(70000, 'x') + "\"}";
    std::string nested = std::string(10000, '[');
    std::string nested_closed = std::string(10000, '[') + std::string(10000, ']');
    std::string nested_field = R"({"v":1,"cmd":"stats","x":)" + nested_closed + "}";
    return {
        {"not JSON", "hello", "parse"},
        {"truncated JSON", R"({"v":1,"cmd":"stats")", "parse"},
        {"empty line", "", "parse"},
        {"blank line", "   ", "parse"},
        {"a JSON array", R"([{"v":1,"cmd":"stats"}])", "parse"},
        {"a JSON string", R"("stats")", "parse"},
        {"a JSON number", "42", "parse"},
        {"JSON null", "null", "parse"},
        {"missing v", R"({"cmd":"stats"})", "version"},
        {"v = 2", R"({"v":2,"cmd":"stats"})", "version"},
        {"v = 0", R"({"v":0,"cmd":"stats"})", "version"},
        {"v = -1", R"({"v":-1,"cmd":"stats"})", "version"},
        {"v = \"1\"", R"({"v":"1","cmd":"stats"})", "version"},
        {"v = 1.5", R"({"v":1.5,"cmd":"stats"})", "version"},
        {"v = 1.0", R"({"v":1.0,"cmd":"stats"})", "version"},
        {"v = true", R"({"v":true,"cmd":"stats"})", "version"},
        {"v = null", R"({"v":null,"cmd":"stats"})", "version"},
        {"v = 2^64+1", R"({"v":18446744073709551617,"cmd":"stats"})", "version"},
        {"v = 2^64-1", R"({"v":18446744073709551615,"cmd":"stats"})", "version"},
        {"missing cmd", R"({"v":1})", "bad_request"},
        {"cmd a number", R"({"v":1,"cmd":5})", "bad_request"},
        {"cmd null", R"({"v":1,"cmd":null})", "bad_request"},
        {"cmd an array", R"({"v":1,"cmd":["stats"]})", "bad_request"},
        {"unknown cmd", R"({"v":1,"cmd":"reboot"})", "unknown_command"},
        {"cmd with another case", R"({"v":1,"cmd":"STATS"})", "unknown_command"},
        {"empty cmd", R"({"v":1,"cmd":""})", "unknown_command"},
        {"unknown extra field", R"({"v":1,"cmd":"stats","verbose":true})", "bad_request"},
        {"field of another command", R"({"v":1,"cmd":"mode","name":"x","key":"y"})", "bad_request"},
        {"set without key", R"({"v":1,"cmd":"set","value":"1"})", "bad_request"},
        {"set without value", R"({"v":1,"cmd":"set","key":"slice-us"})", "bad_request"},
        {"set value an object", R"({"v":1,"cmd":"set","key":"slice-us","value":{"a":1}})", "bad_request"},
        {"set value an array", R"({"v":1,"cmd":"set","key":"slice-us","value":[1]})", "bad_request"},
        {"set value null", R"({"v":1,"cmd":"set","key":"slice-us","value":null})", "bad_request"},
        {"set key empty", R"({"v":1,"cmd":"set","key":"","value":"1"})", "bad_request"},
        {"set key a number", R"({"v":1,"cmd":"set","key":7,"value":"1"})", "bad_request"},
        {"switch without sched", R"({"v":1,"cmd":"switch","mode":"m"})", "bad_request"},
        {"switch sched empty", R"({"v":1,"cmd":"switch","sched":""})", "bad_request"},
        {"switch mode a number", R"({"v":1,"cmd":"switch","sched":"lavd","mode":3})", "bad_request"},
        {"switch options an array", R"({"v":1,"cmd":"switch","sched":"lavd","options":[]})", "bad_request"},
        {"switch options a string", R"({"v":1,"cmd":"switch","sched":"lavd","options":"{}"})", "bad_request"},
        {"switch options null", R"({"v":1,"cmd":"switch","sched":"lavd","options":null})", "bad_request"},
        {"mode without name", R"({"v":1,"cmd":"mode"})", "bad_request"},
        {"mode name a bool", R"({"v":1,"cmd":"mode","name":true})", "bad_request"},
        {"id an object", R"({"v":1,"id":{"n":1},"cmd":"stats"})", "bad_request"},
        {"id an array", R"({"v":1,"id":[1],"cmd":"stats"})", "bad_request"},
        {"line over 65536 bytes", huge, "too_long"},
        {"invalid UTF-8 in a string", "{\"v\":1,\"cmd\":\"st\xff\xfe" "ats\"}", "parse"},
        {"invalid UTF-8 in a value", "{\"v\":1,\"cmd\":\"set\",\"key\":\"a\",\"value\":\"\xc3\x28\"}", "parse"},
        {"NUL inside a string", std::string(R"({"v":1,"cmd":"sta)") + '\0' + R"(ts"})", "parse"},
        {"NUL after the object", std::string(R"({"v":1,"cmd":"stats"})") + '\0', "parse"},
        {"NUL then more", std::string(R"({"v":1,"cmd":"stats"})") + '\0' + R"({"v":1,"cmd":"mode","name":"x"})", "parse"},
        {"NUL alone", std::string(1, '\0'), "parse"},
        {"10000 unclosed [", nested, "parse"},
        {"10000 nested arrays", nested_closed, "parse"},
        {"10000 nested arrays in a field", nested_field, "bad_request"},
    };
}

TEST_CASE("control protocol: malformed and invalid requests get their error code and reach no command") {
    const auto bad = bad_requests();
    REQUIRE(bad.size() >= 18);
    for (const auto& b : bad) {
        INFO(b.what);
        FakeTarget target;
        const std::string line = scxx::handle_control_line(b.line, target);
        json r = parse_response(line);
        CHECK(r["ok"] == false);
        CHECK(r["error"]["code"] == b.code);
        CHECK(target.calls.empty());
    }
}

TEST_CASE("control protocol: the line length limit counts the newline") {
    FakeTarget target;
    const std::string base = R"({"v":1,"cmd":"stats"})";
    // 65535 bytes + the newline = the limit: served.
    std::string fits = base + std::string(scxx::kControlMaxLine - 1 - base.size(), ' ');
    json r = parse_response(scxx::handle_control_line(fits, target));
    CHECK(r["ok"] == true);
    CHECK(target.calls.size() == 1);
    // One more byte: too long.
    r = parse_response(scxx::handle_control_line(fits + " ", target));
    CHECK(r["error"]["code"] == "too_long");
    CHECK(target.calls.size() == 1);
}

TEST_CASE("control protocol: the id is echoed, null when absent") {
    FakeTarget target;
    json r = parse_response(scxx::handle_control_line(R"({"v":1,"id":7,"cmd":"stats"})", target));
    CHECK(r["id"] == 7);
    CHECK(r["ok"] == true);
    CHECK(r["result"] == json{{"answer", 42}});
    r = parse_response(scxx::handle_control_line(R"({"v":1,"id":"req-1","cmd":"status"})", target));
    CHECK(r["id"] == "req-1");
    r = parse_response(scxx::handle_control_line(R"({"v":1,"cmd":"events"})", target));
    CHECK(r["id"].is_null());
    r = parse_response(scxx::handle_control_line(R"({"v":1,"id":null,"cmd":"stats_meta"})", target));
    CHECK(r["id"].is_null());
    r = parse_response(scxx::handle_control_line(R"({"id":-2.5,"cmd":"stats_meta","v":1})", target));
    CHECK(r["id"] == -2.5);
    r = parse_response(scxx::handle_control_line(R"({"v":1,"cmd":"maps"})", target));
    CHECK(r["ok"] == true);
    REQUIRE(target.calls.size() == 6);
    CHECK(target.calls[5].fn == "maps");
    CHECK(target.calls[0].fn == "stats");
    CHECK(target.calls[1].fn == "status");
    CHECK(target.calls[2].fn == "events");
    CHECK(target.calls[3].fn == "stats_meta");
    // Errors after the id is read echo it too.
    r = parse_response(scxx::handle_control_line(R"({"v":2,"id":9,"cmd":"stats"})", target));
    CHECK(r["id"] == 9);
    CHECK(r["error"]["code"] == "version");
    r = parse_response(scxx::handle_control_line(R"({"v":1,"id":"x","cmd":"nope"})", target));
    CHECK(r["id"] == "x");
    CHECK(r["error"]["code"] == "unknown_command");
    // A field given twice: answered with the id, unless the id itself is the field given twice.
    r = parse_response(scxx::handle_control_line(R"({"v":1,"id":11,"cmd":"status","cmd":"stats"})", target));
    CHECK(r["id"] == 11);
    CHECK(r["error"]["code"] == "bad_request");
    r = parse_response(scxx::handle_control_line(R"({"v":1,"id":1,"id":2,"cmd":"status"})", target));
    CHECK(r["id"].is_null());
    CHECK(r["error"]["message"] == "field \"id\" appears twice in one object (send it once)");
    r = parse_response(scxx::handle_control_line(
        R"({"v":1,"id":5,"cmd":"switch","sched":"beta","options":{"id":1,"id":2}})", target));
    CHECK(r["id"] == 5);  // a nested "id" given twice is not the request's id
    CHECK(r["error"]["code"] == "bad_request");
    CHECK(target.calls.size() == 6);
}

TEST_CASE("control protocol: set's value arrives as text") {
    FakeTarget target;
    const char* lines[] = {
        R"({"v":1,"cmd":"set","key":"slice-us","value":"3000"})",
        R"({"v":1,"cmd":"set","key":"slice-us","value":3000})",
        R"({"v":1,"cmd":"set","key":"fifo","value":true})",
        R"({"v":1,"cmd":"set","key":"fifo","value":false})",
        R"({"v":1,"cmd":"set","key":"ratio","value":-7})",
        R"({"v":1,"cmd":"set","key":"name","value":"a b"})",
    };
    for (const char* l : lines) CHECK(parse_response(scxx::handle_control_line(l, target))["ok"] == true);
    REQUIRE(target.calls.size() == 6);
    CHECK(target.calls[0].fn == "set");
    CHECK(target.calls[0].a == "slice-us");
    CHECK(target.calls[0].b == "3000");
    CHECK(target.calls[1].b == "3000");
    CHECK(target.calls[2].a == "fifo");
    CHECK(target.calls[2].b == "true");
    CHECK(target.calls[3].b == "false");
    CHECK(target.calls[4].b == "-7");
    CHECK(target.calls[5].b == "a b");
}

TEST_CASE("control protocol: switch passes its mode and options, mode its name") {
    FakeTarget target;
    CHECK(parse_response(scxx::handle_control_line(
              R"({"v":1,"cmd":"switch","sched":"lavd","mode":"powersave","options":{"slice-us":3000,"fifo":true}})",
              target))["ok"] == true);
    CHECK(parse_response(scxx::handle_control_line(R"({"v":1,"cmd":"switch","sched":"simple"})", target))["ok"] == true);
    CHECK(parse_response(scxx::handle_control_line(R"({"v":1,"cmd":"switch","sched":"nest","options":{}})", target))["ok"] ==
          true);
    CHECK(parse_response(scxx::handle_control_line(R"({"v":1,"cmd":"mode","name":"performance"})", target))["ok"] == true);
    REQUIRE(target.calls.size() == 4);
    CHECK(target.calls[0].fn == "switch");
    CHECK(target.calls[0].a == "lavd");
    CHECK(target.calls[0].b == "powersave");
    CHECK(json::parse(target.calls[0].c) == json{{"slice-us", 3000}, {"fifo", true}});
    CHECK(target.calls[1].a == "simple");
    CHECK(target.calls[1].b.empty());
    CHECK(target.calls[1].c.empty());
    CHECK(json::parse(target.calls[2].c) == json::object());
    CHECK(target.calls[3].fn == "mode");
    CHECK(target.calls[3].a == "performance");
}

TEST_CASE("control protocol: the target's errors become ok:false with its code") {
    FakeTarget target;
    target.reply = scxx::control_error("not_live", "option --fifo cannot change while attached");
    json r = parse_response(scxx::handle_control_line(R"({"v":1,"id":3,"cmd":"set","key":"fifo","value":true})", target));
    CHECK(r["ok"] == false);
    CHECK(r["id"] == 3);
    CHECK(r["error"] == json{{"code", "not_live"}, {"message", "option --fifo cannot change while attached"}});
    CHECK(target.calls.size() == 1);

    // A message with a newline in it still makes a one-line response.
    target.reply = scxx::control_error("switch_failed", "first\nsecond");
    const std::string line = scxx::handle_control_line(R"({"v":1,"cmd":"switch","sched":"x"})", target);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(json::parse(line)["error"]["code"] == "switch_failed");

    // A result that is not JSON is the runner's fault, reported as such.
    target.reply = std::string("not json");
    r = parse_response(scxx::handle_control_line(R"({"v":1,"cmd":"stats"})", target));
    CHECK(r["ok"] == false);
    CHECK(r["error"]["code"] == "internal");
}

TEST_CASE("control protocol: control_error_line has id null") {
    json r = parse_response(scxx::control_error_line("busy", "16 clients are connected already"));
    CHECK(r["id"].is_null());
    CHECK(r["ok"] == false);
    CHECK(r["error"]["code"] == "busy");
}

// ---------------------------------------------------------------------------------------------
// Server

std::string echo(std::string_view line) { return "echo:" + std::string(line); }

// A client connection read without blocking.
struct Conn {
    int fd = -1;
    int connect_errno = 0;
    std::string buf;
    bool eof = false;
    int read_errno = 0;

    explicit Conn(const fs::path& path) {
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) connect_errno = errno;
    }
    ~Conn() {
        if (fd >= 0) close(fd);
    }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    void send_all(std::string_view s) {
        while (!s.empty()) {
            ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
            REQUIRE(n > 0);
            s.remove_prefix(static_cast<size_t>(n));
        }
    }
    void read_some() {
        char b[65536];
        while (!eof) {
            ssize_t n = recv(fd, b, sizeof b, MSG_DONTWAIT);
            if (n > 0) {
                buf.append(b, static_cast<size_t>(n));
            } else if (n == 0) {
                eof = true;
            } else {
                if (errno != EAGAIN && errno != EWOULDBLOCK) {
                    read_errno = errno;
                    eof = true;
                }
                return;
            }
        }
    }
    size_t line_count() const {
        size_t n = 0;
        for (char ch : buf) n += ch == '\n';
        return n;
    }
    std::vector<std::string> lines() const {
        std::vector<std::string> out;
        size_t start = 0;
        for (size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1)
            out.push_back(buf.substr(start, nl - start));
        return out;
    }
};

// Waits on the server's fd briefly and processes, until `done` or the deadline.
bool pump(ControlServer& s, const ControlServer::Handler& handler, const std::function<bool()>& done,
          std::chrono::milliseconds limit = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        pollfd p{s.fd(), POLLIN, 0};
        ::poll(&p, 1, 5);
        s.process(handler);
        if (done()) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
    }
}

bool pump_lines(ControlServer& s, Conn& c, size_t n, const ControlServer::Handler& handler = echo) {
    return pump(s, handler, [&] {
        c.read_some();
        return c.line_count() >= n;
    });
}

bool pump_eof(ControlServer& s, Conn& c, const ControlServer::Handler& handler = echo) {
    return pump(s, handler, [&] {
        c.read_some();
        return c.eof;
    });
}

std::unique_ptr<ControlServer> open_server(const fs::path& path, ControlServer::Limits limits = {}) {
    auto r = ControlServer::open(path, limits);
    INFO(error_text(r));
    REQUIRE(r);
    return std::move(*r);
}

std::string error_code(const std::string& line) {
    json r = json::parse(line, nullptr, false);
    if (!r.is_object() || !r.contains("error")) return "(not an error: " + line + ")";
    return r["error"].value("code", "");
}

TEST_CASE("control server: the socket is 0600, its missing directory is made and both are removed") {
    TempDir td("scxx-ctl");
    const fs::path dir = td.path() / "run";
    const fs::path sock = dir / "control.sock";
    auto server = open_server(sock);
    CHECK(server->path() == sock);
    struct stat st{};
    REQUIRE(lstat(sock.c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 07777) == 0600);
    REQUIRE(stat(dir.c_str(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK((st.st_mode & 022) == 0);  // 0755 less the umask

    Conn c(sock);
    REQUIRE(c.connect_errno == 0);
    c.send_all("hi\n");
    REQUIRE(pump_lines(*server, c, 1));
    CHECK(c.lines() == std::vector<std::string>{"echo:hi"});

    server.reset();
    CHECK_FALSE(fs::exists(sock));
    CHECK_FALSE(fs::exists(dir));
    CHECK(fs::exists(td.path()));
}

TEST_CASE("control server: a directory it did not make, or that is not empty, stays") {
    TempDir td("scxx-ctl");
    SECTION("existing directory") {
        const fs::path sock = td.path() / "control.sock";
        open_server(sock).reset();
        CHECK_FALSE(fs::exists(sock));
        CHECK(fs::exists(td.path()));
    }
    SECTION("made but not empty") {
        const fs::path dir = td.path() / "run";
        auto server = open_server(dir / "control.sock");
        std::ofstream(dir / "other") << "x";
        server.reset();
        CHECK_FALSE(fs::exists(dir / "control.sock"));
        CHECK(fs::exists(dir / "other"));
    }
    SECTION("two missing levels: both made, both removed") {
        {
            auto r = ControlServer::open(td.path() / "a" / "b" / "control.sock");
            REQUIRE(r);
            CHECK(fs::is_socket(td.path() / "a" / "b" / "control.sock"));
        }
        CHECK_FALSE(fs::exists(td.path() / "a"));
    }
}

// Leaves a socket file at `path` that nobody serves, as a killed runner does.
void make_stale_socket(const fs::path& path) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    REQUIRE(bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd, 1) == 0);
    close(fd);
    REQUIRE(fs::is_socket(path));
}

TEST_CASE("control server: a stale socket is replaced") {
    TempDir td("scxx-ctl");
    const fs::path dir = td.path() / "run";
    const fs::path sock = dir / "control.sock";
    fs::create_directory(dir);
    make_stale_socket(sock);
    CHECK(Conn(sock).connect_errno == ECONNREFUSED);
    auto server = open_server(sock);
    Conn c(sock);
    REQUIRE(c.connect_errno == 0);
    c.send_all("x\n");
    REQUIRE(pump_lines(*server, c, 1));
    CHECK(c.lines() == std::vector<std::string>{"echo:x"});
}

TEST_CASE("control server: outside the default directory, a stale socket's directory stays") {
    // Only /run/scxx (the default socket's directory, what a killed runner made) is removed at exit
    // after a stale socket; a directory elsewhere may be the user's.
    TempDir td("scxx-ctl");
    const fs::path dir = td.path() / "run";
    const fs::path sock = dir / "control.sock";
    fs::create_directory(dir);
    make_stale_socket(sock);
    open_server(sock).reset();
    CHECK_FALSE(fs::exists(sock));
    CHECK(fs::exists(dir));
    CHECK(fs::path(scxx::kDefaultControlSocket).parent_path() == "/run/scxx");
}

TEST_CASE("control server: a live socket is another runner's, and stays") {
    TempDir td("scxx-ctl");
    const fs::path sock = td.path() / "control.sock";
    auto first = open_server(sock);
    auto second = ControlServer::open(sock);
    REQUIRE_FALSE(second);
    CHECK_THAT(second.error().what(), ContainsSubstring("another scx-run"));
    // The failed open left the first server's socket in place, and it still answers.
    REQUIRE(fs::is_socket(sock));
    Conn c(sock);
    REQUIRE(c.connect_errno == 0);
    c.send_all("still\n");
    REQUIRE(pump_lines(*first, c, 1));
    CHECK(c.lines() == std::vector<std::string>{"echo:still"});
}

TEST_CASE("control server: a regular file at the path is an error and left alone") {
    TempDir td("scxx-ctl");
    const fs::path sock = td.path() / "control.sock";
    std::ofstream(sock) << "precious";
    auto r = ControlServer::open(sock);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().what(), ContainsSubstring("not a socket"));
    REQUIRE(fs::is_regular_file(sock));
    std::ifstream in(sock);
    std::string content;
    in >> content;
    CHECK(content == "precious");
}

TEST_CASE("control server: pipelined requests are answered in order") {
    TempDir td("scxx-ctl");
    auto server = open_server(td.path() / "c.sock");
    Conn c(server->path());
    c.send_all("one\ntwo\nthree\n");
    REQUIRE(pump_lines(*server, c, 3));
    CHECK(c.lines() == std::vector<std::string>{"echo:one", "echo:two", "echo:three"});
}

TEST_CASE("control server: a request split across writes") {
    TempDir td("scxx-ctl");
    auto server = open_server(td.path() / "c.sock");
    Conn c(server->path());
    c.send_all("hel");
    pump(*server, echo, [] { return false; }, 30ms);
    c.read_some();
    CHECK(c.buf.empty());
    c.send_all("lo\nwor");
    REQUIRE(pump_lines(*server, c, 1));
    pump(*server, echo, [] { return false; }, 30ms);
    c.read_some();
    CHECK(c.lines() == std::vector<std::string>{"echo:hello"});
    c.send_all("ld\n");
    REQUIRE(pump_lines(*server, c, 2));
    CHECK(c.lines() == std::vector<std::string>{"echo:hello", "echo:world"});
}

TEST_CASE("control server: CRLF line endings") {
    TempDir td("scxx-ctl");
    auto server = open_server(td.path() / "c.sock");
    Conn c(server->path());
    c.send_all("a\r\nb\r\n\r\n");
    REQUIRE(pump_lines(*server, c, 3));
    CHECK(c.lines() == std::vector<std::string>{"echo:a", "echo:b", "echo:"});
}

TEST_CASE("control server: a last request without newline is answered after a half-close") {
    TempDir td("scxx-ctl");
    auto server = open_server(td.path() / "c.sock");
    Conn c(server->path());
    c.send_all("first\nlast");
    REQUIRE(shutdown(c.fd, SHUT_WR) == 0);
    REQUIRE(pump_eof(*server, c));
    CHECK(c.read_errno == 0);
    CHECK(c.buf == "echo:first\necho:last\n");
    CHECK(server->clients() == 0);
}

TEST_CASE("control server: with the real protocol handler") {
    TempDir td("scxx-ctl");
    auto server = open_server(td.path() / "c.sock");
    FakeTarget target;
    const ControlServer::Handler handler = [&](std::string_view l) { return scxx::handle_control_line(l, target); };
    Conn c(server->path());
    c.send_all("{\"v\":1,\"id\":1,\"cmd\":\"set\",\"key\":\"slice-us\",\"value\":3000}\r\nbogus\n");
    REQUIRE(pump_lines(*server, c, 2, handler));
    const auto lines = c.lines();
    CHECK(parse_response(lines[0])["id"] == 1);
    CHECK(error_code(lines[1]) == "parse");
    REQUIRE(target.calls.size() == 1);
    CHECK(target.calls[0].b == "3000");
}

TEST_CASE("control server: an oversized line gets one too_long and the connection closes") {
    TempDir td("scxx-ctl");
    auto server = open_server(td.path() / "c.sock");
    int handled = 0;
    const ControlServer::Handler counting = [&](std::string_view l) {
        ++handled;
        return "len:" + std::to_string(l.size());
    };
    SECTION("a line at the limit is served") {
        Conn c(server->path());
        c.send_all(std::string(65535, 'y') + "\n");
        REQUIRE(pump_lines(*server, c, 1, counting));
        CHECK(c.lines() == std::vector<std::string>{"len:65535"});
        CHECK(server->clients() == 1);
    }
    SECTION("one byte more, no newline yet") {
        Conn c(server->path());
        c.send_all("ok\n" + std::string(65536, 'x'));
        REQUIRE(pump_eof(*server, c, counting));
        const auto lines = c.lines();
        REQUIRE(lines.size() == 2);
        CHECK(lines[0] == "len:2");
        CHECK(error_code(lines[1]) == "too_long");
        CHECK(c.buf.back() == '\n');
        CHECK(handled == 1);
        CHECK(server->clients() == 0);
    }
    SECTION("a long line then more") {
        Conn c(server->path());
        c.send_all(std::string(100000, 'x') + "\nnext\n");
        REQUIRE(pump_eof(*server, c, counting));
        REQUIRE(c.line_count() == 1);
        CHECK(error_code(c.lines()[0]) == "too_long");
        CHECK(handled == 0);
        CHECK(server->clients() == 0);
    }
}

TEST_CASE("control server: one client more than max_clients is told busy") {
    TempDir td("scxx-ctl");
    ControlServer::Limits limits;
    limits.max_clients = 2;
    auto server = open_server(td.path() / "c.sock", limits);
    Conn a(server->path()), b(server->path());
    REQUIRE(pump(*server, echo, [&] { return server->clients() == 2; }));
    Conn extra(server->path());
    REQUIRE(extra.connect_errno == 0);
    REQUIRE(pump_eof(*server, extra));
    REQUIRE(extra.line_count() == 1);
    CHECK(error_code(extra.lines()[0]) == "busy");
    CHECK(server->clients() == 2);
    // The two served ones still are.
    a.send_all("a\n");
    b.send_all("b\n");
    REQUIRE(pump_lines(*server, a, 1));
    REQUIRE(pump_lines(*server, b, 1));
    CHECK(a.lines() == std::vector<std::string>{"echo:a"});
    CHECK(b.lines() == std::vector<std::string>{"echo:b"});
    // A place freed is a place taken.
    close(a.fd);
    a.fd = -1;
    REQUIRE(pump(*server, echo, [&] { return server->clients() == 1; }));
    Conn again(server->path());
    again.send_all("c\n");
    REQUIRE(pump_lines(*server, again, 1));
    CHECK(again.lines() == std::vector<std::string>{"echo:c"});
}

TEST_CASE("control server: a silent client is closed after the idle timeout") {
    TempDir td("scxx-ctl");
    ControlServer::Limits limits;
    limits.idle_timeout = 200ms;
    auto server = open_server(td.path() / "c.sock", limits);
    const auto t0 = std::chrono::steady_clock::now();
    Conn silent(server->path());
    Conn talker(server->path());
    REQUIRE(pump(*server, echo, [&] { return server->clients() == 2; }));
    // The talker sends every 50 ms and outlives the timeout; the silent one does not.
    size_t sent = 0;
    REQUIRE(pump(*server, echo, [&] {
        silent.read_some();
        if (std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(50 * (sent + 1))) {
            talker.send_all("t\n");
            ++sent;
        }
        return silent.eof;
    }));
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    CHECK(elapsed >= 200ms);
    CHECK(elapsed < 1500ms);
    CHECK(silent.buf.empty());
    CHECK(server->clients() == 1);
    REQUIRE(pump_lines(*server, talker, sent));
    talker.read_some();
    CHECK_FALSE(talker.eof);
}

TEST_CASE("control server: a client that never reads does not block and is dropped") {
    TempDir td("scxx-ctl");
    ControlServer::Limits limits;
    limits.max_pending_output = 64 * 1024;
    auto server = open_server(td.path() / "c.sock", limits);
    const std::string big(1024, 'r');
    const ControlServer::Handler handler = [&](std::string_view) { return big; };
    Conn c(server->path());
    REQUIRE(fcntl(c.fd, F_SETFL, O_NONBLOCK) == 0);
    REQUIRE(pump(*server, handler, [&] { return server->clients() == 1; }));

    const std::string requests = [] {
        std::string s;
        for (int i = 0; i < 512; ++i) s += "{}\n";
        return s;
    }();
    auto slowest = std::chrono::steady_clock::duration::zero();
    bool dropped = false;
    size_t sent = 0;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
        ssize_t n = ::send(c.fd, requests.data(), requests.size(), MSG_NOSIGNAL);
        if (n > 0) sent += static_cast<size_t>(n);
        pollfd p{server->fd(), POLLIN, 0};
        ::poll(&p, 1, 5);
        const auto t = std::chrono::steady_clock::now();
        server->process(handler);
        slowest = std::max(slowest, std::chrono::steady_clock::now() - t);
        if (server->clients() == 0) {
            dropped = true;
            break;
        }
    }
    INFO("sent " << sent << " bytes of requests");
    CHECK(dropped);
    CHECK(slowest < 200ms);
    // The server still serves others.
    Conn other(server->path());
    other.send_all("x\n");
    REQUIRE(pump_lines(*server, other, 1, handler));
    CHECK(other.lines()[0] == big);
}

// Runs `child` in a forked process as uid/gid 65534; returns its exit status (or -1).
int run_as_nobody(const std::function<int()>& child, const std::function<void()>& meanwhile = [] {}) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0) _exit(100);
        if (geteuid() != 65534) _exit(101);
        _exit(child());
    }
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    for (;;) {
        meanwhile();
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        usleep(2000);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void require_root() {
    if (geteuid() != 0)
        FAIL("test_control's permission tests need root (the unit suite runs as root); euid is " << geteuid());
}

TEST_CASE("control server: a non-root user cannot connect through the 0600 mode") {
    require_root();
    TempDir td("scxx-ctl");
    // mkdtemp makes 0700: open the directory so that the socket's own mode is what refuses.
    REQUIRE(chmod(td.path().c_str(), 0755) == 0);
    auto server = open_server(td.path() / "c.sock");
    const std::string path = server->path();
    int status = run_as_nobody([&] {
        struct stat st{};
        if (stat(path.c_str(), &st) != 0) return 2;  // the path must be reachable
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0) return 3;
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
        if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return 1;
        return errno == EACCES ? 0 : 4;
    });
    INFO("child exit status: 0 = EACCES, 1 = connected, 2 = path unreachable, 3 = socket(), 4 = other errno, "
         "100/101 = setuid failed");
    CHECK(status == 0);
    server->process(echo);
    CHECK(server->clients() == 0);
}

TEST_CASE("control server: a non-root peer is refused by SO_PEERCRED") {
    require_root();
    TempDir td("scxx-ctl");
    REQUIRE(chmod(td.path().c_str(), 0755) == 0);
    auto server = open_server(td.path() / "c.sock");
    const std::string path = server->path();
    REQUIRE(chmod(path.c_str(), 0666) == 0);
    int pipefd[2];
    REQUIRE(pipe(pipefd) == 0);
    int handled = 0;
    const ControlServer::Handler counting = [&](std::string_view l) {
        ++handled;
        return echo(l);
    };
    int status = run_as_nobody(
        [&] {
            close(pipefd[0]);
            int fd = socket(AF_UNIX, SOCK_STREAM, 0);
            if (fd < 0) return 3;
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
            if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return 2;
            (void)!write(fd, "{\"v\":1,\"cmd\":\"stats\"}\n", 22);
            timeval tv{5, 0};
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            char b[4096];
            for (;;) {
                ssize_t n = read(fd, b, sizeof b);
                if (n == 0) return 0;  // closed by the server
                if (n < 0) return errno == ECONNRESET ? 0 : 4;
                if (write(pipefd[1], b, static_cast<size_t>(n)) != n) return 5;
            }
        },
        [&] { server->process(counting); });
    close(pipefd[1]);
    std::string out;
    char b[4096];
    for (ssize_t n; (n = read(pipefd[0], b, sizeof b)) > 0;) out.append(b, static_cast<size_t>(n));
    close(pipefd[0]);
    INFO("child exit status: 0 = read to the end, 2 = connect failed, 4 = read error, 100/101 = setuid failed");
    INFO("child read: " << out);
    CHECK(status == 0);
    REQUIRE(!out.empty());
    CHECK(out.back() == '\n');
    CHECK(out.find('\n') == out.size() - 1);
    json r = json::parse(out, nullptr, false);
    REQUIRE(r.is_object());
    CHECK(r["ok"] == false);
    CHECK(r["id"].is_null());
    CHECK(r["error"]["code"] == "permission");
    CHECK_THAT(r["error"]["message"].get<std::string>(), ContainsSubstring("65534"));
    CHECK(handled == 0);
    CHECK(server->clients() == 0);
}

}  // namespace
