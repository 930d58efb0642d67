//! `kubectl get --watch` and `--watch-only`: the objects (unless watch-only), then one
//! row per change the API server's watch reports, for as long as the command runs: until
//! Ctrl-C, the `--request-timeout`, or (in a script) the next line.

use serde_json::{json, Value};

use super::super::client;
use super::super::flags::Parsed;
use super::super::{fail, namespace, Ctx};
use super::{merge_tables, print_objects, print_options, requests};
use crate::apiserver::client::TABLE_ACCEPT;
use crate::apiserver::errors::Reason;
use crate::apiserver::request::Request;
use crate::apiserver::watch::Watch;
use crate::clock::Millis;
use crate::cluster::Cluster;
use crate::command::{CmdResult, Output};
use crate::printers::{jsonpath, table, tabwriter};

/// How each object is printed.
#[derive(Debug, Clone)]
enum Format {
    Table,
    Name,
    Data(String),
    JsonPath(String),
    /// `kubectl events -w`: event rows, of the types asked for (all when none).
    Events {
        all_ns: bool,
        types: Vec<String>,
    },
}

/// A running `kubectl get --watch`.
#[derive(Debug, Clone)]
pub struct GetWatch {
    watch: Watch,
    format: Format,
    opts: table::PrintOptions,
    /// The Table columns (from the list, or the first event's Table).
    columns: Value,
    widths: tabwriter::Remembering,
    header_printed: bool,
    /// `--output-watch-events`: an EVENT column (or the event around each object).
    event_column: bool,
    printed: usize,
    /// A watch on one object starts with an ADDED event for it, which kubectl skips.
    skip_first: bool,
    /// When `--request-timeout` ends the watch (virtual time).
    deadline: Option<Millis>,
}

impl GetWatch {
    /// A watch printing as `format` and `opts` say, until `--request-timeout` (if any)
    /// has passed from `now`.
    fn new(
        p: &Parsed,
        now: Millis,
        watch: Watch,
        format: Format,
        opts: table::PrintOptions,
    ) -> Self {
        GetWatch {
            watch,
            format,
            opts,
            columns: Value::Null,
            widths: tabwriter::Remembering::default(),
            header_printed: false,
            event_column: p.on("output-watch-events"),
            printed: 0,
            skip_first: false,
            deadline: super::super::request_timeout(p)
                .ok()
                .flatten()
                .map(|t| now + t),
        }
    }

    /// Prints what changed since the last call; `None` once the watch has ended (the
    /// timeout passed, or the server ended it).
    pub fn poll(&mut self, cluster: &mut Cluster) -> Option<Output> {
        let mut out = Output::default();
        if self.deadline.is_some_and(|d| cluster.now() >= d) || self.watch.ended() {
            return None;
        }
        let events = self.watch.next(&cluster.api);
        for e in events {
            if e["type"] == "ERROR" || e["type"] == "BOOKMARK" {
                continue;
            }
            if std::mem::take(&mut self.skip_first) {
                continue;
            }
            let ty = e["type"].as_str().unwrap_or("").to_string();
            out.out(self.print(&ty, &e["object"], cluster.now()));
        }
        Some(out)
    }

    /// One object (or a Table of rows) as the watch prints it.
    fn print(&mut self, event: &str, obj: &Value, now: Millis) -> String {
        match &self.format {
            Format::Events { all_ns, types } => {
                // Events are deleted an hour on: kubectl does not print that.
                let ty = obj["type"].as_str().unwrap_or("");
                let wanted = types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case(ty));
                if event == "DELETED" || !wanted {
                    return String::new();
                }
                let mut text = String::new();
                if !std::mem::replace(&mut self.header_printed, true) && !self.opts.no_headers {
                    text.push_str(super::super::events::header(*all_ns));
                }
                text.push_str(&super::super::events::row(obj, now, *all_ns));
                self.widths.align(&text)
            }
            Format::Table => {
                if self.columns.is_null() {
                    self.columns = obj["columnDefinitions"].clone();
                }
                let t = json!({"columnDefinitions": self.columns, "rows": obj["rows"]});
                let mut opts = self.opts.clone();
                opts.no_headers |= self.header_printed;
                let text = table::table_text(&t, &opts);
                self.header_printed = true;
                let text = if self.event_column {
                    text.lines()
                        .enumerate()
                        .map(|(i, l)| {
                            let first = if i == 0 && !opts.no_headers {
                                "EVENT"
                            } else {
                                event
                            };
                            format!("{first}\t{l}\n")
                        })
                        .collect()
                } else {
                    text
                };
                self.widths.align(&text)
            }
            Format::Name => format!(
                "{}/{}\n",
                self.opts.kind,
                obj["metadata"]["name"].as_str().unwrap_or("")
            ),
            Format::Data(f) => {
                self.printed += 1;
                let obj = if self.event_column {
                    json!({"type": event, "object": obj})
                } else {
                    obj.clone()
                };
                let text = print_objects(vec![obj], f, true);
                if f == "yaml" && self.printed > 1 {
                    format!("---\n{text}")
                } else {
                    text
                }
            }
            Format::JsonPath(t) => jsonpath::render(t, obj).unwrap_or_default(),
        }
    }
}

