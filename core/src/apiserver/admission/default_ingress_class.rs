//! DefaultIngressClass: an Ingress that names no class (by field or by the legacy
//! annotation) gets the default IngressClass.

use std::any::Any;

use k8s_openapi::api::networking::v1::Ingress;

use super::{default_class, Attributes};

pub const ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";

pub fn admit(attrs: &Attributes<'_>, obj: &mut dyn Any) {
    let Some(ingress) = obj.downcast_mut::<Ingress>() else {
        return;
    };
    let legacy = ingress
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key("kubernetes.io/ingress.class"));
    let Some(spec) = ingress.spec.as_mut() else {
        return;
    };
    if spec.ingress_class_name.is_some() || legacy {
        return;
    }
    spec.ingress_class_name = default_class(attrs, "ingressclasses", ANNOTATION);
}
