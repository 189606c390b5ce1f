//! `cargo xtask spec-sync --docs FILE|URL [--spec DIR]`: compare `spec/` with OKX's v5 docs.
//!
//! Reads OKX's single-page API documentation from a saved HTML file or a URL. It prints the
//! documented `GET` endpoints that the spec lacks, the spec endpoints that the docs no longer
//! list, and the parameter differences of the endpoints both have. Draft YAML entries for the
//! missing endpoints follow. It never writes to the spec directory.
//!
//! Exit status: 0 when the spec matches the docs, 1 when differences were printed, 2 on errors.

mod compare;
mod draft;
mod okx_html;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use compare::Differences;

/// The maximum size of a docs page read from a URL. OKX's English page is estimated at a few
/// megabytes, so this leaves ample room.
const MAX_PAGE_BYTES: u64 = 64 * 1024 * 1024;

const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(120);

/// Runs the command and returns its exit status.
pub fn run(arguments: &[String]) -> ExitCode {
    match sync(arguments) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("spec-sync: {message}");
            ExitCode::from(2)
        }
    }
}

/// Prints the comparison and returns whether the spec matches the docs.
fn sync(arguments: &[String]) -> Result<bool, String> {
    let docs = docs_argument(arguments)?;
    let spec_dir = crate::option(arguments, "--spec", crate::root().join("spec"))?;

    let html = read_docs(&docs)?;
    let documented = okx_html::parse_page(&html);
    if documented.is_empty() {
        return Err(format!(
            "no endpoint sections found in {docs}; expected OKX's v5 API page, with \"HTTP Request\" headings followed by `GET /api/v5/...` code"
        ));
    }
    let toolsets = load_spec(&spec_dir)?;

    let differences = compare::compare(&documented, &toolsets);
    let documented_gets: BTreeSet<&str> =
        documented.iter().filter(|endpoint| endpoint.method == "GET").map(|endpoint| endpoint.path.as_str()).collect();
    let excluded = documented_gets.iter().filter(|path| compare::exclusion_reason(path).is_some()).count();
    let specified: usize = toolsets.iter().map(|toolset| toolset.endpoints.len()).sum();
    println!(
        "Compared {} documented GET paths ({excluded} excluded on purpose) with {specified} endpoints in {}.",
        documented_gets.len(),
        spec_dir.display()
    );
    if differences.is_empty() {
        println!("The spec matches the docs.");
        return Ok(true);
    }
    print!("{}", render_report(&differences, &toolsets));
    Ok(false)
}

fn docs_argument(arguments: &[String]) -> Result<String, String> {
    let Some(index) = arguments.iter().position(|argument| argument == "--docs") else {
        return Err("missing --docs FILE|URL: pass a saved copy or the URL of OKX's /docs-v5/en/ page".to_owned());
    };
    arguments.get(index + 1).cloned().ok_or_else(|| "--docs needs a value: a file path or an http(s) URL".to_owned())
}

fn read_docs(docs: &str) -> Result<String, String> {
    if docs.starts_with("http://") || docs.starts_with("https://") {
        return download(docs);
    }
    std::fs::read_to_string(docs).map_err(|error| format!("cannot read {docs}: {error}"))
}

fn download(url: &str) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(DOWNLOAD_TIMEOUT)).build().into();
    let mut response = agent.get(url).call().map_err(|error| format!("download of {url} failed: {error}"))?;
    response.body_mut().with_config().limit(MAX_PAGE_BYTES).read_to_string().map_err(|error| format!("reading {url} failed: {error}"))
}

fn load_spec(dir: &Path) -> Result<Vec<crate::codegen::model::Toolset>, String> {
    let sources = crate::read_sources(dir)?;
    if sources.is_empty() {
        return Err(format!("no .yaml spec files in {}", dir.display()));
    }
    crate::codegen::load(&sources).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        format!("the spec in {} is invalid:\n{}", dir.display(), lines.join("\n"))
    })
}

/// Renders the differences as an aligned plain-text table followed by draft YAML entries.
fn render_report(differences: &Differences<'_>, toolsets: &[crate::codegen::model::Toolset]) -> String {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for endpoint in &differences.missing {
        rows.push(["missing in spec".to_owned(), endpoint.path.clone(), "-".to_owned(), format!("docs #{}", endpoint.anchor)]);
    }
    for endpoint in &differences.removed {
        let detail = format!("{} in spec/{}", endpoint.name, endpoint.file);
        rows.push(["not in docs".to_owned(), endpoint.path.clone(), "-".to_owned(), detail]);
    }
    for change in &differences.param_changes {
        rows.push([change.kind.label().to_owned(), change.path.clone(), change.param.clone(), change.kind.detail()]);
    }

    let mut out = String::from("\n");
    out.push_str(&render_table(["CHANGE", "PATH", "PARAM", "DETAIL"], &rows));
    if !differences.missing.is_empty() {
        out.push_str(&format!(
            "\nDraft entries for the {} endpoint(s) missing from the spec. Write the title and descriptions, and check every value marked as a guess:\n\n",
            differences.missing.len()
        ));
        for endpoint in &differences.missing {
            out.push_str(&draft::draft_entry(endpoint, toolsets));
            out.push('\n');
        }
    }
    out
}

fn render_table(header: [&str; 4], rows: &[[String; 4]]) -> String {
    let mut widths = header.map(str::len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut write_row = |cells: [&str; 4]| {
        let mut line = String::new();
        for (index, cell) in cells.iter().enumerate() {
            if index + 1 == cells.len() {
                line.push_str(cell);
            } else {
                line.push_str(&format!("{cell:<width$}  ", width = widths[index]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    write_row(header);
    for row in rows {
        write_row([&row[0], &row[1], &row[2], &row[3]]);
    }
    out
}