/// Starts `kubectl get -w`: returns what it prints first, and leaves the watch that goes
/// on printing in `ctx.stream`.
pub fn start(p: &Parsed, ctx: &mut Ctx<'_>, format: &str) -> CmdResult {
    if !ctx.foreground {
        return fail(
            "error: \"kubectl get --watch\" in a pipeline, a redirection, a substitution or with other commands on the line is not supported in Kubarium yet",
        );
    }
    let fmt = match format.split_once('=') {
        None if format.is_empty() || format == "wide" => Format::Table,
        None if format == "name" => Format::Name,
        None if format == "yaml" || format == "json" => Format::Data(format.to_string()),
        Some(("jsonpath", t)) => Format::JsonPath(t.to_string()),
        _ => {
            return fail(format!(
                "error: \"kubectl get --watch -o {}\" is not supported in Kubarium yet",
                format.split('=').next().unwrap_or(format)
            ))
        }
    };
    if p.positional.is_empty() {
        return fail("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
    }
    let catalog = client::discover(ctx.cluster);
    let reqs = match requests(&catalog, &p.positional) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let names: usize = reqs.iter().map(|q| q.names.len().max(1)).sum();
    let [q] = reqs.as_slice() else {
        return fail("error: you may only specify a single resource type");
    };
    if names > 1 {
        return fail(format!(
            "error: watch is only supported on individual resources and resource collections, but {names} resources were found"
        ));
    }
    let r = q.resource;
    let all_ns = p.on("all-namespaces");
    let ns = namespace(p);
    let name = q.names.first().map(String::as_str);
    // The namespace of the path read and watched (none: every namespace, or
    // cluster-scoped).
    let path_ns = if !r.namespaced || (all_ns && name.is_none()) {
        None
    } else {
        Some(ns.as_str())
    };
    let mut client = client::connect(ctx.cluster);
    let opts = client::ListOptions {
        label_selector: p.get("selector"),
        field_selector: p.get("field-selector"),
        whole_objects: false,
    };
    let tables = matches!(fmt, Format::Table);
    // The objects as they are now (their Table, to print rows).
    let now = match (tables, name) {
        (true, _) => client.table(r, path_ns, name, opts),
        (false, Some(n)) => client.get(r, &ns, n),
        (false, None) => client
            .list(r, path_ns, opts)
            .map(|items| json!({ "items": items })),
    };
    let now = match now {
        Ok(v) => v,
        Err(e) if e.reason == Reason::NotFound && p.on("ignore-not-found") => {
            return CmdResult::default()
        }
        Err(e) => return fail(e.kubectl_message()),
    };
    // A list's watch starts at its revision; one object's at "0" (with an ADDED for it).
    let rv = if name.is_some() {
        "0".to_string()
    } else {
        now["metadata"]["resourceVersion"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| client.api.store.revision().to_string())
    };
    let mut req = Request::get(r.path(path_ns, name))
        .query("watch", "true")
        .query("resourceVersion", &rv)
        .query("labelSelector", p.get("selector").unwrap_or(""))
        .query("fieldSelector", p.get("field-selector").unwrap_or(""));
    req.user = client.user.clone();
    if tables {
        req.accept = Some(TABLE_ACCEPT.into());
    }
    let watch = match client.api.open_watch(&req) {
        Ok((w, _)) => w,
        Err(e) => return fail(e.kubectl_message()),
    };
    let opts = print_options(p, r, format, all_ns, p.on("show-kind"));
    let mut w = GetWatch::new(p, ctx.cluster.now(), watch, fmt, opts);
    w.skip_first = name.is_some();
    let mut out = Output::default();
    if !p.on("watch-only") {
        let objs: Vec<Value> = if tables {
            merge_tables(vec![now]).into_iter().collect()
        } else if name.is_some() {
            vec![now]
        } else {
            now["items"].as_array().cloned().unwrap_or_default()
        };
        for o in objs {
            if tables {
                w.columns = o["columnDefinitions"].clone();
                if o["rows"].as_array().is_some_and(|r| !r.is_empty()) {
                    out.out(w.print("ADDED", &o, ctx.cluster.now()));
                }
            } else {
                out.out(w.print("ADDED", &o, ctx.cluster.now()));
            }
        }
    }
    ctx.stream = Some(w);
    CmdResult {
        output: out,
        code: 0,
    }
}

/// Starts `kubectl events -w`: every event there is (the watch's first events), then
/// each new one as it comes.
pub fn events(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    ns: Option<&str>,
    field_selector: &str,
    types: Vec<String>,
    all_ns: bool,
) -> CmdResult {
    if !ctx.foreground {
        return fail(
            "error: \"kubectl events --watch\" in a pipeline, a redirection, a substitution or with other commands on the line is not supported in Kubarium yet",
        );
    }
    let client = client::connect(ctx.cluster);
    let mut req = Request::get(crate::apiserver::resources::events().path(ns, None))
        .query("watch", "true")
        .query("fieldSelector", field_selector);
    req.user = client.user.clone();
    let (watch, first) = match client.api.open_watch(&req) {
        Ok(w) => w,
        Err(e) => return fail(e.kubectl_message()),
    };
    let opts = table::PrintOptions {
        no_headers: p.on("no-headers"),
        ..Default::default()
    };
    let format = Format::Events { all_ns, types };
    let mut w = GetWatch::new(p, ctx.cluster.now(), watch, format, opts);
    let now = ctx.cluster.now();
    let mut out = Output::default();
    for e in &first {
        out.out(w.print(e["type"].as_str().unwrap_or(""), &e["object"], now));
    }
    ctx.stream = Some(w);
    CmdResult {
        output: out,
        code: 0,
    }
}
