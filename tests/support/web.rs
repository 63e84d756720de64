//! A web client for the pages' HTTP tests: it signs in through `/login` like a browser, keeps
//! the cookies the server sets, reads the session's CSRF token from the pages and posts forms
//! (urlencoded or multipart with files). Users are made with the server's CLI
//! ([`create_user`]).

use crate::TestDesk;
use crate::http::{HttpResponse, Multipart, http_request};

/// The password every test user made by [`create_user`] gets unless a test says otherwise.
pub const PASSWORD: &str = "Prova-Portale-2026!";

/// `ppdesk-server user create EMAIL --role ROLE [--org ORG]`, the password on stdin.
pub fn create_user(desk: &TestDesk, email: &str, role: &str, organisation: Option<&str>) {
    let mut args = vec!["user", "create", email, "--role", role];
    if let Some(organisation) = organisation {
        args.extend(["--org", organisation]);
    }
    desk.run_with_stdin(&args, format!("{PASSWORD}\n").as_bytes())
        .assert_success();
}

/// Percent-encodes a form value (`application/x-www-form-urlencoded`).
pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// A urlencoded form body.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the first hidden `_csrf` field of a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no _csrf field in the page:\n{html}"))
        + marker.len();
    let end = html[start..].find('"').expect("end of the _csrf value") + start;
    html[start..end].to_string()
}

/// A browser-like client of one server: the cookies it was given.
pub struct WebClient {
    addr: String,
    cookies: Vec<(String, String)>,
}

impl WebClient {
    /// A client of the server at `addr` (`127.0.0.1:port`), signed in as nobody.
    pub fn new(addr: &str) -> Self {
        Self {
            addr: addr.to_string(),
            cookies: Vec::new(),
        }
    }

    /// A client signed in as `email` (with [`PASSWORD`]).
    pub fn signed_in(addr: &str, email: &str) -> Self {
        let mut client = Self::new(addr);
        client.sign_in(email, PASSWORD);
        client
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, response: &HttpResponse) {
        for (name, value) in &response.headers {
            if name != "set-cookie" {
                continue;
            }
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                self.cookies.retain(|(old, _)| old != k);
                if !v.is_empty() {
                    self.cookies.push((k.to_string(), v.to_string()));
                }
            }
        }
    }

    /// One request with the client's cookies; the answer's cookies are kept.
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> HttpResponse {
        let cookie = self.cookie_header();
        let mut all: Vec<(&str, &str)> = headers.to_vec();
        if !cookie.is_empty() {
            all.push(("Cookie", &cookie));
        }
        let response = http_request(&self.addr, method, path, &all, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        self.keep_cookies(&response);
        response
    }

    /// `GET path`.
    pub fn get(&mut self, path: &str) -> HttpResponse {
        self.send("GET", path, &[], b"")
    }

    /// The session's CSRF token, read from the page at `path`.
    pub fn csrf(&mut self, path: &str) -> String {
        let page = self.get(path);
        assert_eq!(page.status, 200, "GET {path}: {}", page.text());
        csrf_of(&page.text())
    }

    /// Posts a urlencoded form as given (add `_csrf` yourself, or leave it out on purpose).
    pub fn post_form(&mut self, path: &str, pairs: &[(&str, &str)]) -> HttpResponse {
        self.send(
            "POST",
            path,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form_body(pairs).as_bytes(),
        )
    }

    /// Posts a multipart form (with files) as given.
    pub fn post_multipart(&mut self, path: &str, form: &Multipart) -> HttpResponse {
        let content_type = form.content_type();
        self.send(
            "POST",
            path,
            &[("Content-Type", &content_type)],
            &form.body(),
        )
    }

    /// Signs in through `/login` as a browser would; panics unless a session cookie comes back.
    pub fn sign_in(&mut self, email: &str, password: &str) {
        let csrf = self.csrf("/login");
        let answer = self.post_form(
            "/login",
            &[("email", email), ("password", password), ("_csrf", &csrf)],
        );
        assert!(
            answer.status == 303 && self.cookies.iter().any(|(k, _)| k == "ppdesk_session"),
            "sign-in as {email} failed: {} {}",
            answer.status,
            answer.text()
        );
    }
}

impl WebClient {
    /// The value of cookie `name` the server set on this client, if any.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The server address this client talks to.
    pub fn addr(&self) -> &str {
        &self.addr
    }
}

/// Signs in as `email` with `password` (any user, e.g. the demo's); the signed-in client keeps
/// the session cookie, and `client.csrf(path)` reads the session's CSRF token from any page.
pub fn login(addr: &str, email: &str, password: &str) -> WebClient {
    let mut client = WebClient::new(addr);
    client.sign_in(email, password);
    client
}
