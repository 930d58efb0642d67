//! YAML text to JSON values the way kubectl reads manifests (in the module the browser
//! loads after the first paint; the core reaches it through `kubarium_core::yaml`):
//! libyaml's events (through `unsafe-libyaml`), go-yaml v2's YAML 1.1 resolution of plain scalars (`0400` is 256,
//! `yes` is true), then sigs.k8s.io/yaml's `YAMLToJSON` conversion to JSON.
//!
//! What this mirrors, rule by rule (go-yaml v2 `resolve.go`/`decode.go`, sigs.k8s.io/yaml
//! `yaml.go`, decoding into `interface{}`):
//! - quoted and block scalars stay strings; plain scalars resolve to null (`""`, `~`,
//!   `null`, `Null`, `NULL`), bools (`y`, `yes`, `on`, `true`, ... in three cases), ints
//!   (Go's `strconv.ParseInt(s, 0, 64)` after dropping `_`: `0x`, `0o`, `0b`, leading-0
//!   octal; past int64 an uint64), floats (`1.5`, `1e3`, `.5`, `.inf`, `.nan`; `08` is the
//!   float 8); anything else is a string (no base 60, timestamps stay strings);
//! - tags `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!timestamp` force or check the
//!   type; `!!binary` is base64-decoded to a string (go-yaml does so: the JSON holds the
//!   decoded bytes); unknown tags leave the text as a string;
//! - anchors and aliases, merge keys `<<` (a map or a list of maps, applied in document
//!   order like go-yaml v2: a later key overwrites an earlier one, earlier maps of a list
//!   win), go-yaml's alias-expansion limit;
//! - map keys: ints, floats and bools become their string forms; a null key is an error;
//! - floats with an integral value become JSON integers (Go prints `1.0` as `1`); `.inf`
//!   and `.nan` cannot be JSON and fail as Go's `json.Marshal` does.
//!
//! Errors keep libyaml's problem text and marks; [`YamlError`]'s `Display` gives the text
//! that sigs.k8s.io/yaml returns (e.g. `yaml: line 2: mapping values are not allowed in
//! this context`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde_json::{Map, Number, Value};

/// The deepest nesting accepted, in the text and after alias expansion. go-yaml stops at
/// 10000 levels with the same words; this is lower because decoding and converting are
/// recursive: a map level takes about 2 KiB of stack in a debug build (test threads have
/// 2 MiB) and 0.7 KiB in release (wasm has 1 MiB). Real manifests nest a few dozen deep.
pub const MAX_DEPTH: usize = 500;

const STR_TAG: &str = "tag:yaml.org,2002:str";
const INT_TAG: &str = "tag:yaml.org,2002:int";
const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
const NULL_TAG: &str = "tag:yaml.org,2002:null";
const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
const MERGE_TAG: &str = "tag:yaml.org,2002:merge";
const LONG_TAG_PREFIX: &str = "tag:yaml.org,2002:";

/// Which stage failed; go-yaml words and numbers each differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ErrorKind {
    /// libyaml's reader (e.g. `control characters are not allowed`); go-yaml gives no line.
    Reader,
    /// libyaml's scanner; go-yaml shows the problem's 1-based line.
    Scanner,
    /// libyaml's parser; go-yaml shows the problem's 0-based line.
    Parser,
    /// go-yaml's decoder (`unknown anchor 'x' referenced`, `cannot decode ...`); no line.
    Decode,
    /// go-yaml's type errors (duplicate keys); `problem` holds the `line N: ...` entries
    /// joined by `"\n  "`.
    Unmarshal,
    /// sigs.k8s.io/yaml's JSON step (`json: unsupported value: NaN`, unsupported map keys);
    /// this text has no `yaml: ` prefix.
    Json,
}

/// A YAML document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct YamlError {
    pub kind: ErrorKind,
    /// The problem in libyaml's or go-yaml's words, without `yaml: ` or a line.
    pub problem: String,
    /// 1-based line of the problem mark; 0 when there is none.
    pub line: usize,
    /// 1-based column of the problem mark; 0 when there is none.
    pub column: usize,
    /// libyaml's context (`while scanning a quoted scalar`), if any.
    pub context: Option<String>,
    /// 1-based line of the context mark; 0 when there is none.
    pub context_line: usize,
    /// 0-based index of the failing document in the stream.
    pub document: usize,
}

impl YamlError {
    pub fn new(kind: ErrorKind, problem: impl Into<String>) -> Self {
        YamlError {
            kind,
            problem: problem.into(),
            line: 0,
            column: 0,
            context: None,
            context_line: 0,
            document: 0,
        }
    }

    fn at(mut self, line0: u64, column0: u64) -> Self {
        self.line = usize::try_from(line0).unwrap_or(usize::MAX - 1) + 1;
        self.column = usize::try_from(column0).unwrap_or(usize::MAX - 1) + 1;
        self
    }

    /// The line go-yaml puts in `yaml: line N: ...`, if it puts one: the problem's 0-based
    /// line for parser errors and 1-based line for scanner errors, else the context's
    /// 0-based line; none when that number is 0.
    pub fn go_line(&self) -> Option<usize> {
        match self.kind {
            ErrorKind::Scanner | ErrorKind::Parser => {
                let problem = self.line.saturating_sub(1);
                let context = self.context_line.saturating_sub(1);
                if problem != 0 {
                    Some(if self.kind == ErrorKind::Scanner {
                        problem + 1
                    } else {
                        problem
                    })
                } else if context != 0 {
                    Some(context)
                } else {
                    None
                }
            }
            ErrorKind::Unmarshal => Some(self.line),
            _ => None,
        }
    }
}

impl fmt::Display for YamlError {
    /// The error text of sigs.k8s.io/yaml's `YAMLToJSON` (kubectl prefixes it with
    /// `error converting YAML to JSON: `).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Reader | ErrorKind::Scanner | ErrorKind::Parser => match self.go_line() {
                Some(line) => write!(f, "yaml: line {line}: {}", self.problem),
                None => write!(f, "yaml: {}", self.problem),
            },
            ErrorKind::Decode => write!(f, "yaml: {}", self.problem),
            ErrorKind::Unmarshal => write!(f, "yaml: unmarshal errors:\n  {}", self.problem),
            ErrorKind::Json => f.write_str(&self.problem),
        }
    }
}

impl std::error::Error for YamlError {}

/// What to do with a key given twice in one mapping node (keys brought in by a merge
/// `<<` never count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DuplicateKeys {
    /// Fail with go-yaml's strict-mode words: `line N: key "x" already set in map`.
    Error,
    /// Keep the last value, as go-yaml's non-strict `Unmarshal` under `YAMLToJSON` does.
    LastWins,
}

/// Reads every document of a YAML stream; an empty document is `Value::Null`. Duplicate
/// keys are an error.
///
/// Lines in errors count from the start of `text`. kubectl first cuts a stream at lines
/// starting with `---` and hands each piece to go-yaml alone, so its lines count from the
/// line after the last separator; a caller that wants kubectl's numbers parses piece by
/// piece.
pub fn documents(text: &str) -> Result<Vec<Value>, YamlError> {
    documents_with(text, DuplicateKeys::Error)
}

/// What `call("yaml", ...)` answers: the documents of `text`, or why not.
pub fn decode((text, duplicates): &(String, DuplicateKeys)) -> Result<Vec<Value>, YamlError> {
    documents_with(text, *duplicates)
}

/// [`documents`], choosing what duplicate keys do.
pub fn documents_with(text: &str, duplicates: DuplicateKeys) -> Result<Vec<Value>, YamlError> {
    let mut parser = libyaml::Parser::new(text.as_bytes());
    let mut docs = Vec::new();
    let mut builder = Builder::default();
    loop {
        let document = docs.len();
        let fail = |mut e: YamlError| {
            e.document = document;
            e
        };
        let (event, mark) = parser.next().map_err(fail)?;
        match event {
            libyaml::Event::StreamEnd => break,
            libyaml::Event::DocumentStart => builder = Builder::default(),
            libyaml::Event::DocumentEnd => {
                let value = std::mem::take(&mut builder)
                    .finish(duplicates)
                    .map_err(fail)?;
                docs.push(value);
            }
            libyaml::Event::Alias { anchor } => {
                let Some(&target) = builder.anchors.get(&anchor) else {
                    return Err(fail(YamlError::new(
                        ErrorKind::Decode,
                        format!("unknown anchor '{anchor}' referenced"),
                    )));
                };
                let alias = NodeKind::Alias {
                    name: anchor,
                    target,
                };
                builder.add(alias, mark.line, None);
            }
            libyaml::Event::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
            } => {
                let scalar = NodeKind::Scalar {
                    value,
                    tag: tag.unwrap_or_default(),
                    implicit: plain_implicit,
                };
                builder.add(scalar, mark.line, anchor);
            }
            libyaml::Event::SequenceStart { anchor, flow } => builder
                .open(NodeKind::Seq(Vec::new()), flow, mark, anchor)
                .map_err(fail)?,
            libyaml::Event::MappingStart { anchor, flow } => builder
                .open(NodeKind::Map(Vec::new()), flow, mark, anchor)
                .map_err(fail)?,
            libyaml::Event::CollectionEnd => {
                builder.stack.pop();
            }
            libyaml::Event::Other => {}
        }
    }
    Ok(docs)
}

