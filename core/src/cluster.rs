//! The simulated cluster: the API server and every control loop, advanced together in
//! virtual time, and the default cluster shaped like a fresh kubeadm install.

use serde_json::{json, Value};

use crate::apiserver::resources;
use crate::apiserver::ApiServer;
use crate::clock::{to_time, Millis, MINUTE, SECOND};
use crate::controllers::{self, Component, Controller};
use crate::events::{ObjectRef, Recorder, Source};
use crate::host::Host;
use crate::kubelet::Kubelet;
use crate::scheduler::Scheduler;
use crate::shell::fs::Fs;

pub use crate::version::KUBERNETES_VERSION;
/// How often the API server compacts the store's history.
const COMPACTION_INTERVAL: Millis = 5 * MINUTE;

/// A node of the default cluster.
struct NodeSpec<'a> {
    name: &'a str,
    ip: &'a str,
    /// Which /24 of the pod network (10.244.0.0/16, then beyond it for big clusters).
    cidr: u16,
    control_plane: bool,
}

impl NodeSpec<'_> {
    /// The first three octets of its pods' addresses, with the trailing dot.
    fn pod_prefix(&self) -> String {
        format!("10.{}.{}.", 244 + self.cidr / 256, self.cidr % 256)
    }
}

const DEFAULT_NODES: &[NodeSpec<'static>] = &[
    NodeSpec {
        name: "controlplane",
        ip: "172.30.1.2",
        cidr: 0,
        control_plane: true,
    },
    NodeSpec {
        name: "node01",
        ip: "172.30.2.2",
        cidr: 1,
        control_plane: false,
    },
    NodeSpec {
        name: "node02",
        ip: "172.30.2.3",
        cidr: 2,
        control_plane: false,
    },
];

#[derive(Debug, Clone)]
pub struct Cluster {
    pub api: ApiServer,
    pub scheduler: Scheduler,
    pub kubelets: Vec<Kubelet>,
    /// The machines, the first one the control plane's (there is always one: the
    /// learner's shell starts there).
    hosts: Vec<Host>,
    pub recorder: Recorder,
    controllers: Vec<Box<dyn Controller>>,
    compacted_at: Millis,
    compact_next: i64,
    /// Whether some pod serves requests (`traffic`), as last worked out.
    serving: bool,
    /// The add-ons whose pods run, as last looked up.
    add_ons: Vec<&'static str>,
    /// Real time per control loop, when a benchmark asks for it.
    pub loop_times: Option<crate::scale::LoopTimes>,
}

/// How old the default cluster is when it is handed over: twelve minutes after
/// `kubeadm init`.
pub const AGE_AT_START: Millis = 12 * MINUTE;

impl Cluster {
    /// A cluster with nothing in it (no namespaces, no nodes).
    pub fn empty(seed: u64) -> Self {
        Cluster {
            api: ApiServer::new(seed),
            scheduler: Scheduler::new(seed),
            kubelets: vec![],
            hosts: vec![Host::bare(DEFAULT_NODES[0].name, DEFAULT_NODES[0].ip)],
            recorder: Recorder::default(),
            controllers: controllers::defaults(),
            compacted_at: 0,
            compact_next: 0,
            serving: false,
            add_ons: vec![],
            loop_times: None,
        }
    }

    /// The default cluster: a control-plane node and two workers, twelve minutes after
    /// `kubeadm init`, with the system pods running.
    pub fn new(seed: u64) -> Self {
        let mut c = Cluster::empty(seed);
        c.bootstrap();
        c
    }

    pub fn now(&self) -> Millis {
        self.api.now()
    }

