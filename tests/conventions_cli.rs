//! Command-line conventions: `--version` names the solver backends, and
//! `tplan completions SHELL` prints a completion script.

use std::process::{Command, Output};

fn tplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tplan"))
        .args(args)
        .output()
        .expect("run tplan")
}

#[test]
fn version_names_the_version_and_the_solvers_compiled_in() {
    let o = tplan(&["--version"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    let highs = if cfg!(feature = "highs") {
        ", highs"
    } else {
        ""
    };
    let expected = format!(
        "tplan {} (LP solvers: clarabel, ipm{highs})\n",
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(out, expected);
}

#[test]
fn completions_for_bash_zsh_and_fish_name_the_subcommands() {
    for (shell, marker) in [
        ("bash", "complete -F _tplan"),
        ("zsh", "#compdef tplan"),
        ("fish", "complete -c tplan"),
    ] {
        let o = tplan(&["completions", shell]);
        assert!(o.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&o.stdout);
        assert!(script.contains(marker), "{shell}: {script}");
        for sub in [
            "validate",
            "plan",
            "quota",
            "scenarios",
            "report",
            "explain",
        ] {
            assert!(script.contains(sub), "{shell} completes {sub}");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let o = tplan(&["completions", "cmd.exe"]);
    assert_eq!(o.status.code(), Some(2));
}
