//! `clausal kinds` and `clausal train`.

use clausal::{Classifier, ClauseKind, ClauseView, LabelledClause};

use crate::util::clausal;

#[test]
fn kinds_json_lists_every_kind_with_a_definition() {
    let out = clausal().args(["kinds", "--json"]).output().unwrap();
    assert!(out.status.success());
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), ClauseKind::ALL.len());
    for row in &rows {
        assert!(!row["definition"].as_str().unwrap().is_empty(), "{row}");
    }
    let fm = rows.iter().find(|r| r["id"] == "force_majeure").unwrap();
    assert_eq!(fm["ledgar_labels"][0], "Force Majeure");
    let cap = rows.iter().find(|r| r["id"] == "cap_on_liability").unwrap();
    assert_eq!(cap["cuad_category"], "Cap On Liability");
}

#[test]
fn train_from_json_lines_gives_a_working_model() {
    let dir = std::env::temp_dir().join(format!("clausal-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut lines = String::new();
    for i in 0..30 {
        let rows = [
            LabelledClause {
                text: format!(
                    "All notices must be in writing and sent to the address in schedule {i}."
                ),
                heading: Some("Notices".into()),
                kinds: vec![ClauseKind::Notices],
                document: Some(format!("doc{}", i % 6)),
                ..Default::default()
            },
            LabelledClause {
                text: format!("The price for each unit is set out in exhibit {i} and is fixed."),
                kinds: vec![],
                document: Some(format!("doc{}", i % 6)),
                ..Default::default()
            },
        ];
        for r in rows {
            lines.push_str(&serde_json::to_string(&r).unwrap());
            lines.push('\n');
        }
    }
    let input = dir.join("labelled.jsonl");
    let model = dir.join("model.bin");
    std::fs::write(&input, lines).unwrap();
    let out =
        clausal().args(["train", "--jsonl"]).arg(&input).arg("-o").arg(&model).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c = Classifier::new(clausal::ClassifierModel::load(&model).unwrap());
    assert_eq!(c.model().kinds(), &[ClauseKind::Notices]);
    let notice = ClauseView { text: "Notices shall be in writing.", ..ClauseView::default() };
    assert!(c.classify(&notice).iter().any(|k| k.kind == ClauseKind::Notices));
    let price = ClauseView { text: "The price per unit is fixed.", ..ClauseView::default() };
    assert!(c.classify(&price).is_empty());
    std::fs::remove_dir_all(&dir).ok();
}
