//! Colors and small drawing helpers, in one place.
//!
//! Work types use the Okabe–Ito palette, which stays distinguishable under the common forms
//! of color blindness, and every item also carries its type's letter, so color is never the
//! only cue.

use bevy_egui::egui::{self, Color32};

use crate::sim::WorkType;

/// The color of a work type on the board and in charts.
pub fn work_color(t: WorkType) -> Color32 {
    match t {
        WorkType::Business => Color32::from_rgb(0x00, 0x72, 0xB2), // blue
        WorkType::Internal => Color32::from_rgb(0x00, 0x9E, 0x73), // bluish green
        WorkType::Change => Color32::from_rgb(0xE6, 0x9F, 0x00),   // orange
        WorkType::Unplanned => Color32::from_rgb(0xD5, 0x5E, 0x00), // vermillion
    }
}

/// The letter drawn on an item of a work type.
pub fn work_letter(t: WorkType) -> &'static str {
    match t {
        WorkType::Business => "B",
        WorkType::Internal => "I",
        WorkType::Change => "C",
        WorkType::Unplanned => "!",
    }
}

/// The Okabe–Ito palette (Okabe and Ito, *Color Universal Design*, 2008) without black,
/// which is the dark background's opposite here: orange, sky blue, bluish green, yellow,
/// blue, vermillion, reddish purple.
pub const OKABE_ITO: [Color32; 7] = [
    Color32::from_rgb(0xE6, 0x9F, 0x00),
    Color32::from_rgb(0x56, 0xB4, 0xE9),
    Color32::from_rgb(0x00, 0x9E, 0x73),
    Color32::from_rgb(0xF0, 0xE4, 0x42),
    Color32::from_rgb(0x00, 0x72, 0xB2),
    Color32::from_rgb(0xD5, 0x5E, 0x00),
    Color32::from_rgb(0xCC, 0x79, 0xA7),
];

