//! The articles `serve --demo` starts with: what an IT-support company's customers ask most
//! (Mago4, mail, printers, network and VPN, the website), mostly in Italian, two in English,
//! one internal (technicians only).

use crate::config::Locale;
use crate::store::StoreError;
use crate::store::knowledge::{ArticleDraft, Knowledge, Visibility};

use super::article::slugify;

struct DemoArticle {
    title: &'static str,
    category: &'static str,
    visibility: Visibility,
    language: Locale,
    body: &'static str,
}

const MAGO: &str = "Mago4";
const MAIL: &str = "Posta elettronica";
const PRINTERS: &str = "Stampanti";
const NETWORK: &str = "Rete e VPN";
const WEB: &str = "Sito web";

const ARTICLES: &[DemoArticle] = &[
    DemoArticle {
        title: "Mago4: come segnalare un problema perché venga risolto subito",
        category: MAGO,
        visibility: Visibility::Public,
        language: Locale::It,
        body: "\
Il tecnico deve poter **ripetere da solo** il problema, da remoto, senza telefonarti. \
Una segnalazione come \"Siamo bloccati\" costringe a chiedere spiegazioni e fa perdere tempo \
a tutti.

## L'oggetto

Scrivi un oggetto che descriva il problema, per esempio:

- *Problema emissione fatture*
- *Fido calcolato male per il cliente Rossi*
- *Errore in stampa DDT*

## Il testo

Indica sempre:

1. **Cosa stavi facendo**: la procedura (es. emissione DDT), il registro (es. `VENIMM`), \
il periodo (dal 1 al 10 dicembre).
2. **Su quale documento**: numero e data (es. DDT n° 12345).
3. **Il messaggio di errore esatto**, meglio se con uno screenshot allegato.
4. **Da quando** succede e se capita a tutti gli utenti o solo a te.

## Allegati

Allega screenshot, il PDF del documento sbagliato o il file di log: puoi farlo già nella \
prima mail. Con l'icona **++** vicino all'orologio lo screenshot si allega da solo.
",
    },
    DemoArticle {
        title: "Mago4 si blocca durante l'emissione delle fatture",
        category: MAGO,
        visibility: Visibility::Public,
        language: Locale::It,
        body: "\
Quando l'emissione differita delle fatture si ferma a metà, prima di aprire un ticket \
controlla questi punti.

## 1. Qualcun altro sta lavorando sugli stessi documenti?

Se un collega ha aperto in modifica un DDT o una fattura dello stesso periodo, Mago4 non \
può aggiornarlo. Chiedi di chiudere il documento e riprova.

## 2. La numerazione è corretta?

In **Vendite → Impostazioni → Numeratori** verifica che l'ultimo numero usato sul registro \
corrisponda all'ultima fattura emessa. Un numeratore \"indietro\" fa fallire l'emissione \
con un errore di chiave duplicata.

## 3. Il cliente ha tutti i dati fiscali?

Partita IVA, codice SDI o PEC e condizione di pagamento mancanti bloccano la fattura \
elettronica. Il messaggio di errore indica il cliente: completa l'anagrafica e rilancia.

Se il blocco continua, apri un ticket indicando **registro, periodo, numero del documento** \
su cui si ferma e il testo esatto dell'errore.
",
    },
    DemoArticle {
        title: "Mago4: sbloccare un documento rimasto in uso",
        category: MAGO,
        visibility: Visibility::Internal,
        language: Locale::It,
        body: "\
*Procedura interna per i tecnici: non inoltrare al cliente.*

Quando un client Mago4 si chiude male, il documento resta segnato come in uso e nessuno \
riesce più a modificarlo.

1. Fai uscire l'utente che lo aveva aperto (chiedi conferma al cliente).
2. Da **Administration Console** apri *Gestione lock* sull'azienda del cliente.
3. Filtra per utente o per tabella (`MA_SaleDoc` per fatture e DDT).
4. Elimina solo i lock più vecchi dell'ultimo accesso dell'utente.
5. Annota nel ticket (nota interna) quali lock hai rimosso.

Se i lock si ripresentano ogni giorno, controlla la rete della postazione: disconnessioni \
brevi del client sono la causa più frequente.
",
    },
    DemoArticle {
        title: "Outlook non invia la posta: i messaggi restano in Posta in uscita",
        category: MAIL,
        visibility: Visibility::Public,
        language: Locale::It,
        body: "\
Se i messaggi restano nella cartella **Posta in uscita** e non partono:

1. **Controlla la dimensione degli allegati.** Oltre i 20 MB il server rifiuta il \
messaggio. Usa un link di condivisione per i file grandi, poi elimina il messaggio bloccato \
da Posta in uscita.
2. **Verifica di essere in linea.** In basso nella finestra di Outlook non deve comparire \
*Disconnesso* o *Lavora offline* (scheda **Invia/Ricevi → Lavora offline**).
3. **Password cambiata di recente?** Outlook può chiedere la nuova password in una finestra \
nascosta dietro le altre: riduci a icona le finestre e controlla.
4. **Riavvia Outlook** e premi **Invia/Ricevi tutte le cartelle** (F9).

Se il problema resta, apri un ticket allegando uno screenshot dell'errore che compare in \
**Invia/Ricevi → Mostra stato avanzamento**.
",
    },
    DemoArticle {
        title: "Configurare la posta aziendale sullo smartphone",
        category: MAIL,
        visibility: Visibility::Public,
        language: Locale::It,
        body: "\
Per leggere la posta aziendale su Android o iPhone usa l'app di posta del telefono con un \
account **IMAP**.

| Impostazione | Valore |
|---|---|
| Tipo di account | IMAP |
| Server in entrata | quello indicato nella mail di benvenuto, porta 993, SSL/TLS |
| Server in uscita | stesso server, porta 465 (SSL/TLS) o 587 (STARTTLS) |
| Nome utente | il tuo indirizzo completo |

- Usa la stessa password del computer; se l'hai cambiata da poco, aggiornala anche sul \
telefono.
- Non scegliere **POP3**: scaricherebbe i messaggi sul telefono togliendoli dal server.
- Se il telefono segnala un certificato non valido, non accettarlo: apri un ticket.
",
    },
    DemoArticle {
        title: "La stampante risulta offline o non stampa",
        category: PRINTERS,
        visibility: Visibility::Public,
        language: Locale::It,
        body: "\
Quando Windows mostra la stampante **non in linea** o i documenti restano in coda:

1. **Controlla la stampante**: è accesa, senza errori sul display (carta inceppata, toner \
esaurito, sportello aperto)?
2. **Svuota la coda di stampa**: apri *Impostazioni → Bluetooth e dispositivi → Stampanti e \
scanner*, scegli la stampante, **Apri coda di stampa** e annulla tutti i documenti.
3. **Riavvia lo spooler di stampa**: premi Win+R, scrivi `services.msc`, cerca \
*Spooler di stampa* e scegli **Riavvia**.
4. **Verifica la rete**: stampa dalla stampante la pagina di configurazione e controlla \
che l'indirizzo IP sia quello di sempre. Se è cambiato, apri un ticket: va riconfigurata.
5. Togli la spunta a **Usa stampante offline** nel menu della coda di stampa.

Se altri colleghi stampano regolarmente sulla stessa stampante, il problema è del tuo \
computer: indicalo nel ticket.
",
    },
    DemoArticle {
        title: "Scansione su cartella di rete non funziona",
        category: PRINTERS,
        visibility: Visibility::Public,
        language: Locale::It,
        body: "\
La multifunzione salva le scansioni in una cartella condivisa del server o del tuo PC. \
Se sul display compare *Errore di invio* o *Percorso non trovato*:

- **La password del tuo utente è cambiata?** La multifunzione usa le credenziali salvate \
nella rubrica: vanno aggiornate (chiedi all'assistenza se non hai accesso al pannello).
- **Il PC di destinazione è acceso** e collegato alla rete aziendale (non alla rete ospiti)?
- **La cartella esiste ancora** con lo stesso nome? Rinominarla interrompe la scansione.

Nel ticket indica il modello della multifunzione, il nome del destinatario scelto in \
rubrica e il messaggio esatto mostrato sul display.
",
    },
    DemoArticle {
        title: "La VPN non si connette da casa",
        category: NETWORK,
        visibility: Visibility::Public,
        language: Locale::It,
        body: "\
Se il client VPN resta su *Connessione in corso* o mostra un errore di autenticazione:

1. **Internet funziona?** Apri un sito qualsiasi. Senza connessione la VPN non può partire.
2. **Data e ora del PC sono corrette?** Un orologio sbagliato fa rifiutare il certificato.
3. **Password scaduta?** Se hai cambiato la password di Windows, la VPN usa quella nuova.
4. **Rete dell'hotel o del telefono?** Alcune reti pubbliche bloccano le VPN: prova con \
l'hotspot dello smartphone.
5. **Chiudi e riapri il client VPN**, poi riavvia il PC.

Nel ticket allega uno screenshot del messaggio di errore e indica da che rete ti stai \
collegando (fibra di casa, hotspot, albergo).
",
    },
    DemoArticle {
        title: "Il sito web non si apre o mostra un errore",
        category: WEB,
        visibility: Visibility::Public,
        language: Locale::It,
        body: "\
Prima di segnalare che il sito aziendale non funziona:

- **Prova da un'altra rete** (per esempio dallo smartphone senza Wi-Fi): se da lì si apre, \
il problema è la rete dell'ufficio, non il sito.
- **Svuota la cache del browser** (Ctrl+Maiusc+Canc) o prova in una finestra anonima.
- **Annota il messaggio esatto**: *Errore 500*, *Sito non sicuro*, *Server non trovato* \
indicano cause diverse.

Se il sito mostra un avviso sul **certificato scaduto** o un dominio in scadenza, apri subito \
un ticket con priorità alta: i visitatori vedono lo stesso avviso.
",
    },
    DemoArticle {
        title: "Printer shows as offline on Windows",
        category: PRINTERS,
        visibility: Visibility::Public,
        language: Locale::En,
        body: "\
When Windows marks a printer as **offline** or jobs stay in the queue:

1. Check the printer's display for paper jams, empty toner or an open cover.
2. Open *Settings → Bluetooth & devices → Printers & scanners*, pick the printer, choose \
**Open print queue** and cancel every job.
3. Restart the **Print Spooler** service: press Win+R, type `services.msc`, find \
*Print Spooler* and choose **Restart**.
4. Print the printer's configuration page and check that its IP address has not changed. \
If it has, open a ticket: the printer must be set up again.

If colleagues can print to the same printer, mention it in the ticket: the problem is then \
on your computer.
",
    },
    DemoArticle {
        title: "Setting up the VPN client on a new laptop",
        category: NETWORK,
        visibility: Visibility::Public,
        language: Locale::En,
        body: "\
To work from home you need the company VPN client.

1. Ask the helpdesk (open a ticket) for the VPN profile of your user: it is sent to you \
with installation instructions.
2. Install the client with the file you received, then restart the laptop.
3. Sign in with your usual Windows user name and password.

If the connection fails, check that the laptop's **date and time** are correct and that \
you are not on a guest or hotel network that blocks VPN traffic.
",
    },
];

/// Stores the demo articles when the knowledge base is empty; returns how many were added
/// (0 when there were articles already).
pub async fn seed_demo_articles<K: Knowledge>(store: &K, now: i64) -> Result<usize, StoreError> {
    if store.article_count().await? > 0 {
        return Ok(0);
    }
    for (n, article) in ARTICLES.iter().enumerate() {
        let draft = ArticleDraft {
            title: article.title.to_string(),
            body: article.body.trim_end().to_string(),
            category: article.category.to_string(),
            visibility: article.visibility,
            language: article.language,
            author: None,
        };
        // A minute apart, oldest first, so "recently updated" lists have an order.
        let at = now - 60_000 * (ARTICLES.len() - n) as i64;
        store
            .insert_article(&draft, &slugify(article.title), at)
            .await?;
    }
    Ok(ARTICLES.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::article::{DraftInput, check_draft};

    #[test]
    fn every_demo_article_is_a_valid_draft() {
        for article in ARTICLES {
            let input = DraftInput {
                title: article.title.into(),
                body: article.body.into(),
                category: article.category.into(),
                visibility: article.visibility.as_str().into(),
                language: article.language.as_str().into(),
            };
            assert!(check_draft(&input, None).is_ok(), "{}", article.title);
        }
        assert!(
            ARTICLES
                .iter()
                .any(|a| a.visibility == Visibility::Internal)
        );
        assert!(ARTICLES.iter().any(|a| a.language == Locale::En));
    }
}
