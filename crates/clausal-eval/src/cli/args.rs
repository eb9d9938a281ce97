//! The arguments of `clausal eval ...`, and the embedder flags every command that loads the
//! model shares ([`ModelArgs`]).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use clausal::{BertEmbedder, BertEmbedderBuilder, DeviceChoice, Engine, Overflow};

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
    /// Word 97-2003 .doc, RTF and ODT text against LibreOffice's text export (runs soffice).
    Office(OfficeArgs),
    /// OCR: CUAD contracts made into scans (300 dpi, skew, noise) and read back against their
    /// reference text, and the image-only PDFs of a test-file tree (runs pdftoppm, tesseract).
    Ocr(OcrArgs),
    /// Email threads: every reply joined to its parent, thread ids stable across re-ingest.
    Threads(EvalThreadsArgs),
    /// Clause retrieval on ACORD (corpus.jsonl, queries.jsonl, qrels/*.tsv): nDCG and precision
    /// of BM25, vector and hybrid search.
    Acord(AcordArgs),
    /// Ingest a folder into a fresh index and report speed, memory and size; then re-ingest it.
    Ingest(EvalIngestArgs),
    /// Search latency of an existing index through the crate's API: each query of a file, in
    /// each mode, after one warm-up pass (the baseline the Python bindings are measured
    /// against: crates/clausal-py/bench/overhead.py).
    Latency(LatencyArgs),
    /// The flagship rule (force majeure without epidemic coverage) and `no-force-majeure`
    /// against force_majeure_gold.jsonl (CUAD layout).
    Fm(RiskEvalArgs),
    /// Document-level precision and recall of the rules that match a CUAD category.
    Rules(RiskEvalArgs),
    /// A simulated reviewer answering from the CUAD labels teaches one rule: precision and
    /// recall on unreviewed clauses after 0, 10, 25 and 50 decisions.
    Feedback(FeedbackEvalArgs),
    /// Document roles (agreement, amendment, order form, correspondence, notice, other) and
    /// amendment links against documents labelled by reading (data/roles/labels-*.jsonl).
    Roles(RolesArgs),
    /// Key dates (effective, expiration, renewal term, notice period) against CUAD's answers
    /// (master_clauses.csv with pdf/ or txt/).
    Deadlines(DeadlinesArgs),
    /// The clause library's deviations: outdated force majeure clauses against
    /// force_majeure_gold.jsonl (`--data`, CUAD layout), and meaning-changing edits against
    /// rewordings generated from the starter library (`--generated`).
    Deviations(DeviationsEvalArgs),
    /// The named rule packs (data-protection, software-licence, ai-use) against documents
    /// labelled by reading (labels.jsonl and txt/): per-rule precision and recall.
    Packs(PacksEvalArgs),
}

#[derive(Args, Debug)]
pub struct PacksEvalArgs {
    /// A folder with labels.jsonl and txt/ (crates/clausal-eval/data/packs).
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print every error per rule.
    #[arg(long)]
    pub all_cases: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DeviationsEvalArgs {
    /// A folder laid out like CUAD (txt/, clauses.jsonl, force_majeure_gold.jsonl).
    #[arg(long, value_name = "DIR", required_unless_present = "generated")]
    pub data: Option<PathBuf>,
    /// The generated edits of the starter library instead (no data needed).
    #[arg(long)]
    pub generated: bool,
    /// Type clauses by K-fold cross-validation by contract (0: the shipped classifier).
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub cv: usize,
    /// How contracts are dealt into the folds: by name, or by contract type.
    #[arg(long, value_name = "HOW", default_value = "type")]
    pub folds_by: crate::FoldBy,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print every case.
    #[arg(long)]
    pub all_cases: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DeadlinesArgs {
    /// A folder laid out like CUAD: master_clauses.csv, pdf/STEM.pdf or txt/STEM.txt.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RolesArgs {
    /// The folder the labelled documents' paths start from (`cuad/`, `docs/`, `contracts/`).
    #[arg(long, value_name = "DIR", default_value = "../shared/data")]
    pub data: PathBuf,
    /// The folder of labels-*.jsonl files (by default the one in this crate).
    #[arg(long, value_name = "DIR")]
    pub labels: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
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
    /// How contracts are dealt into the folds: by name (round robin), or by contract type
    /// (`contracts.csv`: no fold is scored by a model that saw its contracts' types).
    #[arg(long, value_name = "HOW", default_value = "name")]
    pub folds_by: crate::FoldBy,
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
pub struct EvalThreadsArgs {
    /// Folders of emails (EML, mbox, MSG), ingested with everything else in them.
    #[arg(long, value_name = "DIR", required = true, num_args = 1..)]
    pub data: Vec<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct LatencyArgs {
    /// The index to search.
    #[arg(long, value_name = "DIR")]
    pub index: PathBuf,
    /// A file with one query per line (blank lines are skipped), or a JSON-lines file whose
    /// objects have a "text" field (ACORD's queries.jsonl).
    #[arg(long, value_name = "FILE")]
    pub queries: PathBuf,
    /// The modes to time: hybrid, bm25, vector.
    #[arg(long = "mode", value_name = "MODE", default_values_t = ["hybrid".to_owned(), "bm25".to_owned(), "vector".to_owned()])]
    pub modes: Vec<String>,
    /// Hits per query.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Timed passes over all queries, after the warm-up pass.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
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
    /// How contracts are dealt into the folds: by name (round robin), or by contract type
    /// (`contracts.csv`: no fold is scored by a model that saw its contracts' types).
    #[arg(long, value_name = "HOW", default_value = "name", requires = "cv")]
    pub folds_by: crate::FoldBy,
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
pub struct OfficeArgs {
    /// Folders searched recursively for *.doc, *.rtf and *.odt files.
    #[arg(long, value_name = "DIR", required = true, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// The LibreOffice program: a name looked up on PATH, or a path.
    #[arg(long, value_name = "PATH", default_value = "soffice")]
    pub soffice: PathBuf,
    /// Print every file's figures (by default, the files below the bar).
    #[arg(long)]
    pub all_files: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct OcrArgs {
    /// A CUAD-layout folder (pdf/STEM.pdf with txt/STEM.txt) whose contracts are scanned.
    #[arg(long, value_name = "DIR")]
    pub data: PathBuf,
    /// Contracts scanned: the first by name with at most `--max-pages` pages.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Longest contract scanned, pages.
    #[arg(long, default_value_t = 30)]
    pub max_pages: usize,
    /// Where the scans are written (made again on every run).
    #[arg(long, value_name = "DIR", default_value = "target/ocr-scans")]
    pub out: PathBuf,
    /// Also extract every PDF under this folder without and with OCR, and list those with pages
    /// that need it.
    #[arg(long, value_name = "DIR")]
    pub docs: Option<PathBuf>,
    /// Poppler's renderer, for making the scans.
    #[arg(long, value_name = "PATH", default_value = "pdftoppm")]
    pub pdftoppm: PathBuf,
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
