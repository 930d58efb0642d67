//! Starting and stopping a machine's services, as systemd does for `systemctl` and for
//! `Restart=always`: the kubelet process checks its flags and configuration as it
//! starts, and a failure is retried every `RestartSec`.

use super::systemd::{State, RESTART_SEC};
use crate::clock::Millis;
use crate::cluster::Cluster;
use crate::kubelet::startup;

/// Why a unit action could not be done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The machine has no such unit.
    NotLoaded,
    /// Kubarium does not model starting or stopping it yet.
    NotYet,
}

const KUBELET: &str = "kubelet";

impl Cluster {
    /// The index of machine `host` among `hosts()`.
    pub fn host_index(&self, host: &str) -> Option<usize> {
        self.hosts().iter().position(|h| h.name == host)
    }

    fn kubelet_index(&self, host: &str) -> Option<usize> {
        self.kubelets.iter().position(|k| k.node == host)
    }

    /// Starts `unit` on `host` (nothing when it runs already).
    pub fn start_unit(&mut self, host: &str, unit: &str) -> Result<(), Refusal> {
        let i = self.known_unit(host, unit)?;
        let running = matches!(
            self.hosts()[i].systemd.unit(unit).map(|u| &u.state),
            Some(State::Running { .. })
        );
        if running {
            return Ok(());
        }
        if unit.trim_end_matches(".service") != KUBELET {
            return Err(Refusal::NotYet);
        }
        self.run_kubelet(i, None);
        self.settle();
        Ok(())
    }

    /// Stops `unit` on `host`: the kubelet process ends (its containers go on).
    pub fn stop_unit(&mut self, host: &str, unit: &str) -> Result<(), Refusal> {
        let i = self.known_unit(host, unit)?;
        if unit.trim_end_matches(".service") != KUBELET {
            return Err(Refusal::NotYet);
        }
        let now = self.now();
        let sd = &mut self.hosts_mut()[i].systemd;
        let Some(u) = sd.unit_mut(KUBELET) else {
            return Ok(());
        };
        let description = u.description;
        let ran = match u.state.clone() {
            State::Running { pid, since } => {
                u.state = State::Dead {
                    since: now,
                    last: Some((pid, since, 0)),
                };
                Some((pid, now - since))
            }
            State::AutoRestart { last, .. } => {
                u.state = State::Dead {
                    since: now,
                    last: Some(last),
                };
                None
            }
            State::Dead { .. } => return Ok(()),
        };
        let stopped = format!("Stopped kubelet.service - {description}.");
        match ran {
            Some((pid, up)) => {
                sd.say(
                    now,
                    KUBELET,
                    format!("Stopping kubelet.service - {description}..."),
                );
                let line = crate::klog::line(
                    'I',
                    now,
                    312,
                    pid,
                    "dynamic_cafile_content.go:175",
                    "\"Shutting down controller\" name=\"client-ca-bundle::/etc/kubernetes/pki/ca.crt\"",
                );
                sd.log(now, KUBELET, KUBELET, pid, line);
                sd.say(now, KUBELET, "kubelet.service: Deactivated successfully.");
                sd.say(now, KUBELET, stopped);
                // systemd reports what the run used when it was more than a second of CPU.
                let (cpu, peak) = usage(up);
                if cpu >= 1000 {
                    sd.say(now, KUBELET, format!(
                        "kubelet.service: Consumed {} CPU time, {peak:.1}M memory peak, 0B memory swap peak.",
                        timespan(cpu)
                    ));
                }
            }
            None => sd.say(now, KUBELET, stopped),
        }
        if let Some(k) = self.kubelet_index(host) {
            self.kubelets[k].stop();
        }
        self.settle();
        Ok(())
    }

    /// Stops and starts `unit` again.
    pub fn restart_unit(&mut self, host: &str, unit: &str) -> Result<(), Refusal> {
        self.stop_unit(host, unit)?;
        self.start_unit(host, unit)
    }

    fn known_unit(&self, host: &str, unit: &str) -> Result<usize, Refusal> {
        let i = self.host_index(host).unwrap_or(0);
        match self.hosts()[i].systemd.unit(unit) {
            Some(_) => Ok(i),
            None => Err(Refusal::NotLoaded),
        }
    }

