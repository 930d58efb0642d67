//! `kubectl create secret docker-registry` (a `.dockerconfigjson` from the flags or
//! `--from-file`) and `create secret tls` (a key pair Go's `tls.X509KeyPair` accepts).

use base64::Engine;
use serde_json::{json, Map};

use super::{Generated, Request};
use crate::fs::resolve;
use crate::tls::{check_key_pair, KeyPairError};

/// Docker Hub, the server kubectl assumes.
const DEFAULT_SERVER: &str = "https://index.docker.io/v1/";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn secret(obj: serde_json::Value) -> Generated {
    Generated::new(obj, "", "secrets", "secret", "failed to create secret ")
}

pub fn docker_registry(request: &Request) -> Result<Generated, String> {
    let p = &request.flags;
    let user = p.get("docker-username").unwrap_or("");
    let password = p.get("docker-password").unwrap_or("");
    let server = p.get("docker-server").unwrap_or(DEFAULT_SERVER);
    let files = p.all("from-file");
    if files.is_empty() && (user.is_empty() || password.is_empty() || server.is_empty()) {
        return Err("error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required".into());
    }
    let mut data = Map::new();
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
        let fs = request.fs.clone().unwrap_or_default();
        // A file without a key name is the .dockerconfigjson itself.
        for source in files {
            let (key, path) = source
                .split_once('=')
                .unwrap_or((".dockerconfigjson", &source));
            let Some(text) = fs.read(&resolve(&request.cwd, path)) else {
                return Err(format!(
                    "error: error reading {path}: no such file or directory"
                ));
            };
            data.insert(key.to_string(), json!(b64(text.as_bytes())));
        }
    }
    Ok(secret(json!({
        "kind": "Secret", "apiVersion": "v1",
        "metadata": {"name": request.name},
        "data": data,
        "type": "kubernetes.io/dockerconfigjson",
    })))
}

pub fn tls(request: &Request) -> Result<Generated, String> {
    let p = &request.flags;
    let (cert, key) = (p.get("cert").unwrap_or(""), p.get("key").unwrap_or(""));
    if cert.is_empty() || key.is_empty() {
        return Err("error: key and cert must be specified".into());
    }
    let fs = request.fs.clone().unwrap_or_default();
    let read = |path: &str| {
        fs.read(&resolve(&request.cwd, path))
            .map(str::to_string)
            .ok_or_else(|| {
                format!("error: Cannot read file {path}, open {path}: no such file or directory")
            })
    };
    let (cert_pem, key_pem) = (read(cert)?, read(key)?);
    match check_key_pair(&cert_pem, &key_pem) {
        Err(KeyPairError::Go(e)) => return Err(format!("error: {e}")),
        Err(KeyPairError::NotSupported(what)) => {
            return Err(format!(
                "error: \"kubectl create secret tls\" with {what} is not supported in Kubarium yet"
            ))
        }
        Ok(()) => {}
    }
    Ok(secret(json!({
        "kind": "Secret", "apiVersion": "v1",
        "metadata": {"name": request.name},
        "data": {"tls.crt": b64(cert_pem.as_bytes()), "tls.key": b64(key_pem.as_bytes())},
        "type": "kubernetes.io/tls",
    })))
}
