//! `cargo bench -p ppdesk-server --bench queue` — the technician queue and the customer home
//! with 100,000 tickets in the database, under a load generator on loopback.
//!
//! 1. Builds a database of `PPDESK_BENCH_TICKETS` tickets (default 100,000) through the real
//!    migrations, filled with direct SQL in one transaction: 5 sectors of unequal size, 500
//!    organisations (one of them large), 5,000 requesters (one with 2,000 tickets), 8
//!    technicians, a realistic status spread (recent tickets open, old ones resolved), SLA due
//!    times from the real calendar, 1–6 messages per ticket with Italian support vocabulary in a
//!    Zipf-like distribution, acknowledgements, a few participants and review flags. The
//!    console's triggers fill the full-text index and the queue counters as they would live.
//! 2. Starts the release `ppdesk-server serve` on that data dir, signs a technician, a customer
//!    and an organisation admin in (sessions written to the database), and drives it over
//!    keep-alive HTTP/1.1 on loopback: each scenario first sequentially (latency: p50, p99,
//!    max of the full round trip measured by the client, an upper bound of the server's time),
//!    then with 4 connections for 3 s (throughput).
//! 3. Measures what the console's triggers and indexes add to the ingest path: the same
//!    writes `ingest` does for a new ticket and for a reply (store API, 64 per transaction),
//!    with and without them, on fresh databases.
//!
//! Knobs: `PPDESK_BENCH_TICKETS`, `PPDESK_BENCH_REQUESTS` (sequential requests per scenario,
//! default 300), `PPDESK_BENCH_SECONDS` (throughput run, default 3).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ppdesk_server::accounts::Role;
use ppdesk_server::accounts::password;
use ppdesk_server::config::Config;
use ppdesk_server::desk::Desk;
use ppdesk_server::store::accounts::{Accounts, NewSession, NewUser, UserInsert};
use ppdesk_server::store::console::{Console, INDEX_BATCH};
use ppdesk_server::store::sqlite::SqliteStore;
use ppdesk_server::store::{NewMessage, NewOutbound, NewTicket, Received, Store, StoreTx};
use ppdesk_shared::status::SystemClock;
use ppdesk_shared::ticket::Priority;

const SECTORS: [(&str, u32); 5] = [
    ("Helpdesk", 40),
    ("Mago", 25),
    ("Contabilità", 15),
    ("Web", 10),
    ("Sistemi", 10),
];
const TECHNICIANS: [&str; 8] = [
    "anna@projectpp.it",
    "bruno@projectpp.it",
    "carla@projectpp.it",
    "dario@projectpp.it",
    "elena@projectpp.it",
    "fabio@projectpp.it",
    "giulia@projectpp.it",
    "marco@projectpp.it",
];
/// The technician the queue pages are loaded as.
const VIEWER: &str = "marco@projectpp.it";
const HEAVY_CUSTOMER: &str = "grande.cliente@org001.it";
const ORG_ADMIN: &str = "admin@org001.it";
const BIG_ORG: &str = "Org 001";
const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// Common words first: their rank decides how often they appear.
const VOCABULARY: &[&str] = &[
    "il",
    "la",
    "di",
    "non",
    "che",
    "e",
    "per",
    "un",
    "una",
    "con",
    "del",
    "da",
    "in",
    "si",
    "problema",
    "errore",
    "buongiorno",
    "grazie",
    "stampante",
    "mago",
    "fattura",
    "cliente",
    "utente",
    "password",
    "posta",
    "server",
    "rete",
    "ordine",
    "documento",
    "stampa",
    "accesso",
    "aggiornamento",
    "licenza",
    "backup",
    "magazzino",
    "bolla",
    "ddt",
    "registro",
    "outlook",
    "excel",
    "vpn",
    "firewall",
    "scanner",
    "monitor",
    "tastiera",
    "computer",
    "portatile",
    "sito",
    "dominio",
    "certificato",
    "database",
    "sessione",
    "blocco",
    "lentezza",
    "avvio",
    "chiusura",
    "contabilità",
    "bilancio",
    "iva",
    "fornitore",
    "articolo",
    "listino",
    "cassa",
    "banca",
    "bonifico",
    "riba",
    "scadenza",
    "giacenza",
    "inventario",
    "spedizione",
    "corriere",
    "etichetta",
    "codice",
    "barre",
    "report",
    "estrazione",
    "importazione",
    "esportazione",
    "configurazione",
    "installazione",
    "driver",
    "stampanti",
    "schermata",
    "finestra",
    "messaggio",
    "allegato",
    "immagine",
    "collegamento",
    "remoto",
    "teamviewer",
    "wifi",
    "router",
    "switch",
    "cavo",
    "telefono",
    "centralino",
    "fax",
    "toner",
    "carta",
    "inceppamento",
    "modulo",
    "menu",
    "pulsante",
    "campo",
    "tabella",
    "colonna",
    "riga",
    "filtro",
    "ricerca",
    "kyocera",
    "ricoh",
    "brother",
    "windows",
    "aggiornamenti",
    "antivirus",
    "spam",
    "casella",
    "quota",
    "archivio",
    "cartella",
    "condivisione",
    "permessi",
    "gruppo",
    "profilo",
];
/// Synthetic rarer words after the vocabulary, up to this rank.
const VOCABULARY_RANKS: u64 = 20_000;

