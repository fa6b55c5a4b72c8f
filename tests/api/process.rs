//! `broadsheet serve` as a real child process, for tests of signals, crashes and replicas.

use std::{
    process::{Child, Command, Stdio},
    time::Duration,
};

/// A `broadsheet serve` process, stopped with SIGTERM.
pub struct Replica(Child);

impl Replica {
    pub fn start(database: &str, public_url: &str, port: u16, env: &[(&str, &str)]) -> Replica {
        let child = Command::new(env!("CARGO_BIN_EXE_broadsheet"))
            .arg("serve")
            .env("DATABASE_URL", database)
            .env("BROADSHEET_PUBLIC_URL", public_url)
            .env("BROADSHEET_BIND", format!("127.0.0.1:{port}"))
            .env("BROADSHEET_LOG", "warn")
            .envs(env.iter().copied())
            .stderr(if std::env::var_os("TEST_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .unwrap();
        let replica = Replica(child);
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return replica;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("replica on {port} did not start");
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .unwrap();
        self.0.wait().unwrap()
    }
}

impl Replica {
    /// SIGKILL: the process dies at once, mid-whatever.
    pub fn kill(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