    /// Runs the kubelet's `ExecStart=` on machine `i` (after `restarts` failed starts).
    pub(super) fn run_kubelet(&mut self, i: usize, restarts: Option<u32>) {
        let now = self.now();
        let host = &mut self.hosts_mut()[i];
        let name = host.name.clone();
        let pid = host.systemd.pid();
        let sd = &mut host.systemd;
        let Some(unit) = sd.unit(KUBELET) else {
            return;
        };
        let description = unit.description;
        let argv = unit.command_line(&host.fs);
        let checked = startup::check(argv.get(1..).unwrap_or(&[]), &host.fs);
        if let Some(n) = restarts {
            sd.log(
                now,
                KUBELET,
                "systemd",
                1,
                format!("kubelet.service: Scheduled restart job, restart counter is at {n}."),
            );
        }
        sd.log(
            now,
            KUBELET,
            "systemd",
            1,
            format!("Started kubelet.service - {description}."),
        );
        match checked {
            Ok(started) => {
                let shown_from = sd.journal.len() - 1;
                if let Some(u) = sd.unit_mut(KUBELET) {
                    u.state = State::Running { pid, since: now };
                    u.shown_from = shown_from;
                }
                for line in startup::log_lines(&name, now, pid, &started, true) {
                    sd.log(now, KUBELET, KUBELET, pid, line);
                }
                if let Some(k) = self.kubelet_index(&name) {
                    self.kubelets[k].start(now, pid, started.static_pod_path);
                }
            }
            Err(e) => {
                let line = crate::klog::line(
                    'E',
                    now,
                    0,
                    pid,
                    "run.go:72",
                    &format!("\"command failed\" err={}", crate::klog::quote(&e)),
                );
                sd.log(now, KUBELET, KUBELET, pid, line);
                sd.log(
                    now,
                    KUBELET,
                    "systemd",
                    1,
                    "kubelet.service: Main process exited, code=exited, status=1/FAILURE".into(),
                );
                sd.log(
                    now,
                    KUBELET,
                    "systemd",
                    1,
                    "kubelet.service: Failed with result 'exit-code'.".into(),
                );
                let shown_from = sd.journal.len();
                if let Some(u) = sd.unit_mut(KUBELET) {
                    u.state = State::AutoRestart {
                        since: now,
                        at: now + RESTART_SEC,
                        last: (pid, now, 1),
                        restarts: restarts.unwrap_or(0),
                    };
                    u.shown_from = shown_from;
                }
            }
        }
    }

    /// Restarts the units whose `RestartSec` has passed.
    pub(crate) fn run_systemd(&mut self) {
        let now = self.now();
        for i in 0..self.hosts().len() {
            let due = self.hosts()[i]
                .systemd
                .unit(KUBELET)
                .and_then(|u| match u.state {
                    State::AutoRestart { at, restarts, .. } if at <= now => Some(restarts + 1),
                    _ => None,
                });
            if let Some(n) = due {
                self.run_kubelet(i, Some(n));
            }
        }
    }

    /// Moves what kubelets logged into their machines' journals.
    pub(crate) fn collect_logs(&mut self) {
        for k in 0..self.kubelets.len() {
            if self.kubelets[k].log.is_empty() {
                continue;
            }
            let lines = std::mem::take(&mut self.kubelets[k].log);
            let pid = self.kubelets[k].pid;
            let node = self.kubelets[k].node.clone();
            if let Some(i) = self.host_index(&node) {
                let sd = &mut self.hosts_mut()[i].systemd;
                for (at, line) in lines {
                    sd.log(at, KUBELET, KUBELET, pid, line);
                }
            }
        }
    }
}

/// What a process running for `up` has used: CPU time and peak memory (MiB). The
/// kubelet's, modelled: about 1.3% of a CPU, and 31 MiB growing slowly.
pub fn usage(up: Millis) -> (Millis, f64) {
    let up = up.max(0);
    (up / 75, 31.4 + (up / 60_000) as f64 * 0.3)
}

/// systemd's time span (format_timespan to the millisecond): `61ms`, `8.927s`,
/// `11min 5.361s`, `1h 2min 3s`.
pub fn timespan(ms: Millis) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let mut parts = vec![];
    let (d, h, m) = (ms / 86_400_000, ms / 3_600_000 % 24, ms / 60_000 % 60);
    for (n, unit) in [(d, "d"), (h, "h"), (m, "min")] {
        if n > 0 {
            parts.push(format!("{n}{unit}"));
        }
    }
    let (s, frac) = (ms / 1000 % 60, ms % 1000);
    if s > 0 || frac > 0 {
        let mut text = format!("{s}.{frac:03}");
        while text.ends_with('0') {
            text.pop();
        }
        parts.push(format!("{}s", text.trim_end_matches('.')));
    }
    parts.join(" ")
}
