//! Any bytes, as text, embed to a finite unit vector (or zero for nothing to embed).
#![no_main]

use std::sync::OnceLock;

use clausal::{BertEmbedder, BertEmbedderBuilder, Embedder, Overflow};
use libfuzzer_sys::{fuzz_target, Corpus};

fn embedder() -> &'static BertEmbedder {
    static E: OnceLock<BertEmbedder> = OnceLock::new();
    E.get_or_init(|| {
        BertEmbedderBuilder::new(clausal::bundled_model_dir())
            .overflow(Overflow::SplitAverage { max_windows: 3, overlap: 16 })
            .max_seq_len(64)
            .build()
            .unwrap()
    })
}

fuzz_target!(|data: &[u8]| -> Corpus {
    if data.len() > 4096 {
        return Corpus::Reject;
    }
    let text = String::from_utf8_lossy(data);
    let v = embedder().embed(&[&text, "fixed"]).unwrap();
    assert_eq!(v.len(), 2);
    let norm: f32 = v[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!(v[0].iter().all(|x| x.is_finite()));
    assert!((norm - 1.0).abs() < 1e-4 || norm == 0.0);
    Corpus::Keep
});
