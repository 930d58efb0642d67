//! A container's `sh -c` script as the container runs it: commands act on the
//! container's own files (`cat` of a missing file fails), exit statuses pass through
//! `&&`, `||` and `;`, `sleep` takes time, and loops that never end run for ever.

use std::collections::BTreeSet;

use super::process::Behaviour;
use crate::clock::{Millis, SECOND};
use crate::shell::syntax::{self, Command, Compound, Connector, List, Part, RedirKind, Word};

/// Paths every image has (BusyBox and Debian-based images alike).
const BASE: &[&str] = &[
    "/",
    "/bin",
    "/dev",
    "/dev/null",
    "/etc",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/passwd",
    "/etc/group",
    "/etc/resolv.conf",
    "/etc/os-release",
    "/home",
    "/proc",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/1",
    "/root",
    "/sys",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/var",
    "/var/log",
];

/// Commands that do their work at once and succeed (their output aside).
const QUICK: &[&str] = &[
    "echo",
    "printf",
    "date",
    "hostname",
    "env",
    "printenv",
    "id",
    "whoami",
    "uname",
    "ps",
    "df",
    "mount",
    "pwd",
    "true",
    ":",
    "export",
    "set",
    "cd",
    "nslookup",
    "wget",
    "curl",
    "ping",
    "nc",
    "cp",
    "mv",
    "chmod",
    "chown",
    "ln",
    "trap",
    "wait",
    "sed",
    "awk",
    "cut",
    "sort",
    "uniq",
    "wc",
    "tr",
    "tee",
    "xargs",
    "find",
    "base64",
    "seq",
    "expr",
    "md5sum",
    "sha256sum",
    "tar",
    "gzip",
    "dd",
    "free",
    "netstat",
    "ip",
    "ifconfig",
    "apk",
    "apt-get",
    "apt",
    "pip",
    "sync",
    "dig",
    "host",
    "stat",
    "basename",
    "dirname",
    "yes",
    "nproc",
];

/// Programs that serve until stopped, and stop promptly on SIGTERM.
const SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "httpd-foreground",
    "redis-server",
    "mysqld",
    "postgres",
    "mongod",
    "memcached",
    "python",
    "python3",
    "node",
    "top",
    "stress",
    "watch",
];

/// How a script ended, or that it runs for ever.
enum Flow {
    Status(i32),
    Exit(i32),
    Forever { graceful: bool },
}

struct Run {
    files: BTreeSet<String>,
    elapsed: Millis,
    steps: usize,
}

/// Shell builtins: as a container's own command, no such program exists.
const BUILTINS: &[&str] = &["exit", "export", "set", "cd", "trap", "wait", ":"];

/// What a container whose command is `argv` (run directly, no shell; `sh -c SCRIPT` runs
/// the script) does, with its files `files` (the image's and its volumes'); `None` when
/// its image has no such program.
pub fn exec(argv: &[String], files: &BTreeSet<String>) -> Option<Behaviour> {
    let name = argv.first()?.rsplit('/').next()?;
    if BUILTINS.contains(&name) {
        return None;
    }
    let mut r = Run::new(files);
    match r.simple(argv) {
        Flow::Status(127) => None,
        flow => Some(r.finish(flow)),
    }
}

/// A word's text when it is literal (variables expand to nothing the script set).
fn text(w: &Word) -> String {
    w.iter()
        .map(|p| match p {
            Part::Lit(s) | Part::Quoted(s) => s.clone(),
            Part::Double(parts) => text(parts),
            _ => String::new(),
        })
        .collect()
}

/// `sleep`'s argument (`5`, `1.5m`, `infinity`) in milliseconds; `None` inside for ever.
fn seconds(arg: Option<&str>) -> Option<Option<Millis>> {
    let a = arg?;
    if a == "infinity" || a == "inf" {
        return Some(None);
    }
    let (num, mult) = match a.chars().last() {
        Some('s') => (&a[..a.len() - 1], 1.0),
        Some('m') => (&a[..a.len() - 1], 60.0),
        Some('h') => (&a[..a.len() - 1], 3600.0),
        Some('d') => (&a[..a.len() - 1], 86400.0),
        _ => (a, 1.0),
    };
    let n: f64 = num.parse().ok()?;
    Some(Some((n * mult * SECOND as f64) as Millis))
}

impl Run {
    fn new(files: &BTreeSet<String>) -> Self {
        Run {
            files: BASE
                .iter()
                .map(|s| s.to_string())
                .chain(files.iter().cloned())
                .collect(),
            elapsed: 0,
            steps: 0,
        }
    }

    /// The container's fate once the script has run to `flow`.
    fn finish(&self, flow: Flow) -> Behaviour {
        match flow {
            Flow::Status(code) | Flow::Exit(code) => Behaviour::Exits {
                after: self.elapsed,
                code,
            },
            Flow::Forever { graceful } => Behaviour::Forever { graceful },
        }
    }

    fn exists(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        self.files
            .contains(if path.is_empty() { "/" } else { path })
    }

    fn list(&mut self, list: &List) -> Flow {
        let mut status = 0;
        for (connector, pipeline) in &list.items {
            let run = match connector {
                Connector::Always => true,
                Connector::And => status == 0,
                Connector::Or => status != 0,
            };
            if !run {
                continue;
            }
            let mut last = Flow::Status(0);
            for c in &pipeline.commands {
                last = self.command(c);
                if !matches!(last, Flow::Status(_)) {
                    return last;
                }
            }
            status = match last {
                Flow::Status(s) if pipeline.negate => i32::from(s == 0),
                Flow::Status(s) => s,
                other => return other,
            };
        }
        Flow::Status(status)
    }

