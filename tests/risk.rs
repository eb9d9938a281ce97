//! Risk flags over an index: explanations, document rules, semantic concepts, and reviewers'
//! feedback (dismissals that stick, near-identical demotion, confirmed exemplars).

use std::path::Path;

use clausal::risk::{Flag, Match, ReviewNote, RiskEngine, RiskQuery, RulePack};
use clausal::{Decision, Index, IngestOptions, ModelIdentity, Searcher, Verdict};

use crate::extract::TempDir;
use crate::util::embedder;

const NO_PANDEMIC: &str = "Neither party is liable for any delay caused by acts of God, fire, \
    flood, strikes or riots beyond its reasonable control.";

/// A contract in plain text with the given force majeure sentence (none: no such clause) and
/// a tag that makes its other clauses unique.
fn contract(tag: &str, force_majeure: Option<&str>) -> String {
    let fm = force_majeure.map_or_else(String::new, |fm| format!("3. Force Majeure. {fm}\n\n"));
    format!(
        "SERVICES AGREEMENT {tag}\n\n\
         1. Services. The Supplier shall provide the {tag} services described in each Statement \
         of Work.\n\n\
         2. Fees. The Customer shall pay each invoice for the {tag} services within thirty (30) \
         days of receipt.\n\n\
         {fm}\
         4. Confidentiality. Each party shall keep the other party's Confidential Information \
         about the {tag} services secret.\n\n\
         5. Governing Law. This Agreement is governed by the laws of the State of New York.\n"
    )
}

fn ingest(index: &Index, paths: &[&Path]) {
    let mut w = index.writer().unwrap();
    clausal::ingest(&mut w, paths, embedder(), &IngestOptions::default(), &mut |_| {}).unwrap();
}

fn flags(searcher: &Searcher, engine: &RiskEngine, rule: &str, all: bool) -> Vec<Flag> {
    let q = RiskQuery::new().rule(rule).as_of("2026-01-01").include_unflagged(all);
    engine.flags(searcher, &q, embedder()).unwrap()
}

fn file_of(f: &Flag) -> String {
    Path::new(&f.path).file_name().unwrap().to_string_lossy().into_owned()
}

fn flagged_files(flags: &[Flag]) -> Vec<String> {
    let mut out: Vec<String> = flags.iter().filter(|f| f.flagged).map(file_of).collect();
    out.sort();
    out
}

