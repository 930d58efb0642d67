//! The one simulation a served cluster runs: a thread that owns the cluster, takes
//! requests one at a time from a queue, lets the virtual clock follow real time at the
//! chosen speed, and feeds every open watch the events since its last delivery.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use kubarium_core::apiserver::errors::ApiError;
use kubarium_core::apiserver::request::Request;
use kubarium_core::apiserver::rest::Response;
use kubarium_core::apiserver::watch::Watch;
use kubarium_core::clock::{self, Millis, SECOND};
use kubarium_core::cluster::{Cluster, AGE_AT_START};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

/// How many encoded events a watcher may have waiting; one that falls further behind is
/// closed (its client re-lists), as kube-apiserver closes slow watchers, so memory per
/// watcher stays bounded.
pub const WATCH_BUFFER: usize = 1024;

/// How often a watcher that asked for bookmarks gets one when nothing else happens.
const BOOKMARK_EVERY: Duration = Duration::from_secs(60);

/// The longest the simulation sleeps between looks at the clock and its watchers.
const MAX_SLEEP: Duration = Duration::from_millis(250);

/// What the HTTP side asks of the simulation.
pub enum Command {
    /// One request; the reply is its response.
    Request(Request, oneshot::Sender<Response>),
    /// Opens a watch; the reply is the stream of encoded events (one JSON document per
    /// line), or the error response.
    Watch(
        Request,
        Option<Duration>,
        oneshot::Sender<Result<mpsc::Receiver<Vec<u8>>, Response>>,
    ),
}

/// The simulation's settings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub seed: u64,
    /// Virtual milliseconds per real millisecond (0 stops the clock).
    pub speed: f64,
}

struct Watcher {
    watch: Watch,
    tx: mpsc::Sender<Vec<u8>>,
    until: Option<Instant>,
    last_sent: Instant,
}

impl Watcher {
    /// Queues events; false when the client is gone or too far behind.
    fn send(&mut self, events: Vec<Value>) -> bool {
        for e in events {
            let mut line = serde_json::to_vec(&e).unwrap_or_default();
            line.push(b'\n');
            if self.tx.try_send(line).is_err() {
                return false;
            }
            self.last_sent = Instant::now();
        }
        true
    }
}

/// A handle to the simulation thread: dropping every sender ends it.
pub struct Simulation {
    pub tx: std_mpsc::Sender<Command>,
    pub thread: std::thread::JoinHandle<()>,
}

/// Starts the simulation thread with a fresh cluster; returns once the cluster is built.
pub fn start(settings: Settings) -> Simulation {
    let (tx, rx) = std_mpsc::channel();
    let (ready_tx, ready_rx) = std_mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("simulation".into())
        .spawn(move || {
            // The cluster's clock shows real time, so that clients computing ages with
            // their own clocks (events, describe) agree with the server's.
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64);
            clock::set_epoch_seconds(now - AGE_AT_START / SECOND);
            let cluster = Cluster::new(settings.seed);
            let _ = ready_tx.send(());
            run(cluster, settings.speed, rx);
        })
        .unwrap_or_else(|e| panic!("cannot start the simulation thread: {e}"));
    let _ = ready_rx.recv();
    Simulation { tx, thread }
}

/// Tells the operator about a fault (never failing itself).
fn complain(what: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "kubarium: {what}");
}

fn internal_error(what: &str) -> Response {
    Response::error(&ApiError::new(
        kubarium_core::apiserver::errors::Reason::InternalError,
        format!("Internal error occurred: {what}"),
    ))
}

struct Clock {
    start: Instant,
    start_virtual: Millis,
    speed: f64,
}

impl Clock {
    /// The virtual time real time has reached.
    fn target(&self) -> Millis {
        let real = self.start.elapsed().as_secs_f64() * 1000.0;
        self.start_virtual + (real * self.speed) as Millis
    }

    /// How long until real time reaches virtual time `t`.
    fn until(&self, t: Millis, now: Millis) -> Duration {
        if self.speed <= 0.0 {
            return MAX_SLEEP;
        }
        let real_ms = ((t - now).max(0) as f64 / self.speed).ceil();
        Duration::from_millis(real_ms as u64).clamp(Duration::from_millis(1), MAX_SLEEP)
    }
}

fn run(mut cluster: Cluster, speed: f64, rx: std_mpsc::Receiver<Command>) {
    let clock = Clock {
        start: Instant::now(),
        start_virtual: cluster.now(),
        speed,
    };
    let mut watchers: Vec<Watcher> = vec![];
    loop {
        let sleep = cluster
            .next_wake()
            .map_or(MAX_SLEEP, |t| clock.until(t, cluster.now()));
        let command = match rx.recv_timeout(sleep) {
            Ok(c) => Some(c),
            Err(std_mpsc::RecvTimeoutError::Timeout) => None,
            Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let target = clock.target();
        if target > cluster.now() {
            let step = target - cluster.now();
            if catch_unwind(AssertUnwindSafe(|| cluster.advance(step))).is_err() {
                complain("a control loop panicked; the cluster goes on");
            }
        }
        match command {
            Some(Command::Request(req, reply)) => {
                let resp = catch_unwind(AssertUnwindSafe(|| {
                    let resp = cluster.handle(&req);
                    cluster.settle();
                    resp
                }))
                .unwrap_or_else(|_| internal_error("the request panicked the API server"));
                let _ = reply.send(resp);
            }
            Some(Command::Watch(req, timeout, reply)) => {
                match catch_unwind(AssertUnwindSafe(|| cluster.api.open_watch(&req))) {
                    Ok(Ok((watch, initial))) => {
                        let (tx, rx) = mpsc::channel(WATCH_BUFFER);
                        let mut w = Watcher {
                            watch,
                            tx,
                            until: timeout.map(|t| Instant::now() + t),
                            last_sent: Instant::now(),
                        };
                        if reply.send(Ok(rx)).is_ok() && w.send(initial) {
                            watchers.push(w);
                        }
                    }
                    Ok(Err(e)) => {
                        let _ = reply.send(Err(Response::error(&e)));
                    }
                    Err(_) => {
                        let _ =
                            reply.send(Err(internal_error("the watch panicked the API server")));
                    }
                }
            }
            None => {}
        }
        let now = Instant::now();
        let fed = catch_unwind(AssertUnwindSafe(|| {
            watchers.retain_mut(|w| {
                if w.tx.is_closed() || w.until.is_some_and(|u| now >= u) {
                    return false;
                }
                let mut events = w.watch.next(&cluster.api);
                if events.is_empty() && now.duration_since(w.last_sent) >= BOOKMARK_EVERY {
                    events.extend(w.watch.bookmark());
                    w.last_sent = now;
                }
                w.send(events) && !w.watch.ended()
            })
        }));
        if fed.is_err() {
            // Their clients re-list and watch again.
            watchers.clear();
            complain("feeding the watches panicked; they were closed");
        }
    }
}
