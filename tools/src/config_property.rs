//! `kubectl config set PROPERTY VALUE` and `config unset PROPERTY`: a dotted path through
//! the kubeconfig's fields as kubectl names them (`clusters.NAME.server`,
//! `contexts.NAME.namespace`, `current-context`), map keys that may hold dots, strings,
//! booleans and base64 bytes, with kubectl's errors.

use base64::Engine;
use serde_json::{json, Map, Value};

/// The shape of a kubeconfig field, as kubectl's internal Config types have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Config,
    Preferences,
    Cluster,
    AuthInfo,
    Context,
    /// A map of named entries: the list in the file and the key of each entry's body.
    Named(&'static str, &'static str),
    Str,
    Bool,
    Bytes,
    /// A field that `set` cannot write (its Go type, for the error).
    Other(&'static str),
}

impl Ty {
    /// The Go type, as kubectl's errors print it.
    fn go_name(self) -> &'static str {
        match self {
            Ty::Config => "api.Config",
            Ty::Preferences => "api.Preferences",
            Ty::Cluster => "*api.Cluster",
            Ty::AuthInfo => "*api.AuthInfo",
            Ty::Context => "*api.Context",
            Ty::Named("clusters", _) => "map[string]*api.Cluster",
            Ty::Named("users", _) => "map[string]*api.AuthInfo",
            Ty::Named(..) => "map[string]*api.Context",
            Ty::Str => "string",
            Ty::Bool => "bool",
            Ty::Bytes => "[]uint8",
            Ty::Other(n) => n,
        }
    }

    /// The fields of a struct type by their JSON names.
    fn fields(self) -> &'static [(&'static str, Ty)] {
        const EXT: Ty = Ty::Other("map[string]runtime.Object");
        match self {
            Ty::Config => &[
                ("kind", Ty::Str),
                ("apiVersion", Ty::Str),
                ("preferences", Ty::Preferences),
                ("clusters", Ty::Named("clusters", "cluster")),
                ("users", Ty::Named("users", "user")),
                ("contexts", Ty::Named("contexts", "context")),
                ("current-context", Ty::Str),
                ("extensions", EXT),
            ],
            Ty::Preferences => &[("colors", Ty::Bool), ("extensions", EXT)],
            Ty::Cluster => &[
                ("-", Ty::Str),
                ("server", Ty::Str),
                ("tls-server-name", Ty::Str),
                ("insecure-skip-tls-verify", Ty::Bool),
                ("certificate-authority", Ty::Str),
                ("certificate-authority-data", Ty::Bytes),
                ("proxy-url", Ty::Str),
                ("disable-compression", Ty::Bool),
                ("extensions", EXT),
            ],
            Ty::AuthInfo => &[
                ("-", Ty::Str),
                ("client-certificate", Ty::Str),
                ("client-certificate-data", Ty::Bytes),
                ("client-key", Ty::Str),
                ("client-key-data", Ty::Bytes),
                ("token", Ty::Str),
                ("tokenFile", Ty::Str),
                ("act-as", Ty::Str),
                ("act-as-uid", Ty::Str),
                ("act-as-groups", Ty::Other("[]string")),
                ("act-as-user-extra", Ty::Other("map[string][]string")),
                ("username", Ty::Str),
                ("password", Ty::Str),
                ("auth-provider", Ty::Other("*api.AuthProviderConfig")),
                ("exec", Ty::Other("*api.ExecConfig")),
                ("extensions", EXT),
            ],
            Ty::Context => &[
                ("-", Ty::Str),
                ("cluster", Ty::Str),
                ("user", Ty::Str),
                ("namespace", Ty::Str),
                ("extensions", EXT),
            ],
            _ => &[],
        }
    }

    fn is_struct(self) -> bool {
        matches!(
            self,
            Ty::Config | Ty::Preferences | Ty::Cluster | Ty::AuthInfo | Ty::Context
        )
    }

    /// The type of a named entry's body.
    fn entry(self) -> Ty {
        match self {
            Ty::Named("clusters", _) => Ty::Cluster,
            Ty::Named("users", _) => Ty::AuthInfo,
            _ => Ty::Context,
        }
    }
}

/// One step of a property path: a field, or the key of a named entry.
#[derive(Debug, Clone)]
struct Step {
    value: String,
    ty: Ty,
}

