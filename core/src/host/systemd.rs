//! systemd on a machine: the kubelet and containerd units as their packages install them,
//! each unit's state (running, stopped, waiting to restart after a failure) and main PID,
//! the unit files as last loaded, and the journal `systemctl status` and `journalctl`
//! read.

use crate::clock::{Millis, SECOND};
use crate::shell::fs::Fs;

/// A main process that ended: its PID, when it started, and its exit status (the
/// kubelet exits 0 on SIGTERM, 1 when it cannot start).
pub type Ended = (u32, Millis, i32);

/// A unit's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Running {
        pid: u32,
        since: Millis,
    },
    /// Stopped (`systemctl stop`), with how its last run ended.
    Dead {
        since: Millis,
        last: Option<Ended>,
    },
    /// Its process failed; `Restart=always` starts it again at `at`.
    AutoRestart {
        since: Millis,
        at: Millis,
        last: Ended,
        restarts: u32,
    },
}

/// A service unit.
#[derive(Debug, Clone)]
pub struct Unit {
    pub name: &'static str,
    pub description: &'static str,
    pub fragment: &'static str,
    /// Its drop-in directory and files, if it has any.
    pub drop_ins: Option<(&'static str, &'static [&'static str])>,
    pub docs: &'static str,
    pub enabled: bool,
    pub state: State,
    /// The unit file and drop-ins as `daemon-reload` (or boot) last read them.
    pub loaded: Vec<(String, Option<String>)>,
    /// The first journal line `systemctl status` shows: none from before the unit last
    /// left the inactive state.
    pub shown_from: usize,
}

/// A journal line: when, the unit it belongs to, who wrote it (`systemd`, `kubelet`)
/// with its PID, and the message.
#[derive(Debug, Clone)]
pub struct Entry {
    pub at: Millis,
    pub unit: &'static str,
    pub ident: &'static str,
    pub pid: u32,
    pub message: String,
}

/// A machine's systemd.
#[derive(Debug, Clone, Default)]
pub struct Systemd {
    pub units: Vec<Unit>,
    pub journal: Vec<Entry>,
    next_pid: u32,
}

/// `RestartSec=` of the kubelet's unit.
pub const RESTART_SEC: Millis = 10 * SECOND;

pub const KUBELET_UNIT: &str = "/usr/lib/systemd/system/kubelet.service";
pub const KUBELET_DROP_IN_DIR: &str = "/usr/lib/systemd/system/kubelet.service.d";

impl Systemd {
    /// The units a kubeadm node has, all running since `now`.
    pub fn node(node_name: &str, files: &Fs, now: Millis, seed: u64) -> Self {
        let mut sd = Systemd {
            units: vec![],
            journal: vec![],
            next_pid: 600 + (seed % 300) as u32,
        };
        for (name, description, fragment, drop_ins, docs) in [
            (
                "containerd",
                "containerd container runtime",
                "/usr/lib/systemd/system/containerd.service",
                None,
                "https://containerd.io",
            ),
            (
                "kubelet",
                "kubelet: The Kubernetes Node Agent",
                KUBELET_UNIT,
                Some((KUBELET_DROP_IN_DIR, &["10-kubeadm.conf"][..])),
                "https://kubernetes.io/docs/",
            ),
        ] {
            let pid = sd.pid();
            let mut unit = Unit {
                name,
                description,
                fragment,
                drop_ins,
                docs,
                enabled: true,
                state: State::Running { pid, since: now },
                loaded: vec![],
                shown_from: sd.journal.len(),
            };
            unit.load(files);
            let argv = unit.command_line(files);
            sd.units.push(unit);
            sd.say(
                now,
                name,
                format!("Started {name}.service - {description}."),
            );
            if name == "kubelet" {
                // Its first start, after `kubeadm init` or `join` wrote its configuration.
                let args = argv.get(1..).unwrap_or(&[]);
                if let Ok(started) = crate::kubelet::startup::check(args, files) {
                    let lines =
                        crate::kubelet::startup::log_lines(node_name, now, pid, &started, false);
                    for line in lines {
                        sd.log(now, name, "kubelet", pid, line);
                    }
                }
            }
        }
        sd
    }

    /// A new process ID.
    pub fn pid(&mut self) -> u32 {
        self.next_pid += 1 + self.next_pid % 7;
        self.next_pid
    }

    pub fn unit(&self, name: &str) -> Option<&Unit> {
        let name = name.strip_suffix(".service").unwrap_or(name);
        self.units.iter().find(|u| u.name == name)
    }

    pub fn unit_mut(&mut self, name: &str) -> Option<&mut Unit> {
        let name = name.strip_suffix(".service").unwrap_or(name);
        self.units.iter_mut().find(|u| u.name == name)
    }

    /// Writes a line to the journal.
    pub fn log(
        &mut self,
        at: Millis,
        unit: &'static str,
        ident: &'static str,
        pid: u32,
        message: String,
    ) {
        self.journal.push(Entry {
            at,
            unit,
            ident,
            pid,
            message,
        });
    }

    /// Writes one of systemd's own lines about `unit`.
    pub fn say(&mut self, at: Millis, unit: &'static str, message: impl Into<String>) {
        self.log(at, unit, "systemd", 1, message.into());
    }

    /// When a unit waiting to restart is due.
    pub fn next_restart(&self) -> Option<Millis> {
        self.units
            .iter()
            .filter_map(|u| match u.state {
                State::AutoRestart { at, .. } => Some(at),
                _ => None,
            })
            .min()
    }
}

impl Unit {
    /// The files systemd reads for this unit: the unit file, then its drop-ins.
    pub fn paths(&self) -> Vec<String> {
        let mut paths = vec![self.fragment.to_string()];
        if let Some((dir, files)) = self.drop_ins {
            paths.extend(files.iter().map(|f| format!("{dir}/{f}")));
        }
        paths
    }

    /// Reads the unit's files (boot, `daemon-reload`).
    pub fn load(&mut self, files: &Fs) {
        self.loaded = self
            .paths()
            .into_iter()
            .map(|p| {
                let text = files.read(&p).map(str::to_string);
                (p, text)
            })
            .collect();
    }

    /// Whether a unit file changed on disk since it was loaded.
    pub fn changed_on_disk(&self, files: &Fs) -> bool {
        self.loaded
            .iter()
            .any(|(p, text)| files.read(p) != text.as_deref())
    }

    /// The command line `ExecStart=` runs, with `Environment=` and `EnvironmentFile=`
    /// variables expanded as systemd does (environment files are read at each start).
    pub fn command_line(&self, files: &Fs) -> Vec<String> {
        let mut env: Vec<(String, String)> = vec![];
        let mut exec: Vec<String> = vec![];
        for (_, text) in &self.loaded {
            for line in text.as_deref().unwrap_or("").lines() {
                let line = line.trim();
                if let Some(v) = line.strip_prefix("Environment=") {
                    let v = v.trim_matches('"');
                    if let Some((k, val)) = v.split_once('=') {
                        env.push((k.to_string(), val.to_string()));
                    }
                } else if let Some(path) = line.strip_prefix("EnvironmentFile=") {
                    let path = path.trim_start_matches('-');
                    for l in files.read(path).unwrap_or("").lines() {
                        if let Some((k, val)) = l.trim().split_once('=') {
                            if !k.starts_with('#') {
                                env.push((k.to_string(), val.trim_matches('"').to_string()));
                            }
                        }
                    }
                } else if let Some(cmd) = line.strip_prefix("ExecStart=") {
                    exec = cmd.split_whitespace().map(str::to_string).collect();
                }
            }
        }
        let lookup = |name: &str| {
            env.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut argv = vec![];
        for word in exec {
            match word.strip_prefix('$') {
                // `$VAR` alone splits into words; an empty one disappears.
                Some(var) => argv.extend(lookup(var).split_whitespace().map(str::to_string)),
                None => argv.push(word),
            }
        }
        argv
    }
}