    /// A client of the API server as `user`, whose API server reaches the nodes'
    /// kubelets (for a pod's log).
    pub fn client(
        &mut self,
        user: crate::apiserver::request::User,
    ) -> crate::apiserver::client::Client<'_> {
        let mut client = crate::apiserver::client::Client::new(&mut self.api, user);
        client.kubelets = &self.kubelets;
        client
    }

    /// Serves one request as the API server does, its kubelets reachable.
    pub fn handle(
        &mut self,
        req: &crate::apiserver::request::Request,
    ) -> crate::apiserver::rest::Response {
        self.api.handle_with(req, &self.kubelets)
    }

    pub fn hosts(&self) -> &[Host] {
        &self.hosts
    }

    pub fn hosts_mut(&mut self) -> &mut [Host] {
        &mut self.hosts
    }

    /// The machine called `name` (or resolving to it as an address), if there is one.
    pub fn host(&self, name: &str) -> Option<&Host> {
        self.hosts.iter().find(|h| h.name == name || h.ip == name)
    }

    /// The files of machine `name` (the first machine's if there is none by that name).
    pub fn fs(&self, name: &str) -> &Fs {
        let i = self.hosts.iter().position(|h| h.name == name).unwrap_or(0);
        &self.hosts[i].fs
    }

    /// The files of machine `name`, to change (the first machine's if there is none by
    /// that name).
    pub fn fs_mut(&mut self, name: &str) -> &mut Fs {
        let i = self.hosts.iter().position(|h| h.name == name).unwrap_or(0);
        &mut self.hosts[i].fs
    }

    /// Brings machine `name`'s container log files (/var/log/pods, /var/log/containers)
    /// up to date with its runtime, for the learner to read.
    pub fn show_log_files(&mut self, name: &str) {
        use crate::kubelet::log_files::{CONTAINERS_DIR, PODS_DIR};
        let now = self.now();
        let (pods, containers) = self
            .kubelets
            .iter()
            .find(|k| k.node == name)
            .map(|k| k.log_files(now))
            .unwrap_or_default();
        let fs = self.fs_mut(name);
        fs.sync_tree(PODS_DIR, pods);
        fs.sync_tree(CONTAINERS_DIR, containers);
    }

    /// Whether a control-plane component's static pod is running.
    pub fn up(&self, component: Component) -> bool {
        self.kubelets
            .iter()
            .any(|k| k.runs_static(component.binary()))
    }

    /// Which components run, each looked up once: the control plane's, and the add-ons
    /// (which need the API server they talk to) as last looked up.
    fn running(&self) -> Vec<(Component, bool)> {
        let api = self.up(Component::ApiServer);
        let add_ons = self.add_ons.iter().map(|&a| (Component::AddOn(a), api));
        [
            Component::ApiServer,
            Component::ControllerManager,
            Component::Scheduler,
        ]
        .map(|c| (c, self.up(c)))
        .into_iter()
        .chain(add_ons)
        .collect()
    }

    /// Looks up which of the controllers' add-ons have a running pod, and tells each
    /// when it started.
    fn find_add_ons(&mut self) {
        self.add_ons.clear();
        for c in self.controllers.iter_mut() {
            let Component::AddOn(image) = c.component() else {
                continue;
            };
            let mut kubelets = self.kubelets.iter().filter(|k| k.running());
            if let Some((started, argv)) = kubelets.find_map(|k| k.running_image(image)) {
                c.add_on_running(started, &argv);
                self.add_ons.push(image);
            }
        }
    }

    /// Writes into each machine's files what commands run in its containers changed
    /// under hostPath volumes.
    pub fn write_host_paths(&mut self) {
        use crate::kubelet::Change;
        for k in &self.kubelets {
            let changes = k.take_host_writes();
            let Some(host) = self.hosts.iter_mut().find(|h| h.name == k.node) else {
                continue;
            };
            let fs = &mut host.fs;
            for c in changes {
                // A path the node's files cannot hold (under a file) is left out.
                let _ = match c {
                    Change::Made { path, file: false } => fs.mkdir(&path, true),
                    Change::Made { path, file: true } if fs.exists(&path) => Ok(()),
                    Change::Made { path, .. } => fs
                        .mkdir(&crate::shell::fs::parent(&path), true)
                        .and_then(|()| fs.write(&path, "", false)),
                    Change::Wrote { path, text } => fs
                        .mkdir(&crate::shell::fs::parent(&path), true)
                        .and_then(|()| fs.write(&path, &text, false)),
                    Change::Removed(path) => {
                        fs.remove(&path);
                        Ok(())
                    }
                };
            }
        }
    }

    /// Runs every control loop at the current instant until nothing changes. The
    /// scheduler and the controllers run only while their component's pod runs.
    pub fn settle(&mut self) {
        self.write_host_paths();
        self.run_systemd();
        self.boot_due();
        self.find_add_ons();
        for _ in 0..64 {
            let before = self.api.store.revision();
            let running = self.running();
            let mut timer = self.loop_times.as_mut().map(|t| t.start(&self.api));
            if running.contains(&(Component::Scheduler, true)) {
                self.scheduler.sync(&mut self.api, &mut self.recorder);
                timer.iter_mut().for_each(|t| t.lap("scheduler", &self.api));
            }
            for k in self.kubelets.iter_mut() {
                let files = match self.hosts.iter().find(|h| h.name == k.node) {
                    Some(h) => &h.fs,
                    None => continue,
                };
                k.sync(&mut self.api, &mut self.recorder, files);
            }
            timer.iter_mut().for_each(|t| t.lap("kubelets", &self.api));
            let now = self.api.now();
            self.api.metrics_server.sync(&self.kubelets, now);
            timer
                .iter_mut()
                .for_each(|t| t.lap("metrics-server", &self.api));
            for c in self.controllers.iter_mut() {
                if running.contains(&(c.component(), true)) {
                    c.sync(&mut self.api, &mut self.recorder);
                    timer.iter_mut().for_each(|t| t.lap(c.name(), &self.api));
                }
            }
            if self.api.store.revision() == before {
                break;
            }
        }
        self.route_requests();
        self.collect_logs();
    }

    /// Puts the load generators' requests on the pods that serve them.
    fn route_requests(&mut self) {
        let clients = self
            .kubelets
            .iter()
            .any(|k| k.request_loops().next().is_some());
        if !clients && !self.serving {
            return;
        }
        let loads = crate::traffic::loads(&self.api, &self.kubelets);
        let now = self.api.now();
        for k in self.kubelets.iter_mut() {
            k.set_loads(&loads, now);
        }
        self.serving = !loads.is_empty();
    }

    /// The next instant some component has work.
    pub fn next_wake(&self) -> Option<Millis> {
        let running = self.running();
        let scheduler = running
            .contains(&(Component::Scheduler, true))
            .then(|| self.scheduler.next_wake())
            .flatten();
        self.kubelets
            .iter()
            .filter_map(Kubelet::next_wake)
            .chain(self.hosts.iter().filter_map(|h| h.systemd.next_restart()))
            .chain(self.hosts.iter().filter_map(|h| h.boot_at))
            .chain(self.api.metrics_server.next_wake())
            .chain(scheduler)
            .chain(
                self.controllers
                    .iter()
                    .filter(|c| running.contains(&(c.component(), true)))
                    .filter_map(|c| c.next_wake()),
            )
            .min()
    }

    /// Lets `ms` of virtual time pass, with every reaction at its own instant.
    pub fn advance(&mut self, ms: Millis) {
        let target = self.now() + ms.max(0);
        self.advance_until(target, |_| false);
    }

    /// Advances until `done` holds (checked after each step) or time reaches `limit`.
    /// Returns whether `done` held.
    pub fn advance_until(&mut self, limit: Millis, done: impl Fn(&Cluster) -> bool) -> bool {
        self.settle();
        for _ in 0..1_000_000 {
            if done(self) {
                return true;
            }
            let now = self.now();
            match self.next_wake() {
                Some(t) if t <= limit && now < limit => self.api.clock.set(t.max(now + 1)),
                _ => break,
            }
            self.settle();
            self.compact();
        }
        self.api.clock.set(limit);
        self.settle();
        self.compact();
        done(self)
    }

    /// Compacts history older than one interval, as the API server does every 5 minutes;
    /// packs what every component has read.
    fn compact(&mut self) {
        self.api.store.pack(self.api.store.revision());
        if self.now() - self.compacted_at >= COMPACTION_INTERVAL {
            self.api.store.compact(self.compact_next);
            self.compact_next = self.api.store.revision();
            self.compacted_at = self.now();
            self.recorder.forget_missing(&self.api);
        }
    }

    fn bootstrap(&mut self) {
        // The API server's bootstrap policy and kubeadm's RBAC objects: cluster-scoped
        // ones now, namespaced ones once their namespaces exist.
        let (namespaced, cluster): (Vec<_>, Vec<_>) = crate::apiserver::bootstrap::rbac()
            .into_iter()
            .partition(|(r, _)| r.namespaced);
        for (r, obj) in cluster {
            let _ = self.api.create(r, "", obj, false);
        }
        for (name, value) in crate::apiserver::admission::priority::SYSTEM_CLASSES {
            let class = json!({
                "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                "metadata": {"name": name},
                "value": value,
                "description": crate::apiserver::admission::priority::system_description(name),
            });
            let _ = self
                .api
                .create(resources::priority_classes(), "", class, false);
        }
        if let Some(r) = resources::find("apiregistration.k8s.io", "v1", "apiservices") {
            // Their uids come from a stream of their own, so the cluster's other random
            // choices stay what they were before the aggregator's objects existed.
            let side = self.api.rng.clone().next_u64() ^ crate::rng::fnv1a("apiservices");
            let main = std::mem::replace(&mut self.api.rng, crate::rng::Rng::new(side));
            for obj in crate::apiserver::bootstrap::api_services() {
                let _ = self.api.create(r, "", obj, false);
            }
            self.api.rng = main;
        }
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let _ = self.api.create(
                resources::namespaces(),
                "",
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
                false,
            );
        }
        for (r, obj) in namespaced {
            let ns = obj["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let _ = self.api.create(r, &ns, obj, false);
        }
        self.add_node(&DEFAULT_NODES[0]);
        // kubeadm pulled the control plane's images before writing its static pods.
        for component in [
            "kube-apiserver",
            "kube-controller-manager",
            "kube-scheduler",
        ] {
            self.kubelets[0].preload(&format!("registry.k8s.io/{component}:{KUBERNETES_VERSION}"));
        }
        self.kubelets[0].preload(crate::version::ETCD_IMAGE);
        self.kubelets[0].preload(crate::version::PAUSE_IMAGE);
        // kube-apiserver's default ServiceCIDR, from kubeadm's --service-cluster-ip-range.
        if let Some(r) = resources::find("networking.k8s.io", "v1", "servicecidrs") {
            let _ = self.api.create(
                r,
                "",
                json!({
                    "apiVersion": "networking.k8s.io/v1", "kind": "ServiceCIDR",
                    "metadata": {"name": "kubernetes"},
                    "spec": {"cidrs": ["10.96.0.0/12"]},
                    "status": {"conditions": [{"type": "Ready", "status": "True", "reason": "",
                        "message": "Kubernetes default Service CIDR is ready",
                        "lastTransitionTime": to_time(self.api.now())}]}
                }),
                false,
            );
        }
        let _ = self.api.create(resources::services(), "default", json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}
        }), false);
        for sa in ["kube-proxy", "coredns"] {
            let _ = self.api.create(
                resources::service_accounts(),
                "kube-system",
                json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa}}),
                false,
            );
        }
        self.advance(20 * SECOND);
        self.install("kube-proxy.yaml");
        self.install("coredns.yaml");
        self.advance(40 * SECOND);
        for spec in &DEFAULT_NODES[1..] {
            self.add_node(spec);
            self.advance(15 * SECOND);
        }
        self.install("metrics-server.yaml");
        self.advance(AGE_AT_START - self.now());
    }

    /// Creates an add-on's objects, as `kubectl apply -f` of its manifest would.
    fn install(&mut self, file: &str) {
        let catalog = self.api.catalog();
        let manifest = crate::tools::bootstrap_file(file)
            .unwrap_or_default()
            .replace("KUBERNETES_VERSION", KUBERNETES_VERSION);
        for obj in crate::yaml::documents(&manifest).unwrap_or_default() {
            let (Some(api_version), Some(kind)) =
                (obj["apiVersion"].as_str(), obj["kind"].as_str())
            else {
                continue;
            };
            if let Some(r) = catalog.for_kind(api_version, kind) {
                let ns = obj["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("")
                    .to_string();
                let _ = self.api.create(r, &ns, obj, false);
            }
        }
    }

    /// Adds a worker machine as `kubeadm join` leaves it: its kubelet registers its Node
    /// (where the DaemonSets start their pods). Returns its name (`node03`, `node04`, ...).
    pub fn add_worker(&mut self) -> String {
        let n = self.hosts.len();
        let name = format!("node{n:02}");
        let ip = format!("172.30.{}.{}", 2 + (n - 1) / 250, 2 + (n - 1) % 250);
        let spec = NodeSpec {
            name: &name,
            ip: &ip,
            cidr: n as u16,
            control_plane: false,
        };
        self.add_node(&spec);
        self.settle();
        name
    }

    fn add_node(&mut self, spec: &NodeSpec<'_>) {
        let now = self.now();
        let host = Host::kubeadm(spec.name, spec.ip, spec.control_plane, now);
        let pid = match host.systemd.unit("kubelet").map(|u| &u.state) {
            Some(crate::host::systemd::State::Running { pid, .. }) => *pid,
            _ => 0,
        };
        match self.hosts.iter_mut().find(|h| h.name == spec.name) {
            Some(h) => *h = host,
            None => self.hosts.push(host),
        }
        let node = node_object(spec, now, &mut self.api.rng);
        if let Ok(created) = self.api.create(resources::nodes(), "", node, false) {
            self.record_registration(&created, spec.name);
        }
        let mut kubelet = Kubelet::new(spec.name, spec.ip, &spec.pod_prefix(), now);
        kubelet.pid = pid;
        self.kubelets.push(kubelet);
    }
}

