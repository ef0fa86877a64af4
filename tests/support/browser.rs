//! Headless Chromium for the deck tests: a deck must render in a browser without script
//! errors, as the Flyte console shows it.
//!
//! [`render`] loads a local HTML file in Debian's `chromium` (installed with `apt-get` on
//! first use when it is missing, as this machine kind allows) and returns the DOM it built and
//! every console line it logged: a page whose scripts fail logs `Uncaught ...` there.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

const CHROMIUM: &str = "/usr/bin/chromium";

/// What a page became in the browser.
#[derive(Debug)]
pub struct Rendered {
    /// The DOM after loading, as HTML.
    pub dom: String,
    /// The console lines (messages, errors, uncaught exceptions) the page logged.
    pub console: Vec<String>,
}

/// Installs Chromium once per test process when it is missing; panics saying why it cannot.
fn ensure_chromium() {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    let ready = READY.get_or_init(|| {
        if Path::new(CHROMIUM).exists() {
            return Ok(());
        }
        let install = |args: &[&str]| {
            Command::new("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive")
                .output()
                .map_err(|err| format!("cannot run apt-get: {err}"))
        };
        let mut output = install(&["install", "-y", "--no-install-recommends", "chromium"])?;
        if !output.status.success() {
            // Stale package lists: refresh them once and try again.
            install(&["update"])?;
            output = install(&["install", "-y", "--no-install-recommends", "chromium"])?;
        }
        if output.status.success() && Path::new(CHROMIUM).exists() {
            Ok(())
        } else {
            Err(format!(
                "cannot install chromium with apt-get: {}",
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    });
    if let Err(err) = ready {
        panic!("the deck tests need headless Chromium: {err}");
    }
}

/// Loads `page` (a local HTML file) in headless Chromium.
pub fn render(page: &Path) -> Rendered {
    ensure_chromium();
    let url = format!("file://{}", page.display());
    let output = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            &url,
        ])
        .output()
        .unwrap_or_else(|err| panic!("cannot run {CHROMIUM}: {err}"));
    assert!(
        output.status.success(),
        "chromium failed on {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let console = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Rendered {
        dom: String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    }
}