fn show_steps(steps: &[Step]) -> String {
    let items: Vec<String> = steps
        .iter()
        .map(|s| format!("{{{} {}}}", s.value, s.ty.go_name()))
        .collect();
    format!("[{}]", items.join(" "))
}

/// Splits a property path into steps; a map key runs until a part names one of its
/// entries' fields (so `clusters.10.0.0.1.server` has the key `10.0.0.1`).
fn steps(path: &str) -> Result<Vec<Step>, String> {
    let parts: Vec<&str> = path.split('.').collect();
    let mut steps = vec![];
    let mut ty = Ty::Config;
    let mut i = 0;
    while i < parts.len() {
        if let Ty::Named(..) = ty {
            let entry = ty.entry();
            let known = |p: &&str| entry.fields().iter().any(|(n, _)| n == p);
            let n = parts[i + 1..]
                .iter()
                .position(known)
                .map_or(parts.len() - i, |k| k + 1);
            let key = parts[i..i + n].join(".");
            steps.push(Step {
                value: key,
                ty: entry,
            });
            i += n;
            ty = entry;
        } else if ty.is_struct() {
            let name = parts[i];
            let Some((_, field)) = ty.fields().iter().find(|(n, _)| *n == name) else {
                return Err(format!(
                    "unable to parse {path} after {} at {}",
                    show_steps(&steps),
                    ty.go_name().trim_start_matches('*')
                ));
            };
            steps.push(Step {
                value: name.to_string(),
                ty: *field,
            });
            i += 1;
            ty = *field;
        } else {
            return Err(format!(
                "unable to parse one or more field values of {path}"
            ));
        }
    }
    Ok(steps)
}

/// What to do at the end of the path.
enum Op<'a> {
    Set { value: &'a str, raw_bytes: bool },
    Unset,
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "" => Ok(false),
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!(
            "strconv.ParseBool: parsing {}: invalid syntax",
            serde_json::to_string(s).unwrap_or_default()
        )),
    }
}

