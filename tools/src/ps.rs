//! procps' `ps` on a node: every process (`ps aux`, `ps -ef`, `ps -e`, `ps -A`) or the
//! terminal's own (`ps`), in procps-ng's BSD, full and default formats, from the node's
//! processes as the core lists them. Images' default commands (what a container runs
//! when its spec names none) live here too, as `ps` shows them.

use serde::{Deserialize, Serialize};

use crate::command::CmdResult;
use crate::time::{civil, Millis, SECOND};

/// A process on the node.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Process {
    pub pid: u32,
    pub ppid: u32,
    /// When it started (cluster time).
    pub started: Millis,
    /// CPU time it has used, in milliseconds.
    pub cpu_ms: u64,
    /// Resident memory, in KiB (0 for a kernel thread).
    pub rss_kib: u64,
    /// Its terminal (`pts/0`), if it has one.
    pub tty: Option<String>,
    /// BSD state letters (`Ss`, `Sl`, `R+`).
    pub stat: String,
    /// Its command line; a kernel thread's name shows in brackets.
    pub argv: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub args: Vec<String>,
    pub processes: Vec<Process>,
    pub now: Millis,
    /// The node's memory, in KiB (for %MEM).
    pub memory_kib: u64,
}

/// What a container runs when its spec gives no command, as `ps` shows it: its image's
/// entrypoint and command (by repository, without registry or tag).
pub fn default_command(repository: &str) -> &'static str {
    match repository.rsplit('/').next().unwrap_or(repository) {
        "nginx" => "nginx: master process nginx -g daemon off;",
        "httpd" => "httpd -DFOREGROUND",
        "redis" => "redis-server *:6379",
        "mysql" => "mysqld",
        "postgres" => "postgres",
        "memcached" => "memcached",
        "mongo" => "mongod --bind_ip_all",
        "pause" => "/pause",
        "busybox" | "alpine" => "sh",
        "ubuntu" | "debian" => "bash",
        "python" => "python3",
        "node" => "node",
        "agnhost" => "/agnhost pause",
        _ => "",
    }
}

fn minutes_seconds(ms: u64) -> String {
    let s = ms / 1000;
    format!("{}:{:02}", s / 60, s % 60)
}

fn hours_minutes_seconds(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// START or STIME: the time of day for a process started today, else month and day.
fn start(started: Millis, now: Millis) -> String {
    let c = civil(started / SECOND);
    if now - started < 24 * 3600 * SECOND {
        format!("{:02}:{:02}", c.hour, c.minute)
    } else {
        format!("{}{:02}", crate::time::MONTHS[c.month as usize - 1], c.day)
    }
}

fn command(p: &Process) -> String {
    p.argv.join(" ")
}

/// The request loop a container's command line runs, if it is one: a shell loop
/// (`while`, `until` or `for`) around `wget` or `curl` of an `http://` or `https://`
/// URL, read as the host, the port and the pause between requests (milliseconds: the
/// `sleep`s in it).
pub fn request_loop(argv: &[String]) -> Option<(String, u16, Millis)> {
    let script = argv.join(" ");
    let words: Vec<&str> = script
        .split(|c: char| c.is_whitespace() || c == ';')
        .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    let looping = words
        .iter()
        .any(|w| matches!(*w, "while" | "until" | "for"));
    let fetches = words
        .iter()
        .any(|w| matches!(w.rsplit('/').next(), Some("wget" | "curl")));
    if !looping || !fetches {
        return None;
    }
    let (url, default_port) = words.iter().find_map(|w| {
        w.strip_prefix("http://")
            .map(|u| (u, 80))
            .or_else(|| w.strip_prefix("https://").map(|u| (u, 443)))
    })?;
    let authority = url.split('/').next().unwrap_or("");
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (authority, default_port),
    };
    if host.is_empty() {
        return None;
    }
    let pause = words
        .windows(2)
        .filter(|w| w[0] == "sleep")
        .filter_map(|w| w[1].parse::<f64>().ok())
        .map(|s| (s * 1000.0) as Millis)
        .sum();
    Some((host.to_string(), port, pause))
}

