//! The recommender's decaying histograms: exponential buckets (the first `first` wide,
//! each next 5% wider, `count` of them), sample weights that double every half-life (24 h)
//! relative to a reference time, and percentiles read as the upper boundary of the
//! bucket where the cumulative weight reaches them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::time::Millis;

const RATIO: f64 = 1.05;
const EPSILON: f64 = 0.0001;
/// The decay exponent beyond which the reference time moves forward.
const MAX_DECAY_EXPONENT: i64 = 100;
pub const HALF_LIFE: Millis = 24 * 3_600_000;

/// The buckets of one kind of value.
#[derive(Debug, Clone, Copy)]
pub struct Buckets {
    first: f64,
    count: usize,
}

impl Buckets {
    const fn new(first: f64, count: usize) -> Self {
        Buckets { first, count }
    }

    fn find(self, value: f64) -> usize {
        if value < self.first {
            return 0;
        }
        let b = ((value * (RATIO - 1.0) / self.first + 1.0).ln() / RATIO.ln()) as usize;
        b.min(self.count - 1)
    }

    fn start(self, bucket: usize) -> f64 {
        if bucket == 0 {
            return 0.0;
        }
        self.first * (RATIO.powi(bucket as i32) - 1.0) / (RATIO - 1.0)
    }
}

/// CPU in cores: 0.01 to 1000 (176 buckets).
pub const CPU: Buckets = Buckets::new(0.01, 176);
/// Memory in bytes: 1e7 to 1e12 (176 buckets).
pub const MEMORY: Buckets = Buckets::new(1e7, 176);

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    weights: BTreeMap<usize, f64>,
    total: f64,
    /// The reference time of the decay (None until the first sample).
    reference: Option<Millis>,
}

impl Histogram {
    fn weight(&self, b: usize) -> f64 {
        self.weights.get(&b).copied().unwrap_or(0.0)
    }

    pub fn is_empty(&self) -> bool {
        !self.weights.values().any(|&w| w >= EPSILON)
    }

    /// The factor a sample at `t` is weighted by, moving the reference forward when `t`
    /// is too far past it (to `t` rounded to a half-life, rescaling what is there).
    fn decay(&mut self, t: Millis) -> f64 {
        let due = self
            .reference
            .is_none_or(|r| t > r + MAX_DECAY_EXPONENT * HALF_LIFE);
        if due {
            let new = (t + HALF_LIFE / 2).div_euclid(HALF_LIFE) * HALF_LIFE;
            if let Some(old) = self.reference {
                let exponent = ((old - new) as f64 / HALF_LIFE as f64).round() as i32;
                self.scale(2f64.powi(exponent));
            }
            self.reference = Some(new);
        }
        let r = self.reference.unwrap_or(t);
        2f64.powf((t - r) as f64 / HALF_LIFE as f64)
    }

    fn scale(&mut self, factor: f64) {
        for w in self.weights.values_mut() {
            *w *= factor;
        }
        self.total *= factor;
        self.weights.retain(|_, w| *w >= EPSILON);
    }

    pub fn add(&mut self, buckets: Buckets, value: f64, weight: f64, t: Millis) {
        let w = weight * self.decay(t);
        *self.weights.entry(buckets.find(value)).or_default() += w;
        self.total += w;
    }

    pub fn subtract(&mut self, buckets: Buckets, value: f64, weight: f64, t: Millis) {
        let w = weight * self.decay(t);
        let b = buckets.find(value);
        let have = self.weight(b);
        let w = if w > have - EPSILON { have } else { w };
        self.total -= w;
        let left = have - w;
        if left < EPSILON {
            self.weights.remove(&b);
        } else {
            self.weights.insert(b, left);
        }
    }

    /// Adds another histogram's weights, aligned to the later reference time.
    pub fn merge(&mut self, other: &Histogram) {
        let mut other = other.clone();
        match (self.reference, other.reference) {
            (_, None) => return,
            (None, Some(r)) => self.reference = Some(r),
            (Some(a), Some(b)) if a < b => {
                self.scale(2f64.powi(((a - b) / HALF_LIFE) as i32));
                self.reference = Some(b);
            }
            (Some(a), Some(b)) if b < a => other.scale(2f64.powi(((b - a) / HALF_LIFE) as i32)),
            _ => {}
        }
        for (b, w) in other.weights {
            *self.weights.entry(b).or_default() += w;
        }
        self.total += other.total;
    }

    /// The histogram as a checkpoint keeps it: bucket weights scaled so the largest is
    /// 10000 (those that round to 0 dropped), the total and the reference time.
    pub fn checkpoint(&self) -> serde_json::Value {
        let max = self.weights.values().copied().fold(0.0, f64::max);
        let weights: serde_json::Map<String, serde_json::Value> = self
            .weights
            .iter()
            .map(|(b, w)| (b.to_string(), (w * 10_000.0 / max).round()))
            .filter(|(_, w)| *w > 0.0)
            .map(|(b, w)| (b, serde_json::json!(w as u32)))
            .collect();
        serde_json::json!({
            "bucketWeights": weights,
            "referenceTimestamp": self.reference.map(crate::controllers::stamp),
            "totalWeight": self.total,
        })
    }

    /// The value below which `p` of the weight lies: the end of the bucket where the
    /// cumulative weight reaches it (0 for an empty histogram).
    pub fn percentile(&self, buckets: Buckets, p: f64) -> f64 {
        let live: Vec<(usize, f64)> = self
            .weights
            .iter()
            .filter(|(_, &w)| w >= EPSILON)
            .map(|(&b, &w)| (b, w))
            .collect();
        let (Some(&(min, _)), Some(&(max, _))) = (live.first(), live.last()) else {
            return 0.0;
        };
        let threshold = p * self.total;
        let mut sum = 0.0;
        let mut bucket = max;
        for b in min..max {
            sum += self.weight(b);
            if sum >= threshold {
                bucket = b;
                break;
            }
        }
        if bucket < buckets.count - 1 {
            buckets.start(bucket + 1)
        } else {
            buckets.start(bucket)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_bucket_ends() {
        let mut h = Histogram::default();
        assert_eq!(h.percentile(CPU, 0.9), 0.0);
        h.add(CPU, 0.1, 0.1, 1_000_000);
        // 0.1 core is in bucket 8, which ends at 0.11026... cores.
        assert!((h.percentile(CPU, 0.9) - 0.110_265_64).abs() < 1e-6);
        let mut m = Histogram::default();
        m.add(MEMORY, 52_428_800.0, 1.0, 1_000_000);
        assert_eq!(m.percentile(MEMORY, 0.9) as i64, 55_256_312);
    }

    #[test]
    fn older_samples_weigh_less() {
        let mut h = Histogram::default();
        // One sample at 1 core, then two days later one at 0.1: the newer weighs four
        // times the older, so the median is the newer's bucket.
        h.add(CPU, 1.0, 0.1, 0);
        h.add(CPU, 0.1, 0.1, 2 * HALF_LIFE);
        assert!(h.percentile(CPU, 0.5) < 0.2);
        assert!(h.percentile(CPU, 0.9) > 1.0);
        let mut gone = h.clone();
        gone.subtract(CPU, 1.0, 0.1, 0);
        assert!(gone.percentile(CPU, 0.95) < 0.2);
    }
}
