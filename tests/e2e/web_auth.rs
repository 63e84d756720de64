//! Sign-in, sessions and the guards every web page stands behind (issue 5, item 1 and the
//! security proofs), over HTTP against a real `ppdesk-server serve`: right and wrong
//! passwords (an unknown address answered like a wrong password), throttling, sign-out, forms
//! refused without their CSRF token or from another site, the password-reset mail and its
//! one-time link, customers kept out of the console and the admin pages, uploads over the
//! limit refused with a page naming it, the CLI's `user` commands and the admin pages.

use std::time::{Duration, Instant};

use ppdesk_tests::http::{HttpResponse, Multipart, http_request};
use ppdesk_tests::web::{PASSWORD, WebClient, create_user, csrf_of, login};
use ppdesk_tests::{TestDesk, default_config, wait_for};

const ACME: &str = "ACME S.r.l.";
const MARIO: &str = "mario.rossi@acme.it";
const ANNA: &str = "anna.verdi@acme.it";
const MARCO: &str = "marco.ferri@projectpp.it";
const ADMIN: &str = "admin@projectpp.it";

/// A desk with ACME, a customer, an organisation admin, a technician and an admin; `web` is
/// the `[web]` section's body.
fn desk(web: &str) -> TestDesk {
    let desk = TestDesk::with_config(&format!("{}\n[web]\n{web}\n", default_config()));
    desk.run(&["org", "create", ACME, "--domain", "acme.it"])
        .assert_success();
    for (email, role, org) in [
        (MARIO, "customer", Some(ACME)),
        (ANNA, "org_admin", Some(ACME)),
        (MARCO, "technician", None),
        (ADMIN, "admin", None),
    ] {
        create_user(&desk, email, role, org);
    }
    desk
}

fn location(response: &HttpResponse) -> &str {
    response.header("location").unwrap_or_default()
}

/// Posts the sign-in form with the client's pre-session token; returns the answer and how long
/// it took.
fn try_login(client: &mut WebClient, email: &str, password: &str) -> (HttpResponse, Duration) {
    let csrf = client.csrf("/login");
    let started = Instant::now();
    let answer = client.post_form(
        "/login",
        &[("email", email), ("password", password), ("_csrf", &csrf)],
    );
    (answer, started.elapsed())
}

/// The text of the element with this id (first match, tags inside dropped).
fn element_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let open_end = html[start..].find('>')? + start + 1;
    let close = html[open_end..].find("</")? + open_end;
    Some(html[open_end..close].trim().to_string())
}

