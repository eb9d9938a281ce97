//! The shipped clause classifier on clauses written here, and `clausal kinds` / `train` /
//! `clauses`.

use clausal::{Classifier, ClauseKind, ClauseView, DocId, Document};

fn kinds_of(text: &str, heading: Option<&str>) -> Vec<ClauseKind> {
    let view = ClauseView { text, heading, ..ClauseView::default() };
    Classifier::bundled().unwrap().classify(&view).into_iter().map(|k| k.kind).collect()
}

#[test]
fn shipped_classifier_types_typical_clauses() {
    let fm = "Neither party shall be liable for any failure or delay in performance caused by \
              acts of God, fire, flood, war, epidemic or other causes beyond its reasonable control.";
    assert!(kinds_of(fm, Some("Force Majeure")).contains(&ClauseKind::ForceMajeure));
    // Without the heading, the wording alone.
    assert!(kinds_of(fm, None).contains(&ClauseKind::ForceMajeure));
    let law = "This Agreement shall be governed by and construed in accordance with the laws of \
               the State of New York, without regard to its conflict of laws principles.";
    assert!(kinds_of(law, Some("Governing Law")).contains(&ClauseKind::GoverningLaw));
    let assignment = "Neither party may assign this Agreement or any of its rights hereunder \
                      without the prior written consent of the other party.";
    assert!(kinds_of(assignment, Some("Assignment")).contains(&ClauseKind::AntiAssignment));
    let insurance = "Supplier shall maintain commercial general liability insurance with limits \
                     of not less than $1,000,000 per occurrence.";
    assert!(kinds_of(insurance, Some("Insurance")).contains(&ClauseKind::Insurance));
}

#[test]
fn definitions_and_contents_entries_are_not_force_majeure() {
    let definition = "\"Force Majeure\" means any event beyond the reasonable control of a party.";
    assert!(!kinds_of(definition, Some("Force Majeure")).contains(&ClauseKind::ForceMajeure));
    assert!(kinds_of("12.4 Force Majeure 43", None).is_empty());
    assert!(kinds_of("The parties met for lunch.", None).is_empty());
}

#[test]
fn document_kinds_come_from_clause_scores() {
    let c = Classifier::bundled().unwrap();
    let text = "1. Governing Law\nThis Agreement is governed by the laws of the State of Delaware.\n\n\
                2. Force Majeure\nNeither party is liable for delays caused by fire, flood or \
                other causes beyond its reasonable control.\n";
    let doc = Document::from_plain_text(DocId::of_bytes(text.as_bytes()), text.to_owned());
    let clauses = clausal::segment(&doc);
    let scores: Vec<_> =
        clausal::clause_views(&doc, &clauses).iter().map(|v| c.scores(v)).collect();
    let kinds: Vec<ClauseKind> = c.document_kinds(&scores).into_iter().map(|k| k.kind).collect();
    assert!(kinds.contains(&ClauseKind::GoverningLaw), "{kinds:?}");
    assert!(kinds.contains(&ClauseKind::ForceMajeure), "{kinds:?}");
    assert!(!kinds.contains(&ClauseKind::Insurance), "{kinds:?}");
}
