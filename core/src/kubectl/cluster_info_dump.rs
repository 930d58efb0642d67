//! `kubectl cluster-info dump`: the nodes, then for each namespace its events,
//! replication controllers, services, daemonsets, deployments, replicasets and pods as
//! kubectl's typed clients read them, and each pod's container logs; to stdout, or with
//! `--output-directory` as a tree of files on the node.

use serde_json::Value;

use super::apply::WRITE_FORMATS;
use super::flags::Parsed;
use super::get::{print_template, template_format};
use super::{client, fail, manifest, Ctx};
use crate::apiserver::request::Request;
use crate::command::{CmdResult, Output};
use crate::printers::{jsonpath, yaml::to_yaml};
use crate::shell::fs;

/// What each namespace's lists are read from, and the files they go to.
const PER_NAMESPACE: &[(&str, &str)] = &[
    ("/api/v1/namespaces/{}/events", "events"),
    (
        "/api/v1/namespaces/{}/replicationcontrollers",
        "replication-controllers",
    ),
    ("/api/v1/namespaces/{}/services", "services"),
    ("/apis/apps/v1/namespaces/{}/daemonsets", "daemonsets"),
    ("/apis/apps/v1/namespaces/{}/deployments", "deployments"),
    ("/apis/apps/v1/namespaces/{}/replicasets", "replicasets"),
    ("/api/v1/namespaces/{}/pods", "pods"),
];

/// How the lists are printed.
enum Format {
    Json,
    Yaml,
    JsonPath(String),
    GoTemplate(String, bool),
}

impl Format {
    fn of(p: &Parsed, ctx: &Ctx<'_>) -> Result<Format, CmdResult> {
        let format = template_format(p, ctx)?;
        let allow_missing =
            !p.given("allow-missing-template-keys") || p.on("allow-missing-template-keys");
        if let Some(t) = format.strip_prefix("go-template=") {
            return Ok(Format::GoTemplate(t.to_string(), allow_missing));
        }
        match format.split_once('=') {
            Some(("jsonpath", t)) => return Ok(Format::JsonPath(t.to_string())),
            Some(("jsonpath-file", file)) => {
                return match manifest::read_file(ctx, file) {
                    Ok(t) => Ok(Format::JsonPath(t)),
                    Err(e) => Err(fail(format!("error: error reading --template {file}, {e}"))),
                }
            }
            _ => {}
        }
        match format.as_str() {
            "" | "json" => Ok(Format::Json),
            "yaml" => Ok(Format::Yaml),
            "name" => Err(fail(
                "error: list types are not supported by name printing: *v1.NodeList",
            )),
            f => {
                let base = f.split('=').next().unwrap_or("");
                Err(fail(if WRITE_FORMATS.split(',').any(|k| k == base) {
                    format!("error: output format \"{base}\" is not supported in Kubarium yet")
                } else {
                    format!("error: unable to match a printer suitable for the output format \"{f}\", allowed formats are: {WRITE_FORMATS}")
                }))
            }
        }
    }

    /// The files' extension.
    fn extension(&self) -> &'static str {
        match self {
            Format::Json => ".json",
            Format::Yaml => ".yaml",
            _ => ".txt",
        }
    }
}

/// Where the dump goes: stdout, or files under a directory.
struct Dump<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    dir: Option<String>,
    format: Format,
    show_managed_fields: bool,
    /// Lists printed so far (YAML separates each from the one before).
    printed: usize,
    out: Output,
}

