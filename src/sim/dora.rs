//! The DORA four keys of a run and their performance tiers.
//!
//! The keys are measured as DORA defines them (DORA, *Accelerate State of DevOps Report
//! 2024*, Google Cloud, "Software delivery performance"):
//! - **deployment frequency**: deploys per day;
//! - **change lead time**: from a change's start (here: the item's arrival) to its deploy,
//!   over the items that reached the deploy step, not the lead time of all planned work;
//!   the median, as the report asks how long it *generally* takes;
//! - **change fail rate**: the share of deploys that fail (raise an outage here);
//! - **failed deployment recovery time**: from a failed deploy's outage to its fix.
//!
//! The tiers are the 2024 report's four clusters (the most recent report that publishes
//! elite, high, medium and low; the 2025 report replaced them with team archetypes):
//!
//! | cluster | deployment frequency | change lead time | change fail rate | recovery time |
//! |---|---|---|---|---|
//! | elite  | on demand (several a day) | < 1 day | 5% | < 1 hour |
//! | high   | daily to weekly | 1 day – 1 week | 20% | < 1 day |
//! | medium | weekly to monthly | 1 week – 1 month | 10% | < 1 day |
//! | low    | monthly to every six months | 1 – 6 months | 40% | 1 week – 1 month |
//!
//! A key's tier is the best cluster whose published value the run meets, tried elite first.
//! The clusters are not monotone in every key (medium's 10% fail rate is better than
//! high's 20%; high and medium share "< 1 day" of recovery), so a run meeting medium's
//! value there has already met high's: those keys have no reachable medium tier.
//!
//! **Compressed time.** The game has only workdays, so [`DAY`], [`WEEK`], [`MONTH`] and
//! [`SIX_MONTHS`] are the workdays in each period of the report (5 a week, 21 a month),
//! and an hour is 60 sim minutes. These constants are the only place the mapping lives.

use serde::Serialize;

use super::metrics::RunReport;

/// Workdays in the report's "day".
pub const DAY: f64 = 1.0;
/// Workdays in the report's "week".
pub const WEEK: f64 = 5.0;
/// Workdays in the report's "month".
pub const MONTH: f64 = 21.0;
/// Workdays in the report's "six months".
pub const SIX_MONTHS: f64 = 126.0;
/// Sim minutes in the report's "hour".
pub const HOUR_MINUTES: f64 = 60.0;

/// A DORA performance cluster, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Tier {
    /// Elite performers.
    Elite,
    /// High performers.
    High,
    /// Medium performers.
    Medium,
    /// Low performers.
    Low,
}

impl Tier {
    /// A short label: `elite`.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Elite => "elite",
            Tier::High => "high",
            Tier::Medium => "medium",
            Tier::Low => "low",
        }
    }
}

/// One key's value and tier.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Key {
    /// The value in the key's unit (see [`FourKeys`]); `null` when there is nothing to
    /// measure yet (before the first deploy; no failed deploy fixed).
    pub value: Option<f64>,
    /// Its tier; `null` with no value.
    pub tier: Option<Tier>,
}

/// The four keys of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FourKeys {
    /// Deploys per workday.
    pub deployment_frequency: Key,
    /// Median change lead time, workdays.
    pub change_lead_time_days: Key,
    /// Failed deploys / deploys, 0–1.
    pub change_fail_rate: Key,
    /// Mean failed deployment recovery time, hours.
    pub recovery_time_hours: Key,
}

/// The first tier, tried elite first, whose bound `meets` accepts; low otherwise.
fn tier(bounds: [(Tier, f64); 3], meets: impl Fn(f64) -> bool) -> Tier {
    bounds
        .into_iter()
        .find(|(_, b)| meets(*b))
        .map_or(Tier::Low, |(t, _)| t)
}

/// The tier of a deployment frequency, deploys per workday: elite at one or more a day
/// (on demand), high at least weekly, medium at least monthly.
pub fn frequency_tier(per_day: f64) -> Tier {
    let bounds = [
        (Tier::Elite, 1.0 / DAY),
        (Tier::High, 1.0 / WEEK),
        (Tier::Medium, 1.0 / MONTH),
    ];
    tier(bounds, |b| per_day >= b)
}

/// The tier of a change lead time, workdays: elite under a day, high within a week,
/// medium within a month.
pub fn lead_time_tier(days: f64) -> Tier {
    let bounds = [
        (Tier::Elite, DAY),
        (Tier::High, WEEK),
        (Tier::Medium, MONTH),
    ];
    tier(bounds, |b| days < b || (b > DAY && days <= b))
}

/// The tier of a change fail rate, 0–1: elite at most 5%, high at most 20% (medium's 10%
/// is then already met: see the module docs).
pub fn fail_rate_tier(rate: f64) -> Tier {
    let bounds = [
        (Tier::Elite, 0.05),
        (Tier::High, 0.20),
        (Tier::Medium, 0.10),
    ];
    tier(bounds, |b| rate <= b)
}

/// The tier of a failed deployment recovery time, hours: elite under an hour, high under a
/// day (24 hours; medium's bound is the same).
pub fn recovery_tier(hours: f64) -> Tier {
    let bounds = [
        (Tier::Elite, 1.0),
        (Tier::High, 24.0 * DAY),
        (Tier::Medium, 24.0 * DAY),
    ];
    tier(bounds, |b| hours < b)
}

fn key(value: Option<f64>, tier_of: fn(f64) -> Tier) -> Key {
    Key {
        value,
        tier: value.map(tier_of),
    }
}

impl FourKeys {
    /// The four keys of `report`, with a workday of `minutes_per_day` sim minutes.
    pub fn of(report: &RunReport, minutes_per_day: f64) -> FourKeys {
        let r = &report.run;
        FourKeys {
            deployment_frequency: key((r.deploys > 0).then_some(r.deploys_per_day), frequency_tier),
            change_lead_time_days: key(
                r.change_lead_time_p50.map(|m| m / minutes_per_day),
                lead_time_tier,
            ),
            change_fail_rate: key(
                (r.deploys > 0).then_some(r.change_failure_rate),
                fail_rate_tier,
            ),
            recovery_time_hours: key(
                r.failed_deployment_recovery_time.map(|m| m / HOUR_MINUTES),
                recovery_tier,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_the_2024_clusters() {
        // Ten deploys a day is elite; one a week is high; one a month medium; fewer is low.
        assert_eq!(frequency_tier(10.0), Tier::Elite);
        assert_eq!(frequency_tier(0.2), Tier::High);
        assert_eq!(frequency_tier(1.0 / 21.0), Tier::Medium);
        assert_eq!(frequency_tier(0.01), Tier::Low);
        assert_eq!(lead_time_tier(0.5), Tier::Elite);
        assert_eq!(lead_time_tier(1.0), Tier::High);
        assert_eq!(lead_time_tier(5.0), Tier::High);
        assert_eq!(lead_time_tier(6.0), Tier::Medium);
        assert_eq!(lead_time_tier(30.0), Tier::Low);
        assert_eq!(fail_rate_tier(0.05), Tier::Elite);
        assert_eq!(fail_rate_tier(0.08), Tier::High);
        assert_eq!(fail_rate_tier(0.2), Tier::High);
        assert_eq!(fail_rate_tier(0.3), Tier::Low);
        assert_eq!(recovery_tier(0.5), Tier::Elite);
        assert_eq!(recovery_tier(3.0), Tier::High);
        assert_eq!(recovery_tier(30.0), Tier::Low);
    }
}
