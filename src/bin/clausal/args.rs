//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clausal::{BertEmbedder, BertEmbedderBuilder, DeviceChoice, Engine, Overflow};

/// clausal: understand a contract archive, offline.
#[derive(Parser, Debug)]
#[command(name = "clausal", version, about, propagate_version = true)]
pub struct Cli {
    /// More log output on stderr (-v info, -vv debug, -vvv trace). CLAUSAL_LOG overrides it.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Embed lines of text; write one JSON object per line: {"text": ..., "embedding": [...]}.
    Embed(EmbedArgs),
    /// Show what clausal does on a bundled sample.
    Demo(DemoArgs),
    /// Extract the documents in files (PDF, DOCX, EML, mbox, MSG, text) and print them.
    Extract(ExtractArgs),
    /// Cut the documents in files into clauses: number, heading, role, nesting, span, pages.
    Clauses(ClausesArgs),
    /// List the clause kinds: id, name, definition, CUAD category and LEDGAR labels.
    Kinds(KindsArgs),
    /// Train a clause classifier from labelled clauses and write it to a file.
    Train(TrainArgs),
    /// Ingest files and folders into an index (created if missing); unchanged files are skipped.
    Ingest(IngestArgs),
    /// Risk flags of an index: each with its rule, evidence, missing concepts, nearest exemplar
    /// and score; reviewers' decisions applied.
    Flags(FlagsArgs),
    /// Documents ranked by risk score (their flags weighted by the pack's risk appetite).
    Risk(FlagsArgs),
    /// The rules and concepts of the built-in pack plus any --rules files.
    Rules(RulesArgs),
    /// Search the clauses of an index: BM25, vector or hybrid, with filters.
    Search(SearchArgs),
    /// The clauses most similar to a clause (by id) or to a text.
    Similar(SimilarArgs),
    /// Summarise an index: documents, clauses, kinds, size.
    Stats(StatsArgs),
    /// Remove files from an index.
    Remove(RemoveArgs),
    /// Check an index: manifest, commit, vector files and their checksums.
    Verify(VerifyArgs),
    /// Measure quality on labelled data; exits 1 when a figure is below its threshold.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// The legal-review store of an index: record decisions, verify the chain, export, stats.
    #[command(subcommand)]
    Review(ReviewCommand),
}

#[derive(Args, Debug)]
pub struct RulePackArgs {
    /// A rule pack (TOML) to add to the built-in one; its rules and concepts replace those with
    /// the same id. Repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Only the built-in pack's settings and the --rules files (no built-in rules).
    #[arg(long)]
    pub no_builtin: bool,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[command(flatten)]
    pub pack: RulePackArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct FlagsArgs {
    /// The index directory.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    #[command(flatten)]
    pub pack: RulePackArgs,
    /// Only this rule (repeatable).
    #[arg(long = "rule", value_name = "R")]
    pub rules: Vec<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// The date deadlines count from [default: today].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Also show candidates below the threshold and dismissed flags.
    #[arg(long)]
    pub all: bool,
    /// Ignore reviewers' decisions.
    #[arg(long)]
    pub no_feedback: bool,
    /// At most this many lines.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print JSON lines instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ReviewNextArgs {
    #[command(flatten)]
    pub flags: FlagsArgs,
}

#[derive(Subcommand, Debug)]
pub enum ReviewCommand {
    /// The unreviewed flags whose decision would teach the most: those the rules are least sure
    /// of (score nearest the threshold), one per clause text.
    Next(ReviewNextArgs),
    /// Record a reviewer's decision on a rule's flag for a clause text; prints its entry.
    Record(ReviewRecordArgs),
    /// Recompute the hash chain; print the entry count and the head hash to keep elsewhere.
    /// Exits 2, naming the first bad entry, when the chain is broken.
    Verify(ReviewVerifyArgs),
    /// Write every entry, oldest first, as JSON lines.
    Export(ReviewExportArgs),
    /// Per rule: current confirmed, dismissed and needs-change decisions, and precision as
    /// reviewers judged it (confirmed / (confirmed + dismissed)).
    Stats(ReviewStatsArgs),
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("clause").required(true))]
pub struct ReviewRecordArgs {
    /// The index directory; the store is DIR/review.sqlite (both are created if missing).
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// The risk rule whose flag was reviewed.
    #[arg(long, value_name = "R")]
    pub rule: String,
    /// The version of the rule that raised the flag.
    #[arg(long, value_name = "V")]
    pub rule_version: String,
    /// The clause's text hash (64 hex digits).
    #[arg(long, value_name = "H", group = "clause")]
    pub text_hash: Option<String>,
    /// The clause's text, hashed after normalising whitespace (instead of --text-hash).
    #[arg(long, value_name = "TEXT", group = "clause")]
    pub text: Option<String>,
    /// confirm, dismiss or needs-change.
    #[arg(long, value_parser = ["confirm", "dismiss", "needs-change"])]
    pub verdict: String,
    /// Who decided.
    #[arg(long, value_name = "NAME")]
    pub reviewer: String,
    /// Why.
    #[arg(long, value_name = "C")]
    pub comment: Option<String>,
    /// The clause where the flag was seen, for the record.
    #[arg(long, value_name = "ID")]
    pub clause_id: Option<String>,
    /// The document where the flag was seen, for the record.
    #[arg(long, value_name = "ID")]
    pub doc_id: Option<String>,
    /// Print the entry as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ReviewVerifyArgs {
    /// The index directory holding review.sqlite.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// A head hash printed by an earlier verify: also check that the chain still contains it.
    #[arg(long, value_name = "HASH")]
    pub head: Option<String>,
}