/// xorshift64*: deterministic data, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Rank with probability ~ 1/rank (log-uniform): a Zipf-like word frequency.
    fn zipf(&mut self, ranks: u64) -> u64 {
        ((ranks as f64).powf(self.unit()) as u64).clamp(1, ranks) - 1
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn word(rng: &mut Rng) -> String {
    let rank = rng.zipf(VOCABULARY_RANKS) as usize;
    match VOCABULARY.get(rank) {
        Some(w) => (*w).to_string(),
        None => format!("parola{rank}"),
    }
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut out = String::new();
    for i in 0..words {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&word(rng));
    }
    out
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const CONFIG: &str = r#"
[helpdesk]
address = "helpdesk@projectpp.it"
name = "Helpdesk Project++"
staff_domains = ["projectpp.it"]
technicians = ["anna@projectpp.it", "bruno@projectpp.it", "carla@projectpp.it",
  "dario@projectpp.it", "elena@projectpp.it", "fabio@projectpp.it", "giulia@projectpp.it",
  "marco@projectpp.it"]

[routing]
sectors = ["Helpdesk", "Mago", "Contabilità", "Web", "Sistemi"]
default_sector = "Helpdesk"
categories = ["Amministrazione", "Mago", "Web"]
"#;

fn main() {
    let tickets = env_number("PPDESK_BENCH_TICKETS", 100_000);
    let requests = env_number("PPDESK_BENCH_REQUESTS", 300) as usize;
    let seconds = env_number("PPDESK_BENCH_SECONDS", 3);
    let work = tempfile::tempdir().expect("temp dir");
    let data_dir = work.path().join("data");
    let config_path = work.path().join("ppdesk.toml");
    std::fs::write(&config_path, CONFIG).expect("write config");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");

    println!("ppdesk queue benchmark: {tickets} tickets");
    let started = Instant::now();
    let setup = runtime.block_on(build_database(&data_dir, tickets));
    println!(
        "database built in {:.1} s: {} messages, {} open tickets, file {:.0} MB",
        started.elapsed().as_secs_f64(),
        setup.messages,
        setup.open,
        std::fs::metadata(data_dir.join("ppdesk.sqlite3"))
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0)
    );

    let server = Server::start(&config_path, &data_dir);
    let tech = format!("ppdesk_session={}", setup.sessions[0]);
    let customer = format!("ppdesk_session={}", setup.sessions[1]);
    let admin = format!("ppdesk_session={}", setup.sessions[2]);
    let scenarios: Vec<(&str, String, &str, &str)> = vec![
        (
            "queue: first page (open, all sectors)",
            "/console".into(),
            &tech,
            "queue-table",
        ),
        (
            "queue: one sector, priority high",
            "/console?sector=Mago&priority=high".into(),
            &tech,
            "queue-table",
        ),
        (
            "queue: SLA breached",
            "/console?sla=breached".into(),
            &tech,
            "queue-table",
        ),
        (
            "queue: mine",
            "/console?assignee=mine".into(),
            &tech,
            "queue-table",
        ),
        (
            "queue: every status, deep page (cursor)",
            format!("/console?status=all&after={}", setup.deep_cursor),
            &tech,
            "queue-table",
        ),
        (
            "queue: search, common word",
            format!("/console?status=all&q={}", setup.common_word),
            &tech,
            "queue-table",
        ),
        (
            "queue: search, two rarer words",
            format!(
                "/console?status=all&q={}+{}",
                setup.rare_words.0, setup.rare_words.1
            ),
            &tech,
            "queue-table",
        ),
        (
            "portal home: customer, 2,000 tickets",
            "/portal".into(),
            &customer,
            "portal-home",
        ),
        (
            "portal home: organisation admin",
            "/portal".into(),
            &admin,
            "portal-home",
        ),
    ];
    println!(
        "\n{:<42} {:>8} {:>8} {:>8} {:>10} {:>9}",
        "page (sequential: latency; 4 connections: throughput)",
        "p50 ms",
        "p99 ms",
        "max ms",
        "req/s (4)",
        "KB"
    );
    for (label, path, cookie, marker) in &scenarios {
        let mut client = Client::connect(&server.addr, cookie);
        let (status, body) = client.get(path);
        assert_eq!(
            status, 200,
            "{label}: GET {path} answered {status}:\n{body}"
        );
        assert!(
            body.contains(marker),
            "{label}: no {marker} in the page:\n{body}"
        );
        for _ in 0..20 {
            client.get(path);
        }
        let mut latencies = Vec::with_capacity(requests);
        for _ in 0..requests {
            let t0 = Instant::now();
            let (status, _) = client.get(path);
            latencies.push(t0.elapsed());
            assert_eq!(status, 200);
        }
        latencies.sort();
        let pct = |p: f64| {
            latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)]
                .as_secs_f64()
                * 1000.0
        };
        let throughput = throughput(&server.addr, cookie, path, 4, Duration::from_secs(seconds));
        println!(
            "{:<42} {:>8.2} {:>8.2} {:>8.2} {:>10.0} {:>9.1}",
            label,
            pct(0.50),
            pct(0.99),
            latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
            throughput,
            body.len() as f64 / 1024.0
        );
    }
    drop(server);

    println!(
        "\nwhat the console's triggers and indexes add to the ingest path (store writes only):"
    );
    runtime.block_on(ingest_cost(work.path()));
}

