//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
pub use clausal_eval::cli::{EvalCommand, ModelArgs};

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
    /// Extract the documents in files (PDF, DOCX, DOC, RTF, ODT, EML, mbox, MSG, text) and print
    /// them.
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
    /// Write a static HTML report of an index (opens from disk, nothing fetched): portfolio
    /// charts, documents ranked by risk, a page per document, deadlines of the coming months.
    Report(ReportArgs),
    /// Key dates of the contracts: effective, expiry, next renewal, the last day to give notice,
    /// termination for convenience; as text, JSON, CSV or an ICS calendar.
    Deadlines(DeadlinesArgs),
    /// The contract register: every document with title, format, role, parties, governing
    /// law, key dates, risk score and open flags.
    Documents(DocumentsArgs),
    /// Email threads: messages joined by their reply headers (then by subject), each with its
    /// attachments under it.
    Threads(ThreadsArgs),
    /// The clause library of an index: standard clauses with their versions, kept in
    /// DIR/library.sqlite with a hash-chained log of every change.
    #[command(subcommand)]
    Library(LibraryCommand),
    /// Every clause of a kind the library has entries for, against its nearest entry:
    /// standard, outdated, deviates or nonstandard, with the diff and the concepts missing.
    Deviations(DeviationsArgs),
    /// Export every clause (kinds, facts, key dates, flags, review state, vector) for a search
    /// engine: NDJSON, OpenSearch/Elasticsearch _bulk, or Qdrant point operations; with
    /// --since, only what changed after an earlier export (deletes included).
    Export(ExportArgs),
    /// Send an export to a Qdrant server: creates the collection if missing, then upserts
    /// and deletes in batches, retrying with back-off.
    Push(PushArgs),
}

#[derive(Args, Debug)]
pub struct ExportSelectArgs {
    /// The index directory.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// Only what changed after this cursor (printed by the export that came before).
    #[arg(long, value_name = "CURSOR")]
    pub since: Option<String>,
    /// Leave flags and review state out (no model is loaded).
    #[arg(long)]
    pub no_flags: bool,
    /// Leave the vectors out.
    #[arg(long)]
    pub no_vectors: bool,
    /// The day fact tests count from [default: today, UTC].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Write the cursor of this export to FILE (read it back with --since "$(cat FILE)").
    #[arg(long, value_name = "FILE")]
    pub cursor_file: Option<PathBuf>,
    #[command(flatten)]
    pub pack: RulePackArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub select: ExportSelectArgs,
    /// ndjson, opensearch, elasticsearch or qdrant.
    #[arg(long, value_name = "FORMAT", default_value = "ndjson")]
    pub format: String,
    /// Write the index mapping (opensearch, elasticsearch), with the hybrid search pipeline
    /// (opensearch), or the collection settings (qdrant), instead of the records.
    #[arg(long)]
    pub mapping: bool,
    /// Points per Qdrant upsert line.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub batch: usize,
    /// Write to FILE ("-": standard output).
    #[arg(short, long, value_name = "FILE", default_value = "-")]
    pub output: PathBuf,
    /// Print a JSON summary on stderr instead of words.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct PushArgs {
    #[command(flatten)]
    pub select: ExportSelectArgs,
    /// The Qdrant server (http://host:6333).
    #[arg(long, value_name = "URL")]
    pub qdrant: String,
    /// The collection (created if missing).
    #[arg(long, value_name = "NAME", default_value = "clausal")]
    pub collection: String,
    /// Qdrant API key (sent as the api-key header).
    #[arg(long, value_name = "KEY", env = "QDRANT_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Points per request.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub batch: usize,
    /// Tries per request before giving up (back-off doubles from 0.5 s).
    #[arg(long, value_name = "N", default_value_t = 6)]
    pub retries: u32,
    /// Print a JSON summary instead of words.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum LibraryCommand {
    /// Add the entries of a library TOML file (each must be new).
    Add(LibraryAddArgs),
    /// List the entries: id, kind, position, current version, title.
    List(LibraryListArgs),
    /// One entry with its versions and its change history.
    Show(LibraryShowArgs),
    /// Make a new version the current one of an entry.
    Supersede(LibrarySupersedeArgs),
    /// Import a folder of library TOML files (or one file, or the starter library): new
    /// entries are added, changed ones updated, all in one transaction or none.
    Import(LibraryImportArgs),
    /// Write one TOML (or Markdown) file per entry into a folder (for git), readable by
    /// `import`.
    Export(LibraryExportArgs),
    /// Take an entry out of the library (its history stays in the log).
    Remove(LibraryRemoveArgs),
    /// Recompute the change log's hash chain; exits 2 at the first bad change.
    Verify(LibraryIndexArg),
}

#[derive(Args, Debug)]
pub struct LibraryIndexArg {
    /// The index directory; the library is DIR/library.sqlite.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
}

#[derive(Args, Debug)]
pub struct LibraryAuthorArgs {
    /// Who makes the change (recorded in the log).
    #[arg(long, value_name = "NAME")]
    pub author: String,
    /// Why (recorded in the log).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub comment: String,
}

