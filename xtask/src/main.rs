//! `cargo xtask`: build, serve and test flowkata. Every task installs or checks what it needs
//! first, so each works on a fresh machine with nothing but Rust, Node.js and the registries.
//!
//! - `cargo xtask serve [--port 8080] [--release]`: builds the web bundle and serves it on
//!   `http://127.0.0.1:PORT`, printing the URL.
//! - `cargo xtask build-web [--release]`: builds the web bundle into `target/web/<profile>/`.
//! - `cargo xtask dist [--out DIR]`: the shippable bundle (`web-release`) as a self-contained
//!   static folder (default `dist/`), with precompressed `.gz` copies and the offline
//!   service worker, to host on any static file server.
//! - `cargo xtask test`: every test: the core without Bevy, the whole crate with the shell,
//!   clippy and rustdoc with warnings as errors, fmt, then the web bundle (the wasm build) in
//!   headless Chromium.
//! - `cargo xtask golden`: writes the golden run files of `tests/golden/` anew with the
//!   current engine (after a change that bumps `ENGINE_VERSION`; see docs/runs.md).
//! - `cargo xtask setup`: installs the prerequisites (wasm target, Chromium, npm packages).
//! - `cargo xtask peer`: the peer comparison: the same M/M/1 model (λ = 0.9, μ = 1, about one
//!   million customers) in SimPy and in flowkata, in seven interleaved pairs: customers per
//!   second for each run and the median ratio.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let profile = if flag("--release") {
        "web-release"
    } else {
        "web"
    };
    match args.first().map(String::as_str) {
        Some("serve") => {
            let port: u16 = value("--port")
                .map_or(Ok(8080), |p| p.parse())
                .context("--port must be a number")?;
            let host: std::net::IpAddr = value("--host")
                .map_or(Ok(std::net::Ipv4Addr::LOCALHOST.into()), |h| h.parse())
                .context("--host must be an IP address, such as 0.0.0.0 for every interface")?;
            ensure_wasm_target()?;
            let dir = build_web(profile)?;
            serve(&dir, host, port)
        }
        Some("build-web") => {
            ensure_wasm_target()?;
            build_web(profile).map(|_| ())
        }
        Some("dist") => {
            ensure_wasm_target()?;
            let out = value("--out").map_or_else(|| root().join("dist"), PathBuf::from);
            dist(&out)
        }
        Some("setup") => setup(),
        Some("golden") => golden(),
        Some("test") => test(),
        Some("peer") => peer(),
        _ => {
            eprintln!(
                "usage: cargo xtask <serve [--host IP] [--port N] [--release] | build-web [--release] | dist [--out DIR] | test | golden | setup | peer>"
            );
            std::process::exit(2);
        }
    }
}

/// The workspace root. `cargo run` sets `CARGO_MANIFEST_DIR` for the process, so a binary
/// built in another clone that shares the target directory still finds this clone; the
/// compile-time value is the fallback.
fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("$ {cmd:?}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed: {status}");
    }
    Ok(())
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match out {
        Ok(o)
            if String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == WASM_TARGET) =>
        {
            Ok(())
        }
        Ok(_) => run(Command::new("rustup").args(["target", "add", WASM_TARGET])),
        Err(_) => {
            eprintln!("rustup not found; assuming the {WASM_TARGET} target is installed");
            Ok(())
        }
    }
}

