//! How the programs of cluster add-ons (the Vertical Pod Autoscaler's recommender,
//! updater and admission controller) run: the core finds an add-on's pod running and,
//! whenever the program's loop is due, steps it. A step sees what the program kept from
//! earlier loops and the API requests it has made in this loop with their answers; it
//! answers with more requests (the core sends them as the program's service account and
//! steps it again) or, when it has none, with the events to record and when its next
//! loop is due. A webhook the program serves is stepped the same way, its reads answered
//! from the API server's store. Times are Unix milliseconds.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::time::Millis;

/// One API request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    pub method: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// For PATCH: the patch's content type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

impl Request {
    pub fn get(path: impl Into<String>) -> Self {
        Request {
            method: "GET".into(),
            path: path.into(),
            body: None,
            content_type: None,
        }
    }

    pub fn post(path: impl Into<String>, body: Value) -> Self {
        Request {
            method: "POST".into(),
            body: Some(body),
            ..Request::get(path)
        }
    }

    pub fn put(path: impl Into<String>, body: Value) -> Self {
        Request {
            method: "PUT".into(),
            ..Request::post(path, body)
        }
    }

    pub fn delete(path: impl Into<String>) -> Self {
        Request {
            method: "DELETE".into(),
            ..Request::get(path)
        }
    }

    /// A JSON patch.
    pub fn json_patch(path: impl Into<String>, ops: Value) -> Self {
        Request {
            method: "PATCH".into(),
            content_type: Some("application/json-patch+json".into()),
            ..Request::post(path, ops)
        }
    }
}

/// A request made in this loop and the answer it got.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub request: Request,
    pub code: u16,
    #[serde(default)]
    pub body: Value,
}

impl Exchange {
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.code)
    }
}

/// What a step is given.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Tick {
    pub now: Millis,
    /// What the program kept (null on its first loop).
    #[serde(default)]
    pub state: Value,
    /// The requests it made so far in this loop, in order, with their answers.
    #[serde(default)]
    pub exchanges: Vec<Exchange>,
    /// For a webhook: the AdmissionReview's request.
    #[serde(default)]
    pub review: Value,
    /// The program's arguments.
    #[serde(default)]
    pub argv: Vec<String>,
}

impl Tick {
    /// The answer to the first request made for `path` with GET, if it was made.
    pub fn read(&self, path: &str) -> Option<&Exchange> {
        self.exchanges
            .iter()
            .find(|e| e.request.method == "GET" && e.request.path == path)
    }

    /// The items of a list read, empty when it failed or was not made.
    pub fn items(&self, path: &str) -> Vec<Value> {
        self.read(path)
            .filter(|e| e.ok())
            .and_then(|e| e.body["items"].as_array().cloned())
            .unwrap_or_default()
    }

    /// The value of a `--name=value` (or `--name value`) argument.
    pub fn flag(&self, name: &str) -> Option<&str> {
        let long = format!("--{name}");
        self.argv.iter().enumerate().find_map(|(i, a)| {
            a.strip_prefix(&long).and_then(|rest| match rest {
                "" => self.argv.get(i + 1).map(String::as_str),
                r => r.strip_prefix('='),
            })
        })
    }

    /// A numeric argument, or its default.
    pub fn number(&self, name: &str, default: f64) -> f64 {
        self.flag(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    /// A duration argument (Go's syntax) in milliseconds, or its default.
    pub fn duration(&self, name: &str, default: Millis) -> Millis {
        let d = self.flag(name).and_then(crate::cron::go_duration_ms);
        d.filter(|&d| d > 0).unwrap_or(default)
    }

    /// The reads among `paths` not made yet.
    pub fn missing(&self, paths: &[String]) -> Vec<Request> {
        let mut out: Vec<Request> = vec![];
        for p in paths {
            if self.read(p).is_none() && !out.iter().any(|r| &r.path == p) {
                out.push(Request::get(p.clone()));
            }
        }
        out
    }
}

/// An event to record: on which object (`object_ref`), its type, reason and message.
pub type Event = (Value, String, String, String);

/// What a step answers.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Step {
    /// Requests to send before the next step of this loop (none: the loop is over).
    pub requests: Vec<Request>,
    /// What to keep for later.
    pub state: Value,
    /// Events to record.
    pub events: Vec<Event>,
    /// How long until the next loop (when the loop is over).
    pub next: Millis,
    /// For a webhook: its AdmissionReview response (`allowed`, `patch` as JSON patch
    /// operations, `warnings`, `status`) and, as `object`, the object its patch makes.
    #[serde(skip_serializing_if = "Value::is_null")]
    pub response: Value,
}

impl Step {
    /// A step that reads before going on.
    pub fn reads(requests: Vec<Request>, state: Value) -> Self {
        Step {
            requests,
            state,
            ..Step::default()
        }
    }
}

/// The reference to an object an event is recorded on (list items carry no kind).
pub fn object_ref(obj: &Value, api_version: &str, kind: &str) -> Value {
    let m = &obj["metadata"];
    serde_json::json!({
        "apiVersion": api_version, "kind": kind,
        "metadata": {"namespace": m["namespace"], "name": m["name"], "uid": m["uid"]},
    })
}