impl Dump<'_, '_> {
    /// Writes `text` to stdout or to `name` under the directory.
    fn write(&mut self, name: &str, text: &str, truncate: bool) -> Result<(), String> {
        let Some(dir) = &self.dir else {
            self.out.out(text);
            return Ok(());
        };
        let path = format!("{dir}/{name}");
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.ctx.fs_mut().mkdir(parent, true)?;
        }
        self.ctx.fs_mut().write(&path, text, !truncate)
    }

    /// Reads a list as the typed client decodes it.
    fn read(&mut self, path: &str) -> Result<crate::tools::Typed, String> {
        let mut list = client::connect(self.ctx.cluster)
            .send(Request::get(path.to_string()))
            .into_result()
            .map_err(|e| e.kubectl_message())?;
        if !self.show_managed_fields {
            for item in list["items"].as_array_mut().into_iter().flatten() {
                if let Some(meta) = item["metadata"].as_object_mut() {
                    meta.remove("managedFields");
                }
            }
        }
        crate::tools::typed(&list).ok_or_else(|| "error: the API's Go types are not loaded".into())
    }

    /// Reads a list and prints it to `name`; answers it.
    fn list(&mut self, path: &str, name: &str) -> Result<Value, String> {
        let typed = self.read(path)?;
        let (text, failed) = match &self.format {
            Format::Json => (typed.json, Ok(())),
            Format::Yaml if self.printed > 0 => (format!("---\n{}", to_yaml(&typed.value)), Ok(())),
            Format::Yaml => (to_yaml(&typed.value), Ok(())),
            Format::JsonPath(t) => match jsonpath::render(t, &typed.value) {
                Ok(text) => (text, Ok(())),
                Err(e) => return Err(format!("error: error parsing jsonpath {t}, {e}")),
            },
            Format::GoTemplate(t, allow_missing) => {
                let mut out = Output::default();
                let failed = print_template(t, &typed.value, *allow_missing, &mut out);
                (out.text(), failed)
            }
        };
        self.printed += 1;
        self.write(&format!("{name}{}", self.format.extension()), &text, true)?;
        failed.map(|()| typed.value)
    }

    /// Each container's log, between kubectl's markers.
    fn logs(&mut self, pod: &Value) -> Result<(), String> {
        let ns = pod["metadata"]["namespace"].as_str().unwrap_or("");
        let name = pod["metadata"]["name"].as_str().unwrap_or("");
        let file = format!("{ns}/{name}/logs.txt");
        if self.dir.is_some() {
            self.write(&file, "", true)?;
        }
        let containers = ["initContainers", "containers"]
            .iter()
            .flat_map(|k| pod["spec"][k].as_array().into_iter().flatten());
        for c in containers {
            let container = c["name"].as_str().unwrap_or("");
            let mut text =
                format!("==== START logs for container {container} of pod {ns}/{name} ====\n");
            let resp = client::connect(self.ctx.cluster).send(
                Request::get(format!("/api/v1/namespaces/{ns}/pods/{name}/log"))
                    .query("container", container),
            );
            match &resp.body {
                Value::String(log) if resp.is_success() => text.push_str(log),
                _ => text.push_str(&format!(
                    "Request log error: {}\n",
                    client::unstructured_error(resp.code, "get", "pods", name)
                )),
            }
            text.push_str(&format!(
                "==== END logs for container {container} of pod {ns}/{name} ====\n"
            ));
            self.write(&file, &text, false)?;
        }
        Ok(())
    }
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let format = match Format::of(p, ctx) {
        Ok(f) => f,
        Err(e) => return e,
    };
    let dir = p
        .get("output-directory")
        .filter(|d| !d.is_empty() && *d != "-");
    let mut dump = Dump {
        dir: dir.map(|d| fs::resolve(ctx.cwd, d)),
        ctx,
        format,
        show_managed_fields: p.on("show-managed-fields"),
        printed: 0,
        out: Output::default(),
    };
    let result = dump_all(p, &mut dump);
    let mut out = dump.out;
    if let Err(e) = result {
        out.err(format!("{e}\n"));
        return CmdResult {
            output: out,
            code: 1,
        };
    }
    if let Some(d) = dir {
        out.out(format!("Cluster info dumped to {d}\n"));
    }
    CmdResult {
        output: out,
        code: 0,
    }
}

fn dump_all(p: &Parsed, dump: &mut Dump<'_, '_>) -> Result<(), String> {
    dump.list("/api/v1/nodes", "nodes")?;
    let namespaces: Vec<String> = if p.on("all-namespaces") {
        let all = dump.read("/api/v1/namespaces")?.value;
        all["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n["metadata"]["name"].as_str().map(str::to_string))
            .collect()
    } else {
        let given: Vec<String> = p
            .all("namespaces")
            .iter()
            .flat_map(|n| n.split(','))
            .filter(|n| !n.is_empty())
            .map(str::to_string)
            .collect();
        if given.is_empty() {
            vec!["kube-system".to_string(), super::namespace(p)]
        } else {
            given
        }
    };
    for ns in &namespaces {
        for (path, name) in PER_NAMESPACE {
            let list = dump.list(&path.replace("{}", ns), &format!("{ns}/{name}"))?;
            if *name == "pods" {
                for pod in list["items"].as_array().into_iter().flatten() {
                    dump.logs(pod)?;
                }
            }
        }
    }
    Ok(())
}
