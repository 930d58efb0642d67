//! A container's `sh -c` script as the container runs it: commands act on the
//! container's own files (`cat` of a missing file fails) and environment, exit statuses
//! pass through `&&`, `||` and `;`, `sleep` takes time, loops that never end run for
//! ever, and what the commands print is the container's log, each line at its instant.

use std::collections::{BTreeMap, BTreeSet};

use super::process::Behaviour;
use crate::clock::{Millis, SECOND};
use crate::shell::syntax::{
    self, Command, Compound, Connector, List, Param, ParamOp, Part, RedirKind, Word,
};

/// Directories every image has (BusyBox and Debian-based images alike).
pub(super) const BASE_DIRS: &[&str] = &[
    "/",
    "/bin",
    "/dev",
    "/etc",
    "/home",
    "/lib",
    "/media",
    "/mnt",
    "/opt",
    "/proc",
    "/proc/1",
    "/root",
    "/run",
    "/sbin",
    "/srv",
    "/sys",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/local",
    "/usr/share",
    "/var",
    "/var/log",
];

/// Files every image has.
pub(super) const BASE_FILES: &[&str] = &[
    "/dev/null",
    "/etc/hostname",
    "/etc/hosts",
    "/etc/passwd",
    "/etc/group",
    "/etc/resolv.conf",
    "/etc/os-release",
    "/proc/cpuinfo",
    "/proc/meminfo",
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
    "chmod",
    "chown",
    "ln",
    "trap",
    "wait",
    "xargs",
    "find",
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
    "yes",
    "nproc",
    "chroot",
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
    "watch",
];

/// Programs that run until stopped but, as PID 1 without a SIGTERM handler, are killed.
const UNTIL_KILLED: &[&str] = &["stress"];

/// How a script ended, or that it runs for ever.
enum Flow {
    Status(i32),
    Exit(i32),
    Forever { graceful: bool },
}

/// What a container's program has around it: its files (paths, and the text of those
/// its volumes bring), its environment in the order the process gets it, and whether
/// its utilities are BusyBox's (whose messages differ from GNU's).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub files: &'a BTreeSet<String>,
    pub text: &'a BTreeMap<String, String>,
    pub env: &'a [(String, String)],
    pub busybox: bool,
    /// The files its image brings, with their text, and which of them it has (a bit
    /// each: a volume mounted over one hides it).
    pub image_files: (&'static [(&'static str, &'static str)], u8),
    /// What the pod's other containers write into files it sees through volumes they
    /// share, in the order written.
    pub shared: &'a [Write],
}

/// A write into a file: when (after the container reading it started; before, when
/// negative), the file's path (as that container sees it), the text (`None`: the file
/// was removed), and whether the write replaced what the file held (`>`) rather than
/// adding to it (`>>`, `touch`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub at: Millis,
    pub path: String,
    pub text: Option<String>,
    pub truncate: bool,
}

impl Context<'_> {
    /// The image's files it has.
    pub fn image_files(&self) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
        let (files, shown) = self.image_files;
        files
            .iter()
            .enumerate()
            .filter(move |(i, _)| shown & (1 << i) != 0)
            .map(|(_, f)| f)
    }

    /// The text of a file it has, when known.
    fn text(&self, path: &str) -> Option<&str> {
        self.text.get(path).map(String::as_str).or_else(|| {
            self.image_files()
                .find(|(p, _)| *p == path)
                .map(|(_, t)| *t)
        })
    }
}

/// A line a container wrote: when (after it started), whether to stderr, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub at: Millis,
    pub stderr: bool,
    pub text: String,
}

/// Where a command's standard output or error goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Out,
    Err,
    Discard,
    /// A file: the index of its path among the run's `targets`.
    File(usize),
}

/// Steps a script may take: a fate is decided within the first, a log may run longer.
const FATE_STEPS: usize = 10_000;
const LOG_STEPS: usize = 200_000;

struct Run<'a> {
    ctx: Context<'a>,
    /// Every path there is, and those of them that are files rather than directories.
    files: BTreeSet<String>,
    plain: BTreeSet<String>,
    /// The text of the files it wrote, over what its image and volumes bring.
    written: BTreeMap<String, String>,
    /// The files the pod's other containers have written by now into volumes it shares
    /// with them, with their text, and how many of the context's `shared` writes that is.
    shared: BTreeMap<String, String>,
    shared_seen: usize,
    /// How long after the container started this run began (a command run in it).
    offset: Millis,
    /// Every write it makes, when wanted (see `writes`).
    writes: Option<Vec<Write>>,
    /// The files its redirections write to (see `Sink::File`).
    targets: Vec<String>,
    vars: BTreeMap<String, String>,
    exported: Vec<String>,
    elapsed: Millis,
    steps: usize,
    max_steps: usize,
    status: i32,
    /// Whether the shell (`sh -c`) that finished last ended by `exit`.
    shell_exit: bool,
    /// What it has printed, when its log is wanted (`None`: only its fate is).
    out: Option<Vec<Line>>,
    /// The unfinished last line of each stream.
    partial: [String; 2],
    /// Output captured by command substitutions in progress, innermost last.
    captures: Vec<String>,
    /// Where standard output and error go for the command running.
    sinks: (Sink, Sink),
    /// What the command running reads on standard input (the pipe before it).
    stdin: Option<String>,
    /// When the log is wanted up to: the run stops once time passes it.
    until: Millis,
    /// When the container started (cluster time), for `date`.
    origin: Millis,
    /// Whether a learner runs it (`kubectl exec`): programs whose output Kubarium does
    /// not model say so rather than print nothing.
    strict: bool,
}

