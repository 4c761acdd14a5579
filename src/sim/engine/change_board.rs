//! The change advisory board: a queue every change waits in at the deploy step until the
//! board meets (every `every_days` workdays, approving up to `approvals_per_meeting`).
//! Standard changes can be pre-approved; under pressure changes can bypass the board, at the
//! cost of slower diagnosis of the outages they cause ([`super::incidents`]).

use super::{EventKind, Place, SimTime, Simulation};
use crate::sim::level::{Level, Risk};
use crate::sim::rules;

/// The state of the change advisory board.
#[derive(Clone, Debug)]
pub(super) struct ChangeBoard {
    /// Workdays between meetings (`None`: the level has no board).
    every_days: Option<f64>,
    /// Whether standard changes are pre-approved.
    pre_approve_standard: bool,
    /// Whether changes bypass the board (off-board changes).
    bypass: bool,
    /// Next meeting, if there is a board.
    next: Option<SimTime>,
    /// Last meeting, if any yet.
    last: Option<SimTime>,
    /// Token of the scheduled meeting event (a rescheduled meeting makes the old one stale).
    token: u64,
}

impl ChangeBoard {
    /// Workdays between meetings, `None` where the level has no board.
    pub(super) fn every_days(&self) -> Option<f64> {
        self.every_days
    }

    /// Whether standard changes are pre-approved.
    pub(super) fn pre_approves_standard(&self) -> bool {
        self.pre_approve_standard
    }

    /// Whether the player has let changes bypass the board (`BypassBoard`).
    pub(super) fn bypassed(&self) -> bool {
        self.bypass
    }

    /// Whether `token` is that of the meeting scheduled now (else the event is stale).
    pub(super) fn is_current(&self, token: u64) -> bool {
        token == self.token
    }

    pub(super) fn new(level: &Level) -> Self {
        let board = level.changes.as_ref().and_then(|c| c.board.as_ref());
        Self {
            every_days: board.map(|b| b.every_days),
            pre_approve_standard: board.is_some_and(|b| b.pre_approve_standard),
            bypass: false,
            next: None,
            last: None,
            token: 0,
        }
    }
}

impl Simulation {
    /// Schedules the board's first meeting, if the level has a board.
    pub(super) fn start_board(&mut self) {
        let first = self
            .level
            .changes
            .as_ref()
            .and_then(|c| c.board.as_ref())
            .map(|b| b.first_at);
        if let Some(first) = first {
            self.schedule_board(first);
        }
    }

    /// Schedules the next board meeting at sim time `at` (or now, if `at` has passed).
    pub(super) fn schedule_board(&mut self, at: SimTime) {
        let at = at.max(self.now);
        self.change_board.token += 1;
        self.change_board.next = Some(at);
        let token = self.change_board.token;
        self.schedule(at - self.now, EventKind::BoardMeets { token });
    }

    /// The board meets: it approves waiting changes in order (expedited first), up to its
    /// approvals per meeting, and sets its next meeting.
    pub(super) fn on_board_meeting(&mut self) {
        let Some(c) = self.deploys.center else { return };
        self.change_board.last = Some(self.now);
        self.history.board_meetings.push(self.now);
        let limit = self
            .level
            .changes
            .as_ref()
            .and_then(|ch| ch.board.as_ref())
            .and_then(|b| b.approvals_per_meeting)
            .map_or(usize::MAX, |n| n as usize);
        self.approve(c, limit, |_| true);
        if let Some(days) = self.change_board.every_days {
            let next = self.now + days * self.level.calendar.minutes_per_day;
            self.schedule_board(next);
        }
    }

