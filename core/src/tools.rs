//! The seam to `kubarium-tools` (the text utilities, kubectl's help texts, its Go
//! template printer, the Go types of the API and TLS key pairs): called directly when
//! linked in (the `tools` feature, which every front end enables), or through `Tools` a
//! front end installs.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;

use crate::command::CmdResult;
use crate::shell::io::Io;

pub use kubarium_tools::gotemplate::Outcome as TemplateOutcome;
pub use kubarium_tools::gotypes::Typed;

/// What runs the utilities and finds help texts.
pub trait Tools {
    /// Runs the utility `name` (see `kubarium_tools::has`) against `io`'s files.
    fn run(&self, name: &str, args: &[String], io: &mut Io) -> CmdResult;
    /// kubectl's help for a command path (`[]` is bare kubectl).
    fn help(&self, path: &[&str]) -> Option<String>;
    /// Prints `data` with a Go template as kubectl's template printer does.
    fn go_template(&self, template: &str, data: &Value, allow_missing: bool) -> TemplateOutcome;
    /// An object as kubectl's typed clients decode and print it (its Go struct's fields,
    /// zero values and order); None for a kind without a Go type.
    fn typed(&self, object: &Value) -> Option<Typed>;
    /// `kubectl describe` of one object (`kubarium_tools::describe::describe`).
    fn describe(&self, request: &kubarium_tools::describe::Request) -> String;
    /// `kubectl top`'s table (`kubarium_tools::top::print`).
    fn top(&self, request: &kubarium_tools::top::Request) -> String;
    /// `kubectl completion bash`'s script for these commands.
    fn completion_bash(&self, commands: &str) -> String;
    /// `kubectl explain`'s body (`kubarium_tools::explain::render`).
    fn explain(&self, request: &kubarium_tools::explain::Request) -> String;
    /// A tool called by name with a JSON request (`kubarium_tools::call`).
    fn call(&self, name: &str, request: &str) -> String;
}

thread_local! {
    static TOOLS: RefCell<Option<Rc<dyn Tools>>> = const { RefCell::new(None) };
}

/// Makes `tools` the ones used from now on (on this thread).
pub fn install(tools: Rc<dyn Tools>) {
    TOOLS.with(|t| *t.borrow_mut() = Some(tools));
}

fn tools() -> Option<Rc<dyn Tools>> {
    TOOLS.with(|t| t.borrow().clone()).or_else(linked)
}

#[cfg(feature = "tools")]
fn linked() -> Option<Rc<dyn Tools>> {
    struct Linked;
    impl Tools for Linked {
        fn run(&self, name: &str, args: &[String], io: &mut Io) -> CmdResult {
            kubarium_tools::run(name, args, io).unwrap_or_else(|| {
                CmdResult::fail(format!("bash: {name}: command not found\n"), 127)
            })
        }
        fn help(&self, path: &[&str]) -> Option<String> {
            kubarium_tools::help::help(path)
        }
        fn go_template(
            &self,
            template: &str,
            data: &Value,
            allow_missing: bool,
        ) -> TemplateOutcome {
            kubarium_tools::gotemplate::kubectl_print(template, data, allow_missing)
        }
        fn typed(&self, object: &Value) -> Option<Typed> {
            kubarium_tools::gotypes::typed(object)
        }
        fn describe(&self, request: &kubarium_tools::describe::Request) -> String {
            kubarium_tools::describe::describe(request)
        }
        fn top(&self, request: &kubarium_tools::top::Request) -> String {
            kubarium_tools::top::print(request)
        }
        fn completion_bash(&self, commands: &str) -> String {
            kubarium_tools::completion::bash(commands)
        }
        fn explain(&self, request: &kubarium_tools::explain::Request) -> String {
            kubarium_tools::explain::render(request)
        }
        fn call(&self, name: &str, request: &str) -> String {
            kubarium_tools::call(name, request)
        }
    }
    Some(Rc::new(Linked))
}

#[cfg(not(feature = "tools"))]
fn linked() -> Option<Rc<dyn Tools>> {
    None
}

/// Whether the tools are in use (the browser loads them before it runs any command; they
/// are missing only when that load failed).
pub fn loaded() -> bool {
    tools().is_some()
}

/// What a command that needs the tools answers without them.
pub fn unavailable(command: &str) -> CmdResult {
    CmdResult::fail(
        format!("error: \"{command}\" needs Kubarium's tools module, which did not load; reload the page\n"),
        1,
    )
}