#[test]
fn flags_explain_themselves_and_reviews_change_them() {
    let dir = TempDir::new("risk-flags");
    let a = dir.write("a.txt", contract("alpha", Some(NO_PANDEMIC)).as_bytes());
    let b = dir.write(
        "b.txt",
        contract(
            "beta",
            Some(
                "Neither party is liable for any delay caused by fire, flood, epidemic, pandemic \
                 or quarantine restrictions beyond its reasonable control.",
            ),
        )
        .as_bytes(),
    );
    let c = dir.write("c.txt", contract("gamma", None).as_bytes());
    // The same force majeure text as a.txt in another contract.
    let d = dir.write("d.txt", contract("delta", Some(NO_PANDEMIC)).as_bytes());
    let index = Index::create_in_dir(dir.0.join("idx"), ModelIdentity::of(embedder())).unwrap();
    ingest(&index, &[&a, &b, &c, &d]);
    let engine = RiskEngine::new(RulePack::builtin(), embedder()).unwrap();
    let searcher = index.reader().unwrap().searcher();

    // The flagship rule: a and d lack epidemic cover, b has it.
    let fm = flags(&searcher, &engine, "fm-no-pandemic", false);
    assert_eq!(flagged_files(&fm), ["a.txt", "d.txt"], "{fm:#?}");
    let f = &fm[0];
    let clause = f.clause.as_ref().unwrap();
    assert!(clause.excerpt.contains("acts of God"), "{}", clause.excerpt);
    assert!(f.kinds.iter().any(|k| k.kind == clausal::ClauseKind::ForceMajeure));
    assert_eq!(f.missing.len(), 1);
    assert_eq!(f.missing[0].concept, "epidemic");
    let nearest = f.missing[0].nearest.as_ref().expect("the nearest phrase is reported");
    assert!(matches!(nearest.how, Match::Semantic { .. }));
    assert!(f.score >= 0.5 && f.score <= 1.0 && f.base_score == f.score);
    assert_eq!((f.rule_version.as_str(), f.severity), ("1", clausal::risk::Severity::High));

    // A document rule: only c has no force majeure clause.
    let none = flags(&searcher, &engine, "no-force-majeure", false);
    assert_eq!(flagged_files(&none), ["c.txt"]);
    assert!(none[0].clause.is_none());

    // A reviewer dismisses the flag on a: the same text in d is dismissed too.
    let store = index.review_store().unwrap();
    let mut decision =
        Decision::new("fm-no-pandemic", "1", clause.text_hash, Verdict::Dismiss, "counsel");
    decision.comment = Some("acceptable for this supplier".into());
    store.record(&decision).unwrap();
    let after = flags(&searcher, &engine, "fm-no-pandemic", true);
    assert!(flagged_files(&after).is_empty(), "{after:#?}");
    for f in after.iter().filter(|f| file_of(f) != "b.txt") {
        assert!(matches!(
            &f.review,
            Some(ReviewNote::Decided { verdict: Verdict::Dismiss, reviewer, .. }) if reviewer == "counsel"
        ));
    }

    // It stays dismissed after re-ingesting a changed file with the same clause text.
    std::fs::write(&a, contract("alpha-2", Some(NO_PANDEMIC))).unwrap();
    let e = dir.write(
        "e.txt",
        contract(
            "epsilon",
            Some(
                "Neither party is liable for any delay caused by acts of God, fire, flood, \
                 strikes or riot beyond its reasonable control.",
            ),
        )
        .as_bytes(),
    );
    ingest(&index, &[&a, &e]);
    let searcher = index.reader().unwrap().searcher();
    let after = flags(&searcher, &engine, "fm-no-pandemic", true);
    let of = |name: &str| after.iter().find(|f| file_of(f) == name).unwrap().clone();
    assert!(!of("a.txt").flagged);
    // e differs by one letter: near-identical to the dismissed text, so demoted, reason shown.
    let demoted = of("e.txt");
    assert!(!demoted.flagged, "{demoted:#?}");
    match &demoted.review {
        Some(ReviewNote::Demoted { similarity, reviewer, .. }) => {
            assert!(*similarity >= engine.pack().settings.near_identical, "{similarity}");
            assert_eq!(reviewer, "counsel");
        }
        other => panic!("{other:?}"),
    }
    assert!(demoted.score < demoted.base_score);

    // A different clause, confirmed, becomes an exemplar of the rule.
    let g = dir.write(
        "g.txt",
        contract(
            "gamma-2",
            Some(
                "The Supplier shall not be responsible for failure to perform caused by \
                 hurricanes, earthquakes or volcanic eruptions outside its control.",
            ),
        )
        .as_bytes(),
    );
    let h = dir.write(
        "h.txt",
        contract(
            "eta",
            Some(
                "The Supplier shall not be responsible for failure to perform caused by \
                 hurricanes, tsunamis or wildfires outside its control.",
            ),
        )
        .as_bytes(),
    );
    ingest(&index, &[&g, &h]);
    let searcher = index.reader().unwrap().searcher();
    let now = flags(&searcher, &engine, "fm-no-pandemic", false);
    let on_g = now.iter().find(|f| file_of(f) == "g.txt").expect("g is flagged");
    let g_hash = on_g.clause.as_ref().unwrap().text_hash;
    store
        .record(&Decision::new("fm-no-pandemic", "1", g_hash, Verdict::Confirm, "counsel"))
        .unwrap();
    let now = flags(&searcher, &engine, "fm-no-pandemic", false);
    let g_flag = now.iter().find(|f| file_of(f) == "g.txt").unwrap();
    assert_eq!(g_flag.score, 1.0);
    let h_flag = now.iter().find(|f| file_of(f) == "h.txt").unwrap();
    let exemplar = h_flag.nearest_exemplar.as_ref().expect("the confirmed clause is an exemplar");
    assert_eq!(exemplar.source, "confirmed");
    assert!(exemplar.similarity > 0.8, "{exemplar:?}");
    assert!(h_flag.flagged && h_flag.score >= h_flag.base_score, "{h_flag:#?}");

    // `review next` proposes only undecided candidates, most uncertain first.
    let queue = engine
        .review_queue(&searcher, &RiskQuery::new().as_of("2026-01-01"), embedder(), 50)
        .unwrap();
    assert!(!queue.is_empty());
    assert!(queue.iter().all(|f| !matches!(f.review, Some(ReviewNote::Decided { .. }))));
    assert!(queue.len() <= 50);

    // Documents ranked by risk: scores in [0, 1], highest first, the dismissed flags left out.
    let ranked = engine.risk(&searcher, &RiskQuery::new().as_of("2026-01-01"), embedder()).unwrap();
    assert_eq!(ranked.len(), 7);
    assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(ranked.iter().all(|d| (0.0..=1.0).contains(&d.score)));
    let a_risk = ranked.iter().find(|d| d.path.ends_with("a.txt")).unwrap();
    assert!(a_risk.flags.iter().all(|f| f.rule_id != "fm-no-pandemic"));
    // And the review store's chain still verifies.
    assert_eq!(store.verify().unwrap().entries, 2);
}

