//! `cargo bench -p ppdesk-server --bench kb_suggest` — knowledge-base suggestions with 10k
//! articles: index build time, and suggest latency for titles being typed, both in-process and
//! through the real HTTP route (`GET /kb/suggest?q=`, the application router served on a
//! loopback listener, read by a keep-alive client).
//!
//! The articles are generated from an Italian and English IT-support vocabulary (singular and
//! plural forms, verb forms, product names, error codes): 80% Italian, 20% English, 10%
//! internal, eight macro-categories, about 200 words each, with Markdown headings and lists. They
//! are stored through the real store (SQLite, WAL) so the index is built the way `serve` builds
//! it at start: from the database.
//!
//! The queries are what a customer types in a new ticket's title: prefixes of article titles cut
//! mid-word, loose word combinations with the last word unfinished, and some with a typo.
//!
//! `PPDESK_BENCH_ARTICLES` (default 10000) and `PPDESK_BENCH_QUERIES` (default 3000).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use ppdesk_server::config::{Config, Locale};
use ppdesk_server::desk::Desk;
use ppdesk_server::kb::article::slugify;
use ppdesk_server::kb::{Audience, KnowledgeBase};
use ppdesk_server::store::knowledge::{ArticleDraft, Knowledge, Visibility};
use ppdesk_shared::status::SystemClock;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// The target of issue 5: suggestions in under 20 ms.
const TARGET: Duration = Duration::from_millis(20);

const CATEGORIES: &[&str] = &[
    "Mago4",
    "Posta elettronica",
    "Stampanti",
    "Rete e VPN",
    "Sito web",
    "Hardware",
    "Software",
    "Contabilità",
];

const IT_NOUNS_TEXT: &str = "stampante stampanti scanner computer portatile portatili server rete reti cartella \
     cartelle file documento documenti fattura fatture ordine ordini cliente clienti \
     fornitore fornitori magazzino magazzini articolo articoli listino listini utente utenti \
     password account casella caselle messaggio messaggi allegato allegati firma firme \
     certificato certificati licenza licenze aggiornamento aggiornamenti backup database \
     connessione connessioni firewall router cavo cavi monitor tastiera tastiere driver coda \
     errore errori avviso avvisi registro registri bolla bolle scadenza scadenze pagamento \
     pagamenti banca bonifico bonifici contabilità bilancio bilanci dichiarazione modulo \
     moduli stampa stampe etichetta etichette codice codici lotto lotti inventario giacenza \
     giacenze spedizione spedizioni vettore corriere preventivo preventivi offerta offerte \
     agente agenti provvigione provvigioni cespite cespiti ammortamento commessa commesse \
     toner cartuccia cartucce vassoio carta inceppamento scansione scansioni multifunzione \
     telefono centralino interno smartphone tablet sito pagina pagine dominio hosting \
     contatto newsletter profilo permessi gruppo gruppi sessione desktop \
     collegamento procedura procedure impostazione impostazioni parametro parametri \
     numeratore numerazione esercizio periodo chiusura apertura filiale sede ufficio reparto \
     postazione postazioni antivirus quarantena spam calendario riunione cartellino presenze \
     cedolino cedolini";

const IT_VERBS_TEXT: &str = "stampa stampano stampare funziona funzionano funzionare blocca bloccano bloccato \
     risponde rispondono apre aprire aprono invia inviare inviano inviato riceve ricevere \
     ricevuto salva salvare salvato configura configurare configurato installa installare \
     installato aggiorna aggiornare aggiornato collega collegare collegato sincronizza \
     sincronizzare calcola calcolare calcolato emette emettere emesso registra registrare \
     registrato esporta esportare importa importare chiude chiudere riavvia riavviare \
     ripristina ripristinare controlla controllare verifica verificare elimina eliminare \
     sposta spostare condivide condividere accede accedere rinnova rinnovare";

const IT_ADJECTIVES_TEXT: &str = "lento lenta lenti bloccata offline scaduto scaduta duplicato duplicata errato errata \
     mancante mancanti nuovo nuova nuovi vecchio vecchia condiviso condivisa elettronica \
     elettronico differita immediata bancario fiscale fiscali aziendale aziendali remoto \
     remota wireless predefinita predefinito annuale mensile sbagliato vuoto";