/// What the setup gives the scenarios.
struct Setup {
    messages: u64,
    open: u64,
    /// Session cookies: technician, customer, organisation admin.
    sessions: [String; 3],
    /// A cursor 80% down the every-status queue.
    deep_cursor: String,
    common_word: String,
    rare_words: (String, String),
}

async fn build_database(data_dir: &Path, tickets: u64) -> Setup {
    let config = Config::from_toml_str(CONFIG, "bench").expect("config");
    let desk = Desk::open(config, data_dir, Arc::new(SystemClock))
        .await
        .expect("open desk");
    let pool = desk.store.pool().clone();
    let now = desk.now_ms();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let span = 730 * DAY_MS;
    let mut conn = pool.acquire().await.expect("connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *conn)
        .await
        .expect("begin");
    let mut messages = 0u64;
    let mut open = 0u64;
    let sector_weights: u32 = SECTORS.iter().map(|(_, w)| w).sum();
    for i in 0..tickets {
        // Evenly over two years, oldest first (numbers grow with time, as they do live).
        let created = now - span + (span * i as i64) / tickets as i64 + rng.below(3_600_000) as i64;
        let age = now - created;
        let open_chance = if age < 3 * DAY_MS {
            0.7
        } else if age < 30 * DAY_MS {
            0.2
        } else {
            0.03
        };
        let status = if rng.unit() < open_chance {
            open += 1;
            if rng.unit() < 0.6 {
                "waiting_on_support"
            } else {
                "waiting_on_customer"
            }
        } else if rng.unit() < 0.95 {
            "resolved"
        } else {
            "cancelled"
        };
        let mut pick = rng.below(u64::from(sector_weights)) as u32;
        let sector = SECTORS
            .iter()
            .find(|(_, w)| {
                if pick < *w {
                    true
                } else {
                    pick -= w;
                    false
                }
            })
            .map_or("Helpdesk", |(s, _)| s);
        let roll = rng.unit();
        let priority = if roll < 0.15 {
            Priority::Low
        } else if roll < 0.75 {
            Priority::Normal
        } else if roll < 0.95 {
            Priority::High
        } else {
            Priority::Urgent
        };
        // One organisation in ten tickets is the big one; its heavy user asks 2,000 of them.
        let (organisation, requester) = if i % 50 == 7 && i / 50 < 2_000 {
            (BIG_ORG.to_string(), HEAVY_CUSTOMER.to_string())
        } else if rng.below(10) == 0 {
            (
                BIG_ORG.to_string(),
                format!("utente{}@org001.it", rng.below(200)),
            )
        } else {
            let org = 2 + rng.below(499);
            (
                format!("Org {org:03}"),
                format!("utente{}@org{org:03}.it", rng.below(10)),
            )
        };
        let open_now = matches!(status, "waiting_on_support" | "waiting_on_customer");
        let assignee = if rng.unit() < if open_now { 0.6 } else { 0.95 } {
            Some(*rng.pick(&TECHNICIANS))
        } else {
            None
        };
        let subject_words = 3 + rng.below(5) as usize;
        let subject = sentence(&mut rng, subject_words);
        let due = desk.sla_due_times("Standard", priority, created);
        let message_count = 1 + rng.below(6);
        let mut at = created;
        let mut first_response = None;
        let mut bodies = Vec::new();
        for m in 0..message_count {
            let inbound = m % 2 == 0;
            if !inbound && first_response.is_none() {
                first_response = Some(at);
            }
            let words = 40 + rng.below(80) as usize;
            bodies.push((inbound, at, sentence(&mut rng, words)));
            at += rng.below(if open_now {
                6 * HOUR_MS as u64
            } else {
                2 * DAY_MS as u64
            }) as i64;
        }
        let updated = at.min(now);
        let resolved_at = (status == "resolved").then_some(updated);
        let needs_review = rng.below(1000) == 0;
        let row = sqlx::query(
            "INSERT INTO tickets (class, subject, status, priority, sector, assignee,
                requester_email, requester_name, organisation, channel, locale, needs_review,
                review_reason, created_at, updated_at, resolved_at, response_due_at,
                resolution_due_at, response_risk_at, resolution_risk_at, first_response_at)
             VALUES ('Standard', ?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, 'email', 'it', ?8, ?9, ?10,
                ?11, ?12, ?13, ?14, ?15, ?16, ?17)
             RETURNING number",
        )
        .bind(&subject)
        .bind(status)
        .bind(priority.as_str())
        .bind(sector)
        .bind(assignee)
        .bind(&requester)
        .bind(&organisation)
        .bind(needs_review)
        .bind(needs_review.then_some("stranger used the tag"))
        .bind(created)
        .bind(updated)
        .bind(resolved_at)
        .bind(due.response_due_at)
        .bind(due.resolution_due_at)
        .bind(due.response_risk_at)
        .bind(due.resolution_risk_at)
        .bind(first_response)
        .fetch_one(&mut *conn)
        .await
        .expect("insert ticket");
        let number: i64 = sqlx::Row::get(&row, "number");
        for (index, (inbound, at, body)) in bodies.iter().enumerate() {
            let (direction, kind, from) = if *inbound {
                ("inbound", "customer", requester.as_str())
            } else {
                ("outbound", "reply", "helpdesk@projectpp.it")
            };
            sqlx::query(
                "INSERT INTO messages (ticket, direction, kind, message_id, from_addr, to_addrs,
                    cc_addrs, subject, text_body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, '[]', '[]', ?6, ?7, ?8)",
            )
            .bind(number)
            .bind(direction)
            .bind(kind)
            .bind(format!("<{number}.{index}@bench.example>"))
            .bind(from)
            .bind(&subject)
            .bind(body)
            .bind(at)
            .execute(&mut *conn)
            .await
            .expect("insert message");
            messages += 1;
            if index == 0 {
                sqlx::query(
                    "INSERT INTO messages (ticket, direction, kind, from_addr, to_addrs,
                        cc_addrs, subject, text_body, created_at)
                     VALUES (?1, 'outbound', 'acknowledgement', 'helpdesk@projectpp.it', '[]',
                        '[]', ?2, ?3, ?4)",
                )
                .bind(number)
                .bind(&subject)
                .bind(ACK_TEXT)
                .bind(at)
                .execute(&mut *conn)
                .await
                .expect("insert acknowledgement");
                messages += 1;
            }
        }
        if rng.below(10) == 0 {
            sqlx::query("INSERT OR IGNORE INTO participants (ticket, email) VALUES (?1, ?2)")
                .bind(number)
                .bind(format!(
                    "collega{}@org{:03}.it",
                    rng.below(20),
                    2 + rng.below(499)
                ))
                .execute(&mut *conn)
                .await
                .expect("insert participant");
        }
    }
    sqlx::query("COMMIT")
        .execute(&mut *conn)
        .await
        .expect("commit");
    // No ANALYZE: a live database has no statistics either, and the queue must not need them.
    drop(conn);

    let store = &desk.store;
    // The messages' bodies as `serve`'s indexer adds them after ingest; measured, since a
    // server upgraded from before the queue, or restarted after a burst, does this too.
    let started = Instant::now();
    let mut indexed = 0;
    loop {
        let n = store
            .index_queued_messages(INDEX_BATCH)
            .await
            .expect("index queued messages");
        if n == 0 {
            break;
        }
        indexed += n;
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "search index: {indexed} queued messages indexed in {seconds:.1} s ({:.0} µs each)",
        seconds / indexed.max(1) as f64 * 1e6
    );
    let hash = password::hash("Bench-Password-2026!").expect("hash");
    let mut sessions: [String; 3] = Default::default();
    for (slot, (email, role, organisation)) in [
        (VIEWER, Role::Technician, None),
        (HEAVY_CUSTOMER, Role::Customer, Some(BIG_ORG)),
        (ORG_ADMIN, Role::OrgAdmin, Some(BIG_ORG)),
    ]
    .into_iter()
    .enumerate()
    {
        let id = match store
            .insert_user(&NewUser {
                email: email.to_string(),
                name: None,
                role,
                organisation: organisation.map(str::to_string),
                locale: None,
                password_hash: hash.clone(),
                created_at: now,
            })
            .await
            .expect("insert user")
        {
            UserInsert::Created(id) => id,
            UserInsert::EmailTaken => panic!("{email} exists"),
        };
        let token = ppdesk_server::web::auth::random_token();
        store
            .insert_session(&NewSession {
                token_sha256: ppdesk_server::web::auth::token_hash(&token),
                user: id,
                csrf: ppdesk_server::web::auth::random_token(),
                created_at: now,
                expires_at: now + DAY_MS,
            })
            .await
            .expect("insert session");
        sessions[slot] = token;
    }

    let deep = sqlx::query(
        "SELECT updated_at, number FROM tickets ORDER BY updated_at DESC, number DESC
         LIMIT 1 OFFSET ?1",
    )
    .bind((tickets * 8 / 10) as i64)
    .fetch_one(&pool)
    .await
    .expect("deep cursor");
    let deep_cursor = format!(
        "{}_{}",
        sqlx::Row::get::<i64, _>(&deep, "updated_at"),
        sqlx::Row::get::<i64, _>(&deep, "number")
    );
    Setup {
        messages,
        open,
        sessions,
        deep_cursor,
        // Rank ~20: in about one message in ten.
        common_word: VOCABULARY[18].to_string(),
        rare_words: (VOCABULARY[60].to_string(), VOCABULARY[90].to_string()),
    }
}

