//! `kubectl get`: tables (default, wide, with labels and label columns), YAML, JSON,
//! names, JSONPath, Go templates and custom columns, sorted with `--sort-by`.

mod custom_columns;
mod sorter;
pub mod watch;

use serde_json::{json, Value};

use super::client::{self, ListOptions};
use super::flags::Parsed;
use super::{fail, manifest, namespace, resource_type, Ctx};
use crate::apiserver::errors::ApiError;
use crate::apiserver::request::{self, Method};
use crate::apiserver::resources::{Catalog, Resource};
use crate::command::{CmdResult, Output};
use crate::labels::Selector;
use crate::printers::json::{to_json, Order};
use crate::printers::{jsonpath, table, yaml::to_yaml};

/// The output formats kubectl knows; Kubarium implements the first five.
const FORMATS: &[&str] = &["", "wide", "yaml", "json", "name"];
const KUBECTL_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml";

/// Checks `-o`; returns the format or the error to print.
pub fn output_format(p: &Parsed) -> Result<String, CmdResult> {
    let o = p.get("output").unwrap_or("").to_string();
    let with_argument = [
        "jsonpath=",
        "jsonpath-file=",
        "custom-columns=",
        "custom-columns-file=",
    ];
    if FORMATS.contains(&o.as_str()) || with_argument.iter().any(|f| o.starts_with(f)) {
        return Ok(o);
    }
    let base = o.split('=').next().unwrap_or("");
    if KUBECTL_FORMATS.split(',').any(|f| f == base) {
        return Err(fail(format!(
            "error: output format \"{base}\" is not supported in Kubarium yet"
        )));
    }
    Err(fail(format!(
        "error: unable to match a printer suitable for the output format \"{o}\", allowed formats are: {KUBECTL_FORMATS}"
    )))
}

/// The Go template formats; `-o go-template=TEXT`, `-o go-template-file=FILE`, or the bare
/// name with `--template`.
const TEMPLATE_FORMATS: &[&str] = &[
    "go-template",
    "go-template-file",
    "template",
    "templatefile",
];

/// Resolves `-o` with `--template` (which alone means go-template): a Go template becomes
/// `go-template=TEXT` (a file's text read), a JSONPath `jsonpath=TEXT`; other formats
/// are returned as given.
pub(super) fn template_format(p: &Parsed, ctx: &Ctx<'_>) -> Result<String, CmdResult> {
    let output = p.get("output").unwrap_or("");
    let argument = p.get("template").unwrap_or("");
    let output = if output.is_empty() && !argument.is_empty() {
        "go-template"
    } else {
        output
    };
    let (name, value) = if !argument.is_empty() {
        (output, argument)
    } else {
        match output.split_once('=') {
            Some((n, v)) if TEMPLATE_FORMATS.contains(&n) => (n, v),
            _ => (output, ""),
        }
    };
    if !argument.is_empty() && matches!(name, "jsonpath" | "jsonpath-file") {
        return Ok(format!("{name}={argument}"));
    }
    if !TEMPLATE_FORMATS.contains(&name) {
        return Ok(output.to_string());
    }
    if value.is_empty() {
        return Err(fail(
            "error: template format specified but no template given",
        ));
    }
    if name.ends_with("file") {
        return match manifest::read_file(ctx, value) {
            Ok(t) => Ok(format!("go-template={t}")),
            Err(e) => Err(fail(format!(
                "error: error reading --template {value}, {e}"
            ))),
        };
    }
    Ok(format!("go-template={value}"))
}

/// Prints `value` with a Go template as kubectl does; a template that fails to run prints
/// kubectl's report to `out` and answers the error line.
pub(super) fn print_template(
    template: &str,
    value: &Value,
    allow_missing: bool,
    out: &mut Output,
) -> Result<(), String> {
    use crate::tools::TemplateOutcome;
    match crate::tools::go_template(template, value, allow_missing) {
        None => Err("error: the Go template printer is not loaded".into()),
        Some(TemplateOutcome::Printed(text)) => {
            out.out(text);
            Ok(())
        }
        Some(TemplateOutcome::Unparsable(e)) => {
            Err(format!("error: error parsing template {template}, {e}"))
        }
        Some(TemplateOutcome::Failed { stdout, error }) => {
            out.out(stdout);
            Err(format!("error: {error}"))
        }
    }
}

