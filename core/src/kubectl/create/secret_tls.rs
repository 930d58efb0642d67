//! `kubectl create secret tls NAME --cert=FILE --key=FILE`: a `kubernetes.io/tls` secret,
//! once Go's `tls.X509KeyPair` accepts the two files.

use base64::Engine;
use serde_json::json;

use super::super::flags::Parsed;
use super::super::{fail, Ctx};
use super::{output_options, send};
use crate::command::CmdResult;
use crate::tools::KeyPairError;

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if let Err(e) = output_options(p) {
        return e;
    }
    let (cert, key) = (p.get("cert").unwrap_or(""), p.get("key").unwrap_or(""));
    if cert.is_empty() || key.is_empty() {
        return fail("error: key and cert must be specified");
    }
    let read = |path: &str| {
        ctx.fs()
            .read(&crate::shell::fs::resolve(ctx.cwd, path))
            .ok_or_else(|| {
                fail(format!(
                    "error: Cannot read file {path}, open {path}: no such file or directory"
                ))
            })
    };
    let (cert_pem, key_pem) = match (read(cert), read(key)) {
        (Ok(c), Ok(k)) => (c, k),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    match crate::tools::check_key_pair(cert_pem, key_pem) {
        None => return fail("error: the TLS key pair check is not loaded"),
        Some(Err(KeyPairError::Go(e))) => return fail(format!("error: {e}")),
        Some(Err(KeyPairError::NotSupported(what))) => {
            return fail(format!(
                "error: \"kubectl create secret tls\" with {what} is not supported in Kubarium yet"
            ))
        }
        Some(Ok(())) => {}
    }
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
    let obj = json!({
        "kind": "Secret", "apiVersion": "v1",
        "metadata": {"name": name},
        "data": {"tls.crt": b64(cert_pem), "tls.key": b64(key_pem)},
        "type": "kubernetes.io/tls",
    });
    send(
        p,
        ctx,
        ("", "secrets", "secret", "failed to create secret "),
        name,
        obj,
    )
}
