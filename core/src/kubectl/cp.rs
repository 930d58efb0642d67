//! `kubectl cp`, as kubectl does it. From a container (`[NAMESPACE/]POD:PATH LOCAL`):
//! `tar cf - PATH` runs in it (its messages print on standard output) and the archive is
//! unpacked on the node, PATH becoming LOCAL. Into one (`LOCAL POD:PATH`): `test -d PATH`
//! decides whether LOCAL goes inside PATH or becomes it, and the archive of LOCAL under
//! its new name is unpacked there by `tar -xmf - -C DIR`.

use super::client;
use super::exec::exec_in;
use super::flags::Parsed;
use super::logs::default_container;
use super::{fail, namespace, Ctx};
use crate::apiserver::resources;
use crate::command::{CmdResult, Output, Stream};
use crate::shell::fs::{self, Fs};
use crate::shell::io::Io;

/// One side of a copy: a pod's file, or a file on the node.
struct FileSpec {
    pod: Option<(Option<String>, String)>,
    file: String,
}

const FORMAT: &str = "error: filespec must match the canonical format: [[namespace/]pod:]file/path";

fn file_spec(arg: &str) -> Result<FileSpec, &'static str> {
    let Some((pod, file)) = arg.split_once(':') else {
        return Ok(FileSpec {
            pod: None,
            file: arg.to_string(),
        });
    };
    let pod = match pod.split('/').collect::<Vec<_>>()[..] {
        [""] => return Err(FORMAT),
        [name] => (None, name.to_string()),
        [ns, name] => (Some(ns.to_string()), name.to_string()),
        _ => return Err(FORMAT),
    };
    Ok(FileSpec {
        pod: Some(pod),
        file: file.to_string(),
    })
}

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let [src, dest] = p.positional.as_slice() else {
        return fail("error: source and destination are required");
    };
    let (src, dest) = match (file_spec(src), file_spec(dest)) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    if src.pod.is_some() && dest.pod.is_some() {
        return fail("error: one of src or dest must be a local file specification");
    }
    if src.file.is_empty() || dest.file.is_empty() {
        return fail("error: filepath can not be empty");
    }
    if !crate::tools::loaded() {
        return crate::tools::unavailable("cp");
    }
    let Some((pod_ns, pod)) = src.pod else {
        let Some((pod_ns, pod)) = dest.pod else {
            return fail("error: one of src or dest must be a remote file specification");
        };
        return to_pod(p, ctx, &src.file, (pod_ns, &pod), &dest.file);
    };
    let (ns, container, mut out) = match target(p, ctx, pod_ns, &pod) {
        Ok(t) => t,
        Err(res) => return res,
    };
    let tar = ["tar", "cf", "-", src.file.as_str()].map(String::from);
    let res = exec_in(ctx.cluster, &ns, &pod, &container, &tar, None, false);
    let mut archive = String::new();
    for (stream, text) in res.output.chunks {
        match stream {
            // tar's messages go to kubectl's standard output.
            Stream::Err if text.starts_with("tar: ") => out.out(text),
            Stream::Err => out.err(text),
            Stream::Out => archive.push_str(&text),
        }
    }
    if res.code != 0 {
        return CmdResult {
            output: out,
            code: res.code,
        };
    }
    // The archive's members are under the path without its leading slashes.
    let mut unpacked = Fs::default();
    let mut io = Io {
        stdin: Some(archive),
        fs: &mut unpacked,
        cwd: "/",
    };
    let args = ["xf", "-"].map(String::from);
    let _ = crate::tools::run("tar", &args, &mut io);
    let from = fs::resolve("/", src.file.trim_start_matches('/'));
    let to = fs::resolve(ctx.cwd, &dest.file);
    let mut code = 0;
    if unpacked.exists(&from) {
        if let Err(e) = place(&unpacked, &from, ctx.cluster.fs_mut(ctx.host), &to) {
            out.err(format!("error: {e}\n"));
            code = 1;
        }
    }
    CmdResult { output: out, code }
}

