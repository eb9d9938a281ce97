//! The named rule packs that ship with the crate (`src/risk/packs/*.toml`): each parses on top
//! of the built-in pack, and each rule flags a synthetic clause or contract that has its risk
//! and leaves alone a near miss.
//!
//! The documents are built as the rules see them ([`DocInput`]), with the kinds each test
//! gives its clauses, so a test checks the pack and not the classifier; a clause given no kind
//! is a candidate only through the language of the rule's `also_when` concepts. Self-contained:
//! it runs as its own test target or as a module of `tests/tests.rs`.

use std::sync::OnceLock;

use clausal::risk::{ClauseInput, DocInput, Flag, RiskEngine, RulePack, Scope};
use clausal::{BertEmbedder, ClauseKind, DocRole, ErrorKind, KindScore, TextHash};

const PACKS: [&str; 3] = ["data-protection", "software-licence", "ai-use"];

fn embedder() -> &'static BertEmbedder {
    static EMBEDDER: OnceLock<BertEmbedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| BertEmbedder::from_dir(clausal::bundled_model_dir()).unwrap())
}

/// The built-in pack extended with the named pack, compiled once per pack.
fn engine(pack: &str) -> &'static RiskEngine {
    static ENGINES: [OnceLock<RiskEngine>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let i = PACKS.iter().position(|p| *p == pack).expect("a named pack");
    ENGINES[i].get_or_init(|| {
        let mut rules = RulePack::builtin();
        rules.extend_named(pack).unwrap();
        RiskEngine::new(rules, embedder()).unwrap()
    })
}

/// A clause of a synthetic contract: its text and the kinds the classifier would have given it.
type Part<'a> = (&'a str, &'a [ClauseKind]);

/// Runs one rule of a named pack over a contract made of `parts`, one top-level clause each;
/// returns its flags (candidates below the threshold left out).
fn flags(pack: &str, rule: &str, parts: &[Part<'_>]) -> Vec<Flag> {
    let kinds: Vec<Vec<KindScore>> = parts
        .iter()
        .map(|(_, kinds)| kinds.iter().map(|&kind| KindScore { kind, score: 1.0 }).collect())
        .collect();
    let mut offset = 0;
    let clauses = parts
        .iter()
        .zip(&kinds)
        .enumerate()
        .map(|(i, ((text, _), kinds))| {
            let span = offset..offset + text.len();
            offset = span.end + 2;
            ClauseInput {
                id: format!("c{i}"),
                number: None,
                heading: None,
                text,
                span,
                depth: 0,
                role: None,
                kinds,
                near_kinds: &[],
                facts: &[],
                text_hash: TextHash::of(text),
                vector: None,
            }
        })
        .collect();
    let doc = DocInput {
        doc_id: "doc".into(),
        path: "contract.txt",
        source: "contract.txt",
        role: Some(DocRole::Agreement),
        clauses,
        amendments: Vec::new(),
        facts: None,
        thresholds: None,
    };
    let engine = engine(pack);
    assert!(engine.pack().rule(rule).is_some(), "no rule {rule} in pack {pack}");
    let out = engine.evaluate(&doc, Some(&[rule]), "2026-01-01", None, embedder()).unwrap();
    out.into_iter().filter(|f| f.flagged).collect()
}

/// The ids of the flagged clauses.
fn flagged_clauses(flags: &[Flag]) -> Vec<String> {
    flags.iter().filter_map(|f| f.clause.as_ref().map(|c| c.id.clone())).collect()
}

fn missing(flag: &Flag) -> Vec<&str> {
    flag.missing.iter().map(|c| c.concept.as_str()).collect()
}

const NONE: &[ClauseKind] = &[];
const DP: &[ClauseKind] = &[ClauseKind::DataProtection];

#[test]
fn every_named_pack_parses_with_its_rules_documented() {
    let expected: [(&str, &[&str]); 3] = [
        (
            "data-protection",
            &["dpa-terms-missing", "breach-notification-missing", "breach-notification-late"],
        ),
        (
            "software-licence",
            &[
                "licence-grant-scope",
                "licence-usage-limits",
                "licence-audit",
                "licence-true-up",
                "licence-auto-renewal",
            ],
        ),
        ("ai-use", &["ai-training-on-customer-data", "ai-output-ownership", "ai-disclosure"]),
    ];
    let builtin = RulePack::builtin();
    for (name, ids) in expected {
        let mut pack = RulePack::builtin();
        pack.extend_named(name).unwrap();
        assert_eq!(pack.origins, ["builtin", name]);
        // Nothing built in is replaced: the pack's ids are its own.
        assert_eq!(pack.rules.len(), builtin.rules.len() + ids.len(), "{name}");
        for id in builtin.concepts.keys() {
            assert_eq!(pack.concepts[id], builtin.concepts[id], "{name} replaces concept {id}");
        }
        for id in ids {
            let rule = pack.rule(id).unwrap_or_else(|| panic!("{name}: no rule {id}"));
            assert_eq!(rule.version, "1", "{id}");
            assert!(!rule.title.is_empty() && rule.rationale.len() > 80, "{id}");
            assert!(rule.enabled && pack.is_active(rule), "{id}");
            for c in rule.concepts() {
                let concept = &pack.concepts[c];
                assert!(!concept.description.is_empty(), "{id}: concept {c} has no description");
                // Every concept is matched by its terms (cheap); none needs embeddings.
                assert!(!concept.terms.is_empty() && concept.exemplars.is_empty(), "{c}");
            }
            if rule.scope == Scope::Clause {
                assert!(!rule.exemplars.is_empty(), "{id}: no exemplars");
                // A clause rule over every clause would test its concepts on the whole
                // document (an untyped clause's provision is every clause beside it).
                assert!(!rule.kinds.is_empty() && !rule.also_when.is_empty(), "{id}");
            }
        }
    }
    let mut pack = RulePack::builtin();
    let before = pack.clone();
    let err = pack.extend_named("nope").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidArgument(_)), "{err:?}");
    let message = err.to_string();
    assert!(PACKS.iter().all(|p| message.contains(p)), "{message}");
    assert_eq!(pack, before);
}

