//! How listings are written: one `Format` chosen on the command line, one writer for data
//! (stdout or a file). Commands hand over rows; this module lays them out as an aligned
//! table, CSV, a JSON array or NDJSON.

use std::io::{self, Write};

use serde::Serialize;

/// The formats every listing offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Ndjson,
}

/// A value that can be shown as one row of a listing.
pub trait Row: Serialize {
    /// Column names of the table and CSV forms.
    fn headers() -> &'static [&'static str];
    /// The row's cells, in the order of `headers`.
    fn cells(&self) -> Vec<String>;
}

/// Writes rows in the chosen format. JSON and NDJSON serialise each row whole (nested
/// citations included); table and CSV show the flat cells.
pub fn write_rows<T: Row>(out: &mut dyn Write, format: Format, rows: &[T]) -> io::Result<()> {
    match format {
        Format::Table => write_table(out, T::headers(), rows.iter().map(Row::cells)),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(T::headers())?;
            for row in rows {
                w.write_record(row.cells())?;
            }
            w.flush()
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, rows)?;
            writeln!(out)
        }
        Format::Ndjson => {
            for row in rows {
                serde_json::to_writer(&mut *out, row)?;
                writeln!(out)?;
            }
            Ok(())
        }
    }
}

/// Writes one value (a `show` command's answer) in the chosen format: JSON forms serialise
/// it, table and CSV show it as rows of `field,value`.
pub fn write_record<T: Serialize>(
    out: &mut dyn Write,
    format: Format,
    value: &T,
) -> io::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, value)?;
            writeln!(out)
        }
        Format::Ndjson => {
            serde_json::to_writer(&mut *out, value)?;
            writeln!(out)
        }
        Format::Table | Format::Csv => {
            let json = serde_json::to_value(value).map_err(io::Error::other)?;
            let fields: Vec<Vec<String>> = match json {
                serde_json::Value::Object(map) => map
                    .into_iter()
                    .map(|(k, v)| vec![k, flat_value(&v)])
                    .collect(),
                other => vec![vec!["value".into(), flat_value(&other)]],
            };
            if format == Format::Csv {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(["field", "value"])?;
                for f in fields {
                    w.write_record(f)?;
                }
                w.flush()
            } else {
                write_table(out, &["field", "value"], fields.into_iter())
            }
        }
    }
}

/// A JSON value as one cell: strings bare, lists joined with `|`, null empty.
fn flat_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(flat_value).collect::<Vec<_>>().join("|")
        }
        other => other.to_string(),
    }
}

/// The columns of prose (names, titles, quotes, notes): the table cuts a cell of one of them to
/// `TABLE_CELL_MAX` characters unless it is the last of its row, where one long title would
/// otherwise pad every row out to its width. Codes, dates and addresses are never cut (a
/// cut address is no address), nor is anything in the other formats.
const PROSE_COLUMNS: &[&str] = &[
    "name",
    "title",
    "short_title",
    "text",
    "quote",
    "news_quote",
    "record_quote",
    "note",
];
const TABLE_CELL_MAX: usize = 60;

/// `cell` on one line; if `cut`, no longer than `TABLE_CELL_MAX` characters, an ellipsis
/// marking where it was cut. A cell that needs neither is given back as it is: a listing
/// of thousands of rows made a copy of every cell here, and walked every title's
/// characters, for 15% of `list --state`'s instructions.
fn table_cell(cell: String, cut: bool) -> String {
    let one_line = if cell.bytes().any(|b| b == b'\n' || b == b'\t') {
        cell.replace(['\n', '\t'], " ")
    } else {
        cell
    };
    // A text of at most TABLE_CELL_MAX bytes has at most as many characters.
    if !cut || one_line.len() <= TABLE_CELL_MAX {
        return one_line;
    }
    // Where the last character that fits starts, if one more follows it.
    let mut starts = one_line
        .char_indices()
        .skip(TABLE_CELL_MAX - 1)
        .map(|(at, _)| at);
    match (starts.next(), starts.next()) {
        (Some(keep), Some(_)) => format!("{}…", one_line[..keep].trim_end()),
        _ => one_line,
    }
}