/// Builds the game for the web with cargo `profile` and runs wasm-bindgen (the library, at
/// exactly the game's wasm-bindgen version). Returns the folder to serve.
fn build_web(profile: &str) -> Result<PathBuf> {
    let started = Instant::now();
    run(cargo().env("FLOWKATA_BUILD", build_id()).args([
        "build",
        "--profile",
        profile,
        "--target",
        WASM_TARGET,
        "--bin",
        "flowkata",
    ]))?;
    let wasm = target_dir()
        .join(WASM_TARGET)
        .join(profile)
        .join("flowkata.wasm");
    let out = target_dir().join("web").join(profile);
    std::fs::create_dir_all(&out)?;
    eprintln!("wasm-bindgen {} -> {}", wasm.display(), out.display());
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name("flowkata")
        .web(true)?
        .typescript(false)
        .remove_name_section(true)
        .generate(&out)?;
    std::fs::copy(root().join("web/index.html"), out.join("index.html"))?;
    // The service worker, versioned by the bundle's content: a new build replaces the
    // cached one, and a reload without the network plays the cached build.
    let version = content_version(&[
        &std::fs::read(out.join("flowkata_bg.wasm"))?,
        &std::fs::read(out.join("flowkata.js"))?,
        &std::fs::read(out.join("index.html"))?,
    ]);
    let sw = std::fs::read_to_string(root().join("web/sw.js"))?.replace("BUILD_VERSION", &version);
    std::fs::write(out.join("sw.js"), sw)?;
    // Precompressed copies: the server sends them to browsers that accept gzip (all do).
    // The shippable bundle is compressed with Zopfli (gzip-compatible, about 4% smaller than
    // the best zlib level, about a minute for the wasm); test builds with zlib, in a second.
    for name in ["flowkata_bg.wasm", "flowkata.js", "index.html", "sw.js"] {
        let data = std::fs::read(out.join(name))?;
        let gz = if profile == "web-release" {
            let mut gz = Vec::new();
            zopfli::compress(
                zopfli::Options {
                    iteration_count: std::num::NonZeroU64::new(1).expect("1 is not zero"),
                    ..Default::default()
                },
                zopfli::Format::Gzip,
                &data[..],
                &mut gz,
            )?;
            gz
        } else {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            gz.write_all(&data)?;
            gz.finish()?
        };
        std::fs::write(out.join(format!("{name}.gz")), gz)?;
    }
    let size = |n: &str| {
        std::fs::metadata(out.join(n))
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0)
    };
    eprintln!(
        "web bundle ({profile}) ready in {:.0} s: flowkata_bg.wasm {:.1} MB ({:.1} MB gzip)",
        started.elapsed().as_secs_f64(),
        size("flowkata_bg.wasm"),
        size("flowkata_bg.wasm.gz")
    );
    Ok(out)
}

/// The build id compiled into the game (shown on its title screen): the git commit, with
/// `+` when the work tree has changes; `dev` without git.
fn build_id() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short=10", "HEAD"]) {
        Some(hash) => {
            let dirty = git(&["status", "--porcelain"]).is_some_and(|s| !s.is_empty());
            format!("{hash}{}", if dirty { "+" } else { "" })
        }
        None => "dev".into(),
    }
}

/// A short version of the bundle's content (FNV-1a, 64 bits, hex): names the service
/// worker's cache, so each build has its own.
fn content_version(parts: &[&[u8]]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in *part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// `dist`: the shippable bundle copied to `out`, plain files and `.gz` copies side by side.
fn dist(out: &Path) -> Result<()> {
    let bundle = build_web("web-release")?;
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("cannot empty {}", out.display()))?;
    }
    std::fs::create_dir_all(out)?;
    let mut total = 0;
    let mut gzip = 0;
    for entry in std::fs::read_dir(&bundle)? {
        let path = entry?.path();
        let name = path.file_name().context("a file name")?.to_owned();
        std::fs::copy(&path, out.join(&name))?;
        let len = std::fs::metadata(&path)?.len();
        if name.to_string_lossy().ends_with(".gz") {
            gzip += len;
        } else {
            total += len;
        }
    }
    println!(
        "dist ready: {} ({:.1} MB, {:.1} MB as gzip)",
        out.display(),
        total as f64 / 1e6,
        gzip as f64 / 1e6
    );
    println!("  host it on any static file server over http or https, for example:");
    println!(
        "  python3 -m http.server 8080 --directory {}",
        out.display()
    );
    println!(
        "  (opening index.html as a file:// page cannot work: browsers do not load wasm modules from files)"
    );
    Ok(())
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("png") => "image/png",
        Some("css") => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Serves `dir` on 127.0.0.1:`port` until the process ends.
/// Serves the bundle on `host:port`. With `--host 0.0.0.0` other machines in the room can
/// reach it: the address printed is this machine's address on its default route (found
/// with a UDP socket's `connect`, which sends nothing).
fn serve(dir: &Path, host: std::net::IpAddr, port: u16) -> Result<()> {
    let server = tiny_http::Server::http((host, port))
        .map_err(|e| anyhow::anyhow!("cannot listen on {host}:{port}: {e}"))?;
    let shown = if host.is_unspecified() {
        std::net::UdpSocket::bind("0.0.0.0:0")
            .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
            .and_then(|s| s.local_addr())
            .map_or(host, |a| a.ip())
    } else {
        host
    };
    println!("flowkata is being served at http://{shown}:{port}/ (Ctrl-C to stop)");
    println!("  start a level directly: http://{shown}:{port}/?level=first-day&seed=1");
    if host.is_loopback() {
        println!("  only this machine can reach it; --host 0.0.0.0 serves the room");
    }
    serve_requests(&server, dir);
    Ok(())
}

