//! Kubernetes JSONPath: expressions of one path (`.spec.replicas`,
//! `.status.conditions[?(@.type=="Ready")].status`, `.items[*].name`), as CRD printer
//! columns use them, and the templates of `kubectl get -o jsonpath=...` (text, `{path}`,
//! `{range ...}{end}`, string literals).

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    /// `[start:end]`, either end open, negatives from the end.
    Slice(Option<i64>, Option<i64>),
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
                // A field ends at the next unescaped `.` or `[` (`kubectl\.kubernetes\.io/x`).
                let mut end = r.len();
                let mut escaped = false;
                for (i, c) in r.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '.' | '[' if !escaped => {
                            end = i;
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                if end > 0 {
                    steps.push(Step::Field(r[..end].replace("\\.", ".")));
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
                } else if let Some((a, b)) = inner.split_once(':') {
                    let bound = |x: &str| -> Result<Option<i64>, String> {
                        let x = x.split(':').next().unwrap_or("").trim();
                        if x.is_empty() {
                            return Ok(None);
                        }
                        x.parse::<i64>()
                            .map(Some)
                            .map_err(|_| format!("invalid array index {inner}"))
                    };
                    steps.push(Step::Slice(bound(a)?, bound(b)?));
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
                    Step::Slice(start, end) => {
                        if let Some(a) = v.as_array() {
                            let len = a.len() as i64;
                            let at = |x: i64| if x < 0 { (len + x).max(0) } else { x.min(len) };
                            let from = start.map_or(0, at);
                            let to = end.map_or(len, at);
                            if from < to {
                                next.extend(&a[from as usize..to as usize]);
                            }
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

/// One piece of a template.
#[derive(Debug)]
enum Node {
    Text(String),
    Literal(String),
    /// A path, and whether it starts from the root (`$`) rather than the current item.
    Path(Path, bool),
    Range(Path, bool, Vec<Node>),
}

/// A block being read: its `{range}` (none at the top) and what it holds so far.
type Block = (Option<(Path, bool)>, Vec<Node>);

/// The actions and text of a template, `{range}` blocks nested.
fn parse_template(template: &str) -> Result<Vec<Node>, String> {
    let mut stack: Vec<Block> = vec![(None, vec![])];
    fn push(stack: &mut [Block], node: Node) {
        if let Some((_, nodes)) = stack.last_mut() {
            nodes.push(node);
        }
    }
    let mut rest = template;
    while !rest.is_empty() {
        let Some(open) = rest.find('{') else {
            push(&mut stack, Node::Text(rest.to_string()));
            break;
        };
        if open > 0 {
            push(&mut stack, Node::Text(rest[..open].to_string()));
        }
        let body = &rest[open + 1..];
        // The action ends at the first `}` outside quotes.
        let mut quote = None;
        let mut close = None;
        for (i, c) in body.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '}') => {
                    close = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let close = close.ok_or("unclosed action")?;
        let action = body[..close].trim();
        rest = &body[close + 1..];
        if action == "end" {
            let (Some((path, root)), nodes) = stack.pop().unwrap_or((None, vec![])) else {
                return Err("not in range, nothing to end".into());
            };
            push(&mut stack, Node::Range(path, root, nodes));
            continue;
        }
        if let Some(expr) = action.strip_prefix("range ") {
            let (path, root) = path_of(expr.trim())?;
            stack.push((Some((path, root)), vec![]));
            continue;
        }
        let node = match literal_text(action) {
            Some(text) => Node::Literal(text),
            None => {
                let (path, root) = path_of(action)?;
                Node::Path(path, root)
            }
        };
        push(&mut stack, node);
    }
    // kubectl closes ranges left open at the end.
    while stack.len() > 1 {
        if let Some((Some((path, root)), nodes)) = stack.pop() {
            push(&mut stack, Node::Range(path, root, nodes));
        }
    }
    Ok(stack.pop().map(|(_, nodes)| nodes).unwrap_or_default())
}

/// A quoted string action's text, with `\n`, `\t` and `\\` unescaped.
fn literal_text(action: &str) -> Option<String> {
    let inner = action
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .or_else(|| action.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))?;
    Some(
        inner
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\r", "\r")
            .replace("\\\\", "\\"),
    )
}

fn path_of(expr: &str) -> Result<(Path, bool), String> {
    let root = expr.starts_with('$');
    let relative = expr.strip_prefix('@').unwrap_or(expr);
    Ok((Path::parse(relative)?, root))
}

/// A found value as kubectl prints it: strings bare, the rest as JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn render_nodes(nodes: &[Node], root: &Value, current: &Value, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) | Node::Literal(t) => out.push_str(t),
            Node::Path(path, from_root) => {
                let found = path.find(if *from_root { root } else { current });
                let texts: Vec<String> = found.into_iter().map(text_of).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range(path, from_root, body) => {
                for item in path.find(if *from_root { root } else { current }) {
                    render_nodes(body, root, item, out);
                }
            }
        }
    }
}

/// Renders a `-o jsonpath=` template against an object (or a List).
pub fn render(template: &str, root: &Value) -> Result<String, String> {
    let nodes = parse_template(template)?;
    let mut out = String::new();
    render_nodes(&nodes, root, root, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        let list = serde_json::json!({"items": [
            {"metadata": {"name": "a", "labels": {"k8s.io/x": "1"}}, "n": 1},
            {"metadata": {"name": "b"}, "n": 2},
            {"metadata": {"name": "c"}, "n": 3},
        ]});
        let r = |t: &str| render(t, &list).unwrap();
        assert_eq!(r("{.items[*].metadata.name}"), "a b c");
        assert_eq!(
            r("{range .items[*]}{.metadata.name}={@.n}{\"\\n\"}{end}"),
            "a=1\nb=2\nc=3\n"
        );
        assert_eq!(r("{.items[-1:].metadata.name}"), "c");
        assert_eq!(r("{.items[0:2].n}"), "1 2");
        assert_eq!(r("x {.items[0].metadata.labels.k8s\\.io/x} y"), "x 1 y");
        assert_eq!(r("{.items[0].metadata.labels}"), "{\"k8s.io/x\":\"1\"}");
        assert_eq!(r("{range .items[*]}{.n}"), "123");
        assert_eq!(r("{.nope}"), "");
        assert!(render("{.a", &list).is_err());
    }
}
