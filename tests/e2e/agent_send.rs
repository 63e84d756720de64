//! The agent's transports and outbox against the real server and mail servers (A4, A5):
//! `ppdesk-agent send` in each mode, a server that is down, and an agent killed after the
//! server accepted its ticket. Nothing drafted is lost, nothing is sent twice.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use mail_parser::MimeHeaders;
use ppdesk_tests::mail_servers::MailServers;
use ppdesk_tests::{RunOutput, TestDesk, agent_bin, dead_local_addr, run_command, wait_for};

const MARIO: &str = "mario.rossi@acme.test";
const HELPDESK: &str = "helpdesk@ppdesk.test";

/// One agent installation: its config file and data directory.
struct Agent {
    dir: tempfile::TempDir,
}

impl Agent {
    fn new(config: &str) -> Agent {
        let agent = Agent {
            dir: tempfile::tempdir().expect("agent dir"),
        };
        agent.configure(config);
        agent
    }

    fn configure(&self, config: &str) {
        std::fs::write(self.config_path(), config).expect("write agent config");
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("agent.toml")
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(agent_bin());
        command
            .arg("--config")
            .arg(self.config_path())
            .args(args)
            .env("PPDESK_AGENT_DATA_DIR", self.data_dir())
            .env_remove("PPDESK_SERVER_URL")
            .env_remove("PPDESK_ORG_TOKEN")
            .env_remove("PPDESK_MODE");
        command
    }

    fn run(&self, args: &[&str]) -> RunOutput {
        run_command(self.command(args), None)
    }

    fn drafts(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.data_dir().join("outbox"))
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.join("draft.json").is_file())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn api_config(server: &str, token: &str) -> String {
    format!(
        "mode = \"api\"\nserver_url = \"http://{server}\"\norg_token = \"{token}\"\n\
         [contact]\nname = \"Mario Rossi\"\nemail = \"{MARIO}\"\n"
    )
}

/// A real PNG of `width`×`height`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().expect("png header");
    let pixels: Vec<u8> = (0..width * height * 3).map(|i| (i % 251) as u8).collect();
    writer.write_image_data(&pixels).expect("png data");
    drop(writer);
    bytes
}

fn write_png(dir: &Path, width: u32, height: u32) -> PathBuf {
    let path = dir.join("shot.png");
    std::fs::write(&path, png(width, height)).expect("write png");
    path
}

fn attachment_names(ticket: &serde_json::Value) -> Vec<String> {
    let mut names = Vec::new();
    for message in ticket["messages"].as_array().into_iter().flatten() {
        for attachment in message["attachments"].as_array().into_iter().flatten() {
            let name = attachment["filename"].as_str().unwrap_or_default();
            names.push(name.to_owned());
        }
    }
    names
}

#[test]
fn send_in_api_mode_opens_a_ticket_with_screenshot_and_attachment() {
    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    let serving = desk.serve("serve");
    let agent = Agent::new(&api_config(serving.addr(), &token));
    let shot = write_png(agent.dir.path(), 64, 48);
    let log = agent.dir.path().join("errore.log");
    std::fs::write(&log, "ERRORE 1603 alle 09:12\n").expect("write log");

    let before = desk.spool_names();
    let sent = agent.run(&[
        "send",
        "--subject",
        "Gestionale: errore 1603 in fattura",
        "--description",
        "Cosa stavo facendo: emissione fattura 123",
        "--priority",
        "alta",
        "--screenshot",
        &shot.to_string_lossy(),
        "--attach",
        &log.to_string_lossy(),
    ]);
    sent.assert_success();
    assert!(
        sent.stdout.contains("Ticket #[10000]"),
        "{}",
        sent.transcript()
    );
    assert!(
        agent.drafts().is_empty(),
        "delivered drafts leave the outbox"
    );

    let ticket = desk.show(10000);
    assert_eq!(ticket["subject"], "Gestionale: errore 1603 in fattura");
    let names = attachment_names(&ticket);
    assert!(names.iter().any(|n| n == "screenshot.png"), "{ticket:#}");
    assert!(names.iter().any(|n| n == "errore.log"), "{ticket:#}");
    let acks = wait_for(Duration::from_secs(10), || {
        let mails = desk.spool_since(&before);
        (!mails.is_empty()).then_some(mails)
    })
    .expect("an acknowledgement in the spool");
    assert!(acks[0].summary().contains(MARIO), "{}", acks[0].summary());
    assert!(
        acks[0].summary().contains("Ticket #[10000]"),
        "{}",
        acks[0].summary()
    );
    drop(serving);
}

