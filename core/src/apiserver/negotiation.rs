//! Content negotiation: which form a read answers in, from its Accept header, as
//! kube-apiserver's negotiation picks it (plain JSON, a `meta.k8s.io` Table for kubectl's
//! server-side printing, or PartialObjectMetadata for metadata-only clients).

use serde_json::{json, Map, Value};

use super::errors::{ApiError, Reason};
use super::resources::Resource;
use crate::clock::Millis;
use crate::printers::table::{self, IncludeObject, PrinterColumn};

/// The form of a read's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    Json,
    /// A Table at `meta.k8s.io/<version>`.
    Table {
        version: &'static str,
        include: IncludeObject,
    },
    /// PartialObjectMetadata(List) at `meta.k8s.io/<version>`.
    Metadata {
        version: &'static str,
    },
}

/// Reads the Accept header: the first media type Kubarium can answer in wins. Protobuf
/// and YAML are not served, so a client asking only for those is refused with 406.
pub fn form(accept: Option<&str>, include_object: Option<&str>) -> Result<Form, ApiError> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(Form::Json);
    };
    for media in accept.split(',') {
        let mut parts = media.split(';').map(str::trim);
        let base = parts.next().unwrap_or("");
        if !matches!(base, "application/json" | "application/*" | "*/*") {
            continue;
        }
        let (mut as_, mut group, mut version) = ("", "", "");
        for p in parts {
            match p.split_once('=') {
                Some(("as", v)) => as_ = v,
                Some(("g", v)) => group = v,
                Some(("v", v)) => version = v,
                _ => {}
            }
        }
        let meta_version = match (group, version) {
            ("meta.k8s.io", "v1") => Some("v1"),
            ("meta.k8s.io", "v1beta1") => Some("v1beta1"),
            _ => None,
        };
        match (as_, meta_version) {
            ("", _) => return Ok(Form::Json),
            ("Table", Some(version)) => {
                let include =
                    IncludeObject::parse(include_object).map_err(ApiError::bad_request)?;
                return Ok(Form::Table { version, include });
            }
            ("PartialObjectMetadata" | "PartialObjectMetadataList", Some(version)) => {
                return Ok(Form::Metadata { version })
            }
            _ => {}
        }
    }
    Err(ApiError::new(
        Reason::NotAcceptable,
        "only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io",
    ))
}

/// What it takes to answer in a form other than JSON.
#[derive(Debug, Clone)]
pub struct Converter {
    pub form: Form,
    pub resource: &'static Resource,
    /// A custom resource's printer columns.
    pub columns: Vec<PrinterColumn>,
}

impl Converter {
    /// Whether objects become table rows.
    pub fn is_table(&self) -> bool {
        matches!(self.form, Form::Table { .. })
    }

    /// The table row of an object (as stored, at `resource_version`).
    pub fn row(&self, obj: &Value, resource_version: i64, now: Millis) -> Value {
        let include = match self.form {
            Form::Table { include, .. } => include,
            _ => IncludeObject::Metadata,
        };
        let mut row = table::table_row(self.resource, obj, now, &self.columns, include);
        if let Some(meta) = row
            .pointer_mut("/object/metadata")
            .and_then(Value::as_object_mut)
        {
            meta.insert(
                "resourceVersion".into(),
                Value::String(resource_version.to_string()),
            );
        }
        if include == IncludeObject::Object {
            if let Some(o) = row.get_mut("object").and_then(Value::as_object_mut) {
                o.insert("kind".into(), Value::String(self.resource.kind.into()));
                o.insert(
                    "apiVersion".into(),
                    Value::String(self.resource.api_version()),
                );
            }
        }
        row
    }

    /// A Table of rows, with a list's metadata.
    pub fn table(&self, rows: Vec<Value>, meta: Value, no_headers: bool) -> Value {
        let mut t = table::to_table(self.resource, rows, &self.columns, no_headers);
        if let Form::Table { version, .. } = &self.form {
            t["apiVersion"] = Value::String(format!("meta.k8s.io/{version}"));
        }
        t["metadata"] = meta;
        t
    }

    /// One object in the asked form (a Table of one row, or its metadata).
    pub fn object(&self, obj: Value, now: Millis, no_headers: bool) -> Value {
        match &self.form {
            Form::Json => obj,
            Form::Table { .. } => {
                let rv = obj["metadata"]["resourceVersion"].clone();
                let rv_num = rv.as_str().and_then(|r| r.parse().ok()).unwrap_or(0);
                let row = self.row(&obj, rv_num, now);
                self.table(vec![row], json!({ "resourceVersion": rv }), no_headers)
            }
            Form::Metadata { version } => partial(version, obj),
        }
    }

    /// A list (as the JSON form answers it) in the asked form.
    pub fn list(&self, list: Value, now: Millis) -> Value {
        let Value::Object(mut list) = list else {
            return list;
        };
        let meta = list.remove("metadata").unwrap_or_default();
        let items = match list.remove("items") {
            Some(Value::Array(items)) => items,
            _ => vec![],
        };
        match &self.form {
            Form::Json => {
                list.insert("metadata".into(), meta);
                list.insert("items".into(), Value::Array(items));
                Value::Object(list)
            }
            Form::Table { .. } => {
                let rows = items
                    .iter()
                    .map(|o| {
                        let rv = o["metadata"]["resourceVersion"]
                            .as_str()
                            .and_then(|r| r.parse().ok());
                        self.row(o, rv.unwrap_or(0), now)
                    })
                    .collect();
                self.table(rows, meta, false)
            }
            Form::Metadata { version } => {
                let items: Vec<Value> = items.into_iter().map(|o| partial(version, o)).collect();
                let mut out = Map::new();
                out.insert("kind".into(), "PartialObjectMetadataList".into());
                out.insert(
                    "apiVersion".into(),
                    Value::String(format!("meta.k8s.io/{version}")),
                );
                out.insert("metadata".into(), meta);
                out.insert("items".into(), Value::Array(items));
                Value::Object(out)
            }
        }
    }
}

/// An object's PartialObjectMetadata.
fn partial(version: &str, obj: Value) -> Value {
    let metadata = match obj {
        Value::Object(mut m) => m.remove("metadata").unwrap_or_default(),
        _ => Value::Null,
    };
    let mut out = Map::new();
    out.insert("kind".into(), "PartialObjectMetadata".into());
    out.insert(
        "apiVersion".into(),
        Value::String(format!("meta.k8s.io/{version}")),
    );
    out.insert("metadata".into(), metadata);
    Value::Object(out)
}
