//! Go's fmt and strconv as templates print with them: `%v` of decoded JSON (`map[a:1]`,
//! `[x y]`, `1e+06`), Sprint, Sprintln and Sprintf with their `%!d(string=x)` complaints,
//! strconv.Quote, and encoding/json's compact, key-sorted, HTML-escaped Marshal.

use serde_json::Value;

use super::exec::Val;

/// strconv.Quote: escapes for what Go's IsPrint rejects (controls and the format
/// characters among them).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            c if c.is_control()
                || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}') =>
            {
                if u32::from(c) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", u32::from(c)));
                } else {
                    out.push_str(&format!("\\U{:08x}", u32::from(c)));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A float64 as `%v` prints it (strconv's shortest `g`: exponent from 1e+06 on).
pub fn float_v(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let e = format!("{f:e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// `%e` with a precision: `1.500000e+00`.
fn float_e(f: f64, prec: usize, upper: bool) -> String {
    let e = format!("{f:.prec$e}");
    let (mantissa, exp) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    let s = format!("{mantissa}e{sign}{:02}", exp.abs());
    if upper {
        s.to_uppercase()
    } else {
        s
    }
}

/// `%v` of a value.
pub fn value_v(v: &Val) -> String {
    match v {
        Val::Invalid => "<nil>".into(),
        Val::Json(j, _) => json_v(j),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => float_v(*f),
        Val::Byte(b) => b.to_string(),
    }
}

/// `%v` (and `%+v`) of decoded JSON: maps with sorted keys, slices space-separated.
pub fn json_v(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => float_v(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(json_v).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort(&mut keys);
            let items: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", json_v(&m[k])))
                .collect();
            format!("map[{}]", items.join(" "))
        }
    }
}

fn is_string(v: &Val) -> bool {
    matches!(v, Val::Json(Value::String(_), _))
}

/// fmt.Sprint: spaces between operands when neither is a string.
pub fn sprint(args: &[Val]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !is_string(a) && !is_string(&args[i - 1]) {
            out.push(' ');
        }
        out.push_str(&value_v(a));
    }
    out
}

/// fmt.Sprintln: spaces between every operand, and a newline.
pub fn sprintln(args: &[Val]) -> String {
    let items: Vec<String> = args.iter().map(value_v).collect();
    format!("{}\n", items.join(" "))
}

#[derive(Default, Clone, Copy)]
struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

fn pad(s: String, spec: &Spec, numeric: bool) -> String {
    let Some(w) = spec.width else { return s };
    let n = s.chars().count();
    if n >= w {
        return s;
    }
    let fill = w - n;
    if spec.minus {
        format!("{s}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        let (sign, digits) = match s.strip_prefix(['-', '+']) {
            Some(d) => (&s[..1], d),
            None => ("", s.as_str()),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

fn signed(s: String, negative: bool, spec: &Spec) -> String {
    if negative {
        s
    } else if spec.plus {
        format!("+{s}")
    } else if spec.space {
        format!(" {s}")
    } else {
        s
    }
}

/// The number in a value, if it is an integer.
fn int_of(v: &Val) -> Option<i64> {
    match v {
        Val::Int(i) => Some(*i),
        Val::Byte(b) => Some(i64::from(*b)),
        Val::Json(Value::Number(n), _) => n.as_i64(),
        _ => None,
    }
}

fn float_of(v: &Val) -> Option<f64> {
    match v {
        Val::Float(f) => Some(*f),
        Val::Json(Value::Number(n), _) if n.as_i64().is_none() => n.as_f64(),
        _ => None,
    }
}

fn bad(verb: char, v: &Val) -> String {
    if v.is_nil() {
        return format!("%!{verb}(<nil>)");
    }
    format!("%!{verb}({}={})", v.type_name(), value_v(v))
}

/// One argument formatted by one verb.
fn format_one(verb: char, spec: &Spec, v: &Val) -> String {
    // Maps and slices print their elements with the verb.
    if let Val::Json(Value::Array(a), _) = v {
        if verb != 'T' {
            let items: Vec<String> = a
                .iter()
                .map(|e| format_one(verb, &Spec::default(), &Val::Json(e.clone(), false)))
                .collect();
            return pad(format!("[{}]", items.join(" ")), spec, false);
        }
    }
    if let Val::Json(Value::Object(m), _) = v {
        if verb != 'T' {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort(&mut keys);
            let items: Vec<String> = keys
                .into_iter()
                .map(|k| {
                    let key = format_one(
                        verb,
                        &Spec::default(),
                        &Val::Json(Value::String(k.clone()), false),
                    );
                    let val = format_one(verb, &Spec::default(), &Val::Json(m[k].clone(), false));
                    format!("{key}:{val}")
                })
                .collect();
            return pad(format!("map[{}]", items.join(" ")), spec, false);
        }
    }
    match verb {
        'v' => {
            if let Some(i) = int_of(v) {
                return pad(signed(i.to_string(), i < 0, spec), spec, true);
            }
            if let Some(f) = float_of(v) {
                return pad(signed(float_v(f), f < 0.0, spec), spec, true);
            }
            pad(value_v(v), spec, false)
        }
        'T' => pad(
            if v.is_nil() {
                "<nil>".into()
            } else {
                v.type_name()
            },
            spec,
            false,
        ),
        's' => match v {
            Val::Json(Value::String(s), _) => {
                let s = match spec.prec {
                    Some(p) => s.chars().take(p).collect(),
                    None => s.clone(),
                };
                pad(s, spec, false)
            }
            _ => bad(verb, v),
        },
        'q' => match v {
            Val::Json(Value::String(s), _) => {
                if spec.sharp && !s.contains('`') {
                    pad(format!("`{s}`"), spec, false)
                } else {
                    pad(quote(s), spec, false)
                }
            }
            _ => match int_of(v)
                .and_then(|i| u32::try_from(i).ok())
                .and_then(char::from_u32)
            {
                Some(c) => {
                    let q = quote(&c.to_string());
                    let inner = &q[1..q.len() - 1];
                    let inner = if c == '"' {
                        "\""
                    } else if c == '\'' {
                        "\\'"
                    } else {
                        inner
                    };
                    pad(format!("'{inner}'"), spec, false)
                }
                None => bad(verb, v),
            },
        },
        't' => match v {
            Val::Json(Value::Bool(b), _) => pad(b.to_string(), spec, false),
            _ => bad(verb, v),
        },
        'd' | 'b' | 'o' | 'O' | 'x' | 'X' | 'c' | 'U' => {
            if let Some(i) = int_of(v) {
                let abs = i.unsigned_abs();
                let body = match verb {
                    'd' => abs.to_string(),
                    'b' => format!("{abs:b}"),
                    'o' => format!("{}{abs:o}", if spec.sharp { "0" } else { "" }),
                    'O' => format!("0o{abs:o}"),
                    'x' => format!("{}{abs:x}", if spec.sharp { "0x" } else { "" }),
                    'X' => format!("{}{abs:X}", if spec.sharp { "0X" } else { "" }),
                    'c' => {
                        return pad(
                            u32::try_from(i)
                                .ok()
                                .and_then(char::from_u32)
                                .unwrap_or('\u{fffd}')
                                .to_string(),
                            spec,
                            false,
                        )
                    }
                    _ => return pad(format!("U+{abs:04X}"), spec, false),
                };
                let body = match spec.prec {
                    Some(p) if body.len() < p => format!("{}{body}", "0".repeat(p - body.len())),
                    _ => body,
                };
                let body = if i < 0 { format!("-{body}") } else { body };
                return pad(signed(body, i < 0, spec), spec, true);
            }
            match (verb, v) {
                ('x' | 'X', Val::Json(Value::String(s), _)) => {
                    let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
                    let hex = if verb == 'X' { hex.to_uppercase() } else { hex };
                    pad(hex, spec, false)
                }
                _ => bad(verb, v),
            }
        }
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
            let Some(f) = float_of(v) else {
                return bad(verb, v);
            };
            let body = match verb {
                'f' | 'F' => format!("{:.*}", spec.prec.unwrap_or(6), f),
                'e' | 'E' => float_e(f, spec.prec.unwrap_or(6), verb == 'E'),
                _ => match spec.prec {
                    None => float_v(f),
                    Some(p) => {
                        let p = p.max(1);
                        let e = float_e(f, p - 1, false);
                        let exp: i32 = e
                            .split_once('e')
                            .and_then(|(_, x)| x.parse().ok())
                            .unwrap_or(0);
                        if exp < -4 || exp >= p as i32 {
                            e
                        } else {
                            let decimals = (p as i32 - 1 - exp).max(0) as usize;
                            let s = format!("{f:.decimals$}");
                            if s.contains('.') {
                                s.trim_end_matches('0').trim_end_matches('.').to_string()
                            } else {
                                s
                            }
                        }
                    }
                },
            };
            pad(signed(body, f < 0.0, spec), spec, true)
        }
        _ => bad(verb, v),
    }
}

/// fmt.Sprintf over template values.
pub fn sprintf(format: &str, args: &[Val]) -> String {
    let mut out = String::new();
    let mut used = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec::default();
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '#' => spec.sharp = true,
                ' ' => spec.space = true,
                '0' => spec.zero = !spec.minus,
                _ => break,
            }
            chars.next();
        }
        let mut number = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| -> Option<usize> {
            if chars.peek() == Some(&'*') {
                chars.next();
                let n = args.get(used).and_then(int_of);
                used += 1;
                return n.map(|n| n.unsigned_abs() as usize);
            }
            let mut n: Option<usize> = None;
            while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d as usize));
                chars.next();
            }
            n
        };
        spec.width = number(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.prec = Some(number(&mut chars).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        match args.get(used) {
            Some(a) => out.push_str(&format_one(verb, &spec, a)),
            None => out.push_str(&format!("%!{verb}(MISSING)")),
        }
        used += 1;
    }
    if used < args.len() {
        let extra: Vec<String> = args[used..]
            .iter()
            .map(|a| {
                if a.is_nil() {
                    "<nil>".to_string()
                } else {
                    format!("{}={}", a.type_name(), value_v(a))
                }
            })
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

/// encoding/json's Marshal of decoded JSON: compact, keys sorted, `<`, `>` and `&`
/// escaped.
pub fn marshal(v: &Value) -> String {
    crate::gojson::Json::sorted(v).compact()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_go_prints_them() {
        assert_eq!(float_v(1e6), "1e+06");
        assert_eq!(float_v(1.5), "1.5");
        assert_eq!(float_v(123456.0), "123456");
        assert_eq!(float_v(0.00001), "1e-05");
    }

    #[test]
    fn sprintf_complains_as_go_does() {
        let s = |t: &str| Val::Json(Value::String(t.into()), false);
        assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%s %s", &[s("x")]), "x %!s(MISSING)");
        assert_eq!(sprintf("%s", &[s("x"), Val::Int(3)]), "x%!(EXTRA int=3)");
        assert_eq!(
            sprintf("%5.2f|%-4s|", &[Val::Float(4.56789), s("ab")]),
            " 4.57|ab  |"
        );
    }
}
