//! The bundled model through the public API: parity with PyTorch, determinism, robustness.

use clausal::{BertEmbedderBuilder, Embedder, Engine, ErrorKind, Overflow};

use crate::util::{cosine, embedder, reference};

/// Every reference sentence (5 to 294 words, PyTorch sentence-transformers on the original f32
/// weights, 256-token truncation) is matched by the shipped f16 model to cosine >= 0.9995.
#[test]
fn parity_with_sentence_transformers() {
    let reference = reference();
    assert_eq!(reference.len(), 40);
    let texts: Vec<&str> = reference.iter().map(|(t, _)| t.as_str()).collect();
    let vectors = embedder().embed(&texts).unwrap();
    let mut worst = (1.0f64, "");
    for ((text, expected), got) in reference.iter().zip(&vectors) {
        assert_eq!(got.len(), 384);
        let c = cosine(expected, got);
        if c < worst.0 {
            worst = (c, text);
        }
    }
    assert!(worst.0 >= 0.9995, "cosine {} for {:?}", worst.0, worst.1);
}

/// candle's `BertModel` stays selectable as the reference; the native encoder (the CPU default)
/// agrees with it closely, and both match PyTorch.
#[test]
fn candle_engine_is_the_reference() {
    let reference = reference();
    let texts: Vec<&str> = reference.iter().map(|(t, _)| t.as_str()).collect();
    let candle = BertEmbedderBuilder::new(clausal::bundled_model_dir())
        .engine(Engine::candle())
        .build()
        .unwrap();
    assert_eq!(candle.model_info().engine, "candle-f32");
    let from_candle = candle.embed(&texts).unwrap();
    let native = embedder().embed(&texts).unwrap();
    for (((text, expected), c), n) in reference.iter().zip(&from_candle).zip(&native) {
        assert!(cosine(expected, c) >= 0.9995, "candle on {text:?}");
        assert!(cosine(c, n) >= 0.99999, "native and candle differ on {text:?}");
    }
    let explicit = BertEmbedderBuilder::new(clausal::bundled_model_dir())
        .engine(Engine::native())
        .build()
        .unwrap();
    assert_eq!(explicit.embed(&texts).unwrap(), native);
}

/// One thread or several, the vectors are bit-identical: threads take whole batches.
#[test]
fn thread_count_does_not_change_vectors() {
    let reference = reference();
    let texts: Vec<&str> = reference.iter().map(|(t, _)| t.as_str()).collect();
    let mut all = Vec::new();
    for threads in [1, 2, 3] {
        let e = BertEmbedderBuilder::new(clausal::bundled_model_dir())
            .threads(threads)
            .max_batch_tokens(512)
            .build()
            .unwrap();
        assert_eq!(e.threads(), threads);
        all.push(e.embed(&texts).unwrap());
    }
    assert_eq!(all[0], all[1]);
    assert_eq!(all[0], all[2]);
    assert_eq!(all[0], embedder().embed(&texts).unwrap());
}

#[test]
fn vectors_are_unit_length() {
    let v = embedder().embed(&["The term of this Agreement is three years."]).unwrap();
    let norm: f32 = v[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-5, "{norm}");
}

/// The same text gives bit-identical vectors alone, in any batch, in any order.
#[test]
fn deterministic_under_any_batch_composition() {
    let reference = reference();
    let texts: Vec<&str> = reference.iter().map(|(t, _)| t.as_str()).collect();
    let all = embedder().embed(&texts).unwrap();
    let mut reversed_texts = texts.clone();
    reversed_texts.reverse();
    let mut reversed = embedder().embed(&reversed_texts).unwrap();
    reversed.reverse();
    assert_eq!(all, reversed);
    for (i, text) in texts.iter().enumerate() {
        let alone = embedder().embed(&[text]).unwrap();
        assert_eq!(alone[0], all[i], "text {i} differs alone");
        let doubled = embedder().embed(&[text, text, texts[0]]).unwrap();
        assert_eq!(doubled[0], all[i]);
        assert_eq!(doubled[1], all[i]);
    }
    // A small token budget forces other batch sizes.
    let small = BertEmbedderBuilder::new(clausal::bundled_model_dir())
        .max_batch_tokens(64)
        .build()
        .unwrap();
    assert_eq!(small.embed(&texts).unwrap(), all);
}

#[test]
fn concurrent_calls_agree() {
    let reference = reference();
    let texts: Vec<&str> = reference.iter().map(|(t, _)| t.as_str()).collect();
    let expected = embedder().embed(&texts).unwrap();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|k| {
                let texts = &texts;
                s.spawn(move || {
                    // Each thread embeds a different rotation of the texts.
                    let mut mine: Vec<&str> = texts.clone();
                    mine.rotate_left(k * 7);
                    let mut v = embedder().embed(&mine).unwrap();
                    v.rotate_right(k * 7);
                    v
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected);
        }
    });
}

#[test]
fn hostile_and_degenerate_texts_do_not_fail() {
    let long = "indemnify ".repeat(20_000);
    let specials = "[CLS] [SEP] [PAD] [MASK] [UNK] ".repeat(200);
    let nul = "a\u{0}b\u{feff}c\u{202e}d";
    let giant_word = "x".repeat(300_000);
    let texts = [
        "",
        " ",
        "\n\t",
        long.as_str(),
        specials.as_str(),
        nul,
        giant_word.as_str(),
        "日本語の契約書",
    ];
    let v = embedder().embed(&texts).unwrap();
    assert_eq!(v.len(), texts.len());
    for vector in &v {
        assert_eq!(vector.len(), 384);
        assert!(vector.iter().all(|x| x.is_finite()));
    }
    assert!(embedder().embed(&[]).unwrap().is_empty());
}

