//! The shell's commands: kubectl, file and text utilities, `sleep` (advances virtual
//! time), aliases and variables. Commands a real node has but Kubarium lacks say so.

use super::io::Io;
use super::{fs, Shell};
use crate::clock::{Millis, SECOND};
use crate::cluster::Cluster;
use crate::command::{CmdResult, Output};

/// Commands a real Linux node has that Kubarium does not implement yet.
const NOT_YET: &[&str] = &[
    "yq", "curl", "wget", "scp", "etcdctl", "etcdutl", "kubeadm", "kubelet", "docker", "less",
    "more", "openssl", "helm", "chmod", "top", "nslookup", "ping", "apt", "apt-get", "service",
    "ip", "iptables", "netstat", "ss", "uptime", "free", "df", "du",
];

/// bash's own commands (what `type` calls a shell builtin).
pub const BUILTINS: &[&str] = &[
    ".", ":", "[", "alias", "break", "builtin", "cd", "command", "complete", "continue", "declare",
    "echo", "eval", "exit", "export", "false", "help", "history", "local", "logout", "printf",
    "pwd", "read", "readonly", "return", "set", "shift", "source", "test", "true", "type",
    "typeset", "unalias", "unset",
];

pub fn is_builtin(name: &str) -> bool {
    BUILTINS.contains(&name)
}

/// Whether the command reads its standard input (the others leave it for the next
/// command, as `read` in a `while` loop needs).
pub fn reads_stdin(argv: &[String]) -> bool {
    let Some(name) = argv.first() else {
        return false;
    };
    match name.as_str() {
        "kubectl" => {
            // `-f -`, or `exec -i` (its flags come before `--`).
            let flags = argv.iter().take_while(|a| *a != "--");
            let exec_stdin = argv.iter().any(|a| a == "exec")
                && flags.clone().any(|a| {
                    a == "--stdin"
                        || a == "--stdin=true"
                        || (a.len() > 1
                            && a.starts_with('-')
                            && !a.starts_with("--")
                            && a[1..].chars().all(|c| c.is_ascii_alphabetic())
                            && a.contains('i'))
                });
            exec_stdin || argv.iter().any(|a| a == "-" || a.ends_with("=-"))
        }
        "cat" | "grep" | "egrep" | "fgrep" | "head" | "tail" | "wc" | "sort" | "uniq" | "cut"
        | "tr" | "sed" | "awk" | "tee" | "base64" | "jq" | "yq" | "diff" | "rev" | "nl"
        | "xargs" | "less" | "more" => true,
        _ => false,
    }
}

