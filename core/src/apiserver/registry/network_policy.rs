//! NetworkPolicy strategy: policyTypes from the rules given, TCP ports. Whether traffic is
//! allowed is the networking simulation's business (a cluster whose CNI ignores policies
//! stores them all the same).

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPort};

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};

const POLICY_TYPES: &[&str] = &["Egress", "Ingress"];
const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];

impl Strategy for NetworkPolicy {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        if spec.policy_types.as_ref().is_none_or(|t| t.is_empty()) {
            let mut types = vec!["Ingress".to_string()];
            if spec.egress.as_ref().is_some_and(|e| !e.is_empty()) {
                types.push("Egress".into());
            }
            spec.policy_types = Some(types);
        }
        for port in spec
            .ingress
            .iter_mut()
            .flatten()
            .flat_map(|r| r.ports.iter_mut().flatten())
            .chain(
                spec.egress
                    .iter_mut()
                    .flatten()
                    .flat_map(|r| r.ports.iter_mut().flatten()),
            )
        {
            port.protocol.get_or_insert_with(|| "TCP".into());
        }
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![];
        };
        let mut errs = vec![];
        for (i, t) in spec.policy_types.iter().flatten().enumerate() {
            errs.extend(FieldError::one_of(
                format!("spec.policyTypes[{i}]"),
                Some(t.as_str()),
                POLICY_TYPES,
            ));
        }
        let ports = |dir: &str, i: usize, ports: &[NetworkPolicyPort]| -> Vec<FieldError> {
            ports
                .iter()
                .enumerate()
                .filter_map(|(j, p)| {
                    FieldError::one_of(
                        format!("spec.{dir}[{i}].ports[{j}].protocol"),
                        p.protocol.as_deref(),
                        PROTOCOLS,
                    )
                })
                .collect()
        };
        for (i, r) in spec.ingress.iter().flatten().enumerate() {
            errs.extend(ports("ingress", i, r.ports.as_deref().unwrap_or(&[])));
        }
        for (i, r) in spec.egress.iter().flatten().enumerate() {
            errs.extend(ports("egress", i, r.ports.as_deref().unwrap_or(&[])));
        }
        errs
    }

    const GENERATION_FIELDS: &'static [&'static str] = &["spec"];
}
