// The real ProcessRunner. Boost.Process does the fork/exec and reports exec failures; the pipes,
// the process group, the timeout and the reaping are done here with plain POSIX calls, because
// Boost.Process 1.74 leaks zombies when exec fails, ignores a failing chdir and has no way to
// kill a process group.
#include <algorithm>
#include <cerrno>
#include <exception>
#include <mutex>
#include <optional>
#include <system_error>

#include <boost/process/child.hpp>
#include <boost/process/error.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/errno_status.h"
#include "platform/file_descriptor.h"
#include "platform/process_runner.h"
#include "platform/program_search.h"
#include "platform/system_process_runner_setup.h"

extern char** environ;  // POSIX leaves declaring it to the program

namespace tseq {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// How long the loop sleeps at most between checks for the child's exit when nothing happens.
constexpr int kMaxIdleWaitMilliseconds = 20;
// The longest time spent collecting output left in the pipe once the child is gone.
constexpr std::chrono::milliseconds kDrainTime(200);

struct Pipe {
  FileDescriptor read;
  FileDescriptor write;
};

// Keeps a descriptor off 0-2, so the child's dup2 onto 0-2 can neither clobber it nor (dup2 of a
// descriptor onto itself being a no-op) leave it close-on-exec. Matters when the embedding
// program runs with a standard stream closed.
Status MoveAboveStandardStreams(FileDescriptor& descriptor) {
  if (descriptor.get() > 2) return Status::Ok();
  const int moved = ::fcntl(descriptor.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) return ErrnoStatus(errno, "cannot duplicate a descriptor");
  descriptor = FileDescriptor(moved);
  return Status::Ok();
}

Result<Pipe> MakePipe() {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return ErrnoStatus(errno, "cannot create a pipe");
  Pipe pipe{FileDescriptor(ends[0]), FileDescriptor(ends[1])};
  TSEQ_RETURN_IF_ERROR(MoveAboveStandardStreams(pipe.read));
  TSEQ_RETURN_IF_ERROR(MoveAboveStandardStreams(pipe.write));
  return pipe;
}

Status SetNonBlocking(int descriptor) {
  const int flags = ::fcntl(descriptor, F_GETFL);
  if (flags < 0 || ::fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) != 0) {
    return ErrnoStatus(errno, "cannot configure a pipe");
  }
  return Status::Ok();
}

// write(2) that turns a closed reader into EPIPE instead of killing this process with SIGPIPE,
// without touching the process-wide disposition (the embedding program owns that).
ssize_t WriteWithoutSigpipe(int descriptor, const char* data, size_t size) {
  sigset_t sigpipe;
  sigemptyset(&sigpipe);
  sigaddset(&sigpipe, SIGPIPE);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &sigpipe, &previous);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  const ssize_t written = ::write(descriptor, data, size);
  const int error = errno;
  if (written < 0 && error == EPIPE && !was_pending) {
    const timespec no_wait{};
    sigtimedwait(&sigpipe, nullptr, &no_wait);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = error;
  return written;
}

// Waits for `pid` and returns its wait status, retrying on EINTR. -1 if it cannot be reaped
// (someone else did, e.g. SIGCHLD is ignored).
int ReapBlocking(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

int ExitCodeOf(int wait_status) {
  if (wait_status < 0) return -1;
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

// Kills and reaps the child if Run leaves early (an exception from on_output), so no child
// outlives Run and no zombie is left.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);
    ReapBlocking(pid_);
  }
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  void Release() { pid_ = -1; }

 private:
  pid_t pid_;
};

// Keeps the last `limit` bytes of the output and forwards every chunk to the callback.
class OutputCollector {
 public:
  explicit OutputCollector(const ProcessRequest& request) : request_(request) {}

  void Add(std::string_view chunk) {
    if (request_.on_output) request_.on_output(chunk);
    kept_.append(chunk);
    if (kept_.size() > request_.output_limit) kept_.erase(0, kept_.size() - request_.output_limit);
  }
  std::string Take() { return std::move(kept_); }