#[derive(Args, Debug)]
pub struct ReviewExportArgs {
    /// The index directory holding review.sqlite.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ReviewStatsArgs {
    /// The index directory holding review.sqlite.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// One JSON object per rule per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct IndexArg {
    /// The index directory.
    #[arg(long, value_name = "DIR", env = "CLAUSAL_INDEX", default_value = "clausal-index")]
    pub index: PathBuf,
}

#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Files and folders (searched recursively; archives are opened).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArg,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Also remove from the index the files under the given folders that no longer exist.
    #[arg(long)]
    pub prune: bool,
    /// Commit after this many changed files.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub commit_every: usize,
    /// Print JSON lines (one per commit, one per failed file, then the report) instead of a
    /// progress bar and a summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct FilterArgs {
    /// Only clauses of this kind (repeatable: any of them). See `clausal kinds`.
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Only clauses of this document id (repeatable).
    #[arg(long = "doc", value_name = "ID")]
    pub docs: Vec<String>,
    /// Only documents of this format: pdf, docx, email, text, markdown (repeatable).
    #[arg(long = "format", value_name = "FORMAT")]
    pub formats: Vec<String>,
    /// Only documents dated on or after this ISO date.
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only documents dated on or before this ISO date.
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only documents naming this party.
    #[arg(long, value_name = "NAME")]
    pub party: Option<String>,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// The query (tantivy syntax for BM25: phrases in quotes, AND/OR/-, heading:word).
    pub query: String,
    #[command(flatten)]
    pub index: IndexArg,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// bm25, vector or hybrid.
    #[arg(long, default_value = "hybrid")]
    pub mode: String,
    /// Hits to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Read the query as plain words (no operators).
    #[arg(long)]
    pub plain: bool,
    /// One JSON object per hit per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("target").required(true))]
