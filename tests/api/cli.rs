//! The command line, run as an operator would: the built binary against the test's database.

use crate::helpers::{spawn_app, story_file};

const GOOD: &str = "---\ntitle: Ferry timetable changes\nsummary: New times from Monday.\nauthors: [Ana Ruiz]\ntags: [Transport]\n---\nThe first ferry now leaves at *6:40*.\n";

#[tokio::test]
async fn publish_prints_only_the_url_and_the_story_appears_everywhere() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let path = story_file(&dir, "ferry.md", GOOD);

    let out = app.cli(&["publish", &path]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let url = app.url("/stories/ferry-timetable-changes");
    assert_eq!(stdout, format!("{url}\n"));

    let front = app.get_html("/").await.text().await.unwrap();
    assert!(front.contains("Ferry timetable changes"));
    let feed = app
        .client
        .get(app.url("/feed.atom"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(feed.contains(&url));
    let page = app
        .get_html("/stories/ferry-timetable-changes")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("<em>6:40</em>"));
    let article = app.get_ap_json(&url).await;
    assert_eq!(article["type"], "Article");
    assert_eq!(article["summary"], "New times from Monday.");
}

#[tokio::test]
async fn invalid_files_fail_clearly_and_store_nothing() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("no-title.md", "---\nauthors: [Ana]\n---\nBody.\n", "title"),
        ("no-front-matter.md", "Just a body.\n", "front matter"),
        (
            "broken-yaml.md",
            "---\ntitle: [unclosed\n---\nBody.\n",
            "front_matter",
        ),
        ("typo.md", "---\ntitel: Oops\n---\nBody.\n", "titel"),
        ("empty-body.md", "---\ntitle: Nothing\n---\n\n", "body"),
        (
            "bad-tag.md",
            "---\ntitle: T\ntags: [two words]\n---\nBody.\n",
            "tags",
        ),
    ];
    for (name, text, expected) in cases {
        let path = story_file(&dir, name, text);
        let out = app.cli(&["publish", &path]);
        assert!(!out.status.success(), "{name} was accepted");
        assert!(out.stdout.is_empty(), "{name} printed to stdout");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{name}: {stderr}");
    }
    let out = app.cli(&["publish", "/nonexistent/story.md"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /nonexistent/story.md"));
    assert_eq!(app.story_count().await, 1, "only the sample story");
}

#[tokio::test]
async fn stories_list_and_delete() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    app.cli(&["publish", &story_file(&dir, "ferry.md", GOOD)]);

    let out = app.cli(&["stories", "list"]);
    assert!(out.status.success());
    let listing = String::from_utf8(out.stdout).unwrap();
    let first = listing.lines().next().unwrap();
    assert!(first.starts_with("ferry-timetable-changes\t"), "{listing}");
    assert!(first.ends_with("\tFerry timetable changes"));
    assert_eq!(listing.lines().count(), 2);

    let out = app.cli(&["stories", "delete", "ferry-timetable-changes"]);
    assert!(out.status.success());
    assert_eq!(
        app.get_ap("/stories/ferry-timetable-changes")
            .await
            .status(),
        410
    );
    let out = app.cli(&["stories", "delete", "ferry-timetable-changes"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no published story"));
}

#[tokio::test]
async fn token_create_prints_a_working_token() {
    let app = spawn_app().await;
    let token = app.token();
    assert!(token.starts_with("bs_"));
    assert!(!token.contains(char::is_whitespace));
    let response = app
        .api(reqwest::Method::GET, "/stories", &token)
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[test]
fn serve_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("b.db").display());
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_broadsheet"))
        .arg("serve")
        .env("DATABASE_URL", &database)
        .env("BROADSHEET_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(up, "server did not start");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "exit: {:?}", output.status);
    assert!(String::from_utf8_lossy(&output.stderr).contains("stopped"));
}