fn write_table(
    out: &mut dyn Write,
    headers: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<()> {
    let cut: Vec<bool> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| i + 1 < headers.len() && PROSE_COLUMNS.contains(h))
        .collect();
    let width = |cell: &str| cell.chars().count();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    // Each cell with its width in characters, counted once.
    let rows: Vec<Vec<(String, usize)>> = rows
        .map(|r| {
            r.into_iter()
                .zip(&cut)
                .zip(&mut widths)
                .map(|((c, &cut), w)| {
                    let cell = table_cell(c, cut);
                    let n = width(&cell);
                    *w = (*w).max(n);
                    (cell, n)
                })
                .collect()
        })
        .collect();
    let mut text = String::new();
    let mut line = |out: &mut dyn Write, cells: &mut dyn Iterator<Item = (&str, usize)>| {
        text.clear();
        for (i, ((cell, n), w)) in cells.zip(&widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(cell);
            text.extend(std::iter::repeat_n(' ', w.saturating_sub(n)));
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(out, &mut headers.iter().map(|h| (*h, width(h))))?;
    for row in &rows {
        line(out, &mut row.iter().map(|(c, n)| (c.as_str(), *n)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct T {
        a: String,
        b: u32,
    }
    impl Row for T {
        fn headers() -> &'static [&'static str] {
            &["a", "b"]
        }
        fn cells(&self) -> Vec<String> {
            vec![self.a.clone(), self.b.to_string()]
        }
    }

    fn render(format: Format) -> String {
        let rows = vec![
            T {
                a: "x,y".into(),
                b: 1,
            },
            T {
                a: "long one".into(),
                b: 22,
            },
        ];
        let mut out = Vec::new();
        write_rows(&mut out, format, &rows).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn every_format() {
        assert_eq!(
            render(Format::Table),
            "a         b\nx,y       1\nlong one  22\n"
        );
        assert_eq!(render(Format::Csv), "a,b\n\"x,y\",1\nlong one,22\n");
        assert_eq!(
            render(Format::Ndjson),
            "{\"a\":\"x,y\",\"b\":1}\n{\"a\":\"long one\",\"b\":22}\n"
        );
        let json: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(json[1]["b"], 22);
    }

    #[test]
    fn a_long_prose_cell_is_cut_in_the_table_unless_it_ends_the_row() {
        #[derive(Serialize)]
        struct Titled {
            title: String,
            url: String,
            note: String,
        }
        impl Row for Titled {
            fn headers() -> &'static [&'static str] {
                &["title", "url", "note"]
            }
            fn cells(&self) -> Vec<String> {
                vec![self.title.clone(), self.url.clone(), self.note.clone()]
            }
        }
        let long = "é".repeat(TABLE_CELL_MAX + 5);
        let url = format!("https://example.org/{}", "a".repeat(TABLE_CELL_MAX));
        let rows = vec![Titled {
            title: long.clone(),
            url: url.clone(),
            note: long.clone(),
        }];
        let mut table = Vec::new();
        write_rows(&mut table, Format::Table, &rows).unwrap();
        let table = String::from_utf8(table).unwrap();
        let cut = format!("{}…", "é".repeat(TABLE_CELL_MAX - 1));
        // The title is cut; the address (not prose) and the last column are whole.
        assert_eq!(
            table.lines().nth(1),
            Some(format!("{cut}  {url}  {long}").as_str())
        );
        assert_eq!(table_cell(cut.clone(), true), cut);
        let exact = "é".repeat(TABLE_CELL_MAX);
        assert_eq!(table_cell(exact.clone(), true), exact);
        // Counted in characters, not bytes: one more ASCII character than fits is cut.
        let ascii = "a".repeat(TABLE_CELL_MAX);
        assert_eq!(table_cell(ascii.clone(), true), ascii);
        assert_eq!(
            table_cell(format!("{ascii}b"), true),
            format!("{}…", "a".repeat(TABLE_CELL_MAX - 1))
        );
        assert_eq!(table_cell(format!("{ascii}b"), false), format!("{ascii}b"));
        // Line ends and tabs become spaces, cut or not.
        assert_eq!(table_cell("a\nb\tc".into(), false), "a b c");
        assert_eq!(table_cell("a\nb\tc".into(), true), "a b c");
        let mut csv = Vec::new();
        write_rows(&mut csv, Format::Csv, &rows).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap().matches(&long).count(), 2);
    }
}
