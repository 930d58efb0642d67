//! Content negotiation: which form a read answers in, from its Accept header, as
//! kube-apiserver's negotiation picks it (plain JSON, a `meta.k8s.io` Table for kubectl's
//! server-side printing, or PartialObjectMetadata for metadata-only clients).

use serde_json::{json, Value};

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
    /// One object in the asked form (a Table of one row, or its metadata).
    pub fn object(&self, obj: Value, now: Millis, no_headers: bool) -> Value {
        match &self.form {
            Form::Json => obj,
            Form::Table { version, include } => {
                let mut t = table::to_table(
                    self.resource,
                    std::slice::from_ref(&obj),
                    now,
                    &self.columns,
                    *include,
                    no_headers,
                );
                t["apiVersion"] = json!(format!("meta.k8s.io/{version}"));
                t["metadata"] = json!({"resourceVersion": obj["metadata"]["resourceVersion"]});
                t
            }
            Form::Metadata { version } => json!({
                "kind": "PartialObjectMetadata",
                "apiVersion": format!("meta.k8s.io/{version}"),
                "metadata": obj["metadata"],
            }),
        }
    }

    /// A list in the asked form; `items` carry their kind and apiVersion.
    pub fn list(&self, list: Value, items: Vec<Value>, now: Millis) -> Value {
        match &self.form {
            Form::Json => list,
            Form::Table { version, include } => {
                let mut t =
                    table::to_table(self.resource, &items, now, &self.columns, *include, false);
                t["apiVersion"] = json!(format!("meta.k8s.io/{version}"));
                t["metadata"] = list["metadata"].clone();
                t
            }
            Form::Metadata { version } => json!({
                "kind": "PartialObjectMetadataList",
                "apiVersion": format!("meta.k8s.io/{version}"),
                "metadata": list["metadata"],
                "items": items.iter().map(|o| json!({
                    "kind": "PartialObjectMetadata",
                    "apiVersion": format!("meta.k8s.io/{version}"),
                    "metadata": o["metadata"],
                })).collect::<Vec<_>>(),
            }),
        }
    }
}