/// The `i`-th color of a chart's series: [`OKABE_ITO`] in order, repeating.
pub fn okabe_ito(i: usize) -> Color32 {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// The color of a value-stream stage in the cumulative flow diagram: the backlog
/// [`MUTED`], done [`GOOD`], and center `k` (level order) the Okabe–Ito palette without
/// [`GOOD`], so that no center's band has done's color (the palette has six others: a level
/// with more centers repeats from the first).
pub fn stage_color(stage: &crate::sim::debrief::Stage) -> Color32 {
    use crate::sim::debrief::Stage;
    match stage {
        Stage::Backlog => MUTED,
        Stage::Done => GOOD,
        Stage::Center(k) => {
            let others: Vec<Color32> = OKABE_ITO.into_iter().filter(|c| *c != GOOD).collect();
            others[k % others.len()]
        }
    }
}

/// The window's background behind the board: egui's dark panel fill (gray 27), so the
/// panels without fill over the board look the same as the others.
pub const BACKGROUND: bevy::color::Color = bevy::color::Color::srgb_u8(27, 27, 27);

/// Outages and other alarms.
pub const ALARM: Color32 = Color32::from_rgb(0xD5, 0x5E, 0x00);
/// The constraint (Brent) and his load.
pub const CONSTRAINT: Color32 = Color32::from_rgb(0xCC, 0x79, 0xA7); // reddish purple
/// Good news: money earned, stars.
pub const GOOD: Color32 = Color32::from_rgb(0x00, 0x9E, 0x73);
/// Secondary text.
pub const MUTED: Color32 = Color32::from_gray(150);

/// Strong text and marks on the dark board and panels.
pub const TEXT: Color32 = Color32::WHITE;
/// Stars earned.
pub const STAR: Color32 = Color32::GOLD;
/// Light paper: the tickets piled beside a person, a chart's hovered point.
pub const PAPER: Color32 = Color32::from_gray(220);
/// A person's name under their figure.
pub const NAME: Color32 = Color32::from_gray(210);
/// Secondary text in charts (axis notes).
pub const NOTE: Color32 = Color32::from_gray(200);
/// Faint chart lines (the guides).
pub const GUIDE: Color32 = Color32::from_gray(90);
/// A person at work.
pub const PERSON: Color32 = Color32::from_gray(225);
/// An idle person.
pub const PERSON_IDLE: Color32 = Color32::from_gray(130);
/// A station's card.
pub const CARD: Color32 = Color32::from_rgb(0x2c, 0x2f, 0x36);
/// A card fully degraded by technical debt.
pub const CARD_DEBT: Color32 = Color32::from_rgb(0x4a, 0x38, 0x26);
/// A station's desk (its servers).
pub const DESK: Color32 = Color32::from_rgb(0x3a, 0x3f, 0x4a);
/// A gauge's empty part.
pub const GAUGE_BG: Color32 = Color32::from_rgb(0x1b, 0x1d, 0x22);
/// The WIP limit's boundary (Okabe–Ito yellow).
pub const LIMIT: Color32 = Color32::from_rgb(0xF0, 0xE4, 0x42);
/// A forming batch's mark (Okabe–Ito sky blue).
pub const BATCH: Color32 = Color32::from_rgb(0x56, 0xB4, 0xE9);
/// A QR code's light and dark modules (plain white and black, for any phone to read).
pub const QR_LIGHT: Color32 = Color32::WHITE;
/// A QR code's dark modules.
pub const QR_DARK: Color32 = Color32::BLACK;
/// The cracks of technical debt.
pub const CRACK: Color32 = Color32::from_rgb(0x8a, 0x6a, 0x3a);

/// The `d`-th card of a collapsed stack (0 the front), lighter towards the back.
pub fn stack_shade(d: u8) -> Color32 {
    Color32::from_gray(120 + 30 * d)
}

/// The color `t` of the way from `a` to `b` (0–1), channel by channel.
pub fn lerp(a: Color32, b: Color32, t: f32) -> Color32 {
    let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round() as u8;
    Color32::from_rgb(m(a.r(), b.r()), m(a.g(), b.g()), m(a.b(), b.b()))
}

/// An egui color as a Bevy color (for the board's sprites).
pub fn bevy_color(c: Color32) -> bevy::color::Color {
    bevy::color::Color::srgba_u8(c.r(), c.g(), c.b(), c.a())
}

/// Formats money with thousands separators: `$12,345`, `-$1,200`.
pub fn money(v: f64) -> String {
    let n = v.abs().round() as u64;
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{}${out}", if v < 0.0 && n > 0 { "-" } else { "" })
}

/// Formats a duration in sim minutes as hours: `3.5 h`, or `–` when absent.
pub fn hours(minutes: Option<f64>) -> String {
    minutes.map_or_else(|| "–".to_string(), |m| format!("{:.1} h", m / 60.0))
}

/// Draws one work item as a small rounded square in its type's color with its letter.
pub fn item_chip(ui: &mut egui::Ui, t: WorkType, id: u64, outlined: bool) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(16.0, 16.0), egui::Sense::click());
    let painter = ui.painter();
    painter.rect_filled(rect, 3.0, work_color(t));
    if outlined {
        painter.rect_stroke(
            rect,
            3.0,
            egui::Stroke::new(2.0, Color32::WHITE),
            egui::StrokeKind::Inside,
        );
    }
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        work_letter(t),
        egui::FontId::monospace(10.0),
        Color32::BLACK,
    );
    response.on_hover_text(format!("{} #{id}", t.label()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(0.0), "$0");
        assert_eq!(money(1234567.4), "$1,234,567");
        assert_eq!(money(-1200.0), "-$1,200");
        assert_eq!(money(999.0), "$999");
    }

    /// No two bands of one cumulative flow diagram share a color, on any shipped level
    /// (the diagram drew QA and done in the same green before).
    #[test]
    fn every_band_of_a_cumulative_flow_diagram_has_its_own_color() {
        for level in crate::sim::Level::all_embedded() {
            let mut sim = crate::sim::Simulation::new(level.clone(), 1);
            sim.advance_to(600.0);
            let cfd = crate::sim::debrief::cfd(&sim);
            let colors: Vec<Color32> = cfd.bands.iter().map(|b| stage_color(&b.stage)).collect();
            for (i, a) in colors.iter().enumerate() {
                for (j, b) in colors.iter().enumerate().skip(i + 1) {
                    assert_ne!(
                        a, b,
                        "{}: bands {:?} and {:?} share a color",
                        level.id, cfd.bands[i].label, cfd.bands[j].label
                    );
                }
            }
        }
    }

    #[test]
    fn work_types_have_distinct_colors_and_letters() {
        for a in WorkType::ALL {
            for b in WorkType::ALL {
                if a != b {
                    assert_ne!(work_color(a), work_color(b));
                    assert_ne!(work_letter(a), work_letter(b));
                }
            }
        }
    }
}