 private:
  const ProcessRequest& request_;
  std::string kept_;
};

enum class ReadResult { kData, kWouldBlock, kEnd };

// One read(2) of at most kReadChunk bytes, so a child that writes without pause cannot keep the
// caller from checking the timeout. An error ends the output just as end of file does.
ReadResult ReadChunk(int descriptor, OutputCollector& output) {
  char buffer[kReadChunk];
  while (true) {
    const ssize_t count = ::read(descriptor, buffer, sizeof(buffer));
    if (count > 0) {
      output.Add(std::string_view(buffer, static_cast<size_t>(count)));
      return ReadResult::kData;
    }
    if (count < 0 && errno == EINTR) continue;
    return count < 0 && errno == EAGAIN ? ReadResult::kWouldBlock : ReadResult::kEnd;
  }
}

std::string ProgramName(const ProcessRequest& request) {
  return request.arguments.empty() ? std::string() : request.arguments.front();
}

struct SpawnPlan {
  std::string program;                   // what execve gets
  std::vector<std::string> environment;  // "NAME=VALUE"
  int standard_input = -1;
  int output = -1;
  const ChildIdentity* identity = nullptr;  // run_as; nullptr = the caller's identity
  int failed_stage = -1;  // where the child writes which set-up step failed (a SetupStage)
};

// Starts the child in its own process group with the given descriptors as 0, 1 and 2.
Result<pid_t> Spawn(const ProcessRequest& request, SpawnPlan& plan, FileDescriptor& stage_read) {
  namespace process = boost::process;
  std::vector<std::string> arguments = request.arguments;
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& entry : plan.environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  const std::string& directory = request.working_directory;
  const int standard_input = plan.standard_input;
  const int output = plan.output;
  const int failed_stage = plan.failed_stage;
  const ChildIdentity* identity = plan.identity;

  std::error_code error;
  pid_t failed_pid = -1;
  // Boost.Process marks its exec-error pipe close-on-exec only after creating it; a fork in
  // another thread in between would inherit it and stall this spawn until that child exits.
  static std::mutex spawn_mutex;
  std::lock_guard lock(spawn_mutex);
  try {
    process::child child(
        process::exe = plan.program,
        // Runs after Boost's own set-up: argv[0] stays what the caller wrote, and the environment
        // is the merged one.
        process::extend::on_setup =
            [&argv, &envp](auto& executor) {
              executor.cmd_line = argv.data();
              executor.env = envp.data();
            },
        // In the child, between fork and exec: only async-signal-safe calls.
        process::extend::on_exec_setup =
            [&directory, standard_input, output, failed_stage, identity](auto& executor) {
              const auto fail = [&executor, failed_stage](SetupStage stage) {
                const int reason = errno;
                const char code = stage;
                (void)!::write(failed_stage, &code, 1);
                executor.set_error(std::error_code(reason, std::system_category()), "set-up");
                ::_exit(127);
              };
              if (::setpgid(0, 0) != 0) fail(kStageProcessGroup);
              if (::dup2(standard_input, 0) < 0 || ::dup2(output, 1) < 0 || ::dup2(output, 2) < 0) {
                fail(kStageStandardStreams);
              }
              // Ignored signals and the signal mask survive exec; give the child a clean slate.
              struct sigaction default_action {};
              default_action.sa_handler = SIG_DFL;
              for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
                ::sigaction(signal_number, &default_action, nullptr);
              }
              sigset_t empty;
              sigemptyset(&empty);
              ::sigprocmask(SIG_SETMASK, &empty, nullptr);
              // Groups first, then the group, then the user: once the user has changed, the
              // others can no longer be.
              if (identity != nullptr && identity->switch_user) {
                if (::setgroups(identity->groups.size(), identity->groups.data()) != 0) {
                  fail(kStageGroups);
                }
                if (::setgid(identity->gid) != 0) fail(kStageGroup);
                if (::setuid(identity->uid) != 0) fail(kStageUser);
              }
              // After the switch, so the directory must be one the user may enter.
              if (!directory.empty() && ::chdir(directory.c_str()) != 0) fail(kStageDirectory);
              // Descriptors the embedding program opened without O_CLOEXEC (logs, locks, sockets)
              // are none of the child's business. Marked rather than closed, so Boost's own
              // error pipe still reports a failing exec; an old kernel just skips this.
              ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
            },
        process::extend::on_error =
            [&failed_pid](auto& executor, const std::error_code&) { failed_pid = executor.pid; },
        error);
    if (!error) {
      const pid_t pid = child.id();
      child.detach();
      return pid;
    }
  } catch (const std::exception& exception) {
    if (failed_pid > 0) ReapBlocking(failed_pid);
    return IoError("cannot start '" + ProgramName(request) + "': " + exception.what());
  }
  // The child that failed to exec has exited; Boost does not wait for it.
  if (failed_pid > 0) ReapBlocking(failed_pid);
  std::string what = "cannot start '" + ProgramName(request) + "'";
  if (!request.run_as.empty()) what += " as user '" + request.run_as + "'";
  const std::string stage = ReadFailedStage(stage_read.get(), request, plan.identity);
  if (!stage.empty()) what += ": " + stage;
  return ErrnoStatus(error.value(), what);
}

