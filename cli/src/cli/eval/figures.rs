//! Groupings of the report: children by pose and by height band, and the quality targets' figures.

use crate::evaluate::{
    Assessment, auroc, auroc_standard_error, coverage90, mean_error, rate_above, rmse,
};
use bayes_ruler_silhouettes::{Example, Kind};

/// RMSE, coverage and mean error of groups of test children (by pose, by height band): where
/// the model misses, not only how much.
pub(super) fn breakdown<K: Ord>(
    children: &[Example],
    kids: &[Assessment],
    key: impl Fn(&Example) -> K,
    label: impl Fn(&K) -> String,
) -> Vec<serde_json::Value> {
    let mut groups = std::collections::BTreeMap::<K, Vec<Assessment>>::new();
    for (e, a) in children.iter().zip(kids) {
        groups.entry(key(e)).or_default().push(a.clone());
    }
    groups
        .into_iter()
        .map(|(k, g)| {
            serde_json::json!({
                "group": label(&k),
                "children": g.len(),
                "rmse_px": rmse(&g),
                "mean_error_px": mean_error(&g),
                "coverage90": coverage90(&g),
            })
        })
        .collect()
}

pub(super) fn by_pose(children: &[Example], kids: &[Assessment]) -> Vec<serde_json::Value> {
    let pose = |e: &Example| match e.kind {
        Kind::Child(pose) => pose.name().to_string(),
        _ => "not a child".into(),
    };
    breakdown(children, kids, pose, String::clone)
}

/// Bands of 20 px of true height.
pub(super) fn by_height(children: &[Example], kids: &[Assessment]) -> Vec<serde_json::Value> {
    let band = |e: &Example| 20 * (e.height as u32 / 20);
    breakdown(children, kids, band, |b| format!("{b}–{} px", b + 19))
}

/// The figures of the quality targets on a set of test children and spiders (scored by the
/// shipped rule, `threshold` on their spread scores).
pub(super) fn target_figures(
    kids: &[Assessment],
    kid_scores: &[f64],
    bug_scores: &[f64],
    threshold: f64,
) -> serde_json::Map<String, serde_json::Value> {
    let auroc_spiders = auroc(bug_scores, kid_scores);
    object(serde_json::json!({
        "children": kids.len(),
        "spiders": bug_scores.len(),
        "rmse_px": rmse(kids),
        "coverage90": coverage90(kids),
        "auroc_child_vs_spider": auroc_spiders,
        "auroc_child_vs_spider_standard_error": auroc_standard_error(auroc_spiders, bug_scores.len(), kids.len()),
        "false_alarm_rate": rate_above(kid_scores, threshold),
        "spider_detection_rate": rate_above(bug_scores, threshold),
    }))
}

/// The fields of a `json!({..})` object.
pub(super) fn object(value: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match value {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}