impl Cluster {
    /// The events a kubelet and the node controller record when a node joins.
    fn record_registration(&mut self, node: &Value, name: &str) {
        // Node events are about the node's name, as the kubelet records them.
        let mut obj = ObjectRef::of(node);
        obj.uid = name.to_string();
        let kubelet = Source::Kubelet { host: name };
        let steps = [
            ("Starting", "Starting kubelet.".to_string()),
            (
                "NodeHasSufficientMemory",
                format!("Node {name} status is now: NodeHasSufficientMemory"),
            ),
            (
                "NodeHasNoDiskPressure",
                format!("Node {name} status is now: NodeHasNoDiskPressure"),
            ),
            (
                "NodeHasSufficientPID",
                format!("Node {name} status is now: NodeHasSufficientPID"),
            ),
            (
                "NodeAllocatableEnforced",
                "Updated Node Allocatable limit across pods".to_string(),
            ),
        ];
        for (reason, message) in steps {
            self.recorder
                .record(&mut self.api, &obj, "Normal", reason, &message, kubelet);
        }
        let message = format!("Node {name} event: Registered Node {name} in Controller");
        self.recorder.record(
            &mut self.api,
            &obj,
            "Normal",
            "RegisteredNode",
            &message,
            Source::Controller("node-controller"),
        );
    }
}