/// Calls the tool `name` with `request`; None when the tools are not loaded (or its
/// answer does not read as an `A`).
fn call<Q: serde::Serialize, A: serde::de::DeserializeOwned>(name: &str, request: &Q) -> Option<A> {
    let request = serde_json::to_string(request).ok()?;
    serde_json::from_str(&tools()?.call(name, &request)).ok()
}

/// What needs a regular expression says when the tools are not loaded.
pub const REGEX_UNAVAILABLE: &str = "the regular expression engine is not loaded";

/// Whether `text` matches the regular expression `pattern` (with no text, whether it
/// compiles); None when the tools are not loaded.
pub fn regex_match(pattern: &str, text: Option<&str>) -> Option<Result<bool, String>> {
    let request = kubarium_tools::regex::Request {
        pattern: pattern.to_string(),
        text: text.map(str::to_string),
    };
    call("regex", &request)
}

/// What `kubectl debug` creates or patches; None when the tools are not loaded.
/// (The `kubarium_tools::debug::Plan`, read from its JSON: its typed decoder would weigh
/// more than the reading.)
pub fn debug(request: &kubarium_tools::debug::Request) -> Option<kubarium_tools::debug::Plan> {
    use kubarium_tools::debug::{Action, Plan};
    let mut plan: Value = call("debug", request)?;
    let printed = plan["printed"]
        .as_array()?
        .iter()
        .map(|p| (p[0] == true, p[1].as_str().unwrap_or("").to_string()));
    let printed = printed.collect();
    let action = &mut plan["action"];
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let action = if let Some(a) = action.get_mut("Create") {
        Action::Create {
            pod: a["pod"].take(),
            container: text(&a["container"]),
        }
    } else if let Some(a) = action.get_mut("Patch") {
        Action::Patch {
            patch: a["patch"].take(),
            container: text(&a["container"]),
        }
    } else if let Some(e) = action.get("Fail") {
        Action::Fail(text(e))
    } else {
        Action::Proceed
    };
    Some(Plan { printed, action })
}

/// The Service `kubectl expose` builds (or why it cannot); None when the tools are not
/// loaded.
pub fn expose(request: &kubarium_tools::expose::Request) -> Option<Result<Value, String>> {
    call("expose", request)
}

/// The object a `kubectl create` generator of the tools builds (or kubectl's error);
/// None when the tools are not loaded.
/// (The `Generated` is read as JSON: its typed decoder would weigh more than the
/// command.)
pub fn generate(request: &kubarium_tools::generators::Request) -> Option<Result<Value, String>> {
    call("generate", request)
}

/// `ps` on a node's processes; None when the tools are not loaded.
pub fn ps(request: &kubarium_tools::ps::Request) -> Option<CmdResult> {
    call("ps", request)
}

/// Whether `name` is one of the utilities.
pub fn has(name: &str) -> bool {
    kubarium_tools::has(name)
}

/// Runs a utility with the tools in use.
pub fn run(name: &str, args: &[String], io: &mut Io) -> CmdResult {
    match tools() {
        Some(t) => t.run(name, args, io),
        None => CmdResult::fail(format!("{name}: the text utilities are not loaded\n"), 127),
    }
}

/// kubectl's help for a command path, from the tools in use.
pub fn help(path: &[&str]) -> Option<String> {
    tools()?.help(path)
}

/// Prints `data` with a Go template (`kubectl get -o go-template=...`), with the tools in
/// use; None when they are not loaded.
pub fn go_template(template: &str, data: &Value, allow_missing: bool) -> Option<TemplateOutcome> {
    Some(tools()?.go_template(template, data, allow_missing))
}

/// An object as kubectl's typed clients print it, with the tools in use; None when they
/// are not loaded or the kind has no Go type.
pub fn typed(object: &Value) -> Option<Typed> {
    tools()?.typed(object)
}

/// crictl on a runtime's snapshot (a `kubarium_tools::crictl::Outcome`, read as JSON:
/// its typed decoder would weigh more than the reading); None when the tools are not
/// loaded.
pub fn crictl(request: &kubarium_tools::crictl::Request) -> Option<Value> {
    call("crictl", request)
}

/// `kubectl describe` of one object; None when the tools are not loaded.
pub fn describe(request: &kubarium_tools::describe::Request) -> Option<String> {
    Some(tools()?.describe(request))
}

/// What in a pod spec fails a Pod Security Standard; None when the tools are not loaded.
pub fn pod_security(request: &kubarium_tools::pod_security::Request) -> Option<Vec<String>> {
    call("pod_security", request)
}