/// Runs one command with its arguments and optional standard input.
pub fn run(
    sh: &mut Shell,
    cluster: &mut Cluster,
    argv: &[String],
    stdin: Option<String>,
) -> CmdResult {
    let Some(name) = argv.first() else {
        return CmdResult::default();
    };
    let args = &argv[1..];
    match name.as_str() {
        "kubectl" => {
            let mut ctx = crate::kubectl::Ctx {
                cluster,
                host: &sh.host,
                cwd: &sh.cwd,
                stdin,
                foreground: sh.foreground_line,
                stream: None,
                follow: None,
                edit: None,
                attach: None,
                run: None,
                forward: None,
            };
            let res = crate::kubectl::run(args, &mut ctx);
            if let Some(w) = ctx.stream.take() {
                sh.foreground = Some(super::Foreground::Watch(w));
            }
            if let Some(f) = ctx.follow.take() {
                sh.foreground = Some(super::Foreground::Logs(f));
            }
            sh.edit = ctx.edit.take();
            if let Some(a) = ctx.attach.take() {
                sh.attached = Some(a);
            }
            if let Some(r) = ctx.run.take() {
                sh.foreground = Some(super::Foreground::Run(r));
            }
            if let Some(f) = ctx.forward.take() {
                sh.foreground = Some(super::Foreground::Forward(f));
            }
            cluster.settle();
            res
        }
        "echo" => echo(args),
        "systemctl" => super::systemctl::systemctl(cluster, &sh.host, args),
        "ps" => super::ps::ps(sh, cluster, args),
        "journalctl" => super::systemctl::journalctl(cluster, &sh.host, args),
        "crictl" => super::crictl::crictl(cluster, &sh.host, args),
        n if super::editor::EDITORS.contains(&n) => super::editor::open(sh, cluster, n, args),
        n if crate::tools::has(n) => {
            let mut io = Io {
                stdin,
                fs: cluster.fs_mut(&sh.host),
                cwd: &sh.cwd,
            };
            crate::tools::run(n, args, &mut io)
        }
        // Tab completes `k` and kubectl already; bash accepts the usual line silently.
        "complete" => CmdResult::default(),
        "cat" | "ls" | "head" | "tail" | "wc" => {
            let at = At {
                fs: cluster.fs(&sh.host),
                cwd: &sh.cwd,
            };
            match name.as_str() {
                "cat" => cat(&at, args, stdin),
                "ls" => ls(&at, args, sh.stdout_terminal),
                "wc" => wc(&at, args, stdin),
                _ => head_tail(&at, name == "head", args, stdin),
            }
        }
        "sleep" => sleep(cluster, args),
        "date" => date(cluster, args),
        "clear" => CmdResult {
            output: Output {
                chunks: vec![],
                clear: true,
            },
            code: 0,
        },
        "alias" => alias(sh, args),
        "unalias" => {
            for a in args {
                if sh.aliases.remove(a).is_none() {
                    return CmdResult::fail(format!("bash: unalias: {a}: not found\n"), 1);
                }
            }
            CmdResult::default()
        }
        "export" => {
            for a in args {
                if let Some((k, v)) = a.split_once('=') {
                    sh.vars.insert(k.to_string(), v.to_string());
                }
            }
            CmdResult::default()
        }
        "unset" => {
            let functions = args.iter().any(|a| a == "-f");
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                if functions {
                    sh.functions.remove(a);
                } else {
                    sh.vars.remove(a);
                }
            }
            CmdResult::default()
        }
        "env" | "printenv" => {
            let text: String = sh
                .vars
                .iter()
                .filter(|(k, _)| k.as_str() != "?")
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect();
            CmdResult::ok(text)
        }
        "history" => {
            let text: String = sh
                .history
                .iter()
                .enumerate()
                .map(|(i, l)| format!("{:>5}  {l}\n", i + 1))
                .collect();
            CmdResult::ok(text)
        }
        "pwd" => CmdResult::ok(format!("{}\n", sh.cwd)),
        "cd" => {
            let target = fs::resolve(&sh.cwd, args.first().map_or("~", String::as_str));
            if cluster.fs(&sh.host).is_dir(&target) {
                sh.cwd = target;
                CmdResult::default()
            } else {
                CmdResult::fail(
                    format!("bash: cd: {}: No such file or directory\n", args[0]),
                    1,
                )
            }
        }
        "mkdir" => {
            let parents = args.iter().any(|a| a == "-p");
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                if let Err(e) = cluster
                    .fs_mut(&sh.host)
                    .mkdir(&fs::resolve(&sh.cwd, a), parents)
                {
                    return CmdResult::fail(
                        format!("mkdir: cannot create directory '{a}': {e}\n"),
                        1,
                    );
                }
            }
            CmdResult::default()
        }
        "rm" => {
            let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                if !cluster.fs_mut(&sh.host).remove(&fs::resolve(&sh.cwd, a)) && !force {
                    return CmdResult::fail(
                        format!("rm: cannot remove '{a}': No such file or directory\n"),
                        1,
                    );
                }
            }
            CmdResult::default()
        }
        "touch" => {
            for a in args {
                let p = fs::resolve(&sh.cwd, a);
                let files = cluster.fs_mut(&sh.host);
                if files.read(&p).is_none() {
                    if let Err(e) = files.write(&p, "", true) {
                        return CmdResult::fail(format!("touch: cannot touch '{a}': {e}\n"), 1);
                    }
                }
            }
            CmdResult::default()
        }
        "true" | ":" => CmdResult::default(),
        "false" => CmdResult {
            code: 1,
            ..Default::default()
        },
        "whoami" => CmdResult::ok("root\n"),
        "hostname" => CmdResult::ok(format!("{}\n", sh.host)),
        "help" => CmdResult::ok(HELP),
        n if NOT_YET.contains(&n) => {
            CmdResult::fail(format!("{n}: not supported in Kubarium yet\n"), 127)
        }
        n => CmdResult::fail(format!("bash: {n}: command not found\n"), 127),
    }
}