const PROCESSING: &str = "2. Data Processing. Supplier shall process Customer Personal Data \
    on behalf of the Customer as a processor in order to provide the Services.";
const INSTRUCTIONS: &str = "2.1 Supplier shall process Customer Personal Data only on the \
    documented instructions of Customer.";
const SECURITY: &str = "2.2 Supplier shall implement appropriate technical and organisational \
    measures to protect Customer Personal Data against unauthorised or unlawful processing.";
const SUBPROCESSORS: &str = "2.3 Supplier shall not engage any sub-processor without the prior \
    written authorisation of Customer, and shall impose the same obligations on it.";
const DELETION: &str = "2.4 At the end of the Services, Supplier shall delete or return all \
    Customer Personal Data at Customer's choice.";
const AUDITS: &str = "2.5 Supplier shall make available the information needed to demonstrate \
    compliance and allow for audits, including inspections, conducted by Customer.";
const BREACH: &str = "2.6 Supplier shall notify Customer without undue delay after becoming \
    aware of a Personal Data Breach.";
const FEES: &str = "3. Fees. Customer shall pay each invoice within thirty (30) days.";
const LAW: &str = "4. Governing Law. This Agreement is governed by the laws of England.";

#[test]
fn dpa_terms_missing_names_the_missing_terms() {
    let full: Vec<Part<'_>> =
        [PROCESSING, INSTRUCTIONS, SECURITY, SUBPROCESSORS, DELETION, AUDITS, BREACH, FEES, LAW]
            .iter()
            .map(|t| (*t, DP))
            .collect();
    assert!(flags("data-protection", "dpa-terms-missing", &full).is_empty());

    // No sub-processor terms and no audits.
    let partial: Vec<Part<'_>> = [PROCESSING, INSTRUCTIONS, SECURITY, DELETION, BREACH, FEES, LAW]
        .iter()
        .map(|t| (*t, DP))
        .collect();
    // A confidentiality clause's purpose limitation and a financial audit are not processor
    // terms.
    let generic = [
        (PROCESSING, DP),
        (SECURITY, DP),
        (SUBPROCESSORS, DP),
        (DELETION, DP),
        (
            "5. Confidentiality. The Recipient shall use Confidential Information only for the \
          purpose of this Agreement and for no other purpose.",
            NONE,
        ),
        (
            "6. Records. Customer may audit Supplier's invoices and books of account once a year.",
            NONE,
        ),
    ];
    let f = flags("data-protection", "dpa-terms-missing", &generic);
    assert_eq!(missing(&f[0]), ["dp_purpose_limitation", "dp_audit"], "{f:#?}");
    let f = flags("data-protection", "dpa-terms-missing", &partial);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].clause.is_none());
    assert_eq!(missing(&f[0]), ["dp_subprocessors", "dp_audit"]);
    let present: Vec<&str> = f[0].present.iter().map(|c| c.concept.as_str()).collect();
    assert!(present.contains(&"personal_data_processing"), "{present:?}");

    // No processing of personal data for the other party: a privacy policy mention is not one.
    let services = [
        ("1. Services. Supplier shall provide the consulting services in Schedule 1.", NONE),
        ("2. Privacy. Each party shall comply with its own privacy policy.", NONE),
        (FEES, NONE),
        (LAW, NONE),
    ];
    assert!(flags("data-protection", "dpa-terms-missing", &services).is_empty());
}

