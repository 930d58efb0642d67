//! `kubectl exec` against a served cluster: the websocket kubectl 1.35 opens for
//! `pods/NAME/exec` (subprotocol `v5.channel.k8s.io`: each binary message starts with
//! its channel, 0 stdin, 1 stdout, 2 stderr, 3 the result as a `metav1.Status`, 255 a
//! stream closed). The command runs whole in the simulation once its input has arrived;
//! what refuses it before it runs (no such pod or container, a container not running, a
//! kubelet not answering) is an HTTP error instead of an upgrade, as the API server's
//! and the kubelet's are.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response as HttpResponse;
use kubarium_core::apiserver::errors::ApiError;
use kubarium_core::apiserver::request::Request;
use kubarium_core::apiserver::rest::Response;
use serde_json::{json, Value};
use tokio::sync::oneshot;

use super::http::{to_http, unavailable, State};
use super::simulation::Command;

const PROTOCOL: &str = "v5.channel.k8s.io";
const STDIN: u8 = 0;
const STDOUT: u8 = 1;
const STDERR: u8 = 2;
const ERROR: u8 = 3;
const CLOSE: u8 = 255;

/// Sends one request into the simulation.
async fn send(state: &State, req: Request) -> Option<Response> {
    let (tx, rx) = oneshot::channel();
    state.sim.send(Command::Request(req, tx)).ok()?;
    rx.await.ok()
}

/// Whether a failed exec failed in the runtime (after the stream opened) rather than
/// before the upgrade.
fn in_stream(resp: &Response) -> bool {
    resp.body["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("Internal error occurred:"))
        || resp.code == 501
}

/// Serves an exec: checks it, then (over a websocket) upgrades, reads stdin if asked,
/// runs the command and streams back what it printed and how it ended. Other streams
/// (SPDY, which kubectl falls back to) are refused once the checks pass.
pub async fn exec(state: State, req: Request, ws: Option<WebSocketUpgrade>) -> HttpResponse {
    let stdin = req.param("stdin") == Some("true");
    let tty = req.param("tty") == Some("true");
    // Checked first with a command every image has, so that refusals come before the
    // upgrade (the real command waits for its input).
    let mut check = req.clone();
    check.query.retain(|(k, _)| k != "command");
    check.query.push(("command".into(), "true".into()));
    match send(&state, check).await {
        Some(r) if r.is_success() || in_stream(&r) => {}
        Some(r) => return to_http(r),
        None => return unavailable(),
    }
    match ws {
        Some(ws) => ws
            .protocols([PROTOCOL])
            .on_upgrade(move |socket| stream(state, req, socket, stdin, tty)),
        None => to_http(Response::error(&ApiError::bad_request(
            "Upgrade request required (Kubarium serves exec over websockets only)".to_string(),
        ))),
    }
}

async fn stream(state: State, mut req: Request, mut socket: WebSocket, stdin: bool, tty: bool) {
    if stdin {
        let mut input = Vec::new();
        while let Some(Ok(msg)) = socket.recv().await {
            match msg {
                Message::Binary(b) if b.first() == Some(&STDIN) => input.extend_from_slice(&b[1..]),
                Message::Binary(b) if b.as_ref() == [CLOSE, STDIN] => break,
                Message::Close(_) => break,
                _ => {}
            }
        }
        req.body = Some(Value::String(String::from_utf8_lossy(&input).into_owned()));
    }
    let command: Vec<String> = req
        .query
        .iter()
        .filter(|(k, _)| k == "command")
        .map(|(_, v)| v.clone())
        .collect();
    let status = match send(&state, req).await {
        Some(r) if r.is_success() => {
            // The pieces of output in order; a terminal carries both streams as one.
            for piece in r.body["output"].as_array().into_iter().flatten() {
                let channel = if piece[0] == true && !tty {
                    STDERR
                } else {
                    STDOUT
                };
                let data = piece[1].as_str().unwrap_or("").as_bytes();
                if socket.send(frame(channel, data)).await.is_err() {
                    return;
                }
            }
            match r.body["exitCode"].as_i64().unwrap_or(0) {
                0 => json!({"metadata": {}, "status": "Success"}),
                code => json!({
                    "metadata": {}, "status": "Failure",
                    "message": format!("command terminated with non-zero exit code: error executing command [{}], exit code {code}", command.join(" ")),
                    "reason": "NonZeroExitCode",
                    "details": {"causes": [{"reason": "ExitCode", "message": code.to_string()}]},
                }),
            }
        }
        Some(r) => json!({
            "metadata": {}, "status": "Failure",
            "message": r.body["message"].clone(),
            "reason": "InternalError", "code": r.code,
        }),
        None => {
            json!({"metadata": {}, "status": "Failure", "message": "the simulation has stopped"})
        }
    };
    let _ = socket
        .send(frame(
            ERROR,
            &serde_json::to_vec(&status).unwrap_or_default(),
        ))
        .await;
    let normal = axum::extract::ws::CloseFrame {
        code: axum::extract::ws::close_code::NORMAL,
        reason: "".into(),
    };
    let _ = socket.send(Message::Close(Some(normal))).await;
}

fn frame(channel: u8, data: &[u8]) -> Message {
    let mut bytes = Vec::with_capacity(data.len() + 1);
    bytes.push(channel);
    bytes.extend_from_slice(data);
    Message::Binary(bytes.into())
}
