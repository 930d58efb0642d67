//! Runs a parsed Go template over decoded JSON as text/template does with
//! `map[string]interface{}` data: fields through maps, `<no value>` for missing keys (or
//! the missingkey=error complaint), variables, if/with/range with break and continue,
//! `{{template}}`, the builtin functions and kubectl's `exists` and `base64decode`, with
//! Go's execution errors (`template: output:1:2: executing "output" at <.x>: ...`).

use base64::Engine;
use serde_json::Value;

use super::fmt;
use super::parse::{Arg, Branch, Cmd, Node, Number, Pipe, Tree, NAME};

/// The functions a template may call.
pub const FUNCS: &[&str] = &[
    "and",
    "call",
    "html",
    "index",
    "slice",
    "js",
    "len",
    "not",
    "or",
    "print",
    "printf",
    "println",
    "urlquery",
    "eq",
    "ge",
    "gt",
    "le",
    "lt",
    "ne",
    "exists",
    "base64decode",
];

/// A value as reflection sees it in Go: no value at all, data decoded from JSON (held in
/// an `interface{}` when `boxed`), or the typed results of constants and functions.
#[derive(Debug, Clone)]
pub enum Val {
    Invalid,
    Json(Value, bool),
    /// Go `int` (constants, len, range indexes).
    Int(i64),
    /// Go `float64` constants.
    Float(f64),
    /// A byte of a string (`index "abc" 0`).
    Byte(u8),
}

impl Val {
    pub fn is_nil(&self) -> bool {
        matches!(self, Val::Invalid | Val::Json(Value::Null, _))
    }

    /// The dynamic type's name, as Go prints it.
    pub fn type_name(&self) -> String {
        match self {
            Val::Invalid => "<nil>",
            Val::Json(Value::Null, _) => "interface {}",
            Val::Json(Value::Bool(_), _) => "bool",
            Val::Json(Value::String(_), _) => "string",
            Val::Json(Value::Array(_), _) => "[]interface {}",
            Val::Json(Value::Object(_), _) => "map[string]interface {}",
            Val::Json(Value::Number(n), _) => {
                if n.as_i64().is_some() {
                    "int64"
                } else {
                    "float64"
                }
            }
            Val::Int(_) => "int",
            Val::Float(_) => "float64",
            Val::Byte(_) => "uint8",
        }
        .into()
    }

    /// The static type: `interface {}` for data held in an interface.
    fn static_type(&self) -> String {
        match self {
            Val::Json(_, true) => "interface {}".into(),
            v => v.type_name(),
        }
    }

    /// The value out of its interface (a nil interface is no value).
    fn unbox(self) -> Val {
        match self {
            Val::Json(Value::Null, true) => Val::Invalid,
            Val::Json(v, true) => Val::Json(v, false),
            v => v,
        }
    }

    fn truth(&self) -> bool {
        match self {
            Val::Invalid => false,
            Val::Json(v, _) => match v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                Value::Object(m) => !m.is_empty(),
                Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
            },
            Val::Int(i) => *i != 0,
            Val::Float(f) => *f != 0.0,
            Val::Byte(b) => *b != 0,
        }
    }
}

/// Comparison classes, as text/template's basicKind sorts values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    Str,
}

fn kind(v: &Val) -> Kind {
    match v {
        Val::Int(_) | Val::Byte(_) => Kind::Int,
        Val::Float(_) => Kind::Float,
        Val::Json(Value::Bool(_), _) => Kind::Bool,
        Val::Json(Value::String(_), _) => Kind::Str,
        Val::Json(Value::Number(n), _) => {
            if n.as_i64().is_some() {
                Kind::Int
            } else {
                Kind::Float
            }
        }
        _ => Kind::Invalid,
    }
}

fn int_value(v: &Val) -> i64 {
    match v {
        Val::Int(i) => *i,
        Val::Byte(b) => i64::from(*b),
        Val::Json(Value::Number(n), _) => n.as_i64().unwrap_or(0),
        _ => 0,
    }
}

fn float_value(v: &Val) -> f64 {
    match v {
        Val::Float(f) => *f,
        Val::Json(Value::Number(n), _) => n.as_f64().unwrap_or(0.0),
        _ => 0.0,
    }
}

fn str_value(v: &Val) -> &str {
    match v {
        Val::Json(Value::String(s), _) => s,
        _ => "",
    }
}