pub struct SimilarArgs {
    /// A clause id (from search results).
    #[arg(long, group = "target", value_name = "ID")]
    pub clause: Option<String>,
    /// A text.
    #[arg(long, group = "target", value_name = "TEXT")]
    pub text: Option<String>,
    #[command(flatten)]
    pub index: IndexArg,
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Hits to show.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// One JSON object per hit per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RemoveArgs {
    /// Files to remove, as they were ingested (relative paths are resolved).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub index: IndexArg,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct KindsArgs {
    /// One JSON object per kind per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("source").required(true).multiple(true))]
pub struct TrainArgs {
    /// A folder laid out like CUAD (clauses.jsonl and txt/): its contracts are segmented and
    /// each clause labelled from the spans it overlaps and from its heading.
    #[arg(long, value_name = "DIR", group = "source")]
    pub cuad: Option<PathBuf>,
    /// JSON lines of labelled clauses: {"text": ..., "heading": ..., "kinds": ["force_majeure"]}.
    #[arg(long, value_name = "FILE", group = "source")]
    pub jsonl: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Passes over the training data.
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// Probability above which a kind is assigned.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f32,
    /// Kinds with fewer labelled clauses than this are left out of the model.
    #[arg(long, default_value_t = 5)]
    pub min_positives: usize,
}

#[derive(Subcommand, Debug)]
pub enum EvalCommand {
    /// Compare embeddings with reference vectors (e.g. from PyTorch sentence-transformers).
    Parity(ParityArgs),
    /// Embedding throughput on a file of texts: sentences per second and per CPU-second,
    /// medians of several runs (the same measure as ../shared/bench/embed_torch.py).
    Throughput(ThroughputArgs),
    /// PDF text fidelity and speed against reference texts (a folder with pdf/ and txt/).
    Extraction(ExtractionArgs),
    /// Extract every file of a folder tree in one process; tally outcomes and peak memory.
    Robustness(RobustnessArgs),
    /// Contract facts (governing law, agreement date, renewal term and notice) against CUAD's
    /// answers (a folder with master_clauses.csv and txt/).
    Facts(FactsArgs),
    /// Clause segmentation against CUAD's labelled spans (clauses.jsonl and txt/).
    Segmentation(SegmentationArgs),
    /// Email headers and bodies against mail-parser's expected outputs (X.eml with X.json).
    Email(EmailArgs),
    /// The clause classifier, segmentation, facts and force majeure against CUAD (clauses.jsonl,
    /// master_clauses.csv, force_majeure_gold.jsonl, txt/ and pdf/).
    Cuad(CuadArgs),
    /// DOCX list numbering and text against LibreOffice's text export (runs soffice).
    Docx(DocxArgs),
    /// Clause retrieval on ACORD (corpus.jsonl, queries.jsonl, qrels/*.tsv): nDCG and precision
    /// of BM25, vector and hybrid search.
    Acord(AcordArgs),
    /// Ingest a folder into a fresh index and report speed, memory and size; then re-ingest it.
    Ingest(EvalIngestArgs),
    /// The flagship rule (force majeure without epidemic coverage) and `no-force-majeure`
    /// against force_majeure_gold.jsonl (CUAD layout).
    Fm(RiskEvalArgs),
    /// Document-level precision and recall of the rules that match a CUAD category.
    Rules(RiskEvalArgs),
    /// A simulated reviewer answering from the CUAD labels teaches one rule: precision and
    /// recall on unreviewed clauses after 0, 10, 25 and 50 decisions.
    Feedback(FeedbackEvalArgs),
}

#[derive(Args, Debug)]
pub struct RiskEvalArgs {
    /// A folder laid out like CUAD (txt/, clauses.jsonl, master_clauses.csv,
    /// force_majeure_gold.jsonl).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Type clauses by K-fold cross-validation by contract (0: the shipped classifier, which
    /// was trained on CUAD).
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub cv: usize,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print every miss and false positive.
    #[arg(long)]
    pub all_cases: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct FeedbackEvalArgs {
    #[command(flatten)]
    pub common: RiskEvalArgs,
    /// The rule the reviewer teaches (one with a CUAD clause category).
    #[arg(long, value_name = "R", default_value = "anti-assignment")]
    pub rule: String,
}

#[derive(Args, Debug)]
pub struct AcordArgs {
    /// A folder laid out like ACORD.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct EvalIngestArgs {
    /// The folder to ingest (e.g. CUAD's pdf/).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Only the first N files, sorted by name.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Where to build the index [default: a fresh temporary directory, removed afterwards].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CuadArgs {
    /// A folder laid out like CUAD.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Score each of K folds of contracts with a model trained on the other folds, instead of
    /// the shipped classifier (which was trained on CUAD).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(2..))]
    pub cv: Option<u32>,
    /// Skip the contract facts (which extract every PDF).
    #[arg(long)]
    pub no_facts: bool,
    /// Print every force majeure miss and false positive (by default, the first 10 of each).
    #[arg(long)]
    pub all_cases: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DocxArgs {
    /// Folders searched recursively for *.docx files.
    #[arg(long, value_name = "DIR", required = true, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// The LibreOffice program: a name looked up on PATH, or a path.
    #[arg(long, value_name = "PATH", default_value = "soffice")]
    pub soffice: PathBuf,
    /// Print every label difference and every file (by default, the first 10 differences).
    #[arg(long)]
    pub all_differences: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct EmailArgs {
    /// A folder tree of X.eml messages, each with the expected parse in X.json.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The lowest acceptable share of agreeing messages, for every field.
    #[arg(long, default_value_t = 0.95)]
    pub min_agreement: f64,
    /// Print every disagreement (by default, the first 10).
    #[arg(long)]
    pub all_differences: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SegmentationArgs {
    /// A folder laid out like CUAD: clauses.jsonl and txt/STEM.txt.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct FactsArgs {
    /// A folder laid out like CUAD: master_clauses.csv and txt/STEM.txt.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ExtractionArgs {
    /// A folder laid out like CUAD: pdf/STEM.pdf and txt/STEM.txt.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Score about this many files, evenly spread, instead of all.
    #[arg(long, value_name = "N")]
    pub sample: Option<usize>,
    /// The lowest acceptable mean bag-of-words F1.
    #[arg(long, default_value_t = 0.995)]
    pub min_f1: f64,
    /// The lowest acceptable mean sequence ratio.
    #[arg(long, default_value_t = 0.98)]
    pub min_seq_ratio: f64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RobustnessArgs {
    /// The folder tree to extract.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// The most peak resident memory allowed, MiB.
    #[arg(long, default_value_t = 1024)]
    pub max_rss_mib: u64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ParityArgs {
    /// JSON file: {"items": [{"text": ..., "embedding": [...]}, ...]}.
    #[arg(long, value_name = "FILE")]
    pub reference: PathBuf,
    /// The lowest acceptable cosine similarity on any sentence.
    #[arg(long, default_value_t = 0.9995)]
    pub min_cosine: f64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args, Debug)]
pub struct ThroughputArgs {
    /// A file with one text per line (blank lines are skipped).
    #[arg(long, value_name = "FILE")]
    pub texts: PathBuf,
    /// Timed runs over all texts, after one warm-up call.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Which embedding model to load, and where to run it.
#[derive(Args, Debug, Clone)]
pub struct ModelArgs {
    /// The sentence-transformers model directory [default: $CLAUSAL_MODEL, else the bundled
    /// all-MiniLM-L6-v2]
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Compute device: cpu, auto, cuda[:N] or metal[:N].
    #[arg(long, default_value = "cpu", value_parser = parse_device)]
    pub device: DeviceChoice,
    /// Embed texts longer than the model limit as the average of up to this many windows,
    /// instead of truncating them (the default, as sentence-transformers does).
    #[arg(long, value_name = "N")]
    pub split_long: Option<usize>,
    /// The encoder: auto (native on the CPU), native or candle (the reference).
    #[arg(long, default_value = "auto", value_parser = parse_engine)]
    pub engine: Engine,
    /// Embedding threads [default: all cores, or RAYON_NUM_THREADS].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// The most tokens in one forward pass [default: the library's].
    #[arg(long, value_name = "N")]
    pub batch_tokens: Option<usize>,
}

impl ModelArgs {
    /// The model directory: the flag, then $CLAUSAL_MODEL, then a `models/all-MiniLM-L6-v2`
    /// beside the executable, then the one in the source tree clausal was built from.
    pub fn model_dir(&self) -> PathBuf {
        if let Some(dir) = &self.model {
            return dir.clone();
        }
        if let Some(dir) = std::env::var_os("CLAUSAL_MODEL") {
            return PathBuf::from(dir);
        }
        let beside_exe = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|d| d.join("models").join("all-MiniLM-L6-v2")));
        match beside_exe {
            Some(dir) if dir.join("config.json").is_file() => dir,
            _ => clausal::bundled_model_dir(),
        }
    }

    /// Loads the embedder these arguments describe.
    pub fn load(&self) -> anyhow::Result<BertEmbedder> {
        let mut builder = BertEmbedderBuilder::new(self.model_dir());
        builder.device(self.device).engine(self.engine);
        if let Some(n) = self.threads {
            builder.threads(n);
        }
        if let Some(n) = self.batch_tokens {
            builder.max_batch_tokens(n);
        }
        if let Some(max_windows) = self.split_long {
            builder.overflow(Overflow::SplitAverage { max_windows, overlap: 32 });
        }
        Ok(builder.build()?)
    }
}

fn parse_device(s: &str) -> Result<DeviceChoice, String> {
    s.parse().map_err(|e: clausal::Error| e.to_string())
}

fn parse_engine(s: &str) -> Result<Engine, String> {
    s.parse().map_err(|e: clausal::Error| e.to_string())
}

#[derive(Args, Debug)]
pub struct EmbedArgs {
    /// A file with one text per line; `-` or nothing reads standard input.
    pub file: Option<PathBuf>,
    /// Lines embedded per call (output is written after each).
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk: u32,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// Files to extract.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// One JSON object per document per line (and one per failed file, with "error").
    #[arg(long)]
    pub json: bool,
    /// Keep PDF page furniture (running headers, footers, page numbers) in place in the text,
    /// as pdftotext does.
    #[arg(long)]
    pub all_text: bool,
    /// For DOCX with tracked changes, the original text instead of the changes accepted.
    #[arg(long)]
    pub original: bool,
}

#[derive(Args, Debug)]
pub struct ClausesArgs {
    /// Files to segment.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// One JSON object per clause per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Build the demo index here and keep it (for `clausal search --index DIR ...`) [default: a
    /// temporary directory, removed afterwards]. Must be empty or a demo index.
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
    /// The archive to ingest [default: the sample archive in the source tree].
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
}
