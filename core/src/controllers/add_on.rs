//! The program of a cluster add-on (the Vertical Pod Autoscaler's recommender, updater
//! and admission controller), run while a pod of its image runs: whenever its loop is
//! due it is stepped in the tools module (`kubarium_tools::program`), and the API
//! requests each step asks for are sent as the add-on's service account until a step
//! asks for none. What it remembers between loops lives here, as in its memory, which a
//! restart of its container empties.

use serde_json::{json, Value};

use super::{Component, Controller};
use crate::apiserver::client::Client;
use crate::apiserver::request::{Method, Request, User};
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};

/// The most rounds of requests one step of a program makes.
const ROUNDS: usize = 8;

#[derive(Debug, Clone)]
pub struct AddOnProgram {
    /// Its image's name, which is also its service account's in kube-system and its
    /// program's name in the tools module.
    image: &'static str,
    /// When its container started, and its arguments.
    started: Option<Millis>,
    argv: Vec<String>,
    due: Option<Millis>,
    state: Value,
}

impl AddOnProgram {
    pub fn new(image: &'static str) -> Self {
        AddOnProgram {
            image,
            started: None,
            argv: vec![],
            due: None,
            state: Value::Null,
        }
    }
}

/// A program's request as the API server takes it.
fn request(r: &Value) -> Request {
    let method = match r["method"].as_str() {
        Some("POST") => Method::Post,
        Some("PUT") => Method::Put,
        Some("PATCH") => Method::Patch,
        Some("DELETE") => Method::Delete,
        _ => Method::Get,
    };
    let mut req = Request::new(method, r["path"].as_str().unwrap_or("/"));
    req.body = Some(r["body"].clone()).filter(|b| !b.is_null());
    req.content_type = r["content_type"].as_str().map(String::from);
    req
}

/// Steps a program in the tools module until it asks for no more requests (at most
/// `ROUNDS` rounds), answering each request with `send`: its last step, with the events
/// of every step; None when the tools module is not loaded.
pub fn step(
    program: &str,
    mut tick: Value,
    mut send: impl FnMut(&Value) -> (u16, Value),
) -> Option<Value> {
    let mut events = vec![];
    let mut exchanges = vec![];
    let mut last = Value::Null;
    for _ in 0..ROUNDS {
        tick["exchanges"] = json!(exchanges);
        let mut step = crate::tools::reconcile(program, &tick)?;
        events.extend(step["events"].as_array().cloned().unwrap_or_default());
        tick["state"] = step["state"].clone();
        let requests = step["requests"].as_array().cloned().unwrap_or_default();
        step["events"] = json!(events);
        last = step;
        if requests.is_empty() {
            break;
        }
        for r in requests {
            let (code, body) = send(&r);
            exchanges.push(json!({"request": r, "code": code, "body": body}));
        }
    }
    Some(last)
}

impl Controller for AddOnProgram {
    fn name(&self) -> &'static str {
        self.image
    }

    fn component(&self) -> Component {
        Component::AddOn(self.image)
    }

    fn clone_box(&self) -> Box<dyn Controller> {
        Box::new(self.clone())
    }

    fn next_wake(&self) -> Option<Millis> {
        self.due
    }

    fn add_on_running(&mut self, started: Millis, argv: &[String]) {
        if self.started != Some(started) {
            *self = AddOnProgram {
                started: Some(started),
                argv: argv.to_vec(),
                ..AddOnProgram::new(self.image)
            };
        }
    }

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let now = api.now();
        if self.due.is_some_and(|d| now < d) {
            return;
        }
        let user = User {
            name: format!("system:serviceaccount:kube-system:{}", self.image),
            groups: [
                "system:serviceaccounts",
                "system:serviceaccounts:kube-system",
                "system:authenticated",
            ]
            .map(String::from)
            .to_vec(),
        };
        let tick =
            json!({"now": now + epoch_seconds() * SECOND, "state": self.state, "argv": self.argv});
        let send = |r: &Value| {
            let resp = Client::component(api, user.clone()).send(request(r));
            (resp.code, resp.body)
        };
        // Without the tools module (still loading) the loop waits for it.
        let Some(mut step) = step(self.image, tick, send) else {
            return;
        };
        self.state = step["state"].take();
        self.due = Some(
            now + step["next"]
                .as_i64()
                .filter(|&n| n > 0)
                .unwrap_or(60 * SECOND),
        );
        for e in step["events"].as_array().into_iter().flatten() {
            let text = |i: usize| e[i].as_str().unwrap_or("");
            let obj = ObjectRef::of(&e[0]);
            rec.record(
                api,
                &obj,
                text(1),
                text(2),
                text(3),
                Source::Controller(self.image),
            );
        }
    }
}