/// Programs that print nothing when they succeed.
const SILENT: &[&str] = &[
    "true", ":", "export", "set", "cd", "chmod", "chown", "ln", "trap", "wait", "sync",
];

/// `tail`'s options to follow a file.
const FOLLOW: &[&str] = &[
    "-f",
    "-F",
    "--follow",
    "--follow=name",
    "--follow=descriptor",
];

/// Shell builtins: as a container's own command, no such program exists.
const BUILTINS: &[&str] = &["exit", "export", "set", "cd", "trap", "wait", ":"];

/// What a container whose command is `argv` (run directly, no shell; `sh -c SCRIPT` runs
/// the script) does in `ctx`; `None` when its image has no such program.
pub fn exec(argv: &[String], ctx: Context<'_>) -> Option<Behaviour> {
    let name = argv.first()?.rsplit('/').next()?;
    if BUILTINS.contains(&name) {
        return None;
    }
    let mut r = Run::new(ctx, None);
    match r.simple(argv) {
        Flow::Status(127) => None,
        flow => Some(r.finish(flow)),
    }
}

/// What a container running `argv` in `ctx` prints from its start (cluster time
/// `origin`) until `until` after it: its log lines, oldest first.
pub fn output(argv: &[String], ctx: Context<'_>, origin: Millis, until: Millis) -> Vec<Line> {
    let mut r = Run::new(ctx, Some((origin, until)));
    let _ = r.simple(argv);
    for stderr in [false, true] {
        let rest = std::mem::take(&mut r.partial[usize::from(stderr)]);
        if !rest.is_empty() {
            r.line(stderr, rest);
        }
    }
    r.out.unwrap_or_default()
}

/// A change a command made to a container's files: a path made (a file, or a
/// directory) or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Made {
        path: String,
        file: bool,
    },
    Removed(String),
    /// A file's text as a command left it.
    Wrote {
        path: String,
        text: String,
    },
}

/// The writes a container whose command is `argv` makes in `ctx` in its first `until`
/// after it started at cluster time `origin` (each file's path as it sees it).
pub fn writes(argv: &[String], ctx: Context<'_>, origin: Millis, until: Millis) -> Vec<Write> {
    let mut r = Run::new(ctx, None);
    r.origin = origin;
    r.until = until;
    r.max_steps = LOG_STEPS;
    r.writes = Some(vec![]);
    let _ = r.simple(argv);
    r.writes.unwrap_or_default()
}

/// What a command printed, in order: pieces of standard output (`false`) and error
/// (`true`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Printed {
    pub chunks: Vec<(bool, String)>,
}

impl Printed {
    fn push(&mut self, stderr: bool, text: &str) {
        match self.chunks.last_mut() {
            Some((s, t)) if *s == stderr => t.push_str(text),
            _ if text.is_empty() => {}
            _ => self.chunks.push((stderr, text.to_string())),
        }
    }

    /// Both streams as they interleaved.
    pub fn both(&self) -> String {
        self.chunks.iter().map(|(_, t)| t.as_str()).collect()
    }
}

/// What a command run in a container (an exec probe's, `kubectl exec`'s) came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exec {
    /// The container has no such program.
    NotFound,
    /// It exited with `status` after printing `printed`; `by_exit` when it was a shell
    /// whose script ended with `exit`.
    Exited {
        status: i32,
        printed: Printed,
        by_exit: bool,
    },
    /// It was still running when `limit` passed.
    TimedOut,
}