#[test]
fn signing_in_out_and_the_same_answer_for_unknown_addresses() {
    let desk = desk("");
    let server = desk.serve("web-auth-login");
    let addr = server.addr();
    let mut anonymous = WebClient::new(addr);

    // Anonymous: home and the portal lead to the sign-in page, remembering where to go.
    let home = anonymous.get("/");
    assert_eq!((home.status, location(&home)), (303, "/login"));
    let portal = anonymous.get("/portal");
    assert_eq!(portal.status, 303);
    assert_eq!(location(&portal), "/login?next=/portal");
    let page = anonymous.get("/login");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("id=\"login-form\""), "{}", page.text());
    assert!(
        anonymous.cookie("ppdesk_pre").is_some(),
        "the sign-in form's pre-session cookie is set"
    );

    // A wrong password and an unknown address: the same status and message, both after a
    // password hash's worth of work.
    let (wrong, wrong_time) = try_login(&mut anonymous, MARIO, "not-the-password");
    let (unknown, unknown_time) = try_login(&mut anonymous, "nobody@acme.it", "not-the-password");
    assert_eq!(wrong.status, 401, "{}", wrong.text());
    assert_eq!(unknown.status, 401);
    let message = element_text(&wrong.text(), "login-error").expect("an error message");
    assert_eq!(
        element_text(&unknown.text(), "login-error"),
        Some(message.clone())
    );
    assert!(message.contains("non corretti"), "{message}");
    assert!(anonymous.cookie("ppdesk_session").is_none());
    assert!(
        unknown_time.as_secs_f64() > wrong_time.as_secs_f64() * 0.3,
        "an unknown address answered much faster ({unknown_time:?}) than a wrong password \
         ({wrong_time:?}): the difference tells which addresses exist"
    );

    // The right password: a session cookie (HttpOnly, SameSite=Lax) and the portal.
    let (right, _) = try_login(&mut anonymous, MARIO, PASSWORD);
    assert_eq!((right.status, location(&right)), (303, "/portal"));
    let set_cookie = right
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("ppdesk_session="))
        .map(|(_, v)| v.clone())
        .expect("a session cookie");
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let mut mario = anonymous;
    let portal = mario.get("/portal");
    assert_eq!(portal.status, 200, "{}", portal.text());
    let html = portal.text();
    assert!(html.contains("id=\"logout-form\""), "{html}");
    assert!(
        html.contains(MARIO) || html.contains("Accesso come"),
        "{html}"
    );
    // Security headers on every page.
    let csp = portal.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(portal.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(portal.header("cache-control"), Some("no-store"));

    // A signed-in user asking for /login goes home; `next` is followed only to local paths.
    let again = mario.get("/login");
    assert_eq!((again.status, location(&again)), (303, "/portal"));
    let mut second = WebClient::new(addr);
    let csrf = second.csrf("/login");
    let evil = second.post_form(
        "/login",
        &[
            ("email", MARIO),
            ("password", PASSWORD),
            ("next", "//evil.example/x"),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!((evil.status, location(&evil)), (303, "/portal"));

    // Signing out ends the session on the server, not only in this browser.
    let session = mario.cookie("ppdesk_session").expect("session").to_string();
    let csrf = mario.csrf("/portal");
    let out = mario.post_form("/logout", &[("_csrf", &csrf)]);
    assert_eq!((out.status, location(&out)), (303, "/login?done=out"));
    assert!(mario.cookie("ppdesk_session").is_none());
    let replayed = http_request(
        addr,
        "GET",
        "/portal",
        &[("Cookie", &format!("ppdesk_session={session}"))],
        b"",
    )
    .expect("GET /portal");
    assert_eq!(replayed.status, 303, "the old session cookie still works");
    let bye = mario.get("/login?done=out");
    assert!(element_text(&bye.text(), "login-notice").is_some());
}

#[test]
fn repeated_failures_lock_the_address_and_say_for_how_long() {
    let desk = desk("login_max_failures = 3\nlogin_lockout_secs = 120\n");
    let server = desk.serve("web-auth-throttle");
    let mut client = WebClient::new(server.addr());
    for attempt in 1..=2 {
        let (answer, _) = try_login(&mut client, MARIO, "wrong password");
        assert_eq!(answer.status, 401, "attempt {attempt}");
    }
    let (third, _) = try_login(&mut client, MARIO, "wrong password");
    assert_eq!(third.status, 429, "{}", third.text());
    let retry: u64 = third
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((100..=120).contains(&retry), "Retry-After {retry}");
    let message = element_text(&third.text(), "login-error").expect("message");
    assert!(message.contains("2 minuti"), "{message}");
    // Locked means locked: the right password is not even looked at.
    let (right, _) = try_login(&mut client, MARIO, PASSWORD);
    assert_eq!(right.status, 429);
    assert!(client.cookie("ppdesk_session").is_none());
    // Other addresses from the same machine still sign in (the IP allows four times more).
    let (anna, _) = try_login(&mut client, ANNA, PASSWORD);
    assert_eq!(anna.status, 303, "{}", anna.text());
}

#[test]
fn forms_without_their_token_or_from_another_site_are_refused() {
    let desk = desk("");
    let server = desk.serve("web-auth-csrf");
    let addr = server.addr();
    let mut mario = login(addr, MARIO, PASSWORD);
    let csrf = mario.csrf("/portal");

    // No token, a wrong token: 403 with a page that says to reload, and still signed in.
    for form in [vec![], vec![("_csrf", "0".repeat(64))]] {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let refused = mario.post_form("/logout", &pairs);
        assert_eq!(refused.status, 403, "{}", refused.text());
        let html = refused.text();
        assert_eq!(
            element_text(&html, "error-title").as_deref(),
            Some("Il modulo è scaduto")
        );
        assert!(
            element_text(&html, "error-text")
                .unwrap_or_default()
                .contains("Ricarica")
        );
    }
    assert_eq!(
        mario.get("/portal").status,
        200,
        "a refused form must not sign out"
    );

    // The right token from another site's page: refused by its Origin.
    let cookie = format!("ppdesk_session={}", mario.cookie("ppdesk_session").unwrap());
    let body = format!("_csrf={csrf}");
    let cross = http_request(
        addr,
        "POST",
        "/logout",
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "https://evil.example"),
            ("Sec-Fetch-Site", "cross-site"),
        ],
        body.as_bytes(),
    )
    .expect("POST");
    assert_eq!(cross.status, 403, "{}", cross.text());
    assert!(
        element_text(&cross.text(), "error-text")
            .unwrap_or_default()
            .contains("altri siti")
    );
    // The same from our own origin works.
    let own = http_request(
        addr,
        "POST",
        "/logout",
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &format!("http://{addr}")),
        ],
        body.as_bytes(),
    )
    .expect("POST");
    assert_eq!(own.status, 303, "{}", own.text());

    // The sign-in form is protected before any session: its token is bound to its cookie.
    let mut stranger = WebClient::new(addr);
    let token = stranger.csrf("/login");
    let mut other = WebClient::new(addr);
    let stolen = other.post_form(
        "/login",
        &[("email", MARIO), ("password", PASSWORD), ("_csrf", &token)],
    );
    assert_eq!(
        stolen.status, 403,
        "a sign-in token from another browser was accepted"
    );
}