/// The documents of a YAML stream (`kubarium_tools::yaml::documents_with`); None when the
/// tools are not loaded.
pub fn yaml(
    text: &str,
    duplicates: kubarium_tools::yaml::DuplicateKeys,
) -> Option<Result<Vec<Value>, kubarium_tools::yaml::YamlError>> {
    call("yaml", &(text, duplicates))
}

/// Where each field of each document of `text` is (`kubarium_tools::yaml::positions`).
pub fn yaml_positions(
    text: &str,
) -> Option<Result<Vec<kubarium_tools::yaml::Positions>, kubarium_tools::yaml::YamlError>> {
    call("yaml_positions", &text)
}

/// The fields an object may have at a path of a schema (`kubarium_tools::explain::fields`).
pub fn explain_fields(
    request: &kubarium_tools::explain::Request,
) -> Option<Vec<kubarium_tools::explain::Field>> {
    call::<_, Option<_>>("explain_fields", request).flatten()
}

/// A file of the data a fresh cluster is built from (`kubarium_tools::bootstrap`); None
/// when the tools are not loaded.
pub fn bootstrap_file(name: &str) -> Option<String> {
    call("file", &name)
}

/// A pod template as `kubectl describe` prints it (`Pod Template:` and what follows,
/// not aligned); None when the tools are not loaded.
pub fn pod_template(template: &Value) -> Option<String> {
    call("pod_template", template)
}

/// A decision the tools module makes, as JSON: a controller's for one sync
/// (`kubarium_tools::controllers`), the eviction subresource's (`eviction`); None when
/// the tools are not loaded.
pub fn reconcile(controller: &str, request: &Value) -> Option<Value> {
    call(controller, request)
}

/// The field errors a validation in the tools module finds (it answers field and
/// detail pairs); none while the tools are not loaded.
pub fn field_errors(name: &str, request: &Value) -> Vec<crate::apiserver::errors::FieldError> {
    let errs = reconcile(name, request).unwrap_or_default();
    let errs = errs.as_array().into_iter().flatten();
    errs.map(|e| crate::apiserver::errors::FieldError {
        field: e[0].as_str().unwrap_or("").into(),
        detail: e[1].as_str().unwrap_or("").into(),
    })
    .collect()
}

/// The next step of `kubectl set` (a `kubarium_tools::set::Answer`, read as JSON: its
/// typed decoder would weigh more than the command); None when the tools are not loaded.
pub fn set(request: &kubarium_tools::set::Request) -> Option<Value> {
    call("set", request)
}

/// `kubectl config` on a loaded kubeconfig (its `Answer` read as JSON, which weighs
/// less than the typed decoder); None when the tools are not loaded.
pub fn config(request: &kubarium_tools::config::Request) -> Option<Value> {
    call("config", request)
}

/// `kubectl explain`'s body; None when the tools are not loaded.
pub fn explain(request: &kubarium_tools::explain::Request) -> Option<String> {
    Some(tools()?.explain(request))
}

/// `kubectl completion bash`'s script; None when the tools are not loaded.
pub fn completion_bash(commands: &str) -> Option<String> {
    Some(tools()?.completion_bash(commands))
}

/// `kubectl top`'s table; None when the tools are not loaded.
pub fn top(request: &kubarium_tools::top::Request) -> Option<String> {
    Some(tools()?.top(request))
}

/// How a control-plane program fails to start, if it does (a
/// `kubarium_tools::components::Failure`, read from its JSON); None too when the tools
/// are not loaded.
pub fn component_check(
    start: &kubarium_tools::components::Start,
) -> Option<kubarium_tools::components::Failure> {
    use kubarium_tools::components::{Failure, Printed};
    let failure: Value = call("component_check", start)?;
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let lines = failure["lines"].as_array()?.iter().map(|line| {
        let printed = match &line[1] {
            Value::Object(o) if o.contains_key("Klog") => Printed::Klog {
                level: text(&o["Klog"]["level"]).chars().next().unwrap_or('E'),
                source: text(&o["Klog"]["source"]),
                msg: text(&o["Klog"]["msg"]),
            },
            other => Printed::Plain(text(&other["Plain"])),
        };
        (line[0].as_i64().unwrap_or(0), printed)
    });
    Some(Failure {
        after: failure["after"].as_i64()?,
        code: failure["code"].as_i64().unwrap_or(1) as i32,
        lines: lines.collect(),
    })
}
