//! CronJob strategy: batch/v1 defaults (Allow, three successful and one failed Job kept),
//! the schedule and time zone (checked by `kubarium_tools::controllers::cron_job`), and the
//! Job template.

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
        // The schedule, the starting deadline and the time zone are judged in the tools
        // module, where the cron parser and the time zone database are.
        let request = serde_json::json!({
            "schedule": spec.schedule,
            "startingDeadlineSeconds": spec.starting_deadline_seconds,
            "timeZone": spec.time_zone,
        });
        let mut errs = crate::tools::field_errors("cronjob_validation", &request);
        errs.extend(FieldError::one_of(
            "spec.concurrencyPolicy",
            spec.concurrency_policy.as_deref(),
            CONCURRENCY,
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
        errs.extend(non_negative(
            spec.successful_jobs_history_limit,
            "spec.successfulJobsHistoryLimit",
        ));
        errs.extend(non_negative(
            spec.failed_jobs_history_limit,
            "spec.failedJobsHistoryLimit",
        ));
        errs
    }

    spec_and_status!(keep_status);
}
