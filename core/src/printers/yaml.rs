//! YAML output in the style kubectl prints (sigs.k8s.io/yaml over go-yaml v2): sorted
//! keys, two-space indent, sequences flush with their key, and go-yaml's quoting rules.

use serde_json::Value;

/// Renders a JSON value as kubectl's YAML.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => write_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => write_seq(a, 0, &mut out),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

fn indent(n: usize, out: &mut String) {
    for _ in 0..n {
        out.push(' ');
    }
}

fn write_map(m: &serde_json::Map<String, Value>, level: usize, out: &mut String) {
    let mut keys: Vec<&String> = m.keys().collect();
    crate::sort::sort(&mut keys);
    for k in keys {
        let v = &m[k];
        indent(level, out);
        let key = quote_string(k, level);
        out.push_str(&key);
        out.push(':');
        write_value_after_key(v, level, level + key.chars().count() + 2, out);
    }
}

/// Writes a key's value; a scalar one starts at `column`.
fn write_value_after_key(v: &Value, level: usize, column: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_map(m, level + 2, out);
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_seq(a, level, out);
        }
        other => {
            out.push(' ');
            out.push_str(&fold(scalar(other, level + 2), column, level + 2));
            out.push('\n');
        }
    }
}

fn write_seq(a: &[Value], level: usize, out: &mut String) {
    for item in a {
        indent(level, out);
        out.push('-');
        match item {
            Value::Object(m) if !m.is_empty() => {
                // The first key goes on the dash line; the rest align with it.
                let mut first = String::new();
                write_map(m, level + 2, &mut first);
                out.push(' ');
                out.push_str(&first[level + 2..]);
            }
            Value::Array(inner) if !inner.is_empty() => {
                let mut nested = String::new();
                write_seq(inner, level + 2, &mut nested);
                out.push(' ');
                out.push_str(&nested[level + 2..]);
            }
            other => {
                out.push(' ');
                out.push_str(&fold(scalar(other, level + 2), level + 2, level + 2));
                out.push('\n');
            }
        }
    }
}

/// go-yaml v2's line folding (best_width 80): a plain or quoted scalar written from
/// `column` breaks at a single space once its line has passed 80 columns, going on at
/// `indent` (a double-quoted one escapes a space that would start the next line).
fn fold(text: String, column: usize, indent: usize) -> String {
    const BEST_WIDTH: usize = 80;
    if column + text.len() <= BEST_WIDTH || !text.contains(' ') {
        return text;
    }
    let quote = match text.chars().next() {
        Some('|') | None => return text,
        Some(q @ ('\'' | '"')) => Some(q),
        Some(_) => None,
    };
    let body: Vec<char> = match quote {
        Some(_) => {
            let mut cs: Vec<char> = text.chars().skip(1).collect();
            cs.pop();
            cs
        }
        None => text.chars().collect(),
    };
    if !body.contains(&' ') || column + body.len() <= BEST_WIDTH {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut col = column;
    if let Some(q) = quote {
        out.push(q);
        col += 1;
    }
    let mut spaces = false;
    for (i, &c) in body.iter().enumerate() {
        if c != ' ' {
            out.push(c);
            col += 1;
            spaces = false;
            continue;
        }
        let next_space = body.get(i + 1) == Some(&' ');
        let inside = i > 0 && i + 1 < body.len();
        let may_break = !spaces
            && col > BEST_WIDTH
            && match quote {
                None => !next_space,
                Some('\'') => inside && !next_space,
                Some(_) => inside,
            };
        if may_break {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', indent));
            col = indent;
            if quote == Some('"') && next_space {
                out.push('\\');
                col += 1;
            }
        } else {
            out.push(' ');
            col += 1;
        }
        spaces = true;
    }
    if let Some(q) = quote {
        out.push(q);
    }
    out
}

fn scalar(v: &Value, level: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => super::go_number(n),
        Value::String(s) => quote_string(s, level),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// Whether YAML would read `s` as something other than a string (so it must be quoted).
fn resolves_to_non_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y",
        "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF", ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", ".nan", ".NaN", ".NAN",
        "<<",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    let t = s.replace('_', "");
    let body = t.strip_prefix(['+', '-']).unwrap_or(&t);
    let is_int = !body.is_empty() && body.chars().all(|c| c.is_ascii_digit());
    let is_hex = body
        .strip_prefix("0x")
        .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()));
    let is_octal = body
        .strip_prefix("0o")
        .is_some_and(|h| !h.is_empty() && h.chars().all(|c| ('0'..='7').contains(&c)));
    let is_bin = body
        .strip_prefix("0b")
        .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c == '0' || c == '1'));
    let is_float = {
        let mut parts = body.splitn(2, ['e', 'E']);
        let mant = parts.next().unwrap_or("");
        let exp_ok = parts.next().is_none_or(|e| {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        });
        let dots = mant.matches('.').count();
        dots <= 1
            && mant.chars().any(|c| c.is_ascii_digit())
            && mant.chars().all(|c| c.is_ascii_digit() || c == '.')
            && exp_ok
    };
    // Sexagesimal numbers (`1:20`) and timestamps (`2026-01-05`, `2026-01-05T08:00:00Z`).
    let is_base60 = s.contains(':')
        && s.split(':')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && s.chars().next().is_some_and(|c| c.is_ascii_digit());
    let b = s.as_bytes();
    let is_timestamp = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10 || matches!(b[10], b'T' | b't' | b' '));
    is_int || is_hex || is_octal || is_bin || is_float || is_base60 || is_timestamp
}

