//! Player commands: each is checked, applied at the current sim time, and logged.

use super::{Command, CommandError, OutageState, Place, PostmortemState, Simulation};
use crate::sim::command::{Action, Assignee};
use crate::sim::level::{ReleaseRule, Risk};
use crate::sim::rules;

impl Simulation {
    /// Applies a player's decision now, and logs it with the current sim time.
    ///
    /// # Errors
    /// A [`CommandError`] (and no change) when the command names an unknown center, worker,
    /// stream, item, outage or improvement, sets a number out of range, or asks what the
    /// level or the moment does not allow (a worker who cannot fix outages, an outage
    /// already fixed, a postmortem in a pathological culture, a run that has ended).
    pub fn apply(&mut self, action: Action) -> Result<(), CommandError> {
        if self.is_finished() {
            return Err(CommandError("the run has ended".into()));
        }
        self.check_and_apply(&action).map_err(CommandError)?;
        self.commands.push(Command {
            at: self.now,
            action,
        });
        self.settle();
        Ok(())
    }

    fn check_and_apply(&mut self, action: &Action) -> Result<(), String> {
        match action {
            Action::SetWipLimit { center, limit } => {
                let c = self.center_arg(center)?;
                if self.centers[c].batch.is_some() {
                    return Err(format!(
                        "{center:?} works in batches: its batch size governs it, not a WIP limit"
                    ));
                }
                if let Some(l) = limit {
                    rules::WIP_LIMIT
                        .check(*l)
                        .map_err(|e| format!("the WIP limit {e}"))?;
                }
                self.centers[c].wip_limit = *limit;
            }
            Action::SetBatchSize { size, center } => {
                let c = match center {
                    Some(id) => self.center_arg(id)?,
                    None => self.deploy_center.ok_or("this level has no deploy step")?,
                };
                if self.centers[c].batch.is_none() {
                    return Err(format!(
                        "{:?} does not work in batches",
                        self.level.centers[c].id
                    ));
                }
                rules::BATCH_SIZE
                    .check(*size)
                    .map_err(|e| format!("batch size {e}"))?;
                if let Some(b) = self.centers[c].buffer
                    && b < *size
                {
                    return Err(format!(
                        "the buffer ({b}) would never hold a batch of {size}"
                    ));
                }
                self.centers[c].batch = Some(*size);
                if Some(c) == self.deploy_center {
                    self.policy.batch_size = *size;
                }
            }
            Action::ProtectConstraint { on } => self.policy.protect_constraint = *on,
            Action::HoldWork { hold } => self.policy.hold_work = *hold,
            Action::Triage { outage, to } => {
                let o = self.outage_arg(*outage)?;
                match self.outages[o].state {
                    OutageState::Resolved => {
                        return Err(format!("outage #{outage} is already fixed"));
                    }
                    OutageState::Undetected => return Err(format!("no outage #{outage}")),
                    _ => {}
                }
                let target = match to {
                    Assignee::Worker(name) => {
                        let w = self
                            .worker_index(name)
                            .ok_or_else(|| format!("no worker named {name:?}"))?;
                        if self.workers[w].outage_speed.is_none() {
                            return Err(format!("{name} cannot fix outages"));
                        }
                        Some(w)
                    }
                    _ => None,
                };
                self.release_outage(o);
                match (to, target) {
                    (Assignee::Defer, _) => self.outages[o].state = OutageState::Deferred,
                    (_, Some(w)) => self.assign_outage(o, w),
                    _ => {}
                }
            }
            Action::FundImprovement { id } => {
                let i = self
                    .level
                    .improvements
                    .iter()
                    .position(|m| &m.id == id)
                    .ok_or_else(|| format!("no improvement {id:?}"))?;
                let max = self.level.improvements[i].max_rounds;
                if self.rounds_funded[i] >= max {
                    return Err(format!("{id:?} has no rounds left (at most {max})"));
                }
                self.fund(i);
            }
            Action::SetImprovementShare { share } => {
                rules::IMPROVEMENT_SHARE
                    .check(*share)
                    .map_err(|e| format!("the share {e}"))?;
                self.settle_entitlement();
                self.policy.improvement_share = *share;
            }
            Action::SetBoardInterval { every_days } => {
                if self.policy.board_every_days.is_none() {
                    return Err("this level has no change advisory board".into());
                }
                rules::BOARD_INTERVAL_DAYS
                    .check(*every_days)
                    .map_err(|e| format!("the interval {e}"))?;
                let mpd = self.level.calendar.minutes_per_day;
                let next = match (self.board_last, self.board_next) {
                    // The next meeting comes one new interval after the last one.
                    (Some(last), _) => last + every_days * mpd,
                    // Before the first meeting: it keeps its time unless the new interval
                    // from now comes sooner.
                    (None, Some(first)) => first.min(self.now + every_days * mpd),
                    (None, None) => self.now + every_days * mpd,
                };
                self.policy.board_every_days = Some(*every_days);
                self.schedule_board(next);
            }
            Action::PreApproveStandard { on } => {
                if self.policy.board_every_days.is_none() {
                    return Err("this level has no change advisory board".into());
                }
                self.policy.pre_approve_standard = *on;
                if *on && let Some(c) = self.deploy_center {
                    self.approve(c, usize::MAX, |r| r == Risk::Standard);
                }
            }
            Action::BypassBoard { on } => {
                let allowed = self
                    .level
                    .changes
                    .as_ref()
                    .is_some_and(|c| c.board.is_some() && c.off_board_allowed);
                if *on && !allowed {
                    return Err("this level does not allow changes off the board".into());
                }
                self.policy.bypass_board = *on;
            }
            Action::SetRelease { rule } => {
                if let ReleaseRule::DrumBufferRope { buffer } = rule {
                    if self.drum.is_none() {
                        return Err("this level has no drum (no constraint's center)".into());
                    }
                    rules::DBR_BUFFER
                        .check(*buffer)
                        .map_err(|e| format!("the buffer {e}"))?;
                }
                self.policy.release = *rule;
            }
            Action::Freeze { on } => self.policy.freeze = *on,
            Action::SetIntake { stream, accept } => {
                let i = self
                    .level
                    .arrivals
                    .iter()
                    .position(|a| &a.name == stream)
                    .ok_or_else(|| format!("no arrival stream named {stream:?}"))?;
                self.policy.accept[i] = *accept;
            }
            Action::Refuse { item } => {
                let slot = self.item_arg(*item)?;
                let Some(pos) = self.backlog.iter().position(|&s| s == slot) else {
                    return Err(format!("item #{item} is not in the backlog"));
                };
                self.backlog.remove(pos);
                self.blocked_items -= 1;
                self.free_item(slot);
                self.totals.refused += 1;
            }
            Action::Expedite { item } => {
                let slot = self.item_arg(*item)?;
                if self.item(slot).expedited {
                    return Err(format!("item #{item} is already expedited"));
                }
                let place = self.item(slot).place;
                self.item_mut(slot).expedited = true;
                match place {
                    Place::Backlog => {
                        let pos = self.backlog.iter().position(|&s| s == slot).expect("in");
                        self.backlog.remove(pos);
                        let front = self
                            .backlog
                            .iter()
                            .position(|&s| !self.item(s).expedited)
                            .unwrap_or(self.backlog.len());
                        self.backlog.insert(front, slot);
                    }
                    Place::Queue(c) | Place::Approval(c) => {
                        let awaiting = matches!(place, Place::Approval(_));
                        let list = if awaiting {
                            &mut self.centers[c].awaiting
                        } else {
                            &mut self.centers[c].queue
                        };
                        list.retain(|&s| s != slot);
                        self.enqueue(slot, c, awaiting);
                    }
                    Place::Service(_) | Place::Outbox(_) => {}
                }
                self.totals.expedites += 1;
                let points = self.level.debt.as_ref().map_or(0.0, |d| d.per_expedite);
                self.add_debt(points);
            }
            Action::SkipStep { center, on } => {
                let c = self.center_arg(center)?;
                if !self.level.centers[c].skippable {
                    return Err(format!("{center:?} cannot be skipped in this level"));
                }
                self.centers[c].skipped = *on;
                self.any_skipped = self.centers.iter().any(|c| c.skipped);
            }
            Action::Postmortem { outage } => {
                let o = self.outage_arg(*outage)?;
                if self
                    .level
                    .outages
                    .as_ref()
                    .and_then(|s| s.postmortem.as_ref())
                    .is_none()
                {
                    return Err("this level has no postmortems".into());
                }
                let Some(work_factor) = self.level.culture.postmortem_work_factor() else {
                    return Err(
                        "in a pathological culture nobody admits to a failure: no postmortem"
                            .into(),
                    );
                };
                if self.outages[o].state != OutageState::Resolved {
                    return Err(format!("outage #{outage} is not fixed yet"));
                }
                if self.outages[o].postmortem != PostmortemState::None {
                    return Err(format!("outage #{outage} already has a postmortem"));
                }
                self.schedule_postmortem(o, work_factor);
            }
        }
        Ok(())
    }

    fn center_arg(&self, id: &str) -> Result<usize, String> {
        self.level
            .center_index(id)
            .ok_or_else(|| format!("unknown center {id:?}"))
    }

    /// The index of the outage the player knows as `#id`: detected, or already fixed (a
    /// resolved outage is always known, even if fixed before it was noticed). Ids are
    /// sequential from 1, so this is a look-up, not a search.
    fn outage_arg(&self, id: u64) -> Result<usize, String> {
        id.checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|&i| {
                self.outages
                    .get(i)
                    .is_some_and(|x| x.state != OutageState::Undetected || x.resolved_at.is_some())
            })
            .ok_or_else(|| format!("no outage #{id}"))
    }

    fn item_arg(&self, id: u64) -> Result<usize, String> {
        let slot = self
            .find_item(id)
            .ok_or_else(|| format!("no item #{id} waiting"))?;
        if matches!(self.item(slot).place, Place::Service(_) | Place::Outbox(_)) {
            return Err(format!("item #{id} is already in service"));
        }
        Ok(slot)
    }
}
