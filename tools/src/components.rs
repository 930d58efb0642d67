//! The control plane's programs as their containers run them (kube-apiserver,
//! kube-controller-manager, kube-scheduler, etcd): the command line parsed as each
//! program's flag parser parses it (the flags and their kinds from its table), the files
//! its flags name looked for on the node (kubeadm's manifests mount them from the host),
//! and the API server's etcd reached or not. A failure is what the program prints
//! before it exits, and when.

use serde::{Deserialize, Serialize};

use crate::klog::quote;

/// Milliseconds.
type Millis = i64;
const SECOND: Millis = 1000;

/// A line a failing program prints (to stderr): plain, or a klog line stamped when it is
/// printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Printed {
    Plain(String),
    Klog {
        level: char,
        source: String,
        msg: String,
    },
}

/// How a program fails: after how long, with which exit code, printing what (each line
/// with its time after the start).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub after: Millis,
    pub code: i32,
    pub lines: Vec<(Millis, Printed)>,
}

/// The programs this module knows, by the image's (or command's) name.
pub const PROGRAMS: &[&str] = &[
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "etcd",
];

/// A program about to start on a node: its name and arguments (the words after its
/// name), the node's address, whether etcd answers there, the paths among its
/// arguments that exist on the node, and the Kubernetes version it reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Start {
    pub program: String,
    pub args: Vec<String>,
    pub ip: String,
    pub etcd_up: bool,
    pub existing: Vec<String>,
    pub version: String,
}

impl Start {
    fn has(&self, path: &str) -> bool {
        self.existing.iter().any(|p| p == path)
    }
}

/// The paths a program's arguments name (`--flag=/path`, or a word that is one), which
/// the caller says exist or not.
pub fn paths(args: &[String]) -> Vec<&str> {
    args.iter()
        .map(|a| a.split_once('=').map_or(a.as_str(), |(_, v)| v))
        .filter(|v| v.starts_with('/'))
        .collect()
}

fn klog(level: char, source: &str, msg: impl Into<String>) -> Printed {
    Printed::Klog {
        level,
        source: source.to_string(),
        msg: msg.into(),
    }
}

fn fail(code: i32, lines: Vec<(Millis, Printed)>) -> Option<Failure> {
    let after = lines.last().map_or(0, |(t, _)| *t) + 20;
    Some(Failure { after, code, lines })
}

/// Go's `strconv` verdict on `v` as `kind`, or the error pflag wraps.
fn check_value(kind: &str, v: &str) -> Result<(), String> {
    let syntax = |f: &str| format!("strconv.{f}: parsing {v:?}: invalid syntax");
    let range = |f: &str| format!("strconv.{f}: parsing {v:?}: value out of range");
    let int = |bits: u32| -> Result<(), String> {
        let n: i128 = v.parse().map_err(|_| syntax("ParseInt"))?;
        let max = (1i128 << (bits - 1)) - 1;
        if n > max || n < -max - 1 {
            return Err(range("ParseInt"));
        }
        Ok(())
    };
    let uint = |bits: u32| -> Result<(), String> {
        let n: u128 = v.parse().map_err(|_| syntax("ParseUint"))?;
        if n >= 1u128 << bits {
            return Err(range("ParseUint"));
        }
        Ok(())
    };
    match kind {
        "int" | "int64" => int(64),
        "int32" => int(32),
        "uint" | "uint64" | "Level" => uint(64),
        "uint32" => uint(32),
        "uint16" => uint(16),
        "float32" | "float64" => v.parse::<f64>().map(drop).map_err(|_| syntax("ParseFloat")),
        "bool" => match v {
            "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false"
            | "False" => Ok(()),
            _ => Err(syntax("ParseBool")),
        },
        "duration" => go_duration(v).map(drop),
        "ip" => v
            .parse::<std::net::IpAddr>()
            .map(drop)
            .map_err(|_| format!("failed to parse IP: {v:?}")),
        _ => Ok(()),
    }
}