    /// Moves up to `limit` changes waiting for approval at the deploy center `c` that
    /// satisfy `which` into its queue.
    pub(super) fn approve(&mut self, c: usize, limit: usize, which: impl Fn(Risk) -> bool) {
        let now = self.now;
        self.centers[c].touch(now);
        let mut approved = 0;
        let mut i = 0;
        while i < self.centers[c].awaiting.len() && approved < limit {
            let slot = self.centers[c].awaiting[i];
            if which(self.item(slot).risk) {
                self.centers[c].awaiting.remove(i);
                self.item_mut(slot).place = Place::Queue(c);
                self.enqueue(slot, c, false);
                approved += 1;
            } else {
                i += 1;
            }
        }
    }

    /// Whether a change arriving at the deploy step must wait for the board now.
    pub(super) fn needs_approval(&self, slot: usize) -> bool {
        if self.change_board.every_days.is_none() || self.change_board.bypass {
            return false;
        }
        !(self.item(slot).risk == Risk::Standard && self.change_board.pre_approve_standard)
    }

    /// Sim time of the next change advisory board meeting, if there is a board.
    pub fn next_board_meeting(&self) -> Option<SimTime> {
        self.change_board.next
    }

    /// The change advisory board, if the level has one.
    pub fn change_board_view(&self) -> Option<ChangeBoardView> {
        let every_days = self.change_board.every_days?;
        Some(ChangeBoardView {
            every_days,
            next_meeting: self.change_board.next,
            waiting: self
                .deploys
                .center
                .map_or(0, |c| self.centers[c].awaiting.len()),
            pre_approve_standard: self.change_board.pre_approve_standard,
            bypass: self.change_board.bypass,
            bypass_allowed: self
                .level
                .changes
                .as_ref()
                .is_some_and(|c| c.off_board_allowed),
        })
    }

    /// The command `SetBoardInterval`: sets how often the change advisory board meets.
    pub(super) fn set_board_interval(&mut self, every_days: &f64) -> Result<(), String> {
        if self.change_board.every_days.is_none() {
            return Err("this level has no change advisory board".into());
        }
        rules::BOARD_INTERVAL_DAYS
            .check(*every_days)
            .map_err(|e| format!("the interval {e}"))?;
        let mpd = self.level.calendar.minutes_per_day;
        let next = match (self.change_board.last, self.change_board.next) {
            // The next meeting comes one new interval after the last one.
            (Some(last), _) => last + every_days * mpd,
            // Before the first meeting: it keeps its time unless the new interval
            // from now comes sooner.
            (None, Some(first)) => first.min(self.now + every_days * mpd),
            (None, None) => self.now + every_days * mpd,
        };
        self.change_board.every_days = Some(*every_days);
        self.schedule_board(next);
        Ok(())
    }

    /// The command `PreApproveStandard`: pre-approves standard changes (or stops): they skip the board.
    pub(super) fn pre_approve_standard(&mut self, on: &bool) -> Result<(), String> {
        if self.change_board.every_days.is_none() {
            return Err("this level has no change advisory board".into());
        }
        self.change_board.pre_approve_standard = *on;
        if *on && let Some(c) = self.deploys.center {
            self.approve(c, usize::MAX, |r| r == Risk::Standard);
        }
        Ok(())
    }

    /// The command `BypassBoard`: lets changes bypass the board (or stops), where the level allows it.
    pub(super) fn bypass_board(&mut self, on: &bool) -> Result<(), String> {
        let allowed = self
            .level
            .changes
            .as_ref()
            .is_some_and(|c| c.board.is_some() && c.off_board_allowed);
        if *on && !allowed {
            return Err("this level does not allow changes off the board".into());
        }
        self.change_board.bypass = *on;
        Ok(())
    }
}

/// The change advisory board as the controls show it.
#[derive(Clone, Debug)]
pub struct ChangeBoardView {
    /// Workdays between meetings.
    pub every_days: f64,
    /// Next meeting, sim minutes.
    pub next_meeting: Option<SimTime>,
    /// Changes waiting for it.
    pub waiting: usize,
    /// Whether standard changes are pre-approved.
    pub pre_approve_standard: bool,
    /// Whether changes bypass it now.
    pub bypass: bool,
    /// Whether the level allows bypassing it.
    pub bypass_allowed: bool,
}