#[test]
fn a_one_sentence_excuse_inside_another_clause_is_a_provision_with_its_own_span() {
    let dir = TempDir::new("risk-excuse-sentence");
    let excuse = "The Supplier is not liable for any delay or failure to perform caused by \
        circumstances beyond its reasonable control.";
    let text = format!(
        "SUPPLY AGREEMENT\n\n\
         1. Delivery. The Supplier shall deliver the Products to the Customer's site by the \
         Delivery Date. {excuse} Title passes on delivery.\n\n\
         2. Fees. The Customer shall pay each invoice within thirty (30) days of receipt.\n\n\
         3. Governing Law. This Agreement is governed by the laws of the State of New York.\n"
    );
    let a = dir.write("a.txt", text.as_bytes());
    let index = Index::create_in_dir(dir.0.join("idx"), ModelIdentity::of(embedder())).unwrap();
    ingest(&index, &[&a]);
    let searcher = index.reader().unwrap().searcher();
    let engine = RiskEngine::new(RulePack::builtin(), embedder()).unwrap();
    let fm = flags(&searcher, &engine, "fm-no-pandemic", false);
    assert_eq!(flagged_files(&fm), ["a.txt"], "{fm:#?}");
    let clause = fm[0].clause.as_ref().unwrap();
    assert_eq!(clause.excuse.len(), 1, "{clause:#?}");
    // The sentence, inside the delivery clause (plain text keeps its bytes).
    let range = clause.excuse[0].clone();
    assert!(clause.span.start <= range.start && range.end <= clause.span.end);
    assert_eq!(&std::fs::read_to_string(&a).unwrap()[range], excuse);
    // The contract has a force majeure provision: no `no-force-majeure` flag.
    assert!(flagged_files(&flags(&searcher, &engine, "no-force-majeure", false)).is_empty());
}

#[test]
fn a_paraphrase_counts_by_meaning_and_a_defined_term_by_its_definition() {
    let dir = TempDir::new("risk-semantic");
    let paraphrase = dir.write(
        "paraphrase.txt",
        contract(
            "one",
            Some(
                "Neither party is liable for any delay caused by fire, flood or the rapid spread \
                 of a dangerous illness across the region.",
            ),
        )
        .as_bytes(),
    );
    let defined = dir.write(
        "defined.txt",
        format!(
            "{}\n6. Definitions. \"Force Majeure Event\" means fire, flood, war, pandemic or any \
             other cause beyond a party's reasonable control.\n",
            contract(
                "two",
                Some("Neither party is liable for a delay caused by a Force Majeure Event."),
            )
        )
        .as_bytes(),
    );
    let index = Index::create_in_dir(dir.0.join("idx"), ModelIdentity::of(embedder())).unwrap();
    ingest(&index, &[&paraphrase, &defined]);
    let searcher = index.reader().unwrap().searcher();
    let engine = RiskEngine::new(RulePack::builtin(), embedder()).unwrap();
    let fm = flags(&searcher, &engine, "fm-no-pandemic", false);
    assert!(flagged_files(&fm).is_empty(), "{fm:#?}");

    // Without its exemplars the concept misses the paraphrase: meaning decided it.
    let mut pack = RulePack::builtin();
    pack.concepts.get_mut("epidemic").unwrap().exemplars.clear();
    let lexical = RiskEngine::new(pack, embedder()).unwrap();
    assert_eq!(
        flagged_files(&flags(&searcher, &lexical, "fm-no-pandemic", false)),
        ["paraphrase.txt"]
    );
}

