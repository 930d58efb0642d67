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
pub use kubarium_tools::time::{civil, Civil, Millis, MONTHS, SECOND, WEEKDAYS};
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

/// An RFC 3339 timestamp in a JSON object's field, as simulated milliseconds.
pub fn time_of(v: &serde_json::Value) -> Option<Millis> {
    let t: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time =
        crate::apiserver::decode::typed(v.clone()).ok()?;
    Some(from_time(&t))
}
