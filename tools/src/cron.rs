//! Cron schedules as robfig/cron's standard parser reads them (which CronJobs use): five
//! fields (minute, hour, day of month, month, day of week) of values, ranges, steps and
//! names, the `@hourly`-style descriptors and `@every DURATION`; and the next time a
//! schedule fires, on the wall clock of a time zone.

use crate::time::Civil;
use crate::time_zone::Zone;

/// The range of each of the five standard fields.
const FIELDS: [(u32, u32); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
/// Set on a field written `*` or `?` (robfig's starBit): day of month and day of week
/// then both have to match, not either.
const STAR: u64 = 1 << 63;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// The bits of the values each field allows.
    Fields([u64; 5]),
    /// `@every DURATION`, in seconds.
    Every(i64),
}

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

/// One field (`*/5`, `1-5`, `MON,WED`) as robfig/cron's getRange reads it.
fn parse_field(expr: &str, field: usize) -> Result<u64, String> {
    let (min, max) = FIELDS[field];
    let mut bits = 0;
    for part in expr.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        let mut extra = 0;
        let (start, end) = if range == "*" || range == "?" {
            extra = STAR;
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (parse_value(a, field)?, parse_value(b, field)?)
        } else {
            let v = parse_value(range, field)?;
            (v, if step.is_some() { max } else { v })
        };
        let step = match step {
            None => 1,
            Some(s) => match s.parse::<u32>() {
                Ok(0) => return Err(format!("step of range should be a positive number: {part}")),
                Ok(n) => n,
                Err(_) => {
                    return Err(format!(
                    "failed to parse int from {s}: strconv.Atoi: parsing \"{s}\": invalid syntax"
                ))
                }
            },
        };
        if step > 1 {
            extra = 0;
        }
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
        bits |= (start..=end)
            .step_by(step as usize)
            .fold(0, |b, v| b | 1 << v)
            | extra;
    }
    Ok(bits)
}

/// A Go duration (`1h30m`, `90s`, `14.5s`) in milliseconds.
pub fn go_duration_ms(s: &str) -> Option<i64> {
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let value: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .into_iter()
            .filter(|u| rest.starts_with(u))
            .max_by_key(|u| u.len())?;
        rest = &rest[unit.len()..];
        total += value
            * match unit {
                "h" => 3600.0,
                "m" => 60.0,
                "s" => 1.0,
                "ms" => 1e-3,
                "us" | "µs" => 1e-6,
                _ => 1e-9,
            };
    }
    // Go's durations are int64 nanoseconds: longer ones do not parse.
    (total * 1e9 <= i64::MAX as f64).then_some((total * 1000.0) as i64)
}

/// A Go duration (`1h30m`, `90s`) in whole seconds.
fn go_duration(s: &str) -> Option<i64> {
    go_duration_ms(s).map(|ms| ms / 1000)
}

