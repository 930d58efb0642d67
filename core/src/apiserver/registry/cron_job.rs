//! CronJob strategy: batch/v1 defaults (Allow, three successful and one failed Job kept),
//! the schedule (`kubarium_tools::cron`), and the Job template.

use k8s_openapi::api::batch::v1::{CronJob, CronJobStatus};

use super::workload::{default_template, non_negative, validate_template, Selecting};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

const CONCURRENCY: &[&str] = &["Allow", "Forbid", "Replace"];

impl Strategy for CronJob {
    const HAS_GENERATION: bool = true;

    fn prepare_for_create(&mut self, _ctx: &mut Ctx<'_>) {
        let spec = self.spec.get_or_insert_with(Default::default);
        spec.concurrency_policy
            .get_or_insert_with(|| "Allow".into());
        spec.suspend.get_or_insert(false);
        spec.successful_jobs_history_limit.get_or_insert(3);
        spec.failed_jobs_history_limit.get_or_insert(1);
        if let Some(js) = spec.job_template.spec.as_mut() {
            default_template(&mut js.template);
        }
        self.status = Some(CronJobStatus::default());
    }

    fn validate(&self) -> Vec<FieldError> {
        let Some(spec) = &self.spec else {
            return vec![FieldError::required("spec.schedule")];
        };
        let mut errs = vec![];
        if spec.schedule.is_empty() {
            errs.push(FieldError::required("spec.schedule"));
        } else if spec.schedule.contains("TZ") {
            errs.push(FieldError::invalid(
                "spec.schedule",
                &spec.schedule,
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        } else if let Err(e) = kubarium_tools::cron::Schedule::parse(&spec.schedule) {
            errs.push(FieldError::invalid("spec.schedule", &spec.schedule, &e));
        }
        errs.extend(FieldError::one_of(
            "spec.concurrencyPolicy",
            spec.concurrency_policy.as_deref(),
            CONCURRENCY,
        ));
        errs.extend(non_negative(
            spec.successful_jobs_history_limit,
            "spec.successfulJobsHistoryLimit",
        ));
        errs.extend(non_negative(
            spec.failed_jobs_history_limit,
            "spec.failedJobsHistoryLimit",
        ));
        match &spec.job_template.spec {
            Some(js) => errs.extend(validate_template(
                &js.template,
                "spec.jobTemplate.spec.template",
                Selecting::Everything,
                &["OnFailure", "Never"],
            )),
            None => errs.push(FieldError::required(
                "spec.jobTemplate.spec.template.spec.containers",
            )),
        }
        errs
    }

    spec_and_status!(keep_status);
}