#[derive(Args, Debug)]
pub struct LibraryAddArgs {
    #[command(flatten)]
    pub index: LibraryIndexArg,
    /// A library TOML file ([[entry]] tables).
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub author: LibraryAuthorArgs,
    /// Print the changes as JSON lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct LibraryListArgs {
    #[command(flatten)]
    pub index: LibraryIndexArg,
    /// Only entries of this clause kind.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Print JSON lines (one entry each, with its versions).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct LibraryShowArgs {
    #[command(flatten)]
    pub index: LibraryIndexArg,
    /// The entry id.
    pub id: String,
    /// Print one JSON object: the entry and its history.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("wording").required(true))]
pub struct LibrarySupersedeArgs {
    #[command(flatten)]
    pub index: LibraryIndexArg,
    /// The entry id.
    pub id: String,
    /// The new version's name ("2021", "v3").
    #[arg(long = "version", value_name = "NAME")]
    pub version_name: String,
    /// The new text.
    #[arg(long, value_name = "TEXT", group = "wording")]
    pub text: Option<String>,
    /// A file with the new text (instead of --text).
    #[arg(long, value_name = "FILE", group = "wording")]
    pub text_file: Option<PathBuf>,
    /// The day the version takes effect (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub effective_from: Option<String>,
    /// Why the version was written.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub rationale: String,
    #[command(flatten)]
    pub author: LibraryAuthorArgs,
    /// Print the change as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(group = clap::ArgGroup::new("from_where").required(true))]
pub struct LibraryImportArgs {
    #[command(flatten)]
    pub index: LibraryIndexArg,
    /// A folder of *.toml and *.md library files, or one file.
    #[arg(long, value_name = "PATH", group = "from_where")]
    pub from: Option<PathBuf>,
    /// The starter library that ships with clausal.
    #[arg(long, group = "from_where")]
    pub starter: bool,
    #[command(flatten)]
    pub author: LibraryAuthorArgs,
    /// Print the changes as JSON lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct LibraryExportArgs {
    #[command(flatten)]
    pub index: LibraryIndexArg,
    /// The folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Write Markdown (`<id>.md`: TOML front matter, one `## <version>` section per version)
    /// instead of TOML.
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Args, Debug)]
pub struct LibraryRemoveArgs {
    #[command(flatten)]
    pub index: LibraryIndexArg,
    /// The entry id.
    pub id: String,
    #[command(flatten)]
    pub author: LibraryAuthorArgs,
}

#[derive(Args, Debug)]
pub struct DeviationsArgs {
    /// The index directory.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// Use the starter library instead of the index's (DIR/library.sqlite).
    #[arg(long)]
    pub starter: bool,
    /// Only clauses of this kind (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Only this status: standard, outdated, deviates, nonstandard (repeatable).
    #[arg(long = "status", value_name = "STATUS")]
    pub statuses: Vec<String>,
    /// Only clauses less similar than this (cosine, 0 to 1) to their standard.
    #[arg(long, value_name = "SIM")]
    pub below: Option<f32>,
    /// Also name the concepts of these packs (the built-in pack always).
    #[command(flatten)]
    pub pack: RulePackArgs,
    /// Print JSON lines, one clause each.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header row.
    #[arg(long)]
    pub csv: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args, Debug)]
pub struct RulePackArgs {
    /// A rule pack (TOML) to add to the built-in one; its rules and concepts replace those with
    /// the same id. Repeatable.
    #[arg(long = "rules", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A rule pack that ships with clausal, by name: data-protection, software-licence,
    /// ai-use. Added after the built-in pack and before the --rules files. Repeatable.
    #[arg(long = "pack", value_name = "NAME")]
    pub packs: Vec<String>,
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
    #[arg(long, value_name = "DIR", env = "CLAUSAL_INDEX", default_value = "clausal-index")]
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
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header row (spreadsheets open it as is).
    #[arg(long)]
    pub csv: bool,
}

#[derive(Args, Debug)]
pub struct DeadlinesArgs {
    /// The index directory.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// The day renewals are rolled forward to and windows start from [default: today, UTC].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Only dates from the as-of day to this far after it: 90d, 12w, 3m (30 days), 1y (365
    /// days), or a number of days.
    #[arg(long, value_name = "WINDOW")]
    pub within: Option<String>,
    /// Only this kind of date: effective, expiry, renewal, notice-by, termination-notice
    /// (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    #[command(flatten)]
    pub filter: DocFilterArgs,
    /// Also list dates that are unknown or open-ended, with the reason (not with --within).
    #[arg(long)]
    pub all: bool,
    /// Print JSON lines (one deadline each, with its source spans).
    #[arg(long, conflicts_with_all = ["csv", "ics"])]
    pub json: bool,
    /// Print CSV with a header row.
    #[arg(long, conflicts_with = "ics")]
    pub csv: bool,
    /// Write an RFC 5545 calendar: one all-day event per dated deadline with a reminder.
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,
    /// Days before each event its reminder fires (with --ics).
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    pub alarm_days: u32,
}

