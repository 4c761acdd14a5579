//! Where things go on the board: the value stream's places left to right (backlog, each
//! work center, done), wrapped onto a second row when the window is too narrow, and under
//! them the production systems where outages strike. A pure function of the board's area,
//! the scale and the level's shape, in logical pixels from the window's top-left (y down).

use bevy::math::{Rect, Vec2};

/// Edge of an item token at scale 1, logical pixels.
pub const TOKEN: f32 = 14.0;
/// Gap between tokens at scale 1, logical pixels.
pub const TOKEN_GAP: f32 = 3.0;
/// Size of a person's figure at scale 1 (width, height), logical pixels.
pub const PERSON: Vec2 = Vec2::new(16.0, 24.0);
/// A center's column narrower than this (at scale 1) wraps the board onto two rows.
const MIN_COLUMN: f32 = 140.0;
/// The cell of the token grids at scale 1 (a token and its gap), logical pixels.
const CELL: f32 = TOKEN + TOKEN_GAP;
/// Padding inside a card, at scale 1, logical pixels.
const PAD: f32 = 6.0;
/// Height of a label line over an area (the queue's, the change board's), at scale 1.
const LABEL: f32 = 14.0;
/// Gap between cards, and between the cards and the systems' band, at scale 1.
const GAP: f32 = 14.0;
/// Height of the production systems' band, at scale 1.
const BAND: f32 = 66.0;
/// Heights of a center card's fixed parts at scale 1, top to bottom, logical pixels: the
/// header, the gauge, a gap, the desk (two rows of servers), the staff (a figure and its
/// name), the outbox (a row of tokens).
const PARTS: [f32; 6] = [
    34.0,
    6.0,
    4.0,
    2.0 * CELL + 6.0,
    PERSON.y + 12.0,
    TOKEN + 6.0,
];
/// The height a center's card needs at scale 1: its padding, its fixed parts, and a
/// labelled queue of two rows. A card shorter than this at the player's text size makes
/// the board smaller (see [`layout`]).
const MIN_CARD: f32 = 2.0 * PAD
    + PARTS[0]
    + PARTS[1]
    + PARTS[2]
    + PARTS[3]
    + PARTS[4]
    + PARTS[5]
    + LABEL
    + 2.0 * CELL;

/// What a column of the board holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// Arrived work not yet released.
    Backlog,
    /// A work center; `approval`: it has a change-board waiting area (the deploy step).
    Center { approval: bool },
    /// Completed work.
    Done,
}

/// One place of the value stream, its parts stacked top to bottom.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// What it holds.
    pub kind: ColumnKind,
    /// The whole card.
    pub card: Rect,
    /// Name and figures (drawn as text by egui).
    pub header: Rect,
    /// The utilization gauge (centers only; empty otherwise).
    pub gauge: Rect,
    /// The servers: items in service (centers only).
    pub desk: Rect,
    /// Where the people working here stand (centers only).
    pub staff: Rect,
    /// Items done here and blocked downstream (centers only).
    pub outbox: Rect,
    /// Changes waiting for the change advisory board (the deploy step only).
    pub approval: Rect,
    /// The queue (or the backlog, or the done pile).
    pub queue: Rect,
}

/// The whole board.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// The area it fills.
    pub area: Rect,
    /// Scale factor: the player's text size (egui's zoom), or less where the board would
    /// not fit at it (its text is drawn at this scale too).
    pub scale: f32,
    /// Token edge and the grid's cell, logical pixels.
    pub token: f32,
    /// The cell of the token grids (token plus gap), logical pixels.
    pub cell: f32,
    /// Person figure size, logical pixels.
    pub person: Vec2,
    /// Backlog, the centers in level order, done.
    pub columns: Vec<Column>,
    /// One box per production system, where its outages show.
    pub systems: Vec<Rect>,
    /// Where people doing improvement work stand.
    pub improvement: Rect,
}

/// A grid of token cells filling `area` row by row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    /// The area.
    pub area: Rect,
    /// Cell edge, logical pixels.
    pub cell: f32,
}

impl Grid {
    /// Cells per row (at least 1).
    pub fn columns(&self) -> usize {
        ((self.area.width() / self.cell).floor() as usize).max(1)
    }

    /// How many cells fit (at least 1: a tiny area still shows one, collapsed, stack).
    pub fn capacity(&self) -> usize {
        let rows = ((self.area.height() / self.cell).floor() as usize).max(1);
        self.columns() * rows
    }