/// Go's `time.ParseDuration`: milliseconds, or its error.
fn go_duration(s: &str) -> Result<f64, String> {
    let invalid = || format!("time: invalid duration {s:?}");
    let mut rest = s.strip_prefix(['-', '+']).unwrap_or(s);
    if rest == "0" {
        return Ok(0.0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..n].parse().map_err(|_| invalid())?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..u];
        rest = &rest[u..];
        let scale = match unit {
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 6e4,
            "h" => 3.6e6,
            other => return Err(format!("time: unknown unit {other:?} in duration {s:?}")),
        };
        total += number * scale;
    }
    Ok(total)
}

/// A flag table: name and kind per line (`#` lines are comments).
fn kinds(table: &str) -> Vec<(&str, &str)> {
    table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            Some((cols.next()?, cols.next().unwrap_or("string")))
        })
        .collect()
}

/// etcd's usage, as its flag set prints it after a parse error.
const ETCD_USAGE: &str = "Usage:

  etcd [flags]
    Start an etcd server.

  etcd --version
    Show the version of etcd.

  etcd -h | --help
    Show the help information about etcd.

  etcd --config-file
    Path to the server configuration file. Note that if a configuration file is provided, other command line flags and environment variables will be ignored.

  etcd gateway
    Run the stateless pass-through etcd TCP connection forwarding proxy.

  etcd grpc-proxy
    Run the stateless etcd v3 gRPC L7 reverse proxy.
";

/// Parses `args` as pflag does for `program`; the first error as pflag words it.
fn parse_pflag(
    program: &str,
    args: &[String],
    kinds: &[(&str, &str)],
) -> Result<Vec<(String, String)>, String> {
    let kind_of = |name: &str| kinds.iter().find(|(n, _)| *n == name).map(|(_, k)| *k);
    let mut values = vec![];
    let mut positional = vec![];
    let mut words = args.iter();
    while let Some(w) = words.next() {
        if w == "--" {
            positional.extend(words.by_ref().cloned());
            break;
        }
        if let Some(body) = w.strip_prefix("--") {
            if body.is_empty() || body.starts_with('-') || body.starts_with('=') {
                return Err(format!("bad flag syntax: {w}"));
            }
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(kind) = kind_of(name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let value = match (kind, inline) {
                (_, Some(v)) => v,
                ("bool", None) => "true".into(),
                (_, None) => words
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("flag needs an argument: --{name}"))?,
            };
            let shown = if name == "v" {
                "-v, --v".to_string()
            } else {
                format!("--{name}")
            };
            check_value(kind, &value)
                .map_err(|e| format!("invalid argument {value:?} for {shown:?} flag: {e}"))?;
            values.push((name.to_string(), value));
        } else if let Some(body) = w.strip_prefix('-').filter(|b| !b.is_empty()) {
            // Shorthands: only -v (and -h) exist.
            let c = body.chars().next().unwrap_or('-');
            if c != 'v' && c != 'h' {
                return Err(format!("unknown shorthand flag: '{c}' in {w}"));
            }
            if c == 'v' {
                let value = match body[1..].strip_prefix('=') {
                    Some(v) => v.to_string(),
                    None if body.len() > 1 => body[1..].to_string(),
                    None => words
                        .next()
                        .cloned()
                        .ok_or_else(|| "flag needs an argument: 'v' in -v".to_string())?,
                };
                check_value("Level", &value)
                    .map_err(|e| format!("invalid argument {value:?} for \"-v, --v\" flag: {e}"))?;
                values.push(("v".into(), value));
            }
        } else {
            positional.push(w.clone());
        }
    }
    if !positional.is_empty() {
        let list: Vec<String> = positional.iter().map(|p| format!("{p:?}")).collect();
        return Err(format!(
            "{program:?} does not take any arguments, got [{}]",
            list.join(" ")
        ));
    }
    Ok(values)
}