/// The fields of one document and where each is: (path, line, column).
pub type Positions = Vec<(String, usize, usize)>;

/// Where each field of each document of `text` is, as Kubernetes names fields in its
/// errors (`spec.containers[0].image`): a mapping key's position, or a sequence item's,
/// 1-based (line, column). What an editor needs to put the server's errors on their line.
pub fn positions(text: &String) -> Result<Vec<Positions>, YamlError> {
    /// A collection being read: a mapping (and the key whose value comes next) or a
    /// sequence (and the index of its next item).
    enum Open {
        Map { path: String, key: Option<String> },
        Seq { path: String, next: usize },
    }
    let mut parser = libyaml::Parser::new(text.as_bytes());
    let mut docs = vec![];
    let mut fields = vec![];
    let mut stack: Vec<Open> = vec![];
    let at = |m: libyaml::Mark| {
        let n = |v: u64| usize::try_from(v).unwrap_or(usize::MAX - 1) + 1;
        (n(m.line), n(m.column))
    };
    loop {
        let (event, mark) = parser.next()?;
        // The path of a value starting here (recording a sequence item's position), or
        // None when this scalar is a key.
        let value_path = |stack: &mut Vec<Open>, fields: &mut Vec<(String, usize, usize)>| {
            match stack.last_mut() {
                None => Some(String::new()),
                Some(Open::Map { path, key }) => key.take().map(|k| join(path, &k)),
                Some(Open::Seq { path, next }) => {
                    let p = format!("{path}[{next}]");
                    *next += 1;
                    let (l, c) = at(mark);
                    fields.push((p.clone(), l, c));
                    Some(p)
                }
            }
        };
        match event {
            libyaml::Event::StreamEnd => break,
            libyaml::Event::DocumentStart => stack.clear(),
            libyaml::Event::DocumentEnd => docs.push(std::mem::take(&mut fields)),
            libyaml::Event::Scalar { value, .. } => {
                if value_path(&mut stack, &mut fields).is_none() {
                    if let Some(Open::Map { path, key }) = stack.last_mut() {
                        let (l, c) = at(mark);
                        fields.push((join(path, &value), l, c));
                        *key = Some(value);
                    }
                }
            }
            libyaml::Event::Alias { .. } => {
                let _ = value_path(&mut stack, &mut fields);
            }
            libyaml::Event::MappingStart { .. } | libyaml::Event::SequenceStart { .. } => {
                // A collection as a key has no field path; its contents are skipped.
                let path = value_path(&mut stack, &mut fields).unwrap_or_else(|| "?".into());
                stack.push(match event {
                    libyaml::Event::MappingStart { .. } => Open::Map { path, key: None },
                    _ => Open::Seq { path, next: 0 },
                });
            }
            libyaml::Event::CollectionEnd => {
                stack.pop();
            }
            libyaml::Event::Other => {}
        }
    }
    Ok(docs)
}

/// A field's path under `path` (`spec` + `containers` -> `spec.containers`).
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The few calls into `unsafe-libyaml` (libyaml 0.2.5 translated to Rust, the parser
/// under serde_yaml), wrapped so that the rest of the module is safe code.
mod libyaml {
    use std::ffi::{c_char, CStr};
    use std::marker::PhantomData;
    use std::mem::MaybeUninit;

    use unsafe_libyaml as unsafe_sys;

    use super::{ErrorKind, YamlError};

    /// A 0-based position.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct Mark {
        pub line: u64,
        pub column: u64,
    }

    impl From<unsafe_sys::yaml_mark_t> for Mark {
        fn from(mark: unsafe_sys::yaml_mark_t) -> Self {
            Mark {
                line: mark.line,
                column: mark.column,
            }
        }
    }

    pub enum Event {
        StreamEnd,
        DocumentStart,
        DocumentEnd,
        Alias {
            anchor: String,
        },
        Scalar {
            anchor: Option<String>,
            tag: Option<String>,
            value: String,
            plain_implicit: bool,
        },
        SequenceStart {
            anchor: Option<String>,
            flow: bool,
        },
        MappingStart {
            anchor: Option<String>,
            flow: bool,
        },
        CollectionEnd,
        Other,
    }

    /// A libyaml parser reading a byte string; frees its buffers when dropped.
    pub struct Parser<'input> {
        /// Boxed so that libyaml's struct never moves.
        raw: Box<MaybeUninit<unsafe_sys::yaml_parser_t>>,
        initialized: bool,
        _input: PhantomData<&'input [u8]>,
    }

    impl<'input> Parser<'input> {
        pub fn new(input: &'input [u8]) -> Self {
            let mut raw = Box::new(MaybeUninit::<unsafe_sys::yaml_parser_t>::uninit());
            let parser = raw.as_mut_ptr();
            // SAFETY: `parser` points to memory for a `yaml_parser_t`, which
            // `yaml_parser_initialize` zeroes and fills in.
            let initialized = unsafe { !unsafe_sys::yaml_parser_initialize(parser).fail };
            if initialized {
                // SAFETY: the parser is initialized and has no input yet; `input` stays
                // borrowed (and unmoved) for as long as the parser lives, and libyaml
                // only reads it.
                unsafe {
                    unsafe_sys::yaml_parser_set_input_string(
                        parser,
                        input.as_ptr(),
                        input.len() as u64,
                    )
                };
            }
            Parser {
                raw,
                initialized,
                _input: PhantomData,
            }
        }

        /// The next event and where it starts.
        pub fn next(&mut self) -> Result<(Event, Mark), YamlError> {
            if !self.initialized {
                return Err(YamlError::new(
                    ErrorKind::Reader,
                    "failed to initialize YAML parser",
                ));
            }
            let parser = self.raw.as_mut_ptr();
            let mut event = MaybeUninit::<unsafe_sys::yaml_event_t>::uninit();
            // SAFETY: the parser is initialized, and `event` is memory for an event,
            // which `yaml_parser_parse` zeroes and then fills in.
            let failed = unsafe { unsafe_sys::yaml_parser_parse(parser, event.as_mut_ptr()).fail };
            if failed {
                // SAFETY: the parser is initialized; libyaml set its error fields.
                return Err(unsafe { parser_error(&*parser) });
            }
            // SAFETY: `yaml_parser_parse` succeeded, so the event is initialized; it is
            // read and then freed once.
            unsafe {
                let event = event.assume_init_mut();
                let converted = convert(event);
                let mark = Mark::from(event.start_mark);
                unsafe_sys::yaml_event_delete(event);
                Ok((converted, mark))
            }
        }
    }

    impl Drop for Parser<'_> {
        fn drop(&mut self) {
            if self.initialized {
                // SAFETY: initialized and not yet deleted.
                unsafe { unsafe_sys::yaml_parser_delete(self.raw.as_mut_ptr()) }
            }
        }
    }

    /// # Safety
    /// `ptr` is null or a NUL-terminated string.
    unsafe fn string(ptr: *const u8) -> Option<String> {
        if ptr.is_null() {
            return None;
        }
        // SAFETY: as the caller promises.
        let text = unsafe { CStr::from_ptr(ptr.cast::<c_char>()) };
        Some(text.to_string_lossy().into_owned())
    }

    /// # Safety
    /// `event` is an event filled in by `yaml_parser_parse`.
    unsafe fn convert(event: &unsafe_sys::yaml_event_t) -> Event {
        // SAFETY: each union field read is the one that the event type says is set;
        // libyaml's strings are NUL-terminated and its scalar value has `length` bytes.
        unsafe {
            match event.type_ {
                unsafe_sys::YAML_STREAM_END_EVENT | unsafe_sys::YAML_NO_EVENT => Event::StreamEnd,
                unsafe_sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
                unsafe_sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
                unsafe_sys::YAML_ALIAS_EVENT => Event::Alias {
                    anchor: string(event.data.alias.anchor).unwrap_or_default(),
                },
                unsafe_sys::YAML_SCALAR_EVENT => {
                    let scalar = &event.data.scalar;
                    let value = if scalar.value.is_null() {
                        String::new()
                    } else {
                        let length = usize::try_from(scalar.length).unwrap_or(0);
                        let bytes = std::slice::from_raw_parts(scalar.value, length);
                        String::from_utf8_lossy(bytes).into_owned()
                    };
                    Event::Scalar {
                        anchor: string(scalar.anchor),
                        tag: string(scalar.tag),
                        value,
                        plain_implicit: scalar.plain_implicit,
                    }
                }
                unsafe_sys::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                    anchor: string(event.data.sequence_start.anchor),
                    flow: event.data.sequence_start.style == unsafe_sys::YAML_FLOW_SEQUENCE_STYLE,
                },
                unsafe_sys::YAML_MAPPING_START_EVENT => Event::MappingStart {
                    anchor: string(event.data.mapping_start.anchor),
                    flow: event.data.mapping_start.style == unsafe_sys::YAML_FLOW_MAPPING_STYLE,
                },
                unsafe_sys::YAML_SEQUENCE_END_EVENT | unsafe_sys::YAML_MAPPING_END_EVENT => {
                    Event::CollectionEnd
                }
                _ => Event::Other,
            }
        }
    }

    /// # Safety
    /// `parser` is an initialized parser whose last call failed.
    unsafe fn parser_error(parser: &unsafe_sys::yaml_parser_t) -> YamlError {
        let kind = match parser.error {
            unsafe_sys::YAML_SCANNER_ERROR => ErrorKind::Scanner,
            unsafe_sys::YAML_PARSER_ERROR | unsafe_sys::YAML_COMPOSER_ERROR => ErrorKind::Parser,
            _ => ErrorKind::Reader,
        };
        // SAFETY: libyaml's problem and context are null or static C strings.
        let (problem, context) =
            unsafe { (string(parser.problem.cast()), string(parser.context.cast())) };
        let problem = problem.unwrap_or_else(|| "unknown problem parsing YAML content".to_string());
        let mut err = YamlError::new(kind, problem);
        if kind != ErrorKind::Reader {
            err = err.at(parser.problem_mark.line, parser.problem_mark.column);
            if context.is_some() {
                err.context_line =
                    usize::try_from(parser.context_mark.line).unwrap_or(usize::MAX - 1) + 1;
            }
            err.context = context;
        }
        err
    }
}