/// Runs `argv` (directly, no shell) in a container `elapsed` after it started at cluster
/// time `origin`, with `stdin` as its input; `main` is its own process's command when
/// that is a script (whose file changes so far the command sees), `changes` those that
/// commands run in it before made. It may take up to `limit`. Returns what it came to
/// and the changes it made.
pub fn exec_in(
    main: Option<&[String]>,
    argv: &[String],
    ctx: Context<'_>,
    changes: &[Change],
    (origin, elapsed): (Millis, Millis),
    (limit, stdin, strict): (Millis, Option<String>, bool),
) -> (Exec, Vec<Change>) {
    let Some(name) = argv.first().map(|a| a.rsplit('/').next().unwrap_or(a)) else {
        return (Exec::NotFound, vec![]);
    };
    // Shell builtins are no programs; BusyBox images have no bash.
    if BUILTINS.contains(&name) || (name == "bash" && ctx.busybox) {
        return (Exec::NotFound, vec![]);
    }
    let mut run = Run::new(ctx, Some((origin + elapsed, limit)));
    if let Some(main) = main {
        let mut before = Run::new(ctx, None);
        before.origin = origin;
        before.until = elapsed;
        before.max_steps = LOG_STEPS;
        let _ = before.simple(main);
        run.files = before.files;
        run.plain = before.plain;
        run.written = before.written;
    }
    for c in changes {
        match c {
            Change::Made { path, file } => {
                run.files.insert(path.clone());
                if *file {
                    run.plain.insert(path.clone());
                }
            }
            Change::Removed(path) => {
                run.files.remove(path);
                run.plain.remove(path);
                run.written.remove(path);
            }
            Change::Wrote { path, text } => {
                run.files.insert(path.clone());
                run.plain.insert(path.clone());
                run.written.insert(path.clone(), text.clone());
            }
        }
    }
    run.offset = elapsed;
    let (files, plain, written) = (run.files.clone(), run.plain.clone(), run.written.clone());
    run.stdin = stdin;
    run.strict = strict;
    let flow = run.simple(argv);
    let mut printed = Printed::default();
    for l in run.out.take().unwrap_or_default() {
        printed.push(l.stderr, &format!("{}\n", l.text));
    }
    let [out, err] = std::mem::take(&mut run.partial);
    printed.push(false, &out);
    printed.push(true, &err);
    let made = run.files.difference(&files).map(|p| Change::Made {
        path: p.clone(),
        file: run.plain.contains(p),
    });
    let removed = files
        .difference(&run.files)
        .map(|p| Change::Removed(p.clone()));
    let retyped = run
        .plain
        .difference(&plain)
        .filter(|p| files.contains(*p))
        .map(|p| Change::Made {
            path: p.clone(),
            file: true,
        });
    let wrote = run
        .written
        .iter()
        .filter(|(p, t)| written.get(*p) != Some(*t) && run.plain.contains(*p))
        .map(|(p, t)| Change::Wrote {
            path: p.clone(),
            text: t.clone(),
        });
    let changes = removed.chain(made).chain(retyped).chain(wrote).collect();
    let exec = match flow {
        Flow::Status(127) if !["sh", "bash", "ash"].contains(&name) => Exec::NotFound,
        _ if run.elapsed > limit => Exec::TimedOut,
        Flow::Status(status) | Flow::Exit(status) => Exec::Exited {
            status,
            printed,
            by_exit: run.shell_exit,
        },
        Flow::Forever { .. } => Exec::TimedOut,
    };
    (exec, changes)
}

impl<'a> Run<'a> {
    fn new(ctx: Context<'a>, log: Option<(Millis, Millis)>) -> Self {
        let image: Vec<&str> = ctx.image_files().map(|(p, _)| *p).collect();
        let mut files: BTreeSet<String> = BASE_DIRS
            .iter()
            .chain(BASE_FILES)
            .map(|s| s.to_string())
            .chain(ctx.files.iter().cloned())
            .collect();
        for path in &image {
            let mut dir = crate::shell::fs::parent(path);
            while dir != "/" && files.insert(dir.clone()) {
                dir = crate::shell::fs::parent(&dir);
            }
            files.insert(path.to_string());
        }
        Run {
            ctx,
            files,
            plain: BASE_FILES
                .iter()
                .chain(image.iter())
                .map(|s| s.to_string())
                .chain(ctx.text.keys().cloned())
                .collect(),
            written: BTreeMap::new(),
            shared: BTreeMap::new(),
            shared_seen: 0,
            offset: 0,
            writes: None,
            targets: vec![],
            vars: kubarium_tools::sort::insert_all(ctx.env.iter().cloned()),
            exported: ctx.env.iter().map(|(k, _)| k.clone()).collect(),
            elapsed: 0,
            steps: 0,
            max_steps: if log.is_some() { LOG_STEPS } else { FATE_STEPS },
            status: 0,
            shell_exit: false,
            out: log.map(|_| vec![]),
            partial: Default::default(),
            captures: vec![],
            sinks: (Sink::Out, Sink::Err),
            stdin: None,
            until: log.map_or(Millis::MAX, |(_, until)| until),
            origin: log.map_or(0, |(origin, _)| origin),
            strict: false,
        }
    }

    /// Whether the log wanted is complete: nothing after `until` is recorded.
    fn past(&self) -> bool {
        self.elapsed > self.until
    }

    /// Prints `text` to standard output (`stderr`: error) as the command's redirections
    /// say.
    fn print(&mut self, stderr: bool, text: &str) {
        let sink = if stderr { self.sinks.1 } else { self.sinks.0 };
        match sink {
            Sink::Discard => {}
            Sink::File(_) if self.past() => {}
            Sink::File(i) => {
                if let Some(path) = self.targets.get(i) {
                    self.written.entry(path.clone()).or_default().push_str(text);
                    let (path, text) = (path.clone(), Some(text.to_string()));
                    self.record(path, text, false);
                }
            }
            Sink::Out if !self.captures.is_empty() => {
                if let Some(c) = self.captures.last_mut() {
                    c.push_str(text);
                }
            }
            _ if self.out.is_none() || self.past() => {}
            sink => {
                let err = sink == Sink::Err;
                let i = usize::from(err);
                self.partial[i].push_str(text);
                while let Some(n) = self.partial[i].find('\n') {
                    let line: String = self.partial[i].drain(..=n).collect();
                    self.line(err, line[..n].to_string());
                }
            }
        }
    }

    fn line(&mut self, stderr: bool, text: String) {
        let at = self.elapsed;
        if let Some(out) = self.out.as_mut() {
            out.push(Line { at, stderr, text });
        }
    }

