//! Writes the sample archive that `clausal demo` ingests (`samples/archive/`): contracts and
//! emails written for clausal, as PDF, DOCX, EML (with a DOCX attachment) and Markdown. Some
//! force majeure clauses cover epidemics and pandemics, some do not; the email carries an
//! amendment to the reseller agreement that replaces its force majeure section.
//!
//! ```text
//! cargo run --example sample_archive -- samples/archive
//! ```

use std::path::{Path, PathBuf};

#[path = "../tests/fixtures.rs"]
mod fixtures;

use fixtures::{base64, docx_bytes as docx};

const MSA: &[&str] = &[
    "MASTER SERVICES AGREEMENT",
    "This Master Services Agreement is made on 1 March 2024 between Northwind Traders Inc., a Delaware corporation (\"Customer\"), and Contoso Cloud Ltd. (\"Supplier\").",
    "1. Services. Supplier shall provide the hosted analytics services described in each Statement of Work, in accordance with the service levels in Schedule 1.",
    "2. Term and Renewal. This Agreement starts on the Effective Date and continues for an initial term of three (3) years. It then renews automatically for successive one (1) year terms unless either party gives written notice of non-renewal at least ninety (90) days before the end of the then-current term.",
    "3. Fees. Customer shall pay the fees in each Statement of Work within thirty (30) days of receipt of a correct invoice. Late amounts bear interest at 1.5% per month.",
    "4. Confidentiality. Each party shall hold the other party's Confidential Information in strict confidence and use it only to perform this Agreement.",
    "5. Data Protection. Supplier shall process Customer Personal Data only on Customer's documented instructions and shall implement appropriate technical and organisational measures to protect it.",
    "6. Limitation of Liability. Except for breaches of Section 4, neither party's aggregate liability under this Agreement shall exceed the fees paid by Customer in the twelve (12) months preceding the claim.",
    "7. Indemnification. Supplier shall defend, indemnify and hold harmless Customer from any third-party claim alleging that the Services infringe any patent, copyright or trade secret.",
    "8. Force Majeure. Neither party shall be liable for any failure or delay in performance caused by events beyond its reasonable control, including fire, flood, earthquake, war, terrorism, epidemic, pandemic, quarantine restrictions or other public health emergencies declared by a governmental authority.",
    "9. Governing Law. This Agreement is governed by the laws of the State of New York, without regard to its conflict of laws principles.",
    "10. Notices. Notices under this Agreement must be in writing and delivered by courier or email to the addresses set out above.",
];

const SUPPLY: &[&str] = &[
    "SUPPLY AGREEMENT",
    "This Supply Agreement is dated 15 June 2023 between Fabrikam Manufacturing plc (the \"Buyer\") and Litware Components GmbH (the \"Seller\").",
    "1. Supply. The Seller shall manufacture and deliver the Products listed in Schedule A in the quantities stated in each Purchase Order.",
    "2. Exclusivity. During the Term, the Buyer shall purchase the Products exclusively from the Seller and shall not source equivalent products from any third party.",
    "3. Delivery and Liquidated Damages. If the Seller fails to deliver by the agreed date, it shall pay liquidated damages of 0.5% of the price of the late Products for each week of delay, up to 10% of that price.",
    "4. Force Majeure. A party is excused from performance to the extent it is prevented by acts of God, strikes, lockouts, riots, acts of war, fire or explosion, provided that it promptly notifies the other party in writing.",
    "5. Termination for Convenience. The Buyer may terminate this Agreement at any time for convenience on sixty (60) days' written notice to the Seller.",
    "6. Assignment. Neither party may assign this Agreement without the prior written consent of the other party, including on a change of control.",
    "7. Governing Law and Jurisdiction. This Agreement is governed by the laws of England and Wales, and the courts of London have exclusive jurisdiction.",
];

const NDA: &str = "# Mutual Non-Disclosure Agreement\n\n\
This Mutual Non-Disclosure Agreement is entered into on 2 January 2025 between Tailspin Toys LLC and Adventure Works Inc.\n\n\
1. Confidential Information. \"Confidential Information\" means any non-public information disclosed by one party to the other, in any form.\n\n\
2. Obligations. The Receiving Party shall not disclose Confidential Information to any third party and shall use it solely to evaluate a possible business relationship.\n\n\
3. Term. The obligations in this Agreement survive for five (5) years after the last disclosure.\n\n\
4. Non-Solicitation. For twelve (12) months neither party shall solicit for employment any employee of the other party it met through this evaluation.\n\n\
5. Governing Law. This Agreement is governed by the laws of the State of California.\n";