#[derive(Args, Debug)]
pub struct DocumentsArgs {
    /// The index directory.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// The day key dates are rolled forward to [default: today, UTC].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[command(flatten)]
    pub pack: RulePackArgs,
    /// Leave out risk scores and open flags (they need the embedding model).
    #[arg(long)]
    pub no_risk: bool,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print JSON lines.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV with a header row.
    #[arg(long)]
    pub csv: bool,
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
    /// The index directory (it must exist); the store is DIR/review.sqlite, created by the
    /// first decision.
    #[arg(long, value_name = "DIR", env = "CLAUSAL_INDEX", default_value = "clausal-index")]
    pub index: PathBuf,
    /// The packs whose rules a decision may name (the built-in pack, --pack, --rules).
    #[command(flatten)]
    pub pack: RulePackArgs,
    /// Record a decision for a rule or version the packs above do not define (a pack not
    /// loaded here).
    #[arg(long)]
    pub force: bool,
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
    /// Only the files whose content hash falls in shard I of N (1 <= I <= N): N machines or
    /// processes split an archive with no coordination.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    #[command(flatten)]
    pub ocr: OcrArgs,
    /// Print JSON lines (one per commit, one per failed file, then the report) instead of a
    /// progress bar and a summary.
    #[arg(long)]
    pub json: bool,
}

/// OCR of PDF pages without a usable text layer (Tesseract, found at run time).
#[derive(Args, Debug, Clone)]
pub struct OcrArgs {
    /// Do not OCR pages without a text layer (they stay empty, with a warning).
    #[arg(long)]
    pub no_ocr: bool,
    /// Tesseract languages, joined by `+` (installed as tesseract-ocr-LANG packages).
    #[arg(long, value_name = "LANGS", default_value = "eng")]
    pub ocr_lang: String,
}

impl OcrArgs {
    /// The engine's OCR options.
    pub fn options(&self) -> clausal::OcrOptions {
        clausal::OcrOptions {
            enabled: !self.no_ocr,
            languages: self.ocr_lang.clone(),
            ..clausal::OcrOptions::default()
        }
    }
}

#[derive(Args, Debug)]
pub struct FilterArgs {
    /// Only clauses of this kind (repeatable: any of them). See `clausal kinds`.
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
    /// Only clauses of this document id (repeatable).
    #[arg(long = "doc", value_name = "ID")]
    pub docs: Vec<String>,
    /// Only documents of this format: pdf, docx, doc, rtf, odt, email, text, markdown
    /// (repeatable).
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
    /// Only documents of this role: agreement, amendment, order_form, correspondence, notice,
    /// other (repeatable: any of them).
    #[arg(long = "doc-role", value_name = "ROLE")]
    pub doc_roles: Vec<String>,
    /// Only the messages of this email thread and their attachments (repeatable). See
    /// `clausal threads`.
    #[arg(long = "thread", id = "thread", value_name = "ID")]
    pub threads: Vec<String>,
}

/// The document-level filters of [`FilterArgs`] (no clause kinds).
#[derive(Args, Debug)]
pub struct DocFilterArgs {
    /// Only this document id (repeatable).
    #[arg(long = "doc", value_name = "ID")]
    pub docs: Vec<String>,
    /// Only documents of this format: pdf, docx, doc, rtf, odt, email, text, markdown
    /// (repeatable).
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
    /// Only documents of this role: agreement, amendment, order_form, correspondence, notice,
    /// other (repeatable: any of them).
    #[arg(long = "doc-role", value_name = "ROLE")]
    pub doc_roles: Vec<String>,
    /// Only the messages of this email thread and their attachments (repeatable). See
    /// `clausal threads`.
    #[arg(long = "thread", id = "thread", value_name = "ID")]
    pub threads: Vec<String>,
}

impl DocFilterArgs {
    /// The same filters as [`FilterArgs`].
    pub fn to_filter_args(&self) -> FilterArgs {
        FilterArgs {
            kinds: Vec::new(),
            docs: self.docs.clone(),
            formats: self.formats.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            party: self.party.clone(),
            doc_roles: self.doc_roles.clone(),
            threads: self.threads.clone(),
        }
    }
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
pub struct ThreadsArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Only this thread (repeatable).
    #[arg(long = "thread", id = "thread", value_name = "ID")]
    pub threads: Vec<String>,
    /// One JSON object per thread per line.
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
    #[command(flatten)]
    pub ocr: OcrArgs,
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
    /// Write the HTML report of the demo index here (replacing an earlier report).
    #[arg(long, value_name = "DIR", default_value = "clausal-demo-report")]
    pub report: PathBuf,
}

// `clausal report` (crates/clausal-report).
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The index directory.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// The folder to write (created if missing; an earlier report there is replaced, any other
    /// non-empty folder refused).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// The date the report is as of: deadlines and fact tests count from it [default: today].
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Deadlines up to this many days after the as-of date.
    #[arg(long, value_name = "DAYS", default_value_t = 365)]
    pub within: u32,
    /// Rows per page of the documents and deadlines tables.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub page_size: usize,
    /// The report's title [default: "Contract portfolio"].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    #[command(flatten)]
    pub pack: RulePackArgs,
    /// Ignore reviewers' decisions when scoring (they are still shown).
    #[arg(long)]
    pub no_feedback: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}
