//! The virtual clock: simulated time in milliseconds. Nothing in the core reads real time.

use std::sync::atomic::{AtomicI64, Ordering};

/// Seconds since the Unix epoch at which simulated clusters' clocks start unless a front
/// end says otherwise (2026-01-05T08:00:00Z): the browser, scripts and tests keep it.
pub const DEFAULT_EPOCH_SECONDS: i64 = 1_767_600_000;

static EPOCH: AtomicI64 = AtomicI64::new(DEFAULT_EPOCH_SECONDS);

/// Seconds since the Unix epoch at which clusters' clocks start.
pub fn epoch_seconds() -> i64 {
    EPOCH.load(Ordering::Relaxed)
}

/// Moves where clusters' clocks start, for a front end whose clients compute ages with
/// their own clocks (`kubarium serve` starts the cluster at real time). An input like the
/// seed: set it before building a cluster.
pub fn set_epoch_seconds(seconds: i64) {
    EPOCH.store(seconds, Ordering::Relaxed);
}

/// Milliseconds of simulated time since [`epoch_seconds`].
pub type Millis = i64;

pub const SECOND: Millis = 1_000;
pub const MINUTE: Millis = 60 * SECOND;

/// A clock that only moves when the simulation moves it.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    now: Millis,
}

impl Clock {
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Moves the clock forward to `t`; never backwards.
    pub fn set(&mut self, t: Millis) {
        if t > self.now {
            self.now = t;
        }
    }
}

/// Converts simulated milliseconds to an API `Time` truncated to the second.
pub fn to_time(t: Millis) -> k8s_openapi::apimachinery::pkg::apis::meta::v1::Time {
    let secs = epoch_seconds() + t.div_euclid(SECOND);
    let ts = k8s_openapi::jiff::Timestamp::from_second(secs).unwrap_or_default();
    k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(ts)
}

/// Converts an API `Time` back to simulated milliseconds.
pub fn from_time(t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time) -> Millis {
    (t.0.as_second() - epoch_seconds()) * SECOND + i64::from(t.0.subsec_millisecond())
}

/// A moment as a calendar shows it (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// 0 is Sunday.
    pub weekday: i64,
    /// Day of the year, from 1.
    pub yday: i64,
}

pub const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The calendar date and time of Unix seconds (Howard Hinnant's civil-from-days).
pub fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    const BEFORE: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let yday = BEFORE[(month - 1) as usize] + day + i64::from(leap && month > 2);
    Civil {
        year,
        month,
        day,
        hour: rem / 3600,
        minute: (rem / 60) % 60,
        second: rem % 60,
        weekday: (days + 4).rem_euclid(7),
        yday,
    }
}