const HELP: &str = "Kubarium: a Kubernetes cluster simulated in your browser.\n\
Type kubectl commands as on a real cluster (k is kubectl, as on the exam), for example:\n\
  kubectl get nodes\n\
  kubectl run nginx --image=nginx\n\
  kubectl get pods -o wide\n\
  kubectl describe pod nginx\n\
Shell: bash as exam one-liners use it: pipes, redirections, here-documents, $(...),\n\
$((...)), ${VAR%pattern} and friends, if/for/while/case, functions; grep, awk, sed, cut,\n\
tr, sort, uniq, wc, head, tail, xargs, printf, base64, diff, tee and more; sleep N\n\
advances the cluster's clock.\n";

/// `echo [-n] [-e] WORDS...`.
pub(crate) fn echo(args: &[String]) -> CmdResult {
    let mut newline = true;
    let mut escapes = false;
    let mut words = args;
    while let Some(first) = words.first() {
        match first.as_str() {
            "-n" => newline = false,
            "-e" => escapes = true,
            "-ne" | "-en" => {
                newline = false;
                escapes = true;
            }
            _ => break,
        }
        words = &words[1..];
    }
    let mut text = words.join(" ");
    if escapes {
        text = text.replace("\\n", "\n").replace("\\t", "\t");
    }
    if newline {
        text.push('\n');
    }
    CmdResult::ok(text)
}

/// `wc`, `head` or `tail` on `fs` (a container's files) and `stdin`.
pub(crate) fn text_utility(
    name: &str,
    fs: &fs::Fs,
    args: &[String],
    stdin: Option<String>,
) -> CmdResult {
    let at = At { fs, cwd: "/" };
    match name {
        "wc" => wc(&at, args, stdin),
        _ => head_tail(&at, name == "head", args, stdin),
    }
}

/// Where a file utility runs: the machine's files and the working directory.
struct At<'a> {
    fs: &'a fs::Fs,
    cwd: &'a str,
}

/// Reads the named files, or stdin when there are none (or `-`).
fn inputs(
    at: &At<'_>,
    cmd: &str,
    files: &[&String],
    stdin: Option<String>,
) -> Result<String, CmdResult> {
    if files.is_empty() {
        return Ok(stdin.unwrap_or_default());
    }
    let mut text = String::new();
    for f in files {
        if f.as_str() == "-" {
            text.push_str(stdin.as_deref().unwrap_or(""));
            continue;
        }
        let path = fs::resolve(at.cwd, f);
        match at.fs.read(&path) {
            Some(c) => text.push_str(c),
            None if at.fs.is_dir(&path) => {
                return Err(CmdResult::fail(format!("{cmd}: {f}: Is a directory\n"), 1))
            }
            None => {
                return Err(CmdResult::fail(
                    format!("{cmd}: {f}: No such file or directory\n"),
                    1,
                ))
            }
        }
    }
    Ok(text)
}

fn cat(at: &At<'_>, args: &[String], stdin: Option<String>) -> CmdResult {
    let files: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.as_str() == "-")
        .collect();
    match inputs(at, "cat", &files, stdin) {
        Ok(t) => CmdResult::ok(t),
        Err(e) => e,
    }
}

/// `ls [-1aAdl] [FILE...]`: names one per line, or in columns on a terminal.
fn ls(at: &At<'_>, args: &[String], terminal: bool) -> CmdResult {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-') && !a.starts_with("--") && a.len() > 1)
        .map(|a| &a[1..])
        .collect();
    let long = flags.contains('l');
    let one_per_line = long || flags.contains('1') || !terminal;
    // Dot files show only with -a or -A.
    let all = flags.contains('a') || flags.contains('A');
    let targets: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.as_str() == "-")
        .cloned()
        .collect();
    let targets = if targets.is_empty() {
        vec![".".to_string()]
    } else {
        targets
    };
    let lay_out = |names: &[(String, Option<usize>)]| -> String {
        if long {
            let mut text = String::new();
            for (n, size) in names {
                text.push_str(&match size {
                    Some(len) => format!("-rw-r--r-- 1 root root {len:>5} Jan  5 08:00 {n}\n"),
                    None => format!("drwxr-xr-x 2 root root  4096 Jan  5 08:00 {n}\n"),
                });
            }
            text
        } else {
            let names: Vec<&str> = names.iter().map(|(n, _)| n.as_str()).collect();
            if one_per_line {
                names.iter().map(|n| format!("{n}\n")).collect()
            } else {
                columns(&names, 80)
            }
        }
    };
    let mut res = CmdResult::default();
    let mut files = vec![];
    let mut dirs = vec![];
    for t in &targets {
        let path = fs::resolve(at.cwd, t);
        if at.fs.is_dir(&path) && !flags.contains('d') {
            dirs.push((t, path));
        } else if let Some(text) = at.fs.read(&path) {
            files.push((t.clone(), Some(text.len())));
        } else if at.fs.is_dir(&path) {
            files.push((t.clone(), None));
        } else {
            res.output.err(format!(
                "ls: cannot access '{t}': No such file or directory\n"
            ));
            res.code = 2;
        }
    }
    let mut sections = vec![];
    if !files.is_empty() {
        sections.push(lay_out(&files));
    }
    for (t, dir) in &dirs {
        let names: Vec<(String, Option<usize>)> = at
            .fs
            .list(dir)
            .into_iter()
            .filter(|n| all || !n.starts_with('.'))
            .map(|n| {
                let size = at.fs.read(&fs::resolve(dir, &n)).map(str::len);
                (n, size)
            })
            .collect();
        let mut text = String::new();
        if targets.len() > 1 {
            text.push_str(&format!("{t}:\n"));
        }
        if long {
            text.push_str(&format!("total {}\n", names.len() * 4));
        }
        text.push_str(&lay_out(&names));
        sections.push(text);
    }
    res.output.out(sections.join("\n"));
    res
}

