//! `serve --demo`: a demo organisation and a few sample tickets, made through the same ingest
//! path as real mail so the demo shows what the product really does.

use mail_builder::MessageBuilder;

use crate::accounts::{Role, UserDraft};
use crate::config::{Config, OrganisationConfig, RoutingRule};
use crate::desk::Desk;
use crate::ingest::IngestError;
use crate::operator::OperatorError;
use crate::store::accounts::Accounts;
use crate::store::{Store, TicketFilter};

/// The demo organisation's mail domain.
pub const DEMO_DOMAIN: &str = "demo.example";
/// The demo organisation's name.
pub const DEMO_ORGANISATION: &str = "Demo S.r.l.";

/// Adds the demo organisation, sectors and a routing rule to a config (in memory only).
pub fn with_demo_organisation(mut config: Config) -> Config {
    if !config
        .organisations
        .iter()
        .any(|o| o.domains.iter().any(|d| d == DEMO_DOMAIN))
    {
        config.organisations.push(OrganisationConfig {
            name: DEMO_ORGANISATION.into(),
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
    #[error(transparent)]
    Account(#[from] crate::accounts::service::AccountError),
    #[error("rendering a sample mail: {0}")]
    Render(#[from] std::io::Error),
}

/// Seeds sample tickets when the database has none — one in each status for the demo customer,
/// one more of a colleague — and returns how many messages it ingested.
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
    // Mario Rossi (a plain customer) has a ticket in every status; Giulia Bianchi, his
    // colleague, one more that only the organisation admin (Anna Neri) and staff see.
    let samples = [
        (
            ("Mario Rossi", "mario.rossi@demo.example"),
            "Problema emissione fatture",
            "Buongiorno,\nla procedura di emissione ddt sul registro VENIMM dal 1 al 10 dicembre \
             si blocca per il ddt n° 12345 con questo errore: \"Fido superato\".\n\nGrazie,\nMario",
            "demo-1@demo.example",
        ),
        (
            ("Mario Rossi", "mario.rossi@demo.example"),
            "Il sito web non si apre dall'ufficio",
            "Salve, da stamattina il sito aziendale non si apre da nessun PC dell'ufficio.\n\
             Da cellulare funziona.\n\nMario",
            "demo-2@demo.example",
        ),
        (
            ("Mario Rossi", "mario.rossi@demo.example"),
            "Stampante del magazzino offline",
            "La stampante del magazzino risulta offline da ieri sera.",
            "demo-3@demo.example",
        ),
        (
            ("Mario Rossi", "mario.rossi@demo.example"),
            "Fatture: richiesta inviata due volte",
            "Scusate, è la stessa richiesta sulle fatture mandata due volte.",
            "demo-4@demo.example",
        ),
        (
            ("Giulia Bianchi", "giulia.bianchi@demo.example"),
            "Credenziali VPN per il nuovo collega",
            "Buongiorno, servono le credenziali VPN per Paolo, che inizia lunedì.\n\nGiulia",
            "demo-5@demo.example",
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
    if let [_, web, printer, duplicate, _] = numbers[..] {
        desk.reply(
            web,
            "Buongiorno Mario, il sito risponde dall'esterno. Può dirci che errore mostra il \
             browser in ufficio?",
        )
        .await?;
        desk.resolve(
            printer,
            Some("Riavviato lo spooler di stampa del magazzino."),
        )
        .await?;
        desk.cancel(duplicate).await?;
    }
    Ok(count)
}

/// A demo account, printed when `serve --demo` starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub email: &'static str,
    pub password: &'static str,
    pub role: Role,
}

impl DemoLogin {
    /// "Accedi a http://… come mario.rossi@demo.example / demo-cliente (cliente)".
    pub fn line(&self, locale: crate::config::Locale, base_url: &str) -> String {
        let t = crate::web::texts::texts(locale).common;
        let role = match self.role {
            Role::Customer => t.role_customer,
            Role::OrgAdmin => t.role_org_admin,
            Role::Technician => t.role_technician,
            Role::Admin => t.role_admin,
        };
        match locale {
            crate::config::Locale::It => format!(
                "Accedi a {base_url} come {} / {}  ({role})",
                self.email, self.password
            ),
            crate::config::Locale::En => format!(
                "Sign in at {base_url} as {} / {}  ({role})",
                self.email, self.password
            ),
        }
    }
}

/// The demo accounts: an admin, a technician, the demo organisation's admin and a customer
/// (plus the customer's colleague, who is not printed). Fixed passwords: a demo only.
pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        email: "mario.rossi@demo.example",
        password: "demo-cliente",
        role: Role::Customer,
    },
    DemoLogin {
        email: "anna.neri@demo.example",
        password: "demo-referente",
        role: Role::OrgAdmin,
    },
    DemoLogin {
        email: "tecnico@ppdesk.localhost",
        password: "demo-tecnico",
        role: Role::Technician,
    },
    DemoLogin {
        email: "admin@ppdesk.localhost",
        password: "demo-admin",
        role: Role::Admin,
    },
];

/// Makes the demo accounts that do not exist yet; returns every demo login to print.
pub async fn seed_users<S: Store + Accounts>(desk: &Desk<S>) -> Result<Vec<DemoLogin>, SeedError> {
    let names = [
        ("mario.rossi@demo.example", "Mario Rossi"),
        ("anna.neri@demo.example", "Anna Neri"),
        ("tecnico@ppdesk.localhost", "Tecnico Demo"),
        ("admin@ppdesk.localhost", "Amministratore Demo"),
        ("giulia.bianchi@demo.example", "Giulia Bianchi"),
    ];
    let colleague = DemoLogin {
        email: "giulia.bianchi@demo.example",
        password: "demo-cliente",
        role: Role::Customer,
    };
    for login in DEMO_LOGINS.iter().chain(std::iter::once(&colleague)) {
        if desk.store.user_by_email(login.email).await?.is_some() {
            continue;
        }
        let name = names
            .iter()
            .find(|(email, _)| *email == login.email)
            .map(|(_, name)| name.to_string());
        let organisation = (!login.role.is_staff()).then(|| DEMO_ORGANISATION.to_string());
        desk.create_user(
            UserDraft {
                email: login.email.to_string(),
                name,
                role: login.role,
                organisation,
            },
            Some(login.password.to_string()),
            None,
        )
        .await?;
    }
    Ok(DEMO_LOGINS.to_vec())
}
