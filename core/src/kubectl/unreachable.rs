//! When nothing answers at the server kubectl dials (no kubeconfig on this machine, so
//! `localhost:8080`; the API server's static pod not running): what kubectl 1.35 prints,
//! verb by verb, as measured against a closed port: client-go's discovery errors, then
//! the refusal or the failed request, exit 1.

use super::flags::Parsed;
use super::Ctx;
use crate::command::{CmdResult, Output};
use crate::controllers::Component;

/// How many discovery errors (memcache.go) a verb logs before the refusal.
const DISCOVERY_ERRORS: &[(&str, usize)] = &[
    ("get", 5),
    ("describe", 5),
    ("delete", 5),
    ("edit", 5),
    ("label", 5),
    ("annotate", 5),
    ("patch", 5),
    ("scale", 5),
    ("rollout", 5),
    ("expose", 5),
    ("cluster-info", 5),
    ("logs", 4),
    ("exec", 4),
    ("wait", 4),
    ("set", 4),
    ("cordon", 4),
    ("uncordon", 4),
    ("drain", 4),
    ("certificate", 4),
    ("port-forward", 4),
    ("attach", 4),
    ("debug", 4),
    ("explain", 2),
    ("taint", 2),
    ("run", 1),
    ("api-resources", 1),
];

/// Verbs that never dial the server.
const OFFLINE: &[&str] = &[
    "config",
    "completion",
    "help",
    "options",
    "plugin",
    "kustomize",
];

/// The server kubectl dials, when nothing answers there: its URL and the address dialled.
struct Server {
    url: String,
    authority: String,
    dial: String,
}

/// The server of the command's context (kubectl's `localhost:8080` without one), when it
/// does not answer. Addresses Kubarium does not know are left alone.
fn unanswered(p: &Parsed, ctx: &Ctx<'_>) -> Option<Server> {
    let url = p
        .context_server
        .as_deref()
        .unwrap_or("http://localhost:8080")
        .trim_end_matches('/')
        .to_string();
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url.as_str()));
    let authority = rest.split('/').next().unwrap_or("").to_string();
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.to_string()),
        None => (
            authority.clone(),
            if scheme == "http" { "80" } else { "443" }.to_string(),
        ),
    };
    let machine = match host.as_str() {
        "localhost" | "127.0.0.1" => Some(ctx.host.to_string()),
        h => ctx.cluster.host(h).map(|m| m.name.clone()),
    }?;
    // kube-apiserver listens on 6443 of the machine whose kubelet runs it.
    let listening =
        port == "6443" && ctx.cluster.up(Component::ApiServer) && machine == crate::host::FIRST;
    if listening {
        return None;
    }
    let ip = match host.as_str() {
        "localhost" | "127.0.0.1" => "127.0.0.1".to_string(),
        h => ctx.cluster.host(h).map_or(h.to_string(), |m| m.ip.clone()),
    };
    Some(Server {
        url,
        authority,
        dial: format!("{ip}:{port}"),
    })
}

