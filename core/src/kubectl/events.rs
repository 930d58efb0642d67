//! `kubectl events [-A] [--for TYPE/NAME] [--types=Normal,Warning] [-w]`: core/v1
//! Events, oldest first, with kubectl's LAST SEEN intervals (`2m (x3 over 5m)`); with
//! `-w`, every event the watch reports, as it comes.

use serde_json::Value;

use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::{fail, namespace, resource_type, Ctx};
use crate::apiserver::resources;
use crate::clock::time_of;
use crate::clock::Millis;
use crate::command::{CmdResult, Output};
use crate::printers::{age, gosort, tabwriter};

/// The time an event sorts by: its series' last observation, else its last timestamp,
/// else its event time.
fn event_time(e: &Value) -> Option<Millis> {
    time_of(&e["series"]["lastObservedTime"])
        .or_else(|| time_of(&e["lastTimestamp"]))
        .or_else(|| time_of(&e["eventTime"]))
}

fn since(t: Option<Millis>, now: Millis) -> String {
    t.map_or("<unknown>".into(), |t| age::human(now - t))
}

/// LAST SEEN: since the first time, or `last (xN over first)` for repeated events.
fn interval(e: &Value, now: Millis) -> String {
    let first = time_of(&e["eventTime"]).or_else(|| time_of(&e["firstTimestamp"]));
    let first = since(first, now);
    if e["series"].is_object() {
        let count = e["series"]["count"].as_i64().unwrap_or(0);
        let last = since(time_of(&e["series"]["lastObservedTime"]), now);
        return format!("{last} (x{count} over {first})");
    }
    match e["count"].as_i64() {
        Some(count) if count > 1 => {
            let last = since(time_of(&e["lastTimestamp"]), now);
            format!("{last} (x{count} over {first})")
        }
        _ => first,
    }
}

/// The columns (NAMESPACE first with `-A`).
pub(super) fn header(all_ns: bool) -> &'static str {
    if all_ns {
        "NAMESPACE\tLAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n"
    } else {
        "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n"
    }
}

/// One event's row, cells separated by tabs.
pub(super) fn row(e: &Value, now: Millis, all_ns: bool) -> String {
    let field = |v: &Value| v.as_str().unwrap_or("").to_string();
    let ns = if all_ns {
        format!("{}\t", field(&e["metadata"]["namespace"]))
    } else {
        String::new()
    };
    format!(
        "{ns}{}\t{}\t{}\t{}/{}\t{}\n",
        interval(e, now),
        field(&e["type"]),
        field(&e["reason"]),
        field(&e["involvedObject"]["kind"]),
        field(&e["involvedObject"]["name"]),
        field(&e["message"]).trim()
    )
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let types: Vec<String> = p
        .all("types")
        .iter()
        .flat_map(|t| t.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if types
        .iter()
        .any(|t| !t.eq_ignore_ascii_case("normal") && !t.eq_ignore_ascii_case("warning"))
    {
        return fail("error: valid --types are Normal or Warning");
    }
    let all_ns = p.on("all-namespaces");
    let ns = namespace(p);
    let mut selector = String::new();
    if let Some(target) = p.get("for") {
        let Some((type_name, name)) = target.split_once('/') else {
            return fail("error: --for must be in resource/name form");
        };
        if name.contains('/') {
            return fail("error: arguments in resource/name form may not have more than one slash");
        }
        let catalog = client::discover(ctx.cluster);
        let r = match resource_type(&catalog, &type_name.to_ascii_lowercase()) {
            Ok(r) => r,
            Err(e) => return fail(e.trim_start_matches("error: ").to_string()),
        };
        selector = format!(
            "involvedObject.kind={},involvedObject.apiVersion={},involvedObject.name={name}",
            r.kind,
            r.api_version()
        );
    }
    let opts = ListOptions {
        field_selector: (!selector.is_empty()).then_some(selector.as_str()),
        ..Default::default()
    };
    let list_ns = if all_ns { None } else { Some(ns.as_str()) };
    if p.on("watch") {
        return super::get::watch::events(p, ctx, list_ns, &selector, types, all_ns);
    }
    let now = ctx.cluster.now();
    let mut events = match client::connect(ctx.cluster).list(resources::events(), list_ns, opts) {
        Ok(e) => e,
        Err(e) => return fail(e.kubectl_message()),
    };
    events.retain(|e| {
        let ty = e["type"].as_str().unwrap_or("");
        types.is_empty() || types.iter().any(|t| t.eq_ignore_ascii_case(ty))
    });
    let mut out = Output::default();
    if events.is_empty() {
        out.err(if all_ns {
            "No events found.\n".to_string()
        } else {
            format!("No events found in {ns} namespace.\n")
        });
        return CmdResult {
            output: out,
            code: 0,
        };
    }
    // Oldest first, ties where Go's sort.Sort leaves them.
    let times: Vec<(Option<Millis>, Value)> =
        events.into_iter().map(|e| (event_time(&e), e)).collect();
    let mut times = times;
    gosort::sort(&mut times, |a, b| a.0 < b.0);
    let events: Vec<Value> = times.into_iter().map(|(_, e)| e).collect();
    let mut text = String::new();
    if !p.on("no-headers") {
        text.push_str(header(all_ns));
    }
    for e in &events {
        text.push_str(&row(e, now, all_ns));
    }
    out.out(tabwriter::align(&text, 6, 3));
    CmdResult {
        output: out,
        code: 0,
    }
}
