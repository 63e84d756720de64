//! `/admin/users`: the list, a new user, one user's role/organisation/active flag, and the
//! "mail a reset link" button.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Choice, role_choices, role_label, when};
use crate::accounts::password::{self, PasswordProblem};
use crate::accounts::service::AccountError;
use crate::accounts::{Role, UserDraft, UserProblem};
use crate::web::auth::{AdminViewer, Viewer, percent_encode_query_value};
use crate::web::error::WebError;
use crate::web::forms::CsrfForm;
use crate::web::page::{self, Chrome};
use crate::web::texts::{Texts, fill};
use crate::web::{WebState, WebStore};

/// One user in the list.
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub organisation: String,
    pub active: bool,
    pub last_seen: String,
}

/// The users page.
#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub rows: Vec<UserRow>,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The new-user form, as typed (after an error) or empty.
    pub form: NewUserForm,
    pub roles: Vec<Choice>,
    pub organisations: Vec<Choice>,
    pub password_hint: String,
}

/// One user's page.
#[derive(Template)]
#[template(path = "admin/user.html")]
pub struct UserPage {
    pub chrome: Chrome,
    pub id: i64,
    pub email: String,
    pub name: String,
    pub active: bool,
    pub roles: Vec<Choice>,
    pub organisations: Vec<Choice>,
    pub notice: Option<String>,
    pub error: Option<String>,
}

/// The new-user form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub password: String,
}

/// A user's form.
#[derive(Debug, Clone, Deserialize)]
pub struct EditUserForm {
    #[serde(default)]
    name: String,
    role: String,
    #[serde(default)]
    organisation: String,
    /// A ticked checkbox sends `on`; an unticked one sends nothing.
    active: Option<String>,
}

/// What a redirect after a change says.
#[derive(Debug, Deserialize)]
pub struct Done {
    done: Option<String>,
    who: Option<String>,
}

impl Done {
    fn notice(&self, t: &Texts) -> Option<String> {
        let who = self.who.as_deref().unwrap_or_default();
        let text = match self.done.as_deref()? {
            "created" => t.admin.user_created,
            "created-link" => t.admin.user_created_link,
            "saved" => t.admin.user_saved,
            "reset" => t.admin.reset_sent,
            _ => return None,
        };
        Some(fill(text, &[("email", who)]))
    }
}

/// An account refusal in the reader's language; failures of ours become a [`WebError`].
pub(super) fn refusal_text(t: &Texts, error: AccountError) -> Result<String, WebError> {
    let a = t.admin;
    Ok(match error {
        AccountError::Refused(problem) => match problem {
            UserProblem::BadEmail(email) => fill(a.err_bad_email, &[("email", &email)]),
            UserProblem::BadName { reason, .. } => fill(a.err_bad_name, &[("reason", reason)]),
            UserProblem::OrganisationRequired => a.err_org_required.to_string(),
            UserProblem::StaffWithOrganisation(_) => a.err_staff_org.to_string(),
            UserProblem::UnknownOrganisation(name) => fill(a.err_unknown_org, &[("name", &name)]),
            UserProblem::EmailTaken(email) => fill(a.err_email_taken, &[("email", &email)]),
        },
        AccountError::Password(PasswordProblem::TooShort) => fill(
            t.common.password_too_short,
            &[("min", &password::MIN_CHARS.to_string())],
        ),
        AccountError::Password(PasswordProblem::TooLong) => fill(
            t.common.password_too_long,
            &[("max", &password::MAX_CHARS.to_string())],
        ),
        AccountError::UnknownUser(_) => a.err_unknown_user.to_string(),
        other => return Err(WebError::Internal(other.to_string())),
    })
}

/// Organisation names as options, `current` selected, "(none)" first.
async fn organisation_choices<S: WebStore>(
    web: &WebState<S>,
    t: &Texts,
    current: Option<&str>,
) -> Result<Vec<Choice>, WebError> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: t.admin.no_organisation.to_string(),
        selected: current.is_none_or(str::is_empty),
    }];
    for line in web.desk.organisation_lines().await? {
        let selected = current.is_some_and(|c| c.eq_ignore_ascii_case(&line.name));
        choices.push(Choice {
            value: line.name.clone(),
            label: line.name,
            selected,
        });
    }
    Ok(choices)
}

async fn users_page<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    path: &str,
    form: NewUserForm,
    notice: Option<String>,
    error: Option<String>,
) -> Result<UsersPage, WebError> {
    let t = viewer.texts();
    let rows = web
        .desk
        .user_list()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .into_iter()
        .map(|listing| UserRow {
            id: listing.user.id,
            name: listing.user.name.clone().unwrap_or_default(),
            role: role_label(&t, listing.user.role).to_string(),
            organisation: listing.user.organisation.clone().unwrap_or_default(),
            active: listing.user.active,
            last_seen: listing
                .last_seen_at
                .map(|at| when(viewer.locale, web.desk.config.sla.timezone.0, at))
                .unwrap_or_else(|| t.admin.never.to_string()),
            email: listing.user.email,
        })
        .collect();
    let role = form.role.parse().unwrap_or(Role::Customer);
    let organisations = organisation_choices(web, &t, Some(form.organisation.as_str())).await?;
    Ok(UsersPage {
        chrome: viewer.chrome(t.admin.users_title, path),
        rows,
        notice,
        error,
        roles: role_choices(&t, role),
        organisations,
        password_hint: fill(
            t.admin.password_hint,
            &[("min", &password::MIN_CHARS.to_string())],
        ),
        form: NewUserForm {
            password: String::new(),
            ..form
        },
    })
}