    /// A message a utility prints on failure, then its status.
    fn fail(&mut self, msg: String, code: i32) -> Flow {
        self.print(true, &format!("{msg}\n"));
        Flow::Status(code)
    }

    /// Runs one of the shell's text utilities on the container's files and input.
    fn utility(&mut self, name: &str, args: &[String]) -> Flow {
        let mut fs = crate::shell::fs::Fs::default();
        let shared = self.shared.keys().filter(|p| !self.files.contains(*p));
        for path in self.files.iter().chain(shared) {
            let made = if !self.is_dir(path) {
                let text = self.text(path).unwrap_or("");
                fs.mkdir(&crate::shell::fs::parent(path), true)
                    .and_then(|()| fs.write(path, text, false))
            } else {
                fs.mkdir(path, true)
            };
            // A path the shell's files cannot hold is left out.
            drop(made);
        }
        let before = fs.clone();
        let stdin = self.stdin.take();
        let result = match name {
            "wc" | "head" | "tail" => crate::shell::builtins::text_utility(name, &fs, args, stdin),
            _ => {
                let mut io = crate::shell::io::Io {
                    stdin,
                    fs: &mut fs,
                    cwd: "/",
                };
                crate::tools::run(name, args, &mut io)
            }
        };
        if fs.generation() != before.generation() {
            self.keep(&before, &fs);
        }
        self.emit(result)
    }

    /// Keeps what a utility changed in the copy of its files it worked on (`after`,
    /// made as `before`).
    fn keep(&mut self, before: &crate::shell::fs::Fs, after: &crate::shell::fs::Fs) {
        for (path, text) in after.under("/") {
            let same = match text {
                None => before.is_dir(path),
                Some(text) => before.read(path) == Some(text),
            };
            if same {
                continue;
            }
            self.files.insert(path.to_string());
            if let Some(text) = text {
                self.plain.insert(path.to_string());
                self.written.insert(path.to_string(), text.to_string());
            }
        }
        for (path, _) in before.under("/") {
            if !after.exists(path) {
                self.files.remove(path);
                self.plain.remove(path);
                self.written.remove(path);
            }
        }
    }

    /// Prints what a utility gave back; its status.
    fn emit(&mut self, result: crate::command::CmdResult) -> Flow {
        for (stream, text) in &result.output.chunks {
            self.print(*stream == crate::command::Stream::Err, text);
        }
        Flow::Status(result.code)
    }

    /// A word's fields after parameter, command and arithmetic expansion and field
    /// splitting of what was unquoted.
    fn fields(&mut self, w: &Word) -> Vec<String> {
        let mut fields = vec![String::new()];
        let mut solid = false;
        for part in w {
            let (text, split) = match part {
                Part::Lit(s) | Part::Quoted(s) => {
                    solid = true;
                    (s.clone(), false)
                }
                Part::Double(parts) => {
                    solid = true;
                    (self.string(parts), false)
                }
                Part::Param(p) => (self.param(p), true),
                Part::Command(list) => (self.substitute(list), true),
                Part::Arith(parts) => (self.arith(parts), true),
                Part::ProcSub(_) => (String::new(), false),
            };
            if !split {
                if let Some(f) = fields.last_mut() {
                    f.push_str(&text);
                }
                continue;
            }
            let starts_blank = text.starts_with(char::is_whitespace);
            let mut words = text.split_whitespace().peekable();
            if starts_blank && fields.last().is_some_and(|f| !f.is_empty()) {
                fields.push(String::new());
            }
            while let Some(word) = words.next() {
                solid = true;
                if let Some(f) = fields.last_mut() {
                    f.push_str(word);
                }
                if words.peek().is_some() {
                    fields.push(String::new());
                }
            }
            if text.ends_with(char::is_whitespace) && !text.trim().is_empty() {
                fields.push(String::new());
            }
        }
        if fields.last().is_some_and(String::is_empty) && fields.len() > 1 {
            fields.pop();
        }
        if !solid {
            return vec![];
        }
        fields
    }

