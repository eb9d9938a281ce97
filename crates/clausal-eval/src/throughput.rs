//! Embedding throughput, measured the way `../shared/bench/embed_torch.py` measures
//! sentence-transformers: one warm-up call, then `runs` calls over all texts, and the medians of
//! their wall time and of the process's CPU time.

use serde::Serialize;

use super::peak_rss_bytes;
use crate::error::Error;
use clausal::Embedder;

/// Throughput of an embedder on a set of texts.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct ThroughputReport {
    /// The embedder's model id.
    pub model: String,
    /// The embedder's engine.
    pub engine: String,
    /// Texts embedded per run.
    pub texts: usize,
    /// Whitespace-separated words per run (tokens are the embedder's business).
    pub tokens: usize,
    /// Median wall time of a run, seconds.
    pub wall_median_s: f64,
    /// Fastest run, seconds.
    pub wall_min_s: f64,
    /// Slowest run, seconds.
    pub wall_max_s: f64,
    /// Median CPU time of the process (all threads) during a run, seconds; `None` where the
    /// platform does not tell (not Linux).
    pub cpu_median_s: Option<f64>,
    /// Peak resident set size of the process, bytes (Linux).
    pub peak_rss_bytes: Option<u64>,
}

/// Embeds `texts` once to warm up, then `runs` times, timing each run.
///
/// # Errors
///
/// [`ErrorKind::InvalidArgument`](clausal::ErrorKind::InvalidArgument) for no texts or no runs;
/// any error of the embedder.
pub fn throughput(
    embedder: &dyn Embedder,
    texts: &[&str],
    runs: usize,
) -> crate::error::Result<ThroughputReport> {
    if texts.is_empty() || runs == 0 {
        return Err(Error::invalid_argument("throughput needs texts and at least one run"));
    }
    // As embed_torch.py: warm up on the first 64 texts.
    embedder.embed(&texts[..texts.len().min(64)])?;
    let mut walls = Vec::with_capacity(runs);
    let mut cpus = Vec::with_capacity(runs);
    for _ in 0..runs {
        let c0 = process_cpu_seconds();
        let t0 = std::time::Instant::now();
        embedder.embed(texts)?;
        walls.push(t0.elapsed().as_secs_f64());
        if let (Some(c0), Some(c1)) = (c0, process_cpu_seconds()) {
            cpus.push(c1 - c0);
        }
    }
    let wall_min_s = walls.iter().copied().fold(f64::INFINITY, f64::min);
    let wall_max_s = walls.iter().copied().fold(0.0, f64::max);
    Ok(ThroughputReport {
        model: embedder.model_id().to_owned(),
        engine: embedder.engine().to_owned(),
        texts: texts.len(),
        tokens: texts.iter().map(|t| t.split_whitespace().count()).sum(),
        wall_median_s: median(&mut walls),
        wall_min_s,
        wall_max_s,
        cpu_median_s: (cpus.len() == runs).then(|| median(&mut cpus)),
        peak_rss_bytes: peak_rss_bytes(),
    })
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// CPU time (user + system) of this process, all threads, in seconds, from `/proc/self/stat`
/// (Linux; 10 ms resolution). `None` elsewhere.
pub fn process_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: split after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of the file (utime, stime) are 12 and 13 after the name.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // USER_HZ is 100 on every Linux platform Rust supports.
    Some((utime + stime) as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn cpu_time_is_read_and_grows() {
        let a = process_cpu_seconds().unwrap();
        let mut x = 0u64;
        let t = std::time::Instant::now();
        while t.elapsed().as_millis() < 60 {
            x = x.wrapping_mul(31).wrapping_add(7);
        }
        std::hint::black_box(x);
        let b = process_cpu_seconds().unwrap();
        assert!(b >= a);
    }
}
