//! Which admission plugins run: kube-apiserver 1.35's defaults plus NodeRestriction (as
//! kubeadm starts it), changed as `--enable-admission-plugins` and
//! `--disable-admission-plugins` change them (the kube-apiserver manifest will set them).

use std::collections::BTreeSet;

/// Every plugin kube-apiserver 1.35 knows, in its order.
pub const KNOWN: &[&str] = &[
    "AlwaysAdmit",
    "NamespaceAutoProvision",
    "NamespaceLifecycle",
    "NamespaceExists",
    "LimitPodHardAntiAffinityTopology",
    "LimitRanger",
    "ServiceAccount",
    "NodeRestriction",
    "TaintNodesByCondition",
    "AlwaysPullImages",
    "ImagePolicyWebhook",
    "PodSecurity",
    "PodNodeSelector",
    "Priority",
    "DefaultTolerationSeconds",
    "PodTolerationRestriction",
    "EventRateLimit",
    "ExtendedResourceToleration",
    "DefaultStorageClass",
    "StorageObjectInUseProtection",
    "OwnerReferencesPermissionEnforcement",
    "PersistentVolumeClaimResize",
    "RuntimeClass",
    "CertificateApproval",
    "CertificateSigning",
    "ClusterTrustBundleAttest",
    "CertificateSubjectRestriction",
    "DefaultIngressClass",
    "PodTopologyLabels",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionWebhook",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionWebhook",
    "ResourceQuota",
    "AlwaysDeny",
];

/// Off unless enabled.
const DEFAULT_OFF: &[&str] = &[
    "AlwaysAdmit",
    "NamespaceAutoProvision",
    "NamespaceExists",
    "LimitPodHardAntiAffinityTopology",
    "NodeRestriction",
    "AlwaysPullImages",
    "ImagePolicyWebhook",
    "PodNodeSelector",
    "PodTolerationRestriction",
    "EventRateLimit",
    "ExtendedResourceToleration",
    "OwnerReferencesPermissionEnforcement",
    "MutatingAdmissionPolicy",
    "AlwaysDeny",
];

/// Known plugins Kubarium cannot run yet: enabling one says so rather than pretending.
const NOT_YET: &[&str] = &[
    "LimitPodHardAntiAffinityTopology",
    "ImagePolicyWebhook",
    "PodNodeSelector",
    "PodTolerationRestriction",
    "EventRateLimit",
    "ExtendedResourceToleration",
    "OwnerReferencesPermissionEnforcement",
    "MutatingAdmissionPolicy",
];

/// The plugins that are on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plugins {
    on: BTreeSet<&'static str>,
}

impl Default for Plugins {
    /// kube-apiserver's defaults with NodeRestriction, as kubeadm runs it.
    fn default() -> Self {
        let mut on = kube_apiserver_defaults();
        on.insert("NodeRestriction");
        Plugins { on }
    }
}

/// The plugins kube-apiserver runs when its flags name none.
fn kube_apiserver_defaults() -> BTreeSet<&'static str> {
    KNOWN
        .iter()
        .copied()
        .filter(|p| !DEFAULT_OFF.contains(p))
        .collect()
}

impl Plugins {
    /// The plugins on after enabling and disabling these (kube-apiserver's defaults
    /// otherwise); the error kube-apiserver exits with for a name it does not know.
    pub fn configure(enable: &[&str], disable: &[&str]) -> Result<Self, String> {
        let mut on = kube_apiserver_defaults();
        for (flag, names) in [("enable", enable), ("disable", disable)] {
            for name in names {
                let Some(known) = KNOWN.iter().find(|k| *k == name) else {
                    return Err(format!(
                        "{flag}-admission-plugins plugin \"{name}\" is unknown"
                    ));
                };
                if flag == "enable" {
                    if NOT_YET.contains(known) {
                        return Err(format!(
                            "admission plugin \"{name}\" is not supported in Kubarium yet"
                        ));
                    }
                    on.insert(known);
                } else {
                    on.remove(known);
                }
            }
        }
        Ok(Plugins { on })
    }

    /// Whether plugin `name` runs.
    pub fn on(&self, name: &str) -> bool {
        self.on.contains(name)
    }
}