/// The pod's namespace, the container to run in (`-c`, or the default one, which
/// `out` may announce) and `out`; or kubectl's failure when the pod cannot run
/// commands.
fn target(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    pod_ns: Option<String>,
    pod: &str,
) -> Result<(String, String, Output), CmdResult> {
    let ns = pod_ns.unwrap_or_else(|| namespace(p));
    let obj = client::connect(ctx.cluster)
        .get(resources::pods(), &ns, pod)
        .map_err(|e| fail(e.kubectl_message()))?;
    let phase = obj["status"]["phase"].as_str().unwrap_or("");
    if phase == "Succeeded" || phase == "Failed" {
        return Err(fail(format!(
            "error: cannot exec into a container in a completed pod; current phase is {phase}"
        )));
    }
    let mut out = Output::default();
    let container = match p.get("container") {
        Some(c) => c.to_string(),
        None => default_container(&obj, false, &mut out),
    };
    Ok((ns, container, out))
}

/// Copies `local` (a file or a directory) on the node into the pod's container at
/// `remote`.
fn to_pod(
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    local: &str,
    (pod_ns, pod): (Option<String>, &str),
    remote: &str,
) -> CmdResult {
    let from = fs::resolve(ctx.cwd, local);
    if !ctx.cluster.fs(ctx.host).exists(&from) {
        return fail(format!("error: {local} doesn't exist in local filesystem"));
    }
    let (ns, container, mut out) = match target(p, ctx, pod_ns, pod) {
        Ok(t) => t,
        Err(res) => return res,
    };
    let test = ["test", "-d", remote].map(String::from);
    let is_dir = exec_in(ctx.cluster, &ns, pod, &container, &test, None, false).code == 0;
    let remote = match is_dir {
        true => format!("{}/{}", remote.trim_end_matches('/'), base(&from)),
        false => remote.to_string(),
    };
    let (dir, name) = match remote.trim_end_matches('/').rsplit_once('/') {
        Some(("", name)) => ("/".to_string(), name.to_string()),
        Some((dir, name)) => (dir.to_string(), name.to_string()),
        None => (".".to_string(), remote.clone()),
    };
    // The archive holds LOCAL under its name in the container.
    let mut staged = Fs::default();
    if let Err(e) = place(
        ctx.cluster.fs(ctx.host),
        &from,
        &mut staged,
        &format!("/{name}"),
    ) {
        return fail(format!("error: {e}"));
    }
    let mut io = Io {
        stdin: None,
        fs: &mut staged,
        cwd: "/",
    };
    let args = ["cf", "-", name.as_str()].map(String::from);
    let archive = crate::tools::run("tar", &args, &mut io).output.text();
    let mut tar = vec!["tar".to_string()];
    if p.on("no-preserve") {
        tar.extend(["--no-same-permissions", "--no-same-owner"].map(String::from));
    }
    tar.extend(["-xmf", "-", "-C", &dir].map(String::from));
    let res = exec_in(
        ctx.cluster,
        &ns,
        pod,
        &container,
        &tar,
        Some(archive),
        false,
    );
    out.chunks.extend(res.output.chunks);
    CmdResult {
        output: out,
        code: res.code,
    }
}

/// The last part of a path.
fn base(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Writes what is at `from` in `unpacked` at `to` on the node: a file's text, or a
/// directory with what is under it.
fn place(unpacked: &Fs, from: &str, node: &mut Fs, to: &str) -> Result<(), String> {
    if let Some(text) = unpacked.read(from) {
        if node.is_dir(to) {
            return Err(format!("open {to}: is a directory"));
        }
        return node
            .mkdir(&fs::parent(to), true)
            .and_then(|()| node.write(to, text, false))
            .map_err(|e| format!("open {to}: {}", e.to_lowercase()));
    }
    node.mkdir(to, true)
        .map_err(|e| format!("mkdir {to}: {}", e.to_lowercase()))?;
    for name in unpacked.list(from) {
        place(
            unpacked,
            &fs::resolve(from, &name),
            node,
            &fs::resolve(to, &name),
        )?;
    }
    Ok(())
}
