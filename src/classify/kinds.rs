//! The clause taxonomy: a fixed, documented set of [`ClauseKind`]s.
//!
//! Every CUAD category that describes a clause (not the document name, the parties or the
//! agreement and effective dates) is a kind, plus the kinds a legal team asks about that CUAD
//! does not label (force majeure, indemnification, confidentiality, ...) and the usual
//! boilerplate. A clause can carry several kinds; a clause with none is [`ClauseKind::Other`].
//!
//! Each kind has a stable snake-case id (used in the index, rule packs and the CLI), a display
//! name, a one-line definition, the CUAD category it was trained from (if any), the LEDGAR
//! provision labels that mean the same thing, and heading patterns: words that, in a clause's
//! heading, name the kind (`"Force Majeure"`, `"Indemnification"`). Heading patterns label the
//! kinds CUAD does not cover when a classifier is trained, and are evidence at prediction time.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! clause_kinds {
    ($(
        $variant:ident {
            def: $def:literal,
            id: $id:literal,
            name: $name:literal,
            cuad: $cuad:expr,
            ledgar: [$($ledgar:literal),* $(,)?],
            heading: $heading:expr $(,)?
        }
    ),* $(,)?) => {
        /// The kind of a clause, from a fixed, documented taxonomy ([`ClauseKind::ALL`]).
        ///
        /// Every CUAD category that describes a clause (not the document name, the parties or the
        /// agreement and effective dates) is a kind, plus the kinds a legal team asks about that
        /// CUAD does not label (force majeure, indemnification, confidentiality, ...) and the
        /// usual boilerplate. A clause can carry several kinds; a clause with none is
        /// [`ClauseKind::Other`].
        ///
        /// Each kind has a stable snake-case id (used in the index, rule packs and the CLI), a
        /// display name, a one-line definition, the CUAD category it was trained from (if any),
        /// the LEDGAR provision labels that mean the same thing, and heading patterns: words
        /// that, in a clause's heading, name the kind (`"Force Majeure"`). Heading patterns
        /// label the kinds CUAD does not cover when a classifier is trained, and are evidence at
        /// prediction time ([`KindInfo`]).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ClauseKind {
            $(
                #[doc = $def]
                $variant,
            )*
        }

        impl ClauseKind {
            /// Every kind, in a fixed order (the order of `clausal kinds`).
            pub const ALL: &'static [ClauseKind] = &[$(ClauseKind::$variant),*];

            /// What is known about the kind.
            pub fn info(self) -> &'static KindInfo {
                match self {
                    $(ClauseKind::$variant => {
                        const INFO: KindInfo = KindInfo {
                            id: $id,
                            name: $name,
                            definition: $def,
                            cuad_category: $cuad,
                            ledgar_labels: &[$($ledgar),*],
                            heading_pattern: $heading,
                        };
                        &INFO
                    })*
                }
            }
        }
    };
}

/// The facts about one [`ClauseKind`].
#[derive(Clone, Copy, Debug, Serialize)]
#[non_exhaustive]
pub struct KindInfo {
    /// Stable snake-case identifier, e.g. `force_majeure`.
    pub id: &'static str,
    /// Display name, e.g. "Force majeure".
    pub name: &'static str,
    /// One-line definition.
    pub definition: &'static str,
    /// The CUAD category with the same meaning, as spelled in CUAD's `category` field.
    pub cuad_category: Option<&'static str>,
    /// LEDGAR provision labels with the same meaning.
    pub ledgar_labels: &'static [&'static str],
    /// Case-insensitive regular expression that, found in a clause heading, names this kind.
    #[serde(skip)]
    pub heading_pattern: Option<&'static str>,
}

