//! `kubectl cp [NAMESPACE/]POD:PATH LOCAL`: as kubectl does it, `tar cf - PATH` runs in
//! the container (its messages print on standard output), and the archive is unpacked
//! on the node, PATH becoming LOCAL. Copying into a container is not supported yet:
//! containers do not keep what is written into them.

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
    let Some((pod_ns, pod)) = src.pod else {
        if dest.pod.is_none() {
            return fail("error: one of src or dest must be a remote file specification");
        }
        if !ctx
            .cluster
            .fs(ctx.host)
            .exists(&fs::resolve(ctx.cwd, &src.file))
        {
            return fail(format!(
                "error: {} doesn't exist in local filesystem",
                src.file
            ));
        }
        return fail("error: \"kubectl cp\" into a container is not supported in Kubarium yet");
    };
    if !crate::tools::loaded() {
        return crate::tools::unavailable("cp");
    }
    let ns = pod_ns.unwrap_or_else(|| namespace(p));
    let obj = match client::connect(ctx.cluster).get(resources::pods(), &ns, &pod) {
        Ok(obj) => obj,
        Err(e) => return fail(e.kubectl_message()),
    };
    let phase = obj["status"]["phase"].as_str().unwrap_or("");
    if phase == "Succeeded" || phase == "Failed" {
        return fail(format!(
            "error: cannot exec into a container in a completed pod; current phase is {phase}"
        ));
    }
    let mut out = Output::default();
    let container = match p.get("container") {
        Some(c) => c.to_string(),
        None => default_container(&obj, false, &mut out),
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