const RESELLER: &[&str] = &[
    "RESELLER AGREEMENT",
    "This Reseller Agreement is made on 1 June 2023 between Tailspin Toys LLC, a Washington limited liability company (\"Supplier\"), and Northwind Traders Inc., a Delaware corporation (\"Reseller\").",
    "1. Appointment. Supplier appoints Reseller as a non-exclusive reseller of the Products in the Territory.",
    "2. Term and Renewal. This Agreement starts on the date above and continues for one (1) year. It renews automatically for successive one (1) year terms unless either party gives written notice of non-renewal at least sixty (60) days before the end of the then-current term.",
    "3. Orders. Reseller shall order Products by purchase orders that refer to this Agreement.",
    "4. Prices. Reseller shall pay the prices in Supplier's reseller price list in force on the date of each order.",
    "5. Payment. Reseller shall pay each invoice within forty-five (45) days of its date.",
    "6. Delivery. Supplier shall deliver the Products DAP to Reseller's warehouse.",
    "7. Marketing. Reseller shall market the Products diligently and use Supplier's trademarks only as Supplier directs.",
    "8. Warranty. Supplier warrants that the Products conform to their specifications for twelve (12) months after delivery.",
    "9. Limitation of Liability. Neither party's aggregate liability under this Agreement shall exceed the amounts paid by Reseller in the twelve (12) months preceding the claim.",
    "10. Confidentiality. Each party shall keep the other party's Confidential Information confidential and use it only for this Agreement.",
    "11. Termination. Either party may terminate this Agreement on thirty (30) days' written notice if the other party materially breaches it and does not cure the breach within that period.",
    "12. Assignment. Reseller may not assign this Agreement without Supplier's prior written consent.",
    "13. Governing Law. This Agreement is governed by the laws of the State of Washington.",
    "14. Force Majeure. Neither party is liable for any delay or failure to perform caused by fire, flood, storm, earthquake, war, riot or other events beyond its reasonable control.",
];

const AMENDMENT: &[&str] = &[
    "AMENDMENT No. 1 TO THE RESELLER AGREEMENT",
    "This Amendment No. 1 is made on 3 March 2026 between Tailspin Toys LLC (\"Supplier\") and Northwind Traders Inc. (\"Reseller\") and amends the Reseller Agreement between them dated 1 June 2023 (the \"Agreement\").",
    "1. Most Favoured Customer. Reseller shall receive prices no less favourable than those granted to any other reseller of comparable volume.",
    "2. Force Majeure. Section 14 (Force Majeure) is replaced as follows: Neither party is liable for delays caused by an outbreak of contagious disease, government-ordered lockdowns, natural disasters or other events beyond its reasonable control.",
    "3. Non-Compete. During the term and for one (1) year after it, Reseller shall not sell products that compete with the Products in the Territory.",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("samples/archive"));
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("northwind-contoso-msa.pdf"), pdf(MSA))?;
    std::fs::write(out.join("fabrikam-litware-supply.docx"), docx(SUPPLY))?;
    std::fs::write(out.join("tailspin-adventureworks-nda.md"), NDA)?;
    std::fs::write(out.join("tailspin-northwind-reseller.pdf"), pdf(RESELLER))?;
    std::fs::write(out.join("reseller-amendment-email.eml"), email(&docx(AMENDMENT)))?;
    // The note goes beside the archive, not in it: everything in the folder gets ingested.
    write_readme(out.parent().unwrap_or(Path::new(".")))?;
    Ok(())
}

fn write_readme(dir: &Path) -> std::io::Result<()> {
    std::fs::write(
        dir.join("README.md"),
        "# Sample archive\n\nContracts and an email written for clausal's demo and tests (no real \
         parties), generated by `cargo run --example sample_archive -- samples/archive`.\n",
    )
}

/// Wraps `text` at `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A PDF with Helvetica text, wrapped paragraphs and page numbers.
fn pdf(paragraphs: &[&str]) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let esc = |s: &str| s.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
    let mut pages: Vec<String> = vec![String::new()];
    let mut y = 740;
    for p in paragraphs {
        let lines = wrap(p, 95);
        if y - 14 * lines.len() as i32 <= 80 {
            pages.push(String::new());
            y = 740;
        }
        for l in lines {
            let page = pages.last_mut().expect("a page");
            page.push_str(&format!("BT /F1 10 Tf 60 {y} Td ({}) Tj ET\n", esc(&l)));
            y -= 14;
        }
        y -= 10;
    }
    let mut kids = Vec::new();
    for (n, body) in pages.iter().enumerate() {
        let content = format!("{body}BT /F1 9 Tf 300 40 Td ({}) Tj ET", n + 1);
        let content = doc.add_object(Stream::new(lopdf::Dictionary::new(), content.into_bytes()));
        kids.push(Object::Reference(doc.add_object(
            dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content },
        )));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => count, "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("writing to memory");
    out
}

fn email(attachment: &[u8]) -> String {
    format!(
        "From: Jane Roe <jane.roe@tailspintoys.example>\r\n\
         To: Legal Team <legal@northwind.example>\r\n\
         Subject: Reseller agreement - amendment No. 1 for signature\r\n\
         Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n\
         Message-ID: <amendment-1@tailspintoys.example>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Hello,\r\n\r\nPlease find attached Amendment No. 1, which replaces the force majeure \
         clause and adds a most favoured customer price commitment. We would like to sign it \
         before the renewal date of 1 June 2026.\r\n\r\nBest regards,\r\nJane\r\n\
         --b1\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document; \
         name=\"amendment-1.docx\"\r\n\
         Content-Disposition: attachment; filename=\"amendment-1.docx\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        base64(attachment)
    )
}
