//! What a container's process does, from its image and command: run forever, exit after a
//! while with a code, or fail to start.

use super::images::{Entrypoint, Image};
use crate::clock::{Millis, SECOND};

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

const EXIT_ZERO: &[&str] = &[
    "echo", "true", "date", "env", "printenv", "hostname", "cat", "ls", "pwd", "id", "whoami",
    "uname", "nslookup", "wget", "curl", "ping", "touch", "mkdir", "printf", "df", "ps", "mount",
    "nc",
];
const SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "httpd-foreground",
    "redis-server",
    "mysqld",
    "postgres",
    "mongod",
    "memcached",
    "python",
    "python3",
    "node",
    "tail",
    "top",
    "watch",
];

fn binary(arg: &str) -> &str {
    arg.rsplit('/').next().unwrap_or(arg)
}

fn sleep_seconds(arg: Option<&String>) -> Option<Option<Millis>> {
    let a = arg?;
    if a == "infinity" || a == "inf" {
        return Some(None);
    }
    let (num, mult) = match a.chars().last() {
        Some('s') => (&a[..a.len() - 1], 1),
        Some('m') => (&a[..a.len() - 1], 60),
        Some('h') => (&a[..a.len() - 1], 3600),
        Some('d') => (&a[..a.len() - 1], 86400),
        _ => (a.as_str(), 1),
    };
    let n: f64 = num.parse().ok()?;
    Some(Some((n * mult as f64 * SECOND as f64) as Millis))
}

/// Runs a shell script: a sequence of simple commands; loops run forever.
fn shell_script(script: &str) -> Behaviour {
    if script.contains("while true") || script.contains("while :") || script.contains("for (;;)") {
        return Behaviour::Forever { graceful: false };
    }
    let mut elapsed = 0;
    let mut code = 0;
    for part in script
        .split(['\n', ';', '&', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let words: Vec<String> = part
            .split_whitespace()
            .map(|w| w.trim_matches(['"', '\'']).to_string())
            .collect();
        let Some(first) = words.first() else { continue };
        match binary(first) {
            "sleep" => match sleep_seconds(words.get(1)) {
                Some(Some(ms)) => {
                    elapsed += ms;
                    code = 0;
                }
                Some(None) => return Behaviour::Forever { graceful: false },
                None => code = 1,
            },
            "exit" => {
                let c = words.get(1).and_then(|c| c.parse().ok()).unwrap_or(code);
                return Behaviour::Exits {
                    after: elapsed,
                    code: c,
                };
            }
            "false" => code = 1,
            b if SERVERS.contains(&b) => return Behaviour::Forever { graceful: true },
            _ => code = 0,
        }
    }
    Behaviour::Exits {
        after: elapsed,
        code,
    }
}

/// Decides what a container runs, as the runtime would: `command` replaces the image's
/// entrypoint, `args` its default arguments.
pub fn behaviour(image: &Image, command: &[String], args: &[String]) -> Behaviour {
    let argv: Vec<String> = if !command.is_empty() {
        command.iter().chain(args.iter()).cloned().collect()
    } else {
        args.to_vec()
    };
    let Some(first) = argv.first() else {
        return match image.entrypoint {
            Entrypoint::Server { graceful } => Behaviour::Forever { graceful },
            Entrypoint::Shell => Behaviour::Exits { after: 0, code: 0 },
        };
    };
    match binary(first) {
        "sh" | "bash" | "ash" => match argv.iter().position(|a| a == "-c") {
            Some(i) => shell_script(&argv[i + 1..].join(" ")),
            None => Behaviour::Exits { after: 0, code: 0 },
        },
        "sleep" => match sleep_seconds(argv.get(1)) {
            Some(Some(ms)) => Behaviour::Exits { after: ms, code: 0 },
            Some(None) => Behaviour::Forever { graceful: false },
            None => Behaviour::Exits { after: 0, code: 1 },
        },
        "false" => Behaviour::Exits { after: 0, code: 1 },
        b if EXIT_ZERO.contains(&b) => Behaviour::Exits { after: 0, code: 0 },
        b if SERVERS.contains(&b) || image.repository.rsplit('/').next() == Some(b) => {
            Behaviour::Forever { graceful: true }
        }
        _ if matches!(image.entrypoint, Entrypoint::Server { .. }) && command.is_empty() => {
            Behaviour::Forever { graceful: true }
        }
        _ => Behaviour::StartError(format!(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{first}\": executable file not found in $PATH: unknown"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::images::pull;
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn behaviours() {
        let nginx = pull("nginx").unwrap();
        let busybox = pull("busybox").unwrap();
        assert_eq!(
            behaviour(nginx, &[], &[]),
            Behaviour::Forever { graceful: true }
        );
        assert_eq!(
            behaviour(busybox, &[], &[]),
            Behaviour::Exits { after: 0, code: 0 }
        );
        assert_eq!(
            behaviour(busybox, &[], &s(&["sleep", "10"])),
            Behaviour::Exits {
                after: 10_000,
                code: 0
            }
        );
        assert_eq!(
            behaviour(busybox, &s(&["sh", "-c"]), &s(&["sleep 5; exit 3"])),
            Behaviour::Exits {
                after: 5_000,
                code: 3
            }
        );
        assert_eq!(
            behaviour(
                busybox,
                &s(&["sh", "-c", "while true; do date; sleep 1; done"]),
                &[]
            ),
            Behaviour::Forever { graceful: false }
        );
        assert!(matches!(
            behaviour(busybox, &s(&["frobnicate"]), &[]),
            Behaviour::StartError(_)
        ));
    }
}
