//! `serve --demo`: a demo organisation and a few sample tickets, made through the same ingest
//! path as real mail so the demo shows what the product really does.

use mail_builder::MessageBuilder;

use crate::config::{Config, OrganisationConfig, RoutingRule};
use crate::desk::Desk;
use crate::ingest::IngestError;
use crate::operator::OperatorError;
use crate::store::{Store, TicketFilter};

/// The demo organisation's mail domain.
pub const DEMO_DOMAIN: &str = "demo.example";

/// Adds the demo organisation, sectors and a routing rule to a config (in memory only).
pub fn with_demo_organisation(mut config: Config) -> Config {
    if !config
        .organisations
        .iter()
        .any(|o| o.domains.iter().any(|d| d == DEMO_DOMAIN))
    {
        config.organisations.push(OrganisationConfig {
            name: "Demo S.r.l.".into(),
            domains: vec![DEMO_DOMAIN.into()],
            class: None,
            locale: None,
        });
    }
    for sector in ["Mago", "Web"] {
        if !config.routing.sectors.iter().any(|s| s == sector) {
            config.routing.sectors.push(sector.into());
        }
    }
    if config.routing.rules.is_empty() {
        config.routing.rules.push(RoutingRule {
            name: Some("Mago4 e fatturazione".into()),
            sector: "Mago".into(),
            category: config
                .routing
                .categories
                .iter()
                .find(|c| *c == "Mago")
                .cloned(),
            priority: None,
            keywords: vec!["mago".into(), "fattur".into(), "ddt".into()],
            sender_domains: vec![],
            when_category: vec![],
        });
        config.routing.rules.push(RoutingRule {
            name: Some("Sito web".into()),
            sector: "Web".into(),
            category: config
                .routing
                .categories
                .iter()
                .find(|c| *c == "Web")
                .cloned(),
            priority: None,
            keywords: vec!["sito".into(), "web".into(), "posta".into()],
            sender_domains: vec![],
            when_category: vec![],
        });
    }
    config
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error(transparent)]
    Operator(#[from] OperatorError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("rendering a sample mail: {0}")]
    Render(#[from] std::io::Error),
}

/// Seeds sample tickets when the database has none — one waiting on support, one waiting on
/// the customer, one resolved — and returns how many messages it ingested.
pub async fn seed<S: Store>(desk: &Desk<S>) -> Result<usize, SeedError> {
    let any = desk
        .store
        .tickets(&TicketFilter {
            limit: Some(1),
            ..TicketFilter::default()
        })
        .await?;
    if !any.is_empty() {
        return Ok(0);
    }
    let helpdesk = desk.config.helpdesk.address.clone();
    let samples = [
        (
            ("Mario Rossi", "mario.rossi@demo.example"),
            "Problema emissione fatture",
            "Buongiorno,\nla procedura di emissione ddt sul registro VENIMM dal 1 al 10 dicembre \
             si blocca per il ddt n° 12345 con questo errore: \"Fido superato\".\n\nGrazie,\nMario",
            "demo-1@demo.example",
        ),
        (
            ("Giulia Bianchi", "giulia.bianchi@demo.example"),
            "Il sito web non si apre dall'ufficio",
            "Salve, da stamattina il sito aziendale non si apre da nessun PC dell'ufficio.\n\
             Da cellulare funziona.\n\nGiulia",
            "demo-2@demo.example",
        ),
        (
            ("Luca Verdi", "luca.verdi@demo.example"),
            "Stampante del magazzino offline",
            "La stampante del magazzino risulta offline da ieri sera.",
            "demo-3@demo.example",
        ),
    ];
    let mut count = 0;
    let mut numbers = Vec::new();
    for ((name, address), subject, body, id) in samples {
        let raw = MessageBuilder::new()
            .from((name, address))
            .to(helpdesk.as_str())
            .subject(subject)
            .message_id(id)
            .date(desk.now_ms() / 1000)
            .text_body(body)
            .write_to_vec()?;
        numbers.extend(desk.ingest(&raw, "demo").await?.ticket);
        count += 1;
    }
    if let [_, web, printer] = numbers[..] {
        desk.reply(
            web,
            "Buongiorno Giulia, il sito risponde dall'esterno. Può dirci che errore mostra il \
             browser in ufficio?",
        )
        .await?;
        desk.resolve(
            printer,
            Some("Riavviato lo spooler di stampa del magazzino."),
        )
        .await?;
    }
    Ok(count)
}