#[test]
fn a_draft_waits_while_the_server_is_down_and_is_sent_once_later() {
    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    let agent = Agent::new(&api_config(&dead_local_addr(), &token));

    let queued = agent.run(&["send", "--subject", "Rete assente in magazzino"]);
    assert_eq!(queued.code(), Some(75), "{}", queued.transcript());
    assert_eq!(agent.drafts().len(), 1, "the draft is kept");
    let listed = agent.run(&["outbox"]);
    assert_eq!(listed.code(), Some(75));
    assert!(
        listed.stdout.contains("Rete assente in magazzino"),
        "{}",
        listed.transcript()
    );
    assert!(
        listed.stdout.to_lowercase().contains("connect"),
        "the last error says why: {}",
        listed.transcript()
    );

    // A second one the user changes their mind about: dropped, never sent.
    let second = agent.run(&["send", "--subject", "Stampante: toner quasi finito"]);
    assert_eq!(second.code(), Some(75), "{}", second.transcript());
    let listing = agent.run(&["outbox"]).stdout;
    let id = listing
        .lines()
        .find(|line| line.contains("toner quasi finito"))
        .and_then(|line| line.split_whitespace().next())
        .expect("the listing names the draft's id")
        .to_owned();
    let dropped = agent.run(&["outbox", "--drop", &id]);
    assert_eq!(
        dropped.code(),
        Some(75),
        "the first still waits: {}",
        dropped.transcript()
    );
    assert!(
        dropped
            .stdout
            .contains(&format!("{id}  eliminato dalla coda")),
        "{}",
        dropped.transcript()
    );
    let unknown = agent.run(&["outbox", "--drop", &id]);
    assert_eq!(unknown.code(), Some(1), "{}", unknown.transcript());
    assert!(
        unknown.stderr.contains("no such ticket"),
        "{}",
        unknown.transcript()
    );
    assert_eq!(agent.drafts().len(), 1);

    // The server comes up (elsewhere: the admin fixed the URL); the next round delivers.
    let serving = desk.serve("serve");
    agent.configure(&api_config(serving.addr(), &token));
    let sent = agent.run(&["outbox", "--send"]);
    sent.assert_success();
    assert!(
        sent.stdout.contains("Ticket #[10000]"),
        "{}",
        sent.transcript()
    );
    assert!(agent.drafts().is_empty());
    agent.run(&["outbox", "--send"]).assert_success();
    assert_eq!(desk.list().len(), 1, "sent exactly once");
}