#[test]
fn a_reset_link_is_mailed_and_works_once() {
    let desk = desk("reset_link_hours = 3\n");
    let server = desk.serve("web-auth-reset");
    let addr = server.addr();
    let before = desk.spool_names();
    let mut client = WebClient::new(addr);

    // Known and unknown addresses get the same answer; only the known one gets a mail.
    let mut answers = Vec::new();
    for email in [MARIO, "nobody@acme.it"] {
        let csrf = client.csrf("/password/forgot");
        let answer = client.post_form("/password/forgot", &[("email", email), ("_csrf", &csrf)]);
        assert_eq!(answer.status, 200, "{}", answer.text());
        answers.push(element_text(&answer.text(), "forgot-sent").expect("confirmation"));
    }
    assert_eq!(answers[0], answers[1]);
    let mails = wait_for(Duration::from_secs(15), || {
        let new = desk.spool_since(&before);
        (!new.is_empty()).then_some(new)
    })
    .expect("a reset mail in the spool");
    drop(mails);
    // Give a wrongly queued second mail the time to show up too.
    std::thread::sleep(Duration::from_millis(1500));
    let mails = desk.spool_since(&before);
    assert_eq!(
        mails.len(),
        1,
        "{:?}",
        mails.iter().map(|m| &m.to).collect::<Vec<_>>()
    );
    let mail = &mails[0];
    assert_eq!(mail.to, [MARIO]);
    assert_eq!(mail.header("Auto-Submitted"), Some("auto-replied"));
    // The link uses the configured public address (here helpdesk.portal_url of the test config).
    let link = mail
        .body
        .split_whitespace()
        .find(|w| w.contains("/password/reset/"))
        .expect("a link in the mail")
        .to_string();
    assert!(
        link.starts_with("https://helpdesk.projectpp.it/password/reset/"),
        "{link}"
    );
    assert!(mail.body.contains("3 ore"), "{}", mail.body);
    let path = &link["https://helpdesk.projectpp.it".len()..];

    let page = client.get(path);
    assert_eq!(page.status, 200, "{}", page.text());
    assert!(page.text().contains(MARIO));
    let csrf = csrf_of(&page.text());
    let differ = client.post_form(
        path,
        &[
            ("password", "Nuova-Password-1"),
            ("confirm", "Nuova-Password-2"),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(differ.status, 422);
    assert!(
        element_text(&differ.text(), "reset-error")
            .unwrap_or_default()
            .contains("non coincidono")
    );
    let short = client.post_form(
        path,
        &[
            ("password", "corta"),
            ("confirm", "corta"),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(short.status, 422);

    let done = client.post_form(
        path,
        &[
            ("password", "Nuova-Password-1"),
            ("confirm", "Nuova-Password-1"),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!((done.status, location(&done)), (303, "/login?done=reset"));
    let (old, _) = try_login(&mut WebClient::new(addr), MARIO, PASSWORD);
    assert_eq!(old.status, 401, "the old password still works");
    let (new, _) = try_login(&mut WebClient::new(addr), MARIO, "Nuova-Password-1");
    assert_eq!(new.status, 303);

    // Once only.
    let reused = client.get(path);
    assert_eq!(reused.status, 404);
    assert!(element_text(&reused.text(), "reset-error").is_some());
    let reposted = client.post_form(
        path,
        &[
            ("password", "Terza-Password-3"),
            ("confirm", "Terza-Password-3"),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(reposted.status, 404);
    let (third, _) = try_login(&mut WebClient::new(addr), MARIO, "Terza-Password-3");
    assert_eq!(third.status, 401);
}

#[test]
fn reset_mails_to_one_address_stop_at_the_hourly_limit() {
    let desk = desk("reset_mails_per_hour = 2\n");
    let server = desk.serve("web-auth-reset-limit");
    let mut client = WebClient::new(server.addr());
    let before = desk.spool_names();

    // Four requests, four identical answers: the page never tells that the limit was reached.
    let mut answers = Vec::new();
    for _ in 0..4 {
        let csrf = client.csrf("/password/forgot");
        let answer = client.post_form("/password/forgot", &[("email", MARIO), ("_csrf", &csrf)]);
        assert_eq!(answer.status, 200, "{}", answer.text());
        answers.push(element_text(&answer.text(), "forgot-sent").expect("confirmation"));
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    wait_for(Duration::from_secs(15), || {
        (desk.spool_since(&before).len() >= 2).then_some(())
    })
    .expect("two reset mails in the spool");
    // Give a third, wrongly sent mail the time to show up too.
    std::thread::sleep(Duration::from_millis(1500));
    let mails = desk.spool_since(&before);
    assert_eq!(
        mails.len(),
        2,
        "{:?}",
        mails.iter().map(|m| &m.to).collect::<Vec<_>>()
    );
    assert!(mails.iter().all(|m| m.to == [MARIO]));
}

#[test]
fn customers_are_kept_out_of_the_console_and_the_admin_pages() {
    let desk = desk("");
    let server = desk.serve("web-auth-roles");
    let addr = server.addr();
    let mut mario = login(addr, MARIO, PASSWORD);
    let mut anna = login(addr, ANNA, PASSWORD);
    let mut marco = login(addr, MARCO, PASSWORD);
    let mut admin = login(addr, ADMIN, PASSWORD);

    for customer in [&mut mario, &mut anna] {
        for path in ["/admin", "/admin/users", "/admin/config", "/console"] {
            let page = customer.get(path);
            assert!(
                page.status == 403
                    || (page.status == 303 && !location(&page).starts_with("/admin")),
                "{path}: {} {}",
                page.status,
                page.text()
            );
            assert!(!page.text().contains("new-user-form"));
        }
        let csrf = customer.csrf("/portal");
        let post = customer.post_form(
            "/admin/users",
            &[
                ("email", "intruder@acme.it"),
                ("role", "admin"),
                ("_csrf", &csrf),
            ],
        );
        assert_eq!(post.status, 403, "{}", post.text());
    }
    // The technician has the console but not the admin pages; staff going home land on it.
    assert_eq!(marco.get("/admin").status, 403);
    let home = marco.get("/");
    assert_eq!(location(&home), "/console");
    assert_eq!(admin.get("/admin").status, 200);
    // Nobody became an admin.
    let users = desk.run(&["user", "list", "--json"]);
    users.assert_success();
    assert!(!users.stdout.contains("intruder@acme.it"));
    // An unknown page is a 404 page in the reader's language.
    let missing = admin.get("/no/such/page");
    assert_eq!(missing.status, 404);
    assert_eq!(
        element_text(&missing.text(), "error-title").as_deref(),
        Some("Pagina non trovata")
    );
}

#[test]
fn uploads_over_the_limit_are_refused_with_the_limit_named() {
    let desk = desk("max_upload_bytes = \"256 KiB\"\nmax_file_bytes = \"64 KiB\"\n");
    let server = desk.serve("web-auth-upload");
    let mut mario = login(server.addr(), MARIO, PASSWORD);
    let tickets_before = desk.list().len();
    let csrf = mario.csrf("/portal/new");
    let form = |files: &[(&str, usize)]| {
        let mut form = Multipart::new()
            .text("_csrf", &csrf)
            .text("title", "Stampante bloccata")
            .text("description", "Non stampa più nulla.");
        for (name, size) in files {
            form = form.file(
                "attachments",
                name,
                "application/octet-stream",
                &vec![b'x'; *size],
            );
        }
        form
    };

    // One file over the per-file limit: 413 naming the file and the limit.
    let big_file = mario.post_multipart("/portal/new", &form(&[("schermata.png", 100 * 1024)]));
    assert_eq!(big_file.status, 413, "{}", big_file.text());
    let text = element_text(&big_file.text(), "error-text").expect("an explanation");
    assert!(
        text.contains("schermata.png") && text.contains("64 KiB"),
        "{text}"
    );

    // Many files over the request limit (declared up front): 413 naming that limit.
    let many = form(&[
        ("a.bin", 60 * 1024),
        ("b.bin", 60 * 1024),
        ("c.bin", 60 * 1024),
        ("d.bin", 60 * 1024),
        ("e.bin", 60 * 1024),
    ]);
    let too_much = mario.post_multipart("/portal/new", &many);
    assert_eq!(too_much.status, 413, "{}", too_much.text());
    let text = element_text(&too_much.text(), "error-text").expect("an explanation");
    assert!(text.contains("256 KiB"), "{text}");

    // Far over every limit: answered, not reset, while the body is still coming.
    let huge = mario.post_multipart("/portal/new", &form(&[("disco.img", 4 * 1024 * 1024)]));
    assert_eq!(huge.status, 413);

    // Nothing was kept.
    assert_eq!(
        desk.list().len(),
        tickets_before,
        "a refused upload opened a ticket"
    );
    // The session is fine afterwards.
    assert_eq!(mario.get("/portal").status, 200);
}

#[test]
fn user_commands_make_list_and_reset_accounts() {
    let desk = TestDesk::with_config(&default_config());
    desk.run(&["org", "create", ACME, "--domain", "acme.it"])
        .assert_success();

    // Without a piped password one is generated, printed once, alone on stdout.
    let made = desk.run(&[
        "user",
        "create",
        "Luca.Bianchi@ACME.it",
        "--role",
        "customer",
        "--name",
        "Luca Bianchi",
    ]);
    made.assert_success();
    let generated = made.stdout.trim().to_string();
    assert_eq!(generated.len(), 16, "{}", made.transcript());
    assert!(
        made.stderr.contains("luca.bianchi@acme.it"),
        "{}",
        made.transcript()
    );

    // Refusals exit 1 and say why.
    let taken = desk.run_with_stdin(
        &[
            "user",
            "create",
            "luca.bianchi@acme.it",
            "--role",
            "customer",
        ],
        b"Password-Lunga-1\n",
    );
    assert_eq!(taken.code(), Some(1), "{}", taken.transcript());
    assert!(
        taken.stderr.contains("already exists"),
        "{}",
        taken.transcript()
    );
    let no_org = desk.run_with_stdin(
        &["user", "create", "x@acme.it", "--role", "org_admin"],
        b"Password-Lunga-1\n",
    );
    assert_eq!(no_org.code(), Some(1));
    assert!(
        no_org.stderr.contains("needs an organisation"),
        "{}",
        no_org.transcript()
    );
    let unknown_org = desk.run_with_stdin(
        &[
            "user",
            "create",
            "x@acme.it",
            "--role",
            "customer",
            "--org",
            "Nessuna",
        ],
        b"Password-Lunga-1\n",
    );
    assert_eq!(unknown_org.code(), Some(1));
    let short = desk.run_with_stdin(
        &["user", "create", "y@acme.it", "--role", "customer"],
        b"corta\n",
    );
    assert_eq!(short.code(), Some(1));
    assert!(short.stderr.contains("too short"), "{}", short.transcript());

    // The list: the customer got ACME from their mail domain.
    let list = desk.run(&["user", "list", "--json"]);
    list.assert_success();
    let users = list.json();
    let luca = users
        .as_array()
        .and_then(|all| all.iter().find(|u| u["email"] == "luca.bianchi@acme.it"))
        .expect("listed");
    assert_eq!(luca["role"], "customer");
    assert_eq!(luca["organisation"], ACME);
    assert_eq!(luca["active"], true);
    assert_eq!(luca["name"], "Luca Bianchi");

    // A new password from stdin; the generated one stops working.
    desk.run_with_stdin(
        &["user", "password", "luca.bianchi@acme.it"],
        b"Password-Nuova-9\n",
    )
    .assert_success();
    let server = desk.serve("web-auth-cli");
    let (old, _) = try_login(
        &mut WebClient::new(server.addr()),
        "luca.bianchi@acme.it",
        &generated,
    );
    assert_eq!(old.status, 401);
    let (new, _) = try_login(
        &mut WebClient::new(server.addr()),
        "LUCA.BIANCHI@acme.it",
        "Password-Nuova-9",
    );
    assert_eq!(new.status, 303, "addresses are matched without case");
}

#[test]
fn admins_manage_users_organisations_and_tokens() {
    let desk = desk("");
    let server = desk.serve("web-auth-admin");
    let addr = server.addr();
    let mut admin = login(addr, ADMIN, PASSWORD);
    let before = desk.spool_names();

    // A new user without a password gets a link by mail.
    let csrf = admin.csrf("/admin/users");
    let made = admin.post_form(
        "/admin/users",
        &[
            ("email", "paolo.gialli@acme.it"),
            ("name", "Paolo Gialli"),
            ("role", "customer"),
            ("organisation", ACME),
            ("password", ""),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(made.status, 303, "{}", made.text());
    assert!(location(&made).starts_with("/admin/users?done=created-link"));
    let listed = admin.get(location(&made));
    assert!(
        element_text(&listed.text(), "admin-notice")
            .unwrap_or_default()
            .contains("paolo.gialli@acme.it")
    );
    let invite = wait_for(Duration::from_secs(15), || {
        desk.spool_since(&before)
            .into_iter()
            .find(|m| m.to.iter().any(|t| t == "paolo.gialli@acme.it"))
    })
    .expect("an invitation mail");
    assert!(invite.body.contains("/password/reset/"));

    // A taken address is refused with the form kept.
    let again = admin.post_form(
        "/admin/users",
        &[("email", MARIO), ("role", "customer"), ("_csrf", &csrf)],
    );
    assert_eq!(again.status, 422);
    assert!(
        element_text(&again.text(), "admin-error")
            .unwrap_or_default()
            .contains(MARIO)
    );

    // Deactivating ends the user's sessions and sign-ins.
    let mut mario = login(addr, MARIO, PASSWORD);
    let users = desk.run(&["user", "list", "--json"]).json();
    let mario_id = users
        .as_array()
        .and_then(|all| all.iter().find(|u| u["email"] == MARIO))
        .and_then(|u| u["id"].as_i64())
        .expect("mario's id");
    let saved = admin.post_form(
        &format!("/admin/users/{mario_id}"),
        &[
            ("name", "Mario Rossi"),
            ("role", "customer"),
            ("organisation", ACME),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert_eq!(
        mario.get("/portal").status,
        303,
        "a deactivated user's session still works"
    );
    let (refused, _) = try_login(&mut WebClient::new(addr), MARIO, PASSWORD);
    assert_eq!(refused.status, 401);
    // An admin cannot lock themselves out.
    let admin_id = users
        .as_array()
        .and_then(|all| all.iter().find(|u| u["email"] == ADMIN))
        .and_then(|u| u["id"].as_i64())
        .expect("admin's id");
    let self_demote = admin.post_form(
        &format!("/admin/users/{admin_id}"),
        &[("role", "technician"), ("active", "on"), ("_csrf", &csrf)],
    );
    assert_eq!(self_demote.status, 422);

    // Organisations: a new one, then its domains and class changed; a taken domain refused.
    let org = admin.post_form(
        "/admin/organisations",
        &[
            ("name", "Beta S.p.A."),
            ("domains", "beta.it\nbeta.com"),
            ("class", ""),
            ("locale", "en"),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(org.status, 303, "{}", org.text());
    let taken = admin.post_form(
        "/admin/organisations/edit",
        &[
            ("name", "Beta S.p.A."),
            ("domains", "beta.it, acme.it"),
            ("class", ""),
            ("locale", ""),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(taken.status, 422);
    assert!(
        element_text(&taken.text(), "admin-error")
            .unwrap_or_default()
            .contains("acme.it")
    );
    let changed = admin.post_form(
        "/admin/organisations/edit",
        &[
            ("name", "Beta S.p.A."),
            ("domains", "beta.it"),
            ("class", "Standard"),
            ("locale", "it"),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(changed.status, 303, "{}", changed.text());
    let orgs = desk.run(&["org", "list", "--json"]).json();
    let beta = orgs
        .as_array()
        .and_then(|all| all.iter().find(|o| o["name"] == "Beta S.p.A."))
        .expect("Beta listed")
        .clone();
    assert_eq!(beta["domains"], serde_json::json!(["beta.it"]));
    assert_eq!(beta["locale"], "it");

    // Tokens: made (shown once), usable by the agent API, revoked.
    let made = admin.post_form(
        "/admin/tokens",
        &[
            ("organisation", ACME),
            ("label", "Ufficio Milano"),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(made.status, 200, "{}", made.text());
    let token = element_text(&made.text(), "new-token").expect("the token, once");
    assert!(token.starts_with("ppd_"), "{token}");
    let tokens = desk.run(&["org", "token", "list", ACME, "--json"]).json();
    let id = tokens[0]["id"].as_i64().expect("token id");
    assert_eq!(tokens[0]["label"], "Ufficio Milano");
    let page = admin.get("/admin/tokens");
    assert!(!page.text().contains(&token), "the token is shown again");
    let revoked = admin.post_form(
        "/admin/tokens/revoke",
        &[
            ("organisation", ACME),
            ("id", &id.to_string()),
            ("_csrf", &csrf),
        ],
    );
    assert_eq!(revoked.status, 303, "{}", revoked.text());
    let tokens = desk.run(&["org", "token", "list", ACME, "--json"]).json();
    assert!(!tokens[0]["revoked_at"].is_null());

    // The configuration page names the file the settings are changed in.
    let config = admin.get("/admin/config");
    assert_eq!(config.status, 200);
    let note = element_text(&config.text(), "config-file").unwrap_or_default();
    assert!(note.contains("config.toml"), "{note}");
    assert!(config.text().contains("id=\"config-sla\""));
}

#[test]
fn the_language_switch_and_the_demo_logins() {
    let desk = TestDesk::without_config();
    let addr = ppdesk_tests::free_local_addr();
    let log = desk.scratch().join("demo.log");
    let file = std::fs::File::create(&log).expect("log");
    let _server = KillOnDrop(
        desk.command(&["serve", "--demo", "--listen", &addr])
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone().expect("log"))
            .stderr(file)
            .spawn()
            .expect("serve --demo"),
    );
    let up = wait_for(Duration::from_secs(60), || {
        ppdesk_tests::http_get(&addr, "/healthz")
            .ok()
            .filter(|(code, _)| *code == 200)
    });
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(up.is_some(), "serve --demo did not come up:\n{text}");
    // `serve --demo` printed how to sign in, with the real address.
    assert!(
        text.contains(&format!(
            "Accedi a http://{addr} come mario.rossi@demo.example / demo-cliente"
        )),
        "{text}"
    );
    for (email, password) in [
        ("anna.neri@demo.example", "demo-referente"),
        ("tecnico@ppdesk.localhost", "demo-tecnico"),
        ("admin@ppdesk.localhost", "demo-admin"),
    ] {
        assert!(text.contains(&format!("{email} / {password}")), "{text}");
    }
    let mut mario = login(&addr, "mario.rossi@demo.example", "demo-cliente");
    let home = mario.get("/portal");
    assert_eq!(home.status, 200);
    assert!(
        home.text().contains("Problema emissione fatture"),
        "{}",
        home.text()
    );
    assert!(
        !home.text().contains("Credenziali VPN"),
        "a colleague's ticket shown to a customer"
    );
    let mut anna = login(&addr, "anna.neri@demo.example", "demo-referente");
    assert!(
        anna.get("/portal").text().contains("Credenziali VPN"),
        "the org admin sees the organisation"
    );

    // The language switch: a cookie, back to the page, the page in English.
    let switched = mario.get("/lang/en?next=/portal");
    assert_eq!((switched.status, location(&switched)), (303, "/portal"));
    assert_eq!(mario.cookie("ppdesk_lang"), Some("en"));
    let english = mario.get("/portal");
    assert!(
        english.text().contains("<html lang=\"en\">"),
        "{}",
        english.text()
    );
    assert!(english.text().contains("Sign out"));
    let unsafe_next = mario.get("/lang/it?next=https://evil.example");
    assert_eq!(location(&unsafe_next), "/");
    assert_eq!(mario.get("/lang/de").status, 404);
}

/// A child process killed when the test ends, however it ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