/// Parses etcd's arguments as Go's flag package does; the error and exit code 2.
fn parse_etcd(args: &[String], kinds: &[(&str, &str)]) -> Result<(), String> {
    let kind_of = |name: &str| kinds.iter().find(|(n, _)| *n == name).map(|(_, k)| *k);
    let mut words = args.iter();
    while let Some(w) = words.next() {
        let Some(body) = w.strip_prefix("--").or_else(|| w.strip_prefix('-')) else {
            // The first word that is not a flag ends the flags.
            return Ok(());
        };
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        match (kind_of(name), inline) {
            (None, _) => return Err(format!("flag provided but not defined: -{name}")),
            (Some("bool"), Some(v)) if check_value("bool", v).is_err() => {
                return Err(format!(
                    "invalid boolean value {v:?} for -{name}: parse error"
                ))
            }
            (Some("bool"), _) => {}
            (Some(_), Some(_)) => {}
            (Some(_), None) => {
                if words.next().is_none() {
                    return Err(format!("flag needs an argument: -{name}"));
                }
            }
        }
    }
    Ok(())
}

/// The flags naming files a program reads as it starts, in the order it reads them,
/// with how its error words a missing one.
fn file_flags(program: &str) -> &'static [(&'static str, &'static str)] {
    match program {
        "kube-apiserver" => &[
            ("service-account-signing-key-file", "failed to parse service-account-issuer-key-file: open {}: no such file or directory"),
            ("client-ca-file", "open {}: no such file or directory"),
            ("tls-cert-file", "open {}: no such file or directory"),
            ("tls-private-key-file", "open {}: no such file or directory"),
            ("requestheader-client-ca-file", "open {}: no such file or directory"),
            ("service-account-key-file", "open {}: no such file or directory"),
            ("etcd-certfile", "open {}: no such file or directory"),
            ("etcd-keyfile", "open {}: no such file or directory"),
            ("etcd-cafile", "open {}: no such file or directory"),
            ("kubelet-client-certificate", "open {}: no such file or directory"),
            ("kubelet-client-key", "open {}: no such file or directory"),
            ("proxy-client-cert-file", "open {}: no such file or directory"),
            ("proxy-client-key-file", "open {}: no such file or directory"),
        ],
        "kube-controller-manager" => &[
            ("kubeconfig", "stat {}: no such file or directory"),
            ("authentication-kubeconfig", "failed to get delegated authentication kubeconfig: stat {}: no such file or directory"),
            ("authorization-kubeconfig", "failed to get delegated authorization kubeconfig: stat {}: no such file or directory"),
            ("client-ca-file", "unable to load client CA provider: open {}: no such file or directory"),
            ("requestheader-client-ca-file", "unable to load request-header-client-ca-file: open {}: no such file or directory"),
        ],
        "kube-scheduler" => &[
            ("config", "open {}: no such file or directory"),
            ("kubeconfig", "stat {}: no such file or directory"),
            ("authentication-kubeconfig", "failed to get delegated authentication kubeconfig: stat {}: no such file or directory"),
            ("authorization-kubeconfig", "failed to get delegated authorization kubeconfig: stat {}: no such file or directory"),
        ],
        _ => &[],
    }
}

/// Why the API server cannot reach etcd at `servers` (its `--etcd-servers`), as gRPC's
/// transport says, or None when it can.
fn etcd_unreachable(servers: &str, node: &Start) -> Option<(String, String)> {
    let first = servers.split(',').next().unwrap_or("");
    let (scheme, rest) = first.split_once("://").unwrap_or(("", first));
    let addr = rest.trim_end_matches('/');
    let (host, port) = addr.rsplit_once(':').unwrap_or((addr, ""));
    let local = ["127.0.0.1", "localhost", node.ip.as_str()].contains(&host);
    let desc = if !["http", "https"].contains(&scheme) {
        format!(
            "transport: Error while dialing: dial tcp: address {first}: too many colons in address"
        )
    } else if local && port == "2379" && node.etcd_up {
        if scheme == "https" {
            return None;
        }
        format!("error reading server preface: read tcp 127.0.0.1:48370->{addr}: read: connection reset by peer")
    } else if local {
        format!("transport: Error while dialing: dial tcp {addr}: connect: connection refused")
    } else {
        format!("transport: Error while dialing: dial tcp {addr}: i/o timeout")
    };
    let shown = if ["http", "https"].contains(&scheme) {
        addr.to_string()
    } else {
        first.to_string()
    };
    Some((shown, desc))
}