#[test]
fn long_texts_truncate_or_average() {
    let clause = reference().into_iter().map(|(t, _)| t).max_by_key(|t| t.len()).unwrap();
    let long = format!(
        "{clause} {}",
        "The Customer shall pay all invoices within thirty days. ".repeat(40)
    );
    let truncated = embedder().embed(&[&long, &clause]).unwrap();
    // The reference clause is over 256 tokens already, so appending text changes nothing.
    assert_eq!(truncated[0], truncated[1]);

    let split = BertEmbedderBuilder::new(clausal::bundled_model_dir())
        .overflow(Overflow::SplitAverage { max_windows: 8, overlap: 32 })
        .build()
        .unwrap();
    let averaged = split.embed(&[&long]).unwrap();
    let c = cosine(&averaged[0], &truncated[0]);
    assert!(c < 0.999 && c > 0.5, "averaging should move the vector but keep its meaning: {c}");
    // A short text is one window: the same vector either way.
    let short = "Payment is due within thirty days of invoice.";
    assert_eq!(split.embed(&[short]).unwrap(), embedder().embed(&[short]).unwrap());
}

#[test]
fn model_info_describes_the_bundled_model() {
    let info = embedder().model_info();
    assert_eq!(info.id, "all-MiniLM-L6-v2");
    assert_eq!(info.dim, 384);
    assert_eq!(info.max_seq_len, 256);
    assert_eq!(info.pooling, "mean");
    assert_eq!(info.engine, "native-f32");
    assert_eq!(embedder().engine(), "native-f32");
    assert_eq!(
        info.weights_sha256,
        "553c9ff2a4d968014fb1c66fdb6f2c9dc19b3ac2360ba58a51c69e177e55d765"
    );
    assert_eq!(embedder().dim(), 384);
    assert_eq!(embedder().model_id(), "all-MiniLM-L6-v2");
}

#[test]
fn bad_model_directories_are_clear_errors() {
    let dir = std::env::temp_dir().join(format!("clausal-bad-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = BertEmbedderBuilder::new(&dir).build().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Io { .. }), "{err}");
    std::fs::write(dir.join("config.json"), "{not json").unwrap();
    let err = BertEmbedderBuilder::new(&dir).build().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ModelLoad { .. }), "{err}");
    assert!(err.to_string().contains("config.json"), "{err}");
    let bundled = clausal::bundled_model_dir();
    for f in ["config.json", "tokenizer.json"] {
        std::fs::copy(bundled.join(f), dir.join(f)).unwrap();
    }
    std::fs::write(dir.join("model.safetensors"), b"\x08\0\0\0\0\0\0\0{}garbage").unwrap();
    let err = BertEmbedderBuilder::new(&dir).build().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ModelLoad { .. }), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();

    let err = BertEmbedderBuilder::new(&bundled).max_batch_tokens(0).build().unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidArgument(_)), "{err}");
}

#[cfg(not(feature = "cuda"))]
#[test]
fn cuda_without_the_feature_is_refused() {
    let err = BertEmbedderBuilder::new(clausal::bundled_model_dir())
        .device(clausal::DeviceChoice::cuda(0))
        .build()
        .unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::DeviceUnavailable { .. }), "{err}");
}

#[cfg(feature = "cuda")]
#[test]
fn cuda_matches_cpu() {
    let reference = reference();
    let texts: Vec<&str> = reference.iter().map(|(t, _)| t.as_str()).collect();
    let gpu = BertEmbedderBuilder::new(clausal::bundled_model_dir())
        .device(clausal::DeviceChoice::cuda(0))
        .build()
        .unwrap();
    let got = gpu.embed(&texts).unwrap();
    for ((_, expected), got) in reference.iter().zip(&got) {
        assert!(cosine(expected, got) >= 0.9995);
    }
}

/// The same model stored as f32 safetensors gives the same vectors: weights are computed in f32
/// either way, and f16 -> f32 is exact.
#[test]
fn f32_weights_load_and_agree() {
    use candle_core::{DType, Device};
    let bundled = clausal::bundled_model_dir();
    let dir = std::env::temp_dir().join(format!("clausal-f32-model-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("1_Pooling")).unwrap();
    for f in ["config.json", "tokenizer.json", "sentence_bert_config.json", "1_Pooling/config.json"]
    {
        std::fs::copy(bundled.join(f), dir.join(f)).unwrap();
    }
    let tensors = candle_core::safetensors::load(bundled.join("model.safetensors"), &Device::Cpu)
        .unwrap()
        .into_iter()
        .map(|(name, t)| match t.dtype() {
            DType::F16 => (name, t.to_dtype(DType::F32).unwrap()),
            _ => (name, t), // integer buffers such as position ids
        })
        .collect::<std::collections::HashMap<_, _>>();
    candle_core::safetensors::save(&tensors, dir.join("model.safetensors")).unwrap();
    let f32_model = BertEmbedderBuilder::new(&dir).build().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let texts = ["Force majeure includes epidemics.", "Payment is due in 30 days."];
    assert_eq!(f32_model.embed(&texts).unwrap(), embedder().embed(&texts).unwrap());
    assert_ne!(f32_model.model_info().weights_sha256, embedder().model_info().weights_sha256);
    assert_eq!(f32_model.dim(), 384);
}