impl Schedule {
    /// Parses a schedule, with robfig/cron's errors.
    pub fn parse(schedule: &str) -> Result<Schedule, String> {
        let spec = schedule.trim();
        if spec.is_empty() {
            return Err("empty spec string".into());
        }
        if let Some(d) = spec.strip_prefix('@') {
            let fields = match d {
                "yearly" | "annually" => "0 0 1 1 *",
                "monthly" => "0 0 1 * *",
                "weekly" => "0 0 * * 0",
                "daily" | "midnight" => "0 0 * * *",
                "hourly" => "0 * * * *",
                _ => {
                    let Some(every) = d.strip_prefix("every ") else {
                        return Err(format!("unrecognized descriptor: {spec}"));
                    };
                    return match go_duration(every.trim()) {
                        Some(secs) => Ok(Schedule::Every(secs.max(1))),
                        None => Err(format!(
                            "failed to parse duration {spec}: time: invalid duration \"{}\"",
                            every.trim()
                        )),
                    };
                }
            };
            return Schedule::parse(fields);
        }
        let fields: Vec<&str> = spec.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: {spec}",
                fields.len()
            ));
        }
        let mut bits = [0; 5];
        for (i, f) in fields.iter().enumerate() {
            bits[i] = parse_field(f, i)?;
        }
        Ok(Schedule::Fields(bits))
    }

    /// The first time the schedule fires after `after` (Unix seconds) on the wall clock
    /// of `zone`, within five years: robfig/cron's `SpecSchedule.Next`, which steps
    /// months and days on that clock (from midnight, nudged by an hour where daylight
    /// saving moves midnight) and hours and minutes in elapsed time: a time that a
    /// daylight saving change skips does not fire that day, one it repeats fires twice.
    pub fn next(&self, after: i64, zone: &Zone) -> Option<i64> {
        let bits = match self {
            Schedule::Every(secs) => return Some(after + secs),
            Schedule::Fields(bits) => bits,
        };
        let has = |field: usize, v: i64| bits[field] & (1 << v) != 0;
        let day_matches = |c: &Civil| {
            let (dom, dow) = (has(2, c.day), has(4, c.weekday));
            if (bits[2] | bits[4]) & STAR != 0 {
                dom && dow
            } else {
                dom || dow
            }
        };
        let mut t = after + 1;
        let mut added = false;
        let year_limit = zone.civil(t).year + 5;
        'wrap: loop {
            let mut c = zone.civil(t);
            if c.year > year_limit {
                return None;
            }
            while !has(3, c.month) {
                if !added {
                    added = true;
                    t = zone.date(c.year, c.month, 1, 0, 0, 0);
                    c = zone.civil(t);
                }
                t = zone.date(c.year, c.month + 1, c.day, c.hour, c.minute, c.second);
                c = zone.civil(t);
                if c.month == 1 {
                    continue 'wrap;
                }
            }
            while !day_matches(&c) {
                if !added {
                    added = true;
                    t = zone.date(c.year, c.month, c.day, 0, 0, 0);
                    c = zone.civil(t);
                }
                t = zone.date(c.year, c.month, c.day + 1, c.hour, c.minute, c.second);
                c = zone.civil(t);
                if c.hour != 0 {
                    t += if c.hour > 12 { 24 - c.hour } else { -c.hour } * 3600;
                    c = zone.civil(t);
                }
                if c.day == 1 {
                    continue 'wrap;
                }
            }
            while !has(1, c.hour) {
                if !added {
                    added = true;
                    t = zone.date(c.year, c.month, c.day, c.hour, 0, 0);
                }
                t += 3600;
                c = zone.civil(t);
                if c.hour == 0 {
                    continue 'wrap;
                }
            }
            while !has(0, c.minute) {
                if !added {
                    added = true;
                    t -= t.rem_euclid(60);
                }
                t += 60;
                c = zone.civil(t);
                if c.minute == 0 {
                    continue 'wrap;
                }
            }
            // Seconds: a standard schedule fires at second 0.
            if c.second != 0 {
                added = true;
                t += 60 - c.second;
                continue 'wrap;
            }
            // Never earlier than asked (callers step from one run to the next).
            return (t > after).then_some(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Schedule;
    use crate::time_zone::Zone;

    /// 2026-01-05T08:12:00Z, a Monday.
    const T: i64 = 1_767_600_720;

    fn next(spec: &str, after: i64) -> i64 {
        Schedule::parse(spec)
            .unwrap()
            .next(after, &Zone::utc())
            .unwrap()
            - after
    }

    #[test]
    fn parses_like_robfig_cron() {
        assert!(Schedule::parse("0 9 * * MON-FRI").is_ok());
        assert_eq!(
            Schedule::parse("* * *").unwrap_err(),
            "expected exactly 5 fields, found 3: * * *"
        );
        assert_eq!(
            Schedule::parse("61 * * * *").unwrap_err(),
            "end of range (61) above maximum (59): 61"
        );
        assert_eq!(Schedule::parse("@every 1h30m"), Ok(Schedule::Every(5400)));
        assert_eq!(
            Schedule::parse("@every 3000000h").unwrap_err(),
            "failed to parse duration @every 3000000h: time: invalid duration \"3000000h\""
        );
    }

    #[test]
    fn finds_the_next_time() {
        assert_eq!(next("*/5 * * * *", T), 180);
        assert_eq!(next("@hourly", T), 48 * 60);
        // Tuesday 09:00.
        assert_eq!(next("0 9 * * 2", T), 86_400 + 48 * 60);
        // The 1st of February, midnight.
        assert_eq!(next("@monthly", T), (26 * 1440 + 15 * 60 + 48) * 60);
        // Day of month or day of week when neither is `*`: the 10th, or a Wednesday.
        assert_eq!(next("0 0 10 * 3", T), (1440 + 15 * 60 + 48) * 60);
    }

    fn runs(spec: &str, zone: &str, mut after: i64, n: usize) -> Vec<String> {
        let (s, z) = (Schedule::parse(spec).unwrap(), Zone::load(zone).unwrap());
        (0..n)
            .map(|_| {
                after = s.next(after, &z).unwrap();
                z.rfc3339(after)
            })
            .collect()
    }

    #[test]
    fn follows_the_wall_clock_of_a_time_zone() {
        // 2026-03-07T08:00:00Z; New York moves to daylight time on the 8th at 02:00.
        let t = 1_772_870_400;
        assert_eq!(
            runs("0 9 * * *", "America/New_York", t, 3),
            [
                "2026-03-07T09:00:00-05:00",
                "2026-03-08T09:00:00-04:00",
                "2026-03-09T09:00:00-04:00"
            ]
        );
        // The skipped 02:30 does not fire that day.
        assert_eq!(
            runs("30 2 * * *", "America/New_York", t - 3 * 3600, 2),
            ["2026-03-07T02:30:00-05:00", "2026-03-09T02:30:00-04:00"]
        );
        // The repeated 01:30 on 2026-11-01 fires twice.
        assert_eq!(
            runs("30 1 * * *", "America/New_York", 1_793_491_200, 3),
            [
                "2026-11-01T01:30:00-04:00",
                "2026-11-01T01:30:00-05:00",
                "2026-11-02T01:30:00-05:00"
            ]
        );
        assert_eq!(
            runs("0 0 1 * *", "Asia/Kolkata", T, 2),
            ["2026-02-01T00:00:00+05:30", "2026-03-01T00:00:00+05:30"]
        );
    }
}
