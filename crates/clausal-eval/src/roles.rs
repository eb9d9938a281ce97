//! Document roles and amendment links against documents labelled by reading
//! (`data/roles/labels-*.jsonl`, made as `data/roles/LABELLING.md` says).
//!
//! Every labelled document is extracted as ingestion extracts it (an email's attachments
//! become `PATH#attachment-N`), typed by [`clausal::role::document_role`], and compared with its
//! label. The labelled documents then form one archive, and [`clausal::role::link_amendments`]
//! links each amendment to an agreement in it: a link is right when it names the agreement the
//! label names (`amends.present`), wrong when it names another one or when the label says the
//! agreement is not in the set.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use clausal::facts::ContractFacts;
use clausal::role::{RoleSummary, link_amendments, role_of};
use clausal::{DocRole, ExtractOptions, RoleAssignment};
use serde::{Deserialize, Serialize};

/// The least share of documents whose role must be right (issue 18).
pub const MIN_ROLE_ACCURACY: f64 = 0.95;
/// The least share of amendments, among those whose agreement is in the set, linked to it.
pub const MIN_LINK_ACCURACY: f64 = 0.90;

#[derive(Deserialize)]
struct Label {
    doc: String,
    role: DocRole,
    #[serde(default)]
    amends: Option<LabelAmends>,
}

#[derive(Deserialize)]
struct LabelAmends {
    #[serde(default)]
    present: Option<String>,
}

/// One document whose predicted role differs from its label.
#[derive(Clone, Debug, Serialize)]
pub struct RoleMiss {
    /// The labelled document.
    pub doc: String,
    /// Its label.
    pub label: DocRole,
    /// What clausal said, and why.
    pub predicted: DocRole,
    /// The reason clausal gave.
    pub reason: String,
}

/// The figures.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RolesReport {
    /// Labelled documents.
    pub labelled: usize,
    /// Labelled documents clausal's extraction did not give (file missing or failed).
    pub not_found: Vec<String>,
    /// Documents scored.
    pub scored: usize,
    /// Documents whose role was right.
    pub correct: usize,
    /// `confusion[label][predicted]`.
    pub confusion: BTreeMap<DocRole, BTreeMap<DocRole, usize>>,
    /// Every wrong role.
    pub misses: Vec<RoleMiss>,
    /// Amendments whose agreement is in the set.
    pub linkable: usize,
    /// Of those, linked to it.
    pub linked_right: usize,
    /// Links to the wrong agreement, or links made where the label says the agreement is absent:
    /// `(amendment, linked to, label's agreement)`.
    pub wrong_links: Vec<(String, String, Option<String>)>,
    /// Amendments whose agreement is in the set that got no link.
    pub unlinked: Vec<String>,
    /// For every amendment: what it names, its parties, and the label's agreement's title,
    /// parties and date (to read why a link was or was not made).
    pub details: Vec<String>,
}

impl RolesReport {
    /// Share of documents with the right role.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.scored.max(1) as f64
    }

    /// Share of linkable amendments linked right.
    pub fn link_accuracy(&self) -> f64 {
        self.linked_right as f64 / self.linkable.max(1) as f64
    }

    /// Whether both figures hold.
    pub fn passes(&self) -> bool {
        self.accuracy() >= MIN_ROLE_ACCURACY && self.link_accuracy() >= MIN_LINK_ACCURACY
    }
}

/// Where a labelled document's file is: `cuad/...`, `docs/...`, `contracts/...` under `data`;
/// `ood/...` under this crate's `data/`; `samples/...` under the project root.
fn file_of(doc: &str, data: &Path) -> (PathBuf, String) {
    // File names may hold '#' themselves: only `#attachment-N`, `#message-N`, `#entry-N` part.
    let cut = ["#attachment-", "#message-", "#entry-"].iter().filter_map(|m| doc.find(m)).min();
    let (file, suffix) = match cut {
        Some(i) => (&doc[..i], &doc[i..]),
        None => (doc, ""),
    };
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = if file.starts_with("ood/") {
        crate_dir.join("data").join(file)
    } else if file.starts_with("samples/") {
        crate_dir.join("../..").join(file)
    } else {
        data.join(file)
    };
    let source = format!("{}{suffix}", path.display());
    (path, source)
}

