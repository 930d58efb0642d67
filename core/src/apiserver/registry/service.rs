//! Service strategy: type and policy defaults, ClusterIP allocation from 10.96.0.0/12, ports.

use k8s_openapi::api::core::v1::{Service, ServiceStatus};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};
use crate::apiserver::validation;

const TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

/// The first address of the service range goes to the `kubernetes` Service.
pub const KUBERNETES_SERVICE_IP: &str = "10.96.0.1";

fn allocate_cluster_ip(ctx: &mut Ctx<'_>) -> String {
    let used: std::collections::BTreeSet<String> = ctx
        .store
        .range("/registry/services/")
        .filter_map(|kv| {
            kv.value()
                .pointer("/spec/clusterIP")
                .and_then(|v| v.as_str())
                .map(String::from)
        })
        .collect();
    // 10.96.0.0/12: pick random addresses as the real allocator does, skipping used ones.
    for _ in 0..64 {
        let n = ctx.rng.between(2, (1 << 20) - 2) as u32;
        let ip = format!("10.{}.{}.{}", 96 + (n >> 16), (n >> 8) & 0xff, n & 0xff);
        if !used.contains(&ip) {
            return ip;
        }
    }
    (2..(1u32 << 20))
        .map(|n| format!("10.{}.{}.{}", 96 + (n >> 16), (n >> 8) & 0xff, n & 0xff))
        .find(|ip| !used.contains(ip))
        .unwrap_or_default()
}

impl Strategy for Service {
    fn validate_name(name: &str) -> Vec<String> {
        validation::dns1035_label(name)
    }

    fn prepare_for_create(&mut self, ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        let ty = spec.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
        spec.session_affinity.get_or_insert_with(|| "None".into());
        if ty != "ExternalName" {
            spec.internal_traffic_policy
                .get_or_insert_with(|| "Cluster".into());
            spec.ip_families.get_or_insert_with(|| vec!["IPv4".into()]);
            spec.ip_family_policy
                .get_or_insert_with(|| "SingleStack".into());
            if spec.cluster_ip.is_none() {
                let ip = allocate_cluster_ip(ctx);
                spec.cluster_ip = Some(ip);
            }
            spec.cluster_ips = spec.cluster_ip.clone().map(|ip| vec![ip]);
        }
        if ty == "NodePort" || ty == "LoadBalancer" {
            spec.external_traffic_policy
                .get_or_insert_with(|| "Cluster".into());
        }
        for p in spec.ports.iter_mut().flatten() {
            p.protocol.get_or_insert_with(|| "TCP".into());
            if p.target_port.is_none() {
                p.target_port = Some(IntOrString::Int(p.port));
            }
        }
        self.status = Some(ServiceStatus {
            load_balancer: Some(Default::default()),
            conditions: None,
        });
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let spec = self.spec.clone().unwrap_or_default();
        let ty = spec.type_.as_deref().unwrap_or("ClusterIP");
        errs.extend(FieldError::one_of("spec.type", Some(ty), TYPES));
        let headless = spec.cluster_ip.as_deref() == Some("None");
        let ports = spec.ports.clone().unwrap_or_default();
        if ports.is_empty() && !headless && ty != "ExternalName" {
            errs.push(FieldError::required("spec.ports"));
        }
        for (i, p) in ports.iter().enumerate() {
            if ports.len() > 1 && p.name.as_deref().unwrap_or("").is_empty() {
                errs.push(FieldError::required(format!("spec.ports[{i}].name")));
            }
            errs.extend(validation::port_number(
                &format!("spec.ports[{i}].port"),
                p.port,
            ));
        }
        errs
    }

    fn prepare_for_update(&mut self, old: &Self) -> Vec<FieldError> {
        self.status = old.status.clone();
        let (Some(new), Some(old)) = (self.spec.as_mut(), old.spec.as_ref()) else {
            return vec![];
        };
        if new.cluster_ip.is_none() {
            new.cluster_ip = old.cluster_ip.clone();
            new.cluster_ips = old.cluster_ips.clone();
        }
        if new.cluster_ip != old.cluster_ip {
            return vec![FieldError::invalid(
                "spec.clusterIPs[0]",
                new.cluster_ip.as_deref().unwrap_or(""),
                "may not change once set",
            )];
        }
        vec![]
    }

    const GENERATION_FIELDS: &'static [&'static str] = &["spec"];
}