const IT_FUNCTION_TEXT: &str = "il la lo i le gli di del della dei delle per con non che se quando da dal nel nella sul \
     sulla un una e o ma poi prima dopo anche solo sempre mai più come dove";

const EN_NOUNS_TEXT: &str = "printer printers scanner computer laptop laptops server network networks folder folders \
     file files document documents invoice invoices order orders customer customers supplier \
     warehouse item items user users password passwords account mailbox message messages \
     attachment attachments signature certificate license update updates backup database \
     connection firewall router cable monitor keyboard driver drivers queue error errors \
     warning register payment payments bank transfer report reports label labels code batch \
     inventory stock shipment quote toner cartridge tray paper jam scan phone website page \
     domain profile permissions group session desktop shortcut setting settings office \
     antivirus spam calendar meeting payslip";

const EN_VERBS_TEXT: &str = "print prints printing works working stops stopped freezes opens open send sends sending \
     sent receive received save saved configure configured install installed update updated \
     connect connected sync synced export import close restart restore check verify delete \
     move share shared sign renew renewed";

const EN_FUNCTION_TEXT: &str = "the a an of to in on for with and or not when if from by is are it this that then before \
     after only";

const PRODUCTS_TEXT: &str = "Mago4 Outlook Windows Excel Word Kyocera Brother HP Fortinet OpenVPN WordPress Teams \
     OneDrive SharePoint Chrome Edge Acrobat Thunderbird Synology Veeam";