class SystemProcessRunner : public ProcessRunner {
 public:
  Result<ProcessOutcome> Run(const ProcessRequest& request) override {
    try {
      return RunOrThrow(request);
    } catch (const std::exception& exception) {
      return InternalError("running '" + ProgramName(request) + "' failed: " + exception.what());
    } catch (...) {
      return InternalError("running '" + ProgramName(request) + "' failed: unknown exception");
    }
  }

 private:
  static Result<ProcessOutcome> RunOrThrow(const ProcessRequest& request);
};

Result<ProcessOutcome> SystemProcessRunner::RunOrThrow(const ProcessRequest& request) {
  if (request.arguments.empty()) return InvalidArgumentError("no program to run");
  if (!request.working_directory.empty()) {
    // Checked here because a failing chdir in the child could only be reported vaguely.
    struct stat status {};
    const std::string what = "cannot use working directory '" + request.working_directory + "'";
    if (::stat(request.working_directory.c_str(), &status) != 0) return ErrnoStatus(errno, what);
    if (!S_ISDIR(status.st_mode)) return ErrnoStatus(ENOTDIR, what);
  }
  std::optional<ChildIdentity> identity;
  std::vector<std::pair<std::string, std::string>> overrides;
  if (!request.run_as.empty()) {
    TSEQ_ASSIGN_OR_RETURN(identity, LookUpRunAsUser(request.run_as));
    overrides = identity->environment;
  }
  overrides.insert(overrides.end(), request.environment.begin(), request.environment.end());
  SpawnPlan plan;
  plan.environment = MergeEnvironment(environ, overrides);
  plan.identity = identity.has_value() ? &*identity : nullptr;
  const std::string search_path(
      FindEnvironmentValue(plan.environment, "PATH").value_or(kDefaultSearchPath));
  TSEQ_ASSIGN_OR_RETURN(
      plan.program, FindProgram(request.arguments.front(), search_path, request.working_directory));

  TSEQ_ASSIGN_OR_RETURN(Pipe output_pipe, MakePipe());
  TSEQ_RETURN_IF_ERROR(SetNonBlocking(output_pipe.read.get()));
  FileDescriptor input_read;
  FileDescriptor input_write;
  if (request.standard_input.empty()) {
    input_read = FileDescriptor(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!input_read.valid()) return ErrnoStatus(errno, "open", "/dev/null");
    TSEQ_RETURN_IF_ERROR(MoveAboveStandardStreams(input_read));
  } else {
    TSEQ_ASSIGN_OR_RETURN(Pipe input_pipe, MakePipe());
    TSEQ_RETURN_IF_ERROR(SetNonBlocking(input_pipe.write.get()));
    input_read = std::move(input_pipe.read);
    input_write = std::move(input_pipe.write);
  }
  plan.standard_input = input_read.get();
  plan.output = output_pipe.write.get();

  const auto start = std::chrono::steady_clock::now();
  TSEQ_ASSIGN_OR_RETURN(Pipe stage_pipe, MakePipe());
  TSEQ_RETURN_IF_ERROR(SetNonBlocking(stage_pipe.read.get()));
  plan.failed_stage = stage_pipe.write.get();
  TSEQ_ASSIGN_OR_RETURN(const pid_t pid, Spawn(request, plan, stage_pipe.read));
  ChildGuard guard(pid);
  // Only the child may hold these now, so its exit (and its children's) ends the output.
  input_read.Close();
  output_pipe.write.Close();
  stage_pipe.write.Close();

  OutputCollector output(request);
  std::string_view unwritten = request.standard_input;
  bool output_open = true;
  int wait_status = 0;
  bool timed_out = false;
  int idle_wait = 1;
  while (true) {
    const pid_t waited = ::waitpid(pid, &wait_status, WNOHANG);
    if (waited == pid) break;
    if (waited < 0 && errno != EINTR) {
      wait_status = -1;
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    int wait_milliseconds = idle_wait;
    if (request.timeout.has_value()) {
      const auto remaining = start + *request.timeout - now;
      if (remaining <= std::chrono::steady_clock::duration::zero()) {
        timed_out = true;
        break;
      }
      const auto remaining_milliseconds =
          std::chrono::ceil<std::chrono::milliseconds>(remaining).count();
      wait_milliseconds =
          static_cast<int>(std::min<int64_t>(wait_milliseconds, remaining_milliseconds));
    }

    pollfd descriptors[2];
    nfds_t count = 0;
    if (output_open) descriptors[count++] = pollfd{output_pipe.read.get(), POLLIN, 0};
    if (input_write.valid()) descriptors[count++] = pollfd{input_write.get(), POLLOUT, 0};
    const int ready = ::poll(descriptors, count, wait_milliseconds);
    if (ready <= 0) {
      idle_wait = std::min(idle_wait * 2, kMaxIdleWaitMilliseconds);
      continue;
    }
    idle_wait = 1;
    for (nfds_t i = 0; i < count; ++i) {
      if (descriptors[i].revents == 0) continue;
      if (descriptors[i].fd == output_pipe.read.get()) {
        output_open = ReadChunk(output_pipe.read.get(), output) != ReadResult::kEnd;
        if (!output_open) output_pipe.read.Close();
        continue;
      }
      const ssize_t written =
          WriteWithoutSigpipe(input_write.get(), unwritten.data(), unwritten.size());
      if (written > 0) unwritten.remove_prefix(static_cast<size_t>(written));
      // The child may stop reading early; what it did not take is simply dropped.
      if (unwritten.empty() || (written < 0 && errno != EAGAIN && errno != EINTR)) {
        input_write.Close();
      }
    }
  }

  if (timed_out) {
    // Killing the group takes whatever the command started too. The child is not reaped yet,
    // so its process group id cannot have been reused.
    ::kill(-pid, SIGKILL);
    wait_status = ReapBlocking(pid);
  }
  guard.Release();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // What the child wrote before it exited is in the pipe already; take it without waiting for
  // anything it left running in the background, which may hold the pipe open and keep writing.
  const auto drain_deadline = std::chrono::steady_clock::now() + kDrainTime;
  while (output_open && ReadChunk(output_pipe.read.get(), output) == ReadResult::kData &&
         std::chrono::steady_clock::now() < drain_deadline) {
  }

  ProcessOutcome outcome;
  outcome.timed_out = timed_out;
  outcome.exit_code = timed_out ? 128 + SIGKILL : ExitCodeOf(wait_status);
  outcome.output = output.Take();
  outcome.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
  return outcome;
}

}  // namespace

std::unique_ptr<ProcessRunner> NewSystemProcessRunner() {
  return std::make_unique<SystemProcessRunner>();
}

}  // namespace tseq
