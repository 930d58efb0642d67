//! The kubelet's probes: a worker per startup, liveness and readiness probe that probes
//! its container every period (after the initial delay), judged against what the pod
//! runs: its servers' ports and paths, and its files for exec probes. A result changes
//! after `failureThreshold` failures or `successThreshold` successes in a row; the
//! kubelet restarts a container whose liveness or startup result is a failure and counts
//! a container ready only while its readiness result is a success.

use std::collections::BTreeSet;

use serde_json::Value;

use super::programs::{self, Listener};
use super::script::{self, Context, Exec};
use crate::clock::{Millis, SECOND};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Startup,
    Liveness,
    Readiness,
}

impl Kind {
    /// As the kubelet's events name it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Startup => "Startup",
            Kind::Liveness => "Liveness",
            Kind::Readiness => "Readiness",
        }
    }
}

/// A probe's result, as the kubelet keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Success,
    Failure,
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
enum Handler {
    Exec(Vec<String>),
    Http {
        https: bool,
        host: Option<String>,
        port: Value,
        path: String,
    },
    Tcp {
        host: Option<String>,
        port: Value,
    },
    Grpc {
        port: i64,
    },
}

/// One probe of one container, and where it stands.
#[derive(Debug, Clone)]
pub struct Worker {
    pub kind: Kind,
    handler: Handler,
    initial_delay: Millis,
    period: Millis,
    timeout: Millis,
    success_threshold: u32,
    failure_threshold: u32,
    /// The probe's own terminationGracePeriodSeconds, for a kill it causes.
    pub grace: Option<Millis>,
    /// The result the kubelet acts on.
    pub result: Verdict,
    /// The last probe's result, and how many times in a row it came.
    last: Option<Verdict>,
    run: u32,
    /// After a liveness or startup failure: no probing until the container is replaced.
    on_hold: bool,
    /// Its ticks: every period from `anchor`; the next probe is at `next`.
    anchor: Millis,
    pub next: Millis,
}

/// A running container as a probe reaches it: what listens in it, how long it has run,
/// and its files.
pub type Server<'a> = (Vec<(u16, Listener)>, Millis, &'a BTreeSet<String>);

/// The pod as a probe reaches it.
pub struct Target<'a> {
    /// The pod's IP, and the node's (a probe's `host` may name either, or loopback).
    pub ip: &'a str,
    pub host_ip: &'a str,
    /// The probed container's named ports.
    pub ports: &'a [(String, i64)],
    /// Every running container of the pod.
    pub servers: Vec<Server<'a>>,
    /// The probed container: its own process's command when that is a script, its
    /// files and environment, and its start (cluster time) and age.
    pub main: Option<&'a [String]>,
    pub ctx: Context<'a>,
    /// What commands run in it (`kubectl exec`) changed in its files.
    pub changes: &'a [script::Change],
    /// Whether etcd runs on the node (the API server's health checks it).
    pub etcd_up: bool,
    pub started: (Millis, Millis),
}

/// What probing once found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub verdict: Verdict,
    /// The probe's output (for a failure, what the event says).
    pub output: String,
    /// An error rather than a result: the kubelet reports it and keeps its result.
    pub error: Option<String>,
    /// Until when (container age) the same probe would find the same.
    pub holds_until: Millis,
}

fn millis(v: &Value, default: i64) -> Millis {
    v.as_i64().unwrap_or(default).saturating_mul(SECOND)
}

impl Worker {
    /// Whether it runs a command in the container.
    pub fn execs(&self) -> bool {
        matches!(self.handler, Handler::Exec(_))
    }

