//! The virtual clock: simulated time in milliseconds. Nothing in the core reads real time.

/// Seconds since the Unix epoch at which every simulated cluster's clock starts
/// (2026-01-05T08:00:00Z).
pub const EPOCH_SECONDS: i64 = 1_767_600_000;

/// Milliseconds of simulated time since [`EPOCH_SECONDS`].
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
    let secs = EPOCH_SECONDS + t.div_euclid(SECOND);
    let ts = k8s_openapi::jiff::Timestamp::from_second(secs).unwrap_or_default();
    k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(ts)
}

/// Converts an API `Time` back to simulated milliseconds.
pub fn from_time(t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time) -> Millis {
    (t.0.as_second() - EPOCH_SECONDS) * SECOND + i64::from(t.0.subsec_millisecond())
}