/// How a program fails to start, or None when it starts and runs (or is not one of the
/// control plane's).
pub fn check(node: &Start) -> Option<Failure> {
    let (program, args) = (node.program.as_str(), &node.args);
    let kinds = kinds(crate::flags::table(program)?);
    if program == "etcd" {
        return parse_etcd(args, &kinds).err().and_then(|e| {
            fail(
                2,
                vec![
                    (0, Printed::Plain(e)),
                    (0, Printed::Plain(ETCD_USAGE.into())),
                ],
            )
        });
    }
    let values = match parse_pflag(program, args, &kinds) {
        Ok(v) => v,
        Err(e) => return fail(1, vec![(0, Printed::Plain(format!("Error: {e}")))]),
    };
    let value = |name: &str| {
        values
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let version = &node.version;
    let mut lines: Vec<(Millis, Printed)> = match program {
        "kube-apiserver" => vec![
            (
                0,
                klog(
                    'I',
                    "options.go:238",
                    format!(
                        "external host was not specified, using {}",
                        value("advertise-address").unwrap_or(&node.ip)
                    ),
                ),
            ),
            (1, klog('I', "server.go:143", format!("Version: {version}"))),
            (
                1,
                klog(
                    'I',
                    "server.go:145",
                    "\"Golang settings\" GOGC=\"\" GOMAXPROCS=\"\" GOTRACEBACK=\"\"",
                ),
            ),
        ],
        _ => vec![(
            300,
            klog(
                'I',
                "serving.go:386",
                "Generated self-signed cert in-memory",
            ),
        )],
    };
    for (flag, message) in file_flags(program) {
        if let Some(path) = value(flag).filter(|p| !p.is_empty() && !node.has(p)) {
            lines.push((
                400,
                klog(
                    'E',
                    "run.go:72",
                    format!(
                        "\"command failed\" err={}",
                        quote(&message.replace("{}", path))
                    ),
                ),
            ));
            return fail(1, lines);
        }
    }
    if program == "kube-apiserver" {
        if let Some((addr, desc)) = etcd_unreachable(value("etcd-servers").unwrap_or(""), node) {
            // gRPC retries with back-off; the lease storage gives up after 20 s.
            for (i, t) in [500, 1_500, 3_100, 5_700, 9_800, 16_400].iter().enumerate() {
                let msg = format!(
                    "[core] [Channel #{} SubChannel #{}]grpc: addrConn.createTransport failed to connect to {{Addr: {addr:?}, ServerName: {addr:?}, }}. Err: connection error: desc = {desc:?}",
                    1 + 2 * i,
                    2 + 2 * i
                );
                lines.push((*t, klog('W', "logging.go:55", msg)));
            }
            lines.push((20 * SECOND + 500, klog('F', "instance.go:233", "Error creating leases: error creating storage factory: context deadline exceeded")));
            return fail(255, lines);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_values() {
        assert!(check_value("duration", "1h30m").is_ok());
        assert_eq!(
            check_value("duration", "1hour"),
            Err("time: unknown unit \"hour\" in duration \"1hour\"".into())
        );
        assert_eq!(
            check_value("int32", "9999999999"),
            Err("strconv.ParseInt: parsing \"9999999999\": value out of range".into())
        );
        assert_eq!(
            check_value("bool", "yes"),
            Err("strconv.ParseBool: parsing \"yes\": invalid syntax".into())
        );
    }
}
