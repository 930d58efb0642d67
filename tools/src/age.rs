//! Durations as kubectl prints them: AGE columns (HumanDuration) and Go's Duration.String.

use crate::time::{Millis, SECOND};

/// kubectl's AGE format: `0s`, `95s`, `2m3s`, `15m`, `4h`, `2d3h`, `12d`.
pub fn human(d: Millis) -> String {
    let seconds = d.div_euclid(SECOND);
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Go's `time.Duration.String()` for whole milliseconds: `10s`, `1m20s`, `5m0s`, `300ms`.
pub fn go_duration(d: Millis) -> String {
    if d == 0 {
        return "0s".into();
    }
    if d < SECOND {
        return format!("{d}ms");
    }
    let total_s = d / SECOND;
    let ms = d % SECOND;
    let (h, m, s) = (total_s / 3600, (total_s / 60) % 60, total_s % 60);
    let secs = if ms == 0 {
        format!("{s}s")
    } else {
        format!("{s}.{}s", format!("{ms:03}").trim_end_matches('0'))
    };
    if h > 0 {
        format!("{h}h{m}m{secs}")
    } else if m > 0 {
        format!("{m}m{secs}")
    } else {
        secs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_match_kubectl() {
        let s = |n: i64| n * SECOND;
        assert_eq!(human(0), "0s");
        assert_eq!(human(s(119)), "119s");
        assert_eq!(human(s(123)), "2m3s");
        assert_eq!(human(s(300)), "5m");
        assert_eq!(human(s(12 * 60 + 5)), "12m");
        assert_eq!(human(s(4 * 3600)), "4h");
        assert_eq!(human(s(4 * 3600 + 120)), "4h2m");
        assert_eq!(human(s(50 * 3600)), "2d2h");
        assert_eq!(go_duration(s(10)), "10s");
        assert_eq!(go_duration(s(80)), "1m20s");
        assert_eq!(go_duration(s(300)), "5m0s");
    }
}
