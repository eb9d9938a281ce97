//! `clausal demo`: semantic matching of contract clauses with the bundled model.
//!
//! Until ingestion and search land, the demo embeds a handful of sample clauses and shows which
//! of them each question finds, by cosine similarity.

use std::time::Instant;

use clausal::Embedder;

use crate::args::DemoArgs;

const CLAUSES: &[(&str, &str)] = &[
    (
        "MSA 14.2 Force Majeure",
        "Neither Party shall be liable for any failure or delay in performance caused by events beyond its reasonable control, including fire, flood, earthquake, war, terrorism, epidemic, pandemic or quarantine restrictions imposed by a governmental authority.",
    ),
    (
        "Supply 9 Force Majeure",
        "A party is excused from performance to the extent prevented by acts of God, strikes, lockouts, riots, acts of war, fire or explosion, provided it gives prompt written notice to the other party.",
    ),
    (
        "MSA 11 Limitation of Liability",
        "In no event shall either party's aggregate liability arising out of this Agreement exceed the fees paid by Customer in the twelve (12) months preceding the claim.",
    ),
    (
        "MSA 12 Indemnification",
        "Supplier shall defend, indemnify and hold harmless Customer from any third-party claim alleging that the Services infringe any patent, copyright or trade secret.",
    ),
    (
        "NDA 3 Confidentiality",
        "The Receiving Party shall hold the Disclosing Party's Confidential Information in strict confidence and use it solely to evaluate the proposed transaction.",
    ),
    (
        "MSA 2.3 Renewal",
        "This Agreement shall renew automatically for successive one-year terms unless either party gives notice of non-renewal at least ninety (90) days before the end of the then-current term.",
    ),
    (
        "MSA 18 Governing Law",
        "This Agreement is governed by the laws of the State of Delaware, without regard to its conflict of laws principles.",
    ),
    (
        "DPA 4 Data Protection",
        "The Processor shall process Personal Data only on documented instructions from the Controller and shall implement appropriate technical and organisational measures.",
    ),
];

const QUESTIONS: &[&str] = &[
    "Are we excused if an epidemic or quarantine stops performance?",
    "How much can we recover at most if they breach?",
    "When do I have to cancel so the contract does not roll over?",
    "Who pays if a third party sues for IP infringement?",
];

pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let embedder = args.model.load()?;
    let info = embedder.model_info();
    println!(
        "model {} ({} dimensions, up to {} tokens, {} pooling, weights sha256 {}) loaded in {:.2?}",
        info.id,
        info.dim,
        info.max_seq_len,
        info.pooling,
        &info.weights_sha256[..12],
        t0.elapsed()
    );
    let texts: Vec<&str> = CLAUSES.iter().map(|(_, text)| *text).collect();
    let t1 = Instant::now();
    let clause_vectors = embedder.embed(&texts)?;
    let question_vectors = embedder.embed(QUESTIONS)?;
    println!(
        "embedded {} clauses and {} questions in {:.2?}\n",
        CLAUSES.len(),
        QUESTIONS.len(),
        t1.elapsed()
    );
    for (question, q) in QUESTIONS.iter().zip(&question_vectors) {
        let mut ranked: Vec<(f32, &str)> =
            CLAUSES.iter().zip(&clause_vectors).map(|((name, _), c)| (dot(q, c), *name)).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        println!("{question}");
        for (score, name) in ranked.iter().take(3) {
            println!("  {score:.3}  {name}");
        }
        println!();
    }
    println!(
        "Ingestion, clause typing, hybrid search and risk flags are not built yet; see README.md."
    );
    Ok(())
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