#[test]
fn rule_packs_from_files_extend_and_switch_off_rules() {
    let dir = TempDir::new("risk-packs");
    let file = dir.write(
        "team.toml",
        br#"
[settings]
allowed_governing_law = ["Delaware"]

[[rule]]
id = "no-force-majeure"
title = "off"
severity = "low"
version = "1"
scope = "document"
enabled = false
"#,
    );
    let mut pack = RulePack::builtin();
    pack.extend_from_file(&file).unwrap();
    let c = dir.write("c.txt", contract("gamma", None).as_bytes());
    let index = Index::create_in_dir(dir.0.join("idx"), ModelIdentity::of(embedder())).unwrap();
    ingest(&index, &[&c]);
    let searcher = index.reader().unwrap().searcher();
    let engine = RiskEngine::new(pack, embedder()).unwrap();
    let all = engine.flags(&searcher, &RiskQuery::new(), embedder()).unwrap();
    assert!(all.iter().all(|f| f.rule_id != "no-force-majeure"));
    // New York law is outside the team's allowed list.
    let law: Vec<&Flag> = all.iter().filter(|f| f.rule_id == "governing-law-not-allowed").collect();
    assert_eq!(law.len(), 1, "{all:#?}");
    assert!(law[0].facts[0].contains("New York"), "{:?}", law[0].facts);

    let bad = dir.write("bad.toml", b"[[rule]]\nid = \"x\"\ntitle = 3\n");
    let err = RulePack::builtin().extend_from_file(&bad).unwrap_err().to_string();
    assert!(err.contains("bad.toml:3:9"), "{err}");
}

