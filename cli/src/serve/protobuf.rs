//! Protobuf request bodies (`application/vnd.kubernetes.protobuf`), which real kubectl
//! sends for built-in kinds from its typed clients (`create deployment`, `auth whoami`,
//! ...): the `k8s\0` envelope (a runtime.Unknown naming apiVersion and kind), then the
//! object, read field by field with the Go types' layout (`kubarium_tools::gotypes`) into the JSON the same Go object marshals to: a
//! pointer field that is set stays even when zero, a plain `omitempty` field is dropped
//! when zero, inline structs merge into their parent.
//!
//! Decoded by hand rather than with prost or prost-reflect: those need compiled .proto
//! descriptors and give proto3's JSON (int64 as strings, Time as seconds and nanos, no
//! notion of Go's omitempty), while the API server needs the Go structs' JSON, which the
//! struct tags in the table describe; the wire format itself is a few lines.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};
use k8s_openapi::jiff::Timestamp;
use kubarium_tools::gotypes::{Ty, SCHEMA};
use serde_json::{Map, Value};

/// The magic that starts a Kubernetes protobuf body.
const MAGIC: &[u8] = b"k8s\0";

/// One value off the wire.
#[derive(Debug, Clone, Copy)]
enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

type Result<T> = std::result::Result<T, String>;

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos).ok_or("truncated varint")?;
            self.pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.buf.len());
        let end = end.ok_or("truncated field")?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// The next field: its number and value.
    fn field(&mut self) -> Result<Option<(u64, Wire<'a>)>> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => Wire::Fixed64(u64::from_le_bytes(
                self.take(8)?.try_into().map_err(|_| "bad fixed64")?,
            )),
            2 => {
                let n = usize::try_from(self.varint()?).map_err(|_| "length too large")?;
                Wire::Bytes(self.take(n)?)
            }
            5 => Wire::Fixed32(u32::from_le_bytes(
                self.take(4)?.try_into().map_err(|_| "bad fixed32")?,
            )),
            w => return Err(format!("unsupported wire type {w}")),
        };
        Ok(Some((key >> 3, wire)))
    }

    /// Every field of a message, in order.
    fn fields(buf: &'a [u8]) -> Result<Vec<(u64, Wire<'a>)>> {
        let mut r = Reader::new(buf);
        let mut out = vec![];
        while let Some(f) = r.field()? {
            out.push(f);
        }
        Ok(out)
    }
}

fn bytes<'a>(w: &Wire<'a>) -> Result<&'a [u8]> {
    match w {
        Wire::Bytes(b) => Ok(b),
        _ => Err("expected a length-delimited field".into()),
    }
}

fn int(w: &Wire<'_>) -> i64 {
    match *w {
        Wire::Varint(v) | Wire::Fixed64(v) => v as i64,
        Wire::Fixed32(v) => i64::from(v as i32),
        Wire::Bytes(_) => 0,
    }
}

fn string(w: &Wire<'_>) -> Result<String> {
    String::from_utf8(bytes(w)?.to_vec()).map_err(|_| "a string is not UTF-8".into())
}

/// Field `n` of a small message (the last occurrence wins, as in protobuf).
fn sub<'a>(fields: &[(u64, Wire<'a>)], n: u64) -> Option<Wire<'a>> {
    fields.iter().rev().find(|(k, _)| *k == n).map(|(_, w)| *w)
}

