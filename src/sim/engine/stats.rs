//! What the engine records as it runs, for the measures to read: each center's running
//! integrals ([`CenterStats`]), lead times as a histogram ([`LeadTimes`]) and the samples
//! taken every [`crate::sim::rules::SAMPLE_INTERVAL`] ([`Sample`]). The figures made of them
//! (the run report) are the measures' job ([`crate::sim::metrics`]).

use serde::Serialize;

use super::SimTime;

/// Running integrals and counts of one center. Areas are in item·minutes.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CenterStats {
    /// Items that entered the center.
    pub arrivals: u64,
    /// Items that left the center (moved on or completed).
    pub completions: u64,
    /// Items (or deploy batch members) whose service started.
    pub started: u64,
    /// Sum of queue waits of started items, sim minutes.
    pub sum_wait: f64,
    /// Sum of times in the center of departed items, sim minutes.
    pub sum_sojourn: f64,
    /// ∫ queue length dt.
    pub area_queue: f64,
    /// ∫ number in the center dt (queued + in service + blocked).
    pub area_in_system: f64,
    /// ∫ busy workers dt.
    pub area_busy: f64,
    /// ∫ blocked items (done here, waiting for room downstream) dt.
    pub area_blocked: f64,
    /// Sim time the areas are integrated up to.
    pub last_change: SimTime,
}

/// A snapshot of the run every [`crate::sim::rules::SAMPLE_INTERVAL`] sim minutes, for charts.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Sample {
    /// Sim minutes.
    pub t: SimTime,
    /// Items released and not completed.
    pub wip: u32,
    /// Items arrived and held in the backlog.
    pub backlog: u32,
    /// Planned items completed so far (business, internal, changes).
    pub completed: u64,
    /// Deploys so far.
    pub deploys: u64,
    /// Outages not yet fixed.
    pub open_outages: u32,
    /// Cost of unplanned work so far, money.
    pub unplanned_cost: f64,
    /// Score so far, money.
    pub score: f64,
    /// Technical debt, points.
    pub debt: f64,
}

/// Lead times of completed items, kept as an HdrHistogram (Gil Tene's HdrHistogram, the
/// `hdrhistogram` crate) instead of one number per item: a run of a million customers then
/// needs kilobytes instead of megabytes, recording is a few integer operations, and a
/// percentile is one pass over the buckets, however long the run.
///
/// Values are recorded in thousandths of a sim minute with 3 significant decimal digits, so
/// a reported percentile is within 0.1% (and 0.001 minutes) of the exact nearest-rank
/// percentile of the recorded lead times. Integer arithmetic only: the same on every
/// platform.
#[derive(Clone, Debug)]
pub(crate) struct LeadTimes {
    hist: hdrhistogram::Histogram<u64>,
}

impl Default for LeadTimes {
    fn default() -> Self {
        Self {
            // Auto-resizing from 1 unit up: any lead time fits.
            hist: hdrhistogram::Histogram::new(3).expect("3 significant digits is valid"),
        }
    }
}

impl LeadTimes {
    /// Recording units per sim minute.
    const UNITS_PER_MINUTE: f64 = 1000.0;

    /// Records one lead time, sim minutes (≥ 0).
    pub(crate) fn record(&mut self, minutes: f64) {
        // Rounded half up; `as` saturates, so a negative or NaN time (never produced) would
        // count as 0.
        let units = (minutes * Self::UNITS_PER_MINUTE + 0.5) as u64;
        // The histogram grows to fit; only a value it cannot grow to is clamped.
        if self.hist.record(units).is_err() {
            self.hist.saturating_record(units);
        }
    }

    /// Number of lead times recorded.
    #[cfg(test)]
    fn len(&self) -> u64 {
        self.hist.len()
    }

    /// The nearest-rank `p`-quantile (0 < p ≤ 1), sim minutes: the value with at least
    /// ⌈p·n⌉ recorded lead times at or below it, to within the precision above (the middle
    /// of its bucket). `None` before anything was recorded.
    pub(crate) fn quantile(&self, p: f64) -> Option<f64> {
        if self.hist.is_empty() {
            return None;
        }
        let v = self.hist.median_equivalent(self.hist.value_at_quantile(p));
        Some(v as f64 / Self::UNITS_PER_MINUTE)
    }
}

#[cfg(test)]
mod tests {
    use super::LeadTimes;

    /// The exact nearest-rank percentile: the value at rank ⌈p·n⌉ of the sorted values.
    fn exact(sorted: &[f64], p: f64) -> f64 {
        let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    #[test]
    fn lead_time_percentiles_are_within_their_stated_precision() {
        let mut lt = LeadTimes::default();
        assert_eq!(lt.quantile(0.5), None);
        // A small set, with ties, where the nearest rank is easy to read off.
        for x in [15.0, 20.0, 35.0, 40.0, 50.0] {
            lt.record(x);
        }
        let near = |got: Option<f64>, want: f64| {
            let got = got.expect("recorded");
            assert!(
                (got - want).abs() <= want * 1e-3 + 1e-3,
                "{got} vs exact {want}"
            );
        };
        near(lt.quantile(0.5), 35.0);
        near(lt.quantile(0.85), 50.0);
        near(lt.quantile(0.05), 15.0);
        // Spread over eight orders of magnitude (0.01 minutes to a million), unsorted.
        let mut lt = LeadTimes::default();
        let mut xs = Vec::new();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let x = 0.01 * 10f64.powf(8.0 * u);
            xs.push(x);
            lt.record(x);
        }
        assert_eq!(lt.len(), 20_000);
        xs.sort_by(f64::total_cmp);
        for p in [0.01, 0.25, 0.5, 0.85, 0.99, 1.0] {
            near(lt.quantile(p), exact(&xs, p));
        }
    }
}
