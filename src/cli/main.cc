// pupitre: one program, several subcommands. `serve` runs the platform; `admin` manages accounts
// directly in the store of a data directory.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app/app.h"
#include "cli/load_command.h"
#include "auth/users_csv.h"
#include "common/clock.h"
#include "config/config.h"

namespace {

using pupitre::Config;

// Loads the config file (if any) and applies the command-line overrides.
bool LoadConfig(const std::string& path, const std::string& data_dir, const std::string& listen,
                Config& out) {
  if (!path.empty()) {
    auto c = pupitre::LoadConfigFile(path);
    if (!c.ok()) {
      std::cerr << "pupitre: bad config: " << c.error().message << "\n";
      return false;
    }
    out = *c;
  }
  if (!data_dir.empty()) out.store.data_dir = data_dir;
  if (!listen.empty()) {
    auto st = pupitre::ParseListen(listen, out.server.host, out.server.port);
    if (!st.ok()) {
      std::cerr << "pupitre: --listen: " << st.error().message << "\n";
      return false;
    }
    out.server.listen = listen;
  }
  return true;
}

void PrintProblems(const pupitre::Error& e, const std::string& file) {
  std::cerr << "pupitre: " << e.message << "\n";
  for (const auto& p : e.problems) std::cerr << file << ":" << p.line << ": " << p.message << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Pupitre: remote learning and online exams that hold the 9 a.m. rush"};
  app.require_subcommand(1);
  std::string config_path, data_dir, listen;

  auto* serve = app.add_subcommand("serve", "Run the platform");
  bool demo = false;
  serve->add_option("--config", config_path, "TOML configuration file")->check(CLI::ExistingFile);
  serve->add_option("--data-dir", data_dir, "Where the store lives (overrides store.data_dir)");
  serve->add_option("--listen", listen, "host:port (overrides server.listen)");
  int demo_students = 2000;
  serve->add_flag("--demo", demo, "Seed the demo dataset into an empty store");
  serve->add_option("--demo-students", demo_students, "Students in the demo dataset")
      ->check(CLI::Range(1, 1'000'000));

  auto* admin = app.add_subcommand("admin", "Manage accounts in a data directory");
  admin->require_subcommand(1);
  admin->add_option("--config", config_path, "TOML configuration file")->check(CLI::ExistingFile);
  admin->add_option("--data-dir", data_dir, "Where the store lives");
  auto* user = admin->add_subcommand("user", "Accounts");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "Add one account");
  std::string login, name, role = "student", password;
  add->add_option("--login", login, "Login")->required();
  add->add_option("--name", name, "Display name");
  add->add_option("--role", role, "student, teacher or admin")->check(CLI::IsMember({"student", "teacher", "admin"}));
  add->add_option("--password", password, "Password (at least 8 characters)")->required();
  auto* import = user->add_subcommand("import", "Add accounts from a CSV file, all or none");
  std::string csv_path, course;
  import->add_option("file", csv_path, "CSV with header login,name,password[,role]")
      ->required()->check(CLI::ExistingFile);
  import->add_option("--course", course, "Also enrol every imported account in this course");

  auto* sessions = admin->add_subcommand(
      "sessions", "How many of an exam's students already hold a session valid at its opening");
  std::string sessions_exam;
  sessions->add_option("--exam", sessions_exam, "The exam's id")->required();

