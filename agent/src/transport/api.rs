//! The server API: `POST /api/v1/tickets` with the organisation token, and "my tickets".

use std::time::Duration;

use ppdesk_shared::agent_config::AgentConfig;
use ppdesk_shared::api::{self, ApiError, CreatedTicket, TicketSummary, form};
use reqwest::StatusCode;
use reqwest::blocking::{Client, Response, multipart};

use super::{Delivered, SendError, Transport, TransportError};
use crate::draft::Draft;

const MODE: &str = "api";

/// Sends drafts to the ppdesk server.
pub struct ApiTransport {
    client: Client,
    base_url: String,
    token: String,
}

impl ApiTransport {
    /// Needs `server_url` and `org_token`.
    pub fn new(config: &AgentConfig) -> Result<Self, TransportError> {
        let base_url = config
            .server_url
            .as_deref()
            .ok_or(TransportError::Missing {
                mode: MODE,
                key: "server_url",
            })?
            .trim_end_matches('/')
            .to_owned();
        let token = config.org_token.clone().ok_or(TransportError::Missing {
            mode: MODE,
            key: "org_token",
        })?;
        Ok(Self {
            client: client(Duration::from_secs(120))?,
            base_url,
            token,
        })
    }

    fn form(draft: &Draft) -> Result<multipart::Form, SendError> {
        let machine = serde_json::to_string(&draft.machine)
            .map_err(|e| SendError::Refused(format!("machine facts: {e}")))?;
        let mut form = multipart::Form::new()
            .text(form::SUBMISSION_ID, draft.id.to_string())
            .text(form::SUBJECT, draft.clean_subject())
            .text(form::DESCRIPTION, draft.description.clone())
            .text(form::PRIORITY, draft.priority.as_str())
            .text(form::CONTACT_NAME, draft.contact.name.clone())
            .text(form::CONTACT_EMAIL, draft.contact.email.trim().to_owned())
            .text(form::MACHINE, machine);
        if let Some(category) = &draft.category {
            form = form.text(form::CATEGORY, category.clone());
        }
        let files = draft
            .screenshot
            .iter()
            .map(|shot| (form::SCREENSHOT, shot))
            .chain(draft.attachments.iter().map(|a| (form::ATTACHMENT, a)));
        for (field, file) in files {
            let part = multipart::Part::bytes(file.bytes.clone())
                .file_name(file.file_name.clone())
                .mime_str(&file.content_type)
                .map_err(|e| SendError::Refused(format!("{}: {e}", file.file_name)))?;
            form = form.part(field, part);
        }
        Ok(form)
    }
}

impl Transport for ApiTransport {
    fn send(&self, draft: &Draft) -> Result<Delivered, SendError> {
        let url = format!("{}{}", self.base_url, api::TICKETS_PATH);
        // The form is rendered in memory first: a streamed body races the connection in
        // reqwest's blocking client, and a refused connection then surfaced as "send failed
        // because receiver is gone" instead of saying that nothing answers. It also gives the
        // server a Content-Length to refuse an oversized request before reading it.
        let form = Self::form(draft)?;
        let content_type = format!("multipart/form-data; boundary={}", form.boundary());
        let mut body = Vec::with_capacity(draft.payload_bytes() + 4096);
        std::io::Read::read_to_end(&mut form.into_reader(), &mut body)
            .map_err(|e| SendError::Refused(format!("building the request: {e}")))?;
        let response = self
            .client
            .post(&url)
            .bearer_auth(&self.token)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .map_err(|e| SendError::Retry(describe_request_error(&url, &e)))?;
        match response.status() {
            StatusCode::OK | StatusCode::CREATED => response
                .json::<CreatedTicket>()
                .map(Delivered::Ticket)
                // The server took it but its answer is unreadable: retrying is safe (the
                // submission id makes the server answer with the same ticket).
                .map_err(|e| SendError::Retry(format!("{url}: unreadable answer: {e}"))),
            status => Err(classify_refusal(&url, status, response)),
        }
    }
}

/// The tickets of `contact_email` in the token's organisation, newest first.
pub fn my_tickets(
    config: &AgentConfig,
    contact_email: &str,
) -> Result<Vec<TicketSummary>, TransportError> {
    let transport = ApiTransport::new(config)?;
    let url = format!("{}{}", transport.base_url, api::TICKETS_PATH);
    let response = transport
        .client
        .get(&url)
        .bearer_auth(&transport.token)
        .query(&[("contact", contact_email)])
        .timeout(Duration::from_secs(20))
        .send()
        .map_err(|e| TransportError::Http(describe_request_error(&url, &e)))?;
    if !response.status().is_success() {
        let status = response.status();
        return Err(TransportError::Http(
            classify_refusal(&url, status, response).reason().to_owned(),
        ));
    }
    response
        .json()
        .map_err(|e| TransportError::Http(format!("{url}: unreadable answer: {e}")))
}

/// A blocking HTTP client over rustls (ring) with the given overall timeout.
pub fn client(timeout: Duration) -> Result<Client, TransportError> {
    Client::builder()
        .tls_backend_preconfigured(super::tls_config()?)
        .connect_timeout(Duration::from_secs(10))
        .timeout(timeout)
        // A redirect would carry the token to another address (in clear from http://), and
        // would turn the POST into a GET that the server refuses; say where it points instead.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("ppdesk-agent/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| TransportError::Http(format!("HTTP client: {e}")))
}

/// Retry on 408, 429 and 5xx (the server may recover); refuse on other statuses. The server's
/// [`ApiError`] message is kept, as it says what and where.
fn classify_refusal(url: &str, status: StatusCode, response: Response) -> SendError {
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("?")
            .to_owned();
        return SendError::Refused(format!(
            "{url}: {status}: the server redirects to {location}; set server_url to the \
             address it points to"
        ));
    }
    let body = response.text().unwrap_or_default();
    let message = serde_json::from_str::<ApiError>(&body)
        .map(|error| error.message)
        .unwrap_or_else(|_| body.chars().take(300).collect());
    let reason = format!("{url}: {status}: {message}");
    if status.is_server_error()
        || status == StatusCode::REQUEST_TIMEOUT
        || status == StatusCode::TOO_MANY_REQUESTS
    {
        SendError::Retry(reason)
    } else {
        SendError::Refused(reason)
    }
}

/// reqwest's error with its causes, which say whether DNS, the connection or TLS failed.
fn describe_request_error(url: &str, error: &reqwest::Error) -> String {
    let mut text = format!("{url}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