fn timestamp(w: &Wire<'_>) -> Result<Option<Timestamp>> {
    let f = Reader::fields(bytes(w)?)?;
    let secs = sub(&f, 1).map_or(0, |w| int(&w));
    let nanos = sub(&f, 2).map_or(0, |w| int(&w));
    if secs == 0 && nanos == 0 {
        return Ok(None);
    }
    let nanos = i32::try_from(nanos).map_err(|_| "bad nanoseconds")?;
    Timestamp::new(secs, nanos)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The JSON of one value of type `ty`.
fn value(ty: &Ty, w: &Wire<'_>, depth: usize) -> Result<Value> {
    Ok(match ty {
        Ty::String => Value::String(string(w)?),
        Ty::Int => Value::from(int(w)),
        Ty::Bool => Value::Bool(int(w) != 0),
        Ty::Double => match *w {
            Wire::Fixed64(v) => Value::from(f64::from_bits(v)),
            _ => Value::from(int(w)),
        },
        Ty::Bytes => Value::String(STANDARD.encode(bytes(w)?)),
        Ty::Quantity => {
            let f = Reader::fields(bytes(w)?)?;
            Value::String(
                sub(&f, 1)
                    .map(|w| string(&w))
                    .transpose()?
                    .unwrap_or_default(),
            )
        }
        Ty::IntOrStr => {
            let f = Reader::fields(bytes(w)?)?;
            if sub(&f, 1).is_some_and(|t| int(&t) == 1) {
                Value::String(
                    sub(&f, 3)
                        .map(|w| string(&w))
                        .transpose()?
                        .unwrap_or_default(),
                )
            } else {
                Value::from(sub(&f, 2).map_or(0, |w| int(&w)))
            }
        }
        Ty::Time => match timestamp(w)? {
            Some(t) => serde_json::to_value(Time(t)).map_err(|e| e.to_string())?,
            None => Value::Null,
        },
        Ty::MicroTime => match timestamp(w)? {
            Some(t) => serde_json::to_value(MicroTime(t)).map_err(|e| e.to_string())?,
            None => Value::Null,
        },
        Ty::Duration => {
            let f = Reader::fields(bytes(w)?)?;
            let ns = sub(&f, 1).map_or(0, |w| int(&w));
            Value::String(kubarium_core::printers::age::go_duration(ns / 1_000_000))
        }
        Ty::Raw | Ty::Json => {
            let f = Reader::fields(bytes(w)?)?;
            match sub(&f, 1) {
                Some(raw) => serde_json::from_slice(bytes(&raw)?)
                    .map_err(|e| format!("embedded JSON: {e}"))?,
                None => Value::Null,
            }
        }
        Ty::Msg(name) => Value::Object(message(name, bytes(w)?, depth + 1)?),
        Ty::Items(inner) => {
            let f = Reader::fields(bytes(w)?)?;
            let items: Result<Vec<Value>> = f
                .iter()
                .filter(|(n, _)| *n == 1)
                .map(|(_, w)| value(inner, w, depth))
                .collect();
            Value::Array(items?)
        }
    })
}

/// Whether Go's encoding/json leaves the value out under `omitempty`.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(_) => false,
    }
}

/// A message of the named Go struct, as the struct's JSON.
fn message(name: &str, buf: &[u8], depth: usize) -> Result<Map<String, Value>> {
    if depth > 64 {
        return Err("objects nested too deeply".into());
    }
    let fields = SCHEMA
        .structs
        .get(name)
        .ok_or_else(|| format!("no protobuf layout for {name}"))?;
    let wire = Reader::fields(buf)?;
    let mut out = Map::new();
    for f in fields {
        let mut found = wire.iter().filter(|(n, _)| *n == f.number).peekable();
        if found.peek().is_none() {
            continue;
        }
        let v = if f.map {
            let mut m = Map::new();
            for (_, w) in found {
                let entry = Reader::fields(bytes(w)?)?;
                let key = sub(&entry, 1)
                    .map(|k| string(&k))
                    .transpose()?
                    .unwrap_or_default();
                let val = match sub(&entry, 2) {
                    Some(v) => value(&f.ty, &v, depth)?,
                    None if f.ty == Ty::String => Value::String(String::new()),
                    None => Value::Null,
                };
                m.insert(key, val);
            }
            Value::Object(m)
        } else if f.rep {
            let mut items = vec![];
            for (_, w) in found {
                match (w, &f.ty) {
                    // Packed scalars.
                    (Wire::Bytes(b), Ty::Int | Ty::Bool) => {
                        let mut r = Reader::new(b);
                        while r.pos < b.len() {
                            let v = Wire::Varint(r.varint()?);
                            items.push(value(&f.ty, &v, depth)?);
                        }
                    }
                    _ => items.push(value(&f.ty, w, depth)?),
                }
            }
            Value::Array(items)
        } else {
            let last = found.last().map(|(_, w)| *w);
            match last {
                Some(w) => value(&f.ty, &w, depth)?,
                None => continue,
            }
        };
        if f.inline {
            if let Value::Object(m) = v {
                out.extend(m);
            }
            continue;
        }
        if v.is_null() || (!f.ptr && f.omitempty && is_empty(&v)) {
            continue;
        }
        out.insert(f.json.to_string(), v);
    }
    Ok(out)
}

