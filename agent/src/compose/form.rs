//! What the compose window edits, as plain data: the fields, the blacked-out areas, the
//! attachments, and the rules that turn them into a [`Draft`].

use chrono::{DateTime, Utc};
use image::RgbaImage;
use ppdesk_shared::Priority;
use ppdesk_shared::agent_config::AgentConfig;
use ppdesk_shared::api::MachineFacts;

use crate::capture::{self, CaptureError};
use crate::catalog::compose::texts;
use crate::draft::{Attachment, Contact, Draft, DraftId, DraftProblem};
use crate::redaction::{self, Rect};
use crate::subject_quality::{self, SubjectVerdict};

/// Longest part of a window title put into the subject (a browser tab's title can be long; the
/// subject must leave room for the problem).
pub const MAX_TITLE_IN_SUBJECT: usize = 80;

/// The subject the window starts with: the active window's title followed by ": ", so the
/// user only has to write the problem after it; empty without a title. Until they do, the
/// vague-subject warning says the title alone is not enough
/// ([`subject_quality::assess_prefilled`]).
pub fn prefill_subject(window_title: Option<&str>) -> String {
    let Some(title) = window_title else {
        return String::new();
    };
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        return String::new();
    }
    let title: String = if title.chars().count() > MAX_TITLE_IN_SUBJECT {
        let cut: String = title.chars().take(MAX_TITLE_IN_SUBJECT - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        title
    };
    format!("{title}: ")
}

/// The editable state of the compose window.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// The id of every draft this window sends: made once with the window, so pressing Send
    /// again (after a failure or a refusal) is the same submission, never a second ticket.
    pub id: DraftId,
    pub subject: String,
    pub description: String,
    /// Index into the config's categories; `None` for "no category".
    pub category: Option<usize>,
    pub priority: Priority,
    pub contact_name: String,
    pub contact_email: String,
    /// Areas of the screenshot to black out, in image pixels, in the order drawn.
    pub redactions: Vec<Rect>,
    /// Whether the screenshot goes along (the user may drop it).
    pub keep_screenshot: bool,
    pub attachments: Vec<Attachment>,
    /// The window title the subject was prefilled from.
    pub window_title: Option<String>,
}

impl Form {
    /// A fresh form: subject from the window title, description from the reproduction
    /// template, contact from the config (which falls back to the OS user's name).
    pub fn new(config: &AgentConfig, window_title: Option<&str>) -> Self {
        Self {
            id: DraftId::new(Utc::now()),
            subject: prefill_subject(window_title),
            description: texts(config.language).description_template.to_owned(),
            category: None,
            priority: Priority::Normal,
            contact_name: config.contact_name.clone(),
            contact_email: config.contact_email.clone().unwrap_or_default(),
            redactions: Vec::new(),
            keep_screenshot: true,
            attachments: Vec::new(),
            window_title: window_title.map(str::to_owned),
        }
    }

    /// The subject's verdict, counting the prefilled title as saying nothing yet.
    pub fn subject_verdict(&self) -> SubjectVerdict {
        subject_quality::assess_prefilled(&self.subject, self.window_title.as_deref())
    }

    /// The description as sent: the template's questions the user left unanswered are
    /// dropped, so the technician reads only what was written. Empty when nothing was.
    pub fn description_to_send(&self, template: &str) -> String {
        let questions: Vec<&str> = template
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let mut kept: Vec<&str> = Vec::new();
        let mut pending_question: Option<&str> = None;
        for line in self.description.lines() {
            let trimmed = line.trim();
            if questions.contains(&trimmed) {
                // A question is kept only once an answer follows it.
                pending_question = Some(line);
                continue;
            }
            if trimmed.is_empty() {
                if pending_question.is_none() && !kept.is_empty() {
                    kept.push(line);
                }
                continue;
            }
            if let Some(question) = pending_question.take() {
                if !kept.is_empty() && kept.last().is_some_and(|l| !l.trim().is_empty()) {
                    kept.push("");
                }
                kept.push(question);
            }
            kept.push(line);
        }
        let text = kept.join("\n");
        text.trim().to_owned()
    }

