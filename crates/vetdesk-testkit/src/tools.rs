//! Programs the tests read results with (poppler's `pdftotext`/`pdfinfo`/`pdfimages`, `qpdf`,
//! `openssl`, `cp`), the `vetdesk` binary as a plain process, where test artifacts go, and
//! peak-memory readings.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a command to the end and returns its standard output; fails the test with the
/// command's output otherwise.
pub fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{cmd:?} did not start (scripts/setup.sh installs the tools): {e}")
    });
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a tool with arguments and returns its standard output (see [`run`]).
pub fn tool(program: &str, args: &[&str]) -> String {
    run(Command::new(program).args(args))
}

/// The `vetdesk` binary Cargo built for these tests, with no data directory or acting user
/// from the environment: each test says what it needs.
pub fn vetdesk_command() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("vetdesk"));
    cmd.env_remove("VETDESK_DATA_DIR").env_remove("VETDESK_USER");
    cmd
}

/// Words separated by single spaces: text as a reader reads it across line ends.
pub fn flowing(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `target/artifacts/<sub>` of the workspace, created: where tests leave files to look at.
pub fn artifacts(sub: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/artifacts").join(sub);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Peak resident memory of this process so far, in KiB (`VmHWM` of `/proc/self/status`).
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    vm_hwm_kib(&status).unwrap_or_else(|| panic!("no VmHWM in /proc/self/status: {status}"))
}

/// Runs a command and follows its peak resident memory (`VmHWM` in `/proc/<pid>/status`, which
/// only ever grows) until it exits. Returns whether it succeeded, its output, and the peak in KiB.
pub fn run_measuring_peak(mut cmd: Command) -> (bool, String, u64) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Some(kib) = std::fs::read_to_string(&status_file).ok().and_then(|s| vm_hwm_kib(&s)) {
            peak = kib;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let mut text = String::new();
    for mut pipe in [
        child.stdout.take().map(|p| Box::new(p) as Box<dyn std::io::Read>),
        child.stderr.take().map(|p| Box::new(p) as Box<dyn std::io::Read>),
    ]
    .into_iter()
    .flatten()
    {
        pipe.read_to_string(&mut text).unwrap();
    }
    (status.success(), text, peak)
}
