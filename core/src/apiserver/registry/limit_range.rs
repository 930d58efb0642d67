//! LimitRange strategy: `Container` items default `default` from `max` and
//! `defaultRequest` from `default` then `min`; the bounds must be in order.

use k8s_openapi::api::core::v1::LimitRange;

use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{Ctx, Strategy};
use crate::quantity;

fn milli(q: &k8s_openapi::apimachinery::pkg::api::resource::Quantity) -> Option<i128> {
    quantity::parse(&q.0)
}

/// SetDefaults_LimitRangeItem for `Container` items.
fn default_items(lr: &mut LimitRange) {
    for item in lr.spec.iter_mut().flat_map(|s| s.limits.iter_mut()) {
        if item.type_ != "Container" {
            continue;
        }
        for (k, v) in item.max.clone().into_iter().flatten() {
            item.default
                .get_or_insert_with(Default::default)
                .entry(k)
                .or_insert(v);
        }
        for from in [item.default.clone(), item.min.clone()] {
            for (k, v) in from.into_iter().flatten() {
                item.default_request
                    .get_or_insert_with(Default::default)
                    .entry(k)
                    .or_insert(v);
            }
        }
    }
}

impl Strategy for LimitRange {
    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        default_items(self);
    }

    fn validate(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        let mut seen = vec![];
        for (i, item) in self.spec.iter().flat_map(|s| s.limits.iter()).enumerate() {
            let at = format!("spec.limits[{i}]");
            if seen.contains(&item.type_) {
                errs.push(FieldError::duplicate(format!("{at}.type"), &item.type_));
            }
            seen.push(item.type_.clone());
            if item.type_ != "Container" {
                if item.default.as_ref().is_some_and(|d| !d.is_empty()) {
                    errs.push(FieldError::forbidden(
                        format!("{at}.default"),
                        &format!("may not be specified when `type` is '{}'", item.type_),
                    ));
                }
                if item.default_request.as_ref().is_some_and(|d| !d.is_empty()) {
                    errs.push(FieldError::forbidden(
                        format!("{at}.defaultRequest"),
                        &format!("may not be specified when `type` is '{}'", item.type_),
                    ));
                }
            }
            let get = |m: &Option<std::collections::BTreeMap<String, _>>, k: &str| {
                m.as_ref().and_then(|m| m.get(k)).and_then(milli)
            };
            for (k, min) in item.min.iter().flatten() {
                if let (Some(lo), Some(hi)) = (milli(min), get(&item.max, k)) {
                    if lo > hi {
                        let max = &item
                            .max
                            .as_ref()
                            .map(|m| m[k].0.clone())
                            .unwrap_or_default();
                        errs.push(FieldError::invalid(
                            format!("{at}.min[{k}]"),
                            &min.0,
                            &format!("min value {} is greater than max value {max}", min.0),
                        ));
                    }
                }
            }
            for (k, d) in item.default.iter().flatten() {
                let Some(dv) = milli(d) else { continue };
                if let Some(lo) = get(&item.min, k).filter(|lo| *lo > dv) {
                    errs.push(FieldError::invalid(
                        format!("{at}.default[{k}]"),
                        &d.0,
                        &format!(
                            "min value {} is greater than default value {}",
                            quantity::canonical(lo, quantity::is_binary(&d.0)),
                            d.0
                        ),
                    ));
                }
                if let Some(hi) = get(&item.max, k).filter(|hi| dv > *hi) {
                    errs.push(FieldError::invalid(
                        format!("{at}.default[{k}]"),
                        &d.0,
                        &format!(
                            "default value {} is greater than max value {}",
                            d.0,
                            quantity::canonical(hi, quantity::is_binary(&d.0))
                        ),
                    ));
                }
            }
            for (k, d) in item.default_request.iter().flatten() {
                let Some(dv) = milli(d) else { continue };
                if let Some(lo) = get(&item.min, k).filter(|lo| *lo > dv) {
                    errs.push(FieldError::invalid(
                        format!("{at}.defaultRequest[{k}]"),
                        &d.0,
                        &format!(
                            "min value {} is greater than default request value {}",
                            quantity::canonical(lo, quantity::is_binary(&d.0)),
                            d.0
                        ),
                    ));
                }
                if let Some(hi) = get(&item.max, k).filter(|hi| dv > *hi) {
                    errs.push(FieldError::invalid(
                        format!("{at}.defaultRequest[{k}]"),
                        &d.0,
                        &format!(
                            "default request value {} is greater than max value {}",
                            d.0,
                            quantity::canonical(hi, quantity::is_binary(&d.0))
                        ),
                    ));
                }
                if let Some(lim) = get(&item.default, k).filter(|l| dv > *l) {
                    errs.push(FieldError::invalid(
                        format!("{at}.defaultRequest[{k}]"),
                        &d.0,
                        &format!(
                            "default request value {} is greater than default limit value {}",
                            d.0,
                            quantity::canonical(lim, quantity::is_binary(&d.0))
                        ),
                    ));
                }
            }
        }
        errs
    }

    fn prepare_for_update(&mut self, _old: &Self) -> Vec<FieldError> {
        default_items(self);
        vec![]
    }
}
