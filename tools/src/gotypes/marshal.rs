//! An object as a typed Go client prints it: decoded into its Go struct (fields the struct
//! lacks dropped, absent ones at their zero value) and marshalled again (fields in
//! declaration order, `omitempty` ones left out when empty, a set pointer kept even when
//! zero, map keys sorted).

use serde_json::{Map, Value};

use super::{Field, Ty, SCHEMA};
use crate::gojson::Json;

/// Nesting deeper than this is not a Kubernetes object.
const MAX_DEPTH: usize = 64;

/// `value` as the Go struct its `apiVersion` and `kind` name marshals it; None for a kind
/// the table does not know.
pub fn marshal_kind(value: &Value) -> Option<Json> {
    let (api_version, kind) = (value["apiVersion"].as_str()?, value["kind"].as_str()?);
    let name = SCHEMA.kind(api_version, kind)?;
    // TypeMeta, which the table leaves out (it has no protobuf field), comes first.
    let mut fields = vec![
        ("kind".to_string(), Json::String(kind.into())),
        ("apiVersion".to_string(), Json::String(api_version.into())),
    ];
    if let Json::Object(rest) = marshal(name, value) {
        fields.extend(rest);
    }
    Some(Json::Object(fields))
}

/// `value` as the Go struct `name` (`k8s.io/api/core/v1.Pod`) marshals it.
pub fn marshal(name: &str, value: &Value) -> Json {
    let empty = Map::new();
    Json::Object(fields(name, value.as_object().unwrap_or(&empty), 0))
}

fn fields(name: &str, obj: &Map<String, Value>, depth: usize) -> Vec<(String, Json)> {
    let mut out = vec![];
    let Some(layout) = SCHEMA.structs.get(name).filter(|_| depth < MAX_DEPTH) else {
        return out;
    };
    for f in layout {
        if f.inline {
            if let Ty::Msg(inner) = f.ty {
                out.extend(fields(inner, obj, depth + 1));
            }
            continue;
        }
        if let Some(v) = field(f, obj.get(f.json).filter(|v| !v.is_null()), depth) {
            out.push((f.json.to_string(), v));
        }
    }
    out
}

/// One field's JSON; None when marshalling leaves it out.
fn field(f: &Field, v: Option<&Value>, depth: usize) -> Option<Json> {
    let Some(v) = v else {
        // Nil pointers, slices and maps are null; the rest are their type's zero.
        return match (f.omitempty, f.ptr || f.rep || f.map) {
            _ if f.omitzero => None,
            (true, true) => None,
            (false, true) => Some(Json::Null),
            (omitempty, false) => zero(&f.ty, depth).filter(|z| !(omitempty && is_empty(&f.ty, z))),
        };
    };
    let json = if f.map {
        let entries = v.as_object()?;
        if f.omitempty && entries.is_empty() {
            return None;
        }
        Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), typed(&f.ty, v, depth)))
                .collect(),
        )
    } else if f.rep {
        let items = v.as_array()?;
        if f.omitempty && items.is_empty() {
            return None;
        }
        Json::Array(items.iter().map(|v| typed(&f.ty, v, depth)).collect())
    } else {
        let json = typed(&f.ty, v, depth);
        if f.omitempty && !f.ptr && is_empty(&f.ty, &json) {
            return None;
        }
        json
    };
    Some(json)
}

/// A present value of type `ty`.
fn typed(ty: &Ty, v: &Value, depth: usize) -> Json {
    match (ty, v) {
        (Ty::Msg(name), Value::Object(m)) => Json::Object(fields(name, m, depth + 1)),
        (Ty::Items(inner), Value::Array(items)) => {
            Json::Array(items.iter().map(|v| typed(inner, v, depth)).collect())
        }
        (Ty::Msg(_) | Ty::Items(_), _) => zero(ty, depth).unwrap_or(Json::Null),
        _ => Json::sorted(v),
    }
}

/// The zero value of `ty` as Go marshals it.
fn zero(ty: &Ty, depth: usize) -> Option<Json> {
    Some(match ty {
        Ty::String => Json::String(String::new()),
        Ty::Int | Ty::Double => Json::Number(0.into()),
        Ty::Bool => Json::Bool(false),
        Ty::Quantity => Json::String("0".into()),
        Ty::IntOrStr => Json::Number(0.into()),
        Ty::Duration => Json::String("0s".into()),
        Ty::Bytes | Ty::Time | Ty::MicroTime | Ty::Raw | Ty::Json | Ty::Items(_) => Json::Null,
        Ty::Msg(name) => Json::Object(fields(name, &Map::new(), depth + 1)),
    })
}

/// Whether `omitempty` leaves a value of `ty` out: Go never omits a struct.
fn is_empty(ty: &Ty, v: &Json) -> bool {
    match ty {
        Ty::Quantity
        | Ty::IntOrStr
        | Ty::Time
        | Ty::MicroTime
        | Ty::Duration
        | Ty::Raw
        | Ty::Json
        | Ty::Msg(_) => false,
        _ => match v {
            Json::Null => true,
            Json::Bool(b) => !b,
            Json::Number(n) => n.as_f64() == Some(0.0),
            Json::String(s) => s.is_empty(),
            Json::Array(a) => a.is_empty(),
            Json::Object(m) => m.is_empty(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_zero_values_drops_unknown_fields_and_keeps_declaration_order() {
        let event = json!({
            "apiVersion": "v1", "kind": "Event", "bogus": 1,
            "metadata": {"name": "e", "namespace": "default", "labels": {}},
            "series": {"count": 2, "lastObservedTime": "2026-01-05T08:00:00.000000Z"},
            "involvedObject": {"name": "p", "kind": "Pod"},
            "reason": "Scheduled", "count": 0,
            "eventTime": "2026-01-05T08:00:00.000000Z",
        });
        let printed = marshal_kind(&event)
            .map(|j| j.indented())
            .unwrap_or_default();
        let expected = r#"{
    "kind": "Event",
    "apiVersion": "v1",
    "metadata": {
        "name": "e",
        "namespace": "default"
    },
    "involvedObject": {
        "kind": "Pod",
        "name": "p"
    },
    "reason": "Scheduled",
    "source": {},
    "firstTimestamp": null,
    "lastTimestamp": null,
    "eventTime": "2026-01-05T08:00:00.000000Z",
    "series": {
        "count": 2,
        "lastObservedTime": "2026-01-05T08:00:00.000000Z"
    },
    "reportingComponent": "",
    "reportingInstance": ""
}
"#;
        assert_eq!(printed, expected);
    }

    #[test]
    fn a_set_pointer_stays_when_zero() {
        let d = json!({"spec": {"replicas": 0, "minReadySeconds": 0, "paused": false}});
        let spec = marshal("k8s.io/api/apps/v1.Deployment", &d).to_value()["spec"].clone();
        assert_eq!(spec["replicas"], 0);
        assert!(spec.get("minReadySeconds").is_none() && spec.get("paused").is_none());
        assert_eq!(spec["selector"], Value::Null);
        assert_eq!(spec["template"]["metadata"], json!({}));
        assert_eq!(spec["strategy"], json!({}));
    }
}
