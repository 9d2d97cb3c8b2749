//! Shared helpers for the CLI tests: a temp ledger, the binary, a dump of a ledger's rows.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// A temporary work dir with a ledger path inside.
pub struct Work {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Work {
    pub fn new() -> Work {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("ledger.db");
        Work { dir, db }
    }

    /// The binary, pointed at this work's ledger.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("treaty-ledger").expect("binary");
        cmd.arg("--db").arg(&self.db).env_remove("TREATY_LEDGER_DB");
        cmd
    }

    /// Writes a file into the work dir and returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, contents).expect("write");
        path
    }

    /// stdout of a successful run.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self
            .cmd()
            .args(args)
            .assert()
            .success()
            .get_output()
            .clone();
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).expect("json output")
    }

    pub fn dump(&self) -> String {
        dump(&self.db)
    }
}

/// A path as a command-line argument (the tests' paths are UTF-8).
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Every row of every table, in a fixed order: two ledgers with equal dumps hold the same data.
pub fn dump(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).expect("open ledger");
    let mut out = String::new();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    out.push_str(&format!("user_version {version}\n"));
    let tables: Vec<String> = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'view') ORDER BY name")
        .expect("tables")
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))
        .expect("query")
        .map(|r| {
            let (name, sql) = r.expect("row");
            out.push_str(&format!("schema {name}: {}\n", sql.unwrap_or_default()));
            name
        })
        .collect();
    for table in tables {
        let kind: String = conn
            .query_row(
                "SELECT type FROM sqlite_master WHERE name = ?1",
                [&table],
                |r| r.get(0),
            )
            .expect("type");
        if kind != "table" || table.starts_with("sqlite_") {
            continue;
        }
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"))
            .expect("select");
        let n = stmt.column_count();
        let mut rows = stmt.query([]).expect("rows");
        while let Some(row) = rows.next().expect("row") {
            let cells: Vec<String> = (0..n)
                .map(|i| format!("{:?}", row.get_ref(i).expect("cell")))
                .collect();
            out.push_str(&format!("{table}: {}\n", cells.join(" | ")));
        }
    }
    out
}

/// The repository's own directory.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