clause_kinds! {
    ForceMajeure {
        def: "Excuses a party's performance for events beyond its reasonable control (acts of God, war, strikes, epidemics).",
        id: "force_majeure", name: "Force majeure", cuad: None, ledgar: ["Force Majeure"],
        heading: Some(r"^(?:forc\w?\s*-?\s*maj[a-z]{0,3}r[a-z]?\b|acts?\s+of\s+god|excus\w*\s+(?:for\s+|of\s+)?(?:performance|non-?performance|delays?)|unavoidable\s+delays?)") },
    Indemnification {
        def: "One party must defend, hold harmless or compensate the other for third-party claims or losses.",
        id: "indemnification", name: "Indemnification", cuad: None, ledgar: ["Indemnifications", "Indemnity"],
        heading: Some(r"indemnif|indemnit|hold\s+harmless") },
    LimitationOfLiability {
        def: "Limits or excludes a party's liability or the damages recoverable (caps, excluded damages).",
        id: "limitation_of_liability", name: "Limitation of liability", cuad: None, ledgar: [],
        heading: Some(r"limitation\s+(?:of|on)\s+liabilit|limitations?\s+of\s+(?:damages|remedies)|liability\s+(?:cap|limit)|exclusion\s+of\s+(?:liability|damages)|consequential\s+damages") },
    CapOnLiability {
        def: "Caps the amount of damages a party can be liable for.",
        id: "cap_on_liability", name: "Cap on liability", cuad: Some("Cap On Liability"), ledgar: [], heading: None },
    UncappedLiability {
        def: "A party's liability is uncapped, or a cap does not apply to some claims.",
        id: "uncapped_liability", name: "Uncapped liability", cuad: Some("Uncapped Liability"), ledgar: [], heading: None },
    LiquidatedDamages {
        def: "Fixes an amount of damages or a termination fee payable on breach or termination.",
        id: "liquidated_damages", name: "Liquidated damages", cuad: Some("Liquidated Damages"), ledgar: [],
        heading: Some(r"liquidated\s+damages") },
    Confidentiality {
        def: "Keeps non-public information secret and limits its use and disclosure.",
        id: "confidentiality", name: "Confidentiality", cuad: None, ledgar: ["Confidentiality"],
        heading: Some(r"confidential|non-?disclosure|proprietary\s+information") },
    DataProtection {
        def: "Governs the processing and protection of personal data and privacy.",
        id: "data_protection", name: "Data protection and privacy", cuad: None, ledgar: [],
        heading: Some(r"data\s+(?:protection|privacy|security|processing)|privacy|personal\s+(?:data|information)|gdpr|hipaa") },
    GoverningLaw {
        def: "Names the law that governs the contract.",
        id: "governing_law", name: "Governing law", cuad: Some("Governing Law"), ledgar: ["Governing Laws", "Applicable Laws"],
        heading: Some(r"governing\s+laws?|applicable\s+laws?|choice\s+of\s+law|(?:law|laws)\s+governing") },
    DisputeResolution {
        def: "How disputes are resolved: courts, jurisdiction, arbitration, mediation, jury waiver.",
        id: "dispute_resolution", name: "Dispute resolution", cuad: None, ledgar: ["Arbitration", "Jurisdictions", "Submission To Jurisdiction", "Waiver Of Jury Trials"],
        heading: Some(r"dispute|arbitrat|mediat|jurisdiction|venue|jury\s+trial|forum") },
    Termination {
        def: "When and how the contract can be terminated and what follows.",
        id: "termination", name: "Termination", cuad: None, ledgar: ["Terminations"],
        heading: Some(r"terminat|cancell?ation|events?\s+of\s+default") },
    TerminationForConvenience {
        def: "A party may terminate without cause, for convenience, on notice.",
        id: "termination_for_convenience", name: "Termination for convenience", cuad: Some("Termination For Convenience"), ledgar: [],
        heading: Some(r"terminat\w*\s+(?:for|without)\s+(?:convenience|cause)") },
    Term {
        def: "How long the contract lasts: its initial term and expiry.",
        id: "term", name: "Term", cuad: Some("Expiration Date"), ledgar: ["Terms"],
        heading: Some(r"^(?:the\s+)?(?:initial\s+)?term(?:\s+of\s+(?:the\s+)?agreement)?$|^term\s+and\s+(?:renewal|termination)$|^duration") },
    Renewal {
        def: "The contract renews or extends, automatically or by option, after its initial term.",
        id: "renewal", name: "Renewal and auto-renewal", cuad: Some("Renewal Term"), ledgar: [],
        heading: Some(r"renewal|extension\s+of\s+(?:the\s+)?term") },
    RenewalNotice {
        def: "Notice a party must give to stop the contract from renewing.",
        id: "renewal_notice", name: "Notice to terminate renewal", cuad: Some("Notice Period To Terminate Renewal"), ledgar: [], heading: None },
    Assignment {
        def: "Transfer of the contract or its rights to another party, and the conditions on it.",
        id: "assignment", name: "Assignment", cuad: None, ledgar: ["Assignments", "Successors", "Binding Effects"],
        heading: Some(r"assignment|assignability|successors\s+and\s+assigns|binding\s+effect") },
    AntiAssignment {
        def: "Assignment or transfer needs the other party's consent or notice.",
        id: "anti_assignment", name: "Anti-assignment", cuad: Some("Anti-Assignment"), ledgar: [], heading: None },
    ChangeOfControl {
        def: "A change of control of a party gives the other rights (termination, consent, notice).",
        id: "change_of_control", name: "Change of control", cuad: Some("Change Of Control"), ledgar: ["Change In Control"],
        heading: Some(r"change\s+(?:of|in)\s+control") },
    Notices {
        def: "How notices under the contract must be given, and to whom.",
        id: "notices", name: "Notices", cuad: None, ledgar: ["Notices"],
        heading: Some(r"^notices?$|notices?\s+(?:and|to)|^(?:giving|delivery)\s+of\s+notices?") },
    Warranty {
        def: "Promises about the quality or state of goods, services or facts.",
        id: "warranty", name: "Warranty", cuad: None, ledgar: ["Warranties", "Representations"],
        heading: Some(r"warrant|representations?\s+and|disclaimer") },
    WarrantyDuration {
        def: "How long a warranty lasts.",
        id: "warranty_duration", name: "Warranty duration", cuad: Some("Warranty Duration"), ledgar: [],
        heading: Some(r"warranty\s+period") },
    Insurance {
        def: "A party must hold insurance of given types or amounts.",
        id: "insurance", name: "Insurance", cuad: Some("Insurance"), ledgar: ["Insurances"],
        heading: Some(r"insurance") },
    Payment {
        def: "Prices, fees, invoicing and payment terms.",
        id: "payment", name: "Payment terms", cuad: None, ledgar: ["Payments", "Fees"],
        heading: Some(r"payment|fees?\b|compensation|pricing|prices?\b|invoic|royalt|consideration") },
    IntellectualProperty {
        def: "Who owns intellectual property created or used under the contract.",
        id: "intellectual_property", name: "Intellectual property", cuad: None, ledgar: ["Intellectual Property"],
        heading: Some(r"intellectual\s+property|proprietary\s+rights|ownership|trademarks?|patents?|copyrights?") },
    IpOwnershipAssignment {
        def: "Intellectual property is assigned to, or owned by, the counterparty.",
        id: "ip_ownership_assignment", name: "IP ownership assignment", cuad: Some("Ip Ownership Assignment"), ledgar: [], heading: None },
    JointIpOwnership {
        def: "Intellectual property is owned jointly.",
        id: "joint_ip_ownership", name: "Joint IP ownership", cuad: Some("Joint Ip Ownership"), ledgar: [], heading: None },
    LicenseGrant {
        def: "A licence is granted to or by a party.",
        id: "license_grant", name: "License grant", cuad: Some("License Grant"), ledgar: [],
        heading: Some(r"licen[cs]e\s+grant|grant\s+of\s+licen[cs]e") },
    SoftwareLicense {
        def: "A licence to use software, with its scope and restrictions.",
        id: "software_license", name: "Software licence", cuad: None, ledgar: [],
        heading: Some(r"software\s+licen[cs]e|licen[cs]e\s+to\s+(?:the\s+)?software|end\s+user\s+licen[cs]e") },
    NonTransferableLicense {
        def: "A licence cannot be transferred or sublicensed.",
        id: "non_transferable_license", name: "Non-transferable license", cuad: Some("Non-Transferable License"), ledgar: [], heading: None },
    AffiliateLicenseLicensor {
        def: "The licensor's affiliates grant a licence too.",
        id: "affiliate_license_licensor", name: "Affiliate license (licensor)", cuad: Some("Affiliate License-Licensor"), ledgar: [], heading: None },
    AffiliateLicenseLicensee {
        def: "The licensee's affiliates receive the licence too.",
        id: "affiliate_license_licensee", name: "Affiliate license (licensee)", cuad: Some("Affiliate License-Licensee"), ledgar: [], heading: None },
    UnlimitedLicense {
        def: "An unlimited, all-you-can-eat or enterprise-wide licence.",
        id: "unlimited_license", name: "Unlimited license", cuad: Some("Unlimited/All-You-Can-Eat-License"), ledgar: [], heading: None },
    IrrevocableOrPerpetualLicense {
        def: "A licence that is irrevocable or perpetual.",
        id: "irrevocable_or_perpetual_license", name: "Irrevocable or perpetual license", cuad: Some("Irrevocable Or Perpetual License"), ledgar: [], heading: None },
    SourceCodeEscrow {
        def: "Source code is deposited in escrow and released on conditions.",
        id: "source_code_escrow", name: "Source code escrow", cuad: Some("Source Code Escrow"), ledgar: [],
        heading: Some(r"escrow") },
    PostTerminationServices {
        def: "Obligations that continue after termination (transition, wind-down, continued supply).",
        id: "post_termination_services", name: "Post-termination services", cuad: Some("Post-Termination Services"), ledgar: [],
        heading: Some(r"transition|wind[\s-]?down|effects?\s+of\s+(?:termination|expiration)|consequences\s+of\s+termination") },
    AuditRights {
        def: "A party may inspect or audit the other's books, records or premises.",
        id: "audit_rights", name: "Audit rights", cuad: Some("Audit Rights"), ledgar: ["Audits"],
        heading: Some(r"audit|inspection|books\s+and\s+records|records") },
    NonCompete {
        def: "A party may not compete with the other, in a field, territory or period.",
        id: "non_compete", name: "Non-compete", cuad: Some("Non-Compete"), ledgar: [],
        heading: Some(r"non-?compet|not\s+to\s+compete|competitive\s+(?:activities|products)") },
    Exclusivity {
        def: "Exclusive dealing: a party deals only with the other, or grants exclusive rights.",
        id: "exclusivity", name: "Exclusivity", cuad: Some("Exclusivity"), ledgar: [],
        heading: Some(r"exclusiv") },
    CompetitiveRestrictionException {
        def: "Exceptions that carve activities out of a non-compete, exclusivity or no-solicit.",
        id: "competitive_restriction_exception", name: "Competitive restriction exception", cuad: Some("Competitive Restriction Exception"), ledgar: [], heading: None },
    NoSolicitOfCustomers {
        def: "A party may not solicit the other's customers.",
        id: "no_solicit_of_customers", name: "No-solicit of customers", cuad: Some("No-Solicit Of Customers"), ledgar: [], heading: None },
    NoSolicitOfEmployees {
        def: "A party may not solicit or hire the other's employees.",
        id: "no_solicit_of_employees", name: "No-solicit of employees", cuad: Some("No-Solicit Of Employees"), ledgar: [],
        heading: Some(r"non-?solicit|no-?solicit|no\s+hire") },
    NonDisparagement {
        def: "A party may not disparage the other.",
        id: "non_disparagement", name: "Non-disparagement", cuad: Some("Non-Disparagement"), ledgar: ["Non-Disparagement"],
        heading: Some(r"disparage") },
    MostFavoredNation {
        def: "A party must be offered terms at least as good as those given to others.",
        id: "most_favored_nation", name: "Most favoured nation", cuad: Some("Most Favored Nation"), ledgar: [],
        heading: Some(r"most\s+favou?red") },
    RofrRofoRofn {
        def: "Rights of first refusal, first offer or first negotiation.",
        id: "rofr_rofo_rofn", name: "Right of first refusal / offer / negotiation", cuad: Some("Rofr/Rofo/Rofn"), ledgar: [],
        heading: Some(r"right\s+of\s+first") },
    RevenueProfitSharing {
        def: "Revenue or profit is shared with the other party.",
        id: "revenue_profit_sharing", name: "Revenue or profit sharing", cuad: Some("Revenue/Profit Sharing"), ledgar: [],
        heading: Some(r"revenue\s+shar|profit\s+shar") },
    PriceRestrictions {
        def: "Restricts raising or lowering prices.",
        id: "price_restrictions", name: "Price restrictions", cuad: Some("Price Restrictions"), ledgar: [], heading: None },
    MinimumCommitment {
        def: "A minimum order, purchase or payment commitment.",
        id: "minimum_commitment", name: "Minimum commitment", cuad: Some("Minimum Commitment"), ledgar: [],
        heading: Some(r"minimum\s+(?:purchase|order|commitment|requirement)") },
    VolumeRestriction {
        def: "A cap or threshold on volumes that changes terms.",
        id: "volume_restriction", name: "Volume restriction", cuad: Some("Volume Restriction"), ledgar: [], heading: None },
    CovenantNotToSue {
        def: "A party may not sue over the other's IP or claims.",
        id: "covenant_not_to_sue", name: "Covenant not to sue", cuad: Some("Covenant Not To Sue"), ledgar: [],
        heading: Some(r"covenant\s+not\s+to\s+sue") },
    ThirdPartyBeneficiary {
        def: "Names (or excludes) third parties who may enforce the contract.",
        id: "third_party_beneficiary", name: "Third-party beneficiary", cuad: Some("Third Party Beneficiary"), ledgar: [],
        heading: Some(r"third[\s-]+part(?:y|ies)\s+beneficiar") },
    Severability {
        def: "If a provision is invalid, the rest of the contract stands.",
        id: "severability", name: "Severability", cuad: None, ledgar: ["Severability"],
        heading: Some(r"severab|invalidity|partial\s+invalid") },
    EntireAgreement {
        def: "The contract is the whole agreement and supersedes earlier ones.",
        id: "entire_agreement", name: "Entire agreement", cuad: None, ledgar: ["Entire Agreements"],
        heading: Some(r"entire\s+(?:agreement|understanding)|integrat|merger\s+clause") },
    Counterparts {
        def: "The contract may be signed in counterparts and electronically.",
        id: "counterparts", name: "Counterparts", cuad: None, ledgar: ["Counterparts"],
        heading: Some(r"counterparts") },
    Amendment {
        def: "How the contract can be amended or modified.",
        id: "amendment", name: "Amendment", cuad: None, ledgar: ["Amendments"],
        heading: Some(r"amendment|modification") },
    Waiver {
        def: "Failing to enforce a right is not a waiver of it.",
        id: "waiver", name: "Waiver", cuad: None, ledgar: ["Waivers"],
        heading: Some(r"^(?:no\s+)?waivers?\b|waiver\s+of\s+(?:breach|rights)") },
    Survival {
        def: "Which terms survive termination or expiry.",
        id: "survival", name: "Survival", cuad: None, ledgar: ["Survival"],
        heading: Some(r"surviv") },
    ComplianceWithLaws {
        def: "A party must comply with applicable laws and regulations.",
        id: "compliance_with_laws", name: "Compliance with laws", cuad: None, ledgar: ["Compliance With Laws"],
        heading: Some(r"compliance\s+with\s+(?:applicable\s+)?laws?|legal\s+compliance|regulatory\s+compliance") },
    AntiBribery {
        def: "Prohibits bribery and corruption (FCPA, UK Bribery Act).",
        id: "anti_bribery", name: "Anti-bribery and corruption", cuad: None, ledgar: [],
        heading: Some(r"brib|corrupt|fcpa") },
    ExportControl {
        def: "Export control and sanctions compliance.",
        id: "export_control", name: "Export control", cuad: None, ledgar: [],
        heading: Some(r"export|sanction") },
    Publicity {
        def: "Publicity, press releases and use of the other party's name.",
        id: "publicity", name: "Publicity", cuad: None, ledgar: ["Publicity"],
        heading: Some(r"publicity|press\s+release|public\s+announcement|use\s+of\s+(?:names?|marks)") },
    Subcontracting {
        def: "Whether and how a party may subcontract its obligations.",
        id: "subcontracting", name: "Subcontracting", cuad: None, ledgar: [],
        heading: Some(r"subcontract") },
    ServiceLevels {
        def: "Service levels, uptime and the credits when they are missed.",
        id: "service_levels", name: "Service levels", cuad: None, ledgar: [],
        heading: Some(r"service\s+levels?|\bsla\b|uptime|availability") },
    RelationshipOfParties {
        def: "The parties are independent contractors; no partnership, agency or joint venture.",
        id: "relationship_of_parties", name: "Relationship of the parties", cuad: None, ledgar: [],
        heading: Some(r"relationship\s+of\s+(?:the\s+)?parties|independent\s+contractors?|no\s+(?:partnership|agency|joint\s+venture)") },
    Taxes {
        def: "Taxes: who bears them, withholding, gross-up.",
        id: "taxes", name: "Taxes", cuad: None, ledgar: ["Taxes", "Tax Withholdings", "Withholdings"],
        heading: Some(r"\btax") },
    Definitions {
        def: "Defined terms of the contract.",
        id: "definitions", name: "Definitions", cuad: None, ledgar: ["Definitions"],
        heading: Some(r"^definitions?\b|defined\s+terms") },
    Other {
        def: "Clauses that match none of the kinds above.",
        id: "other", name: "Other", cuad: None, ledgar: [], heading: None },
}

