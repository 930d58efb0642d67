//! The data a fresh cluster is built from, kept in the module the browser loads after
//! the first paint (the cluster is built once it is in): the RBAC bootstrap policy with
//! kubeadm's RBAC objects (`rbac.json`; its README says where the facts come from) and
//! the add-ons kubeadm and the labs install in kube-system (kube-proxy, CoreDNS,
//! metrics-server), the files kubeadm writes on nodes and images bring, the
//! documentation's examples and the Vertical Pod Autoscaler's manifests (served offline
//! for `kubectl apply -f URL`).

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
        // What kubeadm and its packages write on a node (`core/src/host/kubeadm/PATHS.tsv`
        // says where; SOURCES.tsv there says where each comes from).
        "kubeadm/etcd.yaml" => include_str!("kubeadm/etcd.yaml"),
        "kubeadm/kube-apiserver.yaml" => include_str!("kubeadm/kube-apiserver.yaml"),
        "kubeadm/kube-controller-manager.yaml" => {
            include_str!("kubeadm/kube-controller-manager.yaml")
        }
        "kubeadm/kube-scheduler.yaml" => include_str!("kubeadm/kube-scheduler.yaml"),
        "kubeadm/kubelet-config.yaml" => include_str!("kubeadm/kubelet-config.yaml"),
        "kubeadm/kubeadm-flags.env" => include_str!("kubeadm/kubeadm-flags.env"),
        "kubeadm/instance-config.yaml" => include_str!("kubeadm/instance-config.yaml"),
        "kubeadm/10-kubeadm.conf" => include_str!("kubeadm/10-kubeadm.conf"),
        "kubeadm/kubelet.service" => include_str!("kubeadm/kubelet.service"),
        "kubeadm/default-kubelet" => include_str!("kubeadm/default-kubelet"),
        "kubeadm/crictl.yaml" => include_str!("kubeadm/crictl.yaml"),
        // The files images bring (their servers' pages and configuration).
        "images/nginx-index.html" => include_str!("images/nginx-index.html"),
        "images/nginx-50x.html" => include_str!("images/nginx-50x.html"),
        "images/nginx-default.conf" => include_str!("images/nginx-default.conf"),
        "images/httpd-index.html" => include_str!("images/httpd-index.html"),
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
