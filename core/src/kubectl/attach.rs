//! `kubectl attach`: what a running container writes, from the moment of attaching
//! until it exits (kubectl's two notices first); with `-i`, a container whose own
//! process is a shell reading its terminal takes the lines typed until it exits.

use super::exec::{pod_for, Attached};
use super::flags::Parsed;
use super::logs::default_container;
use super::run::{reads_terminal, Attach};
use super::{fail, namespace, Ctx};
use crate::command::{CmdResult, Output};

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>) -> CmdResult {
    let ns = namespace(p);
    let target = match p.positional.as_slice() {
        [] => return fail("error: at least 1 argument is required for attach"),
        [one] => one.clone(),
        [kind, name] => format!("{kind}/{name}"),
        more => {
            return fail(format!(
                "error: expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw {}: [{}]",
                more.len(),
                more.join(" ")
            ))
        }
    };
    let quiet = p.on("quiet");
    let pod = match pod_for(ctx, &ns, &target) {
        Ok(pod) => pod,
        Err(e) => return fail(e),
    };
    let phase = pod["status"]["phase"].as_str().unwrap_or("");
    if phase == "Succeeded" || phase == "Failed" {
        return fail(format!(
            "error: cannot attach a container in a completed pod; current phase is {phase}"
        ));
    }
    let mut out = Output::default();
    let name = pod["metadata"]["name"].as_str().unwrap_or("").to_string();
    let container = match p.get("container") {
        Some(c) => c.to_string(),
        None => default_container(&pod, quiet, &mut out),
    };
    let Some(spec) = pod["spec"]["containers"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == container.as_str()))
    else {
        out.err(format!(
            "error: cannot attach to the container: container {container} not found in pod {name}\n"
        ));
        return CmdResult {
            output: out,
            code: 1,
        };
    };
    let mut tty = p.on("tty");
    if tty && spec["tty"] != true {
        tty = false;
        if !quiet {
            out.err(format!(
                "error: Unable to use a TTY - container {container} did not allocate one\n"
            ));
        }
    } else if spec["tty"] == true {
        tty = true;
    }
    let argv = super::run::command_line(spec);
    let image = spec["image"].as_str().unwrap_or("");
    let shell = (p.on("stdin") && spec["stdin"] == true && reads_terminal(image, &argv))
        .then(|| argv.first().map_or("sh", String::as_str).to_string());
    let status = pod["status"]["containerStatuses"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == container.as_str()))
        .cloned()
        .unwrap_or_default();
    if !quiet {
        out.err("All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\nIf you don't see a command prompt, try pressing enter.\n");
    }
    if !status["state"]["running"].is_object() {
        out.err(format!(
            "error: unable to upgrade connection: container not found ({container:?})\n"
        ));
        return CmdResult {
            output: out,
            code: 1,
        };
    }
    if let Some(shell) = shell {
        if !ctx.foreground {
            return fail("error: an interactive shell (kubectl attach -i) in a pipeline, a redirection or a substitution is not supported in Kubarium yet");
        }
        let raw = tty;
        let farewell = (raw && !quiet && pod["spec"]["restartPolicy"] == "Always").then(|| {
            format!("Session ended, resume using 'kubectl attach {name} -c {container} -i -t' command when the pod is running\n")
        });
        let prompt = super::exec::prompt(raw, &shell, image, &name);
        ctx.attach = Some(Attached::own(
            (&ns, &name, &container),
            &shell,
            prompt,
            farewell,
        ));
        return CmdResult {
            output: out,
            code: 0,
        };
    }
    let seen = super::logs::read(ctx.cluster, &ns, &name, &container)
        .lines()
        .count();
    let restarts = status["restartCount"].as_i64().unwrap_or(0);
    ctx.run = Some(Attach::running(&ns, &name, &container, seen, restarts));
    CmdResult {
        output: out,
        code: 0,
    }
}
