//! `kubectl create secret docker-registry NAME --docker-username --docker-password
//! [--docker-server] [--docker-email]` (or `--from-file`): a `.dockerconfigjson` secret.

use base64::Engine;
use serde_json::json;

use super::super::flags::Parsed;
use super::super::{fail, Ctx};
use super::{output_options, send};
use crate::command::CmdResult;

/// Docker Hub, the server kubectl assumes.
const DEFAULT_SERVER: &str = "https://index.docker.io/v1/";

pub fn run(p: &Parsed, ctx: &mut Ctx<'_>, name: &str) -> CmdResult {
    if let Err(e) = output_options(p) {
        return e;
    }
    let b64 = |s: &[u8]| base64::engine::general_purpose::STANDARD.encode(s);
    let user = p.get("docker-username").unwrap_or("");
    let password = p.get("docker-password").unwrap_or("");
    let server = p.get("docker-server").unwrap_or(DEFAULT_SERVER);
    let files = p.all("from-file");
    if files.is_empty() && (user.is_empty() || password.is_empty() || server.is_empty()) {
        return fail("error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required");
    }
    let mut data = serde_json::Map::new();
    if files.is_empty() {
        // Field order as Go marshals DockerConfigEntry (email is omitempty).
        let email = p.get("docker-email").unwrap_or("");
        let auth = b64(format!("{user}:{password}").as_bytes());
        let mut entry = format!(
            "{{\"username\":{},\"password\":{}",
            json!(user),
            json!(password)
        );
        if !email.is_empty() {
            entry.push_str(&format!(",\"email\":{}", json!(email)));
        }
        entry.push_str(&format!(",\"auth\":{}}}", json!(auth)));
        let config = format!("{{\"auths\":{{{}:{entry}}}}}", json!(server));
        data.insert(".dockerconfigjson".into(), json!(b64(config.as_bytes())));
    } else {
        // A file without a key name is the .dockerconfigjson itself.
        for source in files {
            let (key, path) = source
                .split_once('=')
                .unwrap_or((".dockerconfigjson", &source));
            let full = crate::shell::fs::resolve(ctx.cwd, path);
            let Some(text) = ctx.fs().read(&full) else {
                return fail(format!(
                    "error: error reading {path}: no such file or directory"
                ));
            };
            data.insert(key.to_string(), json!(b64(text.as_bytes())));
        }
    }
    let obj = json!({
        "kind": "Secret", "apiVersion": "v1",
        "metadata": {"name": name},
        "data": data,
        "type": "kubernetes.io/dockerconfigjson",
    });
    send(
        p,
        ctx,
        ("", "secrets", "secret", "failed to create secret "),
        name,
        obj,
    )
}