/// Prints objects read from the API as one document or a `List`, without their
/// managedFields (as kubectl does unless `--show-managed-fields`).
pub fn print_objects(objs: Vec<Value>, format: &str, single: bool) -> String {
    let objs = objs.into_iter().map(without_managed_fields).collect();
    print_with_order(objs, format, single, Order::Sorted)
}

fn without_managed_fields(mut obj: Value) -> Value {
    if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("managedFields");
    }
    obj
}

/// Prints an object kubectl built itself (client-side dry run), in Go field order.
pub fn print_built(obj: Value, format: &str) -> String {
    print_with_order(vec![obj], format, true, Order::GoStruct)
}

fn print_with_order(objs: Vec<Value>, format: &str, single: bool, order: Order) -> String {
    let value = if single && objs.len() == 1 {
        objs.into_iter().next().unwrap_or(Value::Null)
    } else {
        json!({"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}})
    };
    if let Some(template) = format.strip_prefix("jsonpath=") {
        return jsonpath::render(template, &value).unwrap_or_default();
    }
    if format == "json" {
        to_json(&value, order)
    } else {
        to_yaml(&value)
    }
}

/// How the flags ask a Table of `r` to be printed.
fn print_options(
    p: &Parsed,
    r: &Resource,
    format: &str,
    all_ns: bool,
    with_kind: bool,
) -> table::PrintOptions {
    table::PrintOptions {
        wide: format == "wide",
        with_namespace: all_ns && r.namespaced,
        show_labels: p.on("show-labels"),
        with_kind,
        kind: r.kubectl_kind(),
        no_headers: p.on("no-headers"),
        label_columns: p
            .all("label-columns")
            .iter()
            .flat_map(|v| v.split(','))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect(),
    }
}

/// A `get` request: one resource type with zero or more names.
pub(crate) struct Request {
    pub resource: &'static Resource,
    pub names: Vec<String>,
}

/// Turns `pods`, `pods a b`, `pod/a svc/b`, `pods,svc` and `all` into requests.
pub(crate) fn requests(catalog: &Catalog, args: &[String]) -> Result<Vec<Request>, String> {
    let mut out: Vec<Request> = vec![];
    if args.iter().any(|a| a.contains('/')) {
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let r = resource_type(catalog, t)?;
            match out.iter_mut().find(|q| std::ptr::eq(q.resource, r)) {
                Some(q) => q.names.push(n.to_string()),
                None => out.push(Request {
                    resource: r,
                    names: vec![n.to_string()],
                }),
            }
        }
        return Ok(out);
    }
    let types = &args[0];
    for t in types.split(',').filter(|t| !t.is_empty()) {
        if t == "all" {
            // The `all` category, in discovery order, each resource at its preferred
            // version.
            for r in catalog
                .preferred()
                .filter(|r| r.categories.contains(&"all"))
            {
                out.push(Request {
                    resource: r,
                    names: vec![],
                });
            }
            continue;
        }
        out.push(Request {
            resource: resource_type(catalog, t)?,
            names: vec![],
        });
    }
    if args.len() > 1 {
        if out.len() > 1 {
            return Err(
                "error: arguments in resource/name form must have a single resource and name"
                    .into(),
            );
        }
        if let Some(q) = out.first_mut() {
            q.names = args[1..].to_vec();
        }
    }
    Ok(out)
}

/// `kubectl get --raw PATH`: the server's response body as it comes.
fn raw(p: &Parsed, path: &str, ctx: &mut Ctx<'_>) -> CmdResult {
    if !p.positional.is_empty() {
        return fail("error: arguments may not be passed when --raw is specified");
    }
    let req = request::Request::from_url(Method::Get, path);
    let resp = client::connect(ctx.cluster).send(req);
    let body = match &resp.body {
        Value::String(s) => s.clone(),
        v => format!("{v}\n"),
    };
    if resp.is_success() {
        CmdResult::ok(body)
    } else {
        let e = ApiError::from_status(&resp.body);
        fail(format!("Error from server ({}): {}", e.reason, e.message))
    }
}

/// The Tables of one request's reads as one (kubectl prints rows under the same columns
/// once).
fn merge_tables(tables: Vec<Value>) -> Option<Value> {
    let mut tables = tables.into_iter();
    let mut first = tables.next()?;
    for t in tables {
        let rows = t["rows"].as_array().cloned().unwrap_or_default();
        if let Some(all) = first["rows"].as_array_mut() {
            all.extend(rows);
        }
    }
    Some(first)
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    if let Some(path) = p.get("raw") {
        return raw(p, path, ctx);
    }
    let format = match template_format(p, ctx) {
        Ok(f) if f.starts_with("go-template=") => f,
        Ok(f) if f.starts_with("jsonpath=") && p.given("template") => f,
        Ok(_) => match output_format(p) {
            Ok(f) => f,
            Err(e) => return e,
        },
        Err(e) => return e,
    };
    if let Some(Err(e)) = p.get("selector").map(Selector::parse) {
        return fail(format!("error: {e}"));
    }
    if p.on("watch") || p.on("watch-only") {
        return watch::start(p, ctx, &format);
    }
    // A field kubectl cannot read sorts nothing: the rows are dropped, as kubectl drops them.
    let sort_by = p
        .get("sort-by")
        .map(|f| sorter::relaxed(f).unwrap_or_else(|_| f.to_string()))
        .filter(|f| !f.is_empty());
    let columns = match format.split_once('=') {
        Some(("custom-columns", spec)) => Some(custom_columns::from_spec(spec)),
        Some(("custom-columns-file", file)) => Some(
            manifest::read_file(ctx, file)
                .map_err(|e| format!("error reading template {file}, {e}"))
                .and_then(|t| custom_columns::from_template(&t)),
        ),
        _ => None,
    };
    let columns = match columns.transpose() {
        Ok(c) => c,
        Err(e) => return fail(format!("error: {e}")),
    };
    let format = match format.split_once('=') {
        Some(("jsonpath-file", file)) => match manifest::read_file(ctx, file) {
            Ok(t) => format!("jsonpath={t}"),
            Err(e) => return fail(format!("error: error reading --template {file}, {e}")),
        },
        _ => format,
    };
    let all_ns = p.on("all-namespaces");
    let ns = namespace(p);
    let catalog = client::discover(ctx.cluster);
    let reqs = if p.given("filename") {
        let docs = match manifest::read(ctx, &p.all("filename")) {
            Ok(d) => d,
            Err(e) => return fail(e),
        };
        let mut reqs: Vec<Request> = vec![];
        for d in &docs {
            let r = match manifest::resource_of(&catalog, d) {
                Ok(r) => r,
                Err(e) => return fail(e),
            };
            reqs.push(Request {
                resource: r,
                names: vec![d.value["metadata"]["name"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()],
            });
        }
        reqs
    } else {
        if p.positional.is_empty() {
            return fail("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        }
        match requests(&catalog, &p.positional) {
            Ok(r) => r,
            Err(e) => return fail(e),
        }
    };
    let is_all = p
        .positional
        .first()
        .is_some_and(|t| t.split(',').any(|x| x == "all"));
    let with_kind = is_all || reqs.len() > 1 || p.on("show-kind");
    let single = reqs.len() == 1 && reqs[0].names.len() == 1;
    let tables = format.is_empty() || format == "wide";
    let mut errors: Vec<String> = vec![];
    // Per request: the objects read, or (to print a table) the server's Table.
    let mut sections: Vec<(&'static Resource, Vec<Value>)> = vec![];
    let mut client = client::connect(ctx.cluster);
    for q in &reqs {
        let mut objs = vec![];
        let opts = ListOptions {
            label_selector: p.get("selector"),
            field_selector: p.get("field-selector"),
            whole_objects: sort_by.is_some(),
        };
        if q.names.is_empty() {
            let list_ns = if all_ns { None } else { Some(ns.as_str()) };
            let read = if tables {
                client
                    .table(q.resource, list_ns, None, opts)
                    .map(|t| vec![t])
            } else {
                client.list(q.resource, list_ns, opts)
            };
            match read {
                Ok(items) => objs = items,
                Err(e) => return fail(e.kubectl_message()),
            }
        } else {
            for n in &q.names {
                let read = if tables {
                    client.table(q.resource, Some(&ns), Some(n), opts)
                } else {
                    client.get(q.resource, &ns, n)
                };
                match read {
                    Ok(o) => objs.push(o),
                    Err(e)
                        if p.on("ignore-not-found")
                            && e.reason == crate::apiserver::errors::Reason::NotFound => {}
                    Err(e) => errors.push(ApiError::kubectl_message(&e)),
                }
            }
        }
        if tables {
            objs = merge_tables(objs).into_iter().collect();
        }
        if let Some(field) = &sort_by {
            // A table whose rows lack the field prints nothing at all.
            if tables {
                for t in &mut objs {
                    if let Some(rows) = t["rows"].as_array_mut() {
                        if sorter::sort(rows, field, |r| &r["object"]).is_err() {
                            rows.clear();
                        }
                    }
                }
            } else if sorter::sort(&mut objs, field, |o| o).is_err() {
                objs.clear();
            }
        }
        sections.push((q.resource, objs));
    }
    let mut out = Output::default();
    for w in std::mem::take(&mut client.warnings) {
        out.err(format!("Warning: {w}\n"));
    }
    let total: usize = if tables {
        sections
            .iter()
            .flat_map(|(_, t)| t)
            .map(|t| t["rows"].as_array().map_or(0, Vec::len))
            .sum()
    } else {
        sections.iter().map(|(_, o)| o.len()).sum()
    };
    match format.as_str() {
        _ if columns.is_some() => {
            let objs: Vec<Value> = sections.into_iter().flat_map(|(_, o)| o).collect();
            if let Some(cols) = &columns {
                out.out(custom_columns::print(cols, &objs, p.on("no-headers")));
            }
        }
        // One object asked for and not found: kubectl reports only that.
        f if f.starts_with("jsonpath=") => {
            let template = &f["jsonpath=".len()..];
            let objs: Vec<Value> = sections.into_iter().flat_map(|(_, o)| o).collect();
            let value = if single && objs.len() == 1 {
                objs.into_iter().next().unwrap_or(Value::Null)
            } else {
                json!({"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}})
            };
            match jsonpath::render(template, &value) {
                Err(e) => {
                    return fail(format!("error: error parsing jsonpath {template}, {e}"));
                }
                Ok(_) if single && total == 0 && !errors.is_empty() => {}
                Ok(text) => out.out(text),
            }
        }
        f if f.starts_with("go-template=") => {
            if !(single && total == 0 && !errors.is_empty()) {
                let template = &f["go-template=".len()..];
                let objs: Vec<Value> = sections.into_iter().flat_map(|(_, o)| o).collect();
                let value = if single && objs.len() == 1 {
                    objs.into_iter().next().unwrap_or(Value::Null)
                } else {
                    json!({"apiVersion": "v1", "items": objs, "kind": "List", "metadata": {"resourceVersion": ""}})
                };
                let allow_missing =
                    !p.given("allow-missing-template-keys") || p.on("allow-missing-template-keys");
                if let Err(e) = print_template(template, &value, allow_missing, &mut out) {
                    if errors.is_empty() {
                        out.err(format!("{e}\n"));
                        return CmdResult {
                            output: out,
                            code: 1,
                        };
                    }
                    errors.push(e);
                }
            }
        }
        "yaml" | "json" => {
            if total > 0 || errors.is_empty() {
                let objs: Vec<Value> = sections.into_iter().flat_map(|(_, o)| o).collect();
                out.out(if p.on("show-managed-fields") {
                    print_with_order(objs, &format, single, Order::Sorted)
                } else {
                    print_objects(objs, &format, single)
                });
            }
        }
        "name" => {
            for (r, objs) in &sections {
                for o in objs {
                    out.out(format!(
                        "{}/{}\n",
                        r.kubectl_kind(),
                        o["metadata"]["name"].as_str().unwrap_or("")
                    ));
                }
            }
        }
        _ => {
            let mut first = true;
            for (r, tables) in &sections {
                for t in tables
                    .iter()
                    .filter(|t| t["rows"].as_array().is_some_and(|r| !r.is_empty()))
                {
                    if !first {
                        out.out("\n");
                    }
                    first = false;
                    let opts = print_options(p, r, &format, all_ns, with_kind);
                    out.out(table::print_table(t, &opts));
                }
            }
        }
    }
    // Only tables say that nothing was found; other formats print what they print.
    if total == 0 && errors.is_empty() && tables {
        let namespaced = reqs.iter().all(|q| q.resource.namespaced);
        if all_ns || !namespaced {
            out.err("No resources found\n");
        } else {
            out.err(format!("No resources found in {ns} namespace.\n"));
        }
    }
    let code = if errors.is_empty() { 0 } else { 1 };
    for e in errors {
        out.err(format!("{e}\n"));
    }
    CmdResult { output: out, code }
}
