//! What the servers of the registry's images print when they start: nginx's entrypoint
//! and notices, Redis's banner, Apache httpd's notices. Other images' programs print
//! nothing of their own.

use serde::Deserialize;

use crate::time::{civil, Millis, MONTHS, WEEKDAYS};

/// The CPUs of a node: nginx starts one worker per CPU.
const NODE_CPUS: u32 = 2;

/// The release a tag of nginx names, and the compiler its Debian base built it with.
fn nginx_build(tag: &str) -> (String, &'static str) {
    let release = match tag {
        "latest" | "" | "1.29" | "mainline" => "1.29.3",
        "1.28" | "stable" => "1.28.0",
        "1.27" => "1.27.5",
        "1.26" => "1.26.3",
        "1.25" => "1.25.5",
        "1.24" => "1.24.0",
        "1.23" => "1.23.4",
        "1.21" => "1.21.6",
        "1.19" => "1.19.10",
        "1.17" => "1.17.10",
        "1.16" => "1.16.1",
        other => other.split('-').next().unwrap_or(other),
    };
    let minor: u32 = release
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or(29);
    let gcc = match minor {
        29.. => "gcc 14.2.0 (Debian 14.2.0-19) ",
        25..=28 => "gcc 12.2.0 (Debian 12.2.0-14) ",
        21..=24 => "gcc 10.2.1 20210110 (Debian 10.2.1-6) ",
        _ => "gcc 8.3.0 (Debian 8.3.0-6) ",
    };
    (release.to_string(), gcc)
}

/// A line printed `at` milliseconds after the start, on standard output or error.
pub type Line = (Millis, bool, String);

fn out(at: Millis, text: impl Into<String>) -> Line {
    (at, false, text.into())
}

fn err(at: Millis, text: impl Into<String>) -> Line {
    (at, true, text.into())
}

/// A server's start.
#[derive(Deserialize)]
pub struct Start {
    pub repository: String,
    pub tag: String,
    /// Through the image's entrypoint script rather than run directly.
    pub entrypoint: bool,
    /// When it starts (Unix milliseconds).
    pub origin: Millis,
    pub kernel: String,
}

/// What the image's server prints as it starts.
pub fn startup(r: &Start) -> Vec<Line> {
    let (tag, entrypoint, origin) = (r.tag.as_str(), r.entrypoint, r.origin);
    let secs = origin.div_euclid(1000);
    let c = civil(secs);
    let mut lines = vec![];
    match r.repository.as_str() {
        "nginx" => {
            if entrypoint {
                let e = "/docker-entrypoint.sh";
                let v6 = "10-listen-on-ipv6-by-default.sh: info:";
                let conf = "/etc/nginx/conf.d/default.conf";
                for (i, text) in [
                    format!("{e}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"),
                    format!("{e}: Looking for shell scripts in /docker-entrypoint.d/"),
                    format!("{e}: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh"),
                    format!("{v6} Getting the checksum of {conf}"),
                    format!("{v6} Enabled listen on IPv6 in {conf}"),
                    format!("{e}: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh"),
                    format!("{e}: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh"),
                    format!("{e}: Launching /docker-entrypoint.d/30-tune-worker-processes.sh"),
                    format!("{e}: Configuration complete; ready for start up"),
                ]
                .into_iter()
                .enumerate()
                {
                    lines.push(out(i as Millis, text));
                }
            }
            let (release, gcc) = nginx_build(tag);
            let stamp = format!(
                "{}/{:02}/{:02} {:02}:{:02}:{:02} [notice] 1#1:",
                c.year, c.month, c.day, c.hour, c.minute, c.second
            );
            let mut notices = vec![
                "using the \"epoll\" event method".to_string(),
                format!("nginx/{release}"),
                format!("built by {gcc}"),
                format!("OS: Linux {}", r.kernel),
                "getrlimit(RLIMIT_NOFILE): 1048576:1048576".into(),
                "start worker processes".into(),
            ];
            notices.extend((0..NODE_CPUS).map(|i| format!("start worker process {}", 29 + i)));
            for n in notices {
                lines.push(err(20, format!("{stamp} {n}")));
            }
        }
        "redis" => {
            let ms = origin.rem_euclid(1000);
            let stamp = |role: char, extra: Millis| {
                format!(
                    "1:{role} {:02} {} {} {:02}:{:02}:{:02}.{:03}",
                    c.day,
                    MONTHS[(c.month - 1) as usize],
                    c.year,
                    c.hour,
                    c.minute,
                    c.second,
                    (ms + extra).min(999)
                )
            };
            let version = match tag {
                t if t.starts_with('6') => "6.2.17",
                t if t.starts_with("7.2") => "7.2.7",
                t if t.starts_with('7') => "7.4.1",
                _ => "8.0.2",
            };
            for (role, extra, text) in [
                ('C', 0, "* oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo".to_string()),
                ('C', 0, format!("* Redis version={version}, bits=64, commit=00000000, modified=0, pid=1, just started")),
                ('C', 0, "# Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf".into()),
                ('M', 1, "* monotonic clock: POSIX clock_gettime".into()),
                ('M', 3, "* Running mode=standalone, port=6379.".into()),
                ('M', 3, "* Server initialized".into()),
                ('M', 3, "* Ready to accept connections tcp".into()),
            ] {
                lines.push(out(extra, format!("{} {text}", stamp(role, extra))));
            }
        }
        "httpd" => {
            let stamp = format!(
                "[{} {} {:02} {:02}:{:02}:{:02}.{:06} {}]",
                WEEKDAYS[c.weekday as usize],
                MONTHS[(c.month - 1) as usize],
                c.day,
                c.hour,
                c.minute,
                c.second,
                origin.rem_euclid(1000) * 1000 + 266,
                c.year
            );
            let release = if tag.starts_with("2.4.") {
                tag
            } else {
                "2.4.65"
            };
            lines.push(err(10, format!("{stamp} [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/{release} (Unix) configured -- resuming normal operations")));
            lines.push(err(10, format!("{stamp} [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'")));
        }
        _ => {}
    }
    lines
}
