//! The data a fresh cluster is built from, kept in the module the browser loads after
//! the first paint (the cluster is built once it is in): the RBAC bootstrap policy with
//! kubeadm's RBAC objects (`rbac.json`; its README says where the facts come from) and
//! the add-ons kubeadm and the labs install in kube-system (kube-proxy, CoreDNS,
//! metrics-server).

/// One of the files by name.
pub fn file(name: &str) -> Option<&'static str> {
    Some(match name {
        "rbac.json" => include_str!("rbac.json"),
        "kube-proxy.yaml" => include_str!("kube-proxy.yaml"),
        "coredns.yaml" => include_str!("coredns.yaml"),
        "metrics-server.yaml" => include_str!("metrics-server.yaml"),
        // The Kubernetes documentation's examples, by their path under k8s.io/examples.
        "examples/pods/simple-pod.yaml" => include_str!("examples/simple-pod.yaml"),
        "examples/application/deployment.yaml" => {
            include_str!("examples/application-deployment.yaml")
        }
        "examples/application/php-apache.yaml" => {
            include_str!("examples/application-php-apache.yaml")
        }
        "examples/application/hpa/php-apache.yaml" => {
            include_str!("examples/application-hpa-php-apache.yaml")
        }
        "examples/controllers/nginx-deployment.yaml" => {
            include_str!("examples/controllers-nginx-deployment.yaml")
        }
        "examples/service/nginx-service.yaml" => {
            include_str!("examples/service-nginx-service.yaml")
        }
        _ => return None,
    })
}
