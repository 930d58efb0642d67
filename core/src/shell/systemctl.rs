//! `systemctl` and `journalctl` on a machine: the kubelet's and containerd's units, as
//! systemd 255 on Ubuntu 24.04 shows and controls them.

use crate::clock::{civil, epoch_seconds, Millis, MONTHS, WEEKDAYS};
use crate::cluster::Cluster;
use crate::command::CmdResult;
use crate::host::service::{timespan, usage, Refusal};
use crate::host::systemd::{Ended, Entry, State, Unit};

/// `Mon 2026-01-05 08:00:00 UTC`.
fn timestamp(t: Millis) -> String {
    let c = civil(epoch_seconds() + t.div_euclid(1000));
    format!(
        "{} {:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        WEEKDAYS[c.weekday as usize], c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// systemd's relative time (format_timestamp_relative_full): `429ms ago`, `1min 5s ago`
/// up to 5 minutes, `12min ago` up to an hour, `1h 5min ago`, `7h ago` from 6 h,
/// `1 day 3h ago`, `3 days ago`, `2 weeks 1 day ago`, `1 month 3 days ago`.
fn ago(ms: Millis) -> String {
    const MIN: Millis = 60_000;
    const HOUR: Millis = 60 * MIN;
    const DAY: Millis = 24 * HOUR;
    const WEEK: Millis = 7 * DAY;
    const MONTH: Millis = 2_629_800_000;
    const YEAR: Millis = 31_557_600_000;
    let d = ms.max(0);
    let plural =
        |n: Millis, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let text = if d >= YEAR {
        format!(
            "{} {}",
            plural(d / YEAR, "year", "years"),
            plural(d % YEAR / MONTH, "month", "months")
        )
    } else if d >= MONTH {
        format!(
            "{} {}",
            plural(d / MONTH, "month", "months"),
            plural(d % MONTH / DAY, "day", "days")
        )
    } else if d >= WEEK {
        format!(
            "{} {}",
            plural(d / WEEK, "week", "weeks"),
            plural(d % WEEK / DAY, "day", "days")
        )
    } else if d >= 2 * DAY {
        format!("{} days", d / DAY)
    } else if d >= 25 * HOUR {
        format!("1 day {}h", (d - DAY) / HOUR)
    } else if d >= 6 * HOUR {
        format!("{}h", d / HOUR)
    } else if d >= HOUR {
        format!("{}h {}min", d / HOUR, d % HOUR / MIN)
    } else if d >= 5 * MIN {
        format!("{}min", d / MIN)
    } else if d >= MIN {
        format!("{}min {}s", d / MIN, d % MIN / 1000)
    } else if d >= 1000 {
        format!("{}s", d / 1000)
    } else if d > 0 {
        format!("{d}ms")
    } else {
        return "now".into();
    };
    format!("{text} ago")
}

/// A journal line as journalctl's short format prints it.
fn journal_line(e: &Entry, host: &str) -> String {
    let c = civil(epoch_seconds() + e.at.div_euclid(1000));
    format!(
        "{} {:02} {:02}:{:02}:{:02} {host} {}[{}]: {}\n",
        MONTHS[(c.month - 1) as usize],
        c.day,
        c.hour,
        c.minute,
        c.second,
        e.ident,
        e.pid,
        e.message
    )
}

fn ended(code: i32) -> &'static str {
    if code == 0 {
        "code=exited, status=0/SUCCESS"
    } else {
        "code=exited, status=1/FAILURE"
    }
}

/// `systemctl status UNIT`.
fn status(
    u: &Unit,
    host: &str,
    journal: &[Entry],
    now: Millis,
    command: &[String],
) -> (String, i32) {
    let (bullet, active, code) = match &u.state {
        State::Running { since, .. } => (
            "●",
            format!(
                "active (running) since {}; {}",
                timestamp(*since),
                ago(now - since)
            ),
            0,
        ),
        State::Dead { since, last } => (
            "○",
            format!(
                "inactive (dead){} since {}; {}",
                // The result of its last run, when that was not a success.
                if last.is_some_and(|(_, _, code)| code != 0) {
                    " (Result: exit-code)"
                } else {
                    ""
                },
                timestamp(*since),
                ago(now - since)
            ),
            3,
        ),
        State::AutoRestart { since, .. } => (
            "●",
            format!(
                "activating (auto-restart) (Result: exit-code) since {}; {}",
                timestamp(*since),
                ago(now - since)
            ),
            3,
        ),
    };
    let enabled = if u.enabled { "enabled" } else { "disabled" };
    let mut s = format!(
        "{bullet} {}.service - {}\n     Loaded: loaded ({}; {enabled}; preset: enabled)\n",
        u.name, u.description, u.fragment
    );
    if let Some((dir, files)) = u.drop_ins {
        s.push_str(&format!("    Drop-In: {dir}\n"));
        for (i, f) in files.iter().enumerate() {
            let branch = if i + 1 == files.len() {
                "└─"
            } else {
                "├─"
            };
            s.push_str(&format!("             {branch}{f}\n"));
        }
    }
    s.push_str(&format!("     Active: {active}\n"));
    let exec = u
        .loaded
        .iter()
        .flat_map(|(_, t)| t.as_deref().unwrap_or("").lines())
        .filter_map(|l| l.trim().strip_prefix("ExecStart="))
        .rfind(|l| !l.is_empty())
        .unwrap_or("")
        .to_string();
    let last: Option<Ended> = match &u.state {
        State::Dead { last, .. } => *last,
        State::AutoRestart { last, .. } => Some(*last),
        State::Running { .. } => None,
    };
    if let (State::Dead { .. }, Some((_, started, code))) = (&u.state, &last) {
        let ran = if *code == 0 {
            match &u.state {
                State::Dead { since, .. } => since - started,
                _ => 0,
            }
        } else {
            84
        };
        s.push_str(&format!("   Duration: {}\n", timespan(ran)));
    }
    s.push_str(&format!("       Docs: {}\n", u.docs));
    match (&u.state, &last) {
        (State::Running { pid, since }, _) => {
            let binary = command
                .first()
                .map_or(u.name, |c| c.rsplit('/').next().unwrap_or(u.name));
            let (cpu, peak) = usage(now - since);
            s.push_str(&format!(
                "   Main PID: {pid} ({binary})\n      Tasks: {} (limit: 4655)\n     Memory: {:.1}M (peak: {peak:.1}M)\n        CPU: {}\n     CGroup: /system.slice/{}.service\n             └─{pid} {}\n",
                if u.name == "kubelet" { 12 } else { 9 },
                peak - 0.8,
                timespan(cpu),
                u.name,
                command.join(" ")
            ));
        }
        (state, Some((pid, started, code))) => {
            let cpu = if *code == 0 {
                match state {
                    State::Dead { since, .. } => usage(since - started).0,
                    _ => 0,
                }
            } else {
                61 + (*pid as Millis % 50)
            };
            s.push_str(&format!(
                "    Process: {pid} ExecStart={exec} ({})\n   Main PID: {pid} ({})\n        CPU: {}\n",
                ended(*code),
                ended(*code),
                timespan(cpu),
            ));
        }
        _ => {}
    }
    // Only what was logged since the unit last left the inactive state.
    let lines: Vec<&Entry> = journal
        .iter()
        .skip(u.shown_from)
        .filter(|e| e.unit == u.name)
        .collect();
    if !lines.is_empty() {
        s.push('\n');
        for e in &lines[lines.len().saturating_sub(10)..] {
            s.push_str(&journal_line(e, host));
        }
    }
    (s, code)
}

/// `systemctl VERB [UNIT...]`.
pub fn systemctl(cluster: &mut Cluster, host: &str, args: &[String]) -> CmdResult {
    let words: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| {
            !matches!(
                *a,
                "--no-pager" | "-l" | "--full" | "--now" | "-q" | "--quiet"
            )
        })
        .collect();
    let Some((&verb, units)) = words.split_first() else {
        return CmdResult::fail(
            "systemctl: listing units is not supported in Kubarium yet\n",
            1,
        );
    };
    if verb == "daemon-reload" {
        let i = host_index(cluster, host);
        let h = &mut cluster.hosts_mut()[i];
        for u in h.systemd.units.iter_mut() {
            u.load(&h.fs);
        }
        return CmdResult::default();
    }
    if units.is_empty() {
        return CmdResult::fail("Too few arguments.\n", 1);
    }
    let mut out = String::new();
    let mut err = String::new();
    let mut code = 0;
    for unit in units {
        let name = unit.trim_end_matches(".service");
        let i = host_index(cluster, host);
        let known = cluster.hosts()[i].systemd.unit(name).is_some();
        let changed = cluster.hosts()[i]
            .systemd
            .unit(name)
            .is_some_and(|u| u.changed_on_disk(&cluster.hosts()[i].fs));
        match verb {
            "status" => {
                let h = &cluster.hosts()[i];
                let Some(u) = h.systemd.unit(name) else {
                    err.push_str(&format!("Unit {name}.service could not be found.\n"));
                    code = 4;
                    continue;
                };
                if changed {
                    err.push_str(&format!("Warning: The unit file, source configuration file or drop-ins of {name}.service changed on disk. Run 'systemctl daemon-reload' to reload units.\n"));
                }
                let command = u.command_line(&h.fs);
                let (text, c) = status(u, &h.name, &h.systemd.journal, cluster.now(), &command);
                out.push_str(&text);
                code = code.max(c);
            }
            "is-active" => {
                let state = match cluster.hosts()[i].systemd.unit(name).map(|u| &u.state) {
                    Some(State::Running { .. }) => "active",
                    Some(State::AutoRestart { .. }) => "activating",
                    _ => "inactive",
                };
                out.push_str(&format!("{state}\n"));
                if !known {
                    code = 4;
                } else if state != "active" {
                    code = code.max(3);
                }
            }
            "is-enabled" => match cluster.hosts()[i].systemd.unit(name) {
                Some(u) => {
                    out.push_str(if u.enabled { "enabled\n" } else { "disabled\n" });
                    if !u.enabled {
                        code = 1;
                    }
                }
                None => {
                    out.push_str("not-found\n");
                    code = 4;
                }
            },
            "enable" | "disable" => {
                let h = &mut cluster.hosts_mut()[i];
                let Some(u) = h.systemd.unit_mut(name) else {
                    err.push_str(&format!(
                        "Failed to {verb} unit: Unit file {name}.service does not exist.\n"
                    ));
                    code = 1;
                    continue;
                };
                let link = format!("/etc/systemd/system/multi-user.target.wants/{name}.service");
                if verb == "enable" && !u.enabled {
                    err.push_str(&format!("Created symlink {link} → {}.\n", u.fragment));
                } else if verb == "disable" && u.enabled {
                    err.push_str(&format!("Removed \"{link}\".\n"));
                }
                u.enabled = verb == "enable";
            }
            "start" | "stop" | "restart" => {
                if !known {
                    let action = verb.to_string();
                    let what = if verb == "stop" {
                        "not loaded"
                    } else {
                        "not found"
                    };
                    err.push_str(&format!(
                        "Failed to {action} {name}.service: Unit {name}.service {what}.\n"
                    ));
                    code = 5;
                    continue;
                }
                if changed && verb != "stop" {
                    err.push_str(&format!("Warning: The unit file, source configuration file or drop-ins of {name}.service changed on disk. Run 'systemctl daemon-reload' to reload units.\n"));
                }
                let done = match verb {
                    "start" => cluster.start_unit(host, name),
                    "stop" => cluster.stop_unit(host, name),
                    _ => cluster.restart_unit(host, name),
                };
                if done == Err(Refusal::NotYet) {
                    return CmdResult::fail(
                        format!("systemctl {verb} {name}: not supported in Kubarium yet (only the kubelet is started and stopped)\n"),
                        1,
                    );
                }
            }
            v => {
                return CmdResult::fail(
                    format!("systemctl {v}: not supported in Kubarium yet\n"),
                    1,
                );
            }
        }
    }
    let mut res = CmdResult::ok(out);
    if !err.is_empty() {
        res.output.err(err);
    }
    res.code = code;
    res
}

