//! Kubernetes JSONPath expressions of one path (`.spec.replicas`,
//! `.status.conditions[?(@.type=="Ready")].status`, `.items[*].name`), as CRD printer
//! columns use them.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    Wildcard,
    /// `[?(@.a.b=="x")]` (or `!=`); `None` tests only that the field exists.
    Filter(Vec<String>, Option<(bool, Value)>),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq)]
pub struct Path(Vec<Step>);

fn field_chain(s: &str) -> Vec<String> {
    s.split('.')
        .filter(|p| !p.is_empty())
        .map(String::from)
        .collect()
}

fn literal(s: &str) -> Value {
    let s = s.trim();
    if let Some(q) = s
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
    {
        return Value::String(q.to_string());
    }
    serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string()))
}

impl Path {
    /// Parses `{.a.b}` or `.a.b`; errors name what is wrong.
    pub fn parse(expr: &str) -> Result<Path, String> {
        let mut s = expr.trim();
        if let Some(inner) = s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            s = inner.trim();
        }
        let s = s.strip_prefix('$').unwrap_or(s);
        let mut steps = vec![];
        let mut rest = s;
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                if end > 0 {
                    steps.push(Step::Field(r[..end].to_string()));
                }
                rest = &r[end..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let end = r
                    .find(']')
                    .ok_or_else(|| format!("unterminated array in {expr}"))?;
                let inner = r[..end].trim();
                rest = &r[end + 1..];
                if inner == "*" {
                    steps.push(Step::Wildcard);
                } else if let Some(f) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
                    let f = f.trim();
                    let (lhs, test) = if let Some((l, v)) = f.split_once("!=") {
                        (l, Some((false, literal(v))))
                    } else if let Some((l, v)) = f.split_once("==") {
                        (l, Some((true, literal(v))))
                    } else {
                        (f, None)
                    };
                    let lhs = lhs
                        .trim()
                        .strip_prefix('@')
                        .ok_or_else(|| format!("unrecognized filter in {expr}"))?;
                    steps.push(Step::Filter(field_chain(lhs), test));
                } else if let Some(q) = inner
                    .strip_prefix('\'')
                    .and_then(|q| q.strip_suffix('\''))
                    .or_else(|| inner.strip_prefix('"').and_then(|q| q.strip_suffix('"')))
                {
                    steps.push(Step::Field(q.to_string()));
                } else {
                    let i = inner
                        .parse::<i64>()
                        .map_err(|_| format!("invalid array index {inner}"))?;
                    steps.push(Step::Index(i));
                }
            } else {
                return Err(format!("unrecognized character in action: {expr}"));
            }
        }
        Ok(Path(steps))
    }

    /// The values the path finds in `root`, in order.
    pub fn find<'a>(&self, root: &'a Value) -> Vec<&'a Value> {
        let mut current = vec![root];
        for step in &self.0 {
            let mut next = vec![];
            for v in current {
                match step {
                    Step::Field(f) => next.extend(v.get(f)),
                    Step::Index(i) => {
                        if let Some(a) = v.as_array() {
                            let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                            next.extend(usize::try_from(idx).ok().and_then(|i| a.get(i)));
                        }
                    }
                    Step::Wildcard => match v {
                        Value::Array(a) => next.extend(a.iter()),
                        Value::Object(m) => next.extend(m.values()),
                        _ => {}
                    },
                    Step::Filter(chain, test) => {
                        for item in v.as_array().into_iter().flatten() {
                            let field = chain.iter().try_fold(item, |acc, k| acc.get(k));
                            let keep = match (field, test) {
                                (Some(_), None) => true,
                                (Some(f), Some((eq, want))) => (f == want) == *eq,
                                (None, _) => false,
                            };
                            if keep {
                                next.push(item);
                            }
                        }
                    }
                }
            }
            current = next;
        }
        current
    }
}