/// Runs the evaluation on every `labels-*.jsonl` of `labels` (documents found under `data`,
/// `../shared/data` by default).
///
/// # Errors
///
/// When a labels file cannot be read or parsed.
pub fn roles(labels: &Path, data: &Path) -> crate::Result<RolesReport> {
    let mut all: Vec<Label> = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(labels)
        .map_err(|e| crate::error::Error::io(labels, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("labels-") && n.ends_with(".jsonl"))
        })
        .collect();
    files.sort();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| crate::error::Error::io(f, e))?;
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let label: Label = serde_json::from_str(line).map_err(|e| {
                crate::error::Error::invalid_argument(format!("{}:{}: {e}", f.display(), n + 1))
            })?;
            all.push(label);
        }
    }
    let mut report = RolesReport { labelled: all.len(), ..RolesReport::default() };
    // Extract each file once.
    let mut extracted: HashMap<PathBuf, Vec<clausal::Document>> = HashMap::new();
    let options = ExtractOptions::default();
    struct Scored {
        doc: String,
        role: RoleAssignment,
        parties: Vec<String>,
        date: Option<String>,
    }
    let mut scored: Vec<Scored> = Vec::new();
    for label in &all {
        let (path, source) = file_of(&label.doc, data);
        let docs = extracted
            .entry(path.clone())
            .or_insert_with(|| clausal::extract(&path, &options).unwrap_or_default());
        let Some(doc) = docs.iter().find(|d| d.source == source) else {
            report.not_found.push(label.doc.clone());
            continue;
        };
        let role = role_of(doc);
        report.scored += 1;
        *report.confusion.entry(label.role).or_default().entry(role.role).or_default() += 1;
        if role.role == label.role {
            report.correct += 1;
        } else {
            report.misses.push(RoleMiss {
                doc: label.doc.clone(),
                label: label.role,
                predicted: role.role,
                reason: role.reason.clone(),
            });
        }
        let facts = ContractFacts::from_text(&doc.text);
        let (parties, date) = (facts.party_names(), facts.agreement_iso().map(str::to_owned));
        scored.push(Scored { doc: label.doc.clone(), role, parties, date });
    }
    let summaries: Vec<RoleSummary<'_, usize>> = scored
        .iter()
        .enumerate()
        .map(|(i, s)| RoleSummary {
            key: i,
            role: &s.role,
            parties: &s.parties,
            date: s.date.as_deref(),
        })
        .collect();
    let links = link_amendments(&summaries);
    let present: HashMap<&str, Option<&str>> = all
        .iter()
        .filter(|l| l.role == DocRole::Amendment)
        .map(|l| (l.doc.as_str(), l.amends.as_ref().and_then(|a| a.present.as_deref())))
        .collect();
    for (i, s) in scored.iter().enumerate() {
        let Some(&truth) = present.get(s.doc.as_str()) else { continue };
        let target = truth.and_then(|t| scored.iter().find(|x| x.doc == t));
        report.details.push(format!(
            "{}: names {:?}; parties {:?}; date {:?} | agreement {:?} parties {:?} date {:?}",
            s.doc,
            s.role.amends,
            s.parties,
            s.date,
            target.and_then(|t| t.role.title.clone()),
            target.map(|t| &t.parties),
            target.and_then(|t| t.date.clone()),
        ));
        let linked = links.get(&i).map(|&j| scored[j].doc.as_str());
        match (truth, linked) {
            (Some(t), Some(l)) if t == l => {
                report.linkable += 1;
                report.linked_right += 1;
            }
            (Some(t), None) => {
                report.linkable += 1;
                report.unlinked.push(format!("{} (amends {t})", s.doc));
            }
            (t, Some(l)) => {
                report.linkable += usize::from(t.is_some());
                report.wrong_links.push((s.doc.clone(), l.to_owned(), t.map(str::to_owned)));
            }
            (None, None) => {}
        }
    }
    Ok(report)
}