const ACK_TEXT: &str = "Gentile cliente,\n\nabbiamo preso in carico la sua richiesta e aperto il \
    ticket #Standard# Ticket #[10000].\n\nPuò seguire lo stato del ticket e rispondere dal \
    portale.\n\nIMPORTANTE: in tutte le risposte non elimini l'indirizzo helpdesk@projectpp.it e \
    non tolga dall'oggetto i tag.\n\nCordiali saluti,\nHelpdesk Project++\n";

/// The release `ppdesk-server serve` on the bench's data dir.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(config: &Path, data_dir: &Path) -> Server {
        let addr = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
            listener.local_addr().expect("address").to_string()
        };
        let log = std::fs::File::create(data_dir.join("serve.log")).expect("log");
        let child = Command::new(env!("CARGO_BIN_EXE_ppdesk-server"))
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(data_dir)
            .args(["serve", "--listen", &addr])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("start ppdesk-server serve");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(stream) = TcpStream::connect(&addr) {
                let mut client = Client::from_stream(stream, "");
                if client.get("/healthz").0 == 200 {
                    break;
                }
            }
            assert!(
                Instant::now() < deadline,
                "serve did not start: see {}",
                data_dir.join("serve.log").display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Server { child, addr }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A keep-alive HTTP/1.1 client on one connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    cookie: String,
}