    /// The center of cell `k`, row by row from the top-left.
    pub fn slot(&self, k: usize) -> Vec2 {
        let c = self.columns();
        let (row, col) = (k / c, k % c);
        self.area.min + Vec2::new(col as f32 + 0.5, row as f32 + 0.5) * self.cell
    }
}

impl Layout {
    /// The grid of `area` at this layout's cell size.
    pub fn grid(&self, area: Rect) -> Grid {
        Grid {
            area,
            cell: self.cell,
        }
    }
}

/// Lays the board out in `area` (logical pixels) at `scale`, for `columns` (backlog,
/// centers, done) and `systems` production systems (0: no outage band).
///
/// The columns share the width, the backlog and done at 0.7 of a center's share; when a
/// center's column would be narrower than 140 px × scale, they wrap onto two rows (of more
/// than three columns). Where a card would be shorter than its parts and two rows of queue
/// need, the whole board is drawn at a smaller scale, on the one or two rows that allow the
/// larger one. Every part has a non-negative size however small the area, so a tiny window
/// degrades (tokens collapse into counted stacks) instead of failing.
pub fn layout(area: Rect, scale: f32, columns: &[ColumnKind], systems: usize) -> Layout {
    let weight = |k: &ColumnKind| match k {
        ColumnKind::Center { .. } => 1.0,
        _ => 0.7,
    };
    let total: f32 = columns.iter().map(weight).sum::<f32>().max(0.7);
    let n = columns.len().max(1) as f32;
    let band_1 = if systems > 0 { BAND } else { 0.0 };
    // The largest scale (up to the player's) at which `rows` rows of cards are tall
    // enough: the area's height holds the rows, the gaps and the band, all in proportion.
    let tall = |rows: f32| area.height() / (MIN_CARD * rows + GAP * rows + band_1);
    // One row: also wide enough for its columns, if it could wrap (three columns or fewer
    // never wrap, and the width does not bound their scale).
    let can_wrap = columns.len() > 3;
    let one = if can_wrap {
        tall(1.0).min(area.width() / (MIN_COLUMN * total + GAP * (n - 1.0)))
    } else {
        tall(1.0)
    };
    let two = tall(2.0);
    let wrap = can_wrap && one < scale.min(two);
    let s = scale.min(if wrap { two } else { one }).max(0.1);
    let token = TOKEN * s;
    let cell = CELL * s;
    let person = PERSON * s;
    let gap = GAP * s;
    let band = band_1 * s;
    let stations = Rect::from_corners(
        area.min,
        Vec2::new(area.max.x, (area.max.y - band - gap).max(area.min.y)),
    );
    let rows = if wrap { 2 } else { 1 };
    let per_row = columns.len().div_ceil(rows).max(1);
    let row_h = ((stations.height() - gap * (rows - 1) as f32) / rows as f32).max(0.0);

    let mut out = Vec::with_capacity(columns.len());
    for (r, chunk) in columns.chunks(per_row).enumerate() {
        let w_total: f32 = chunk.iter().map(weight).sum();
        let unit = ((stations.width() - gap * (chunk.len() - 1) as f32) / w_total).max(0.0);
        let y0 = stations.min.y + r as f32 * (row_h + gap);
        let mut x = stations.min.x;
        for kind in chunk {
            let w = unit * weight(kind);
            let card = Rect::new(x, y0, x + w, y0 + row_h);
            out.push(column(*kind, card, s));
            x += w + gap;
        }
    }

    let (systems_r, improvement) = if systems > 0 {
        let y0 = area.max.y - band;
        let imp_w = (area.width() * 0.18).min(220.0 * s);
        let improvement = Rect::new(area.max.x - imp_w, y0, area.max.x, area.max.y);
        let avail = (area.width() - imp_w - gap).max(0.0);
        let w = ((avail - gap * (systems - 1) as f32) / systems as f32).max(0.0);
        let boxes = (0..systems)
            .map(|i| {
                let x = area.min.x + i as f32 * (w + gap);
                Rect::new(x, y0, x + w, area.max.y)
            })
            .collect();
        (boxes, improvement)
    } else {
        let y0 = (area.max.y - 40.0 * s).max(area.min.y);
        (
            Vec::new(),
            Rect::new(area.max.x - 200.0 * s, y0, area.max.x, area.max.y),
        )
    };

    Layout {
        area,
        scale: s,
        token,
        cell,
        person,
        columns: out,
        systems: systems_r,
        improvement,
    }
}