/// What a parameter of a builtin takes: any reflect.Value, an `interface{}`, a string.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ty {
    Value,
    Any,
    Str,
}

/// Where evaluation is, for error messages.
#[derive(Clone, Copy)]
enum At<'t> {
    None,
    Node(&'t Node),
    Pipe(&'t Pipe),
    Cmd(&'t Cmd),
    Arg(&'t Arg),
}

enum Flow {
    Normal,
    Break,
    Continue,
}

type R<T> = Result<T, String>;

struct State<'t> {
    tree: &'t Tree,
    name: String,
    out: String,
    vars: Vec<(String, Val)>,
    at: At<'t>,
    missing_error: bool,
    depth: usize,
}

const MAX_DEPTH: usize = 100;

impl<'t> State<'t> {
    fn error<T>(&self, msg: impl std::fmt::Display) -> R<T> {
        let (pos, context) = match self.at {
            At::None => return Err(format!("template: {}: {msg}", self.name)),
            At::Node(n) => (n.pos(), n.to_string()),
            At::Pipe(p) => (p.pos, p.to_string()),
            At::Cmd(c) => (c.pos, c.to_string()),
            At::Arg(a) => (a.pos(), a.to_string()),
        };
        Err(format!(
            "template: {}: executing {} at <{context}>: {msg}",
            self.tree.location(pos),
            fmt::quote(&self.name)
        ))
    }

    fn var_value(&self, name: &str) -> R<Val> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => self.error(format!("undefined variable: {name}")),
        }
    }

    fn set_var(&mut self, name: &str, value: Val) -> R<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = value;
                Ok(())
            }
            None => self.error(format!("undefined variable: {name}")),
        }
    }

    fn walk(&mut self, dot: &Val, list: &'t [Node]) -> R<Flow> {
        for node in list {
            self.at = At::Node(node);
            match node {
                Node::Text(t) => self.out.push_str(t),
                Node::Action(_, pipe) => {
                    let v = self.eval_pipeline(dot, pipe)?;
                    if pipe.decl.is_empty() {
                        self.at = At::Node(node);
                        match v {
                            Val::Invalid => self.out.push_str("<no value>"),
                            v => self.out.push_str(&fmt::value_v(&v)),
                        }
                    }
                }
                Node::Control {
                    kind: Branch::Range,
                    pipe,
                    list,
                    else_list,
                    ..
                } => {
                    if let Flow::Break = self.walk_range(dot, pipe, list, else_list.as_deref())? {
                        return Ok(Flow::Break);
                    }
                }
                Node::Control {
                    kind,
                    pipe,
                    list,
                    else_list,
                    ..
                } => {
                    let mark = self.vars.len();
                    let v = self.eval_pipeline(dot, pipe)?;
                    let flow = if v.truth() {
                        if *kind == Branch::With {
                            self.walk(&v, list)?
                        } else {
                            self.walk(dot, list)?
                        }
                    } else if let Some(e) = else_list {
                        self.walk(dot, e)?
                    } else {
                        Flow::Normal
                    };
                    self.vars.truncate(mark);
                    if !matches!(flow, Flow::Normal) {
                        return Ok(flow);
                    }
                }
                Node::Template(_, name, pipe) => {
                    let Some(body) = self.tree.defined.get(name) else {
                        return self.error(format!("template {} not defined", fmt::quote(name)));
                    };
                    if self.depth >= MAX_DEPTH {
                        return self
                            .error(format!("exceeded maximum template depth ({MAX_DEPTH})"));
                    }
                    let new_dot = match pipe {
                        Some(p) => self.eval_pipeline(dot, p)?,
                        None => Val::Invalid,
                    };
                    let saved_vars =
                        std::mem::replace(&mut self.vars, vec![("$".into(), new_dot.clone())]);
                    let saved_name = std::mem::replace(&mut self.name, name.clone());
                    self.depth += 1;
                    let r = self.walk(&new_dot, body);
                    self.depth -= 1;
                    self.vars = saved_vars;
                    self.name = saved_name;
                    r?;
                }
                Node::Break(_) => return Ok(Flow::Break),
                Node::Continue(_) => return Ok(Flow::Continue),
            }
        }
        Ok(Flow::Normal)
    }

    /// Runs a range body; only a `{{break}}` of an enclosing loop is passed up (never).
    fn walk_range(
        &mut self,
        dot: &Val,
        pipe: &'t Pipe,
        list: &'t [Node],
        else_list: Option<&'t [Node]>,
    ) -> R<Flow> {
        let outer = self.vars.len();
        let v = self.eval_pipeline(dot, pipe)?;
        let mark = self.vars.len();
        let decls = pipe.decl.len();
        let mut items: Vec<(Val, Val)> = vec![];
        match &v {
            Val::Json(Value::Array(a), _) => {
                for (i, e) in a.iter().enumerate() {
                    items.push((Val::Int(i as i64), Val::Json(e.clone(), true)));
                }
            }
            Val::Json(Value::Object(m), _) => {
                let mut keys: Vec<&String> = m.keys().collect();
                crate::sort::sort(&mut keys);
                for k in keys {
                    items.push((
                        Val::Json(Value::String(k.clone()), false),
                        Val::Json(m[k].clone(), true),
                    ));
                }
            }
            Val::Int(_) | Val::Json(Value::Number(_), _) if kind(&v) == Kind::Int => {
                if decls > 1 {
                    return self.error(format!(
                        "can't use {} to iterate over more than one variable",
                        fmt::value_v(&v)
                    ));
                }
                let n = int_value(&v);
                for i in 0..n.max(0) {
                    let e = match v {
                        Val::Int(_) => Val::Int(i),
                        _ => Val::Json(Value::from(i), false),
                    };
                    items.push((e.clone(), e));
                }
            }
            Val::Invalid => {}
            other => {
                return self.error(format!("range can't iterate over {}", fmt::value_v(other)));
            }
        }
        let empty = items.is_empty();
        for (index, elem) in items {
            if decls > 0 {
                if let Some(slot) = self.vars.get_mut(mark - 1) {
                    slot.1 = elem.clone();
                }
            }
            if decls > 1 {
                if let Some(slot) = self.vars.get_mut(mark - 2) {
                    slot.1 = index;
                }
            }
            let flow = self.walk(&elem, list)?;
            self.vars.truncate(mark);
            if let Flow::Break = flow {
                break;
            }
        }
        if empty {
            if let Some(e) = else_list {
                self.walk(dot, e)?;
            }
        }
        self.vars.truncate(outer);
        Ok(Flow::Normal)
    }

    fn eval_pipeline(&mut self, dot: &Val, pipe: &'t Pipe) -> R<Val> {
        self.at = At::Pipe(pipe);
        let mut value: Option<Val> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?.unbox());
        }
        let value = value.unwrap_or(Val::Invalid);
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(name, value.clone())?;
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], fin: &Option<Val>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            if let Some(a) = args.first() {
                return self.error(format!("can't give argument to non-function {a}"));
            }
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Val, cmd: &'t Cmd, fin: Option<Val>) -> R<Val> {
        let Some(first) = cmd.args.first() else {
            return Ok(Val::Invalid);
        };
        match first {
            Arg::Field(_, idents) => {
                self.at = At::Arg(first);
                self.eval_field_chain(dot.clone(), first, idents, &cmd.args, fin)
            }
            Arg::Chain(_, node, fields) => {
                self.at = At::Arg(first);
                let recv = self.eval_chain_head(dot, first, node)?;
                self.eval_field_chain(recv, first, fields, &cmd.args, fin)
            }
            Arg::Ident(_, name) => {
                self.eval_function(dot, first, name, At::Cmd(cmd), &cmd.args, fin)
            }
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &fin)?;
                self.eval_pipeline(dot, p)
            }
            Arg::Variable(_, idents) => self.eval_variable(dot, first, idents, &cmd.args, fin),
            lit => {
                self.at = At::Arg(lit);
                self.not_a_function(&cmd.args, &fin)?;
                match lit {
                    Arg::Bool(_, b) => Ok(Val::Json(Value::Bool(*b), false)),
                    Arg::Dot(_) => Ok(dot.clone()),
                    Arg::Nil(_) => self.error("nil is not a command"),
                    Arg::Number(_, _, n) => Ok(constant(*n)),
                    Arg::Str(_, _, s) => Ok(Val::Json(Value::String(s.clone()), false)),
                    _ => self.error(format!(
                        "can't evaluate command {}",
                        fmt::quote(&lit.to_string())
                    )),
                }
            }
        }
    }

    fn eval_chain_head(&mut self, dot: &Val, chain: &'t Arg, node: &'t Arg) -> R<Val> {
        if matches!(node, Arg::Nil(_)) {
            return self.error(format!("indirection through explicit nil in {chain}"));
        }
        self.eval_arg(dot, node, Ty::Value)
    }

    fn eval_variable(
        &mut self,
        _dot: &Val,
        node: &'t Arg,
        idents: &[String],
        args: &[Arg],
        fin: Option<Val>,
    ) -> R<Val> {
        self.at = At::Arg(node);
        let name = idents.first().map(String::as_str).unwrap_or("$");
        let value = self.var_value(name)?;
        if idents.len() == 1 {
            self.not_a_function(args, &fin)?;
            return Ok(value);
        }
        self.eval_field_chain(value, node, &idents[1..], args, fin)
    }

    fn eval_field_chain(
        &mut self,
        mut receiver: Val,
        node: &'t Arg,
        idents: &[String],
        args: &[Arg],
        fin: Option<Val>,
    ) -> R<Val> {
        self.at = At::Arg(node);
        let n = idents.len();
        for ident in &idents[..n.saturating_sub(1)] {
            receiver = self.eval_field(ident, &[], &None, receiver)?;
        }
        match idents.last() {
            Some(last) => self.eval_field(last, args, &fin, receiver),
            None => Ok(receiver),
        }
    }

    fn eval_field(&self, name: &str, args: &[Arg], fin: &Option<Val>, receiver: Val) -> R<Val> {
        if let Val::Invalid = receiver {
            if self.missing_error {
                return self.error(format!("nil data; no entry for key {}", fmt::quote(name)));
            }
            return Ok(Val::Invalid);
        }
        let typ = receiver.static_type();
        if let Val::Json(Value::Null, _) = receiver {
            return self.error(format!("nil pointer evaluating {typ}.{name}"));
        }
        let has_args = args.len() > 1 || fin.is_some();
        if let Val::Json(Value::Object(m), _) = &receiver {
            if has_args {
                return self.error(format!("{name} is not a method but has arguments"));
            }
            return match m.get(name) {
                Some(v) => Ok(Val::Json(v.clone(), true)),
                None if self.missing_error => {
                    self.error(format!("map has no entry for key {}", fmt::quote(name)))
                }
                None => Ok(Val::Invalid),
            };
        }
        self.error(format!("can't evaluate field {name} in type {typ}"))
    }

    fn eval_function(
        &mut self,
        dot: &Val,
        ident: &'t Arg,
        name: &str,
        node: At<'t>,
        args: &'t [Arg],
        fin: Option<Val>,
    ) -> R<Val> {
        self.at = At::Arg(ident);
        let args = args.get(1..).unwrap_or(&[]);
        self.eval_call(dot, name, node, args, fin)
    }

    fn eval_call(
        &mut self,
        dot: &Val,
        name: &str,
        node: At<'t>,
        args: &'t [Arg],
        fin: Option<Val>,
    ) -> R<Val> {
        // (fixed parameters, variadic, type of the fixed ones, type of the rest)
        let (fixed, variadic, first_ty, rest_ty) = match name {
            "not" | "len" => (1, false, Ty::Value, Ty::Value),
            "lt" | "le" | "gt" | "ge" | "ne" => (2, false, Ty::Value, Ty::Value),
            "base64decode" => (1, false, Ty::Str, Ty::Str),
            "print" | "println" | "html" | "js" | "urlquery" => (0, true, Ty::Any, Ty::Any),
            "printf" => (1, true, Ty::Str, Ty::Any),
            "exists" => (1, true, Ty::Any, Ty::Any),
            _ => (1, true, Ty::Value, Ty::Value),
        };
        let num_in = args.len() + usize::from(fin.is_some());
        if variadic {
            if num_in < fixed {
                return self.error(format!(
                    "wrong number of args for {name}: want at least {fixed} got {}",
                    args.len()
                ));
            }
        } else if num_in != fixed {
            return self.error(format!(
                "wrong number of args for {name}: want {fixed} got {num_in}"
            ));
        }
        if name == "and" || name == "or" {
            let mut v = Val::Invalid;
            for a in args {
                v = self.eval_arg(dot, a, Ty::Value)?;
                if v.truth() == (name == "or") {
                    return Ok(v);
                }
            }
            if let Some(f) = fin {
                v = f;
            }
            return Ok(v);
        }
        let mut argv = vec![];
        for (i, a) in args.iter().enumerate() {
            let ty = if i < fixed { first_ty } else { rest_ty };
            argv.push(self.eval_arg(dot, a, ty)?);
        }
        if let Some(f) = fin {
            let ty = if argv.len() < fixed {
                first_ty
            } else {
                rest_ty
            };
            argv.push(self.validate(f, ty)?);
        }
        match call(name, &argv) {
            Ok(v) => Ok(v),
            Err(e) => {
                self.at = node;
                self.error(format!("error calling {name}: {e}"))
            }
        }
    }

    fn validate(&self, v: Val, ty: Ty) -> R<Val> {
        match (ty, v) {
            (Ty::Value, v) => Ok(v),
            (Ty::Any, Val::Invalid) => Ok(Val::Json(Value::Null, true)),
            (Ty::Any, v) => Ok(v),
            (Ty::Str, Val::Invalid) => self.error("invalid value; expected string"),
            (Ty::Str, Val::Json(Value::String(s), _)) => Ok(Val::Json(Value::String(s), false)),
            (Ty::Str, v) => {
                let got = if let Val::Json(Value::Null, true) = v {
                    "interface {}".to_string()
                } else {
                    v.type_name()
                };
                self.error(format!("wrong type for value; expected string; got {got}"))
            }
        }
    }

    fn eval_arg(&mut self, dot: &Val, arg: &'t Arg, ty: Ty) -> R<Val> {
        self.at = At::Arg(arg);
        let v = match arg {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => {
                return match ty {
                    Ty::Value => Ok(Val::Invalid),
                    Ty::Any => Ok(Val::Json(Value::Null, true)),
                    Ty::Str => self.error("cannot assign nil to string"),
                }
            }
            Arg::Field(_, idents) => {
                self.eval_field_chain(dot.clone(), arg, idents, std::slice::from_ref(arg), None)?
            }
            Arg::Variable(_, idents) => self.eval_variable(dot, arg, idents, &[], None)?,
            Arg::Pipe(p) => self.eval_pipeline(dot, p)?,
            Arg::Ident(_, name) => self.eval_function(dot, arg, name, At::Arg(arg), &[], None)?,
            Arg::Chain(_, node, fields) => {
                self.at = At::Arg(arg);
                let recv = self.eval_chain_head(dot, arg, node)?;
                self.eval_field_chain(recv, arg, fields, &[], None)?
            }
            Arg::Bool(_, b) if ty != Ty::Str => Val::Json(Value::Bool(*b), false),
            Arg::Number(_, _, n) if ty != Ty::Str => constant(*n),
            Arg::Str(_, _, s) => Val::Json(Value::String(s.clone()), false),
            other => return self.error(format!("expected string; found {other}")),
        };
        self.validate(v, ty)
    }
}