impl Client {
    fn connect(addr: &str, cookie: &str) -> Client {
        Client::from_stream(TcpStream::connect(addr).expect("connect"), cookie)
    }

    fn from_stream(stream: TcpStream, cookie: &str) -> Client {
        stream.set_nodelay(true).ok();
        Client {
            writer: stream.try_clone().expect("clone stream"),
            reader: BufReader::new(stream),
            cookie: cookie.to_string(),
        }
    }

    /// Status and body.
    fn get(&mut self, path: &str) -> (u16, String) {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {}\r\nAccept-Language: it\r\n\r\n",
            self.cookie
        );
        self.writer.write_all(request.as_bytes()).expect("send");
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("status line");
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {line:?}"));
        let mut length = None;
        let mut chunked = false;
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("header");
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.trim().eq_ignore_ascii_case("chunked");
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line).expect("chunk size");
                let size = usize::from_str_radix(line.trim(), 16).expect("chunk size");
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk).expect("chunk");
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(length) = length {
            body.resize(length, 0);
            self.reader.read_exact(&mut body).expect("body");
        }
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

/// Requests per second with `connections` clients looping for `duration`.
fn throughput(addr: &str, cookie: &str, path: &str, connections: usize, duration: Duration) -> f64 {
    let started = Instant::now();
    let handles: Vec<_> = (0..connections)
        .map(|_| {
            let (addr, cookie, path) = (addr.to_string(), cookie.to_string(), path.to_string());
            std::thread::spawn(move || {
                let mut client = Client::connect(&addr, &cookie);
                let mut done = 0u64;
                while started.elapsed() < duration {
                    assert_eq!(client.get(&path).0, 200);
                    done += 1;
                }
                done
            })
        })
        .collect();
    let total: u64 = handles.into_iter().map(|h| h.join().expect("client")).sum();
    total as f64 / started.elapsed().as_secs_f64()
}

