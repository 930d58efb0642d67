//! The program of a cluster add-on (the Vertical Pod Autoscaler's recommender, updater
//! and admission controller), run while a pod of its image runs: whenever its loop is
//! due it is stepped in the tools module (`kubarium_tools::program`), and the API
//! requests each step asks for are sent as the add-on's service account until a step
//! asks for none. What it remembers between loops lives here, as in its memory.

use serde_json::{json, Value};

use super::{Component, Controller};
use crate::apiserver::client::Client;
use crate::apiserver::request::{Method, Request, User};
use crate::apiserver::ApiServer;
use crate::clock::{epoch_seconds, Millis, SECOND};
use crate::events::{ObjectRef, Recorder, Source};

/// The most requests rounds one loop makes.
const ROUNDS: usize = 8;

#[derive(Debug, Clone)]
pub struct AddOnProgram {
    /// Its image's name, which is also its service account's in kube-system and its
    /// program's name in the tools module.
    image: &'static str,
    due: Option<Millis>,
    state: Value,
}

impl AddOnProgram {
    pub fn new(image: &'static str) -> Self {
        AddOnProgram {
            image,
            due: None,
            state: Value::Null,
        }
    }
}

/// A program's request as the API server takes it.
pub fn request(r: &Value) -> Request {
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

    fn sync(&mut self, api: &mut ApiServer, rec: &mut Recorder) {
        let now = api.now();
        if self.due.is_some_and(|d| now < d) {
            return;
        }
        let user = User::system(&format!("system:serviceaccount:kube-system:{}", self.image));
        let mut exchanges = vec![];
        for _ in 0..ROUNDS {
            let tick = json!({
                "now": now + epoch_seconds() * SECOND,
                "state": self.state,
                "exchanges": exchanges,
            });
            // Without the tools module (still loading) the loop waits for it.
            let Some(mut step) = crate::tools::reconcile(self.image, &tick) else {
                return;
            };
            self.state = step["state"].take();
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
            let requests = step["requests"].as_array().cloned().unwrap_or_default();
            if requests.is_empty() {
                self.due = Some(now + step["next"].as_i64().unwrap_or(60 * SECOND));
                return;
            }
            let mut client = Client::component(api, user.clone());
            for r in requests {
                let resp = client.send(request(&r));
                exchanges.push(json!({"request": r, "code": resp.code, "body": resp.body}));
            }
        }
        self.due = Some(now + 60 * SECOND);
    }
}
