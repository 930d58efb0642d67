//! The kubelet's container logs (`/containerLogs/NS/POD/CONTAINER`): which instance of
//! the container a request reaches (the running one, the last that ended, or with
//! `previous` the one before), or why there is none yet; then its lines since, tailed,
//! timestamped and cut as asked.

use super::script::Line;
use super::{images, process, script, volumes, Container, Kubelet, PodRuntime, State};
use crate::apiserver::pod_log::{KubeletError, Kubelets, LogOptions};
use crate::clock::{Millis, SECOND};
use kubarium_tools::components::Printed;

/// RFC 3339 with nine fractional digits, as the kubelet writes `--timestamps`.
pub(super) fn rfc3339_nano(t: Millis) -> String {
    let micro = crate::events::micro_time(t);
    format!("{}000Z", micro.trim_end_matches('Z'))
}

fn bad(msg: String) -> KubeletError {
    KubeletError::Status(400, msg)
}

impl Container {
    /// The instance a log request reaches: when it started and until when it wrote
    /// (validateContainerLogStatus).
    fn log_instance(
        &self,
        pod: &str,
        previous: bool,
        now: Millis,
    ) -> Result<(Millis, Millis), KubeletError> {
        let name = &self.name;
        let last = self.last.as_ref().map(|t| (t.started_at, t.finished_at));
        if previous {
            return last.ok_or_else(|| {
                bad(format!(
                    "previous terminated container \"{name}\" in pod \"{pod}\" not found"
                ))
            });
        }
        match &self.state {
            State::Running { started_at, .. } => Ok((*started_at, now)),
            State::Terminated(t) => Ok((t.started_at, t.finished_at)),
            State::Waiting { reason, .. } => match last {
                Some(instance) => Ok(instance),
                None => Err(bad(format!(
                    "container \"{name}\" in pod \"{pod}\" is waiting to start: {}",
                    match reason.as_str() {
                        "ErrImagePull" => "image can't be pulled",
                        "ImagePullBackOff" => "trying and failing to pull image",
                        r => r,
                    }
                ))),
            },
        }
    }

    /// What the instance that started at `from` printed until `until`, with `shared`
    /// written by the pod's other containers into volumes it shares with them.
    fn lines(&self, from: Millis, until: Millis, shared: &[script::Write]) -> Vec<Line> {
        if let Some(crash) = &self.crash {
            return crash
                .iter()
                .filter(|(at, _)| from + at <= until)
                .enumerate()
                .flat_map(|(i, (at, printed))| {
                    let text = match printed {
                        Printed::Plain(t) => t.clone(),
                        Printed::Klog { level, source, msg } => crate::klog::line(
                            *level,
                            from + at,
                            137 + 211 * i as u64,
                            1,
                            source,
                            msg,
                        ),
                    };
                    text.lines()
                        .map(|l| Line {
                            at: *at,
                            stderr: true,
                            text: l.to_string(),
                        })
                        .collect::<Vec<_>>()
                })
                .collect();
        }
        let Ok(image) = images::pull(&self.image) else {
            return vec![];
        };
        let tag = images::parse_reference(&self.image).tag;
        let (command, args) = self.command_line();
        process::output(
            image,
            &tag,
            &command,
            &args,
            self.context_with(shared),
            from,
            until - from,
        )
    }
}

impl Kubelet {
    /// What the instance of container `c` of the pod `rt` that started at `from`
    /// printed until `until`.
    pub(super) fn printed(
        &self,
        rt: &PodRuntime,
        c: &Container,
        from: Millis,
        until: Millis,
    ) -> Vec<Line> {
        let changes = self.exec_changes.borrow();
        let shared = volumes::shared_writes(rt, c, from, &changes, until);
        c.lines(from, until, &shared)
    }

    /// A container's log as the kubelet serves it.
    pub fn container_logs(
        &self,
        namespace: &str,
        pod: &str,
        opts: &LogOptions,
        now: Millis,
    ) -> Result<String, KubeletError> {
        let rt = self
            .pods
            .get(&format!("{namespace}/{pod}"))
            .ok_or_else(|| KubeletError::Status(404, format!("pod \"{pod}\" does not exist")))?;
        let c = rt.all().find(|c| c.name == opts.container).ok_or_else(|| {
            KubeletError::Status(
                404,
                format!(
                    "container \"{}\" not found in pod \"{pod}\"",
                    opts.container
                ),
            )
        })?;
        let (from, until) = c.log_instance(pod, opts.previous, now)?;
        let since = opts
            .since_seconds
            .map(|s| now - s * SECOND)
            .into_iter()
            .chain(opts.since_time)
            .max();
        let mut lines: Vec<(Millis, String)> = self
            .printed(rt, c, from, until)
            .into_iter()
            .map(|l| (from + l.at, l.text))
            .collect();
        // What its terminal showed, for a container with one.
        let id = if opts.previous {
            &c.last_id
        } else {
            &c.container_id
        };
        if let Some((_, shown)) = self.terminal.borrow().get(id) {
            lines.extend(
                shown
                    .iter()
                    .filter(|(at, _)| (from..=until).contains(at))
                    .cloned(),
            );
            crate::sort::by_key(&mut lines, |(at, _)| *at);
        }
        lines.retain(|(at, _)| since.is_none_or(|s| *at >= s));
        if let Some(n) = opts.tail_lines {
            let keep = usize::try_from(n).unwrap_or(0);
            let skip = lines.len().saturating_sub(keep);
            lines.drain(..skip);
        }
        let mut text = String::new();
        for (at, line) in lines {
            if opts.timestamps {
                text.push_str(&rfc3339_nano(at));
                text.push(' ');
            }
            text.push_str(&line);
            text.push('\n');
        }
        if let Some(limit) = opts.limit_bytes.and_then(|n| usize::try_from(n).ok()) {
            if text.len() > limit {
                let mut cut = limit;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
            }
        }
        Ok(text)
    }
}

impl Kubelets for Vec<Kubelet> {
    fn container_logs(
        &self,
        node: &str,
        namespace: &str,
        pod: &str,
        opts: &LogOptions,
        now: Millis,
    ) -> Result<String, KubeletError> {
        match self.iter().find(|k| k.node == node) {
            Some(k) if k.powered_off() => Err(KubeletError::Unreachable),
            Some(k) if k.running() => k.container_logs(namespace, pod, opts, now),
            _ => Err(KubeletError::Refused),
        }
    }

    fn exec(
        &self,
        node: &str,
        target: (&str, &str, &str),
        command: &[String],
        stdin: Option<String>,
        now: Millis,
    ) -> Result<super::ExecOutput, KubeletError> {
        match self.iter().find(|k| k.node == node) {
            Some(k) if k.powered_off() => Err(KubeletError::Unreachable),
            Some(k) => k.exec(target, command, stdin, now),
            None => Err(KubeletError::Refused),
        }
    }

    fn attach(
        &self,
        node: &str,
        target: (&str, &str, &str),
        line: &str,
        now: Millis,
    ) -> Result<(super::ExecOutput, bool), KubeletError> {
        match self.iter().find(|k| k.node == node) {
            Some(k) if k.powered_off() => Err(KubeletError::Unreachable),
            Some(k) if k.running() => k.attach(target, line, now),
            _ => Err(KubeletError::Refused),
        }
    }
}