/// An agreement, an email that carries an amendment to it, and what document roles change:
/// document rules judge the agreement (with its amendment), not the email; the section the
/// amendment replaces is judged in the amendment's words; every line names its own document.
#[test]
fn document_roles_keep_rules_on_agreements_and_amendments_on_their_agreement() {
    let dir = TempDir::new("risk-roles");
    let agreement = "RESELLER AGREEMENT\n\n\
        This Reseller Agreement is made on 1 June 2023 between Tailspin Toys LLC (\"Supplier\") \
        and Northwind Traders Inc. (\"Reseller\").\n\n\
        1. Appointment. Supplier appoints Reseller as a reseller of the Products; Reseller shall \
        market them diligently.\n\n\
        2. Payment. Reseller shall pay each invoice within thirty (30) days.\n\n\
        14. Force Majeure. Neither party is liable for any delay caused by acts of God, fire, \
        flood, strikes or riots beyond its reasonable control.\n\n\
        15. Governing Law. This Agreement is governed by the laws of the State of Washington.\n";
    let amendment = "AMENDMENT No. 1 TO THE RESELLER AGREEMENT\n\n\
        This Amendment No. 1 is made on 3 March 2026 between Tailspin Toys LLC and Northwind \
        Traders Inc. and amends the Reseller Agreement between them dated 1 June 2023.\n\n\
        1. Section 14 (Force Majeure) is replaced as follows: Neither party is liable for \
        delays caused by an epidemic, a pandemic or other events beyond its reasonable \
        control.\n";
    let a = dir.write("reseller.txt", agreement.as_bytes());
    let mail =
        crate::extract::email_with_attachment("Amendment", "amendment-1.txt", amendment.as_bytes());
    let m = dir.write("mail.eml", &mail);
    let index = Index::create_in_dir(dir.0.join("idx"), ModelIdentity::of(embedder())).unwrap();
    ingest(&index, &[&a, &m]);
    let searcher = index.reader().unwrap().searcher();
    let documents = searcher.documents().unwrap();
    let role_of = |suffix: &str| {
        let d = documents.iter().find(|d| d.source.ends_with(suffix)).unwrap();
        (d.id, d.role.as_ref().map(|r| r.role))
    };
    let (agreement_id, agreement_role) = role_of("reseller.txt");
    let (_, mail_role) = role_of("mail.eml");
    let (amendment_id, amendment_role) = role_of("mail.eml#attachment-1");
    assert_eq!(agreement_role, Some(clausal::DocRole::Agreement));
    assert_eq!(mail_role, Some(clausal::DocRole::Correspondence));
    assert_eq!(amendment_role, Some(clausal::DocRole::Amendment));
    assert_eq!(searcher.amendment_links().unwrap().get(&amendment_id), Some(&agreement_id));
    // The role filter.
    let only = clausal::Filter::new().doc_role(clausal::DocRole::Amendment);
    let ids = searcher.clause_ids_passing(&only).unwrap();
    assert!(!ids.is_empty());
    for (clause, _) in searcher.clauses_with_vectors(agreement_id).unwrap() {
        assert!(!ids.contains(&clause.id), "an agreement clause passed the amendment filter");
    }

    let engine = RiskEngine::new(RulePack::builtin(), embedder()).unwrap();
    // Document rules: the email body and the amendment are not judged; the agreement is, and
    // its amendment's force majeure clause counts for it.
    for rule in ["no-force-majeure", "no-liability-cap"] {
        for f in flags(&searcher, &engine, rule, true) {
            assert!(
                f.source.ends_with("reseller.txt"),
                "{rule} judged {} ({:?})",
                f.source,
                f.facts
            );
        }
    }
    assert!(flags(&searcher, &engine, "no-force-majeure", false).is_empty());
    // Section 14 is replaced: its flag is superseded; the new clause covers epidemics.
    let fm = flags(&searcher, &engine, "fm-no-pandemic", true);
    let old = fm
        .iter()
        .find(|f| {
            f.source.ends_with("reseller.txt")
                && f.clause.as_ref().is_some_and(|c| c.number.as_deref() == Some("14."))
        })
        .expect("the agreement's force majeure clause is a candidate");
    assert!(!old.flagged);
    let superseded = old.superseded.as_ref().expect("superseded by the amendment");
    assert_eq!(superseded.section, "14");
    assert!(superseded.source.ends_with("mail.eml#attachment-1"));
    assert!(fm.iter().all(|f| !f.flagged), "{fm:#?}");
    // Risk lines name their own documents, with role and link.
    let risk = engine.risk(&searcher, &RiskQuery::new().as_of("2026-01-01"), embedder()).unwrap();
    let sources: Vec<&str> = risk.iter().map(|d| d.source.as_str()).collect();
    assert_eq!(sources.iter().filter(|s| s.ends_with("#attachment-1")).count(), 1, "{sources:?}");
    let amended = risk.iter().find(|d| d.source.ends_with("#attachment-1")).unwrap();
    assert_eq!(amended.amends.as_deref(), Some(agreement_id.to_string().as_str()));
    let agreement_risk = risk.iter().find(|d| d.source.ends_with("reseller.txt")).unwrap();
    assert_eq!(agreement_risk.amended_by, [amendment_id.to_string()]);
    let body = risk.iter().find(|d| d.source.ends_with("mail.eml")).unwrap();
    assert!(body.flags.is_empty(), "{:?}", body.flags);
}

/// A policy rule is silent until a pack sets its policy.
#[test]
fn policy_rules_wait_for_a_policy() {
    let dir = TempDir::new("risk-policy");
    let a = dir.write("a.txt", contract("alpha", Some(NO_PANDEMIC)).as_bytes());
    let index = Index::create_in_dir(dir.0.join("idx"), ModelIdentity::of(embedder())).unwrap();
    ingest(&index, &[&a]);
    let searcher = index.reader().unwrap().searcher();
    let builtin = RiskEngine::new(RulePack::builtin(), embedder()).unwrap();
    assert!(flags(&searcher, &builtin, "governing-law-not-allowed", true).is_empty());
    let mut pack = RulePack::builtin();
    pack.extend_from_str("[settings]\nallowed_governing_law = [\"Delaware\"]\n", "team.toml")
        .unwrap();
    let team = RiskEngine::new(pack, embedder()).unwrap();
    let f = flags(&searcher, &team, "governing-law-not-allowed", false);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].facts[0].contains("New York"), "{:?}", f[0].facts);
}