/// The console's triggers and indexes (20261126000008_console.sql, with the message index's queue
/// of 20261126000010_search_queue.sql), dropped for the baseline.
const CONSOLE_WRITE_COST: &[&str] = &[
    "DROP TRIGGER tickets_count_insert",
    "DROP TRIGGER tickets_count_update",
    "DROP TRIGGER tickets_count_delete",
    "DROP TRIGGER tickets_fts_insert",
    "DROP TRIGGER tickets_fts_update",
    "DROP TRIGGER tickets_fts_delete",
    "DROP TRIGGER messages_fts_enqueue",
    "DROP TRIGGER messages_fts_update",
    "DROP TRIGGER messages_fts_delete",
    "DROP INDEX tickets_open_sector",
    "DROP INDEX tickets_open",
    "DROP INDEX tickets_sector_status",
    "DROP INDEX tickets_updated",
    "DROP INDEX tickets_open_assignee",
    "DROP INDEX tickets_review",
    "DROP INDEX tickets_merged_into",
];

/// Times the writes of `count` new tickets and `count` replies as ingest does them, with and
/// without the console's triggers and indexes; best of three runs each.
async fn ingest_cost(work: &Path) {
    let count = env_number("PPDESK_BENCH_INGEST", 10_000);
    let mut best = [[f64::MAX; 2]; 2];
    let mut best_indexing = f64::MAX;
    for round in 0..3 {
        for (variant, without) in [false, true].into_iter().enumerate() {
            let path: PathBuf = work.join(format!("ingest-{round}-{variant}.sqlite3"));
            let store = SqliteStore::open(&path, 10_000).await.expect("open");
            if without {
                for statement in CONSOLE_WRITE_COST {
                    sqlx::query(*statement)
                        .execute(store.pool())
                        .await
                        .expect(statement);
                }
            }
            let (new, reply) = ingest_writes(&store, count).await;
            best[variant][0] = best[variant][0].min(new);
            best[variant][1] = best[variant][1].min(reply);
            if !without {
                // What `serve`'s indexer then spends on those messages, off the ingest path.
                let started = Instant::now();
                while store
                    .index_queued_messages(INDEX_BATCH)
                    .await
                    .expect("index queued messages")
                    > 0
                {}
                best_indexing = best_indexing.min(started.elapsed().as_secs_f64());
            }
        }
    }
    let per = |s: f64| s / count as f64 * 1e6;
    println!(
        "{:<34} {:>14} {:>14} {:>12}",
        "writes per message", "without µs", "with µs", "added µs"
    );
    for (label, column) in [
        ("new ticket (ticket, message, ack, outbox)", 0),
        ("tagged reply (message, status)", 1),
    ] {
        println!(
            "{:<34} {:>14.1} {:>14.1} {:>12.1}",
            label,
            per(best[1][column]),
            per(best[0][column]),
            per(best[0][column]) - per(best[1][column])
        );
    }
    println!(
        "{:<34} {:>14.1} µs per message (2 × {count} messages, batches of {INDEX_BATCH})",
        "indexed later by serve",
        best_indexing / (2 * count) as f64 * 1e6
    );
}