// ---------------------------------------------------------------------------------------
// The node tree of one document, as go-yaml's parser builds it.

struct Node {
    kind: NodeKind,
    /// 0-based line of the node's start.
    line: u64,
}

enum NodeKind {
    Scalar {
        value: String,
        /// The resolved tag (`tag:yaml.org,2002:int`, `!`, `!foo`), or empty.
        tag: String,
        /// libyaml's `plain_implicit`: an untagged plain scalar (or the `!` tag).
        implicit: bool,
    },
    Seq(Vec<usize>),
    /// Keys and values, alternating.
    Map(Vec<usize>),
    Alias {
        name: String,
        target: usize,
    },
}

#[derive(Default)]
struct Builder {
    nodes: Vec<Node>,
    anchors: BTreeMap<String, usize>,
    stack: Vec<usize>,
    root: Option<usize>,
}

impl Builder {
    fn add(&mut self, kind: NodeKind, line: u64, anchor: Option<String>) -> usize {
        let index = self.nodes.len();
        self.nodes.push(Node { kind, line });
        // Like go-yaml, the anchor is known from the node's start, so an alias inside
        // the node refers to the node itself.
        if let Some(anchor) = anchor {
            self.anchors.insert(anchor, index);
        }
        let parent = self.stack.last().copied();
        match parent.and_then(|p| self.nodes.get_mut(p)) {
            Some(Node {
                kind: NodeKind::Seq(children) | NodeKind::Map(children),
                ..
            }) => children.push(index),
            _ => {
                if self.root.is_none() {
                    self.root = Some(index);
                }
            }
        }
        index
    }

    fn open(
        &mut self,
        kind: NodeKind,
        flow: bool,
        mark: libyaml::Mark,
        anchor: Option<String>,
    ) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            let mut err = YamlError::new(
                ErrorKind::Scanner,
                format!("exceeded max depth of {MAX_DEPTH}"),
            )
            .at(mark.line, mark.column);
            err.context = Some(if flow {
                "while increasing flow level".to_string()
            } else {
                "while increasing indent level".to_string()
            });
            return Err(err);
        }
        let index = self.add(kind, mark.line, anchor);
        self.stack.push(index);
        Ok(())
    }

    fn finish(self, duplicates: DuplicateKeys) -> Result<Value, YamlError> {
        let Some(root) = self.root else {
            return Ok(Value::Null);
        };
        let mut decoder = Decoder {
            nodes: &self.nodes,
            active_aliases: BTreeSet::new(),
            decode_count: 1, // go-yaml counts the document node too
            alias_count: 0,
            alias_depth: 0,
            strict: duplicates == DuplicateKeys::Error,
            terrors: Vec::new(),
            first_terror_line: 0,
        };
        let go = decoder.unmarshal(root, 0).map_err(|e| *e)?;
        if !decoder.terrors.is_empty() {
            let mut err = YamlError::new(ErrorKind::Unmarshal, decoder.terrors.join("\n  "));
            err.line = decoder.first_terror_line;
            return Err(err);
        }
        check_keys(&go).map_err(|e| *e)?;
        to_json(&go).map_err(|e| *e)
    }
}

// ---------------------------------------------------------------------------------------
// Decoding into Go's interface{} values, as go-yaml v2's decoder does.

/// A value as go-yaml v2 decodes it into `interface{}`.
#[derive(Debug, Clone, PartialEq)]
enum Go {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Go>),
    Map(GoMap),
}

/// Go's `map[interface{}]interface{}`, keeping document order for stable output.
#[derive(Debug, Clone, Default, PartialEq)]
struct GoMap {
    entries: Vec<(Go, Go)>,
    index: BTreeMap<KeyId, usize>,
}

/// Go's map-key equality: type and value (`1` and `"1"` differ; NaN equals nothing).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum KeyId {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(u64),
    Str(String),
}

fn key_id(key: &Go) -> Option<KeyId> {
    Some(match key {
        Go::Null => KeyId::Null,
        Go::Bool(b) => KeyId::Bool(*b),
        Go::Int(i) => KeyId::Int(*i),
        Go::Uint(u) => KeyId::Uint(*u),
        Go::Float(f) if f.is_nan() => return None,
        Go::Float(f) if *f == 0.0 => KeyId::Float(0),
        Go::Float(f) => KeyId::Float(f.to_bits()),
        Go::Str(s) => KeyId::Str(s.clone()),
        Go::Seq(_) | Go::Map(_) => return None,
    })
}

impl GoMap {
    fn insert(&mut self, key: Go, value: Go) {
        match key_id(&key) {
            Some(id) => match self.index.get(&id) {
                Some(&i) => {
                    if let Some(entry) = self.entries.get_mut(i) {
                        entry.1 = value;
                    }
                }
                None => {
                    self.index.insert(id, self.entries.len());
                    self.entries.push((key, value));
                }
            },
            None => self.entries.push((key, value)),
        }
    }
}

struct Decoder<'a> {
    nodes: &'a [Node],
    /// Alias nodes being expanded (go-yaml's `d.aliases`).
    active_aliases: BTreeSet<usize>,
    decode_count: u64,
    alias_count: u64,
    alias_depth: u32,
    strict: bool,
    terrors: Vec<String>,
    first_terror_line: usize,
}

/// Results inside the recursive decoding: a boxed error keeps each stack frame small.
type Res<T> = Result<T, Box<YamlError>>;

#[cold]
#[inline(never)]
fn decode_error(problem: String) -> Box<YamlError> {
    Box::new(YamlError::new(ErrorKind::Decode, problem))
}

#[cold]
#[inline(never)]
fn want_map() -> Box<YamlError> {
    decode_error("map merge requires map or sequence of maps as the value".to_string())
}

/// go-yaml v2's `allowedAliasRatio`.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

