//! `watch [-n SECONDS] [-t] COMMAND`: procps' watch, the command run every interval of
//! the cluster's time on a cleared screen under its title line, until Ctrl-C (in a
//! script, until the next line).

use crate::clock::Millis;
use crate::cluster::Cluster;
use crate::command::{CmdResult, Output};

/// The terminal width the title is laid out for.
const COLUMNS: usize = 80;

/// A running `watch`.
#[derive(Debug, Clone)]
pub struct Watch {
    /// The command, as `sh -c` runs it.
    pub command: String,
    interval: Millis,
    title: bool,
    /// When it runs next.
    pub next: Millis,
}

impl Watch {
    /// Reads watch's options; the rest is the command.
    pub fn parse(args: &[String], now: Millis) -> Result<Watch, CmdResult> {
        let mut interval = 2000;
        let mut title = true;
        let mut i = 0;
        let seconds = |value: &str| -> Result<Millis, CmdResult> {
            let secs: f64 = value.replace(',', ".").parse().map_err(|_| {
                CmdResult::fail(format!("watch: failed to parse argument: '{value}'\n"), 1)
            })?;
            // procps takes no less than a tenth of a second.
            Ok((secs.max(0.1) * 1000.0) as Millis)
        };
        while let Some(a) = args.get(i).filter(|a| a.starts_with('-')) {
            match a.split_once('=').map_or(a.as_str(), |(f, _)| f) {
                "-n" | "--interval" => {
                    let value = match a.split_once('=') {
                        Some((_, v)) => v.to_string(),
                        None => {
                            i += 1;
                            args.get(i).cloned().unwrap_or_default()
                        }
                    };
                    interval = seconds(&value)?;
                }
                f if f.starts_with("-n") => interval = seconds(&f[2..])?,
                "-t" | "--no-title" => title = false,
                "--" => {
                    i += 1;
                    break;
                }
                other => {
                    return Err(CmdResult::fail(
                        format!("watch: {other} is not supported in Kubarium yet\n"),
                        1,
                    ))
                }
            }
            i += 1;
        }
        let command = args[i.min(args.len())..].join(" ");
        if command.is_empty() {
            return Err(CmdResult::fail(
                "\nUsage:\n watch [options] command\n\nOptions:\n  -n, --interval <secs>  seconds to wait between updates\n  -t, --no-title         turn off header\n",
                1,
            ));
        }
        Ok(Watch {
            command,
            interval,
            title,
            next: now + interval,
        })
    }

    /// A screen: cleared, the title line (`Every 2.0s: CMD` and, at the right, the host
    /// and time), a blank line, then what the command printed.
    pub fn screen(&self, cluster: &Cluster, printed: Output) -> Output {
        let mut out = Output {
            clear: true,
            ..Output::default()
        };
        if self.title {
            let left = format!(
                "Every {:.1}s: {}",
                self.interval as f64 / 1000.0,
                self.command
            );
            let right = format!(
                "controlplane: {}",
                super::builtins::strftime(cluster, "%a %b %e %H:%M:%S %Y")
            );
            let gap = COLUMNS
                .saturating_sub(left.chars().count() + right.len())
                .max(1);
            out.out(format!("{left}{}{right}\n\n", " ".repeat(gap)));
        }
        out.extend(printed);
        out
    }

    /// Whether it is time to run again; if so, the run after this one is scheduled.
    pub fn due(&mut self, now: Millis) -> bool {
        if now < self.next {
            return false;
        }
        self.next = now + self.interval;
        true
    }
}
