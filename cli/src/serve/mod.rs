//! `kubarium serve`: the simulated cluster as a Kubernetes API over HTTP, for real kubectl,
//! Helm and client libraries. One simulation thread owns the cluster; a tokio runtime
//! serves HTTP/1.1 and queues requests into it.

mod exec;
pub mod http;
pub mod kubeconfig;
pub mod protobuf;
pub mod simulation;

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::Router;

/// What `kubarium serve` was asked.
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: String,
    pub kubeconfig: Option<PathBuf>,
    pub seed: u64,
    pub speed: f64,
}

pub const USAGE: &str = "  kubarium serve [--listen ADDR] [--kubeconfig FILE] [--seed N] [--speed X]\n                                   serve the cluster's Kubernetes API over HTTP (default\n                                   127.0.0.1:6443) for real kubectl; X is virtual seconds\n                                   per real second (default 1, 0 stops the clock)\n";

impl Options {
    /// Reads `serve`'s flags (the seed is read before, for every command).
    pub fn parse(seed: u64, args: &[String]) -> Result<Options, String> {
        let mut o = Options {
            listen: "127.0.0.1:6443".into(),
            kubeconfig: None,
            seed,
            speed: 1.0,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let (flag, inline) = match a.split_once('=') {
                Some((f, v)) => (f, Some(v.to_string())),
                None => (a.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| it.next().cloned())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag {
                "--listen" => o.listen = value()?,
                "--kubeconfig" => o.kubeconfig = Some(PathBuf::from(value()?)),
                "--speed" => {
                    let v = value()?;
                    o.speed = v
                        .parse::<f64>()
                        .ok()
                        .filter(|s| s.is_finite() && *s >= 0.0)
                        .ok_or_else(|| format!("invalid speed: {v}"))?;
                }
                _ => return Err(format!("unknown flag for serve: {a}")),
            }
        }
        Ok(o)
    }
}

/// The HTTP routes: every path goes to the simulation.
fn router(sim: simulation::Simulation) -> Router {
    let state = http::State { sim: sim.tx };
    Router::new().fallback(http::serve).with_state(state)
}

/// A served cluster in the background of this process, on a free loopback port (for
/// benchmarks); it stops when dropped.
pub struct Background {
    pub addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

/// Serves a fresh cluster in the background.
pub fn background(seed: u64, speed: f64) -> Result<Background, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let app = router(simulation::start(simulation::Settings { seed, speed }));
    runtime.spawn(async move { axum::serve(listener, app).await });
    Ok(Background {
        addr,
        _runtime: runtime,
    })
}

/// Waits for Ctrl-C or SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Serves until Ctrl-C or SIGTERM.
pub fn run(opts: Options) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(serve(opts))
}

async fn serve(opts: Options) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(&opts.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", opts.listen))?;
    let addr: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
    let sim = simulation::start(simulation::Settings {
        seed: opts.seed,
        speed: opts.speed,
    });
    let server = format!("http://{addr}");
    // The kubeconfig is in place before the address is announced.
    let kubeconfig = match kubeconfig::write(opts.kubeconfig.as_deref(), &server) {
        Ok(kubeconfig::Written::To(path)) => format!(
            "kubeconfig: {} (kubectl --kubeconfig {0} get nodes)",
            path.display()
        ),
        Ok(kubeconfig::Written::Kept(path)) => format!(
            "kubeconfig: {} exists and was left alone; use --kubeconfig FILE, or kubectl --server {server}",
            path.display()
        ),
        Err(e) => format!("kubarium: cannot write the kubeconfig: {e}"),
    };
    // Whoever started us may stop reading; that must not stop the server.
    let mut stdout = std::io::stdout();
    let _ = writeln!(
        stdout,
        "Kubarium serves the Kubernetes API at {server}\n{kubeconfig}\nCtrl-C stops it."
    );
    let _ = stdout.flush();
    let app = router(sim);
    let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        stop_signal().await;
        let _ = stopped_tx.send(());
    };
    let serving = axum::serve(listener, app).with_graceful_shutdown(shutdown);
    tokio::select! {
        r = serving => r.map_err(|e| e.to_string())?,
        // Open watches would hold a graceful shutdown open: give connections a moment,
        // then stop regardless.
        _ = async {
            let _ = stopped_rx.await;
            tokio::time::sleep(Duration::from_secs(2)).await;
        } => {}
    }
    Ok(())
}