fn constant(n: Number) -> Val {
    match n {
        Number::Int(i) => Val::Int(i),
        Number::Float(f) => Val::Float(f),
    }
}

/// The value inside an interface, or no value for a nil one.
fn concrete(v: &Val) -> Val {
    v.clone().unbox()
}

fn eq(a: &Val, others: &[Val]) -> Result<bool, String> {
    let a = concrete(a);
    if others.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = kind(&a);
    for b in others {
        let b = concrete(b);
        let k2 = kind(&b);
        let truth = if k1 != k2 {
            if !matches!(a, Val::Invalid) && !matches!(b, Val::Invalid) {
                return Err(format!(
                    "incompatible types for comparison: {} and {}",
                    a.type_name(),
                    b.type_name()
                ));
            }
            false
        } else {
            match k1 {
                Kind::Bool => a.truth() == b.truth(),
                Kind::Int => int_value(&a) == int_value(&b),
                Kind::Float => float_value(&a) == float_value(&b),
                Kind::Str => str_value(&a) == str_value(&b),
                Kind::Invalid => match (&a, &b) {
                    (Val::Invalid, Val::Invalid) => true,
                    (Val::Invalid, _) | (_, Val::Invalid) => false,
                    (x, _) => {
                        return Err(format!(
                            "non-comparable type {}: {}",
                            fmt::value_v(x),
                            x.type_name()
                        ))
                    }
                },
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(a: &Val, b: &Val) -> Result<bool, String> {
    let (a, b) = (concrete(a), concrete(b));
    let (k1, k2) = (kind(&a), kind(&b));
    if k1 == Kind::Invalid || k2 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    if k1 != k2 {
        return Err(format!(
            "incompatible types for comparison: {} and {}",
            a.type_name(),
            b.type_name()
        ));
    }
    Ok(match k1 {
        Kind::Int => int_value(&a) < int_value(&b),
        Kind::Float => float_value(&a) < float_value(&b),
        Kind::Str => str_value(&a) < str_value(&b),
        _ => return Err("invalid type for comparison".into()),
    })
}

fn index(item: &Val, indexes: &[Val]) -> Result<Val, String> {
    let mut item = concrete(item);
    if let Val::Invalid = item {
        return Err("index of untyped nil".into());
    }
    for idx in indexes {
        let idx = concrete(idx);
        item = item.unbox();
        if let Val::Invalid = item {
            return Err("index of nil pointer".into());
        }
        item = match &item {
            Val::Json(Value::Array(a), _) => {
                let x = index_arg(&idx, a.len())?;
                match a.get(x) {
                    Some(e) => Val::Json(e.clone(), true),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Val::Json(Value::String(s), _) => {
                let x = index_arg(&idx, s.len())?;
                match s.as_bytes().get(x) {
                    Some(b) => Val::Byte(*b),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Val::Json(Value::Object(m), _) => match &idx {
                Val::Json(Value::String(k), _) => match m.get(k) {
                    Some(v) => Val::Json(v.clone(), true),
                    None => Val::Json(Value::Null, true),
                },
                Val::Invalid => return Err("value is nil; should be of type string".into()),
                other => {
                    return Err(format!(
                        "value has type {}; should be string",
                        other.type_name()
                    ))
                }
            },
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

fn index_arg(idx: &Val, cap: usize) -> Result<usize, String> {
    let x = match idx {
        Val::Invalid => return Err("cannot index slice/array with nil".into()),
        v if kind(v) == Kind::Int => int_value(v),
        v => {
            return Err(format!(
                "cannot index slice/array with type {}",
                v.type_name()
            ))
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn slice(item: &Val, indexes: &[Val]) -> Result<Val, String> {
    let item = concrete(item);
    if let Val::Invalid = item {
        return Err("slice of untyped nil".into());
    }
    if indexes.len() > 3 {
        return Err(format!("too many slice indexes: {}", indexes.len()));
    }
    let len = match &item {
        Val::Json(Value::Array(a), _) => a.len(),
        Val::Json(Value::String(s), _) => {
            if indexes.len() == 3 {
                return Err("cannot 3-index slice a string".into());
            }
            s.len()
        }
        other => return Err(format!("can't slice item of type {}", other.type_name())),
    };
    let mut idx = [0usize, len, len];
    for (i, v) in indexes.iter().enumerate() {
        idx[i] = index_arg(&concrete(v), len)?;
    }
    if idx[0] > idx[1] {
        return Err(format!("invalid slice index: {} > {}", idx[0], idx[1]));
    }
    Ok(match item {
        Val::Json(Value::Array(a), _) => Val::Json(Value::Array(a[idx[0]..idx[1]].to_vec()), false),
        Val::Json(Value::String(s), _) => match s.get(idx[0]..idx[1]) {
            Some(sub) => Val::Json(Value::String(sub.to_string()), false),
            None => Val::Json(
                Value::String(String::from_utf8_lossy(&s.as_bytes()[idx[0]..idx[1]]).into_owned()),
                false,
            ),
        },
        other => other,
    })
}

/// The text of the arguments of html, js and urlquery.
fn args_text(args: &[Val]) -> String {
    match args {
        [Val::Json(Value::String(s), _)] => s.clone(),
        _ => fmt::sprint(args),
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\0' => out.push('\u{fffd}'),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

fn js_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn exists(item: &Val, indexes: &[Val]) -> bool {
    let mut v = item.clone();
    for idx in indexes {
        v = v.unbox();
        let next = match (&v, concrete(idx)) {
            (Val::Invalid, _) => return false,
            (Val::Json(Value::Array(a), _), i) if kind(&i) == Kind::Int => {
                let x = int_value(&i);
                match usize::try_from(x).ok().and_then(|x| a.get(x)) {
                    Some(e) => Val::Json(e.clone(), true),
                    None => return false,
                }
            }
            (Val::Json(Value::String(s), _), i) if kind(&i) == Kind::Int => {
                let x = int_value(&i);
                match usize::try_from(x).ok().and_then(|x| s.as_bytes().get(x)) {
                    Some(b) => Val::Byte(*b),
                    None => return false,
                }
            }
            (Val::Json(Value::Object(m), _), Val::Json(Value::String(k), _)) => match m.get(&k) {
                Some(e) => Val::Json(e.clone(), true),
                None => Val::Json(Value::Null, true),
            },
            (Val::Json(Value::Object(m), _), Val::Invalid) => match m.get("") {
                Some(e) => Val::Json(e.clone(), true),
                None => Val::Json(Value::Null, true),
            },
            _ => return false,
        };
        v = next;
    }
    !v.is_nil()
}

fn call(name: &str, args: &[Val]) -> Result<Val, String> {
    let first = args.first().cloned().unwrap_or(Val::Invalid);
    let b = |t: bool| Val::Json(Value::Bool(t), false);
    let s = |t: String| Val::Json(Value::String(t), false);
    Ok(match name {
        "not" => b(!first.truth()),
        "len" => match concrete(&first) {
            Val::Invalid if first.is_nil() && !matches!(first, Val::Invalid) => {
                return Err("len of nil pointer".into())
            }
            Val::Invalid => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
            Val::Json(Value::Array(a), _) => Val::Int(a.len() as i64),
            Val::Json(Value::Object(m), _) => Val::Int(m.len() as i64),
            Val::Json(Value::String(t), _) => Val::Int(t.len() as i64),
            other => return Err(format!("len of type {}", other.type_name())),
        },
        "index" => index(&first, &args[1..])?,
        "slice" => slice(&first, &args[1..])?,
        "eq" => b(eq(&first, &args[1..])?),
        "ne" => b(!eq(&first, &args[1..])?),
        "lt" | "le" | "gt" | "ge" => {
            let second = args.get(1).cloned().unwrap_or(Val::Invalid);
            let less = lt(&first, &second)?;
            let equal = || eq(&first, std::slice::from_ref(&second));
            b(match name {
                "lt" => less,
                "le" => less || equal()?,
                "gt" => !(less || equal()?),
                _ => !less,
            })
        }
        "print" => s(fmt::sprint(args)),
        "println" => s(fmt::sprintln(args)),
        "printf" => s(fmt::sprintf(str_value(&first), &args[1..])),
        "html" => s(html_escape(&args_text(args))),
        "js" => s(js_escape(&args_text(args))),
        "urlquery" => s(query_escape(&args_text(args))),
        "exists" => b(exists(&first, &args[1..])),
        "base64decode" => {
            let text = str_value(&first);
            match base64::engine::general_purpose::STANDARD.decode(text) {
                Ok(bytes) => s(String::from_utf8_lossy(&bytes).into_owned()),
                Err(e) => {
                    let at = match e {
                        base64::DecodeError::InvalidByte(i, _)
                        | base64::DecodeError::InvalidLastSymbol(i, _) => i,
                        _ => text.len() / 4 * 4,
                    };
                    return Err(format!(
                        "base64 decode failed: illegal base64 data at input byte {at}"
                    ));
                }
            }
        }
        "call" => {
            return Err(match concrete(&first) {
                Val::Invalid => "call of nil".into(),
                other => format!("non-function of type {}", other.type_name()),
            })
        }
        other => return Err(format!("{} is not a defined function", fmt::quote(other))),
    })
}

/// Runs `tree` over `data`; the text printed, or what was printed before the error and
/// the error.
pub fn execute(tree: &Tree, data: &Value, missing_error: bool) -> Result<String, (String, String)> {
    let dot = Val::Json(data.clone(), false);
    let mut state = State {
        tree,
        name: NAME.to_string(),
        out: String::new(),
        vars: vec![("$".into(), dot.clone())],
        at: At::None,
        missing_error,
        depth: 0,
    };
    match state.walk(&dot, &tree.root) {
        Ok(_) => Ok(state.out),
        Err(e) => Err((state.out, e)),
    }
}