fn node_object(spec: &NodeSpec<'_>, now: Millis, rng: &mut crate::rng::Rng) -> Value {
    let time = crate::clock::to_time(now);
    let ids = [rng.uuid(), rng.uuid().replace('-', ""), rng.uuid()];
    let cidr = format!("{}0/24", spec.pod_prefix());
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": spec.name, "kubernetes.io/os": "linux",
    });
    if spec.control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
    }
    let condition = |type_: &str, status: &str, reason: &str, message: &str| {
        json!({"type": type_, "status": status, "reason": reason, "message": message,
               "lastHeartbeatTime": time, "lastTransitionTime": time})
    };
    let mut node = json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {
            "name": spec.name,
            "labels": labels,
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr]},
        "status": {
            "addresses": [{"type": "InternalIP", "address": spec.ip}, {"type": "Hostname", "address": spec.name}],
            "capacity": {"cpu": "2", "ephemeral-storage": "20134592Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "4015876Ki", "pods": "110"},
            "allocatable": {"cpu": "2", "ephemeral-storage": "18556039957", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "3913476Ki", "pods": "110"},
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64", "bootID": ids[0], "containerRuntimeVersion": "containerd://1.7.27",
                "kernelVersion": crate::version::KERNEL_VERSION, "kubeProxyVersion": "", "kubeletVersion": KUBERNETES_VERSION,
                "machineID": ids[1], "operatingSystem": "linux", "osImage": "Ubuntu 24.04.2 LTS",
                "systemUUID": ids[2],
            },
        },
    });
    if spec.control_plane {
        node["spec"]["taints"] =
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    }
    node
}