    /// Parts expanded as one string (inside double quotes: no splitting).
    fn string(&mut self, parts: &[Part]) -> String {
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Lit(s) | Part::Quoted(s) => out.push_str(s),
                Part::Double(inner) => out.push_str(&self.string(inner)),
                Part::Param(p) => out.push_str(&self.param(p)),
                Part::Command(list) => out.push_str(&self.substitute(list)),
                Part::Arith(inner) => out.push_str(&self.arith(inner)),
                Part::ProcSub(_) => {}
            }
        }
        out
    }

    fn var(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.status.to_string()),
            "$" => Some("1".into()),
            "#" => Some("0".into()),
            "0" => Some("sh".into()),
            _ => self.vars.get(name).cloned(),
        }
    }

    fn param(&mut self, p: &Param) -> String {
        let value = self.var(&p.name);
        let unset = |colon: bool| value.as_deref().is_none_or(|v| colon && v.is_empty());
        match &p.op {
            ParamOp::Length => value.unwrap_or_default().chars().count().to_string(),
            ParamOp::Default(colon, w) if unset(*colon) => self.string(w),
            ParamOp::Assign(colon, w) if unset(*colon) => {
                let v = self.string(w);
                self.vars.insert(p.name.clone(), v.clone());
                v
            }
            ParamOp::Alternative(colon, w) => {
                if unset(*colon) {
                    String::new()
                } else {
                    self.string(w)
                }
            }
            _ => value.unwrap_or_default(),
        }
    }

    fn arith(&mut self, parts: &[Part]) -> String {
        let text = self.string(parts);
        crate::shell::arith::eval(&text, &mut self.vars)
            .unwrap_or(0)
            .to_string()
    }

    /// `$(...)`: what the commands print, without its trailing newlines.
    fn substitute(&mut self, list: &List) -> String {
        self.captures.push(String::new());
        let sinks = std::mem::replace(&mut self.sinks, (Sink::Out, Sink::Err));
        if let Flow::Status(s) | Flow::Exit(s) = self.list(list) {
            self.status = s;
        }
        self.sinks = sinks;
        let text = self.captures.pop().unwrap_or_default();
        text.trim_end_matches('\n').to_string()
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
        let path = if path.is_empty() { "/" } else { path };
        self.files.contains(path) || self.shared.contains_key(path)
    }

    /// Takes in what the pod's other containers have written by now into the volumes
    /// it shares with them.
    fn catch_up(&mut self) {
        let shared = self.ctx.shared;
        let now = self.offset + self.elapsed;
        while let Some(w) = shared.get(self.shared_seen).filter(|w| w.at <= now) {
            self.shared_seen += 1;
            let Some(added) = &w.text else {
                self.shared.remove(&w.path);
                continue;
            };
            let text = self.shared.entry(w.path.clone()).or_default();
            if w.truncate {
                text.clear();
            }
            text.push_str(added);
        }
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
            let n = pipeline.commands.len();
            let mut piped = None;
            for (i, c) in pipeline.commands.iter().enumerate() {
                // What a command writes into the pipe is the next one's input.
                self.stdin = piped.take();
                if i + 1 < n {
                    self.captures.push(String::new());
                }
                last = self.command(c);
                if i + 1 < n {
                    piped = self.captures.pop();
                }
                self.stdin = None;
                if !matches!(last, Flow::Status(_)) {
                    return last;
                }
            }
            status = match last {
                Flow::Status(s) if pipeline.negate => i32::from(s == 0),
                Flow::Status(s) => s,
                other => return other,
            };
            self.status = status;
        }
        Flow::Status(status)
    }

    fn command(&mut self, c: &Command) -> Flow {
        self.steps += 1;
        if self.steps > self.max_steps || self.past() {
            return Flow::Forever { graceful: false };
        }
        let (redirects, flow) = match c {
            Command::Simple {
                assigns,
                words,
                redirects,
            } => {
                let Ok(sinks) = self.redirect(redirects) else {
                    return Flow::Status(if self.ctx.busybox { 1 } else { 2 });
                };
                let argv: Vec<String> = words.iter().flat_map(|w| self.fields(w)).collect();
                if argv.is_empty() {
                    for (name, value) in assigns {
                        let v = self.string(value);
                        self.vars.insert(name.clone(), v);
                    }
                    self.sinks = sinks;
                    return Flow::Status(0);
                }
                (sinks, self.simple(&argv))
            }
            Command::Compound { body, redirects } => {
                let Ok(sinks) = self.redirect(redirects) else {
                    return Flow::Status(if self.ctx.busybox { 1 } else { 2 });
                };
                (sinks, self.compound(body))
            }
            Command::Function { .. } => return Flow::Status(0),
        };
        self.sinks = redirects;
        flow
    }

    /// Applies a command's redirections; returns the sinks to restore after it, or
    /// fails as the shell does when a file cannot be opened (the command does not run).
    fn redirect(&mut self, redirects: &[syntax::Redirect]) -> Result<(Sink, Sink), ()> {
        let saved = self.sinks;
        for r in redirects {
            match &r.kind {
                RedirKind::Out { target, append } | RedirKind::Both { target, append } => {
                    let path = self.string(target);
                    let sink = match path.as_str() {
                        "/dev/stdout" => saved.0,
                        "/dev/stderr" => saved.1,
                        p if p.starts_with("/dev/") => Sink::Discard,
                        _ => match self.open(&path, *append) {
                            Ok(sink) => sink,
                            Err(why) => {
                                self.sinks = saved;
                                let msg = match self.ctx.busybox {
                                    true => format!("sh: can't create {path}: {why}\n"),
                                    false => format!("sh: 1: cannot create {path}: {why}\n"),
                                };
                                self.print(true, &msg);
                                return Err(());
                            }
                        },
                    };
                    match (&r.kind, r.fd) {
                        (RedirKind::Both { .. }, _) => self.sinks = (sink, sink),
                        (_, 2) => self.sinks.1 = sink,
                        _ => self.sinks.0 = sink,
                    }
                }
                RedirKind::Dup(fd) => {
                    let sink = if *fd == 2 { self.sinks.1 } else { self.sinks.0 };
                    if r.fd == 2 {
                        self.sinks.1 = sink;
                    } else {
                        self.sinks.0 = sink;
                    }
                }
                _ => {}
            }
        }
        Ok(saved)
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
            Compound::For { var, words, body } => {
                let items: Vec<String> = match words {
                    Some(ws) => ws.iter().flat_map(|w| self.fields(w)).collect(),
                    None => vec![],
                };
                let mut last = Flow::Status(0);
                for item in items {
                    self.vars.insert(var.clone(), item);
                    last = self.list(body);
                    if !matches!(last, Flow::Status(_)) {
                        return last;
                    }
                }
                last
            }
            Compound::While { until, cond, body } => {
                // Run to a time (for a log, or a state) rather than to a fate.
                let logging = self.out.is_some() || self.until != Millis::MAX;
                loop {
                    let go = match self.list(cond) {
                        Flow::Status(s) => (s == 0) != *until,
                        f => return f,
                    };
                    if !go {
                        return Flow::Status(0);
                    }
                    let before = (self.elapsed, self.files.len(), self.vars.clone());
                    match self.list(body) {
                        Flow::Status(_) => {}
                        f => return f,
                    }
                    // A loop whose condition nothing in it can change runs for ever (its
                    // log goes on until the time wanted).
                    let same = (self.elapsed, self.files.len(), &self.vars)
                        == (before.0, before.1, &before.2);
                    if (!logging && (same || self.steps > FATE_STEPS))
                        || self.past()
                        || self.steps > self.max_steps
                        || self.elapsed > 30 * 24 * 3600 * SECOND
                    {
                        return Flow::Forever { graceful: false };
                    }
                }
            }
            _ => Flow::Status(0),
        }
    }

    /// A directory's entries, as `ls` lists them (one per line when not a terminal).
    fn entries(&self, dir: &str) -> Vec<String> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let prefix = if prefix == "//" {
            "/".to_string()
        } else {
            prefix
        };
        let names: BTreeSet<String> = self
            .files
            .iter()
            .chain(self.shared.keys())
            .filter_map(|f| f.strip_prefix(&prefix))
            .filter(|rest| !rest.is_empty() && !rest.contains('/'))
            .map(str::to_string)
            .collect();
        names.into_iter().collect()
    }

    fn no_such_file(&mut self, program: &str, path: &str) -> Flow {
        let msg = match (program, self.ctx.busybox) {
            ("cat", true) => format!("cat: can't open '{path}': No such file or directory"),
            ("ls", true) => format!("ls: {path}: No such file or directory"),
            ("ls", false) => {
                format!("ls: cannot access '{path}': No such file or directory")
            }
            (p, _) => format!("{p}: {path}: No such file or directory"),
        };
        let code = if program == "ls" && !self.ctx.busybox {
            2
        } else {
            1
        };
        self.fail(msg, code)
    }

    fn simple(&mut self, argv: &[String]) -> Flow {
        let Some(first) = argv.first() else {
            return Flow::Status(0);
        };
        let args = &argv[1..];
        let name = first.rsplit('/').next().unwrap_or(first);
        self.catch_up();
        let paths = || args.iter().filter(|a| !a.starts_with('-'));
        match name {
            "exit" => Flow::Exit(args.first().and_then(|a| a.parse().ok()).unwrap_or(0)),
            "false" => Flow::Status(1),
            "sleep" => match args
                .first()
                .and_then(|a| crate::shell::builtins::duration(a))
            {
                Some(Some(ms)) => {
                    self.elapsed += ms;
                    Flow::Status(0)
                }
                Some(None) => Flow::Forever { graceful: false },
                None => Flow::Status(1),
            },
            "echo" => self.emit(crate::shell::builtins::echo(args)),
            "date" => {
                let format = args
                    .iter()
                    .find_map(|a| a.strip_prefix('+'))
                    .unwrap_or("%a %b %e %H:%M:%S UTC %Y");
                let text = crate::shell::builtins::strftime_at(self.origin + self.elapsed, format);
                self.print(false, &format!("{text}\n"));
                Flow::Status(0)
            }
            "hostname" => {
                let host = self.var("HOSTNAME").unwrap_or_default();
                self.print(false, &format!("{host}\n"));
                Flow::Status(0)
            }
            "whoami" => {
                self.print(false, "root\n");
                Flow::Status(0)
            }
            "id" => {
                let groups = if self.ctx.busybox {
                    "0(root),10(wheel)"
                } else {
                    "0(root)"
                };
                self.print(false, &format!("uid=0(root) gid=0(root) groups={groups}\n"));
                Flow::Status(0)
            }
            "pwd" => {
                self.print(false, "/\n");
                Flow::Status(0)
            }
            "env" | "printenv" if args.is_empty() => {
                let mut text = String::new();
                for k in &self.exported {
                    if let Some(v) = self.vars.get(k) {
                        text.push_str(&format!("{k}={v}\n"));
                    }
                }
                self.print(false, &text);
                Flow::Status(0)
            }
            "printenv" => {
                let mut code = 0;
                for k in args {
                    match self.vars.get(k).filter(|_| self.exported.contains(k)) {
                        Some(v) => {
                            let line = format!("{v}\n");
                            self.print(false, &line);
                        }
                        None => code = 1,
                    }
                }
                Flow::Status(code)
            }
            "export" => {
                for a in args {
                    let (k, v) = a
                        .split_once('=')
                        .map_or((a.as_str(), None), |(k, v)| (k, Some(v)));
                    if let Some(v) = v {
                        self.vars.insert(k.to_string(), v.to_string());
                    }
                    if !self.exported.iter().any(|e| e == k) {
                        self.exported.push(k.to_string());
                    }
                }
                Flow::Status(0)
            }
            "tail" if args.iter().any(|a| FOLLOW.contains(&a.as_str())) => self.follow(args),
            "cat" | "more" if paths().next().is_none() => {
                let input = self.stdin.take().unwrap_or_default();
                self.print(false, &input);
                Flow::Status(0)
            }
            "cat" | "more" => {
                let mut code = 0;
                for f in paths() {
                    if !self.exists(f) {
                        code = 1;
                        if let Flow::Status(c) = self.no_such_file(name, f) {
                            code = c;
                        }
                        continue;
                    }
                    let text = match self.text(f.trim_end_matches('/')) {
                        Some(t) => t.to_string(),
                        None if f == "/etc/hostname" => {
                            format!("{}\n", self.var("HOSTNAME").unwrap_or_default())
                        }
                        None => String::new(),
                    };
                    self.print(false, &text);
                }
                Flow::Status(code)
            }
            "ls" => {
                let targets: Vec<String> = paths().cloned().collect();
                let targets = if targets.is_empty() {
                    vec![".".to_string()]
                } else {
                    targets
                };
                let mut code = 0;
                let (mut files, mut dirs) = (vec![], vec![]);
                for t in targets {
                    let path = if t == "." { "/".to_string() } else { t.clone() };
                    if !self.exists(&path) {
                        if let Flow::Status(c) = self.no_such_file("ls", &t) {
                            code = c;
                        }
                    } else if self.is_dir(&path) {
                        dirs.push((t, path));
                    } else {
                        files.push(t);
                    }
                }
                // Files first, then each directory's entries (under a heading when
                // more than one thing was listed).
                let headings = files.len() + dirs.len() > 1;
                let mut listing: String = files.iter().map(|f| format!("{f}\n")).collect();
                for (i, (name, path)) in dirs.iter().enumerate() {
                    if headings {
                        if i > 0 || !files.is_empty() {
                            listing.push('\n');
                        }
                        listing.push_str(&format!("{name}:\n"));
                    }
                    for e in self.entries(path) {
                        listing.push_str(&format!("{e}\n"));
                    }
                }
                self.print(false, &listing);
                Flow::Status(code)
            }
            "touch" => {
                for p in paths() {
                    self.create(p);
                    self.record(p.clone(), Some(String::new()), false);
                }
                Flow::Status(0)
            }
            "mkdir" => {
                let parents = args.iter().any(|a| a == "-p" || a == "--parents");
                let mut code = 0;
                for p in paths() {
                    let p = p.trim_end_matches('/');
                    let dir = crate::shell::fs::parent(p);
                    // With -p, only a file in the way fails.
                    let why = if self.exists(p) && (!parents || !self.is_dir(p)) {
                        Some("File exists")
                    } else if p.starts_with('/') && !self.exists(&dir) && !parents {
                        Some("No such file or directory")
                    } else {
                        None
                    };
                    if let Some(why) = why {
                        let can = if self.ctx.busybox { "can't" } else { "cannot" };
                        self.print(
                            true,
                            &format!("mkdir: {can} create directory '{p}': {why}\n"),
                        );
                        code = 1;
                        continue;
                    }
                    // With -p, the directories above it too.
                    let mut d = p.to_string();
                    while d != "/" && self.files.insert(d.clone()) {
                        d = crate::shell::fs::parent(&d);
                    }
                }
                Flow::Status(code)
            }
            "rm" | "rmdir" => {
                let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
                let mut code = 0;
                for p in paths() {
                    self.record(p.trim_end_matches('/').to_string(), None, true);
                    self.plain.remove(p.trim_end_matches('/'));
                    self.written.remove(p.trim_end_matches('/'));
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
                let num = |s: &str| s.trim().parse::<i64>().unwrap_or(0);
                let truth = match args.as_slice() {
                    ["-d", path] => self.exists(path) && self.is_dir(path),
                    ["-f", path] => self.exists(path) && !self.is_dir(path),
                    ["-s", path] => self.text(path).is_some_and(|t| !t.is_empty()),
                    [op, path] if ["-e", "-r"].contains(op) => self.exists(path),
                    ["-z", s] => s.is_empty(),
                    ["-n", s] => !s.is_empty(),
                    [s] => !s.is_empty(),
                    [a, "=" | "==", b] => a == b,
                    [a, "!=", b] => a != b,
                    [a, "-eq", b] => num(a) == num(b),
                    [a, "-ne", b] => num(a) != num(b),
                    [a, "-lt", b] => num(a) < num(b),
                    [a, "-le", b] => num(a) <= num(b),
                    [a, "-gt", b] => num(a) > num(b),
                    [a, "-ge", b] => num(a) >= num(b),
                    _ => false,
                };
                Flow::Status(i32::from(truth == negate))
            }
            "sh" | "bash" | "ash" => match args.iter().position(|a| a == "-c") {
                // The script is the word after -c; the ones after it are its $0, $1, ...
                Some(i) => {
                    match syntax::parse(args.get(i + 1).map_or("", String::as_str), &|_| None) {
                        Ok(l) => {
                            let flow = self.list(&l);
                            self.shell_exit = matches!(flow, Flow::Exit(_));
                            match flow {
                                Flow::Exit(c) => Flow::Status(c),
                                f => f,
                            }
                        }
                        Err(_) => Flow::Status(2),
                    }
                }
                None => Flow::Status(0),
            },
            n if SERVERS.contains(&n) => Flow::Forever { graceful: true },
            n if UNTIL_KILLED.contains(&n) => Flow::Forever { graceful: false },
            // The shell's text utilities, on the container's files and its input.
            "wc" | "head" | "tail" | "grep" | "egrep" | "fgrep" => self.utility(name, args),
            // Only a node's root (`kubectl debug node/...`'s /host) can be changed into,
            // by the learner's terminal: see shell/chroot.rs.
            "chroot" => match paths().next() {
                Some(dir) if !self.exists(dir) => {
                    let (can, code) = match self.ctx.busybox {
                        true => ("can't", 1),
                        false => ("cannot", 125),
                    };
                    self.fail(
                        format!("chroot: {can} change root directory to '{dir}': No such file or directory"),
                        code,
                    )
                }
                _ => self.fail("chroot: not supported in Kubarium yet".into(), 1),
            },
            n if crate::tools::has(n) => self.utility(n, args),
            n if QUICK.contains(&n) && self.strict && !SILENT.contains(&n) => {
                self.fail(format!("{n}: not supported in Kubarium yet"), 1)
            }
            n if QUICK.contains(&n) => Flow::Status(0),
            _ => Flow::Status(127),
        }
    }

    /// Whether `path` (which exists) is a directory rather than a file.
    fn is_dir(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        !self.plain.contains(path) && !self.shared.contains_key(path)
    }

    /// Keeps a write it made, when its writes are wanted.
    fn record(&mut self, path: String, text: Option<String>, truncate: bool) {
        if let Some(writes) = self.writes.as_mut() {
            writes.push(Write {
                at: self.elapsed,
                path,
                text,
                truncate,
            });
        }
    }

    /// A file the script writes (`> file`, `touch`); `/dev/null` and the like exist.
    fn create(&mut self, path: &str) {
        if !path.starts_with("/dev/") {
            self.files.insert(path.to_string());
            self.plain.insert(path.to_string());
        }
    }

    /// The text of a file it has, as it last wrote it.
    fn text(&self, path: &str) -> Option<&str> {
        self.written
            .get(path)
            .or_else(|| self.shared.get(path))
            .map(String::as_str)
            .or_else(|| self.ctx.text(path))
    }

    /// `tail -f FILE`: the file's last lines (as `tail` without -f prints them, once the
    /// file is there), then what the pod's other containers add to it as they write it,
    /// until stopped.
    fn follow(&mut self, args: &[String]) -> Flow {
        if self.out.is_none() {
            return Flow::Forever { graceful: false };
        }
        let once: Vec<String> = args
            .iter()
            .filter(|a| !FOLLOW.contains(&a.as_str()) && *a != "--retry")
            .cloned()
            .collect();
        let Some(file) = once.last().filter(|a| !a.starts_with(['-', '+'])).cloned() else {
            return Flow::Forever { graceful: false };
        };
        // When the next write to it comes, in this run's time.
        let later = |r: &Self| {
            r.ctx.shared[r.shared_seen..]
                .iter()
                .find(|w| w.path == file)
                .map(|w| w.at - r.offset)
        };
        if !self.exists(&file) {
            // tail -F waits for it to appear.
            let Some(at) = later(self) else {
                return Flow::Forever { graceful: false };
            };
            self.elapsed = at;
            self.catch_up();
        }
        let _ = self.utility("tail", &once);
        while let Some(at) = later(self) {
            if at > self.until {
                break;
            }
            let before = self.shared.get(&file).map_or(0, String::len);
            self.elapsed = at;
            self.catch_up();
            let text = self.shared.get(&file).cloned().unwrap_or_default();
            // What was added (all of it when the file was truncated).
            let added = text.get(before..).unwrap_or(&text).to_string();
            self.print(false, &added);
        }
        Flow::Forever { graceful: false }
    }

    /// Opens `path` for a redirection to write (`append`: after its text): the sink
    /// its output goes to, or why it cannot be written, in the shell's words.
    fn open(&mut self, path: &str, append: bool) -> Result<Sink, &'static str> {
        let dir = crate::shell::fs::parent(path);
        if self.exists(path) && self.is_dir(path) {
            return Err("Is a directory");
        }
        if path.starts_with('/') && !(self.exists(&dir) && self.is_dir(&dir)) {
            return Err(match self.ctx.busybox {
                true => "nonexistent directory",
                false => "Directory nonexistent",
            });
        }
        let path = path.to_string();
        let text = match append {
            true => self.text(&path).unwrap_or_default().to_string(),
            false => String::new(),
        };
        self.create(&path);
        if !append {
            self.record(path.clone(), Some(String::new()), true);
        }
        self.written.insert(path.clone(), text);
        let i = match self.targets.iter().position(|t| *t == path) {
            Some(i) => i,
            None => {
                self.targets.push(path);
                self.targets.len() - 1
            }
        };
        Ok(Sink::File(i))
    }
}
