//! Label selectors as `-l` takes them: `k=v`, `k==v`, `k!=v`, `k`, `!k`,
//! `k in (a,b)`, `k notin (a,b)`, joined by commas.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Req {
    Eq(String, String),
    Ne(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

impl Req {
    fn key(&self) -> &str {
        match self {
            Req::Eq(k, _)
            | Req::Ne(k, _)
            | Req::In(k, _)
            | Req::NotIn(k, _)
            | Req::Exists(k)
            | Req::NotExists(k) => k,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector(Vec<Req>);

fn split_top(s: &str) -> Vec<String> {
    let mut parts = vec![];
    let mut depth = 0;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
}

impl Selector {
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut reqs = vec![];
        for part in split_top(s)
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
        {
            let set = |rest: &str| -> Option<Vec<String>> {
                let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
                Some(inner.split(',').map(|v| v.trim().to_string()).collect())
            };
            let req = if let Some((k, v)) = part.split_once("!=") {
                Req::Ne(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once("==") {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once('=') {
                Req::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, rest)) = part.split_once(" notin ") {
                Req::NotIn(
                    k.trim().into(),
                    set(rest).ok_or_else(|| format!("unable to parse requirement: {part}"))?,
                )
            } else if let Some((k, rest)) = part.split_once(" in ") {
                Req::In(
                    k.trim().into(),
                    set(rest).ok_or_else(|| format!("unable to parse requirement: {part}"))?,
                )
            } else if let Some(k) = part.strip_prefix('!') {
                Req::NotExists(k.trim().into())
            } else if part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            {
                Req::Exists(part.into())
            } else {
                return Err(format!("unable to parse requirement: found '{part}', expected: '=', '!=', '==', 'in', notin'"));
            };
            reqs.push(req);
        }
        Ok(Selector(reqs))
    }

    /// The selector as a `metav1.LabelSelector` (kubectl's ParseToLabelSelector):
    /// equalities become matchLabels, the rest matchExpressions, sorted by key.
    pub fn to_label_selector(&self) -> Result<Value, String> {
        let mut reqs = self.0.clone();
        crate::sort::by(&mut reqs, |a, b| a.key().cmp(b.key()));
        let mut labels = serde_json::Map::new();
        let mut exprs = vec![];
        for r in reqs {
            let (key, op, values) = match r {
                Req::Eq(k, v) => {
                    labels.insert(k, Value::String(v));
                    continue;
                }
                Req::Ne(..) => return Err("\"!=\" isn't supported in label selectors".into()),
                Req::In(k, vs) => (k, "In", vs),
                Req::NotIn(k, vs) => (k, "NotIn", vs),
                Req::Exists(k) => (k, "Exists", vec![]),
                Req::NotExists(k) => (k, "DoesNotExist", vec![]),
            };
            let mut values = values;
            crate::sort::sort(&mut values);
            values.dedup();
            let mut e = serde_json::json!({"key": key, "operator": op});
            if !values.is_empty() {
                e["values"] = serde_json::json!(values);
            }
            exprs.push(e);
        }
        let mut sel = serde_json::Map::new();
        if !labels.is_empty() {
            sel.insert("matchLabels".into(), Value::Object(labels));
        }
        if !exprs.is_empty() {
            sel.insert("matchExpressions".into(), Value::Array(exprs));
        }
        Ok(Value::Object(sel))
    }

    /// Whether an object's labels match.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = &obj["metadata"]["labels"];
        let get = |k: &str| labels.get(k).and_then(Value::as_str);
        self.0.iter().all(|r| match r {
            Req::Eq(k, v) => get(k) == Some(v.as_str()),
            Req::Ne(k, v) => get(k) != Some(v.as_str()),
            Req::In(k, vs) => get(k).is_some_and(|x| vs.iter().any(|v| v == x)),
            Req::NotIn(k, vs) => get(k).is_none_or(|x| !vs.iter().any(|v| v == x)),
            Req::Exists(k) => get(k).is_some(),
            Req::NotExists(k) => get(k).is_none(),
        })
    }
}

/// Whether a `metav1.LabelSelector` selects objects with `labels` (an empty selector
/// selects everything; callers refuse it where the API does).
pub fn selector_matches(
    sel: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
    labels: &std::collections::BTreeMap<String, String>,
) -> bool {
    selects(sel, &|k| labels.get(k).map(String::as_str))
}

/// Whether the selector selects `obj` by its `metadata.labels`, read in place.
pub fn selector_matches_object(
    sel: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
    obj: &serde_json::Value,
) -> bool {
    let labels = &obj["metadata"]["labels"];
    selects(sel, &|k| labels.get(k).and_then(serde_json::Value::as_str))
}

fn selects<'a>(
    sel: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
    get: &dyn Fn(&str) -> Option<&'a str>,
) -> bool {
    let by_labels = sel
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| get(k) == Some(v.as_str()));
    let by_expressions = sel.match_expressions.iter().flatten().all(|e| {
        let values = e.values.as_deref().unwrap_or(&[]);
        let have = get(&e.key);
        let listed = |h: &str| values.iter().any(|v| v == h);
        match e.operator.as_str() {
            "In" => have.is_some_and(listed),
            "NotIn" => have.is_none_or(|h| !listed(h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            _ => false,
        }
    });
    by_labels && by_expressions
}

/// Whether a selector has neither labels nor expressions.
pub fn selector_is_empty(
    sel: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
) -> bool {
    sel.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && sel.match_expressions.as_ref().is_none_or(|e| e.is_empty())
}

pub use kubarium_tools::labels::selector_string;