  auto* load = app.add_subcommand("load", "Replay an exam morning against a server and judge it");
  std::string scenario_path, target_url = "http://127.0.0.1:8080", out_dir;
  int source_addresses = 1;
  bool quiet = false;
  load->add_option("--scenario", scenario_path, "Scenario file (see scenarios/)")
      ->check(CLI::ExistingFile);
  load->add_option("--target", target_url, "http://HOST:PORT of the server");
  load->add_option("--out", out_dir, "Directory for result.json, report.html and ledger.jsonl");
  load->add_option("--source-addresses", source_addresses,
                   "Connect from N loopback addresses, one per /24: 127.0.0.1, 127.0.1.1, ... "
                   "(more ephemeral ports; students from many networks)")
      ->check(CLI::Range(1, 254));
  load->add_flag("--quiet", quiet, "No live progress line");
  // As many event loops as cores by default: the generator must not be what is measured.
  int generator_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  load->add_option("--threads", generator_threads,
                   "The generator's event loops, one thread each (default: one a core)")
      ->check(CLI::Range(1, 256));
  pupitre::cli::AgentArgs agent_args;
  load->add_option("--agents", agent_args.agents,
                   "Generate with N processes (each its own open files), their results merged")
      ->check(CLI::Range(1, 64));
  load->add_option("--slice", agent_args.slice,
                   "Play the K-th of N shares of the students (an agent: K/N), with --start-at");
  load->add_option("--start-at", agent_args.start_at_ms,
                   "The plan's time 0, Unix milliseconds, the same for every agent");
  auto* verify = load->add_subcommand("verify", "Check every acknowledged save against the server");
  std::string ledger_path, exam_id = "demo-exam", teacher = "teacher", teacher_password;
  verify->add_option("--ledger", ledger_path, "ledger.jsonl of a run")->required()
      ->check(CLI::ExistingFile);
  verify->add_option("--target", target_url, "http://HOST:PORT of the server");
  verify->add_option("--exam", exam_id, "Exam id");
  verify->add_option("--login", teacher, "A teacher's login");
  verify->add_option("--password", teacher_password, "Their password")->required();

  auto* capacity = load->add_subcommand(
      "capacity", "Raise the start rate step by step until a threshold breaks; plan waves");
  pupitre::cli::CapacityArgs cap;
  capacity->add_option("--scenario", scenario_path, "Scenario file (exam, logins, thresholds)")
      ->required()->check(CLI::ExistingFile);
  capacity->add_option("--target", target_url, "http://HOST:PORT of the server");
  capacity->add_option("--start-rate", cap.options.start_rate, "Starts per second at first");
  capacity->add_option("--factor", cap.options.factor, "Rate multiplier between steps");
  capacity->add_option("--step-seconds", cap.options.step_s,
                       "Length of each step's arrivals (the time its figure is for; default 60)");
  capacity->add_option("--login-rate", cap.options.login_rate,
                       "Logins per second of each step's students, before its starts (default 200)");
  capacity->add_option("--within-seconds", cap.options.within_s,
                       "Everyone must be taking the exam this soon after arriving");
  capacity->add_option("--max-students", cap.options.max_students,
                       "Students available on the server from first_student on");
  capacity->add_option("--cohort", cap.options.cohort, "Propose waves for this many students");
  capacity->add_option("--threads", generator_threads,
                       "The generator's event loops, one thread each (default: one a core)")
      ->check(CLI::Range(1, 256));
  capacity->add_option("--source-addresses", source_addresses, "Connect from N loopback addresses, one per /24 (127.0.0.1, 127.0.1.1, ...)")
      ->check(CLI::Range(1, 254));

