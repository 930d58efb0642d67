//! CronJob strategy: batch/v1 defaults (Allow, three successful and one failed Job kept),
//! the schedule parsed as robfig/cron's standard parser does, and the Job template.

use k8s_openapi::api::batch::v1::{CronJob, CronJobStatus};

use super::workload::{default_template, non_negative, validate_template, Selecting};
use crate::apiserver::errors::FieldError;
use crate::apiserver::strategy::{spec_and_status, Ctx, Strategy};

const CONCURRENCY: &[&str] = &["Allow", "Forbid", "Replace"];

/// The range of each of the five standard fields.
const FIELDS: [(u32, u32); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

fn parse_value(s: &str, field: usize) -> Result<u32, String> {
    let names = match field {
        3 => MONTHS,
        4 => DAYS,
        _ => &[],
    };
    if let Some(i) = names.iter().position(|n| n.eq_ignore_ascii_case(s)) {
        return Ok(i as u32 + FIELDS[field].0);
    }
    s.parse::<u32>().map_err(|_| {
        format!("failed to parse int from {s}: strconv.Atoi: parsing \"{s}\": invalid syntax")
    })
}

/// Checks one field (`*/5`, `1-5`, `MON,WED`) as robfig/cron's getRange does.
fn check_field(expr: &str, field: usize) -> Result<(), String> {
    let (min, max) = FIELDS[field];
    for part in expr.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        let (start, end) = if range == "*" || range == "?" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (parse_value(a, field)?, parse_value(b, field)?)
        } else {
            let v = parse_value(range, field)?;
            (v, if step.is_some() { max } else { v })
        };
        if start < min {
            return Err(format!(
                "beginning of range ({start}) below minimum ({min}): {part}"
            ));
        }
        if end > max {
            return Err(format!(
                "end of range ({end}) above maximum ({max}): {part}"
            ));
        }
        if start > end {
            return Err(format!(
                "beginning of range ({start}) beyond end of range ({end}): {part}"
            ));
        }
        if let Some(s) = step {
            match s.parse::<u32>() {
                Ok(0) => return Err(format!("step of range should be a positive number: {part}")),
                Ok(_) => {}
                Err(_) => {
                    return Err(format!(
                    "failed to parse int from {s}: strconv.Atoi: parsing \"{s}\": invalid syntax"
                ))
                }
            }
        }
    }
    Ok(())
}

/// Parses a standard five-field schedule or a descriptor (`@hourly`).
pub fn check_schedule(schedule: &str) -> Result<(), String> {
    let spec = schedule.trim();
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    if let Some(d) = spec.strip_prefix('@') {
        return match d {
            "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly" => {
                Ok(())
            }
            _ if d.starts_with("every ") => Ok(()),
            _ => Err(format!("unrecognized descriptor: {spec}")),
        };
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: {spec}",
            fields.len()
        ));
    }
    for (i, f) in fields.iter().enumerate() {
        check_field(f, i)?;
    }
    Ok(())
}

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
        } else if let Err(e) = check_schedule(&spec.schedule) {
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

#[cfg(test)]
mod tests {
    use super::check_schedule;

    #[test]
    fn schedules_parse_like_robfig_cron() {
        assert!(check_schedule("*/5 * * * *").is_ok());
        assert!(check_schedule("0 9 * * MON-FRI").is_ok());
        assert!(check_schedule("@hourly").is_ok());
        assert_eq!(
            check_schedule("* * *").unwrap_err(),
            "expected exactly 5 fields, found 3: * * *"
        );
        assert_eq!(
            check_schedule("61 * * * *").unwrap_err(),
            "end of range (61) above maximum (59): 61"
        );
    }
}