/// Runs `ps` with `args`.
pub fn run(req: &Request) -> CmdResult {
    let mut all = false;
    let mut format = "default";
    for a in &req.args {
        match a.as_str() {
            "aux" | "axu" | "uax" | "xau" | "-aux" => {
                all = true;
                format = "user";
            }
            "-ef" | "-fe" | "-eF" | "-Af" | "-fA" => {
                all = true;
                format = "full";
            }
            "-e" | "-A" | "ax" | "-ax" => all = true,
            "-f" => format = "full",
            "u" => format = "user",
            other => {
                return CmdResult::fail(
                    format!("ps: option {other:?} is not supported in Kubarium yet\n"),
                    1,
                )
            }
        }
    }
    let procs: Vec<&Process> = req
        .processes
        .iter()
        .filter(|p| all || p.tty.as_deref() == Some("pts/0"))
        .collect();
    let mut out = String::new();
    match format {
        "user" => {
            out.push_str(
                "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n",
            );
            for p in procs {
                let elapsed = (req.now - p.started).max(SECOND) as u64;
                let cpu = p.cpu_ms as f64 * 100.0 / elapsed as f64;
                let mem = p.rss_kib as f64 * 100.0 / req.memory_kib.max(1) as f64;
                let vsz = if p.rss_kib == 0 {
                    0
                } else {
                    p.rss_kib * 3 + 1_200
                };
                out.push_str(&format!(
                    "{:<8} {:>7} {:>4.1} {:>4.1} {:>6} {:>5} {:<8} {:<4} {:>5} {:>6} {}\n",
                    "root",
                    p.pid,
                    cpu,
                    mem,
                    vsz,
                    p.rss_kib,
                    p.tty.as_deref().unwrap_or("?"),
                    p.stat,
                    start(p.started, req.now),
                    minutes_seconds(p.cpu_ms),
                    command(p),
                ));
            }
        }
        "full" => {
            out.push_str("UID          PID    PPID  C STIME TTY          TIME CMD\n");
            for p in procs {
                let elapsed = (req.now - p.started).max(SECOND) as u64;
                out.push_str(&format!(
                    "{:<8} {:>7} {:>7} {:>2} {:>5} {:<8} {:>8} {}\n",
                    "root",
                    p.pid,
                    p.ppid,
                    p.cpu_ms * 100 / elapsed,
                    start(p.started, req.now),
                    p.tty.as_deref().unwrap_or("?"),
                    hours_minutes_seconds(p.cpu_ms),
                    command(p),
                ));
            }
        }
        _ => {
            out.push_str("    PID TTY          TIME CMD\n");
            for p in procs {
                let name = p.argv.first().map_or("", |a| {
                    let a = a.trim_start_matches('-');
                    a.rsplit('/').next().unwrap_or(a)
                });
                out.push_str(&format!(
                    "{:>7} {:<8} {:>8} {}\n",
                    p.pid,
                    p.tty.as_deref().unwrap_or("?"),
                    hours_minutes_seconds(p.cpu_ms),
                    name
                ));
            }
        }
    }
    CmdResult::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn process(pid: u32, argv: &[&str], tty: Option<&str>) -> Process {
        Process {
            pid,
            ppid: 1,
            started: 0,
            cpu_ms: 2_000,
            rss_kib: 12_928,
            tty: tty.map(str::to_string),
            stat: "Ss".into(),
            argv: argv.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn request_loops() {
        let argv = |s: &str| vec!["/bin/sh".to_string(), "-c".to_string(), s.to_string()];
        let walkthrough = "while sleep 0.01; do wget -q -O- http://php-apache; done";
        assert_eq!(
            request_loop(&argv(walkthrough)),
            Some(("php-apache".into(), 80, 10))
        );
        let curl = "while true; do curl -s http://web.prod.svc:8080/x; sleep 1; done";
        assert_eq!(
            request_loop(&argv(curl)),
            Some(("web.prod.svc".into(), 8080, 1000))
        );
        assert_eq!(request_loop(&argv("wget -q -O- http://php-apache")), None);
        assert_eq!(request_loop(&argv("while true; do sleep 1; done")), None);
        assert_eq!(
            request_loop(&argv("while true; do wget http://:x; done")),
            None
        );
    }

    #[test]
    fn formats() {
        let req = |args: &[&str]| Request {
            args: args.iter().map(|a| a.to_string()).collect(),
            processes: vec![
                process(1, &["/sbin/init"], None),
                process(4242, &["-bash"], Some("pts/0")),
            ],
            now: 600 * SECOND,
            memory_kib: 4_000_000,
        };
        let cases: &[(&[&str], &str)] = &[
            (&["aux"], "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\nroot           1  0.3  0.3  39984 12928 ?        Ss   00:00   0:02 /sbin/init\nroot        4242  0.3  0.3  39984 12928 pts/0    Ss   00:00   0:02 -bash\n"),
            (&["-ef"], "UID          PID    PPID  C STIME TTY          TIME CMD\nroot           1       1  0 00:00 ?        00:00:02 /sbin/init\nroot        4242       1  0 00:00 pts/0    00:00:02 -bash\n"),
            (&[], "    PID TTY          TIME CMD\n   4242 pts/0    00:00:02 bash\n"),
            (&["--forest"], "ps: option \"--forest\" is not supported in Kubarium yet\n"),
        ];
        for (args, want) in cases {
            let got = run(&req(args));
            assert_eq!(got.output.text(), *want, "ps {args:?}");
        }
    }
}