impl ClauseKind {
    /// The stable id, e.g. `"force_majeure"`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// The kind with this id.
    pub fn from_id(id: &str) -> Option<ClauseKind> {
        ClauseKind::ALL.iter().copied().find(|k| k.id() == id)
    }

    /// The kind trained from this CUAD category (case-insensitive).
    pub fn from_cuad_category(category: &str) -> Option<ClauseKind> {
        ClauseKind::ALL
            .iter()
            .copied()
            .find(|k| k.info().cuad_category.is_some_and(|c| c.eq_ignore_ascii_case(category)))
    }

    /// Kinds whose heading pattern matches `heading`.
    pub fn from_heading(heading: &str) -> impl Iterator<Item = ClauseKind> + '_ {
        let heading = heading.trim().trim_end_matches(['.', ':']).trim();
        HEADING_PATTERNS.iter().filter(move |(_, re, _)| re.is_match(heading)).map(|(k, _, _)| *k)
    }

    /// Kinds whose heading pattern matches the start of a clause text that runs its heading
    /// into the first sentence ("14.7 Force Majeure Neither party ..."), after the number label.
    pub fn from_lead(text: &str) -> impl Iterator<Item = ClauseKind> + '_ {
        let lead = strip_label(text);
        HEADING_PATTERNS.iter().filter(move |(_, _, re)| re.is_match(lead)).map(|(k, _, _)| *k)
    }
}

