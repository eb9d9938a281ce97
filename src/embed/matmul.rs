//! Matrix products for the native CPU encoder, on the `gemm` crate.
//!
//! `gemm` is the matrix-product library candle itself uses on the CPU. Its entry point takes raw
//! pointers and strides, so it is an `unsafe fn`. This module is the crate's one place that calls
//! it: [`Mat`] and [`MatMut`] are strided views whose constructors check that every element they
//! describe lies inside their slice, and [`gemm`] only passes such views on. The reasons for this
//! exception to `#![deny(unsafe_code)]` are in `docs/adr/002-native-cpu-encoder.md`.

/// A read-only strided matrix: element `(i, j)` is `data[i * row_stride + j * col_stride]`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mat<'a> {
    data: &'a [f32],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a> Mat<'a> {
    /// A view of `data`.
    ///
    /// # Panics
    ///
    /// If an element of the view lies outside `data`. This is a bug in the caller.
    pub(crate) fn new(
        data: &'a [f32],
        rows: usize,
        cols: usize,
        row_stride: usize,
        col_stride: usize,
    ) -> Mat<'a> {
        assert!(fits(data.len(), rows, cols, row_stride, col_stride), "matrix view out of bounds");
        Mat { data, rows, cols, row_stride, col_stride }
    }

    /// A row-major view of `rows * cols` elements at the start of `data`.
    pub(crate) fn rows(data: &'a [f32], rows: usize, cols: usize) -> Mat<'a> {
        Mat::new(data, rows, cols, cols, 1)
    }
}

/// A writable strided matrix whose elements are pairwise distinct.
#[derive(Debug)]
pub(crate) struct MatMut<'a> {
    data: &'a mut [f32],
    rows: usize,
    cols: usize,
    row_stride: usize,
    col_stride: usize,
}

impl<'a> MatMut<'a> {
    /// A writable view of `data`, row stride `row_stride` and contiguous rows of `cols`.
    ///
    /// # Panics
    ///
    /// If an element of the view lies outside `data`, or if rows overlap (`row_stride < cols`).
    /// This is a bug in the caller.
    pub(crate) fn new(
        data: &'a mut [f32],
        rows: usize,
        cols: usize,
        row_stride: usize,
    ) -> MatMut<'a> {
        assert!(rows <= 1 || row_stride >= cols, "matrix rows overlap");
        assert!(fits(data.len(), rows, cols, row_stride, 1), "matrix view out of bounds");
        MatMut { data, rows, cols, row_stride, col_stride: 1 }
    }

    /// A row-major view of `rows * cols` elements at the start of `data`.
    pub(crate) fn rows(data: &'a mut [f32], rows: usize, cols: usize) -> MatMut<'a> {
        MatMut::new(data, rows, cols, cols)
    }
}

/// Whether every element of a `rows x cols` view with the given strides lies in `len` elements.
fn fits(len: usize, rows: usize, cols: usize, row_stride: usize, col_stride: usize) -> bool {
    if rows == 0 || cols == 0 {
        return true;
    }
    let last = (rows - 1)
        .checked_mul(row_stride)
        .and_then(|r| (cols - 1).checked_mul(col_stride).and_then(|c| r.checked_add(c)));
    // Strides must also fit `isize`, as gemm takes them signed.
    matches!(last, Some(last) if last < len)
        && isize::try_from(row_stride).is_ok()
        && isize::try_from(col_stride).is_ok()
}