/// Splits `h` off the top of `r`, never past its bottom: (the top, what is left).
fn cut(r: Rect, h: f32) -> (Rect, Rect) {
    let y = (r.min.y + h).min(r.max.y);
    (
        Rect::new(r.min.x, r.min.y, r.max.x, y),
        Rect::new(r.min.x, y, r.max.x, r.max.y),
    )
}

/// One column's parts, top to bottom, inside `card`.
fn column(kind: ColumnKind, card: Rect, s: f32) -> Column {
    let pad = PAD * s;
    let inner = Rect::new(
        card.min.x + pad,
        card.min.y + pad,
        (card.max.x - pad).max(card.min.x + pad),
        (card.max.y - pad).max(card.min.y + pad),
    );
    let mut rest = inner;
    // Takes `h` off the top of what is left.
    let mut take = |h: f32| {
        let (top, below) = cut(rest, h);
        rest = below;
        top
    };
    let header = take(PARTS[0] * s);
    let empty = Rect::new(inner.min.x, inner.min.y, inner.min.x, inner.min.y);
    match kind {
        ColumnKind::Center { approval } => {
            let gauge = take(PARTS[1] * s);
            take(PARTS[2] * s);
            let desk = take(PARTS[3] * s);
            let staff = take(PARTS[4] * s);
            let outbox = take(PARTS[5] * s);
            let label = LABEL * s;
            let cell = CELL * s;
            let approval_h = 2.0 * cell + 4.0 * s;
            // The deploy step: the change board's area above its queue while the queue keeps
            // two rows of tokens under it; in a short card, side by side, the queue on the
            // right, so the forming batch never loses its place.
            let (approval, queue) = if !approval {
                (empty, cut(rest, label).1)
            } else if rest.height() >= 2.0 * label + approval_h + 2.0 * cell {
                let (a, below) = cut(cut(rest, label).1, approval_h);
                (a, cut(below, label).1)
            } else {
                let both = cut(rest, label).1;
                let mid = both.center().x;
                let half_gap = 3.0 * s;
                (
                    Rect::new(
                        both.min.x,
                        both.min.y,
                        (mid - half_gap).max(both.min.x),
                        both.max.y,
                    ),
                    Rect::new(
                        (mid + half_gap).min(both.max.x),
                        both.min.y,
                        both.max.x,
                        both.max.y,
                    ),
                )
            };
            Column {
                kind,
                card,
                header,
                gauge,
                desk,
                staff,
                outbox,
                approval,
                queue,
            }
        }
        ColumnKind::Backlog | ColumnKind::Done => Column {
            kind,
            card,
            header,
            gauge: empty,
            desk: empty,
            staff: empty,
            outbox: empty,
            approval: empty,
            queue: take(f32::INFINITY),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The backlog, `centers` work centers, the deploy step and done.
    fn stream(centers: usize) -> Vec<ColumnKind> {
        let mut c = vec![ColumnKind::Backlog];
        c.extend((0..centers).map(|_| ColumnKind::Center { approval: false }));
        c.push(ColumnKind::Center { approval: true });
        c.push(ColumnKind::Done);
        c
    }

    /// The window sizes the game must serve (width, height, text size): a small laptop,
    /// 720p and 1080p, a 4K projector at 2×, and large text on small windows.
    const WINDOWS: [(f32, f32, f32); 6] = [
        (1024.0, 640.0, 1.0),
        (1280.0, 720.0, 1.0),
        (1920.0, 1080.0, 1.0),
        (3840.0, 2160.0, 2.0),
        (1280.0, 720.0, 1.6),
        (1024.0, 640.0, 1.25),
    ];

    fn inside(outer: Rect, inner: Rect) -> bool {
        inner.min.x >= outer.min.x - 1e-3
            && inner.min.y >= outer.min.y - 1e-3
            && inner.max.x <= outer.max.x + 1e-3
            && inner.max.y <= outer.max.y + 1e-3
    }

    #[test]
    fn every_part_lies_inside_the_area_and_columns_do_not_overlap() {
        // The board's area at the window sizes the game must serve (less the HUD and the
        // controls panel), at normal and projector text sizes.
        for (w, h, scale) in WINDOWS {
            let area = Rect::new(0.0, 40.0 * scale, w - 300.0 * scale, h);
            let l = layout(area, scale, &stream(5), 3);
            for c in &l.columns {
                assert!(inside(area, c.card), "{w}x{h}: {c:?}");
                for part in [
                    c.header, c.gauge, c.desk, c.staff, c.outbox, c.approval, c.queue,
                ] {
                    assert!(inside(c.card, part), "{w}x{h}: {part:?} outside {c:?}");
                }
            }
            for (i, a) in l.columns.iter().enumerate() {
                for b in &l.columns[i + 1..] {
                    assert!(
                        a.card.intersect(b.card).is_empty(),
                        "{w}x{h}: {a:?} overlaps {b:?}"
                    );
                }
            }
            for s in &l.systems {
                assert!(inside(area, *s));
                for c in &l.columns {
                    assert!(s.intersect(c.card).is_empty());
                }
            }
        }
    }

    #[test]
    fn every_card_keeps_its_queue_and_the_deploy_step_its_change_board_at_every_size() {
        // Phoenix's shape (backlog, four centers, the deploy step last, done) in the board
        // area the play screen leaves: under about 150 px of HUD and legend (at the text
        // size), beside a 330 px controls panel. At 1024×640 the columns wrap and the cards
        // are short: the change board and the forming batch sit side by side there. At
        // 1280×720 with 1.6× text the cards would be too short: the board is drawn smaller.
        let kinds = stream(3);
        for (w, h, scale) in WINDOWS {
            let area = Rect::new(0.0, 150.0 * scale, w - 330.0 * scale, h);
            let l = layout(area, scale, &kinds, 3);
            assert!(l.scale <= scale, "{w}x{h} at {scale}: {}", l.scale);
            for c in &l.columns[1..4] {
                assert!(
                    c.queue.height() >= 2.0 * l.cell - 1e-3,
                    "{w}x{h} at {scale}: queue {:?} at scale {}",
                    c.queue,
                    l.scale
                );
            }
            let deploy = &l.columns[4];
            let (a, q) = (l.grid(deploy.approval), l.grid(deploy.queue));
            assert!(
                deploy.approval.height() >= l.cell && deploy.queue.height() >= l.cell,
                "{w}x{h} at {scale}: change board {a:?}, queue {q:?}"
            );
            assert!(a.columns() >= 3 && q.columns() >= 3, "{w}x{h} at {scale}");
            assert!(deploy.approval.intersect(deploy.queue).is_empty());
        }
        // Where it fits, the board keeps the player's text size.
        for (w, h, scale) in [
            (1280.0, 720.0, 1.0),
            (1920.0, 1080.0, 1.0),
            (3840.0, 2160.0, 2.0),
        ] {
            let area = Rect::new(0.0, 150.0 * scale, w - 330.0 * scale, h);
            assert_eq!(layout(area, scale, &kinds, 3).scale, scale, "{w}x{h}");
        }
    }

    #[test]
    fn a_narrow_window_wraps_onto_two_rows_and_a_wide_one_keeps_one() {
        let kinds = stream(5);
        let narrow = layout(Rect::new(0.0, 0.0, 730.0, 560.0), 1.0, &kinds, 3);
        let rows = |l: &Layout| {
            let mut ys: Vec<i32> = l.columns.iter().map(|c| c.card.min.y as i32).collect();
            ys.dedup();
            ys.len()
        };
        assert_eq!(rows(&narrow), 2);
        let wide = layout(Rect::new(0.0, 0.0, 1620.0, 1000.0), 1.0, &kinds, 3);
        assert_eq!(rows(&wide), 1);
        // Value-stream order: left to right within a row.
        for pair in wide.columns.windows(2) {
            assert!(pair[0].card.max.x < pair[1].card.min.x);
        }
    }

    #[test]
    fn grid_slots_fill_rows_and_stay_in_the_area() {
        let g = Grid {
            area: Rect::new(10.0, 20.0, 110.0, 70.0),
            cell: 17.0,
        };
        assert_eq!(g.columns(), 5);
        assert_eq!(g.capacity(), 10);
        assert_eq!(g.slot(0), Vec2::new(18.5, 28.5));
        assert_eq!(g.slot(5), Vec2::new(18.5, 45.5));
        for k in 0..g.capacity() {
            let p = g.slot(k);
            assert!(g.area.contains(p), "{k}: {p}");
        }
    }

    #[test]
    fn a_tiny_area_still_lays_out_without_negative_sizes() {
        let l = layout(Rect::new(0.0, 0.0, 40.0, 30.0), 1.0, &stream(5), 2);
        for c in &l.columns {
            for part in [c.card, c.header, c.desk, c.queue] {
                assert!(part.width() >= 0.0 && part.height() >= 0.0, "{part:?}");
            }
            assert!(l.grid(c.queue).capacity() >= 1);
        }
    }
}