#[test]
fn breach_notification_missing_needs_processing_and_no_breach_terms() {
    let without: Vec<Part<'_>> =
        [PROCESSING, INSTRUCTIONS, SECURITY, SUBPROCESSORS, DELETION, AUDITS, FEES, LAW]
            .iter()
            .map(|t| (*t, DP))
            .collect();
    let f = flags("data-protection", "breach-notification-missing", &without);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(missing(&f[0]), ["breach_notification"]);

    let with: Vec<Part<'_>> =
        [PROCESSING, SECURITY, BREACH, FEES].iter().map(|t| (*t, DP)).collect();
    assert!(flags("data-protection", "breach-notification-missing", &with).is_empty());
    // Without processing of personal data the rule does not apply.
    let plain = [(FEES, NONE), (LAW, NONE)];
    assert!(flags("data-protection", "breach-notification-missing", &plain).is_empty());
}

#[test]
fn breach_notification_later_than_72_hours() {
    let late = |text: &str, kinds: &[ClauseKind]| {
        !flags("data-protection", "breach-notification-late", &[(text, kinds), (FEES, NONE)])
            .is_empty()
    };
    // Five business days can be seven calendar days; "promptly" sets no time at all.
    assert!(late(
        "Supplier shall notify Customer of any Security Incident within five (5) business days \
         of discovering it.",
        DP,
    ));
    assert!(late(
        "Processor shall inform Controller promptly upon becoming aware of a Personal Data \
         Breach.",
        DP,
    ));
    // An untyped clause is a candidate by its language.
    assert!(late(
        "Vendor will report any data breach affecting Client data to Client within ten (10) days.",
        NONE,
    ));
    // Within the bound, or without undue delay.
    assert!(!late(
        "Supplier shall notify Customer of any Security Incident within 48 hours of discovering \
         it.",
        DP,
    ));
    assert!(!late(
        "Supplier shall notify Customer of a Personal Data Breach within seventy-two (72) hours.",
        DP,
    ));
    assert!(!late(BREACH, DP));
    assert!(!late(
        "Processor shall notify Controller immediately of any unauthorised access to Personal \
         Data.",
        NONE,
    ));
    // Data protection without a breach: nothing to time.
    assert!(!late(SECURITY, DP));
    let f = flags(
        "data-protection",
        "breach-notification-late",
        &[(
            "Supplier shall notify Customer of any Security Incident within five (5) business days.",
            DP,
        )],
    );
    assert!(f[0].facts.iter().any(|l| l.contains("later than 72")), "{:?}", f[0].facts);
}

