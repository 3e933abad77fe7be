// The real `qunying` binary run as a child process, for tests of what only
// a process shows: signals, kill -9, the environment it starts with.
#ifndef QUNYING_TESTS_SERVER_SERVER_PROCESS_H_
#define QUNYING_TESTS_SERVER_SERVER_PROCESS_H_

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "tests/server/test_server.h"

namespace qunying::server {

// A running `qunying serve` child whose stdout we read for its port.
class ServerProcess {
 public:
  // `extra` goes after the command line's own flags.
  ServerProcess(const std::string& db, const std::string& dir,
                std::vector<std::string> extra = {}) {
    // The command line and the environment are built before the fork: the
    // child only redirects its output and execs (a child of a threaded
    // process must not allocate, which setenv does).
    std::vector<std::string> args = {
        QUNYING_BINARY, "serve",       "--db",     db,
        "--data-dir",   dir + "/data", "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::string> env = {"QUNYING_ADMIN_PASSWORD=admin-pass-123",
                                    "QUNYING_LOG_FILE=" + dir + "/proc.log"};
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view var(*e);
      // GLIBC_TUNABLES left out as on a fresh machine; ours set above.
      if (var.starts_with("GLIBC_TUNABLES=") ||
          var.starts_with("QUNYING_ADMIN_PASSWORD=") ||
          var.starts_with("QUNYING_LOG_FILE=")) {
        continue;
      }
      env.emplace_back(var);
    }
    std::vector<char*> argv = Pointers(args);
    std::vector<char*> envp = Pointers(env);
    int out[2];
    EXPECT_EQ(pipe(out), 0);
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      execve(QUNYING_BINARY, argv.data(), envp.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    char line[512];
    std::regex serving("serving on http://127.0.0.1:([0-9]+)/");
    while (fgets(line, sizeof line, stdout_)) {
      std::cmatch m;
      if (std::regex_search(line, m, serving)) {
        port_ = std::stoi(m[1]);
        break;
      }
    }
  }
  ~ServerProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (stdout_) fclose(stdout_);
  }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Sends `sig` and returns the wait status.
  int Signal(int sig) {
    kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return status;
  }
  std::string RestOfStdout() {
    std::string s;
    char buf[256];
    while (fgets(buf, sizeof buf, stdout_)) s += buf;
    return s;
  }

 private:
  // Null-terminated pointers into `strings`, for execve.
  static std::vector<char*> Pointers(std::vector<std::string>& strings) {
    std::vector<char*> p;
    p.reserve(strings.size() + 1);
    for (auto& s : strings) p.push_back(s.data());
    p.push_back(nullptr);
    return p;
  }

  pid_t pid_ = -1;
  FILE* stdout_ = nullptr;
  int port_ = 0;
  bool reaped_ = false;
};

inline std::string Login(ApiClient& c) {
  auto r = c.Post("/api/v1/auth/login",
                  {{"username", "admin"}, {"password", "admin-pass-123"}});
  EXPECT_EQ(r.status, 200) << r.body.dump();
  return r.status == 200 ? r.data()["token"].get<std::string>() : "";
}

}  // namespace qunying::server

#endif  // QUNYING_TESTS_SERVER_SERVER_PROCESS_H_