pub(super) async fn list<S: WebStore>(
    State(web): State<WebState<S>>,
    AdminViewer(viewer): AdminViewer,
    uri: Uri,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let notice = done.notice(&viewer.texts());
    let page = users_page(
        &web,
        &viewer,
        uri.path(),
        NewUserForm::default(),
        notice,
        None,
    )
    .await?;
    Ok(page::render(&page))
}

pub(super) async fn create<S: WebStore>(
    State(web): State<WebState<S>>,
    uri: Uri,
    CsrfForm(viewer, form): CsrfForm<NewUserForm>,
) -> Result<Response, WebError> {
    let AdminViewer(viewer) = AdminViewer::from_viewer(viewer)?;
    let t = viewer.texts();
    let refuse = |text: String| async {
        let page = users_page(&web, &viewer, uri.path(), form.clone(), None, Some(text)).await?;
        Ok::<Response, WebError>(page::render_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page,
        ))
    };
    let Ok(role) = form.role.parse::<Role>() else {
        return refuse(t.admin.err_unknown_user.to_string()).await;
    };
    let password = Some(form.password.clone()).filter(|p| !p.is_empty());
    let invite = password.is_none();
    let draft = UserDraft {
        email: form.email.clone(),
        name: Some(form.name.clone()),
        role,
        organisation: Some(form.organisation.clone()),
    };
    let created = match web.desk.create_user(draft, password, None).await {
        Ok(created) => created,
        Err(e) => return refuse(refusal_text(&t, e)?).await,
    };
    if invite {
        web.desk
            .send_password_reset(&created.user.email, &web.base_url)
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?;
    }
    let done = if invite { "created-link" } else { "created" };
    Ok(Redirect::to(&format!(
        "/admin/users?done={done}&who={}",
        percent_encode_query_value(&created.user.email)
    ))
    .into_response())
}

async fn user_page<S: WebStore>(
    web: &WebState<S>,
    viewer: &Viewer,
    id: i64,
    notice: Option<String>,
    error: Option<String>,
    path: &str,
) -> Result<UserPage, WebError> {
    let t = viewer.texts();
    let user = web.desk.store.user(id).await?.ok_or(WebError::NotFound)?;
    Ok(UserPage {
        chrome: viewer.chrome(
            fill(t.admin.edit_user_title, &[("email", &user.email)]),
            path,
        ),
        id,
        roles: role_choices(&t, user.role),
        organisations: organisation_choices(web, &t, user.organisation.as_deref()).await?,
        name: user.name.clone().unwrap_or_default(),
        active: user.active,
        email: user.email,
        notice,
        error,
    })
}

pub(super) async fn show<S: WebStore>(
    State(web): State<WebState<S>>,
    AdminViewer(viewer): AdminViewer,
    uri: Uri,
    Path(id): Path<i64>,
    Query(done): Query<Done>,
) -> Result<Response, WebError> {
    let notice = done.notice(&viewer.texts());
    let page = user_page(&web, &viewer, id, notice, None, uri.path()).await?;
    Ok(page::render(&page))
}

pub(super) async fn save<S: WebStore>(
    State(web): State<WebState<S>>,
    uri: Uri,
    Path(id): Path<i64>,
    CsrfForm(viewer, form): CsrfForm<EditUserForm>,
) -> Result<Response, WebError> {
    let AdminViewer(viewer) = AdminViewer::from_viewer(viewer)?;
    let t = viewer.texts();
    let active = form.active.is_some();
    let role = form.role.parse::<Role>().map_err(WebError::BadRequest)?;
    let refused = if crate::admin::self_change_refused(viewer.user.id, id, role, active) {
        Some(t.admin.err_self_change.to_string())
    } else {
        match web
            .desk
            .change_user(
                id,
                Some(form.name.clone()),
                role,
                Some(form.organisation.clone()),
                active,
            )
            .await
        {
            Ok(user) => {
                return Ok(Redirect::to(&format!(
                    "/admin/users/{id}?done=saved&who={}",
                    percent_encode_query_value(&user.email)
                ))
                .into_response());
            }
            Err(AccountError::UnknownUser(_)) => return Err(WebError::NotFound),
            Err(e) => Some(refusal_text(&t, e)?),
        }
    };
    let page = user_page(&web, &viewer, id, None, refused, uri.path()).await?;
    Ok(page::render_with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &page,
    ))
}

/// Nothing but the CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

pub(super) async fn send_reset<S: WebStore>(
    State(web): State<WebState<S>>,
    Path(id): Path<i64>,
    CsrfForm(viewer, Empty {}): CsrfForm<Empty>,
) -> Result<Response, WebError> {
    AdminViewer::from_viewer(viewer)?;
    let user = web.desk.store.user(id).await?.ok_or(WebError::NotFound)?;
    web.desk
        .send_password_reset(&user.email, &web.base_url)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(Redirect::to(&format!(
        "/admin/users/{id}?done=reset&who={}",
        percent_encode_query_value(&user.email)
    ))
    .into_response())
}
