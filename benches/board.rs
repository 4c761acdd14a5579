//! The animated board's frame-time harness: plays `bench/board-2000.ron` until 2,000 items
//! are in flight, then prints the CPU milliseconds per frame of the board's systems (Bevy's
//! diagnostics) and of building and tessellating the play screen's egui interface, at
//! 1280×720 and 1920×1080 (see `flowkata::game::probe`). Issue 11's budget for the
//! game's own systems is 4 ms per frame. Render extraction needs a renderer: the browser
//! test reports it.
//!
//! `cargo bench --features dev --bench board` (release build), or `cargo bench --features dev --bench board --profile dev`
//! for a quicker build.

use flowkata::game::probe::{self, Series};

fn main() {
    let text = include_str!("../bench/board-2000.ron");
    let show = |name: &str, s: &Series| {
        println!(
            "  {name:<22} p50 {:>6.2} ms   p90 {:>6.2} ms   max {:>6.2} ms",
            s.p50, s.p90, s.max
        );
    };
    for window in [(1280.0, 720.0), (1920.0, 1080.0)] {
        match probe::run("bench/board-2000.ron", text, 1, 2000, 200, window) {
            Ok(r) => {
                println!(
                    "{}×{}: {} frames at 16×, {} items in flight (+{} in the backlog), {} tokens ({} shown, the rest in counted stacks)",
                    r.window.0,
                    r.window.1,
                    r.frames,
                    r.in_flight,
                    r.backlog,
                    r.tokens.0,
                    r.tokens.1
                );
                show("board update (Bevy)", &r.board_update);
                show("egui: build the UI", &r.egui_build);
                show("egui: tessellate", &r.egui_tessellate);
                println!(
                    "  game's own systems (board + UI): p50 {:.2} ms, p90 {:.2} ms (budget 4 ms)",
                    r.board_update.p50 + r.egui_build.p50,
                    r.board_update.p90 + r.egui_build.p90
                );
            }
            Err(e) => {
                eprintln!("board harness: {e}");
                std::process::exit(1);
            }
        }
    }
}
