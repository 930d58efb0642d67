//! What a container's process does, from its image and command: run forever, exit after a
//! while with a code, or fail to start.

use super::images::{Entrypoint, Image};
use super::script::{Context, Line};
use crate::clock::Millis;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    /// Runs until stopped. `graceful` processes exit promptly on SIGTERM; others (a shell
    /// or `sleep` as PID 1) are killed when the grace period ends.
    Forever { graceful: bool },
    /// Exits by itself after `after` with `code`.
    Exits { after: Millis, code: i32 },
    /// The runtime cannot start it (the binary does not exist).
    StartError(String),
}

fn binary(arg: &str) -> &str {
    arg.rsplit('/').next().unwrap_or(arg)
}

/// The command line a container runs: `command` replaces the image's entrypoint, `args`
/// its default arguments; empty when the image's own program runs.
pub(super) fn argv(command: &[String], args: &[String]) -> Vec<String> {
    if !command.is_empty() {
        command.iter().chain(args.iter()).cloned().collect()
    } else {
        args.to_vec()
    }
}

/// The shells a terminal may talk to.
pub const SHELLS: &[&str] = &["sh", "bash", "ash", "zsh"];

/// Whether a container's process reads a terminal: a shell with no script (given, or
/// its image's default command).
pub fn reads_terminal(image: &Image, argv: &[String]) -> bool {
    match argv {
        [] => image.entrypoint == Entrypoint::Shell,
        [one] => SHELLS.contains(&binary(one)),
        _ => false,
    }
}

/// The prompt a shell prints on a terminal: bash's `root@POD:/# `, BusyBox's `/ # `,
/// dash's `# `.
pub fn shell_prompt(shell: &str, image: &str, pod: &str) -> String {
    match (binary(shell), super::images::is_busybox(image)) {
        ("bash", _) => format!("root@{pod}:/# "),
        (_, true) => "/ # ".to_string(),
        _ => "# ".to_string(),
    }
}

/// Decides what a container runs, as the runtime would.
pub fn behaviour(
    image: &Image,
    command: &[String],
    args: &[String],
    ctx: Context<'_>,
) -> Behaviour {
    let argv = argv(command, args);
    let Some(first) = argv.first() else {
        return match image.entrypoint {
            Entrypoint::Server { graceful } => Behaviour::Forever { graceful },
            Entrypoint::Shell => Behaviour::Exits { after: 0, code: 0 },
        };
    };
    // Programs the container's shell utilities know, run as a one-command script.
    if let Some(b) = super::script::exec(&argv, ctx) {
        return b;
    }
    match binary(first) {
        // The image's own program: a server stops on SIGTERM; a tool such as stress,
        // as PID 1 without a handler, ignores it and is killed.
        b if image.repository.rsplit('/').next() == Some(b) => Behaviour::Forever {
            graceful: image.entrypoint != Entrypoint::Shell,
        },
        _ if matches!(image.entrypoint, Entrypoint::Server { .. }) && command.is_empty() => {
            Behaviour::Forever { graceful: true }
        }
        _ => Behaviour::StartError(format!(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{first}\": {}: unknown",
            not_executable(first, ctx.files)
        )),
    }
}

/// Why Go's `exec.LookPath` cannot run `first` in the container: a bare name is looked
/// up in $PATH, a path must be an executable file.
fn not_executable(first: &str, files: &std::collections::BTreeSet<String>) -> String {
    if !first.contains('/') {
        return "executable file not found in $PATH".into();
    }
    let path = first.trim_end_matches('/');
    let inside = format!("{path}/");
    let in_image = |set: &[&str]| set.contains(&path);
    if in_image(super::script::BASE_DIRS)
        || files
            .range(inside.clone()..)
            .next()
            .is_some_and(|f| f.starts_with(&inside))
    {
        "is a directory: permission denied".into()
    } else if in_image(super::script::BASE_FILES) || files.contains(path) {
        "permission denied".into()
    } else {
        format!("stat {first}: no such file or directory")
    }
}

