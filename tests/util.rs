//! Helpers shared by the integration tests.

use std::sync::OnceLock;

use clausal::BertEmbedder;

/// The bundled model, loaded once per test binary.
pub fn embedder() -> &'static BertEmbedder {
    static EMBEDDER: OnceLock<BertEmbedder> = OnceLock::new();
    EMBEDDER.get_or_init(|| BertEmbedder::from_dir(clausal::bundled_model_dir()).unwrap())
}

pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a.iter().zip(b).map(|(x, y)| f64::from(*x) * f64::from(*y)).sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// The sentences and PyTorch sentence-transformers vectors in tests/data.
pub fn reference() -> Vec<(String, Vec<f32>)> {
    #[derive(serde::Deserialize)]
    struct File {
        items: Vec<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        text: String,
        embedding: Vec<f32>,
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/reference_embeddings.json");
    let file: File = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    file.items.into_iter().map(|i| (i.text, i.embedding)).collect()
}