impl<'a> Decoder<'a> {
    fn node(&self, index: usize) -> Res<&'a Node> {
        let nodes: &'a [Node] = self.nodes;
        match nodes.get(index) {
            Some(node) => Ok(node),
            None => Err(decode_error("internal error: missing node".to_string())),
        }
    }

    /// go-yaml's bookkeeping at the start of each `d.unmarshal`.
    fn count(&mut self, depth: usize) -> Res<()> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(decode_error(
                "document contains excessive aliasing".to_string(),
            ));
        }
        if depth > MAX_DEPTH {
            return Err(decode_error(format!("exceeded max depth of {MAX_DEPTH}")));
        }
        Ok(())
    }

    fn enter_alias(&mut self, index: usize, name: &str) -> Res<()> {
        if !self.active_aliases.insert(index) {
            return Err(decode_error(format!(
                "anchor '{name}' value contains itself"
            )));
        }
        self.alias_depth += 1;
        Ok(())
    }

    fn leave_alias(&mut self, index: usize) {
        self.alias_depth = self.alias_depth.saturating_sub(1);
        self.active_aliases.remove(&index);
    }

    /// `d.unmarshal` into a fresh `interface{}`.
    fn unmarshal(&mut self, index: usize, depth: usize) -> Res<Go> {
        self.count(depth)?;
        let node = self.node(index)?;
        match &node.kind {
            NodeKind::Alias { name, target } => {
                self.enter_alias(index, name)?;
                let value = self.unmarshal(*target, depth + 1);
                self.leave_alias(index);
                value
            }
            NodeKind::Scalar {
                value,
                tag,
                implicit,
            } => scalar(value, tag, *implicit),
            NodeKind::Seq(children) => {
                let mut items = Vec::with_capacity(children.len());
                for &child in children {
                    items.push(self.unmarshal(child, depth + 1)?);
                }
                Ok(Go::Seq(items))
            }
            NodeKind::Map(children) => {
                let mut map = GoMap::default();
                self.mapping(children, &mut map, depth)?;
                Ok(Go::Map(map))
            }
        }
    }

    /// `d.unmarshal` into an existing map, as a merge does.
    fn unmarshal_into(&mut self, index: usize, out: &mut GoMap, depth: usize) -> Res<()> {
        self.count(depth)?;
        let node = self.node(index)?;
        match &node.kind {
            NodeKind::Alias { name, target } => {
                self.enter_alias(index, name)?;
                let result = self.unmarshal_into(*target, out, depth + 1);
                self.leave_alias(index);
                result
            }
            NodeKind::Map(children) => self.mapping(children, out, depth),
            _ => Err(want_map()),
        }
    }

    fn mapping(&mut self, children: &[usize], out: &mut GoMap, depth: usize) -> Res<()> {
        // Keys given in this mapping node; a merge may be overwritten without complaint.
        let mut seen = BTreeSet::new();
        for pair in children.chunks(2) {
            let &[key_index, value_index] = pair else {
                continue;
            };
            if self.is_merge(key_index) {
                self.merge(value_index, out, depth + 1)?;
                continue;
            }
            let key = self.unmarshal(key_index, depth + 1)?;
            if matches!(key, Go::Seq(_) | Go::Map(_)) {
                return Err(invalid_key(&key));
            }
            let value = self.unmarshal(value_index, depth + 1)?;
            let id = key_id(&key);
            if self.strict && id.as_ref().is_some_and(|id| seen.contains(id)) {
                self.duplicate(&key, value_index);
                continue;
            }
            seen.extend(id);
            out.insert(key, value);
        }
        Ok(())
    }

    /// go-yaml's strict `setMapIndex` complaint, on the value's line.
    #[inline(never)]
    fn duplicate(&mut self, key: &Go, value_index: usize) {
        let line = self.nodes.get(value_index).map_or(0, |n| n.line);
        let line = usize::try_from(line).unwrap_or(usize::MAX - 1) + 1;
        if self.terrors.is_empty() {
            self.first_terror_line = line;
        }
        self.terrors.push(format!(
            "line {line}: key {} already set in map",
            go_sharp_v(key, true)
        ));
    }

    fn is_merge(&self, index: usize) -> bool {
        matches!(
            self.nodes.get(index),
            Some(Node { kind: NodeKind::Scalar { value, tag, implicit }, .. })
                if value == "<<" && (*implicit || tag == MERGE_TAG)
        )
    }

    fn is_map_or_alias_to_map(&self, index: usize) -> Res<bool> {
        Ok(match &self.node(index)?.kind {
            NodeKind::Map(_) => true,
            NodeKind::Alias { target, .. } => {
                matches!(self.node(*target)?.kind, NodeKind::Map(_))
            }
            _ => false,
        })
    }

    /// go-yaml v2's `d.merge`: the merged maps are written into `out` in place.
    fn merge(&mut self, index: usize, out: &mut GoMap, depth: usize) -> Res<()> {
        match &self.node(index)?.kind {
            NodeKind::Map(_) | NodeKind::Alias { .. } => {
                if !self.is_map_or_alias_to_map(index)? {
                    return Err(want_map());
                }
                self.unmarshal_into(index, out, depth)
            }
            NodeKind::Seq(children) => {
                // Backwards, as earlier maps take precedence.
                for &child in children.iter().rev() {
                    if !self.is_map_or_alias_to_map(child)? {
                        return Err(want_map());
                    }
                    self.unmarshal_into(child, out, depth)?;
                }
                Ok(())
            }
            NodeKind::Scalar { .. } => Err(want_map()),
        }
    }
}

#[cold]
#[inline(never)]
fn invalid_key(key: &Go) -> Box<YamlError> {
    decode_error(format!("invalid map key: {}", go_sharp_v(key, true)))
}

/// go-yaml v2's `d.scalar` into `interface{}`.
#[inline(never)]
fn scalar(value: &str, tag: &str, implicit: bool) -> Res<Go> {
    if tag.is_empty() && !implicit {
        return Ok(Go::Str(value.to_string()));
    }
    if tag == BINARY_TAG {
        return decode_binary(value).map(Go::Str);
    }
    Ok(match resolve(tag, value)? {
        Resolved::Null => Go::Null,
        Resolved::Bool(b) => Go::Bool(b),
        Resolved::Int(i) => Go::Int(i),
        Resolved::Uint(u) => Go::Uint(u),
        Resolved::Float(f) => Go::Float(f),
        Resolved::Str | Resolved::Timestamp => Go::Str(value.to_string()),
    })
}

/// Go's `base64.StdEncoding.DecodeString` (newlines ignored, padding required), then
/// the bytes as JSON shows a Go string: each invalid UTF-8 byte becomes U+FFFD.
fn decode_binary(value: &str) -> Res<String> {
    const STD: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
    );
    let compact: String = value.chars().filter(|&c| c != '\n' && c != '\r').collect();
    let bytes = STD
        .decode(compact.as_bytes())
        .map_err(|_| decode_error("!!binary value contains invalid base64 data".to_string()))?;
    Ok(go_lossy_utf8(&bytes))
}

fn go_lossy_utf8(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push('\u{FFFD}');
                bytes = rest.get(1..).unwrap_or_default();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// go-yaml v2's resolve.go.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str,
    Timestamp,
}