/// What a container prints from its start at cluster time `origin` until `until` after
/// it: the image's server announcing itself, or what its command's script prints.
pub fn output(
    image: &Image,
    tag: &str,
    command: &[String],
    args: &[String],
    ctx: Context<'_>,
    origin: Millis,
    until: Millis,
) -> Vec<Line> {
    if runs_server(image, command, args, ctx) {
        return super::programs::startup(image, tag, command.is_empty(), origin);
    }
    super::script::output(&argv(command, args), ctx, origin, until)
}

/// Whether a container runs its image's own program: directly, through its entrypoint
/// (which passes options on to it), or as the program a server image's arguments name
/// when they are not a command its shell utilities know.
pub fn runs_server(image: &Image, command: &[String], args: &[String], ctx: Context<'_>) -> bool {
    let argv = argv(command, args);
    let Some(first) = argv.first() else {
        return true;
    };
    binary(first) == image.repository.rsplit('/').next().unwrap_or("")
        || (command.is_empty()
            && (first.starts_with('-')
                || (matches!(image.entrypoint, Entrypoint::Server { .. })
                    && super::script::exec(&argv, ctx).is_none())))
}

#[cfg(test)]
mod tests {
    use super::super::images::pull;
    use super::*;

    fn run(image: &Image, command: &[String], args: &[String]) -> Behaviour {
        let files = Default::default();
        let text = Default::default();
        let ctx = Context {
            files: &files,
            text: &text,
            env: &[],
            busybox: true,
            image_files: (&[], 0),
            shared: &[],
        };
        behaviour(image, command, args, ctx)
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn behaviours() {
        let nginx = pull("nginx").unwrap();
        let busybox = pull("busybox").unwrap();
        assert_eq!(run(nginx, &[], &[]), Behaviour::Forever { graceful: true });
        assert_eq!(
            run(busybox, &[], &[]),
            Behaviour::Exits { after: 0, code: 0 }
        );
        assert_eq!(
            run(busybox, &[], &s(&["sleep", "10"])),
            Behaviour::Exits {
                after: 10_000,
                code: 0
            }
        );
        assert_eq!(
            run(busybox, &s(&["sh", "-c"]), &s(&["sleep 5; exit 3"])),
            Behaviour::Exits {
                after: 5_000,
                code: 3
            }
        );
        assert_eq!(
            run(
                busybox,
                &s(&["sh", "-c", "while true; do date; sleep 1; done"]),
                &[]
            ),
            Behaviour::Forever { graceful: false }
        );
        assert!(matches!(
            run(busybox, &s(&["frobnicate"]), &[]),
            Behaviour::StartError(_)
        ));
        // Commands act on the container's files: a missing file fails the script.
        assert_eq!(
            run(
                busybox,
                &s(&["sh", "-c", "cat /missing && sleep 3600"]),
                &[]
            ),
            Behaviour::Exits { after: 0, code: 1 }
        );
        assert_eq!(
            run(
                busybox,
                &s(&["sh", "-c", "touch /tmp/ok; cat /tmp/ok && sleep 30"]),
                &[]
            ),
            Behaviour::Exits {
                after: 30_000,
                code: 0
            }
        );
        assert_eq!(
            run(busybox, &s(&["sh", "-c", "ls /nope || exit 4"]), &[]),
            Behaviour::Exits { after: 0, code: 4 }
        );
        assert_eq!(
            run(busybox, &s(&["cat", "/etc/hostname"]), &[]),
            Behaviour::Exits { after: 0, code: 0 }
        );
        assert_eq!(
            run(
                busybox,
                &s(&["sh", "-c", "while [ ! -f /tmp/ready ]; do sleep 1; done"]),
                &[]
            ),
            Behaviour::Forever { graceful: false }
        );
    }
}