/// Whether libyaml may write `s` as a plain scalar in block context.
fn plain_allowed(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    let second = s.chars().nth(1);
    if "[]{},#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if "-?:".contains(first) && second.is_none_or(|c| c == ' ') {
        return false;
    }
    if s.starts_with(' ')
        || s.ends_with(' ')
        || s.ends_with(':')
        || s.starts_with("---")
        || s.starts_with("...")
    {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.contains('\t') {
        return false;
    }
    s.chars().all(|c| !c.is_control())
}

fn quote_string(s: &str, level: usize) -> String {
    if s.contains('\n')
        && !s.lines().any(|l| l.ends_with(' '))
        && s.chars().all(|c| c == '\n' || !c.is_control())
    {
        return literal(s, level);
    }
    if resolves_to_non_string(s) {
        return double_quoted(s);
    }
    if plain_allowed(s) {
        return s.to_string();
    }
    if s.chars().any(|c| c.is_control()) {
        return double_quoted(s);
    }
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn literal(s: &str, level: usize) -> String {
    let chomp = if s.ends_with("\n\n") {
        "+"
    } else if s.ends_with('\n') {
        ""
    } else {
        "-"
    };
    let indicator = if s.starts_with(' ') { "2" } else { "" };
    let mut out = format!("|{indicator}{chomp}");
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            for _ in 0..level {
                out.push(' ');
            }
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn folds_long_scalars_as_go_yaml() {
        let v = json!({"status": {"conditions": [{"message": "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.", "type": "PodScheduled"}], "note": "a plain value that runs on past the eightieth column of the line it starts on"}});
        assert_eq!(
            to_yaml(&v),
            "status:\n  conditions:\n  - message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are\n      available: 3 No preemption victims found for incoming pod.'\n    type: PodScheduled\n  note: a plain value that runs on past the eightieth column of the line it starts\n    on\n"
        );
    }

    #[test]
    fn emits_kubectl_style() {
        let v = json!({
            "metadata": {"name": "nginx", "creationTimestamp": null, "labels": {"run": "nginx"}},
            "kind": "Pod", "apiVersion": "v1",
            "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {}, "args": ["sleep", "3600"]}]},
            "status": {}
        });
        assert_eq!(
            to_yaml(&v),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    run: nginx\n  name: nginx\nspec:\n  containers:\n  - args:\n    - sleep\n    - \"3600\"\n    image: nginx\n    name: nginx\n    resources: {}\nstatus: {}\n"
        );
        assert_eq!(
            quote_string("2026-01-05T08:00:00Z", 0),
            "\"2026-01-05T08:00:00Z\""
        );
        assert_eq!(
            quote_string("containers with unready status: [nginx]", 0),
            "'containers with unready status: [nginx]'"
        );
        assert_eq!(quote_string("", 0), "\"\"");
        assert_eq!(quote_string("*", 0), "'*'");
        assert_eq!(to_yaml(&json!({"a": "x\ny\n"})), "a: |\n  x\n  y\n");
    }
}