    /// Everything that keeps this form from being sent, checked on a draft without the
    /// screenshot's bytes (those are encoded only at Send; [`Form::draft`] re-checks).
    pub fn problems(&mut self, config: &AgentConfig) -> Vec<DraftProblem> {
        // Borrow the attachments into the draft instead of copying megabytes every frame.
        let attachments = std::mem::take(&mut self.attachments);
        let probe =
            self.draft_without_screenshot(config, Utc::now(), MachineFacts::default(), attachments);
        let problems = probe.problems();
        self.attachments = probe.attachments;
        problems
    }

    /// The draft to send, with the redactions burnt into the screenshot's PNG. `original`
    /// is the captured image; it is only read.
    pub fn draft(
        &self,
        config: &AgentConfig,
        now: DateTime<Utc>,
        machine: MachineFacts,
        original: Option<&RgbaImage>,
    ) -> Result<Draft, CaptureError> {
        let mut draft =
            self.draft_without_screenshot(config, now, machine, self.attachments.clone());
        if self.keep_screenshot
            && let Some(original) = original
        {
            let png = capture::encode_png(&redaction::redacted(original, &self.redactions))?;
            draft.screenshot = Some(Attachment::screenshot(png));
        }
        Ok(draft)
    }

    fn draft_without_screenshot(
        &self,
        config: &AgentConfig,
        now: DateTime<Utc>,
        machine: MachineFacts,
        attachments: Vec<Attachment>,
    ) -> Draft {
        let template = texts(config.language).description_template;
        Draft {
            id: self.id.clone(),
            created_at: now,
            subject: self.subject.clone(),
            description: self.description_to_send(template),
            category: self
                .category
                .and_then(|index| config.categories.get(index).cloned()),
            priority: self.priority,
            contact: Contact {
                name: self.contact_name.trim().to_owned(),
                email: self.contact_email.trim().to_owned(),
            },
            machine,
            screenshot: None,
            attachments,
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::catalog::Language;
    use crate::subject_quality::VagueReason;
    use image::Rgba;

    /// The test config: API mode, Mario Rossi, the agent's defaults for the rest.
    pub(crate) fn config() -> AgentConfig {
        AgentConfig {
            server_url: Some("http://127.0.0.1:9".into()),
            org_token: Some("ppd_test".into()),
            categories: vec!["Gestionale".into(), "Stampanti".into()],
            contact_email: Some("mario.rossi@acme.test".into()),
            ..crate::config::resolve(&Default::default(), "Mario Rossi")
        }
    }

    #[test]
    fn the_subject_starts_from_the_window_title() {
        assert_eq!(prefill_subject(None), "");
        assert_eq!(prefill_subject(Some("  \n ")), "");
        assert_eq!(
            prefill_subject(Some("Fatture emesse -  Mago4\n")),
            "Fatture emesse - Mago4: "
        );
        let long = "x".repeat(300);
        let subject = prefill_subject(Some(&long));
        assert_eq!(subject.chars().count(), MAX_TITLE_IN_SUBJECT + 2);
        assert!(subject.ends_with("…: "));
    }

    #[test]
    fn a_new_form_is_prefilled_and_honest_about_the_title() {
        let form = Form::new(&config(), Some("Fatture emesse - Mago4"));
        assert_eq!(form.subject, "Fatture emesse - Mago4: ");
        assert_eq!(
            form.subject_verdict(),
            SubjectVerdict::Vague(VagueReason::OnlyWindowTitle)
        );
        assert!(form.description.starts_with("Cosa stavi facendo"));
        assert_eq!(form.contact_name, "Mario Rossi");
        assert_eq!(form.contact_email, "mario.rossi@acme.test");
        assert_eq!(form.priority, Priority::Normal);
    }

    #[test]
    fn unanswered_template_questions_are_not_sent() {
        let template = texts(Language::It).description_template;
        let mut form = Form::new(&config(), None);
        assert_eq!(form.description_to_send(template), "", "nothing written");

        form.description = template.replacen(
            "Messaggio d'errore esatto (copialo o descrivilo parola per parola):\n\n",
            "Messaggio d'errore esatto (copialo o descrivilo parola per parola):\nErrore 1603\n",
            1,
        );
        form.description = form.description.replacen(
            "Cosa stavi facendo (programma, menu, procedura):\n\n",
            "Cosa stavi facendo (programma, menu, procedura):\nEmissione DDT\nsul registro VENIMM\n",
            1,
        );
        assert_eq!(
            form.description_to_send(template),
            "Cosa stavi facendo (programma, menu, procedura):\nEmissione DDT\nsul registro VENIMM\n\n\
             Messaggio d'errore esatto (copialo o descrivilo parola per parola):\nErrore 1603"
        );

        form.description = "Scritto da zero, senza modello.\n\nSeconda riga.".into();
        assert_eq!(
            form.description_to_send(template),
            "Scritto da zero, senza modello.\n\nSeconda riga."
        );
    }

    #[test]
    fn the_draft_carries_the_redacted_png_and_never_the_original() {
        let original = RgbaImage::from_pixel(40, 30, Rgba([200, 100, 50, 255]));
        let mut form = Form::new(&config(), None);
        form.subject = "Stampante ufficio 2 non stampa".into();
        form.category = Some(1);
        form.redactions.push(Rect {
            x: 5,
            y: 5,
            width: 10,
            height: 4,
        });
        let draft = form
            .draft(
                &config(),
                Utc::now(),
                MachineFacts::default(),
                Some(&original),
            )
            .expect("draft");
        assert_eq!(draft.problems(), vec![]);
        assert_eq!(draft.category.as_deref(), Some("Stampanti"));
        let png = &draft.screenshot.as_ref().expect("screenshot").bytes;
        let sent = image::load_from_memory(png).expect("png").to_rgba8();
        assert_eq!(sent.get_pixel(5, 5), &Rgba([0, 0, 0, 255]));
        assert_eq!(sent.get_pixel(14, 8), &Rgba([0, 0, 0, 255]));
        assert_eq!(sent.get_pixel(15, 8), &Rgba([200, 100, 50, 255]));
        assert_eq!(original.get_pixel(5, 5), &Rgba([200, 100, 50, 255]));

        form.keep_screenshot = false;
        let draft = form
            .draft(
                &config(),
                Utc::now(),
                MachineFacts::default(),
                Some(&original),
            )
            .expect("draft");
        assert!(draft.screenshot.is_none());
    }

    #[test]
    fn every_send_of_one_window_is_the_same_submission() {
        let mut form = Form::new(&config(), None);
        form.subject = "Stampante ufficio 2 non stampa".into();
        let first = form
            .draft(&config(), Utc::now(), MachineFacts::default(), None)
            .expect("draft");
        form.contact_email = "anna.bianchi@acme.test".into();
        let second = form
            .draft(&config(), Utc::now(), MachineFacts::default(), None)
            .expect("draft");
        assert_eq!(first.id, form.id);
        assert_eq!(second.id, form.id, "a second Send keeps the id");
        assert_eq!(second.contact.email, "anna.bianchi@acme.test");
        assert_ne!(
            Form::new(&config(), None).id,
            form.id,
            "another window, another id"
        );
    }

    #[test]
    fn problems_are_checked_without_losing_the_attachments() {
        let mut form = Form::new(&config(), None);
        form.attachments
            .push(Attachment::new("log.txt", b"errore".to_vec()));
        form.contact_email = "mario".into();
        let fields: Vec<_> = form
            .problems(&config())
            .iter()
            .map(DraftProblem::field)
            .collect();
        assert_eq!(fields, ["subject", "contact_email"]);
        assert_eq!(form.attachments.len(), 1);
        assert_eq!(form.attachments[0].bytes, b"errore");
    }
}
