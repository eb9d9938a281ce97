//! List numbers as word processors print them: letters and roman numerals (DOCX, `.doc` and
//! ODT render their list labels with these).

/// Word's letter numbering: a..z, then aa..zz, aaa.. (the letter repeated); decimal for n <= 0.
pub(crate) fn letters(n: i64, upper: bool) -> String {
    if n <= 0 {
        return n.to_string();
    }
    let n = n - 1;
    let letter = char::from(b'a' + (n % 26) as u8);
    let count = (n / 26 + 1).min(64) as usize;
    let s: String = std::iter::repeat_n(letter, count).collect();
    if upper { s.to_uppercase() } else { s }
}

/// Roman numerals for 1..=3999, upper-case (decimal outside that range).
pub(crate) fn roman(n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const TABLE: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}