/// A word list of the texts above.
fn words(text: &'static str) -> Vec<&'static str> {
    text.split_whitespace().collect()
}

static IT_NOUNS: LazyLock<Vec<&str>> = LazyLock::new(|| words(IT_NOUNS_TEXT));
static IT_VERBS: LazyLock<Vec<&str>> = LazyLock::new(|| words(IT_VERBS_TEXT));
static IT_ADJECTIVES: LazyLock<Vec<&str>> = LazyLock::new(|| words(IT_ADJECTIVES_TEXT));
static IT_FUNCTION: LazyLock<Vec<&str>> = LazyLock::new(|| words(IT_FUNCTION_TEXT));
static EN_NOUNS: LazyLock<Vec<&str>> = LazyLock::new(|| words(EN_NOUNS_TEXT));
static EN_VERBS: LazyLock<Vec<&str>> = LazyLock::new(|| words(EN_VERBS_TEXT));
static EN_FUNCTION: LazyLock<Vec<&str>> = LazyLock::new(|| words(EN_FUNCTION_TEXT));
static PRODUCTS: LazyLock<Vec<&str>> = LazyLock::new(|| words(PRODUCTS_TEXT));

/// One generated article.
struct Generated {
    title: String,
    body: String,
    category: &'static str,
    language: Locale,
    visibility: Visibility,
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn pick<'a>(rng: &mut StdRng, list: &'a [&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("x")
}

/// An error code or model number: the kind of rare token real articles are full of.
fn code(rng: &mut StdRng) -> String {
    match rng.random_range(0..4) {
        0 => format!("0x{:08X}", rng.random::<u32>()),
        1 => format!("E{:03}", rng.random_range(0..1000)),
        2 => format!(
            "{}-{}",
            pick(rng, &["TASKalfa", "MFC", "LaserJet", "ECOSYS"]),
            rng.random_range(100..9999)
        ),
        _ => format!("KB{}", rng.random_range(100000..999999)),
    }
}

fn sentence(rng: &mut StdRng, language: Locale) -> String {
    let (nouns, verbs, function, adjectives): (&[&str], &[&str], &[&str], &[&str]) = match language
    {
        Locale::It => (
            &IT_NOUNS[..],
            &IT_VERBS[..],
            &IT_FUNCTION[..],
            &IT_ADJECTIVES[..],
        ),
        Locale::En => (
            &EN_NOUNS[..],
            &EN_VERBS[..],
            &EN_FUNCTION[..],
            &IT_ADJECTIVES[..],
        ),
    };
    let length = rng.random_range(8..20);
    let mut words: Vec<String> = Vec::with_capacity(length);
    for _ in 0..length {
        let word = match rng.random_range(0..100) {
            0..=39 => pick(rng, function).to_string(),
            40..=64 => pick(rng, nouns).to_string(),
            65..=82 => pick(rng, verbs).to_string(),
            83..=92 if language == Locale::It => pick(rng, adjectives).to_string(),
            83..=92 => pick(rng, nouns).to_string(),
            93..=96 => pick(rng, &PRODUCTS[..]).to_string(),
            _ => code(rng),
        };
        words.push(word);
    }
    format!("{}.", capitalise(&words.join(" ")))
}

fn title(rng: &mut StdRng, language: Locale) -> String {
    match language {
        Locale::It => match rng.random_range(0..4) {
            0 => format!(
                "{} {}: {} {} {}",
                capitalise(pick(rng, &IT_NOUNS[..])),
                pick(rng, &IT_ADJECTIVES[..]),
                "non",
                pick(rng, &IT_VERBS[..]),
                pick(rng, &IT_NOUNS[..])
            ),
            1 => format!(
                "{}: come {} {} {}",
                pick(rng, &PRODUCTS[..]),
                pick(rng, &IT_VERBS[..]),
                pick(rng, &["il", "la", "i", "le"]),
                pick(rng, &IT_NOUNS[..])
            ),
            2 => format!(
                "Errore {} {} {} in {}",
                code(rng),
                pick(rng, &["durante", "nella", "dopo"]),
                pick(rng, &IT_NOUNS[..]),
                pick(rng, &PRODUCTS[..])
            ),
            _ => format!(
                "{} {} {} {}",
                capitalise(pick(rng, &IT_NOUNS[..])),
                pick(rng, &IT_VERBS[..]),
                pick(
                    rng,
                    &["lentamente", "a metà", "dopo l'aggiornamento", "da casa"]
                ),
                pick(rng, &IT_NOUNS[..])
            ),
        },
        Locale::En => match rng.random_range(0..3) {
            0 => format!(
                "{} {} {} after {}",
                capitalise(pick(rng, &EN_NOUNS[..])),
                pick(rng, &["not", "keeps", "never"]),
                pick(rng, &EN_VERBS[..]),
                pick(rng, &EN_NOUNS[..])
            ),
            1 => format!(
                "{}: how to {} the {}",
                pick(rng, &PRODUCTS[..]),
                pick(rng, &EN_VERBS[..]),
                pick(rng, &EN_NOUNS[..])
            ),
            _ => format!(
                "Error {} in {} {}",
                code(rng),
                pick(rng, &PRODUCTS[..]),
                pick(rng, &EN_NOUNS[..])
            ),
        },
    }
}

fn article(rng: &mut StdRng) -> Generated {
    let language = if rng.random_range(0..10) < 8 {
        Locale::It
    } else {
        Locale::En
    };
    let mut body = String::new();
    let sections = rng.random_range(2..5);
    for _ in 0..sections {
        let heading = sentence(rng, language);
        let heading: String = heading.split(' ').take(4).collect::<Vec<_>>().join(" ");
        body.push_str(&format!("## {}\n\n", heading.trim_end_matches('.')));
        for _ in 0..rng.random_range(2..5) {
            body.push_str(&sentence(rng, language));
            body.push(' ');
        }
        body.push_str("\n\n");
        if rng.random_range(0..2) == 0 {
            for n in 1..rng.random_range(3..6) {
                body.push_str(&format!("{n}. {}\n", sentence(rng, language)));
            }
            body.push('\n');
        }
    }
    Generated {
        title: title(rng, language),
        body,
        category: CATEGORIES[rng.random_range(0..CATEGORIES.len())],
        language,
        visibility: if rng.random_range(0..10) == 0 {
            Visibility::Internal
        } else {
            Visibility::Public
        },
    }
}

/// What a customer has typed so far: a title prefix cut mid-word, or loose words with the
/// last unfinished, sometimes with a typo in a finished word.
fn typed_query(rng: &mut StdRng, titles: &[String]) -> String {
    if rng.random_range(0..10) < 6 {
        let title = titles[rng.random_range(0..titles.len())].to_lowercase();
        let chars: Vec<char> = title.chars().collect();
        let cut = rng.random_range(2.min(chars.len())..=chars.len().min(40));
        return chars[..cut].iter().collect();
    }
    let language = if rng.random_range(0..10) < 8 {
        Locale::It
    } else {
        Locale::En
    };
    let nouns = if language == Locale::It {
        &IT_NOUNS[..]
    } else {
        &EN_NOUNS[..]
    };
    let verbs = if language == Locale::It {
        &IT_VERBS[..]
    } else {
        &EN_VERBS[..]
    };
    let mut words: Vec<String> = Vec::new();
    for i in 0..rng.random_range(1..4) {
        let list = if i % 2 == 0 { nouns } else { verbs };
        words.push(pick(rng, list).to_string());
    }
    if words.len() > 1 && rng.random_range(0..5) == 0 {
        // A typo: two letters swapped in the first word.
        let mut letters: Vec<char> = words[0].chars().collect();
        if letters.len() > 3 {
            let at = rng.random_range(1..letters.len() - 1);
            letters.swap(at, at + 1);
            words[0] = letters.into_iter().collect();
        }
    }
    if let Some(last) = words.last_mut() {
        let letters: Vec<char> = last.chars().collect();
        let keep = rng.random_range(2.min(letters.len())..=letters.len());
        *last = letters[..keep].iter().collect();
    }
    words.join(" ")
}

fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A keep-alive HTTP/1.1 client for GETs answered with a Content-Length.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
}

impl Client {
    fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connect to the bench server");
        stream.set_nodelay(true).expect("nodelay");
        Self {
            writer: stream.try_clone().expect("clone stream"),
            reader: BufReader::new(stream),
            host: addr.to_string(),
        }
    }

    /// Status and body length.
    fn get(&mut self, path: &str) -> (u16, usize) {
        write!(
            self.writer,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAccept: text/html\r\n\r\n",
            self.host
        )
        .expect("send request");
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("status line");
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {line:?}"));
        let mut length: Option<usize> = None;
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("header line");
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().ok();
            }
        }
        let length = length.expect("a Content-Length on the suggestions");
        let mut body = vec![0u8; length];
        self.reader.read_exact(&mut body).expect("body");
        (status, length)
    }
}