    /// The worker for a container's probe spec, ticking from `anchor`.
    pub fn new(kind: Kind, spec: &Value, anchor: Millis) -> Option<Self> {
        if !spec.is_object() {
            return None;
        }
        let host = |h: &Value| {
            h["host"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let handler = if let Some(cmd) = spec["exec"]["command"].as_array() {
            Handler::Exec(
                cmd.iter()
                    .map(|a| a.as_str().unwrap_or("").to_string())
                    .collect(),
            )
        } else if spec["httpGet"].is_object() {
            let h = &spec["httpGet"];
            Handler::Http {
                https: h["scheme"].as_str() == Some("HTTPS"),
                host: host(h),
                port: h["port"].clone(),
                path: h["path"].as_str().unwrap_or("/").to_string(),
            }
        } else if spec["tcpSocket"].is_object() {
            Handler::Tcp {
                host: host(&spec["tcpSocket"]),
                port: spec["tcpSocket"]["port"].clone(),
            }
        } else if spec["grpc"].is_object() {
            Handler::Grpc {
                port: spec["grpc"]["port"].as_i64().unwrap_or(0),
            }
        } else {
            return None;
        };
        let count =
            |k: &str, d: i64| spec[k].as_i64().unwrap_or(d).clamp(1, i64::from(u32::MAX)) as u32;
        Some(Worker {
            kind,
            handler,
            initial_delay: millis(&spec["initialDelaySeconds"], 0),
            period: millis(&spec["periodSeconds"], 10).max(SECOND),
            timeout: millis(&spec["timeoutSeconds"], 1).max(SECOND),
            success_threshold: count("successThreshold", 1),
            failure_threshold: count("failureThreshold", 3),
            grace: spec["terminationGracePeriodSeconds"]
                .as_i64()
                .map(|s| s.saturating_mul(SECOND)),
            result: Verdict::Unknown,
            last: None,
            run: 0,
            on_hold: false,
            anchor,
            next: Millis::MAX,
        })
    }

    /// The first tick after `t`.
    fn tick_after(&self, t: Millis) -> Millis {
        if t < self.anchor {
            return self.anchor;
        }
        self.anchor + ((t - self.anchor) / self.period + 1) * self.period
    }

    /// A new container started at `now`: results start afresh (readiness not ready,
    /// liveness alive, startup unknown) and probing resumes; readiness is probed at
    /// once (the kubelet asks for it while a container is not ready).
    pub fn container_started(&mut self, now: Millis) {
        self.result = match self.kind {
            Kind::Readiness => Verdict::Failure,
            Kind::Liveness => Verdict::Success,
            Kind::Startup => Verdict::Unknown,
        };
        self.last = None;
        self.run = 0;
        self.on_hold = false;
        self.next = if self.kind == Kind::Readiness {
            now
        } else {
            self.tick_after(now - 1)
        };
    }

    /// Something it may find changed (a command run in the pod changed its files):
    /// probe again at the next tick.
    pub fn wake(&mut self, now: Millis) {
        if !self.on_hold {
            self.next = self.next.min(self.tick_after(now - 1));
        }
    }

    /// Probes now if due and the container's age allows; `enabled` is false for a
    /// liveness or readiness probe before the startup probe has succeeded. Returns what
    /// it found when it probed; the worker's result changes when a threshold is reached.
    pub fn tick(&mut self, now: Millis, enabled: bool, target: &Target<'_>) -> Option<Outcome> {
        if now < self.next {
            return None;
        }
        self.next = self.tick_after(now);
        if self.on_hold {
            self.next = Millis::MAX;
            return None;
        }
        let age = target.started.1;
        if !enabled || age.div_euclid(SECOND) < self.initial_delay / SECOND {
            return None;
        }
        // The startup probe stops once it has succeeded.
        if self.kind == Kind::Startup && self.result == Verdict::Success {
            self.next = Millis::MAX;
            return None;
        }
        let outcome = self.probe(target);
        if outcome.error.is_some() {
            return Some(outcome);
        }
        let verdict = outcome.verdict;
        if self.last == Some(verdict) {
            self.run = self.run.saturating_add(1);
        } else {
            self.last = Some(verdict);
            self.run = 1;
        }
        let threshold = match verdict {
            Verdict::Failure => self.failure_threshold,
            _ => self.success_threshold,
        };
        if self.run >= threshold {
            self.result = verdict;
            if self.kind != Kind::Readiness && verdict == Verdict::Failure {
                self.on_hold = true;
                self.run = 0;
            }
            // A steady success is not probed again until what it found can change.
            if verdict == Verdict::Success && outcome.holds_until > age {
                self.next = match outcome.holds_until {
                    Millis::MAX => Millis::MAX,
                    until => self.next.max(self.tick_after(target.started.0 + until - 1)),
                };
            }
        }
        Some(outcome)
    }

    /// The port a probe names, by number or by the container's port name.
    fn port(port: &Value, target: &Target<'_>) -> Result<u16, String> {
        let n = match port {
            Value::Number(n) => n.as_i64().unwrap_or(-1),
            Value::String(name) => target
                .ports
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, p)| *p)
                .or_else(|| name.parse().ok())
                .ok_or_else(|| format!("unable to find port {name:?} in container"))?,
            _ => -1,
        };
        u16::try_from(n)
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("invalid port number: {n}"))
    }

    /// Whether `host` reaches this pod: its IP, the node's (for a pod on the host's
    /// network), or loopback.
    fn reaches(host: &Option<String>, target: &Target<'_>) -> bool {
        match host.as_deref() {
            None => true,
            Some(h) => {
                h == target.ip
                    || ["127.0.0.1", "localhost", "::1"].contains(&h)
                    || (target.ip == target.host_ip && h == target.host_ip)
            }
        }
    }

    /// What listens on `port`, with the age of its container and its files.
    fn listener<'t>(
        port: u16,
        target: &'t Target<'_>,
    ) -> Option<(Listener, Millis, &'t BTreeSet<String>)> {
        target.servers.iter().find_map(|(ls, age, files)| {
            ls.iter()
                .find(|(p, _)| *p == port)
                .map(|(_, l)| (*l, *age, *files))
        })
    }

    fn probe(&self, target: &Target<'_>) -> Outcome {
        let done = |verdict, output: String, holds_until| Outcome {
            verdict,
            output,
            error: None,
            holds_until,
        };
        let errored = |e: String| Outcome {
            verdict: Verdict::Unknown,
            output: String::new(),
            error: Some(e),
            holds_until: 0,
        };
        let failed = |output: String| done(Verdict::Failure, output, 0);
        match &self.handler {
            Handler::Exec(argv) => {
                let (origin, age) = target.started;
                let limit = (self.timeout, None, false);
                let (exec, _) = script::exec_in(
                    target.main,
                    argv,
                    target.ctx,
                    target.changes,
                    (origin, age),
                    limit,
                );
                match exec {
                    Exec::Exited {
                        status: 0, printed, ..
                    } => done(Verdict::Success, printed.both(), age),
                    Exec::Exited { printed, .. } => failed(printed.both()),
                    Exec::TimedOut => failed(format!("command {:?} timed out", argv.join(" "))),
                    Exec::NotFound => errored(format!(
                        "rpc error: code = Unknown desc = failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: {:?}: executable file not found in $PATH: unknown",
                        exec_id(argv, origin + age),
                        argv.first().map_or("", String::as_str)
                    )),
                }
            }
            Handler::Http {
                https,
                host,
                port,
                path,
            } => {
                let port = match Self::port(port, target) {
                    Ok(p) => p,
                    Err(e) => return errored(e),
                };
                let shown = host.as_deref().unwrap_or(target.ip);
                let scheme = if *https { "https" } else { "http" };
                let path = if path.starts_with('/') {
                    path.clone()
                } else {
                    format!("/{path}")
                };
                let url = format!("{scheme}://{shown}:{port}{path}");
                let found = Self::reaches(host, target)
                    .then(|| Self::listener(port, target))
                    .flatten();
                let (status, holds) = match found {
                    None => {
                        return failed(format!(
                            "Get \"{url}\": dial tcp {shown}:{port}: connect: connection refused"
                        ))
                    }
                    Some((Listener::Http { tls, .. }, _, _)) if tls != *https => {
                        if *https {
                            return failed(format!(
                                "Get \"{url}\": http: server gave HTTP response to HTTPS client"
                            ));
                        }
                        (400, Millis::MAX)
                    }
                    Some((Listener::Http { site, .. }, age, files)) => {
                        let (status, until) =
                            programs::answer(site, &path, (age, target.etcd_up), files);
                        // When that changes, as the probed container's age.
                        let holds = match until {
                            Millis::MAX => Millis::MAX,
                            t => t - age + target.started.1,
                        };
                        (status, holds)
                    }
                    Some(_) => return failed(format!("Get \"{url}\": EOF")),
                };
                if (200..400).contains(&status) {
                    done(Verdict::Success, String::new(), holds)
                } else {
                    failed(format!("HTTP probe failed with statuscode: {status}"))
                }
            }
            Handler::Tcp { host, port } => {
                let port = match Self::port(port, target) {
                    Ok(p) => p,
                    Err(e) => return errored(e),
                };
                let shown = host.as_deref().unwrap_or(target.ip);
                match Self::reaches(host, target)
                    .then(|| Self::listener(port, target))
                    .flatten()
                {
                    Some(_) => done(Verdict::Success, String::new(), Millis::MAX),
                    None => failed(format!(
                        "dial tcp {shown}:{port}: connect: connection refused"
                    )),
                }
            }
            Handler::Grpc { port } => {
                let found = u16::try_from(*port)
                    .ok()
                    .and_then(|p| Self::listener(p, target));
                match found {
                    Some((Listener::Grpc, _, _)) => done(Verdict::Success, String::new(), Millis::MAX),
                    _ => failed(format!(
                        "timeout: failed to connect service \"{}:{port}\" within {}s: context deadline exceeded",
                        target.ip,
                        self.timeout / SECOND
                    )),
                }
            }
        }
    }
}

/// The ID the runtime gives an exec session (64 hex digits), from what it runs and when.
fn exec_id(argv: &[String], at: Millis) -> String {
    let seed = crate::rng::fnv1a(&format!("{}@{at}", argv.join(" ")));
    let mut rng = crate::rng::Rng::new(seed);
    (0..4).map(|_| format!("{:016x}", rng.next_u64())).collect()
}