impl Resolved {
    fn tag(self) -> &'static str {
        match self {
            Resolved::Null => NULL_TAG,
            Resolved::Bool(_) => BOOL_TAG,
            Resolved::Int(_) | Resolved::Uint(_) => INT_TAG,
            Resolved::Float(_) => FLOAT_TAG,
            Resolved::Str => STR_TAG,
            Resolved::Timestamp => TIMESTAMP_TAG,
        }
    }
}

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix(LONG_TAG_PREFIX) {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

/// go-yaml v2's `resolve(tag, in)`: the value of a plain scalar (empty `tag`) or of a
/// scalar with a standard tag, which the value must fit.
fn resolve(tag: &str, value: &str) -> Res<Resolved> {
    if !matches!(
        tag,
        "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG
    ) {
        return Ok(Resolved::Str);
    }
    let resolved = if tag == STR_TAG {
        Resolved::Str
    } else {
        resolve_plain(value, tag.is_empty() || tag == TIMESTAMP_TAG)
    };
    let rtag = resolved.tag();
    if tag.is_empty() || tag == rtag || tag == STR_TAG {
        return Ok(resolved);
    }
    if tag == FLOAT_TAG {
        if let Resolved::Int(i) = resolved {
            return Ok(Resolved::Float(i as f64));
        }
    }
    Err(decode_error(format!(
        "cannot decode {} `{value}` as a {}",
        short_tag(rtag),
        short_tag(tag)
    )))
}

fn resolve_plain(s: &str, timestamps: bool) -> Resolved {
    let hint = match s.as_bytes().first() {
        None => return Resolved::Null,
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return Resolved::Str,
    };
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    match hint {
        b'.' => match go_parse_float(s) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'D' | b'S' => {
            if timestamps && parse_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Resolved::Uint(u);
            }
            if yaml_style_float(&plain) {
                if let Some(f) = go_parse_float(&plain) {
                    return Resolved::Float(f);
                }
            }
            // go-yaml's separate 0b/-0b cases are covered by ParseInt's base 0.
            Resolved::Str
        }
        _ => Resolved::Str,
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` without underscores.
fn go_parse_uint(s: &str) -> Option<u64> {
    let bytes = s.as_bytes();
    let (base, digits) = match bytes {
        [] => return None,
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'b') => (2, &bytes[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'o') => (8, &bytes[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'x') => (16, &bytes[2..]),
        [b'0', rest @ ..] => (8, rest),
        _ => (10, bytes),
    };
    let mut n: u64 = 0;
    for &c in digits {
        let d = char::from(c).to_digit(36)?;
        if d >= base {
            return None;
        }
        n = n.checked_mul(u64::from(base))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// Go's `strconv.ParseInt(s, 0, 64)` without underscores.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, s.get(1..)?),
        Some(b'-') => (true, s.get(1..)?),
        _ => (false, s),
    };
    let n = go_parse_uint(rest)?;
    if negative {
        0i64.checked_sub_unsigned(n)
            .or((n == 1 << 63).then_some(i64::MIN))
    } else {
        i64::try_from(n).ok()
    }
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal text: underscores only between digits,
/// and out of range is a failure, not an infinity.
fn go_parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !go_underscore_ok(s) {
        return None;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if !yaml_style_float(&plain) {
        return None;
    }
    plain.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Go's `strconv.underscoreOK` for decimal text.
fn go_underscore_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut saw = b'^';
    for c in s.bytes() {
        if c.is_ascii_digit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// go-yaml v2's `parseTimestamp`: `YYYY-` then one of Go's layouts
/// `2006-1-2T15:4:5.999999999Z07:00`, the same with `t`, `2006-1-2 15:4:5.999999999` or
/// `2006-1-2`. Only `!!timestamp` needs it: a plain timestamp stays a string anyway.
fn parse_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    [
        Layout::T(b'T'),
        Layout::T(b't'),
        Layout::Space,
        Layout::Date,
    ]
    .into_iter()
    .any(|layout| go_time_parse(b, layout))
}

#[derive(Clone, Copy)]
enum Layout {
    T(u8),
    Space,
    Date,
}

/// Go's `getnum(s, false)`: one or two digits.
fn getnum(s: &[u8]) -> Option<(u32, &[u8])> {
    match s {
        [a, b, rest @ ..] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some((u32::from(a - b'0') * 10 + u32::from(b - b'0'), rest))
        }
        [a, rest @ ..] if a.is_ascii_digit() => Some((u32::from(a - b'0'), rest)),
        _ => None,
    }
}

fn skip(s: &[u8], lit: u8) -> Option<&[u8]> {
    if lit == b' ' {
        // A space in a Go layout matches any run of spaces.
        if s.first().is_some_and(|&c| c != b' ') {
            return None;
        }
        let n = s.iter().take_while(|&&c| c == b' ').count();
        return s.get(n..);
    }
    match s {
        [c, rest @ ..] if *c == lit => Some(rest),
        _ => None,
    }
}

fn go_time_parse(s: &[u8], layout: Layout) -> bool {
    go_time_parse_inner(s, layout).is_some()
}

fn go_time_parse_inner(s: &[u8], layout: Layout) -> Option<()> {
    let year: u32 = std::str::from_utf8(s.get(..4)?).ok()?.parse().ok()?;
    let s = skip(s.get(4..)?, b'-')?;
    let (month, s) = getnum(s)?;
    let s = skip(s, b'-')?;
    let (day, mut s) = getnum(s)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    if !matches!(layout, Layout::Date) {
        s = skip(s, if let Layout::T(t) = layout { t } else { b' ' })?;
        let (hour, rest) = getnum(s)?;
        let rest = skip(rest, b':')?;
        let (minute, rest) = getnum(rest)?;
        let rest = skip(rest, b':')?;
        let (second, mut rest) = getnum(rest)?;
        if hour >= 24 || minute >= 60 || second >= 60 {
            return None;
        }
        // Fractional seconds: `.` or `,` and digits, optional.
        if let [b'.' | b',', d, ..] = rest {
            if d.is_ascii_digit() {
                let n = rest
                    .iter()
                    .skip(1)
                    .take_while(|c| c.is_ascii_digit())
                    .count();
                rest = rest.get(1 + n..)?;
            }
        }
        if let Layout::T(_) = layout {
            rest = match rest {
                [b'Z', tail @ ..] => tail,
                [sign, h1, h2, b':', m1, m2, tail @ ..] => {
                    if !matches!(sign, b'+' | b'-')
                        || ![h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
                    {
                        return None;
                    }
                    let hh = u32::from(h1 - b'0') * 10 + u32::from(h2 - b'0');
                    let mm = u32::from(m1 - b'0') * 10 + u32::from(m2 - b'0');
                    if hh > 24 || mm > 60 {
                        return None;
                    }
                    tail
                }
                _ => return None,
            };
        }
        s = rest;
    }
    if !s.is_empty() {
        return None;
    }
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    (1..=days).contains(&day).then_some(())
}

// ---------------------------------------------------------------------------------------
// sigs.k8s.io/yaml's conversion to JSON, then Go's json.Marshal.

/// `convertToJSONableObject`'s key check, over the whole tree before any output.
fn check_keys(go: &Go) -> Res<()> {
    match go {
        Go::Seq(items) => {
            for item in items {
                check_keys(item)?;
            }
        }
        Go::Map(map) => {
            for (key, value) in &map.entries {
                if matches!(key, Go::Null | Go::Uint(_)) {
                    return Err(unsupported_key(key, value));
                }
                check_keys(value)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cold]
#[inline(never)]
fn unsupported_key(key: &Go, value: &Go) -> Box<YamlError> {
    // Go's `%s` of the nil `reflect.Type` of a null key.
    let type_name = if matches!(key, Go::Null) {
        "%!s(<nil>)"
    } else {
        "uint64"
    };
    Box::new(YamlError::new(
        ErrorKind::Json,
        format!(
            "unsupported map key of type: {type_name}, key: {}, value: {}",
            go_sharp_v(key, true),
            go_sharp_v(value, true)
        ),
    ))
}

/// The JSON key sigs.k8s.io/yaml makes of a map key.
#[inline(never)]
fn json_key(key: &Go) -> String {
    match key {
        Go::Str(s) => s.clone(),
        Go::Int(i) => i.to_string(),
        Go::Uint(u) => u.to_string(),
        Go::Bool(b) => b.to_string(),
        Go::Float(f) => match go_format_float(*f, true).as_str() {
            "+Inf" => ".inf".to_string(),
            "-Inf" => "-.inf".to_string(),
            "NaN" => ".nan".to_string(),
            s => s.to_string(),
        },
        Go::Null | Go::Seq(_) | Go::Map(_) => String::new(),
    }
}

/// A float as Go's `json.Marshal` prints it and kubectl reads it back: integral values
/// in int64's range are integers.
#[inline(never)]
fn json_float(f: f64) -> Res<Value> {
    if !f.is_finite() {
        return Err(Box::new(YamlError::new(
            ErrorKind::Json,
            format!("json: unsupported value: {}", go_format_float(f, false)),
        )));
    }
    Ok(
        if f.fract() == 0.0
            && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
        {
            Value::from(f as i64)
        } else {
            Number::from_f64(f).map_or(Value::Null, Value::Number)
        },
    )
}

/// Go's `json.Marshal`, as read back by kubectl: map keys sorted (so the first NaN
/// reported is Go's), integral floats as integers, NaN and infinities refused.
fn to_json(go: &Go) -> Res<Value> {
    Ok(match go {
        Go::Null => Value::Null,
        Go::Bool(b) => Value::Bool(*b),
        Go::Int(i) => Value::from(*i),
        Go::Uint(u) => Value::from(*u),
        Go::Float(f) => json_float(*f)?,
        Go::Str(s) => Value::String(s.clone()),
        Go::Seq(items) => {
            let mut array = Vec::with_capacity(items.len());
            for item in items {
                array.push(to_json(item)?);
            }
            Value::Array(array)
        }
        Go::Map(map) => {
            // Keys that meet as strings (`1` and `"1"`): Go's order is random; the last wins.
            let mut sorted: BTreeMap<String, &Go> = BTreeMap::new();
            for (key, value) in &map.entries {
                sorted.insert(json_key(key), value);
            }
            let mut object = Map::new();
            for (key, value) in sorted {
                object.insert(key, to_json(value)?);
            }
            Value::Object(object)
        }
    })
}

// ---------------------------------------------------------------------------------------
// Go's formatting, for the words of errors and keys.

/// Go's `strconv.FormatFloat(f, 'g', -1, 64 or 32)`.
fn go_format_float(f: f64, single: bool) -> String {
    let f = if single { f64::from(f as f32) } else { f };
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0");
    }
    // Shortest round-trip digits and exponent, from Rust's `{:e}`.
    let text = if single {
        format!("{:e}", (f as f32).abs())
    } else {
        format!("{:e}", f.abs())
    };
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let exp: i64 = exp.parse().unwrap_or(0);
    let nd = digits.len() as i64;
    if !(-4..6).contains(&exp) {
        let mut out = String::from(sign);
        out.push(char::from(digits.first().copied().unwrap_or(b'0')));
        if digits.len() > 1 {
            out.push('.');
            out.extend(digits.iter().skip(1).map(|&d| char::from(d)));
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
        return out;
    }
    let dp = exp + 1;
    let digit = |i: i64| -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i))
            .map_or('0', |&d| char::from(d))
    };
    let mut out = String::from(sign);
    if dp > 0 {
        (0..dp).for_each(|i| out.push(digit(i)));
    } else {
        out.push('0');
    }
    let decimals = (nd - dp).max(0);
    if decimals > 0 {
        out.push('.');
        (0..decimals).for_each(|i| out.push(digit(dp + i)));
    }
    out
}

/// The order in which Go's `fmt` prints `interface{}` map keys: by type (in effect by
/// type name: bool, float64, int, string, uint64), then by value.
fn go_key_order(a: &Go, b: &Go) -> std::cmp::Ordering {
    fn rank(v: &Go) -> u8 {
        match v {
            Go::Null => 0,
            Go::Bool(_) => 1,
            Go::Float(_) => 2,
            Go::Int(_) => 3,
            Go::Str(_) => 4,
            Go::Uint(_) => 5,
            Go::Seq(_) => 6,
            Go::Map(_) => 7,
        }
    }
    rank(a).cmp(&rank(b)).then_with(|| match (a, b) {
        (Go::Bool(x), Go::Bool(y)) => x.cmp(y),
        (Go::Float(x), Go::Float(y)) => x.total_cmp(y),
        (Go::Int(x), Go::Int(y)) => x.cmp(y),
        (Go::Str(x), Go::Str(y)) => x.cmp(y),
        (Go::Uint(x), Go::Uint(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    })
}

/// Go's `%#v` of a value decoded into `interface{}` (`top`: not inside a collection).
fn go_sharp_v(go: &Go, top: bool) -> String {
    match go {
        Go::Null if top => "<nil>".to_string(),
        Go::Null => "interface {}(nil)".to_string(),
        Go::Bool(b) => b.to_string(),
        Go::Int(i) => i.to_string(),
        Go::Uint(u) => format!("0x{u:x}"),
        Go::Float(f) => go_format_float(*f, false),
        Go::Str(s) => crate::gotemplate::fmt::quote(s),
        Go::Seq(items) => {
            let items: Vec<String> = items.iter().map(|v| go_sharp_v(v, false)).collect();
            format!("[]interface {{}}{{{}}}", items.join(", "))
        }
        Go::Map(map) => {
            let mut entries: Vec<&(Go, Go)> = map.entries.iter().collect();
            crate::sort::by(&mut entries, |(a, _), (b, _)| go_key_order(a, b));
            let entries: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", go_sharp_v(k, false), go_sharp_v(v, false)))
                .collect();
            format!(
                "map[interface {{}}]interface {{}}{{{}}}",
                entries.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_name_fields_as_kubernetes_does() {
        let text = "kind: Pod\nspec:\n  containers:\n  - name: web\n    imagee: nginx\n---\nkind: Service\n".to_string();
        let docs = positions(&text).unwrap();
        assert_eq!(docs.len(), 2);
        let find = |d: usize, p: &str| docs[d].iter().find(|f| f.0 == p).map(|f| (f.1, f.2));
        assert_eq!(find(0, "spec.containers[0]"), Some((4, 5)));
        assert_eq!(find(0, "spec.containers[0].imagee"), Some((5, 5)));
        assert_eq!(find(1, "kind"), Some((7, 1)));
    }
    use serde_json::json;

    fn one(text: &str) -> Value {
        match documents(text) {
            Ok(mut docs) if docs.len() == 1 => docs.remove(0),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    fn err(text: &str) -> YamlError {
        match documents(text) {
            Err(e) => e,
            Ok(v) => panic!("{text:?} parsed as {v:?}"),
        }
    }

    /// The value of `v: <text>`.
    fn plain(text: &str) -> Value {
        one(&format!("v: {text}\n"))["v"].clone()
    }

    #[test]
    fn nulls() {
        for s in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(s), Value::Null, "{s:?}");
        }
        for s in ["nULL", "nil", "None", "'null'", "\"~\"", "''"] {
            assert!(plain(s).is_string(), "{s:?}");
        }
        assert_eq!(plain("!!null ''"), Value::Null);
        assert_eq!(plain("!!null"), Value::Null);
    }

    #[test]
    fn bools() {
        for s in [
            "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON",
        ] {
            assert_eq!(plain(s), json!(true), "{s:?}");
        }
        for s in [
            "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
        ] {
            assert_eq!(plain(s), json!(false), "{s:?}");
        }
        for s in ["yES", "tRUE", "oN", "'yes'", "\"on\"", "t", "f"] {
            assert!(plain(s).is_string(), "{s:?}");
        }
    }

    #[test]
    fn ints() {
        let cases = [
            ("0", json!(0)),
            ("-0", json!(0)),
            ("+12", json!(12)),
            ("-12", json!(-12)),
            ("1_000", json!(1000)),
            ("1__0_0", json!(100)),
            ("0400", json!(256)),
            ("0777", json!(511)),
            ("0_400", json!(256)),
            ("00", json!(0)),
            ("0o17", json!(15)),
            ("0O17", json!(15)),
            ("0x1F", json!(31)),
            ("0Xff", json!(255)),
            ("-0x10", json!(-16)),
            ("0b101", json!(5)),
            ("-0b101", json!(-5)),
            ("9223372036854775807", json!(i64::MAX)),
            ("-9223372036854775808", json!(i64::MIN)),
            ("9223372036854775808", json!(9_223_372_036_854_775_808u64)),
            ("18446744073709551615", json!(u64::MAX)),
            ("0xFFFFFFFFFFFFFFFF", json!(u64::MAX)),
        ];
        for (s, want) in cases {
            assert_eq!(plain(s), want, "{s:?}");
        }
        for s in ["0x", "0b", "0b2", "0xg", "1:20", "190:20:30", "_1", "1-2"] {
            assert_eq!(plain(s), json!(s), "{s:?}");
        }
        // Quoted stays a string.
        assert_eq!(plain("'0400'"), json!("0400"));
        assert_eq!(plain("\"12\""), json!("12"));
    }

    #[test]
    fn floats() {
        let cases = [
            ("1.5", json!(1.5)),
            ("-1.5", json!(-1.5)),
            ("+.5", json!(0.5)),
            (".5", json!(0.5)),
            ("1e3", json!(1000)),
            ("1E3", json!(1000)),
            ("1.0", json!(1)),
            ("1.", json!(1)),
            ("0.", json!(0)),
            ("-0.0", json!(0)),
            ("08", json!(8)),
            ("09", json!(9)),
            ("012.5", json!(12.5)),
            ("0e5", json!(0)),
            ("1_000.5", json!(1000.5)),
            (".5_5", json!(0.55)),
            ("2.5e-3", json!(0.0025)),
            // A float that Go prints as -9223372036854775808, which kubectl reads as an int.
            ("-9223372036854775809", json!(i64::MIN)),
            ("1_", json!(1)),
            ("1e19", json!(1e19)),
            ("99999999999999999999", json!(1e20)),
            ("1e-400", json!(0)),
        ];
        for (s, want) in cases {
            assert_eq!(plain(s), want, "{s:?}");
        }
        for s in [
            ".", "._5", ".5_", "1e400", "1e", "e3", "1.5.5", "0x1p3", "+inf", "inf", "nan", "NaN",
            "Infinity", ".iNf", "1.5e", "+",
        ] {
            assert_eq!(plain(s), json!(s), "{s:?}");
        }
    }

    #[test]
    fn inf_and_nan_cannot_be_json() {
        for (s, word) in [
            (".inf", "+Inf"),
            (".Inf", "+Inf"),
            ("+.INF", "+Inf"),
            ("-.inf", "-Inf"),
            ("-.Inf", "-Inf"),
            (".nan", "NaN"),
            (".NaN", "NaN"),
            (".NAN", "NaN"),
        ] {
            let e = err(&format!("v: {s}\n"));
            assert_eq!(e.kind, ErrorKind::Json);
            assert_eq!(e.to_string(), format!("json: unsupported value: {word}"));
        }
        // Go marshals map keys in sorted order: the first bad value there is reported.
        let e = err("b: .nan\na: -.inf\n");
        assert_eq!(e.to_string(), "json: unsupported value: -Inf");
    }

    #[test]
    fn strings_timestamps_and_sexagesimal() {
        for s in [
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
            "2024-01-01T00:00:00Z",
            "1:20",
            "12:30:00",
            "<<x",
            "hello world",
            "=",
        ] {
            assert_eq!(plain(s), json!(s), "{s:?}");
        }
        assert_eq!(plain("|\n  a\n  b"), json!("a\nb\n"));
        assert_eq!(plain(">-\n  a\n  b"), json!("a b"));
        assert_eq!(plain("'it''s'"), json!("it's"));
        // Block scalars running to the end of the text, with no final line break.
        assert_eq!(one("a: |\n  x"), json!({"a": "x"}));
        assert_eq!(one("a: |+\n  x"), json!({"a": "x"}));
        assert_eq!(one("a: >-\n  x\n  y"), json!({"a": "x y"}));
        assert_eq!(one("- |\n  0400"), json!(["0400"]));
        assert_eq!(plain("\"\\u263A\\t\""), json!("\u{263A}\t"));
    }

    #[test]
    fn tags() {
        assert_eq!(plain("!!str 0400"), json!("0400"));
        assert_eq!(plain("!!str yes"), json!("yes"));
        assert_eq!(plain("!!int \"0400\""), json!(256));
        assert_eq!(plain("!!int '12'"), json!(12));
        assert_eq!(plain("!!float 1"), json!(1));
        assert_eq!(plain("!!float '1.5'"), json!(1.5));
        assert_eq!(plain("!!bool \"yes\""), json!(true));
        assert_eq!(plain("!!null null"), Value::Null);
        assert_eq!(plain("!!timestamp 2001-12-14"), json!("2001-12-14"));
        assert_eq!(
            plain("!!timestamp 2001-12-14T21:59:43.10-05:00"),
            json!("2001-12-14T21:59:43.10-05:00")
        );
        assert_eq!(plain("!!binary aGVsbG8="), json!("hello"));
        assert_eq!(plain("!!binary |\n  aGVs\n  bG8="), json!("hello"));
        assert_eq!(plain("!!binary /w=="), json!("\u{FFFD}"));
        assert_eq!(plain("!custom 12"), json!("12"));
        assert_eq!(plain("! 12"), json!("12"));
        assert_eq!(one("!!map {a: 1}"), json!({"a": 1}));

        let cases = [
            ("!!int abc", "yaml: cannot decode !!str `abc` as a !!int"),
            ("!!int 1.5", "yaml: cannot decode !!float `1.5` as a !!int"),
            ("!!bool 1", "yaml: cannot decode !!int `1` as a !!bool"),
            ("!!null x", "yaml: cannot decode !!str `x` as a !!null"),
            (
                "!!float 18446744073709551615",
                "yaml: cannot decode !!int `18446744073709551615` as a !!float",
            ),
            (
                "!!timestamp 2001-13-01",
                "yaml: cannot decode !!str `2001-13-01` as a !!timestamp",
            ),
            (
                "!!timestamp 2001-02-29",
                "yaml: cannot decode !!str `2001-02-29` as a !!timestamp",
            ),
            (
                "!!timestamp 12",
                "yaml: cannot decode !!int `12` as a !!timestamp",
            ),
            (
                "!!binary 'a b'",
                "yaml: !!binary value contains invalid base64 data",
            ),
            (
                "!!binary aGVsbG8",
                "yaml: !!binary value contains invalid base64 data",
            ),
        ];
        for (text, want) in cases {
            let e = err(&format!("v: {text}\n"));
            assert_eq!(e.kind, ErrorKind::Decode, "{text}");
            assert_eq!(e.to_string(), want, "{text}");
        }
    }

    #[test]
    fn timestamps_by_go_layouts() {
        for s in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14T21:59:43Z",
            "2001-12-14t21:59:43.123456789123+05:30",
            "2001-12-14 21:59:43",
            "2001-12-14   1:2:3,5",
            "2000-02-29",
        ] {
            assert!(parse_timestamp(s), "{s}");
        }
        for s in [
            "2001-12-14T21:59:43",
            "2001-12-14 21:59:43Z",
            "2001-12-32",
            "1900-02-29",
            "2001-12-14T24:00:00Z",
            "01-12-14",
            "2001-012-14",
            "2001-12-14T21:59:43+0530",
        ] {
            assert!(!parse_timestamp(s), "{s}");
        }
    }

    #[test]
    fn the_bug_default_mode() {
        let doc = one(
            "apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n  - name: s\n    secret:\n      secretName: s\n      defaultMode: 0400\n",
        );
        assert_eq!(
            doc["spec"]["volumes"][0]["secret"]["defaultMode"],
            json!(256)
        );
    }

    #[test]
    fn anchors_and_aliases() {
        assert_eq!(
            one("a: &x {b: 1}\nc: *x\nd: &s hi\ne: *s\n"),
            json!({"a": {"b": 1}, "c": {"b": 1}, "d": "hi", "e": "hi"})
        );
        // A later anchor of the same name wins from there on.
        assert_eq!(one("- &a 1\n- *a\n- &a 2\n- *a\n"), json!([1, 1, 2, 2]));
        let e = err("a: *nope\n");
        assert_eq!(e.to_string(), "yaml: unknown anchor 'nope' referenced");
        let e = err("a: &x [1, *x]\n");
        assert_eq!(e.to_string(), "yaml: anchor 'x' value contains itself");
        // Anchors do not cross documents.
        let e = err("a: &x 1\n---\nb: *x\n");
        assert_eq!(e.to_string(), "yaml: unknown anchor 'x' referenced");
        assert_eq!(e.document, 1);
    }

    #[test]
    fn merge_keys() {
        let base = "base: &b {a: 1, b: 2}\nmore: &m {b: 3, c: 4}\n";
        assert_eq!(
            one(&format!("{base}x:\n  <<: *b\n  b: 9\n"))["x"],
            json!({"a": 1, "b": 9})
        );
        // List of maps: earlier maps win.
        assert_eq!(
            one(&format!("{base}x:\n  <<: [*b, *m]\n"))["x"],
            json!({"a": 1, "b": 2, "c": 4})
        );
        assert_eq!(
            one(&format!("{base}x:\n  <<: [*m, *b]\n"))["x"],
            json!({"a": 1, "b": 3, "c": 4})
        );
        // Inline maps, in a list too.
        assert_eq!(one("<<: {a: 1}\nb: 2\n"), json!({"a": 1, "b": 2}));
        assert_eq!(one("<<: [{a: 1}, {a: 2, b: 2}]\n"), json!({"a": 1, "b": 2}));
        // go-yaml v2 applies a merge where it stands: it overwrites keys set before it.
        assert_eq!(
            one(&format!("{base}x:\n  b: 9\n  <<: *b\n"))["x"],
            json!({"a": 1, "b": 2})
        );
        // A quoted "<<" is an ordinary key; !!merge makes one a merge.
        assert_eq!(one("'<<': {a: 1}\n"), json!({"<<": {"a": 1}}));
        assert_eq!(one("!!merge '<<': {a: 1}\n"), json!({"a": 1}));
        for text in [
            "<<: 1\n",
            "<<: [1]\n",
            "a: &a [1]\n<<: *a\n",
            "<<: [{a: 1}, 2]\n",
            "<<:\n",
        ] {
            assert_eq!(
                err(text).to_string(),
                "yaml: map merge requires map or sequence of maps as the value",
                "{text}"
            );
        }
    }

    #[test]
    fn duplicate_keys() {
        let e = err("a: 1\nb: 2\na: 3\n");
        assert_eq!(e.kind, ErrorKind::Unmarshal);
        assert_eq!(e.line, 3);
        assert_eq!(
            e.to_string(),
            "yaml: unmarshal errors:\n  line 3: key \"a\" already set in map"
        );
        // Every duplicate is listed; the line is the value's.
        let e = err("a: 1\na:\n  x: 1\n  x: 2\nb: 1\n1: x\n0x1: y\n");
        assert_eq!(
            e.to_string(),
            "yaml: unmarshal errors:\n  line 4: key \"x\" already set in map\n  line 3: key \"a\" already set in map\n  line 7: key 1 already set in map"
        );
        assert_eq!(
            err("yes: 1\non: 2\n").problem,
            "line 2: key true already set in map"
        );
        // Same text, different Go types: not duplicates.
        assert_eq!(one("1: a\n'1': b\n"), json!({"1": "b"}));
        let lenient = documents_with("a: 1\na: 2\n", DuplicateKeys::LastWins);
        assert_eq!(lenient, Ok(vec![json!({"a": 2})]));
        // Overriding a merged key is not a duplicate.
        assert_eq!(
            one("a: &a {x: 1}\nb:\n  <<: *a\n  x: 2\n")["b"],
            json!({"x": 2})
        );
    }

    #[test]
    fn non_string_keys() {
        assert_eq!(
            one("1: a\n0x10: b\ntrue: c\nno: d\n1.5: e\n1e6: f\n0.1: g\n-0.0: h\n3.14159265358979: i\n.inf: j\n-.inf: k\n.nan: l\n100000.0: m\n"),
            json!({
                "1": "a", "16": "b", "true": "c", "false": "d", "1.5": "e", "1e+06": "f",
                "0.1": "g", "-0": "h", "3.1415927": "i", ".inf": "j", "-.inf": "k",
                ".nan": "l", "100000": "m"
            })
        );
        assert_eq!(one("2024-01-01: x\n"), json!({"2024-01-01": "x"}));
        assert_eq!(one("!!binary aGk=: x\n"), json!({"hi": "x"}));
        let e = err("~: a\n");
        assert_eq!(e.kind, ErrorKind::Json);
        assert_eq!(
            e.to_string(),
            "unsupported map key of type: %!s(<nil>), key: <nil>, value: \"a\""
        );
        assert_eq!(
            err("18446744073709551615: [1, ~]\n").to_string(),
            "unsupported map key of type: uint64, key: 0xffffffffffffffff, value: []interface {}{1, interface {}(nil)}"
        );
        assert_eq!(
            err("? [a, 1]\n: x\n").to_string(),
            "yaml: invalid map key: []interface {}{\"a\", 1}"
        );
        assert_eq!(
            err("{b: 1, a: \"x\\n\"}: x\n").to_string(),
            "yaml: invalid map key: map[interface {}]interface {}{\"a\":\"x\\n\", \"b\":1}"
        );
    }

    #[test]
    fn go_formatting_of_odd_keys() {
        // Texts taken from sigs.k8s.io/yaml with go.yaml.in/yaml/v2 v2.4.2.
        assert_eq!(
            err("{b: 1, yes: 2, 1: x, 1.5: z, ~: n, 18446744073709551615: u}: y\n").to_string(),
            "yaml: invalid map key: map[interface {}]interface {}{interface {}(nil):false, true:2, 1.5:\"z\", 1:\"x\", \"b\":1, 0xffffffffffffffff:\"u\"}"
        );
        assert_eq!(
            err("[1, [a], {k: v}, ~, 1.5, true]: x\n").to_string(),
            "yaml: invalid map key: []interface {}{1, []interface {}{\"a\"}, map[interface {}]interface {}{\"k\":\"v\"}, interface {}(nil), 1.5, true}"
        );
    }

    #[test]
    fn flow_block_and_documents() {
        assert_eq!(
            one("{a: [1, two, {c: yes}], 'b': \"0400\"}"),
            json!({"a": [1, "two", {"c": true}], "b": "0400"})
        );
        assert_eq!(
            one("a:\n- 1\n- - x\n  - z\nb:\n  c: d\n"),
            json!({"a": [1, ["x", "z"]], "b": {"c": "d"}})
        );
        assert_eq!(
            documents("a: 1\n---\n---\n# only a comment\n---\nb: 2\n...\n--- ~\n"),
            Ok(vec![
                json!({"a": 1}),
                Value::Null,
                Value::Null,
                json!({"b": 2}),
                Value::Null
            ])
        );
        assert_eq!(documents(""), Ok(vec![]));
        assert_eq!(documents("# nothing\n"), Ok(vec![]));
        assert_eq!(documents("---\n"), Ok(vec![Value::Null]));
        assert_eq!(documents("- 1\n"), Ok(vec![json!([1])]));
        assert_eq!(documents("0400\n"), Ok(vec![json!(256)]));
        assert_eq!(one("\u{feff}a: 1\n"), json!({"a": 1}));
        assert_eq!(one("a: 1\r\nb: yes\r\n"), json!({"a": 1, "b": true}));
        assert_eq!(one("%YAML 1.1\n---\na: 1\n"), json!({"a": 1}));
        assert_eq!(
            one("%TAG !k! tag:yaml.org,2002:\n---\na: !k!int '7'\n"),
            json!({"a": 7})
        );
    }

    #[test]
    fn syntax_errors_keep_libyaml_words_and_go_lines() {
        // (text, kind, problem, 1-based problem line, go-yaml's text)
        let cases = [
            (
                "a: 1\n b: 2\n",
                ErrorKind::Scanner,
                "mapping values are not allowed in this context",
                2,
                "yaml: line 2: mapping values are not allowed in this context",
            ),
            (
                "a:\n\tb: 1\n",
                ErrorKind::Scanner,
                "found character that cannot start any token",
                2,
                "yaml: line 2: found character that cannot start any token",
            ),
            (
                "a: \"abc",
                ErrorKind::Scanner,
                "found unexpected end of stream",
                1,
                "yaml: found unexpected end of stream",
            ),
            (
                "a: 1\nb: 'abc\n",
                ErrorKind::Scanner,
                "found unexpected end of stream",
                3,
                "yaml: line 3: found unexpected end of stream",
            ),
            (
                "a:\n  - b\n  c: d\n",
                ErrorKind::Parser,
                "did not find expected '-' indicator",
                3,
                "yaml: line 2: did not find expected '-' indicator",
            ),
            (
                "a:\n  b: 1\n c: 2\n",
                ErrorKind::Parser,
                "did not find expected key",
                3,
                "yaml: line 2: did not find expected key",
            ),
            (
                "a: [1, 2\nb: 3\n",
                ErrorKind::Parser,
                "did not find expected ',' or ']'",
                2,
                "yaml: line 1: did not find expected ',' or ']'",
            ),
            (
                "a: 'x'y\n",
                ErrorKind::Parser,
                "did not find expected key",
                1,
                "yaml: did not find expected key",
            ),
            (
                "a: 1\n- b\n",
                ErrorKind::Parser,
                "did not find expected key",
                2,
                "yaml: line 1: did not find expected key",
            ),
            (
                "a:\n  b: {c: 1\n",
                ErrorKind::Parser,
                "did not find expected ',' or '}'",
                3,
                "yaml: line 2: did not find expected ',' or '}'",
            ),
            (
                "x\u{1}\n",
                ErrorKind::Reader,
                "control characters are not allowed",
                0,
                "yaml: control characters are not allowed",
            ),
        ];
        for (text, kind, problem, line, shown) in cases {
            let e = err(text);
            assert_eq!(e.kind, kind, "{text:?}: {e:?}");
            assert_eq!(e.problem, problem, "{text:?}");
            assert_eq!(e.line, line, "{text:?}");
            assert_eq!(e.to_string(), shown, "{text:?}");
        }
        let e = err("a: 1\n---\nb: [\n");
        assert_eq!(e.document, 1);
        let e = err("a: \"abc");
        assert_eq!(e.context.as_deref(), Some("while scanning a quoted scalar"));
        assert_eq!((e.line, e.column, e.context_line), (1, 8, 1));
    }

    #[test]
    fn go_float_formatting() {
        for (f, want) in [
            (1.0, "1"),
            (1.5, "1.5"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (1e21, "1e+21"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (-2.5e-7, "-2.5e-07"),
            (1.2345678901234567e300, "1.2345678901234567e+300"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Inf"),
        ] {
            assert_eq!(go_format_float(f, false), want, "{f}");
        }
        assert_eq!(go_format_float(0.1, true), "0.1");
        assert_eq!(go_format_float(123456789.0, true), "1.2345679e+08");
        assert_eq!(go_format_float(1e39, true), "+Inf");
        assert_eq!(
            crate::gotemplate::fmt::quote("a\"\\\n\u{1}é\u{200b}"),
            "\"a\\\"\\\\\\n\\x01é\\u200b\""
        );
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names: Vec<char> = "abcdefghi".chars().collect();
        for pair in names.windows(2) {
            let (prev, next) = (pair[0], pair[1]);
            let refs = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{next}: &{next} [{refs}]\n"));
        }
        let e = err(&text);
        assert_eq!(e.to_string(), "yaml: document contains excessive aliasing");

        // A long chain of aliases is quadratic work: refused as excessive aliasing.
        let mut text = String::from("- &a0 [x]\n");
        for i in 1..=MAX_DEPTH + 5 {
            text.push_str(&format!("- &a{i} [*a{}]\n", i - 1));
        }
        let e = err(&text);
        assert_eq!(e.to_string(), "yaml: document contains excessive aliasing");
        // Nesting within limits in the text, past them once an alias is expanded.
        let half = MAX_DEPTH / 2 + 10;
        let text = format!(
            "a: &x {}1{}\nb: {}*x{}\n",
            "[".repeat(half),
            "]".repeat(half),
            "[".repeat(half),
            "]".repeat(half)
        );
        let e = err(&text);
        assert_eq!(
            e.to_string(),
            format!("yaml: exceeded max depth of {MAX_DEPTH}")
        );
        // Moderate reuse is fine.
        assert_eq!(
            one("a: &a {x: 1}\nb: [*a, *a, *a]\n")["b"],
            json!([{"x": 1}, {"x": 1}, {"x": 1}])
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let e = err(&"[".repeat(100_000));
        assert_eq!(e.kind, ErrorKind::Scanner);
        assert_eq!(e.problem, format!("exceeded max depth of {MAX_DEPTH}"));
        assert_eq!(
            e.to_string(),
            format!("yaml: exceeded max depth of {MAX_DEPTH}")
        );
        let mut block = String::new();
        for i in 0..(MAX_DEPTH + 10) {
            block.push_str(&" ".repeat(i));
            block.push_str("a:\n");
        }
        let e = err(&block);
        assert_eq!(e.problem, format!("exceeded max depth of {MAX_DEPTH}"));
        assert_eq!(
            e.to_string(),
            format!(
                "yaml: line {}: exceeded max depth of {MAX_DEPTH}",
                MAX_DEPTH + 1
            )
        );
        // Just inside the limit works, with the default test-thread stack.
        let deep = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let mut v = one(&deep);
        for _ in 0..MAX_DEPTH {
            v = v
                .as_array()
                .and_then(|a| a.first())
                .cloned()
                .unwrap_or(Value::Null);
        }
        assert_eq!(v, json!(1));
        let deep = format!("{}1{}", "{a: ".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        let mut v = one(&deep);
        for _ in 0..MAX_DEPTH {
            v = v["a"].clone();
        }
        assert_eq!(v, json!(1));
        let e = err(&"- ".repeat(MAX_DEPTH + 1));
        assert_eq!(e.problem, format!("exceeded max depth of {MAX_DEPTH}"));
    }

    #[test]
    fn junk_never_panics() {
        // A small deterministic generator (no dependency): bytes, and YAML punctuation.
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: Vec<char> = "-:?[]{},&*!|>'\"%@`#<=~ \n\t\r\\.0123456789abcxyz\u{feff}é"
            .chars()
            .collect();
        for round in 0..4000 {
            let len = usize::try_from(next() % 64).unwrap_or(0);
            let text: String = if round % 4 == 0 {
                let bytes: Vec<u8> = (0..len).map(|_| (next() & 0xff) as u8).collect();
                String::from_utf8_lossy(&bytes).into_owned()
            } else {
                (0..len)
                    .map(|_| alphabet[usize::try_from(next() % alphabet.len() as u64).unwrap_or(0)])
                    .collect()
            };
            let _ = documents(&text);
            let _ = documents_with(&text, DuplicateKeys::LastWins);
        }
        for text in [
            "&a [*a]",
            "? &k {a: *k}\n: 1",
            "<<: *x",
            "!<tag:yaml.org,2002:int> 5",
            "!!binary",
            "--- !!str\n--- !!int\n",
            "a: !!float .nan",
            "%YAML 2.0\n---\n",
            "%FOO bar\n---\na",
            "'''",
            "- [a, b]: c",
            "{? a}",
        ] {
            let _ = documents(text);
        }
    }
}