const GRANT: &[ClauseKind] = &[ClauseKind::LicenseGrant, ClauseKind::SoftwareLicense];

#[test]
fn licence_grant_scope() {
    let grant = "Subject to this Agreement, Licensor hereby grants Customer a non-exclusive, \
        non-transferable licence during the Term to use the Software for its internal business \
        purposes.";
    let f = flags("software-licence", "licence-grant-scope", &[(grant, GRANT), (FEES, NONE)]);
    assert_eq!(flagged_clauses(&f), ["c0"]);
    let scope: Vec<&str> = f[0].present.iter().map(|c| c.concept.as_str()).collect();
    assert!(scope.contains(&"lic_scope_transfer") && scope.contains(&"lic_scope_purpose"));
    // Untyped, by its language.
    let untyped = "Vendor grants you a worldwide, royalty-free right to access and use the \
        Service.";
    assert_eq!(
        flagged_clauses(&flags("software-licence", "licence-grant-scope", &[(untyped, NONE)])),
        ["c0"]
    );
    // A licence clause that grants nothing.
    let reservation = "No other licences are implied. All rights not expressly set out in this \
        Agreement are reserved by Licensor.";
    assert!(flags("software-licence", "licence-grant-scope", &[(reservation, GRANT)]).is_empty());
    assert!(flags("software-licence", "licence-grant-scope", &[(FEES, NONE)]).is_empty());
}

#[test]
fn licence_usage_limits() {
    let limited = "The Software may be used by no more than fifty (50) Named Users, as stated \
        in the Order Form.";
    let f = flags("software-licence", "licence-usage-limits", &[(limited, NONE), (FEES, NONE)]);
    assert_eq!(flagged_clauses(&f), ["c0"]);
    let api = "Customer's use of the API is limited to 10,000 API calls per day.";
    assert!(!flags("software-licence", "licence-usage-limits", &[(api, GRANT)]).is_empty());
    let unlimited = "Customer may use the Software at all of its sites for its internal business \
        purposes.";
    assert!(flags("software-licence", "licence-usage-limits", &[(unlimited, GRANT)]).is_empty());
}

#[test]
fn licence_audit_by_the_vendor_not_by_a_controller() {
    let audit = "Licensor may, on thirty (30) days' notice and not more than once a year, audit \
        Licensee's use of the Software to verify the number of installations.";
    let f = flags("software-licence", "licence-audit", &[(audit, NONE), (FEES, NONE)]);
    assert_eq!(flagged_clauses(&f), ["c0"]);
    let typed = [(audit, &[ClauseKind::AuditRights][..])];
    assert!(!flags("software-licence", "licence-audit", &typed).is_empty());
    // A data-protection audit of a processor.
    let dpa = "Processor shall allow for and contribute to audits, including inspections, of its \
        processing of Personal Data and its compliance with this Agreement.";
    let dp_typed = [(dpa, &[ClauseKind::AuditRights, ClauseKind::DataProtection][..])];
    assert!(flags("software-licence", "licence-audit", &dp_typed).is_empty());
    // A financial audit of royalties.
    let books = "Licensor may inspect Licensee's books of account relating to royalties once \
        per calendar year.";
    assert!(flags("software-licence", "licence-audit", &[(books, NONE)]).is_empty());
    // A general audit of performance is no licence audit.
    let general = "Either party may audit the other party's compliance with this Agreement on \
        reasonable notice.";
    let typed = [(general, &[ClauseKind::AuditRights][..])];
    assert!(flags("software-licence", "licence-audit", &typed).is_empty());
}

#[test]
fn licence_true_up() {
    let over = "If Customer's use exceeds the number of Users purchased, Vendor will invoice \
        Customer for the additional Users at the then-current list price.";
    let f = flags("software-licence", "licence-true-up", &[(over, NONE), (LAW, NONE)]);
    assert_eq!(flagged_clauses(&f), ["c0"]);
    let true_up = "Licensee shall report its deployments annually and pay a true-up fee for any \
        excess deployments.";
    assert!(!flags("software-licence", "licence-true-up", &[(true_up, NONE)]).is_empty());
    // A limit without a charge for going over it.
    let limit = "Customer shall not exceed the number of Named Users stated in the Order Form.";
    assert!(flags("software-licence", "licence-true-up", &[(limit, GRANT)]).is_empty());
}

