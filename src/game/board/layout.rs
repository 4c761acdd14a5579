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
    /// Scale factor (the player's text size: egui's zoom).
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
/// center's column would be narrower than 140 px × scale, they wrap onto two rows. Every
/// part has a non-negative size however small the area, so a tiny window degrades (tokens
/// collapse into counted stacks) instead of failing.
pub fn layout(area: Rect, scale: f32, columns: &[ColumnKind], systems: usize) -> Layout {
    let s = scale.max(0.1);
    let token = TOKEN * s;
    let cell = (TOKEN + TOKEN_GAP) * s;
    let person = PERSON * s;
    let gap = 14.0 * s;
    let band = if systems > 0 { 66.0 * s } else { 0.0 };
    let stations = Rect::from_corners(
        area.min,
        Vec2::new(area.max.x, (area.max.y - band - gap).max(area.min.y)),
    );

    let weight = |k: &ColumnKind| match k {
        ColumnKind::Center { .. } => 1.0,
        _ => 0.7,
    };
    let total: f32 = columns.iter().map(weight).sum::<f32>().max(0.7);
    let unit_one = (stations.width() - gap * (columns.len().saturating_sub(1)) as f32) / total;
    let rows = if unit_one < MIN_COLUMN * s && columns.len() > 3 {
        2
    } else {
        1
    };
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
            out.push(column(*kind, card, s, token));
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

/// One column's parts, top to bottom, inside `card`.
fn column(kind: ColumnKind, card: Rect, s: f32, token: f32) -> Column {
    let pad = 6.0 * s;
    let inner = Rect::new(
        card.min.x + pad,
        card.min.y + pad,
        (card.max.x - pad).max(card.min.x + pad),
        (card.max.y - pad).max(card.min.y + pad),
    );
    let mut y = inner.min.y;
    // Takes `h` off the top of what is left (never past the bottom).
    let mut take = |h: f32| {
        let top = y.min(inner.max.y);
        y = (y + h).min(inner.max.y);
        Rect::new(inner.min.x, top, inner.max.x, y)
    };
    let header = take(34.0 * s);
    let empty = Rect::new(inner.min.x, inner.min.y, inner.min.x, inner.min.y);
    match kind {
        ColumnKind::Center { approval } => {
            let gauge = take(6.0 * s);
            take(4.0 * s);
            let desk = take(2.0 * (token + 3.0 * s) + 6.0 * s);
            let staff = take(PERSON.y * s + 12.0 * s);
            let outbox = take(token + 6.0 * s);
            let approval = if approval {
                take(14.0 * s);
                take(2.0 * (token + 3.0 * s) + 4.0 * s)
            } else {
                empty
            };
            take(14.0 * s);
            let queue = take(f32::INFINITY);
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

    fn phoenix_like() -> Vec<ColumnKind> {
        let mut c = vec![ColumnKind::Backlog];
        c.extend((0..5).map(|_| ColumnKind::Center { approval: false }));
        c.push(ColumnKind::Center { approval: true });
        c.push(ColumnKind::Done);
        c
    }

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
        for (w, h, scale) in [
            (1024.0, 640.0, 1.0),
            (1280.0, 720.0, 1.0),
            (1920.0, 1080.0, 1.0),
            (3840.0, 2160.0, 2.0),
            (1280.0, 720.0, 1.6),
        ] {
            let area = Rect::new(0.0, 40.0 * scale, w - 300.0 * scale, h);
            let l = layout(area, scale, &phoenix_like(), 3);
            for c in &l.columns {
                assert!(inside(area, c.card), "{w}x{h}: {c:?}");
                for part in [c.header, c.gauge, c.desk, c.staff, c.outbox, c.queue] {
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
    fn a_narrow_window_wraps_onto_two_rows_and_a_wide_one_keeps_one() {
        let kinds = phoenix_like();
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
        let l = layout(Rect::new(0.0, 0.0, 40.0, 30.0), 1.0, &phoenix_like(), 2);
        for c in &l.columns {
            for part in [c.card, c.header, c.desk, c.queue] {
                assert!(part.width() >= 0.0 && part.height() >= 0.0, "{part:?}");
            }
            assert!(l.grid(c.queue).capacity() >= 1);
        }
    }
}
