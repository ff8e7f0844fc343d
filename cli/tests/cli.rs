//! The `bayes-ruler` command as a user meets it: help for every subcommand, unknown options and
//! malformed values refused before anything runs, flags that take no value. (That the worker
//! processes give the figures of one process: `strangers.rs`.)

use std::process::{Command, Output, Stdio};

fn bayes_ruler(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bayes-ruler"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const SUBCOMMANDS: [(&str, &str); 11] = [
    ("init-weights", "--seed"),
    ("reframe", "--weights"),
    ("demo", "--samples"),
    ("generate", "--count"),
    ("train", "--negative-margin"),
    ("eval", "--held-out-only"),
    ("strangers", "--consistency-passes"),
    ("calibrate", "--target"),
    ("predict", "--json"),
    ("bench", "--stages"),
    ("curves", "--history"),
];

#[test]
fn every_subcommand_has_its_own_help() {
    let list = bayes_ruler(&["help"]);
    assert!(list.status.success(), "{}", text(&list.stderr));
    for (name, option) in SUBCOMMANDS {
        assert!(
            text(&list.stdout).contains(name),
            "`help` does not list {name}"
        );
        let help = bayes_ruler(&[name, "--help"]);
        assert!(
            help.status.success(),
            "{name} --help: {}",
            text(&help.stderr)
        );
        let out = text(&help.stdout);
        assert!(
            out.contains(option),
            "{name} --help does not explain {option}:\n{out}"
        );
    }
    // The internal worker command is not offered to users.
    assert!(!text(&list.stdout).contains("worker"));
}

/// A usage error: exit status 2, nothing run, a message naming what was wrong.
fn refused(args: &[&str], says: &str) {
    let out = bayes_ruler(args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?} was not refused: {}",
        text(&out.stdout)
    );
    let message = text(&out.stderr);
    assert!(
        message.contains(says),
        "{args:?}: the message does not say `{says}`:\n{message}"
    );
    assert!(out.stdout.is_empty(), "{args:?} printed a result");
}

#[test]
fn unknown_options_and_bad_values_are_refused_before_running() {
    refused(&["demo", "--no-such-option", "3"], "--no-such-option");
    refused(&["no-such-command"], "no-such-command");
    refused(&["demo", "--samples", "0"], "--samples");
    refused(&["demo", "--samples", "many"], "many");
    refused(&["eval", "--passes", "1.5"], "--passes");
    refused(&["train", "--estimator", "dropout"], "dropout");
    refused(&["train", "--augment-scale", "2"], "--augment");
    refused(&["train", "--negative-kinds", "shards,blob"], "blob");
    refused(&["train", "--revive-idle"], "--resume");
    refused(&["train", "--train-idle"], "--resume");
    refused(
        &[
            "train",
            "--resume",
            "x.bpk",
            "--revive-idle",
            "--train-idle",
        ],
        "--train-idle",
    );
    refused(&["bench", "--chunks", "8,0"], "--chunks");
    refused(&["calibrate", "--target", "1.2"], "--target");
    refused(&["eval", "--threshold-out", "t.json"], "--held-out-only");
    // Sampled but never reported outside the held-out figures: refused rather than wasted.
    refused(&["eval", "--validation-negatives", "5"], "--held-out-only");
    refused(&["eval", "--validation-polygons", "5"], "--held-out-only");
    refused(
        &["strangers", "--consistency-passes", "300,x"],
        "--consistency-passes",
    );
    refused(&["demo", "--samples", "10", "--samples", "20"], "--samples");
    refused(&["predict"], "IMAGE");
}

#[test]
fn flags_take_no_value() {
    refused(
        &["predict", "--json=true", "www/examples/child.png"],
        "--json",
    );
    refused(&["eval", "--held-out-only=false"], "--held-out-only");
    // `--json true`: "true" is a file name, and the command says it cannot read it.
    let out = bayes_ruler(&[
        "predict",
        "--samples",
        "20",
        "--json",
        "true",
        "www/examples/child.png",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("cannot read true"),
        "{}",
        text(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per image"))
        .collect();
    assert_eq!(lines.len(), 1, "the readable image is still measured");
    assert_eq!(lines[0]["samples"].as_array().map(Vec::len), Some(20));
    assert!(
        lines[0]["mean"]
            .as_f64()
            .is_some_and(|m| (1.0..=126.0).contains(&m))
    );
}

#[test]
fn the_worker_command_explains_itself_without_a_job() {
    let out = bayes_ruler(&["worker"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("job on standard input"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn training_records_which_negatives_it_drew_from() {
    let dir = std::env::temp_dir().join(format!("bayes-ruler-cli-kinds-{}", std::process::id()));
    let out = dir.join("run.bpk");
    let train = |kinds: &str| {
        let run = bayes_ruler(&[
            "train",
            "--limit",
            "10",
            "--epochs",
            "1",
            "--negatives",
            "2",
            "--negative-kinds",
            kinds,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", text(&run.stderr));
        let history: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("run.json")).unwrap()).unwrap();
        // A gap is measured only on negatives actually drawn: none drawn, none measured.
        assert!(
            history["history"][0]["negative_gap"]
                .as_f64()
                .is_some_and(|g| g > 0.0),
            "{kinds}: no negatives drawn"
        );
        history["negative_kinds"].clone()
    };
    assert_eq!(
        train("shards,scribble"),
        serde_json::json!(["Shards", "Scribble"])
    );
    // Polygons come from streams of their own, not from the four kinds' pool.
    assert_eq!(train("polygon"), serde_json::json!(["Polygon"]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn weights_go_to_a_new_folder_and_a_start_without_idle_filters_is_refused() {
    let dir = std::env::temp_dir().join(format!("bayes-ruler-cli-new-{}", std::process::id()));
    let out = dir.join("not").join("yet").join("w.bpk");
    let made = bayes_ruler(&["init-weights", "--out", out.to_str().unwrap()]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(out.is_file());
    // A fresh network uses every filter (its dense σ ≈ 0.05): nothing to revive, said so.
    let revive = bayes_ruler(&[
        "train",
        "--resume",
        out.to_str().unwrap(),
        "--revive-idle",
        "--limit",
        "5",
        "--epochs",
        "1",
        "--out",
        dir.join("r.bpk").to_str().unwrap(),
    ]);
    assert!(!revive.status.success());
    assert!(
        text(&revive.stderr).contains("no idle second-layer filter"),
        "{}",
        text(&revive.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
