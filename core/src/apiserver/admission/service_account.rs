//! ServiceAccount: pods run as the `default` service account, with its token projected at
//! /var/run/secrets/kubernetes.io/serviceaccount.

use std::any::Any;

use k8s_openapi::api::core::v1::{
    ConfigMapProjection, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath,
    ObjectFieldSelector, Pod, ProjectedVolumeSource, ServiceAccountTokenProjection, Volume,
    VolumeMount, VolumeProjection,
};

use super::Attributes;
use crate::apiserver::errors::ApiError;
use crate::apiserver::resources;
use crate::rng::Rng;

pub const MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

fn token_volume(name: String) -> Volume {
    Volume {
        name,
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(420),
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".into(),
                        audience: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        items: Some(vec![KeyToPath {
                            key: "ca.crt".into(),
                            path: "ca.crt".into(),
                            mode: None,
                        }]),
                        optional: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardAPIProjection {
                        items: Some(vec![DownwardAPIVolumeFile {
                            path: "namespace".into(),
                            field_ref: Some(ObjectFieldSelector {
                                api_version: Some("v1".into()),
                                field_path: "metadata.namespace".into(),
                            }),
                            mode: None,
                            resource_field_ref: None,
                        }]),
                    }),
                    ..Default::default()
                },
            ]),
        }),
        ..Default::default()
    }
}

pub fn admit(attrs: &Attributes<'_>, obj: &mut dyn Any, rng: &mut Rng) -> Result<(), ApiError> {
    let Some(pod) = obj.downcast_mut::<Pod>() else {
        return Ok(());
    };
    let Some(spec) = pod.spec.as_mut() else {
        return Ok(());
    };
    // Mirror pods of static pods carry no service account.
    let mirror = pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key("kubernetes.io/config.mirror"));
    if mirror {
        return Ok(());
    }
    let sa = spec
        .service_account_name
        .clone()
        .or_else(|| spec.service_account.clone())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".into());
    let key = resources::service_accounts().key(attrs.namespace, &sa);
    if attrs.store.get(&key).is_none() {
        return Err(ApiError::forbidden(
            "pods",
            attrs.name,
            &format!(
                "error looking up service account {}/{sa}: serviceaccount \"{sa}\" not found",
                attrs.namespace
            ),
        ));
    }
    spec.service_account_name = Some(sa.clone());
    spec.service_account = Some(sa);
    if spec.automount_service_account_token == Some(false) {
        return Ok(());
    }
    let already = spec.containers.iter().any(|c| {
        c.volume_mounts
            .iter()
            .flatten()
            .any(|m| m.mount_path == MOUNT_PATH)
    });
    if already {
        return Ok(());
    }
    let name = format!("kube-api-access-{}", rng.name_suffix(5));
    let mount = VolumeMount {
        mount_path: MOUNT_PATH.into(),
        name: name.clone(),
        read_only: Some(true),
        ..Default::default()
    };
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        c.volume_mounts
            .get_or_insert_with(Vec::new)
            .push(mount.clone());
    }
    spec.volumes
        .get_or_insert_with(Vec::new)
        .push(token_volume(name));
    Ok(())
}