fn host_index(cluster: &Cluster, host: &str) -> usize {
    cluster.host_index(host).unwrap_or(0)
}

/// `journalctl [-u UNIT] [-n N] [--no-pager] [-x] [-e] [-r]`.
pub fn journalctl(cluster: &Cluster, host: &str, args: &[String]) -> CmdResult {
    let mut unit: Option<String> = None;
    let mut lines: Option<usize> = None;
    let mut reverse = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let value = |i: &mut usize| {
            *i += 1;
            args.get(*i).cloned().unwrap_or_default()
        };
        match a.as_str() {
            "-u" | "--unit" => unit = Some(value(&mut i)),
            "-n" | "--lines" => lines = value(&mut i).parse().ok(),
            "--no-pager" | "-x" | "--catalog" | "-l" | "--full" | "-q" | "--quiet" | "-b"
            | "--boot" => {}
            "-e" | "--pager-end" => lines = lines.or(Some(1000)),
            "-xe" | "-ex" => lines = lines.or(Some(1000)),
            "-r" | "--reverse" => reverse = true,
            "-f" | "--follow" => {
                return CmdResult::fail("journalctl -f: not supported in Kubarium yet (run journalctl again to see new lines)\n", 1);
            }
            s if s.starts_with("--unit=") => unit = Some(s["--unit=".len()..].to_string()),
            s if s.starts_with("-u") && s.len() > 2 => unit = Some(s[2..].to_string()),
            s if s.starts_with("--lines=") => lines = s["--lines=".len()..].parse().ok(),
            s if s.starts_with("-n") && s.len() > 2 => lines = s[2..].parse().ok(),
            s => {
                return CmdResult::fail(
                    format!("journalctl {s}: not supported in Kubarium yet\n"),
                    1,
                );
            }
        }
        i += 1;
    }
    let h = &cluster.hosts()[host_index(cluster, host)];
    let wanted = unit.as_deref().map(|u| u.trim_end_matches(".service"));
    let mut entries: Vec<&Entry> = h
        .systemd
        .journal
        .iter()
        .filter(|e| wanted.is_none_or(|u| e.unit == u))
        .collect();
    if let Some(n) = lines {
        entries = entries.split_off(entries.len().saturating_sub(n));
    }
    if reverse {
        entries.reverse();
    }
    if entries.is_empty() {
        return CmdResult::ok("-- No entries --\n");
    }
    CmdResult::ok(
        entries
            .iter()
            .map(|e| journal_line(e, &h.name))
            .collect::<String>(),
    )
}
