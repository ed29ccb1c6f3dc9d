//! Progress of a long command on stderr: a spinner on a terminal; elsewhere
//! (scripts, CI logs) one line per phase with the seconds since the
//! command started, as cargo does, since a spinner's redraws are noise in
//! a log and silence looks like a hang.
//!
//! One [`Progress`] per command, handed to the planner and the writer so
//! every phase (reading the inputs, the solve's phases, writing the
//! folder, drawing the report) shares one clock. Clones share the spinner;
//! it is cleared when the last clone is dropped (so an error message is
//! not drawn over) or on [`Progress::finish`], before the summary goes to
//! stdout.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::ProgressBar;

/// Progress on stderr, or nothing ([`Progress::off`], the default).
#[derive(Debug, Clone, Default)]
pub struct Progress {
    inner: Option<Arc<Inner>>,
}

#[derive(Debug)]
struct Inner {
    bar: Option<ProgressBar>,
    /// Print phase lines (stderr not a terminal): since when.
    lines_since: Option<Instant>,
    /// The spinner was cleared: it stays so.
    finished: AtomicBool,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress {
    /// No progress (library callers, tests, `explain`).
    pub fn off() -> Progress {
        Progress::default()
    }

    /// Progress on stderr for a command that started at `started`.
    pub fn stderr(started: Instant) -> Progress {
        Progress::on(started, std::io::stderr().is_terminal())
    }

    /// Spinner (`terminal`) or phase lines timed from `started`.
    fn on(started: Instant, terminal: bool) -> Progress {
        let bar = terminal.then(|| {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            inner: Some(Arc::new(Inner {
                bar,
                lines_since: (!terminal).then_some(started),
                finished: AtomicBool::new(false),
            })),
        }
    }

    /// Is this a terminal spinner? (Commands with a bar of their own hide
    /// it in a log.)
    pub fn is_spinner(&self) -> bool {
        self.inner.as_ref().is_some_and(|i| i.bar.is_some())
    }

    /// A detail within a phase: the spinner shows it, the log does not.
    pub fn say(&self, msg: &str) {
        let Some(inner) = &self.inner else { return };
        if let Some(bar) = &inner.bar {
            if !inner.finished.load(Ordering::Relaxed) {
                bar.set_message(msg.to_string());
            }
        }
    }

    /// A new phase: the spinner shows it, the log gets a line.
    pub fn phase(&self, name: &str) {
        self.say(name);
        if let Some(line) = self.line(name) {
            eprintln!("{line}");
        }
    }

    /// A line on stderr (a warning) that the spinner does not draw over.
    pub fn note(&self, line: &str) {
        match self.inner.as_ref().and_then(|i| i.bar.as_ref()) {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// The log line of a phase starting now; `None` on a terminal or off.
    fn line(&self, name: &str) -> Option<String> {
        let since = self.inner.as_ref()?.lines_since?;
        Some(format!("{:>8.1} s  {name}", since.elapsed().as_secs_f64()))
    }

    /// Clear the spinner (before printing on stdout); phases after this
    /// still get their log lines.
    pub fn finish(&self) {
        let Some(inner) = &self.inner else { return };
        if let Some(bar) = &inner.bar {
            inner.finished.store(true, Ordering::Relaxed);
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_line_names_the_phase_after_the_seconds() {
        let p = Progress::on(Instant::now(), false);
        let line = p.line("reading the inputs").unwrap();
        assert_eq!(line, "     0.0 s  reading the inputs");
        assert!(!p.is_spinner());
    }

    #[test]
    fn off_and_spinner_print_no_lines() {
        assert_eq!(Progress::off().line("x"), None);
        let spinner = Progress::on(Instant::now(), true);
        assert!(spinner.is_spinner());
        assert_eq!(spinner.line("x"), None);
    }
}
