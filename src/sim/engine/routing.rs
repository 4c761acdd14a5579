//! Routing decisions: which route a stream's new items take, and where each worker may
//! work (staffing).
//!
//! **Routes.** A stream has its default route and may have alternatives (a standard-change
//! path with no board, a dedicated team's path). Every route's efforts are drawn on each
//! arrival, in the level's order, and the chosen route's are kept: a route choice never
//! shifts the random streams, so paired seeds stay paired. A choice applies to items that
//! arrive after it.
//!
//! **Staffing.** A worker's posts are the centers (and `outages`) they may take work at,
//! within their skills. The precedence when decisions meet, most specific first:
//! 1. an explicit triage (`Triage` to a named worker) puts that outage on that worker,
//!    whatever their posts;
//! 2. a staffing assignment: the worker takes planned work only at their posts, and
//!    outages from the standing rule only if `outages` is one of them, even when they are
//!    the protected constraint (the assignment is the more specific decision);
//! 3. protecting the constraint: an unassigned constraint worker keeps to the constraint's
//!    own work and gets no outage while someone else can fix it;
//! 4. the standing rule: any post the worker has the skill for.
//!
//! Improvement work is not at a center: staffing does not restrict it.

use super::Simulation;
use crate::sim::level::{Level, OUTAGE_SKILL};

/// A worker's staffing assignment.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Posts {
    /// By center: whether the worker may take work there.
    pub(super) centers: Vec<bool>,
    /// Whether the standing rule may give the worker outages.
    pub(super) outages: bool,
}

/// The routing decisions' state.
#[derive(Clone, Debug)]
pub(super) struct Routing {
    /// Every route as center indices: each stream's default route, then its alternatives.
    pub(super) routes: Vec<Vec<usize>>,
    /// By stream: the index of its first route in `routes` and how many it has.
    pub(super) stream_routes: Vec<(usize, usize)>,
    /// By stream: the route (index into `routes`) its new items take.
    pub(super) chosen: Vec<usize>,
    /// By worker: their staffing assignment; `None`: the standing rule.
    pub(super) posts: Vec<Option<Posts>>,
}

impl Routing {
    pub(super) fn new(level: &Level) -> Self {
        let mut routes = Vec::new();
        let mut stream_routes = Vec::new();
        for a in &level.arrivals {
            let first = routes.len();
            for (_, steps) in a.routes() {
                routes.push(
                    steps
                        .iter()
                        .map(|s| level.center_index(&s.center).expect("validated route"))
                        .collect(),
                );
            }
            stream_routes.push((first, routes.len() - first));
        }
        Self {
            routes,
            chosen: stream_routes.iter().map(|&(first, _)| first).collect(),
            stream_routes,
            posts: vec![None; level.workers.len()],
        }
    }
}

impl Simulation {
    /// Whether worker `w` may take planned work at center `c` now (skill, staffing, and the
    /// constraint's protection, in the precedence above).
    #[inline]
    pub(super) fn may_work_at(&self, w: usize, c: usize) -> bool {
        match &self.routing.posts[w] {
            Some(p) => p.centers[c],
            None => {
                !(self.constraint.protected
                    && self.workers[w].constraint
                    && !self.constraint.own_work[c])
            }
        }
    }

    /// Whether the standing rule may give worker `w` an outage, when `others_exist` (a
    /// non-constraint worker can fix outages).
    pub(super) fn may_take_outages(&self, w: usize, others_exist: bool) -> bool {
        match &self.routing.posts[w] {
            Some(p) => p.outages,
            None => !(self.constraint.protected && self.workers[w].constraint && others_exist),
        }
    }

    /// The command `SetStaffing`: the worker's posts (centers and `outages`), each one they
    /// have the skill for now; `None`: back to the standing rule.
    pub(super) fn set_staffing(
        &mut self,
        worker: &str,
        posts: &Option<Vec<String>>,
    ) -> Result<(), String> {
        let w = self
            .worker_index(worker)
            .ok_or_else(|| format!("unknown worker {worker:?}"))?;
        let Some(names) = posts else {
            self.routing.posts[w] = None;
            return Ok(());
        };
        let mut p = Posts {
            centers: vec![false; self.centers.len()],
            outages: false,
        };
        for name in names {
            if name == OUTAGE_SKILL {
                if self.workers[w].outage_speed.is_none() {
                    return Err(format!("{worker} cannot fix outages"));
                }
                p.outages = true;
            } else {
                let c = self.center_arg(name)?;
                if self.workers[w].skills[c].is_none() {
                    return Err(format!("{worker} cannot work at {name:?}"));
                }
                p.centers[c] = true;
            }
        }
        self.routing.posts[w] = Some(p);
        Ok(())
    }

    /// The command `ChooseRoute`: the route new items of `stream` take.
    pub(super) fn choose_route(&mut self, stream: &str, route: &str) -> Result<(), String> {
        let s = self.stream_arg(stream)?;
        let k = self.level.arrivals[s]
            .routes()
            .position(|(name, _)| name == route)
            .ok_or_else(|| format!("stream {stream:?} has no route {route:?}"))?;
        self.routing.chosen[s] = self.routing.stream_routes[s].0 + k;
        Ok(())
    }

    /// By stream: the name of the route its new items take.
    pub fn chosen_routes(&self) -> Vec<String> {
        self.level
            .arrivals
            .iter()
            .enumerate()
            .map(|(s, a)| {
                let k = self.routing.chosen[s] - self.routing.stream_routes[s].0;
                a.routes().nth(k).expect("chosen route").0.to_string()
            })
            .collect()
    }

    /// By worker: their posts (center ids and `outages`) if staffed, `None` under the
    /// standing rule.
    pub fn staffing(&self) -> Vec<Option<Vec<String>>> {
        self.routing
            .posts
            .iter()
            .map(|p| {
                p.as_ref().map(|p| {
                    let mut names: Vec<String> = p
                        .centers
                        .iter()
                        .enumerate()
                        .filter(|(_, on)| **on)
                        .map(|(c, _)| self.level.centers[c].id.clone())
                        .collect();
                    if p.outages {
                        names.push(OUTAGE_SKILL.into());
                    }
                    names
                })
            })
            .collect()
    }
}