fn serve_requests(server: &tiny_http::Server, dir: &Path) {
    for request in server.incoming_requests() {
        let url = request.url().split('?').next().unwrap_or("/").to_string();
        let rel = url.trim_start_matches('/');
        let rel = if rel.is_empty() { "index.html" } else { rel };
        let path = dir.join(rel);
        let safe = !rel.split('/').any(|p| p == ".." || p.is_empty());
        let gzip_ok = request
            .headers()
            .iter()
            .any(|h| h.field.equiv("Accept-Encoding") && h.value.as_str().contains("gzip"));
        let gz = PathBuf::from(format!("{}.gz", path.display()));
        let header = |k: &str, v: &str| {
            tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header")
        };
        let response = if !safe || !path.is_file() {
            tiny_http::Response::from_string("not found")
                .with_status_code(404)
                .boxed()
        } else if gzip_ok && gz.is_file() {
            let data = std::fs::read(&gz).unwrap_or_default();
            tiny_http::Response::from_data(data)
                .with_header(header("Content-Type", content_type(&path)))
                .with_header(header("Content-Encoding", "gzip"))
                .with_header(header("Cache-Control", "no-cache"))
                .boxed()
        } else {
            let data = std::fs::read(&path).unwrap_or_default();
            tiny_http::Response::from_data(data)
                .with_header(header("Content-Type", content_type(&path)))
                .with_header(header("Cache-Control", "no-cache"))
                .boxed()
        };
        let _ = request.respond(response);
    }
}

fn setup() -> Result<()> {
    ensure_wasm_target()?;
    ensure_chromium()?;
    ensure_npm_packages()
}

fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false);
    if !is_root {
        bail!(
            "Chromium is missing: install Debian's package with `sudo apt-get install -y chromium`"
        );
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "chromium"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn ensure_npm_packages() -> Result<()> {
    let dir = root().join("tests/browser");
    if dir.join("node_modules/playwright-core").exists() {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir))
}

