//! `ppdesk-agent doctor` (A7) against a real `ppdesk-server serve` and a real SMTP relay
//! (OpenSMTPD, from `MailServers`): a healthy setup exits 0; a wrong token, `https://` to a
//! plain-HTTP server, a server or relay that is down and a broken config file exit 1 and say
//! what and where. The relay tests need root and the packages tests/run.sh installs.

use std::path::{Path, PathBuf};
use std::process::Command;

use ppdesk_tests::mail_servers::MailServers;
use ppdesk_tests::{RunOutput, TestDesk, agent_bin, dead_local_addr, run_command};

/// A config file in a temp folder, and the doctor run on it with `--config`.
struct AgentSetup {
    dir: tempfile::TempDir,
}

impl AgentSetup {
    fn new(config: &str) -> AgentSetup {
        let setup = AgentSetup {
            dir: tempfile::tempdir().expect("agent dir"),
        };
        std::fs::write(setup.config_path(), config).expect("write agent config");
        setup
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("agent.toml")
    }

    fn doctor(&self) -> RunOutput {
        doctor_with(&self.config_path(), &self.dir.path().join("data"))
    }
}

fn doctor_with(config: &Path, data_dir: &Path) -> RunOutput {
    let mut command = Command::new(agent_bin());
    command
        .arg("--config")
        .arg(config)
        .arg("doctor")
        .env("PPDESK_AGENT_DATA_DIR", data_dir)
        .env_remove("PPDESK_SERVER_URL")
        .env_remove("PPDESK_ORG_TOKEN")
        .env_remove("PPDESK_MODE");
    let output = run_command(command, None);
    output.assert_no_panic();
    output
}

fn api_config(addr: &str, token: &str) -> String {
    format!(
        "language = \"en\"\nmode = \"api\"\nserver_url = \"http://{addr}\"\norg_token = \"{token}\"\n\
         [contact]\nemail = \"mario.rossi@acme.test\"\n"
    )
}

#[test]
fn doctor_passes_against_a_healthy_server_with_a_valid_token() {
    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    let serving = desk.serve("serve");
    let agent = AgentSetup::new(&api_config(serving.addr(), &token));

    let output = agent.doctor();
    assert_eq!(output.code(), Some(0), "{}", output.transcript());
    assert!(
        output
            .stdout
            .contains("the server accepts the organisation token"),
        "{}",
        output.transcript()
    );
    assert!(
        output.stdout.contains("Result: everything is fine."),
        "{}",
        output.transcript()
    );
    assert!(
        !output.stdout.contains(&token),
        "the token must be masked\n{}",
        output.transcript()
    );
}

#[test]
fn doctor_reports_a_refused_token_and_exits_1() {
    let desk = TestDesk::new();
    desk.org_with_token("ACME", "acme.test");
    let serving = desk.serve("serve");
    let wrong = format!("ppd_{}", "0".repeat(64));
    let agent = AgentSetup::new(&api_config(serving.addr(), &wrong));

    let output = agent.doctor();
    assert_eq!(output.code(), Some(1), "{}", output.transcript());
    assert!(
        output
            .stdout
            .contains("the server refused the organisation token (HTTP 401)"),
        "{}",
        output.transcript()
    );
}

#[test]
fn doctor_says_plainly_when_nothing_answers_at_the_url() {
    let addr = dead_local_addr();
    let agent = AgentSetup::new(&api_config(&addr, "ppd_whatever"));

    let output = agent.doctor();
    assert_eq!(output.code(), Some(1), "{}", output.transcript());
    let expected = format!("nothing answers at http://{addr}/healthz (connection refused)");
    assert!(output.stdout.contains(&expected), "{}", output.transcript());
}

#[test]
fn doctor_says_plainly_when_https_meets_a_plain_http_server() {
    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    let serving = desk.serve("serve");
    let config = api_config(serving.addr(), &token).replace("http://", "https://");
    let agent = AgentSetup::new(&config);

    let output = agent.doctor();
    assert_eq!(output.code(), Some(1), "{}", output.transcript());
    let expected = format!(
        "the secure connection (TLS) to https://{}/healthz fails: ",
        serving.addr()
    );
    assert!(output.stdout.contains(&expected), "{}", output.transcript());
    assert!(
        output.stdout.contains("not checked: the step above failed"),
        "{}",
        output.transcript()
    );
}

fn smtp_config(port: u16) -> String {
    format!(
        "language = \"en\"\nmode = \"smtp\"\nhelpdesk_email = \"helpdesk@ppdesk.test\"\n\
         [contact]\nemail = \"mario.rossi@acme.test\"\n\
         [smtp]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"none\"\n"
    )
}

#[test]
fn doctor_checks_the_smtp_relay_and_says_when_it_is_down() {
    let servers = MailServers::start();
    let port = servers.smtp_port();
    let agent = AgentSetup::new(&smtp_config(port));
    let step = format!("SMTP 127.0.0.1:{port} (none): ");

    let output = agent.doctor();
    assert_eq!(
        output.code(),
        Some(0),
        "{}\n{}",
        output.transcript(),
        servers.logs()
    );
    let passed = format!("[ok]  {step}the SMTP server answers and accepts the login");
    assert!(output.stdout.contains(&passed), "{}", output.transcript());
    assert!(
        output.stdout.contains("Result: everything is fine."),
        "{}",
        output.transcript()
    );

    servers.stop_smtp();
    let output = agent.doctor();
    assert_eq!(output.code(), Some(1), "{}", output.transcript());
    let refused = format!("[ERR] {step}nothing answers at 127.0.0.1:{port} (connection refused)");
    assert!(output.stdout.contains(&refused), "{}", output.transcript());
    assert!(
        output.stdout.contains("Result: problems found: 1."),
        "{}",
        output.transcript()
    );
}

#[test]
fn doctor_names_file_and_line_of_a_broken_config() {
    let agent = AgentSetup::new("language = \"en\"\nserver_url = \"http://127.0.0.1:1\n");
    let output = agent.doctor();
    assert_eq!(output.code(), Some(1), "{}", output.transcript());
    let place = format!("{}:2:", agent.config_path().display());
    assert!(output.stdout.contains(&place), "{}", output.transcript());

    let agent = AgentSetup::new("mode = \"smtp\"\n\n[smtp]\nhots = \"mail.acme.test\"\n");
    let output = agent.doctor();
    assert_eq!(output.code(), Some(1), "{}", output.transcript());
    let place = format!("{}:4: smtp.hots: ", agent.config_path().display());
    assert!(output.stdout.contains(&place), "{}", output.transcript());
}
