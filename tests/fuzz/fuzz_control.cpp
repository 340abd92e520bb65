// fuzz_control.cpp: libFuzzer target for the control protocol (handle_control_line) with a fake
// ControlTarget. The input is one request line. Every response must be one line of JSON with
// v = 1 and a boolean ok; the fake echoes arguments back so odd results (not JSON) are exercised.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scxx/control.hpp"

namespace {

class FakeTarget : public scxx::ControlTarget {
public:
    scxx::ControlReply stats() override { return std::string(R"({"dispatched":12,"util":0.5})"); }
    scxx::ControlReply stats_meta() override {
        return std::string(R"([{"name":"dispatched","type":"counter","unit":"","help":"h","section":""}])");
    }
    scxx::ControlReply status() override { return std::string(R"({"scheduler":"fake","live":true})"); }
    scxx::ControlReply events() override { return scxx::control_error("not_live", "no scheduler attached"); }
    scxx::ControlReply maps() override { return scxx::control_error("not_live", "no scheduler attached"); }
    scxx::ControlReply set(const std::string& key, const std::string& value) override {
        if (key == "raw") return value;  // whatever the client sent, possibly not JSON
        if (key.empty() || key == "bad") return scxx::control_error("invalid_value", "bad " + key + "=" + value);
        nlohmann::json j = nlohmann::json::object();
        j[key] = value;
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    scxx::ControlReply switch_to(const std::string& sched, const std::string& mode, const std::string& options_json) override {
        if (sched == "raw") return options_json;
        if (sched.empty()) return scxx::control_error("unknown_scheduler", "no name");
        return std::string(R"({"switched":true,"mode":")") + (mode == "x" ? "x" : "") + "\"}";
    }
    scxx::ControlReply mode(const std::string& name) override {
        if (name == "raw") return std::string("{\"unterminated");
        return std::string("{}");
    }
};

void check_line(const std::string& line) {
    if (line.find('\n') != std::string::npos) std::abort();
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) std::abort();
    if (!j.contains("v") || j["v"] != scxx::kControlVersion) std::abort();
    if (!j.contains("ok") || !j["ok"].is_boolean()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static FakeTarget target;
    std::string_view line(reinterpret_cast<const char*>(data), size);
    check_line(scxx::handle_control_line(line, target));
    // The same text as an error code/message (a transport-level error) must stay one JSON line.
    auto cut = line.find('\0');
    std::string code(line.substr(0, cut == std::string_view::npos ? 0 : cut));
    check_line(scxx::control_error_line(code, std::string(line)));
    return 0;
}