/// Decodes a protobuf body into the JSON object it stands for (with its apiVersion and
/// kind).
pub fn decode(body: &[u8]) -> Result<Value> {
    let rest = body
        .strip_prefix(MAGIC)
        .ok_or("the body does not start with the protobuf magic number")?;
    let unknown = Reader::fields(rest)?;
    let type_meta = sub(&unknown, 1).ok_or("the body names no type")?;
    let type_meta = Reader::fields(bytes(&type_meta)?)?;
    let text = |n| -> Result<String> {
        Ok(sub(&type_meta, n)
            .map(|w| string(&w))
            .transpose()?
            .unwrap_or_default())
    };
    let (api_version, kind) = (text(1)?, text(2)?);
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", &api_version));
    // The option kinds (DeleteOptions, ...) are meta.k8s.io's, registered in every group.
    let name = SCHEMA
        .kinds
        .get(&(group, version, kind.as_str()))
        .or_else(|| SCHEMA.kinds.get(&("meta.k8s.io", "v1", kind.as_str())))
        .ok_or_else(|| format!("no protobuf layout for {api_version}, Kind={kind}"))?;
    let raw = sub(&unknown, 2)
        .map(|w| bytes(&w))
        .transpose()?
        .unwrap_or(&[]);
    let mut obj = message(name, raw, 0)?;
    obj.insert("apiVersion".into(), Value::String(api_version.clone()));
    obj.insert("kind".into(), Value::String(kind));
    Ok(Value::Object(obj))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes (number, wire type, payload) fields as protobuf.
    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn field_bytes(n: u64, payload: &[u8], out: &mut Vec<u8>) {
        varint(n << 3 | 2, out);
        varint(payload.len() as u64, out);
        out.extend_from_slice(payload);
    }

    fn field_varint(n: u64, v: u64, out: &mut Vec<u8>) {
        varint(n << 3, out);
        varint(v, out);
    }

    fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
        let mut tm = vec![];
        field_bytes(1, api_version.as_bytes(), &mut tm);
        field_bytes(2, kind.as_bytes(), &mut tm);
        let mut body = MAGIC.to_vec();
        field_bytes(1, &tm, &mut body);
        field_bytes(2, raw, &mut body);
        body
    }

    #[test]
    fn deployment_with_zero_replicas_and_empty_plain_fields() {
        // metadata{name: web, namespace: "", labels{app: web}}
        let mut meta = vec![];
        field_bytes(1, b"web", &mut meta);
        field_bytes(3, b"", &mut meta);
        let mut entry = vec![];
        field_bytes(1, b"app", &mut entry);
        field_bytes(2, b"web", &mut entry);
        field_bytes(11, &entry, &mut meta);
        // spec{replicas: 0 (a pointer), minReadySeconds: 0 (plain, omitempty), paused: false}
        let mut spec = vec![];
        field_varint(1, 0, &mut spec);
        field_varint(5, 0, &mut spec);
        field_varint(7, 0, &mut spec);
        let mut raw = vec![];
        field_bytes(1, &meta, &mut raw);
        field_bytes(2, &spec, &mut raw);
        let v = decode(&envelope("apps/v1", "Deployment", &raw)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "labels": {"app": "web"}},
                "spec": {"replicas": 0},
            })
        );
    }

    #[test]
    fn int_or_string_quantity_time_and_bytes() {
        // Secret data{k: "\x00\x01"}
        let mut entry = vec![];
        field_bytes(1, b"k", &mut entry);
        field_bytes(2, &[0, 1], &mut entry);
        let mut raw = vec![];
        field_bytes(2, &entry, &mut raw);
        let v = decode(&envelope("v1", "Secret", &raw)).unwrap();
        assert_eq!(v["data"]["k"], "AAE=");
        // A port as a string, a time.
        let mut ios = vec![];
        field_varint(1, 1, &mut ios);
        field_bytes(3, b"http", &mut ios);
        assert_eq!(value(&Ty::IntOrStr, &Wire::Bytes(&ios), 0).unwrap(), "http");
        let mut t = vec![];
        field_varint(1, 1_767_600_000, &mut t);
        assert_eq!(
            value(&Ty::Time, &Wire::Bytes(&t), 0).unwrap(),
            "2026-01-05T08:00:00Z"
        );
        let mut q = vec![];
        field_bytes(1, b"500m", &mut q);
        assert_eq!(value(&Ty::Quantity, &Wire::Bytes(&q), 0).unwrap(), "500m");
    }

    /// Random mutations of a valid body decode or fail, never panic.
    #[test]
    fn mutated_bodies_never_panic() {
        let mut meta = vec![];
        field_bytes(1, b"web", &mut meta);
        let mut spec = vec![];
        field_varint(1, 3, &mut spec);
        let mut raw = vec![];
        field_bytes(1, &meta, &mut raw);
        field_bytes(2, &spec, &mut raw);
        let body = envelope("apps/v1", "Deployment", &raw);
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let mut b = body.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() as usize) % b.len();
                match next() % 3 {
                    0 => b[i] = next() as u8,
                    1 => b.truncate(i.max(4)),
                    _ => b.insert(i, next() as u8),
                }
            }
            let _ = decode(&b);
        }
    }

    #[test]
    fn bad_bodies_are_errors() {
        assert!(decode(b"").is_err());
        assert!(decode(b"k8s\0\x0a\xff").is_err());
        assert!(decode(&envelope("v1", "NoSuchKind", &[])).is_err());
        // DeleteOptions comes in any group's version.
        let mut raw = vec![];
        field_varint(1, 0, &mut raw);
        let v = decode(&envelope("v1", "DeleteOptions", &raw)).unwrap();
        assert_eq!(v["gracePeriodSeconds"], 0);
        let mut raw = vec![];
        field_bytes(1, &[0x0a, 0x05, b'a'], &mut raw);
        assert!(decode(&envelope("v1", "Pod", &raw)).is_err());
    }
}