/// Names laid out as GNU ls does on a terminal `width` columns wide: down the rows,
/// then across, in as many columns as fit, each as wide as its longest name plus two.
fn columns(names: &[&str], width: usize) -> String {
    let n = names.len();
    if n == 0 {
        return String::new();
    }
    let len = |s: &&str| s.chars().count();
    let widths = |rows: usize| -> Vec<usize> {
        names
            .chunks(rows)
            .map(|col| col.iter().map(len).max().unwrap_or(0))
            .collect()
    };
    let rows = (1..=n)
        .find(|&rows| {
            let w = widths(rows);
            w.iter().sum::<usize>() + 2 * (w.len() - 1) < width
        })
        .unwrap_or(n);
    let w = widths(rows);
    let mut text = String::new();
    for r in 0..rows {
        let mut c = 0;
        while let Some(name) = names.get(c * rows + r) {
            text.push_str(name);
            if names.get((c + 1) * rows + r).is_some() {
                text.push_str(&" ".repeat(w[c] + 2 - len(name)));
            }
            c += 1;
        }
        text.push('\n');
    }
    text
}

fn head_tail(at: &At<'_>, head: bool, args: &[String], stdin: Option<String>) -> CmdResult {
    let mut n = 10usize;
    let mut files = vec![];
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-n" {
            n = args
                .get(i + 1)
                .and_then(|v| v.trim_start_matches('+').parse().ok())
                .unwrap_or(10);
            i += 2;
            continue;
        }
        if let Some(num) = a
            .strip_prefix("-n")
            .or_else(|| a.strip_prefix('-'))
            .and_then(|v| v.parse().ok())
        {
            n = num;
        } else {
            files.push(a);
        }
        i += 1;
    }
    let name = if head { "head" } else { "tail" };
    let text = match inputs(at, name, &files, stdin) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let lines: Vec<&str> = text.lines().collect();
    let picked = if head {
        &lines[..n.min(lines.len())]
    } else {
        &lines[lines.len().saturating_sub(n)..]
    };
    CmdResult::ok(picked.iter().map(|l| format!("{l}\n")).collect::<String>())
}

fn wc(at: &At<'_>, args: &[String], stdin: Option<String>) -> CmdResult {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .map(|a| a.trim_start_matches('-'))
        .collect();
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let text = match inputs(at, "wc", &files, stdin) {
        Ok(t) => t,
        Err(e) => return e,
    };
    let lines = text.matches('\n').count();
    let words = text.split_whitespace().count();
    let bytes = text.len();
    let suffix = files.first().map(|f| format!(" {f}")).unwrap_or_default();
    let out = match flags.as_str() {
        "l" => format!("{lines}{suffix}\n"),
        "w" => format!("{words}{suffix}\n"),
        "c" | "m" => format!("{bytes}{suffix}\n"),
        _ if files.is_empty() => format!("{lines:>7} {words:>7} {bytes:>7}\n"),
        _ => format!("{lines} {words} {bytes}{suffix}\n"),
    };
    CmdResult::ok(out)
}