#[test]
fn licence_auto_renewal() {
    let renews = "Each Subscription Term will automatically renew for successive one-year \
        periods unless either party gives notice of non-renewal sixty (60) days before its end.";
    let f = flags("software-licence", "licence-auto-renewal", &[(renews, NONE), (FEES, NONE)]);
    assert_eq!(flagged_clauses(&f), ["c0"]);
    let renewal = &[ClauseKind::Renewal][..];
    let fixed = "The Subscription Term will not automatically renew; any renewal requires a new \
        Order Form signed by both parties.";
    assert!(flags("software-licence", "licence-auto-renewal", &[(fixed, renewal)]).is_empty());
    let option = "Customer may renew the subscription for one further year by written notice.";
    assert!(flags("software-licence", "licence-auto-renewal", &[(option, NONE)]).is_empty());
}

#[test]
fn ai_training_on_customer_data_unless_forbidden() {
    let trains = "Provider may use Customer Data, including prompts and inputs, to train and \
        improve its artificial intelligence models.";
    let f = flags("ai-use", "ai-training-on-customer-data", &[(trains, NONE), (FEES, NONE)]);
    assert_eq!(flagged_clauses(&f), ["c0"]);
    assert_eq!(missing(&f[0]), ["ai_training_prohibited"]);
    let forbids = "Provider will not use Customer Data or prompts to train, and Customer Data \
        shall not be used to train, any machine learning models.";
    assert!(flags("ai-use", "ai-training-on-customer-data", &[(forbids, NONE)]).is_empty());
    let does_not = "Provider does not use Customer Content to train its AI models.";
    assert!(flags("ai-use", "ai-training-on-customer-data", &[(does_not, DP)]).is_empty());
    // Training people, not models.
    let staff = "Supplier shall train its staff in the secure handling of Customer Data.";
    assert!(flags("ai-use", "ai-training-on-customer-data", &[(staff, DP)]).is_empty());
}

#[test]
fn ai_output_ownership() {
    let owns = "As between the parties, Provider owns all right, title and interest in the \
        outputs generated by the AI Services.";
    let f = flags("ai-use", "ai-output-ownership", &[(owns, NONE), (FEES, NONE)]);
    assert_eq!(flagged_clauses(&f), ["c0"]);
    let ip = &[ClauseKind::IntellectualProperty][..];
    let code = "Customer retains all rights in the suggestions and completions the assistant \
        produces for it.";
    assert!(!flags("ai-use", "ai-output-ownership", &[(code, ip)]).is_empty());
    let plain = "Customer owns all data it uploads to the Service.";
    assert!(flags("ai-use", "ai-output-ownership", &[(plain, ip)]).is_empty());
    // The usual feedback clause: suggestions from the customer, not from an AI.
    let feedback = "Provider shall own all suggestions, ideas and feedback that Customer provides \
        about the Service.";
    assert!(flags("ai-use", "ai-output-ownership", &[(feedback, ip)]).is_empty());
}

#[test]
fn ai_disclosure() {
    let disclose = "Supplier shall disclose to Customer in writing any use of artificial \
        intelligence tools in performing the Services.";
    let f = flags("ai-use", "ai-disclosure", &[(disclose, NONE), (FEES, NONE)]);
    assert_eq!(flagged_clauses(&f), ["c0"]);
    let label = "All marketing content generated with generative AI must be clearly labelled as \
        AI-generated.";
    assert!(!flags("ai-use", "ai-disclosure", &[(label, NONE)]).is_empty());
    let subcontract = "Supplier shall disclose to Customer in writing the identity of each \
        subcontractor it uses.";
    assert!(flags("ai-use", "ai-disclosure", &[(subcontract, NONE)]).is_empty());
}