/// CPU time this thread has used: what one suggestion costs, whatever else the machine runs.
#[cfg(unix)]
fn thread_cpu() -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we own.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0;
    ok.then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

#[cfg(not(unix))]
fn thread_cpu() -> Option<Duration> {
    None
}

struct Stats {
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
    mean: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    let total: Duration = samples.iter().sum();
    Stats {
        p50: at(0.50),
        p90: at(0.90),
        p99: at(0.99),
        max: *samples.last().unwrap_or(&Duration::ZERO),
        mean: total / samples.len().max(1) as u32,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn report(label: &str, s: &Stats) {
    println!(
        "{label:<44} p50 {:>7} ms  p90 {:>7} ms  p99 {:>7} ms  max {:>7} ms  mean {:>7} ms  {}",
        ms(s.p50),
        ms(s.p90),
        ms(s.p99),
        ms(s.max),
        ms(s.mean),
        if s.p99 < TARGET {
            "(p99 under 20 ms)"
        } else {
            "(p99 OVER 20 ms)"
        }
    );
}

/// The 1/5/15-minute load averages (other builds share the machine), when the OS tells.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let articles = env_count("PPDESK_BENCH_ARTICLES", 10_000);
    let queries = env_count("PPDESK_BENCH_QUERIES", 3_000);
    let mut rng = StdRng::seed_from_u64(20261126);
    let generated: Vec<Generated> = (0..articles).map(|_| article(&mut rng)).collect();
    let words: usize = generated
        .iter()
        .map(|a| a.body.split_whitespace().count())
        .sum();
    let titles: Vec<String> = generated.iter().map(|a| a.title.clone()).collect();
    let typed: Vec<String> = (0..queries)
        .map(|_| typed_query(&mut rng, &titles))
        .collect();
    println!(
        "ppdesk knowledge-base suggest benchmark: {articles} articles ({} words, {:.1} MB of \
         Markdown), {queries} typed queries, {} CPUs",
        words,
        generated.iter().map(|a| a.body.len()).sum::<usize>() as f64 / 1e6,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );

    let work = tempfile::tempdir().expect("temp dir");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    println!("load average before: {}", load_average());
    let (addr, kb) = runtime.block_on(async {
        let desk = Arc::new(
            Desk::open(Config::default(), work.path(), Arc::new(SystemClock))
                .await
                .expect("open the desk"),
        );
        let started = Instant::now();
        for (n, a) in generated.iter().enumerate() {
            let draft = ArticleDraft {
                title: a.title.clone(),
                body: a.body.clone(),
                category: a.category.to_string(),
                visibility: a.visibility,
                language: a.language,
                author: Some("bench@ppdesk.test".into()),
            };
            desk.store
                .insert_article(&draft, &slugify(&a.title), n as i64)
                .await
                .expect("store an article");
        }
        println!(
            "{:<44} {:>8.2} s",
            "store the articles (SQLite, one tx each)",
            started.elapsed().as_secs_f64()
        );

        let kb = KnowledgeBase::open(&desk.store)
            .await
            .expect("build the index");
        println!(
            "{:<44} {:>8.2} s  ({} articles searchable)",
            "index build from the database",
            kb.built_in().as_secs_f64(),
            kb.len()
        );

        let started = Instant::now();
        let router = ppdesk_server::http::router(desk.clone())
            .await
            .expect("application router");
        println!(
            "{:<44} {:>8.2} s",
            "router start (reads the DB, builds the index)",
            started.elapsed().as_secs_f64()
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("loopback listener");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("serve");
        });
        (addr, kb)
    });

