//! `kubectl wait`: until objects meet a condition (`--for=condition=Ready[=value]`,
//! `--for=jsonpath={.path}[=value]`, `--for=delete`, `--for=create`) or `--timeout`
//! passes. Virtual time advances while it waits, as it would pass on a real cluster, and
//! stops the moment the wait would return.

use serde_json::Value;

use super::client;
use super::flags::Parsed;
use super::{fail, targets, Ctx};
use crate::apiserver::errors::Reason;
use crate::apiserver::resources::Resource;
use crate::clock::{Millis, SECOND};
use crate::cluster::Cluster;
use crate::command::{CmdResult, Output};
use crate::printers::jsonpath::Path;

/// What a wait waits for.
enum For {
    Delete,
    Create,
    Condition(String, String),
    JsonPath(Path, Option<String>),
}

fn parse_for(s: &str) -> Result<For, String> {
    let unrecognized = || format!("error: unrecognized condition: \"{s}\"");
    if s.eq_ignore_ascii_case("delete") {
        return Ok(For::Delete);
    }
    if s.eq_ignore_ascii_case("create") {
        return Ok(For::Create);
    }
    if let Some(c) = s.strip_prefix("condition=") {
        let (name, value) = c.split_once('=').unwrap_or((c, "true"));
        return Ok(For::Condition(name.to_string(), value.to_string()));
    }
    if let Some(j) = s.strip_prefix("jsonpath=") {
        let (expr, value) = match j.rfind('}') {
            Some(end) => match j[end + 1..].strip_prefix('=') {
                Some(v) => (&j[..=end], Some(v.to_string())),
                None => (j, None),
            },
            None => return Err(unrecognized()),
        };
        let path = Path::parse(expr).map_err(|e| format!("error: {e}"))?;
        return Ok(For::JsonPath(path, value));
    }
    Err(unrecognized())
}

/// Go's time.ParseDuration, to virtual milliseconds (`30s`, `1m30s`, `500ms`, `0`).
pub(crate) fn parse_duration(s: &str) -> Option<Millis> {
    let (negative, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let ms = match &rest[..unit_len] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 6e4,
            "h" => 3.6e6,
            _ => return None,
        };
        total += number * ms;
        rest = &rest[unit_len..];
    }
    let total = total as Millis;
    Some(if negative { -total } else { total })
}

/// Whether an object (or its absence) meets the condition.
fn met(cond: &For, obj: Option<&Value>) -> bool {
    match (cond, obj) {
        (For::Delete, obj) => obj.is_none(),
        (For::Create, obj) => obj.is_some(),
        (_, None) => false,
        (For::Condition(name, value), Some(o)) => o["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|c| {
                c["type"]
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case(name))
                    && c["status"]
                        .as_str()
                        .is_some_and(|s| s.eq_ignore_ascii_case(value))
            }),
        (For::JsonPath(path, value), Some(o)) => {
            let found = path.find(o);
            match value {
                None => !found.is_empty(),
                Some(v) => match found.as_slice() {
                    [Value::String(s)] => s == v,
                    [other] => serde_json::from_str::<Value>(v).is_ok_and(|w| w == **other),
                    _ => false,
                },
            }
        }
    }
}

fn current(cluster: &Cluster, r: &Resource, ns: &str, name: &str) -> Option<Value> {
    cluster.api.get(r, ns, name).ok()
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let timeout = match p.get("timeout") {
        None => 30 * SECOND,
        Some(t) => match parse_duration(t) {
            // A negative timeout waits a week.
            Some(ms) if ms < 0 => 7 * 24 * 3600 * SECOND,
            Some(ms) => ms,
            None => {
                return fail(format!(
                    "error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl wait --help' for usage."
                ))
            }
        },
    };
    let cond = match parse_for(p.get("for").unwrap_or("")) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    if p.positional.is_empty() {
        return fail("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let targets = match targets::of(p, ctx, &p.positional) {
        Ok(t) if t.is_empty() => return fail("error: no matching resources found"),
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let mut out = Output::default();
    // Objects that must exist to be waited on are read first, as kubectl's builder does;
    // an object a delete-wait never saw is not reported.
    let mut existed = vec![];
    {
        let mut c = client::connect(ctx.cluster);
        for (r, ns, name) in &targets {
            match c.get(r, ns, name) {
                Ok(_) => existed.push(true),
                Err(e)
                    if matches!(cond, For::Delete | For::Create)
                        && e.reason == Reason::NotFound =>
                {
                    existed.push(false)
                }
                Err(e) => return fail(e.kubectl_message()),
            }
        }
    }
    let limit = ctx.cluster.now() + timeout;
    ctx.cluster.advance_until(limit, |c| {
        targets
            .iter()
            .all(|(r, ns, name)| met(&cond, current(c, r, ns, name).as_ref()))
    });
    for ((r, ns, name), existed) in targets.iter().zip(existed) {
        if matches!(cond, For::Delete) && !existed {
            continue;
        }
        if met(&cond, current(ctx.cluster, r, ns, name).as_ref()) {
            out.out(format!("{}/{name} condition met\n", r.kubectl_kind()));
        } else {
            out.err(format!(
                "error: timed out waiting for the condition on {}/{name}\n",
                r.plural
            ));
            return CmdResult {
                output: out,
                code: 1,
            };
        }
    }
    CmdResult {
        output: out,
        code: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("30s"), Some(30_000));
        assert_eq!(parse_duration("1m30s"), Some(90_000));
        assert_eq!(parse_duration("1.5h"), Some(5_400_000));
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("-1s"), Some(-1000));
        assert_eq!(parse_duration("abc"), None);
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration(""), None);
    }
}
