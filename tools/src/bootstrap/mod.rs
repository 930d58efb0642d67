//! The data a fresh cluster is built from, kept in the module the browser loads after
//! the first paint (the cluster is built once it is in): the RBAC bootstrap policy with
//! kubeadm's RBAC objects (`rbac.json`; its README says where the facts come from) and
//! the add-ons kubeadm and the labs install in kube-system (kube-proxy, CoreDNS,
//! metrics-server), the documentation's examples and the Vertical Pod Autoscaler's
//! manifests (served offline for `kubectl apply -f URL`).

pub mod node;

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
        // The Vertical Pod Autoscaler 1.7.1's deploy/ folder, by file name.
        "vpa/vpa-v1-crd-gen.yaml" => include_str!("vpa/vpa-v1-crd-gen.yaml"),
        "vpa/vpa-rbac.yaml" => include_str!("vpa/vpa-rbac.yaml"),
        "vpa/recommender-deployment.yaml" => include_str!("vpa/recommender-deployment.yaml"),
        "vpa/updater-deployment.yaml" => include_str!("vpa/updater-deployment.yaml"),
        "vpa/admission-controller-deployment.yaml" => {
            include_str!("vpa/admission-controller-deployment.yaml")
        }
        "vpa/admission-controller-service.yaml" => {
            include_str!("vpa/admission-controller-service.yaml")
        }
        _ => return None,
    })
}