    fn command(&mut self, c: &Command) -> Flow {
        self.steps += 1;
        if self.steps > 10_000 {
            return Flow::Forever { graceful: false };
        }
        match c {
            Command::Simple {
                words, redirects, ..
            } => {
                for r in redirects {
                    if let RedirKind::Out { target, .. } | RedirKind::Both { target, .. } = &r.kind
                    {
                        let path = text(target);
                        if path != "/dev/null" && path != "/dev/stdout" && path != "/dev/stderr" {
                            self.files.insert(path);
                        }
                    }
                }
                let argv: Vec<String> = words.iter().map(text).collect();
                self.simple(&argv)
            }
            Command::Compound { body, .. } => self.compound(body),
            Command::Function { .. } => Flow::Status(0),
        }
    }

    fn compound(&mut self, body: &Compound) -> Flow {
        match body {
            Compound::Group(l) | Compound::Subshell(l) => match self.list(l) {
                Flow::Exit(code) if matches!(body, Compound::Subshell(_)) => Flow::Status(code),
                f => f,
            },
            Compound::If {
                branches,
                otherwise,
            } => {
                for (cond, then) in branches {
                    match self.list(cond) {
                        Flow::Status(0) => return self.list(then),
                        Flow::Status(_) => {}
                        f => return f,
                    }
                }
                otherwise.as_ref().map_or(Flow::Status(0), |l| self.list(l))
            }
            Compound::For { words, body, .. } => {
                let mut last = Flow::Status(0);
                for _ in words.as_deref().unwrap_or(&[]) {
                    last = self.list(body);
                    if !matches!(last, Flow::Status(_)) {
                        return last;
                    }
                }
                last
            }
            Compound::While { until, cond, body } => {
                for _ in 0..1000 {
                    let go = match self.list(cond) {
                        Flow::Status(s) => (s == 0) != *until,
                        f => return f,
                    };
                    if !go {
                        return Flow::Status(0);
                    }
                    let before = (self.elapsed, self.files.len());
                    match self.list(body) {
                        Flow::Status(_) => {}
                        f => return f,
                    }
                    // A loop whose condition nothing in it can change runs for ever.
                    if (self.elapsed, self.files.len()) == before
                        || self.elapsed > 30 * 24 * 3600 * SECOND
                    {
                        return Flow::Forever { graceful: false };
                    }
                }
                Flow::Forever { graceful: false }
            }
            _ => Flow::Status(0),
        }
    }

    fn simple(&mut self, argv: &[String]) -> Flow {
        let Some(first) = argv.first() else {
            return Flow::Status(0);
        };
        let args = &argv[1..];
        let name = first.rsplit('/').next().unwrap_or(first);
        let paths = || args.iter().filter(|a| !a.starts_with('-'));
        match name {
            "exit" => Flow::Exit(args.first().and_then(|a| a.parse().ok()).unwrap_or(0)),
            "false" => Flow::Status(1),
            "sleep" => match seconds(args.first().map(String::as_str)) {
                Some(Some(ms)) => {
                    self.elapsed += ms;
                    Flow::Status(0)
                }
                Some(None) => Flow::Forever { graceful: false },
                None => Flow::Status(1),
            },
            "cat" | "ls" | "head" | "more" => {
                let found = paths().all(|f| self.exists(f));
                Flow::Status(i32::from(!found))
            }
            // grep's pattern matches nothing it can read: 1, or 2 for a missing file.
            "grep" => {
                let found = paths().skip(1).all(|f| self.exists(f));
                Flow::Status(if found { 1 } else { 2 })
            }
            "tail" if args.iter().any(|a| a == "-f" || a == "-F") => {
                Flow::Forever { graceful: false }
            }
            "touch" => {
                for p in paths() {
                    self.files.insert(p.clone());
                }
                Flow::Status(0)
            }
            "mkdir" => {
                for p in paths() {
                    self.files.insert(p.trim_end_matches('/').to_string());
                }
                Flow::Status(0)
            }
            "rm" | "rmdir" => {
                let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
                let mut code = 0;
                for p in paths() {
                    if !self.files.remove(p.trim_end_matches('/')) && !force {
                        code = 1;
                    }
                }
                Flow::Status(code)
            }
            "test" | "[" => {
                let args: Vec<&str> = args
                    .iter()
                    .map(String::as_str)
                    .filter(|a| *a != "]")
                    .collect();
                let (negate, args) = match args.split_first() {
                    Some((&"!", rest)) => (true, rest.to_vec()),
                    _ => (false, args),
                };
                let truth = match args.as_slice() {
                    [op, path] if ["-f", "-e", "-d", "-r", "-s"].contains(op) => self.exists(path),
                    [s] => !s.is_empty(),
                    [a, "=" | "==", b] => a == b,
                    [a, "!=", b] => a != b,
                    _ => false,
                };
                Flow::Status(i32::from(truth == negate))
            }
            "sh" | "bash" | "ash" => match args.iter().position(|a| a == "-c") {
                // The script is the word after -c; the ones after it are its $0, $1, ...
                Some(i) => {
                    match syntax::parse(args.get(i + 1).map_or("", String::as_str), &|_| None) {
                        Ok(l) => match self.list(&l) {
                            Flow::Exit(c) => Flow::Status(c),
                            f => f,
                        },
                        Err(_) => Flow::Status(2),
                    }
                }
                None => Flow::Status(0),
            },
            n if SERVERS.contains(&n) => Flow::Forever { graceful: true },
            n if QUICK.contains(&n) => Flow::Status(0),
            _ => Flow::Status(127),
        }
    }
}