/// `dst = scale * lhs * rhs`, or `dst += scale * lhs * rhs` when `accumulate` is set.
///
/// `threads` above 1 lets gemm split the product over the current rayon pool.
///
/// # Panics
///
/// If the shapes do not chain (`lhs` is `m x k`, `rhs` is `k x n`, `dst` is `m x n`).
#[allow(unsafe_code)]
pub(crate) fn gemm(
    dst: MatMut<'_>,
    accumulate: bool,
    lhs: Mat<'_>,
    rhs: Mat<'_>,
    scale: f32,
    threads: usize,
) {
    let (m, k, n) = (lhs.rows, lhs.cols, rhs.cols);
    assert!(rhs.rows == k && dst.rows == m && dst.cols == n, "matrix shapes do not chain");
    if m == 0 || n == 0 {
        return;
    }
    let parallelism =
        if threads > 1 { gemm::Parallelism::Rayon(threads) } else { gemm::Parallelism::None };
    // Strides fit `isize`: checked by `fits` in the constructors.
    let s = |x: usize| x as isize;
    // SAFETY: `Mat::new` and `MatMut::new` checked that every element `(i, j)` of each view,
    // at `i * row_stride + j * col_stride`, is inside its slice, so gemm reads and writes only
    // memory the borrows cover. The shapes chain (asserted above), so gemm's `m`, `n` and `k`
    // stay within the views. `dst` is a unique borrow, so it aliases neither input, and its
    // elements are pairwise distinct (`row_stride >= cols`, unit column stride), so gemm's
    // threads never write the same element. gemm reads `dst` only when `accumulate` is set, and
    // the slice is initialised `f32` either way.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.data.as_mut_ptr(),
            s(dst.col_stride),
            s(dst.row_stride),
            accumulate,
            lhs.data.as_ptr(),
            s(lhs.col_stride),
            s(lhs.row_stride),
            rhs.data.as_ptr(),
            s(rhs.col_stride),
            s(rhs.row_stride),
            1.0,
            scale,
            false,
            false,
            false,
            parallelism,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The naive triple loop.
    fn naive(lhs: &Mat<'_>, rhs: &Mat<'_>) -> Vec<f32> {
        let mut out = vec![0.0; lhs.rows * rhs.cols];
        for i in 0..lhs.rows {
            for j in 0..rhs.cols {
                let mut acc = 0.0f64;
                for p in 0..lhs.cols {
                    let a = lhs.data[i * lhs.row_stride + p * lhs.col_stride];
                    let b = rhs.data[p * rhs.row_stride + j * rhs.col_stride];
                    acc += f64::from(a) * f64::from(b);
                }
                out[i * rhs.cols + j] = acc as f32;
            }
        }
        out
    }

    proptest! {
        #[test]
        fn matches_the_naive_product(
            m in 1usize..40, k in 1usize..40, n in 1usize..40, transposed in any::<bool>(),
            accumulate in any::<bool>(), threads in 1usize..3,
        ) {
            let a: Vec<f32> = (0..m * k).map(|i| ((i * 7 % 13) as f32 - 6.0) / 8.0).collect();
            let b: Vec<f32> = (0..k * n).map(|i| ((i * 5 % 11) as f32 - 5.0) / 4.0).collect();
            let lhs = Mat::rows(&a, m, k);
            // The same k x n matrix, stored row-major or column-major.
            let bt: Vec<f32> = (0..n * k).map(|i| b[(i % k) * n + i / k]).collect();
            let rhs = if transposed { Mat::new(&bt, k, n, 1, k) } else { Mat::rows(&b, k, n) };
            let mut got = vec![1.0f32; m * n];
            gemm(MatMut::rows(&mut got, m, n), accumulate, lhs, rhs, 0.5, threads);
            let want = naive(&lhs, &rhs);
            for (g, w) in got.iter().zip(&want) {
                let w = 0.5 * w + if accumulate { 1.0 } else { 0.0 };
                prop_assert!((g - w).abs() <= 1e-4 * (1.0 + w.abs()), "{g} vs {w}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "out of bounds")]
    fn views_are_bounds_checked() {
        let data = [0.0f32; 10];
        let _ = Mat::new(&data, 3, 4, 4, 1);
    }

    #[test]
    #[should_panic(expected = "overlap")]
    fn writable_rows_must_not_overlap() {
        let mut data = [0.0f32; 10];
        let _ = MatMut::new(&mut data, 2, 4, 3);
    }

    #[test]
    #[should_panic(expected = "do not chain")]
    fn shapes_must_chain() {
        let (a, b, mut c) = ([0.0f32; 6], [0.0f32; 6], [0.0f32; 4]);
        gemm(MatMut::rows(&mut c, 2, 2), false, Mat::rows(&a, 2, 3), Mat::rows(&b, 2, 3), 1.0, 1);
    }
}