    // In-process: the search itself (query analysis, dictionary expansion, BM25, snippets).
    for q in typed.iter().take(200) {
        kb.suggest(q, Audience::Public).expect("warm-up");
    }
    let mut found = 0usize;
    let mut samples = Vec::with_capacity(typed.len());
    let mut cpu_samples = Vec::with_capacity(typed.len());
    for q in &typed {
        let cpu_before = thread_cpu();
        let started = Instant::now();
        let hits = kb.suggest(q, Audience::Public).expect("suggest");
        samples.push(started.elapsed());
        if let (Some(before), Some(after)) = (cpu_before, thread_cpu()) {
            cpu_samples.push(after.saturating_sub(before));
        }
        found += usize::from(!hits.is_empty());
    }
    let in_process = stats(samples);
    report("suggest, in-process (KnowledgeBase::suggest)", &in_process);
    if !cpu_samples.is_empty() {
        report(
            "suggest, in-process, CPU time of the thread",
            &stats(cpu_samples),
        );
    }
    println!(
        "{:<44} {:>7.1} %",
        "queries with at least one suggestion",
        found as f64 * 100.0 / typed.len() as f64
    );

    // Over HTTP: GET /kb/suggest?q= through the whole router (security headers, reader
    // lookup, search, fragment rendering), measured by the client.
    let mut client = Client::connect(addr);
    for q in typed.iter().take(200) {
        client.get(&format!("/kb/suggest?q={}", encode(q)));
    }
    let mut samples = Vec::with_capacity(typed.len());
    let mut bytes = 0usize;
    for q in &typed {
        let path = format!("/kb/suggest?q={}", encode(q));
        let started = Instant::now();
        let (status, length) = client.get(&path);
        samples.push(started.elapsed());
        assert_eq!(status, 200, "GET {path}");
        bytes += length;
    }
    let over_http = stats(samples);
    report("suggest, HTTP GET /kb/suggest (loopback)", &over_http);
    println!(
        "{:<44} {:>8} bytes",
        "mean fragment size",
        bytes / typed.len().max(1)
    );
    println!("load average after: {}", load_average());
    let examples: Vec<&String> = typed
        .iter()
        .step_by(typed.len().max(8) / 8)
        .take(8)
        .collect();
    println!("sample queries: {examples:?}");
    drop(runtime);
}