impl std::fmt::Display for ClauseKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl std::str::FromStr for ClauseKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ClauseKind::from_id(s).ok_or_else(|| format!("unknown clause kind {s:?}"))
    }
}

impl Serialize for ClauseKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for ClauseKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        ClauseKind::from_id(&id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown clause kind {id:?}")))
    }
}

/// Each kind's heading pattern, as is and anchored at the start of a text.
static HEADING_PATTERNS: LazyLock<Vec<(ClauseKind, Regex, Regex)>> = LazyLock::new(|| {
    ClauseKind::ALL
        .iter()
        .filter_map(|&k| {
            let pattern = k.info().heading_pattern?;
            // The patterns are constants of this module; the test below compiles every one.
            let anywhere = Regex::new(&format!("(?i){pattern}")).ok()?;
            let lead = Regex::new(&format!("(?i)^(?:{pattern})")).ok()?;
            Some((k, anywhere, lead))
        })
        .collect()
});

/// The text after a leading number label ("14.7", "(a)", "Section 12.", "ARTICLE IV -").
pub(crate) fn strip_label(text: &str) -> &str {
    static LABEL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^\s*(?:(?:section|article|clause)\s+)?(?:\(?[0-9]+(?:\.[0-9]+)*\.?\)?|\([a-z]{1,4}\)|[ivxlc]{1,6}[.)]|[a-z][.)])\s*[-:.]?\s*",
        )
        .expect("constant pattern")
    });
    match LABEL.find(text) {
        Some(m) => &text[m.end()..],
        None => text.trim_start(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_snake_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for &k in ClauseKind::ALL {
            let info = k.info();
            assert!(seen.insert(info.id), "duplicate id {}", info.id);
            assert!(info.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{}", info.id);
            assert!(!info.definition.trim().is_empty(), "{} has no definition", info.id);
            assert_eq!(ClauseKind::from_id(info.id), Some(k));
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(serde_json::from_str::<ClauseKind>(&json).unwrap(), k);
        }
    }

    #[test]
    fn heading_patterns_compile() {
        let with_pattern =
            ClauseKind::ALL.iter().filter(|k| k.info().heading_pattern.is_some()).count();
        assert_eq!(HEADING_PATTERNS.len(), with_pattern);
    }

    #[test]
    fn every_cuad_clause_category_has_a_kind() {
        for category in [
            "Renewal Term",
            "Notice Period To Terminate Renewal",
            "Governing Law",
            "Most Favored Nation",
            "Non-Compete",
            "Exclusivity",
            "No-Solicit Of Customers",
            "Competitive Restriction Exception",
            "No-Solicit Of Employees",
            "Non-Disparagement",
            "Termination For Convenience",
            "Rofr/Rofo/Rofn",
            "Change Of Control",
            "Anti-Assignment",
            "Revenue/Profit Sharing",
            "Price Restrictions",
            "Minimum Commitment",
            "Volume Restriction",
            "Ip Ownership Assignment",
            "Joint Ip Ownership",
            "License Grant",
            "Non-Transferable License",
            "Affiliate License-Licensor",
            "Affiliate License-Licensee",
            "Unlimited/All-You-Can-Eat-License",
            "Irrevocable Or Perpetual License",
            "Source Code Escrow",
            "Post-Termination Services",
            "Audit Rights",
            "Uncapped Liability",
            "Cap On Liability",
            "Liquidated Damages",
            "Warranty Duration",
            "Insurance",
            "Covenant Not To Sue",
            "Third Party Beneficiary",
        ] {
            assert!(ClauseKind::from_cuad_category(category).is_some(), "{category}");
        }
    }

    #[test]
    fn headings_name_kinds() {
        let kinds = |h: &str| ClauseKind::from_heading(h).collect::<Vec<_>>();
        assert!(kinds("Force Majeure.").contains(&ClauseKind::ForceMajeure));
        // Typos and run-together words of PDF text and hurried drafting.
        for h in ["FORCEMAJEURE", "Force Majeur", "Force-Majeure", "Forc Majeure", "Force Majure"] {
            assert!(kinds(h).contains(&ClauseKind::ForceMajeure), "{h}");
        }
        assert!(!kinds("Force of Law").contains(&ClauseKind::ForceMajeure));
        assert!(kinds("INDEMNIFICATION").contains(&ClauseKind::Indemnification));
        assert!(kinds("Governing Law; Jurisdiction").contains(&ClauseKind::GoverningLaw));
        assert!(kinds("Governing Law; Jurisdiction").contains(&ClauseKind::DisputeResolution));
        assert!(kinds("Notices").contains(&ClauseKind::Notices));
        assert!(kinds("Term").contains(&ClauseKind::Term));
        assert!(!kinds("Payment Terms").contains(&ClauseKind::Term));
        assert!(kinds("Limitation of Liability").contains(&ClauseKind::LimitationOfLiability));
        assert!(kinds("Miscellaneous").is_empty());
        assert!(!kinds("Termination for Force Majeure").contains(&ClauseKind::ForceMajeure));
        let lead = |t: &str| ClauseKind::from_lead(t).collect::<Vec<_>>();
        assert!(
            lead("14.7 Force Majeure Neither party is liable").contains(&ClauseKind::ForceMajeure)
        );
        assert!(lead("(c) Confidentiality. Each party").contains(&ClauseKind::Confidentiality));
        assert!(
            !lead("Each party shall keep it confidential").contains(&ClauseKind::Confidentiality)
        );
        assert_eq!(strip_label("Section 12. Notices"), "Notices");
        assert_eq!(strip_label("IV. Term"), "Term");
    }
}