/// What `verb` prints when its server does not answer; `None` when it answers (or the
/// verb does not need it).
/// `generate` runs a `create` generator with `--dry-run=client -o json`: its own checks
/// come before its request.
pub fn refused(
    verb: &str,
    p: &Parsed,
    ctx: &mut Ctx<'_>,
    generate: impl FnOnce(&mut Ctx<'_>) -> CmdResult,
) -> Option<CmdResult> {
    if OFFLINE.contains(&verb)
        || (verb == "version" && p.on("client"))
        || (verb == "create" && p.get("dry-run") == Some("client"))
    {
        return None;
    }
    let server = unanswered(p, ctx)?;
    let dial_error = |method: &str, url: &str| {
        format!(
            "{method} \"{url}\": dial tcp {}: connect: connection refused",
            server.dial
        )
    };
    let discovery = dial_error("Get", &format!("{}/api?timeout=32s", server.url));
    let mut out = Output::default();
    let log = |out: &mut Output, n: usize, ctx: &Ctx<'_>| {
        let now = ctx.cluster.now();
        let pid = 20_000 + crate::rng::fnv1a(&now.to_string()) % 9_000;
        for i in 0..n {
            let msg = format!(
                "\"Unhandled Error\" err={}",
                crate::klog::quote(&format!(
                    "couldn't get current server API group list: {discovery}"
                ))
            );
            let line = crate::klog::line(
                'E',
                now,
                180 * i as u64,
                pid as u32,
                "memcache.go:265",
                &msg,
            );
            out.err(format!("{line}\n"));
        }
    };
    let refusal = format!(
        "The connection to the server {} was refused - did you specify the right host or port?\n",
        server.authority
    );
    let files = !p.all("filename").is_empty();
    // kubectl reads its files before it asks the server anything.
    let missing = p.all("filename").into_iter().find(|f| {
        f != "-" && !f.contains("://") && !ctx.fs().exists(&crate::shell::fs::resolve(ctx.cwd, f))
    });
    if let (Some(f), true) = (
        missing,
        ["apply", "create", "replace", "delete", "diff"].contains(&verb),
    ) {
        out.err(format!("error: the path \"{f}\" does not exist\n"));
        return Some(CmdResult {
            output: out,
            code: 1,
        });
    }
    match verb {
        "version" => {
            out.out(format!(
                "Client Version: {}\nKustomize Version: {}\n",
                crate::version::KUBECTL_VERSION,
                crate::version::KUSTOMIZE_VERSION
            ));
            out.err(refusal);
        }
        "api-versions" => {
            log(&mut out, 1, ctx);
            out.err(format!(
                "error: couldn't get available api versions from server: {discovery}\n"
            ));
        }
        "apply" | "create" | "replace" if files && p.get("validate") != Some("false") => {
            let file = p.all("filename").first().cloned().unwrap_or_default();
            let openapi = dial_error("Get", &format!("{}/openapi/v2?timeout=32s", server.url));
            out.err(format!("error: error validating \"{file}\": error validating data: failed to download openapi: {openapi}; if you choose to ignore these errors, turn validation off with --validate=false\n"));
        }
        "delete" | "diff" | "apply" | "create" | "replace" if files => {
            let file = p.all("filename").first().cloned().unwrap_or_default();
            log(&mut out, 1, ctx);
            out.err(format!(
                "error: unable to recognize \"{file}\": {discovery}\n"
            ));
        }
        "get" if p.get("raw").is_some() => out.err(refusal),
        "create" if !files && !p.positional.is_empty() => {
            let generator = p.positional[0].as_str();
            let noun = match generator {
                "namespace" | "ns" => None,
                "role" | "clusterrole" => {
                    log(&mut out, 2, ctx);
                    None
                }
                "service" | "svc" => Some(match p.positional.get(1).map(String::as_str) {
                    Some("nodeport") => "NodePort service:",
                    Some("loadbalancer") => "LoadBalancer service:",
                    Some("externalname") => "ExternalName service:",
                    _ => "ClusterIP service:",
                }),
                "deployment" | "deploy" => Some("deployment:"),
                "configmap" | "cm" => Some("configmap:"),
                "serviceaccount" | "sa" => Some("serviceaccount:"),
                "job" => Some("job:"),
                "cronjob" | "cj" => Some("cronjob:"),
                "quota" | "resourcequota" => Some("quota:"),
                "poddisruptionbudget" | "pdb" => Some("poddisruptionbudgets:"),
                "priorityclass" | "pc" => Some("priorityclass:"),
                "ingress" | "ing" => Some("ingress:"),
                "rolebinding" => Some("rolebinding:"),
                "clusterrolebinding" => Some("clusterrolebinding:"),
                "secret" => Some("secret"),
                "token" => Some("token:"),
                _ => None,
            };
            let Some(noun) = noun else {
                out.err(refusal);
                return Some(CmdResult {
                    output: out,
                    code: 1,
                });
            };
            let made = generate(ctx);
            if made.code != 0 {
                return Some(made);
            }
            let printed: String = made
                .output
                .chunks
                .iter()
                .filter(|(stream, _)| *stream == crate::command::Stream::Out)
                .map(|(_, s)| s.as_str())
                .collect();
            let obj: serde_json::Value = serde_json::from_str(&printed).unwrap_or_default();
            let namespace = super::namespace(p);
            let ns = Some(obj["metadata"]["namespace"].as_str().unwrap_or(&namespace));
            let target = match generator {
                "token" => format!(
                    "{}/api/v1/namespaces/{}/serviceaccounts/{}/token",
                    server.url,
                    namespace,
                    p.positional.get(1).map_or("", String::as_str)
                ),
                _ => {
                    let path = crate::apiserver::resources::for_kind(
                        obj["apiVersion"].as_str().unwrap_or(""),
                        obj["kind"].as_str().unwrap_or(""),
                    )
                    .map(|r| r.path(ns, None))
                    .unwrap_or_default();
                    format!(
                        "{}{path}?fieldManager=kubectl-create&fieldValidation=Strict",
                        server.url
                    )
                }
            };
            out.err(format!(
                "error: failed to create {noun} {}\n",
                dial_error("Post", &target)
            ));
        }
        "cluster-info" => {
            log(&mut out, 5, ctx);
            out.out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
            out.err(refusal);
        }
        _ => {
            let n = DISCOVERY_ERRORS
                .iter()
                .find(|(v, _)| *v == verb)
                .map_or(0, |(_, n)| *n);
            log(&mut out, n, ctx);
            out.err(refusal);
        }
    }
    Some(CmdResult {
        output: out,
        code: 1,
    })
}
