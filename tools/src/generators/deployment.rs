//! `kubectl create deployment NAME --image=... [--replicas] [--port] [-- COMMAND]`.

use serde_json::{json, Value};

use super::{int_flag, Generated, Parsed};

/// The container name kubectl derives from an image (`registry/path/nginx:1.27` -> nginx).
fn container_name(image: &str) -> String {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split('@').next().unwrap_or(base);
    base.split(':').next().unwrap_or(base).to_string()
}

pub fn deployment(p: &Parsed, name: &str) -> Result<Generated, String> {
    let replicas = int_flag(p, "replicas", "-r, --replicas", "create deployment")?.unwrap_or(1);
    let port = int_flag(p, "port", "--port", "create deployment")?;
    let images = p.all("image");
    if images.len() > 1 && !p.rest.is_empty() {
        return Err("error: cannot specify multiple --image options and command".into());
    }
    let containers: Vec<Value> = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let mut c = json!({"name": container_name(image), "image": image, "resources": {}});
            if !p.rest.is_empty() {
                c["command"] = json!(p.rest);
            }
            // The port goes to the first container only.
            if let Some(port) = port.filter(|_| i == 0) {
                c["ports"] = json!([{"containerPort": port}]);
            }
            c
        })
        .collect();
    let labels = json!({"app": name});
    let obj = json!({
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}},
            "strategy": {},
        },
        "status": {},
    });
    Ok(Generated::new(
        obj,
        "apps",
        "deployments",
        "deployment.apps",
        "failed to create deployment: ",
    ))
}