/// The object a struct step works in: the config itself, its preferences, or a named
/// entry's body.
fn modify(
    target: &mut Map<String, Value>,
    ty: Ty,
    rest: &[Step],
    op: &Op<'_>,
) -> Result<(), String> {
    let Some((step, more)) = rest.split_first() else {
        return Ok(());
    };
    debug_assert!(ty.is_struct());
    // The internal names of impersonation fields differ from the file's.
    let key = match step.value.as_str() {
        "act-as" => "as",
        "act-as-uid" => "as-uid",
        k => k,
    };
    match step.ty {
        Ty::Named(list, inner) => {
            if more.is_empty() {
                if let Op::Unset = op {
                    target.insert(list.to_string(), Value::Null);
                    return Ok(());
                }
                let names: Vec<String> = target
                    .get(list)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|e| e["name"].as_str().map(|n| format!("{n}:{{...}}")))
                    .collect();
                return Err(format!(
                    "can't set a map to a value: map[{}]",
                    names.join(" ")
                ));
            }
            let (entry_step, after) = more
                .split_first()
                .map_or((None, &[][..]), |(s, a)| (Some(s), a));
            let Some(entry_step) = entry_step else {
                return Ok(());
            };
            let name = entry_step.value.as_str();
            if !target.get(list).is_some_and(Value::is_array) {
                target.insert(list.to_string(), json!([]));
            }
            let Some(entries) = target.get_mut(list).and_then(Value::as_array_mut) else {
                return Ok(());
            };
            let at = entries.iter().position(|e| e["name"] == json!(name));
            if after.is_empty() {
                // `unset clusters.NAME` removes the entry (if there is one); a map entry
                // cannot be set to a value.
                return match op {
                    Op::Unset => {
                        if let Some(i) = at {
                            entries.remove(i);
                        }
                        Ok(())
                    }
                    Op::Set { .. } => {
                        let names: Vec<String> = entries
                            .iter()
                            .filter_map(|e| e["name"].as_str().map(|n| format!("{n}:{{...}}")))
                            .collect();
                        Err(format!(
                            "can't set a map to a value: map[{}]",
                            names.join(" ")
                        ))
                    }
                };
            }
            let i = match at {
                Some(i) => i,
                None => {
                    if let Op::Unset = op {
                        return Err(format!("current map key `{name}` is invalid"));
                    }
                    entries.push(json!({"name": name, inner: {}}));
                    entries.len() - 1
                }
            };
            let body = &mut entries[i][inner];
            if !body.is_object() {
                *body = json!({});
            }
            match body.as_object_mut() {
                Some(m) => modify(m, entry_step.ty, after, op),
                None => Ok(()),
            }
        }
        Ty::Preferences => {
            let prefs = target.entry("preferences").or_insert_with(|| json!({}));
            if !prefs.is_object() {
                *prefs = json!({});
            }
            if more.is_empty() {
                return match op {
                    Op::Unset => {
                        *prefs = json!({});
                        Ok(())
                    }
                    Op::Set { .. } => Err("unrecognized type: {}".into()),
                };
            }
            match prefs.as_object_mut() {
                Some(m) => modify(m, Ty::Preferences, more, op),
                None => Ok(()),
            }
        }
        Ty::Str => {
            last_step(more, "a string")?;
            match op {
                Op::Set { value, .. } => {
                    target.insert(key.to_string(), json!(value));
                }
                Op::Unset => {
                    target.remove(key);
                }
            }
            Ok(())
        }
        Ty::Bool => {
            last_step(more, "a bool")?;
            let value = match op {
                Op::Set { value, .. } => parse_bool(value)?,
                Op::Unset => false,
            };
            if value {
                target.insert(key.to_string(), json!(true));
            } else {
                target.remove(key);
            }
            Ok(())
        }
        Ty::Bytes => {
            last_step(more, "bytes")?;
            let engine = base64::engine::general_purpose::STANDARD;
            match op {
                Op::Unset => {
                    target.remove(key);
                }
                Op::Set { value, raw_bytes } => {
                    let bytes = if *raw_bytes {
                        value.as_bytes().to_vec()
                    } else {
                        engine.decode(value).map_err(|e| {
                            let at = match e {
                                base64::DecodeError::InvalidByte(i, _)
                                | base64::DecodeError::InvalidLastSymbol(i, _) => i,
                                _ => value.len() / 4 * 4,
                            };
                            format!(
                                "error decoding input value: illegal base64 data at input byte {at}"
                            )
                        })?
                    };
                    if bytes.is_empty() {
                        target.remove(key);
                    } else {
                        target.insert(key.to_string(), json!(engine.encode(bytes)));
                    }
                }
            }
            Ok(())
        }
        Ty::Other("[]string") => Err("unrecognized slice type. string".into()),
        other => Err(format!("unrecognized type: {}", other.go_name())),
    }
}

/// The steps left, as kubectl prints its navigation state.
/// A leaf's error when the property path goes on past it.
fn last_step(more: &[Step], what: &str) -> Result<(), String> {
    if more.is_empty() {
        return Ok(());
    }
    Err(format!(
        "can't have more steps after {what}. {}",
        show_remaining(more)
    ))
}

fn show_remaining(more: &[Step]) -> String {
    format!("&{{{} 0}}", show_steps(more))
}

/// Sets (`value` Some) or unsets a property of `config`; the error as kubectl words it.
pub fn apply(
    config: &mut Value,
    property: &str,
    value: Option<(&str, bool)>,
) -> Result<(), String> {
    let steps = steps(property)?;
    if !config.is_object() {
        *config = json!({});
    }
    let op = match value {
        Some((value, raw_bytes)) => Op::Set { value, raw_bytes },
        None => Op::Unset,
    };
    match config.as_object_mut() {
        Some(m) => modify(m, Ty::Config, &steps, &op),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_dots_and_fields() {
        let mut c = json!({"clusters": null});
        apply(
            &mut c,
            "clusters.10.0.0.1.server",
            Some(("https://x", false)),
        )
        .unwrap_or_default();
        assert_eq!(c["clusters"][0]["name"], "10.0.0.1");
        assert_eq!(c["clusters"][0]["cluster"]["server"], "https://x");
        assert_eq!(
            apply(&mut c, "foo", Some(("x", false))),
            Err("unable to parse foo after [] at api.Config".into())
        );
        assert_eq!(
            apply(&mut c, "contexts.nope.namespace", None),
            Err("current map key `nope` is invalid".into())
        );
    }
}