#[cfg(unix)]
#[test]
fn an_agent_killed_while_sending_sends_the_ticket_once_after_restart() {
    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    let serving = desk.serve("serve");
    let agent = Agent::new(&api_config(serving.addr(), &token));
    let signal = |name: &str, pid: u32| {
        let status = Command::new("kill")
            .args([name, &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill {name} {pid}");
    };

    // The server is frozen: the kernel accepts the connection and buffers the request, and
    // the agent waits for an answer that does not come.
    signal("-STOP", serving.pid());
    let mut sending = agent
        .command(&["send", "--subject", "Scanner non acquisisce da ieri"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start agent send");
    let stored = wait_for(Duration::from_secs(10), || {
        (agent.drafts().len() == 1).then_some(())
    });
    assert!(
        stored.is_some(),
        "the draft is stored before any network call"
    );
    std::thread::sleep(Duration::from_millis(500));
    sending.kill().expect("SIGKILL the agent");
    let _ = sending.wait();
    signal("-CONT", serving.pid());
    assert_eq!(
        agent.drafts().len(),
        1,
        "the agent never heard back: still queued"
    );

    // The restarted agent sends it; whatever the server made of the dead connection, there
    // is one ticket.
    let resent = agent.run(&["outbox", "--send"]);
    resent.assert_success();
    assert!(
        resent.stdout.contains("Ticket #[10000]"),
        "{}",
        resent.transcript()
    );
    assert!(agent.drafts().is_empty());
    assert_eq!(desk.list().len(), 1, "one ticket, not two");
}

#[test]
fn a_ticket_whose_answer_was_lost_is_not_opened_twice() {
    use ppdesk_agent::outbox::Outbox;
    use ppdesk_agent::transport::{self, Delivered};

    let desk = TestDesk::new();
    let token = desk.org_with_token("ACME", "acme.test");
    let serving = desk.serve("serve");
    let agent = Agent::new(&api_config(serving.addr(), &token));
    let queued = Agent::new(&api_config(&dead_local_addr(), &token));
    // A draft stored by an agent that could not reach the server…
    let waiting = queued.run(&["send", "--subject", "Licenza Office scaduta su PC-12"]);
    assert_eq!(waiting.code(), Some(75), "{}", waiting.transcript());
    std::fs::rename(queued.data_dir(), agent.data_dir()).expect("move the data dir");

    // …is sent by a process that dies right after the server's 201, before removing it.
    let config = ppdesk_agent::config::load(Some(&agent.config_path()))
        .expect("config loads")
        .config;
    let outbox = Outbox::open(&agent.data_dir().join("outbox")).expect("outbox");
    let entry = outbox.list().expect("list").remove(0);
    let draft = outbox.load(&entry.id).expect("draft");
    let first = transport::for_config(&config, outbox.dir())
        .expect("api transport")
        .send(&draft)
        .expect("the server takes it");
    let Delivered::Ticket(first) = first else {
        panic!("api mode answers with a ticket: {first:?}");
    };

    // The restarted agent finds the draft still queued and sends it again.
    let resent = agent.run(&["outbox", "--send"]);
    resent.assert_success();
    assert!(
        resent.stdout.contains(&first.tag),
        "{}",
        resent.transcript()
    );
    assert!(agent.drafts().is_empty());
    assert_eq!(desk.list().len(), 1, "the server recognised the draft id");
}

#[test]
fn smtp_mode_mails_the_helpdesk_and_the_server_opens_the_ticket() {
    let servers = MailServers::start();
    let desk = TestDesk::with_config(&format!(
        "{}\n{}",
        servers.relay_config(),
        servers.imap_config()
    ));
    let _serving = desk.serve("serve");
    let agent = Agent::new(&format!(
        "mode = \"smtp\"\nhelpdesk_email = \"{HELPDESK}\"\n\
         [contact]\nname = \"Mario Rossi\"\nemail = \"{MARIO}\"\n\
         [smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n",
        servers.smtp_port()
    ));
    let shot = write_png(agent.dir.path(), 32, 32);

    let sent = agent.run(&[
        "send",
        "--subject",
        "Stampante ufficio 2 non stampa",
        "--description",
        "Da stamattina esce solo carta bianca.",
        "--screenshot",
        &shot.to_string_lossy(),
    ]);
    sent.assert_success();
    assert!(agent.drafts().is_empty());

    let acks = servers.wait_for(MARIO, 1, Duration::from_secs(40));
    let ack = String::from_utf8_lossy(&acks[0]).into_owned();
    assert!(ack.contains("Ticket #[10000]"), "{ack}");
    let ticket = desk.show(10000);
    assert!(
        ticket["subject"]
            .as_str()
            .unwrap_or_default()
            .contains("Stampante ufficio 2 non stampa"),
        "{ticket:#}"
    );
    let names = attachment_names(&ticket);
    assert!(names.iter().any(|n| n == "screenshot.png"), "{ticket:#}");
    assert!(names.iter().any(|n| n == "machine.json"), "{ticket:#}");
}

#[cfg(unix)]
#[test]
fn mailclient_mode_writes_an_unsent_draft_and_hands_it_to_the_mail_program() {
    let agent = Agent::new(&format!(
        "mode = \"mailclient\"\nhelpdesk_email = \"{HELPDESK}\"\n\
         [contact]\nname = \"Mario Rossi\"\nemail = \"{MARIO}\"\n"
    ));
    // The desktop's default handler is whatever `xdg-open` runs; here it records what it was
    // asked to open, as a mail program would receive it.
    let bin = agent.dir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin dir");
    let opened = agent.dir.path().join("opened.txt");
    let handler = bin.join("xdg-open");
    std::fs::write(
        &handler,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
            opened.display()
        ),
    )
    .expect("write handler");
    Command::new("chmod")
        .args(["+x", &handler.to_string_lossy()])
        .status()
        .expect("chmod");
    let shot = write_png(agent.dir.path(), 16, 16);

    let mut command = agent.command(&[
        "send",
        "--subject",
        "Posta: Outlook chiede la password",
        "--screenshot",
        &shot.to_string_lossy(),
    ]);
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    command.env("PATH", path);
    run_command(command, None).assert_success();
    assert!(agent.drafts().is_empty());

    let handed = wait_for(Duration::from_secs(10), || {
        std::fs::read_to_string(&opened)
            .ok()
            .filter(|t| !t.is_empty())
    })
    .expect("the handler was called");
    let eml = PathBuf::from(handed.trim());
    assert_eq!(eml.extension().and_then(|e| e.to_str()), Some("eml"));
    let raw = std::fs::read(&eml).expect("the draft exists");
    let message = mail_parser::MessageParser::default()
        .parse(&raw)
        .expect("a message");
    assert_eq!(message.subject(), Some("Posta: Outlook chiede la password"));
    assert_eq!(
        message.header_raw("X-Unsent").map(str::trim),
        Some("1"),
        "opens as a draft ready to send"
    );
    let to = message
        .to()
        .and_then(|to| to.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(to, HELPDESK);
    assert!(
        message
            .attachments()
            .any(|a| a.attachment_name() == Some("screenshot.png"))
    );
}
