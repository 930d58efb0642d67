//! The HTTP face of a served cluster: HTTP/1.1 requests become the core's `Request`s
//! (method, path, query, body, Accept, Content-Type, the impersonated user) and its
//! `Response`s become status codes, `Warning` headers and JSON bodies; watches stream as
//! chunked JSON lines. Whatever the simulation cannot take is refused here with the
//! status kube-apiserver gives (405, 413, 415) and a `metav1.Status` body.

use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ws::{rejection::WebSocketUpgradeRejection, WebSocketUpgrade};
use axum::http::{header, HeaderMap, HeaderValue, Method as HttpMethod, StatusCode, Uri};
use axum::response::{IntoResponse, Response as HttpResponse};
use kubarium_core::apiserver::errors::{ApiError, Reason};
use kubarium_core::apiserver::request::{Method, Request, User};
use kubarium_core::apiserver::rest::{self, Response, MAX_BODY_BYTES};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

use super::simulation::Command;

/// How long a request body may take to arrive (kube-apiserver's default request timeout).
const BODY_TIMEOUT: Duration = Duration::from_secs(60);

/// What every request handler shares: the way into the simulation.
#[derive(Clone)]
pub struct State {
    pub sim: std_mpsc::Sender<Command>,
}

fn status(e: &ApiError) -> HttpResponse {
    to_http(Response::error(e))
}

/// A core response as HTTP: its code, Content-Type, Warning headers and body.
pub fn to_http(resp: Response) -> HttpResponse {
    let code = StatusCode::from_u16(resp.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (content_type, body) = match resp.body {
        // Health checks answer in plain text.
        Value::String(s) => ("text/plain; charset=utf-8", s.into_bytes()),
        v => (
            resp.content_type.unwrap_or("application/json"),
            serde_json::to_vec(&v).unwrap_or_default(),
        ),
    };
    let mut out = (code, body).into_response();
    let headers = out.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    for w in resp.warnings {
        let text = format!("299 - {}", serde_json::Value::String(w));
        if let Ok(v) = HeaderValue::from_str(&text) {
            headers.append(header::WARNING, v);
        }
    }
    out
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The user a request acts as: kubeadm's admin (the kubeconfig's user), or whom it
/// impersonates with `Impersonate-User` and `Impersonate-Group` (`kubectl --as`).
fn user(headers: &HeaderMap) -> User {
    let Some(name) = header_str(headers, "impersonate-user") else {
        return User::admin();
    };
    let mut groups: Vec<String> = headers
        .get_all("impersonate-group")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(String::from)
        .collect();
    if !groups.iter().any(|g| g == "system:authenticated") {
        groups.push("system:authenticated".into());
    }
    User {
        name: name.to_string(),
        groups,
    }
}

/// Decodes a body by its Content-Type: JSON, YAML (apply patches are YAML, and JSON is
/// YAML) or Kubernetes protobuf. CBOR is not read.
fn decode(content_type: &str, bytes: &[u8]) -> Result<Value, ApiError> {
    let base = content_type.split(';').next().unwrap_or("").trim();
    let unknown = || {
        ApiError::new(
            Reason::UnsupportedMediaType,
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf",
        )
    };
    match base {
        "application/yaml" | "application/apply-patch+yaml" => {
            let text = std::str::from_utf8(bytes).map_err(|_| unknown())?;
            let docs = kubarium_core::yaml::documents(text)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
            Ok(docs.into_iter().next().unwrap_or(Value::Null))
        }
        "application/vnd.kubernetes.protobuf" => super::protobuf::decode(bytes)
            .map_err(|e| ApiError::bad_request(format!("error decoding the protobuf body: {e}"))),
        ""
        | "application/json"
        | "application/json-patch+json"
        | "application/merge-patch+json"
        | "application/strategic-merge-patch+json" => rest::decode_body(bytes),
        _ => Err(unknown()),
    }
}

/// Reads the body, refusing one over the API server's limit or too slow to arrive.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            Reason::RequestEntityTooLarge,
            format!("the request body is too large: limit is {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = header_str(headers, "content-length").and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|l| l > MAX_BODY_BYTES) {
        return Err(too_large());
    }
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(_)) => Err(too_large()),
        Err(_) => Err(ApiError::new(
            Reason::Timeout,
            "Timeout: request did not complete within the allotted timeout",
        )),
    }
}

/// Serves every path: the core routes it.
pub async fn serve(
    axum::extract::State(state): axum::extract::State<State>,
    method: HttpMethod,
    uri: Uri,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    body: Body,
) -> HttpResponse {
    let method = match method {
        HttpMethod::GET | HttpMethod::HEAD => Method::Get,
        HttpMethod::POST => Method::Post,
        HttpMethod::PUT => Method::Put,
        HttpMethod::PATCH => Method::Patch,
        HttpMethod::DELETE => Method::Delete,
        _ => {
            return status(&ApiError::new(
                Reason::MethodNotAllowed,
                "the server does not allow this method on the requested resource",
            ))
        }
    };
    let url = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut req = Request::from_url(method, url);
    req.accept = header_str(&headers, "accept").map(String::from);
    req.user = user(&headers);
    let content_type = header_str(&headers, "content-type")
        .unwrap_or("")
        .to_string();
    let bytes = match read_body(&headers, body).await {
        Ok(b) => b,
        Err(e) => return status(&e),
    };
    if !bytes.is_empty() && method != Method::Get {
        match decode(&content_type, &bytes) {
            Ok(v) => req.body = Some(v),
            Err(e) => return status(&e),
        }
    }
    if method == Method::Patch {
        req.content_type = Some(content_type);
    }
    if method == Method::Get && rest::is_watch(&req) {
        return watch(&state, req).await;
    }
    // A stream into a container (kubectl exec): websockets only.
    if uri.path().ends_with("/exec") {
        req.method = Method::Post;
        return super::exec::exec(state, req, upgrade.ok()).await;
    }
    let (tx, rx) = oneshot::channel();
    if state.sim.send(Command::Request(req, tx)).is_err() {
        return unavailable();
    }
    match rx.await {
        Ok(resp) => to_http(resp),
        Err(_) => unavailable(),
    }
}

pub fn unavailable() -> HttpResponse {
    status(&ApiError::new(
        Reason::ServiceUnavailable,
        "the simulation has stopped",
    ))
}

/// A watch: the events stream as JSON lines in a chunked response until the client goes,
/// `timeoutSeconds` pass, or the server stops.
async fn watch(state: &State, req: Request) -> HttpResponse {
    let timeout = req
        .param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .map(Duration::from_secs);
    let (tx, rx) = oneshot::channel();
    if state.sim.send(Command::Watch(req, timeout, tx)).is_err() {
        return unavailable();
    }
    let events = match rx.await {
        Ok(Ok(events)) => events,
        Ok(Err(resp)) => return to_http(resp),
        Err(_) => return unavailable(),
    };
    let stream = ReceiverStream::new(events).map(Ok::<_, std::convert::Infallible>);
    let mut out = Body::from_stream(stream).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    out
}