  auto* probe = load->add_subcommand("probe", "Closed-loop load on one route (to compare with wrk)");
  pupitre::cli::ProbeArgs probe_args;
  probe->add_option("--target", target_url, "http://HOST:PORT of the server");
  probe->add_option("--path", probe_args.options.path, "The route, e.g. /healthz");
  probe->add_option("--header", probe_args.headers, "\"Name: value\" (repeatable)");
  probe->add_option("--connections", probe_args.options.connections, "Connections")
      ->check(CLI::Range(1, 50'000));
  probe->add_option("--seconds", probe_args.options.seconds, "Duration");

  auto* merge = load->add_subcommand("merge", "Merge agents' result.json files exactly and judge them");
  std::vector<std::string> merge_files;
  merge->add_option("--scenario", scenario_path, "The scenario they played (its thresholds)")
      ->required()->check(CLI::ExistingFile);
  merge->add_option("--out", out_dir, "Directory for the merged result.json and report.html");
  merge->add_option("results", merge_files, "Each agent's result.json")->required()
      ->check(CLI::ExistingFile);

  auto* page_sequence = load->add_subcommand(
      "page-sequence", "Print what each simulated student asks for, phase by phase (JSON)");
  std::string page_kind = "full";
  page_sequence->add_option("--target", target_url, "http://HOST:PORT of the server");
  page_sequence->add_option("--page", page_kind, "full (what the page asks for) or api")
      ->check(CLI::IsMember({"full", "api"}));

  CLI11_PARSE(app, argc, argv);
  if (page_sequence->parsed()) return pupitre::cli::RunPageSequence(target_url, page_kind);
  if (merge->parsed()) return pupitre::cli::RunMerge(scenario_path, out_dir, merge_files);
  if (probe->parsed()) return pupitre::cli::RunProbe(target_url, probe_args);
  if (capacity->parsed()) {
    cap.threads = generator_threads;
    return pupitre::cli::RunCapacity(scenario_path, target_url, source_addresses, cap);
  }
  if (*load) return pupitre::cli::RunLoad(verify->parsed(), scenario_path, target_url, out_dir,
                                          source_addresses, generator_threads, quiet, ledger_path,
                                          exam_id, teacher, teacher_password, agent_args);

  Config config;
  if (!LoadConfig(config_path, data_dir, listen, config)) return 2;
  // The log goes to stderr: stdout carries the one line scripts read ("listening on ..."), and
  // a harness that stops reading stdout after it must never block the server's logging.
  spdlog::set_default_logger(spdlog::stderr_color_mt("pupitre"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  if (*serve) return pupitre::Serve(config, demo ? demo_students : 0);

  pupitre::SystemClock clock;
  auto node = pupitre::Node::Open(config, clock);
  if (!node.ok()) {
    std::cerr << "pupitre: cannot open the store: " << node.error().message << "\n";
    return 1;
  }
  auto& accounts = (*node)->accounts();
  if (*add) {
    auto r = accounts.CreateUsers(
        {{login, name.empty() ? login : name, *pupitre::auth::ParseRole(role), password}});
    if (!r.ok()) {
      std::cerr << "pupitre: " << r.error().message << "\n";
      return 1;
    }
    std::cout << "added " << role << " '" << login << "' (id " << (*r)[0].id << ")\n";
    return 0;
  }
  if (*import) {
    std::ifstream in(csv_path);
    if (!in) {
      std::cerr << "pupitre: " << csv_path << ": cannot be read\n";
      return 1;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto users = pupitre::auth::ParseUsersCsv(ss.str());
    if (!users.ok()) {
      PrintProblems(users.error(), csv_path);
      return 1;
    }
    // Checked first, so that a mistyped course imports nothing.
    if (!course.empty() && !(*node)->exams().HasCourse(course)) {
      std::cerr << "pupitre: no course '" << course << "'; nothing was imported\n";
      return 1;
    }
    auto r = accounts.CreateUsers(*users);
    if (!r.ok()) {
      std::cerr << "pupitre: " << r.error().message << "; nothing was imported\n";
      return 1;
    }
    if (!course.empty()) {
      // Students are enrolled; teachers (and operators) of the file teach the course.
      std::vector<int64_t> ids, teachers;
      for (const auto& u : *r) (u.role == pupitre::auth::Role::kStudent ? ids : teachers).push_back(u.id);
      auto s = (*node)->exams().Enrol(course, ids);
      if (s.ok() && !teachers.empty()) s = (*node)->exams().AddTeachers(course, teachers);
      if (!s.ok()) {
        std::cerr << "pupitre: accounts added but enrolment failed: " << s.error().message << "\n";
        return 1;
      }
    }
    std::cout << "imported " << r->size() << " account(s) from " << csv_path << "\n";
    return 0;
  }
  if (*sessions) {
    const pupitre::exam::Caller op{0, true, true};
    auto e = (*node)->exams().GetExam(op, sessions_exam);
    auto students = (*node)->exams().StudentsOf(op, sessions_exam);
    if (!e.ok() || !students.ok()) {
      std::cerr << "pupitre: no exam '" << sessions_exam << "'\n";
      return 1;
    }
    const int64_t at_ms = std::max(pupitre::ToUnixMs(clock.Now()), (*e)->spec->opens_ms);
    const auto n = accounts.CountSessions(*students, at_ms);
    std::cout << n.with_session << " of " << students->size() << " students of '" << sessions_exam
              << "' hold a session still valid when it opens (" << n.remembered
              << " on a remembered device); the others log in at the start\n";
    return 0;
  }
  return 0;
}
