//! One insta snapshot per tool, as the client receives it in tools/list.
//!
//! Review a changed snapshot like an API change. With `CI=true` insta writes nothing, so a new
//! or changed tool fails the run until its snapshot is committed.

use okx_mcp::generated::ENDPOINTS;

#[test]
fn tool_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots/tools");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_sort_maps(true);
    settings.bind(|| {
        for endpoint in ENDPOINTS.iter() {
            let tool = okx_mcp::server::tool(endpoint);
            insta::assert_json_snapshot!(endpoint.name, tool);
        }
    });
}

#[test]
fn no_stale_snapshots() {
    let dir = crate::support::root().join("tests/snapshots/tools");
    let Ok(entries) = std::fs::read_dir(&dir) else { return };
    let stale: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|file| file.ends_with(".snap"))
        .filter(|file| !ENDPOINTS.iter().any(|endpoint| *file == format!("{}.snap", endpoint.name)))
        .collect();
    assert!(stale.is_empty(), "snapshots of tools that no longer exist, delete them: {stale:?}");
}