/// Seconds for `count` new tickets, then `count` replies to them, 64 per transaction.
async fn ingest_writes(store: &SqliteStore, count: u64) -> (f64, f64) {
    let mut rng = Rng(42);
    let now = 1_764_000_000_000i64;
    let started = Instant::now();
    let mut numbers = Vec::with_capacity(count as usize);
    let mut tx = store.begin().await.expect("begin");
    for i in 0..count {
        let requester = format!("utente{}@cliente{}.example", i % 500, i % 50);
        let subject = format!("Problema numero {i} con Mago4");
        let number = tx
            .insert_ticket(&NewTicket {
                class: "Standard".into(),
                subject: subject.clone(),
                status: "waiting_on_support".into(),
                category: None,
                priority: "normal".into(),
                sector: "Helpdesk".into(),
                requester_email: requester.clone(),
                requester_name: None,
                organisation: None,
                channel: "email".into(),
                locale: "it".into(),
                linked_ticket: None,
                needs_review: false,
                review_reason: None,
                created_at: now,
                sla_due: None,
            })
            .await
            .expect("ticket");
        numbers.push(number);
        let body = sentence(&mut rng, 150);
        tx.insert_message(&message(
            number, "inbound", "customer", &requester, &subject, &body, i,
        ))
        .await
        .expect("message");
        tx.add_participants(number, &[])
            .await
            .expect("participants");
        let ack_id = format!("ack-{i}@bench");
        tx.insert_message(&message(
            number,
            "outbound",
            "acknowledgement",
            "helpdesk@projectpp.it",
            &subject,
            ACK_TEXT,
            count + i,
        ))
        .await
        .expect("ack");
        tx.enqueue(&NewOutbound {
            ticket: Some(number),
            kind: "acknowledgement",
            recipient: requester.clone(),
            message_id: ack_id,
            raw: ACK_TEXT.as_bytes().repeat(2),
            created_at: now,
        })
        .await
        .expect("outbox");
        tx.record_received(&Received {
            message_id: Some(format!("new-{i}@bench")),
            raw_sha256: format!("{i:064}"),
            outcome: "created",
            ticket: Some(number),
            detail: None,
            received_at: now,
            source: "bench".into(),
        })
        .await
        .expect("received");
        if i % 64 == 63 {
            tx.commit().await.expect("commit");
            tx = store.begin().await.expect("begin");
        }
    }
    tx.commit().await.expect("commit");
    let new = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut tx = store.begin().await.expect("begin");
    for (i, number) in numbers.iter().enumerate() {
        let body = sentence(&mut rng, 150);
        tx.insert_message(&message(
            *number,
            "inbound",
            "customer",
            "utente@cliente.example",
            "R: Problema",
            &body,
            3 * count + i as u64,
        ))
        .await
        .expect("reply");
        tx.touch(*number, now + 1).await.expect("touch");
        tx.record_received(&Received {
            message_id: Some(format!("reply-{i}@bench")),
            raw_sha256: format!("r{i:063}"),
            outcome: "appended",
            ticket: Some(*number),
            detail: None,
            received_at: now,
            source: "bench".into(),
        })
        .await
        .expect("received");
        if i % 64 == 63 {
            tx.commit().await.expect("commit");
            tx = store.begin().await.expect("begin");
        }
    }
    tx.commit().await.expect("commit");
    (new, started.elapsed().as_secs_f64())
}

fn message(
    ticket: u64,
    direction: &'static str,
    kind: &'static str,
    from: &str,
    subject: &str,
    body: &str,
    id: u64,
) -> NewMessage {
    NewMessage {
        ticket,
        direction,
        kind,
        message_id: Some(format!("<m{id}@bench.example>")),
        from_addr: from.to_string(),
        from_name: None,
        to_addrs: vec!["helpdesk@projectpp.it".into()],
        cc_addrs: Vec::new(),
        subject: subject.to_string(),
        text_body: body.to_string(),
        html_body: None,
        raw_sha256: None,
        created_at: 1_764_000_000_000,
    }
}
