//! The Go types of the Kubernetes API (k8s.io/api, k8s.io/apimachinery), as a table of
//! each struct's fields in declaration order with their JSON tags and protobuf numbers
//! (`layout.tsv`, written by scripts/protobuf/schema.py). `kubarium serve` reads protobuf
//! bodies with it; kubectl prints the objects its typed clients decode with it
//! (`marshal`).

mod marshal;

use std::collections::HashMap;
use std::sync::LazyLock;

pub use marshal::{marshal, marshal_kind};

const TABLE: &str = include_str!("layout.tsv");

/// A field's type, as the table names it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    Int,
    Bool,
    Double,
    Bytes,
    Quantity,
    IntOrStr,
    Time,
    MicroTime,
    Duration,
    /// A runtime.RawExtension: JSON bytes in field 1.
    Raw,
    /// FieldsV1 and apiextensions' JSON: JSON bytes in field 1.
    Json,
    Msg(&'static str),
    /// A named slice (`ExtraValue []string`): a message whose field 1 holds the items.
    Items(Box<Ty>),
}

impl Ty {
    fn parse(s: &'static str) -> Ty {
        match s {
            "string" => Ty::String,
            "int" => Ty::Int,
            "bool" => Ty::Bool,
            "double" => Ty::Double,
            "bytes" => Ty::Bytes,
            "quantity" => Ty::Quantity,
            "intorstr" => Ty::IntOrStr,
            "time" => Ty::Time,
            "microtime" => Ty::MicroTime,
            "duration" => Ty::Duration,
            "raw" => Ty::Raw,
            "json" => Ty::Json,
            s => match s.split_once(':') {
                Some(("msg", name)) => Ty::Msg(name),
                Some(("items", inner)) => Ty::Items(Box::new(Ty::parse(inner))),
                _ => Ty::String,
            },
        }
    }
}

/// One field of a struct.
#[derive(Debug)]
pub struct Field {
    /// Its protobuf field number.
    pub number: u64,
    /// Its JSON name.
    pub json: &'static str,
    /// A pointer (`*T`): set and zero is not empty.
    pub ptr: bool,
    /// `omitempty` or `omitzero`: left out when empty.
    pub omitempty: bool,
    /// `omitzero`: left out when zero, a struct too (`creationTimestamp`).
    pub omitzero: bool,
    /// Embedded with `json:",inline"`: its fields are the parent's.
    pub inline: bool,
    /// A slice of `ty`.
    pub rep: bool,
    /// A map from strings to `ty`.
    pub map: bool,
    pub ty: Ty,
}

/// The table, read.
pub struct Schema {
    /// Fields by struct (`k8s.io/api/core/v1.Pod`), in declaration order.
    pub structs: HashMap<&'static str, Vec<Field>>,
    /// Structs by (group, version, kind), the list kinds included.
    pub kinds: HashMap<(&'static str, &'static str, &'static str), &'static str>,
}

pub static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    let mut schema = Schema {
        structs: HashMap::new(),
        kinds: HashMap::new(),
    };
    for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
        let c: Vec<&'static str> = line.split('\t').collect();
        match c.as_slice() {
            ["K", group, version, kind, name] => {
                schema.kinds.insert((group, version, kind), name);
            }
            ["F", name, number, json, flags, ty] => {
                let has = |f: &str| flags.split(',').any(|x| x == f);
                schema.structs.entry(name).or_default().push(Field {
                    number: number.parse().unwrap_or(0),
                    json,
                    ptr: has("ptr"),
                    omitempty: has("omitempty"),
                    omitzero: has("omitzero"),
                    inline: has("inline"),
                    rep: has("rep"),
                    map: has("map"),
                    ty: Ty::parse(ty),
                });
            }
            _ => {}
        }
    }
    schema
});

impl Schema {
    /// The struct an `apiVersion` and kind decode into.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<&'static str> {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        self.kinds.get(&(group, version, kind)).copied()
    }
}

/// An object as a typed client prints it: its value, and its JSON as kubectl indents it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Typed {
    pub value: serde_json::Value,
    pub json: String,
}

/// `value` as the Go struct of its `apiVersion` and `kind`; None for a kind the table
/// does not know.
pub fn typed(value: &serde_json::Value) -> Option<Typed> {
    let json = marshal_kind(value)?;
    Some(Typed {
        value: json.to_value(),
        json: json.indented(),
    })
}
