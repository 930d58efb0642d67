//! klog's line header, as Kubernetes components and kubectl write their logs:
//! `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`.

use crate::clock::{civil, epoch_seconds, Millis};

/// One log line at virtual time `at` (microseconds from `micros`, within its second).
pub fn line(level: char, at: Millis, micros: u64, pid: u32, source: &str, msg: &str) -> String {
    let c = civil(epoch_seconds() + at.div_euclid(1000));
    let micros = (at.rem_euclid(1000) as u64 * 1000 + micros) % 1_000_000;
    format!(
        "{level}{:02}{:02} {:02}:{:02}:{:02}.{micros:06} {pid:>7} {source}] {msg}",
        c.month, c.day, c.hour, c.minute, c.second
    )
}

pub use kubarium_tools::klog::quote;