/// `date [-u] [+FORMAT]`: the cluster's virtual time (the node's clock), in UTC.
fn date(cluster: &Cluster, args: &[String]) -> CmdResult {
    let mut format = "%a %b %e %H:%M:%S UTC %Y";
    for a in args {
        match a.as_str() {
            "-u" | "--utc" => {}
            f if f.starts_with('+') => format = &f[1..],
            other => {
                return CmdResult::fail(
                    format!("date: {other} is not supported in Kubarium yet\n"),
                    1,
                )
            }
        }
    }
    CmdResult::ok(format!("{}\n", strftime(cluster, format)))
}

/// The cluster's time (UTC) in a `date +FORMAT` format.
pub fn strftime(cluster: &Cluster, format: &str) -> String {
    strftime_at(cluster.now(), format)
}

/// Cluster time `t` (UTC) in a `date +FORMAT` format.
pub fn strftime_at(t: Millis, format: &str) -> String {
    use crate::clock::{civil, epoch_seconds, MONTHS, WEEKDAYS};
    let secs = epoch_seconds() + t.div_euclid(1000);
    let c = civil(secs);
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&c.year.to_string()),
            Some('m') => out.push_str(&format!("{:02}", c.month)),
            Some('d') => out.push_str(&format!("{:02}", c.day)),
            Some('e') => out.push_str(&format!("{:>2}", c.day)),
            Some('H') => out.push_str(&format!("{:02}", c.hour)),
            Some('M') => out.push_str(&format!("{:02}", c.minute)),
            Some('S') => out.push_str(&format!("{:02}", c.second)),
            Some('s') => out.push_str(&secs.to_string()),
            Some('F') => out.push_str(&format!("{}-{:02}-{:02}", c.year, c.month, c.day)),
            Some('T') => out.push_str(&format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second)),
            Some('a') => out.push_str(WEEKDAYS[c.weekday as usize]),
            Some('b') => out.push_str(MONTHS[(c.month - 1) as usize]),
            Some('j') => out.push_str(&format!("{:03}", c.yday)),
            Some('Z') => out.push_str("UTC"),
            Some('z') => out.push_str("+0000"),
            Some('%') => out.push('%'),
            Some('n') => out.push('\n'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

fn sleep(cluster: &mut Cluster, args: &[String]) -> CmdResult {
    let Some(arg) = args.first() else {
        return CmdResult::fail(
            "sleep: missing operand\nTry 'sleep --help' for more information.\n",
            1,
        );
    };
    match duration(arg) {
        Some(Some(ms)) if ms <= 7 * 86_400 * SECOND => {
            cluster.advance(ms);
            CmdResult::default()
        }
        Some(None) => CmdResult::fail(
            "sleep: sleeping for ever is not supported in Kubarium yet (the prompt would not come back)\n",
            1,
        ),
        _ => CmdResult::fail(
            format!(
                "sleep: invalid time interval '{arg}'\nTry 'sleep --help' for more information.\n"
            ),
            1,
        ),
    }
}

/// `sleep`'s argument (`5`, `1.5m`, `2h`, `1d`) in milliseconds; `Some(None)` for
/// `infinity`; `None` when it is no time.
pub(crate) fn duration(arg: &str) -> Option<Option<Millis>> {
    if arg == "infinity" || arg == "inf" {
        return Some(None);
    }
    let (num, mult) = match arg.chars().last() {
        Some('s') => (&arg[..arg.len() - 1], 1.0),
        Some('m') => (&arg[..arg.len() - 1], 60.0),
        Some('h') => (&arg[..arg.len() - 1], 3600.0),
        Some('d') => (&arg[..arg.len() - 1], 86400.0),
        _ => (arg, 1.0),
    };
    let n: f64 = num
        .parse()
        .ok()
        .filter(|n: &f64| *n >= 0.0 && n.is_finite())?;
    Some(Some((n * mult * SECOND as f64) as Millis))
}

fn alias(sh: &mut Shell, args: &[String]) -> CmdResult {
    if args.is_empty() {
        let text: String = sh
            .aliases
            .iter()
            .map(|(k, v)| format!("alias {k}='{v}'\n"))
            .collect();
        return CmdResult::ok(text);
    }
    let mut out = Output::default();
    let mut code = 0;
    for a in args {
        match a.split_once('=') {
            Some((k, v)) => {
                sh.aliases.insert(k.to_string(), v.to_string());
            }
            None => match sh.aliases.get(a) {
                Some(v) => out.out(format!("alias {a}='{v}'\n")),
                None => {
                    out.err(format!("bash: alias: {a}: not found\n"));
                    code = 1;
                }
            },
        }
    }
    CmdResult { output: out, code }
}