fn test() -> Result<()> {
    let started = Instant::now();
    TESTING.store(true, std::sync::atomic::Ordering::Relaxed);
    stage("setup", setup)?;
    // Every native test, with the Bevy shell (headless plugin tests included) and the `dev`
    // tools, in the `ci` profile (Cargo.toml says why). The core's tests are the same with or
    // without the `game` feature, so they run once, here.
    stage("native tests", || {
        run(cargo().args([
            "test",
            "--workspace",
            "--profile",
            TEST_PROFILE,
            "--features",
            "flowkata/dev",
        ]))
    })?;
    // Clippy and rustdoc in the tests' profile with the tests' features: the proc macros and
    // build scripts (compiled, not just checked, and half of a cold check's work) are the
    // ones the test build made.
    stage("clippy", || {
        // With the `dev` tools (the board's frame-time harness and its bench), so that they
        // are linted too.
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--profile",
            TEST_PROFILE,
            "--features",
            "flowkata/dev",
            "--",
            "-D",
            "warnings",
        ]))?;
        // The core without Bevy: it must compile (and pass clippy) on its own. A check, not a
        // second test build: its tests ran above.
        run(cargo().args([
            "clippy",
            "--no-default-features",
            "--lib",
            "--bins",
            "--tests",
            "--profile",
            TEST_PROFILE,
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    stage("fmt", || run(cargo().args(["fmt", "--all", "--check"])))?;
    // Rustdoc with warnings as errors: broken intra-doc links and malformed docs fail.
    stage("rustdoc", || {
        run(cargo()
            .args(["doc", "--workspace", "--no-deps", "--profile", TEST_PROFILE])
            .args(["--features", "flowkata/dev"])
            .env("RUSTDOCFLAGS", "-D warnings"))
    })?;
    // The browser test plays phoenix (every mechanic) with seed 3 and no commands to the end; the native core's
    // state hash for the same run must match the one the page reports.
    let expected_hash = native_state_hash(&["run", "phoenix", "--seed", "3", "--json"])?;
    // Three teams' run files, written natively, for the browser's open, tamper and compare
    // checks.
    let runs = root().join("target/browser-runs");
    write_test_runs(&runs)?;
    // The web bundle in a real browser.
    let dir = stage("wasm build", || build_web("web"))?;
    stage("browser tests", || {
        browser_tests(&dir, &expected_hash, &runs)
    })?;
    eprintln!(
        "all tests passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The cargo profile of the native tests (Cargo.toml's `[profile.ci]`).
const TEST_PROFILE: &str = "ci";

/// Runs one stage of `test` and prints how long it took, so CI's log shows each stage's time.
fn stage<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let started = Instant::now();
    let out = f()?;
    eprintln!("stage {name}: {:.0} s", started.elapsed().as_secs_f64());
    Ok(out)
}

/// The browser tests run in two halves at once, each in its own node process and Chromium
/// (`FLOWKATA_BROWSER_HALF`; tests/browser/smoke.test.mjs splits them by name, so each runs
/// exactly once). Much of a browser test waits on the game's own clock, so two at once
/// finish sooner even on two cores.
const BROWSER_HALVES: [&str; 2] = ["1", "2"];

/// Serves `dir` and runs the browser tests against it in two halves at once.
fn browser_tests(dir: &Path, expected_hash: &str, runs: &Path) -> Result<()> {
    let server = std::sync::Arc::new(
        tiny_http::Server::http("127.0.0.1:0")
            .map_err(|e| anyhow::anyhow!("cannot serve the bundle: {e}"))?,
    );
    let port = server
        .server_addr()
        .to_ip()
        .context("the test server has no IP address")?
        .port();
    let serving: Vec<_> = (0..4)
        .map(|_| {
            let s = server.clone();
            let d = dir.to_path_buf();
            std::thread::spawn(move || serve_requests(&s, &d))
        })
        .collect();
    let node = |half: &str| {
        let mut c = Command::new("node");
        c.args(["--test", "--test-reporter=spec", "smoke.test.mjs"])
            .current_dir(root().join("tests/browser"))
            .env("FLOWKATA_BROWSER_HALF", half)
            .env("FLOWKATA_URL", format!("http://127.0.0.1:{port}/"))
            // Screenshots always go to the clone's own target/, wherever CARGO_TARGET_DIR points.
            .env("FLOWKATA_SHOTS", root().join("target/browser"))
            .env("CHROMIUM", CHROMIUM)
            .env("FLOWKATA_EXPECTED_HASH", expected_hash)
            .env("FLOWKATA_RUNS", runs);
        c
    };
    let [one, two] = BROWSER_HALVES;
    let mut first = node(one);
    let mut second = node(two);
    eprintln!("$ {first:?} &\n$ {second:?}");
    let a = first.spawn().context("could not start node")?;
    let b = second.spawn().context("could not start node")?;
    let results = [a.wait_with_output(), b.wait_with_output()];
    for _ in &serving {
        server.unblock();
    }
    for h in serving {
        let _ = h.join();
    }
    for (half, r) in ["first", "second"].iter().zip(results) {
        let status = r.context("node did not finish")?.status;
        if !status.success() {
            bail!("the browser tests' {half} half failed: {status}");
        }
    }
    Ok(())
}

/// Writes three teams' runs of `brent` on seed 3 to `dir` with `flowkata-cli run --save-run`:
/// the good policy (team-a.json), no decisions (team-b.json) and protecting the constraint
/// only (team-c.json); two teams' runs of the browser test's drill (drill-x.json,
/// drill-y.json); a whole `phoenix` run (phoenix.json) and its luck analysis over 1,000
/// seeds (phoenix-luck.json).
fn write_test_runs(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let protect = dir.join("protect.ron");
    std::fs::write(&protect, "[(at: 0.0, action: ProtectConstraint(on: true))]")?;
    let policies = root().join("tests/policies");
    // Two more teams' runs of the drill the browser test plays (first-day, seed 1, 2 rounds
    // of half a day): one refusing the favours from the start, one deciding nothing.
    let refuse = dir.join("refuse.ron");
    write_refuse_log(&refuse)?;
    let brent = ["brent", "--seed", "3"].as_slice();
    let drill = DRILL_ARGS.as_slice();
    let runs = [
        (
            "team-a.json",
            "Team A",
            brent,
            Some(policies.join("brent-good.ron")),
        ),
        ("team-b.json", "Team B", brent, None),
        ("team-c.json", "Team C", brent, Some(protect)),
        ("drill-x.json", "Team X", drill, Some(refuse)),
        ("drill-y.json", "Team Y", drill, None),
        // A whole phoenix run, for the time it takes to verify one in the browser.
        (
            "phoenix.json",
            "Red",
            ["phoenix", "--seed", "42"].as_slice(),
            Some(policies.join("phoenix-good.ron")),
        ),
    ];
    for (file, team, level, commands) in runs {
        let mut c = flowkata_cli();
        c.arg("run")
            .args(level)
            .args(["--team", team, "--save-run"])
            .arg(dir.join(file))
            .stdout(std::process::Stdio::null());
        if let Some(p) = commands {
            c.arg("--commands").arg(p);
        }
        run(&mut c)?;
    }
    // The luck analysis of the phoenix run, natively, for the browser's to equal.
    let out = flowkata_cli()
        .args(["luck", "--run"])
        .arg(dir.join("phoenix.json"))
        .args(["--replications", "1000", "--json"])
        .output()?;
    if !out.status.success() {
        bail!(
            "flowkata-cli luck failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::write(dir.join("phoenix-luck.json"), out.stdout)?;
    Ok(())
}

/// `cargo run` of `flowkata-cli` natively, without Bevy; its arguments follow.
/// The drill the browser test plays and the golden runs pin: first-day, seed 1, two rounds
/// of half a day.
const DRILL_ARGS: [&str; 7] = [
    "first-day",
    "--seed",
    "1",
    "--rounds",
    "2",
    "--round-days",
    "0.5",
];

/// Writes the command log that refuses first-day's favours from the start to `path`.
fn write_refuse_log(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(
        path,
        "[(at: 0.0, action: SetIntake(stream: \"Favours for marketing\", accept: false))]",
    )?;
    Ok(())
}

/// The seeds every shipped level's golden runs are played on.
const GOLDEN_SEEDS: [u64; 2] = [1, 7];

/// `golden`: writes `tests/golden/` anew: for every level in `levels/`, its good policy
/// (`tests/policies/LEVEL-good.ron`; a sandbox without one, no commands) played to the end
/// on each of [`GOLDEN_SEEDS`], and the browser test's drill ([`DRILL_ARGS`]) refusing the
/// favours. `tests/golden/previous-engine/` is left as it is: it keeps a run of an older
/// engine, for the test that such a run is reported as another engine's.
fn golden() -> Result<()> {
    let dir = root().join("tests/golden");
    std::fs::create_dir_all(&dir)?;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "json") {
            std::fs::remove_file(&path)?;
        }
    }
    let mut levels: Vec<String> = std::fs::read_dir(root().join("levels"))?
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(String::from))
        .collect();
    levels.sort();
    let policies = root().join("tests/policies");
    let mut written = 0;
    for level in &levels {
        let policy = policies.join(format!("{level}-good.ron"));
        let (name, commands) = if policy.is_file() {
            ("good", Some(policy))
        } else {
            ("none", None)
        };
        for seed in GOLDEN_SEEDS {
            let file = dir.join(format!("{level}-{name}-seed{seed}.json"));
            let mut c = flowkata_cli();
            c.args([
                "run",
                level,
                "--seed",
                &seed.to_string(),
                "--team",
                "golden",
            ])
            .arg("--save-run")
            .arg(&file)
            .stdout(std::process::Stdio::null());
            if let Some(p) = &commands {
                c.arg("--commands").arg(p);
            }
            run(&mut c)?;
            written += 1;
        }
    }
    let refuse = root().join("target/golden-refuse.ron");
    write_refuse_log(&refuse)?;
    run(flowkata_cli()
        .arg("run")
        .args(DRILL_ARGS)
        .args(["--team", "golden", "--commands"])
        .arg(&refuse)
        .arg("--save-run")
        .arg(dir.join("first-day-drill-seed1.json"))
        .stdout(std::process::Stdio::null()))?;
    written += 1;
    println!("{written} golden runs written to {}", dir.display());
    Ok(())
}

/// `flowkata-cli`: in `test`, the binary the native tests built and ran
/// (`target/ci/flowkata-cli`), run as it is: `cargo run` would build it again, since the
/// tests' dev-dependencies unify other features into the dependencies; elsewhere, through
/// cargo, the core alone (no Bevy to build) in the dev profile.
fn flowkata_cli() -> Command {
    let built = target_dir()
        .join(TEST_PROFILE)
        .join(format!("flowkata-cli{}", std::env::consts::EXE_SUFFIX));
    if TESTING.load(std::sync::atomic::Ordering::Relaxed) && built.is_file() {
        let mut c = Command::new(built);
        c.current_dir(root());
        return c;
    }
    let mut c = cargo();
    c.args(["run", "--quiet", "--no-default-features"]);
    c.args(["--bin", "flowkata-cli", "--"]);
    c
}

/// Set while `test` runs: [`flowkata_cli`] then uses the tests' build.
static TESTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs `flowkata-cli` (natively, without Bevy) and returns the `state_hash` of its JSON.
fn native_state_hash(args: &[&str]) -> Result<String> {
    let out = flowkata_cli().args(args).output()?;
    if !out.status.success() {
        bail!(
            "flowkata-cli {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8(out.stdout)?;
    let key = "\"state_hash\": \"";
    let start = text
        .find(key)
        .context("flowkata-cli printed no state_hash")?
        + key.len();
    Ok(text[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect())
}

/// The SimPy version the peer comparison installs (pinned, so figures compare across runs).
const SIMPY_VERSION: &str = "4.1.2";

/// Runs the same M/M/1 model in SimPy and in flowkata on this machine in interleaved pairs
/// (SimPy, flowkata, SimPy, flowkata, …) and prints customers per second for each run, each
/// pair's ratio, and the median ratio. This VM's speed drifts by up to 2× between minutes,
/// so only a ratio of runs made back to back means something, and the median pair is the
/// one least disturbed by drift in either direction. SimPy goes into a virtual environment
/// under `target/peer/` (from PyPI, once); flowkata runs its release CLI on
/// `bench/peer/mm1.ron`. Each side times only its simulation (SimPy: `env.run`; flowkata:
/// parsing the level, the run and its report).
fn peer() -> Result<()> {
    /// Interleaved pairs (odd, so the median is one pair).
    const PAIRS: usize = 7;
    let venv = target_dir().join("peer/venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))
            .context("python3 with the venv module is needed (Debian: python3-venv)")?;
    }
    let has_simpy = Command::new(&python)
        .args([
            "-c",
            &format!("import simpy, sys; sys.exit(simpy.__version__ != '{SIMPY_VERSION}')"),
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !has_simpy {
        run(Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            &format!("simpy=={SIMPY_VERSION}"),
        ]))?;
    }
    run(cargo().args([
        "build",
        "--release",
        "--no-default-features",
        "--bin",
        "flowkata-cli",
    ]))?;
    let cli = target_dir().join("release/flowkata-cli");
    let json_of = |cmd: &mut Command| -> Result<serde_json::Value> {
        let out = cmd
            .output()
            .with_context(|| format!("could not start {cmd:?}"))?;
        if !out.status.success() {
            bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    let script = root().join("bench/peer/simpy_mm1.py");
    let level = root().join("bench/peer/mm1.ron");
    let rate = |v: &serde_json::Value, key: &str| {
        v[key].as_f64().unwrap_or(0.0) / v["seconds"].as_f64().unwrap_or(f64::INFINITY)
    };
    println!("M/M/1, λ = 0.9, μ = 1, horizon 10⁶/0.9 minutes (about one million customers)");
    println!(
        "{PAIRS} interleaved pairs: SimPy {SIMPY_VERSION} ({}) then flowkata ({})",
        script.display(),
        level.display()
    );
    println!(
        "{:>4} {:>16} {:>16} {:>8} {:>12} {:>12}",
        "pair", "SimPy cust/s", "flowkata cust/s", "ratio", "SimPy Wq", "flowkata Wq"
    );
    let mut ratios = Vec::with_capacity(PAIRS);
    for k in 1..=PAIRS {
        let simpy = json_of(Command::new(&python).arg(&script))?;
        let ours = json_of(Command::new(&cli).arg("speed").arg(&level))?;
        let (simpy_rate, our_rate) = (rate(&simpy, "customers"), rate(&ours, "customers"));
        let ratio = our_rate / simpy_rate;
        ratios.push(ratio);
        println!(
            "{k:>4} {simpy_rate:>16.0} {our_rate:>16.0} {ratio:>7.0}× {:>12.3} {:>12.3}",
            simpy["mean_wait"].as_f64().unwrap_or(0.0),
            ours["mean_wait"].as_f64().unwrap_or(0.0)
        );
    }
    ratios.sort_by(f64::total_cmp);
    println!("theory: mean Wq = ρ/(μ − λ) = 9 minutes");
    println!(
        "median ratio flowkata / SimPy = {:.0}× (pairs ranged {:.0}× to {:.0}×)",
        ratios[PAIRS / 2],
        ratios[0],
        ratios[PAIRS - 1]
    );
    Ok(())
}
