//! The mail and in-app texts of every `Template`, in English and Russian, as subject + plain text +
//! HTML. Pure functions: no I/O, tested as tables.
//!
//! Every interpolated value (names, links, reasons) is escaped in the HTML; nothing here trusts them.

use shared::api::accounts::Locale;

use super::Template;

/// A mail ready to queue, and the in-app notification that goes with it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub in_app: Option<InApp>,
}

/// The bell's entry: plain text (the client escapes it) and an in-app path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InApp {
    pub title: String,
    pub body: String,
    pub link: Option<String>,
}

/// One paragraph of a mail: words, or a link shown as its own address (so plain text readers and
/// HTML readers see the same thing).
enum Part {
    Text(String),
    Link(String),
}

impl Template {
    /// A stable name for logs, metrics and the mail job's `template` field.
    pub fn code(&self) -> &'static str {
        match self {
            Self::VerifyEmail { .. } => "verify_email",
            Self::ConfirmEmailChange { .. } => "confirm_email_change",
            Self::ResetPassword { .. } => "reset_password",
            Self::AccountAlreadyExists { .. } => "account_already_exists",
            Self::PasswordChanged => "password_changed",
            Self::EmailChanged { .. } => "email_changed",
            Self::TeacherApplicationApproved => "teacher_application_approved",
            Self::TeacherApplicationRejected { .. } => "teacher_application_rejected",
            Self::CardsDue { .. } => "cards_due",
            Self::DiscussionReply { .. } => "discussion_reply",
            Self::DiscussionDigest { .. } => "discussion_digest",
            Self::StreakAtRisk { .. } => "streak_at_risk",
        }
    }

    /// Whether the mail may use the account's display name: not when it goes to an address whose
    /// owner has not confirmed they asked for it.
    fn greets_by_name(&self) -> bool {
        !matches!(
            self,
            Self::VerifyEmail { .. } | Self::ConfirmEmailChange { .. }
        )
    }

    /// Renders the template for `display_name` in `locale`.
    pub fn render(&self, locale: Locale, display_name: &str) -> Rendered {
        let (subject, parts, in_app) = match locale {
            Locale::En => self.english(),
            Locale::Ru => self.russian(),
        };
        // Mail to an address nobody has confirmed yet greets no one by name: whoever typed the
        // address also typed the name, and could otherwise have us mail their words to a stranger.
        let greeting = match (locale, self.greets_by_name()) {
            (Locale::En, true) => format!("Hello, {display_name}!"),
            (Locale::Ru, true) => format!("Здравствуйте, {display_name}!"),
            (Locale::En, false) => "Hello!".to_owned(),
            (Locale::Ru, false) => "Здравствуйте!".to_owned(),
        };
        let signature = match locale {
            Locale::En => "— EduPlatform",
            Locale::Ru => "— EduPlatform",
        };

        let mut text = format!("{greeting}\n\n");
        let mut html = format!(
            "<!doctype html>\n<html lang=\"{lang}\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
             <body style=\"font-family: sans-serif; line-height: 1.5; color: #222;\">\n<p>{greeting}</p>\n",
            lang = locale.code(),
            title = escape_html(&subject),
            greeting = escape_html(&greeting),
        );
        for part in &parts {
            match part {
                Part::Text(words) => {
                    text.push_str(words);
                    html.push_str(&format!("<p>{}</p>\n", escape_html(words)));
                }
                Part::Link(url) => {
                    text.push_str(url);
                    let url = escape_html(url);
                    html.push_str(&format!("<p><a href=\"{url}\">{url}</a></p>\n"));
                }
            }
            text.push_str("\n\n");
        }
        text.push_str(signature);
        text.push('\n');
        html.push_str(&format!(
            "<p>{}</p>\n</body>\n</html>\n",
            escape_html(signature)
        ));
        Rendered {
            subject,
            text,
            html,
            in_app,
        }
    }

    fn english(&self) -> (String, Vec<Part>, Option<InApp>) {
        use Part::{Link, Text};
        let ignore = || Text("If you did not ask for this, ignore this mail.".into());
        match self {
            Self::VerifyEmail { link } => (
                "Confirm your email address".into(),
                vec![
                    Text("Open this link to confirm your email address for EduPlatform:".into()),
                    Link(link.clone()),
                    Text("The link works once.".into()),
                    ignore(),
                ],
                None,
            ),
            Self::ConfirmEmailChange { link } => (
                "Confirm your new email address".into(),
                vec![
                    Text("Open this link to make this your EduPlatform email address:".into()),
                    Link(link.clone()),
                    Text("The link works once.".into()),
                    ignore(),
                ],
                None,
            ),
            Self::ResetPassword { link } => (
                "Reset your password".into(),
                vec![
                    Text("Open this link to choose a new EduPlatform password:".into()),
                    Link(link.clone()),
                    Text("The link works once.".into()),
                    ignore(),
                ],
                None,
            ),
            Self::AccountAlreadyExists {
                sign_in_link,
                reset_link,
            } => (
                "Someone tried to register with your address".into(),
                vec![
                    Text(
                        "Someone, maybe you, tried to create an EduPlatform account with this \
                         address, but it already has one. Sign in here:"
                            .into(),
                    ),
                    Link(sign_in_link.clone()),
                    Text("Forgot your password? Reset it here:".into()),
                    Link(reset_link.clone()),
                    Text("If it was not you, you need not do anything.".into()),
                ],
                None,
            ),
            Self::PasswordChanged => (
                "Your password was changed".into(),
                vec![Text(
                    "The password of your EduPlatform account was just changed. If it was not \
                     you, reset your password at once."
                        .into(),
                )],
                None,
            ),
            Self::EmailChanged { new_email } => (
                "Your email address was changed".into(),
                vec![Text(format!(
                    "Your EduPlatform account now uses the address {new_email}. If it was not \
                     you, contact us at once."
                ))],
                None,
            ),
            Self::TeacherApplicationApproved => {
                let body = "You are now a teacher on EduPlatform: you can create courses.";
                (
                    "Your teacher application was approved".into(),
                    vec![Text(body.into())],
                    Some(InApp {
                        title: "Teacher application approved".into(),
                        body: body.into(),
                        link: Some("/teach".into()),
                    }),
                )
            }
            Self::TeacherApplicationRejected { reason } => (
                "Your teacher application was not approved".into(),
                vec![
                    Text("Your application to teach on EduPlatform was not approved.".into()),
                    Text(format!("Reason: {reason}")),
                    Text("You may apply again.".into()),
                ],
                Some(InApp {
                    title: "Teacher application not approved".into(),
                    body: format!("Reason: {reason}"),
                    link: Some("/teach".into()),
                }),
            ),
            Self::CardsDue {
                count,
                review_link,
                unsubscribe_link,
            } => {
                let cards = if *count == 1 { "card is" } else { "cards are" };
                let body = format!("{count} {cards} due for review.");
                (
                    format!("{count} {cards} due for review"),
                    vec![
                        Text(format!(
                            "{body} A few minutes now keeps them in your memory:"
                        )),
                        Link(review_link.clone()),
                        Text(
                            "You get at most one such reminder a day. To stop them, open this \
                             link (or change it on your account page):"
                                .into(),
                        ),
                        Link(unsubscribe_link.clone()),
                    ],
                    Some(InApp {
                        title: "Cards are due".into(),
                        body,
                        link: Some(REVIEW_PATH.into()),
                    }),
                )
            }
            Self::DiscussionReply {
                author,
                lesson_title,
                link,
            } => {
                let body = format!("{author} replied in the discussion of \"{lesson_title}\".");
                (
                    format!("New reply in \"{lesson_title}\""),
                    vec![Text(body.clone())],
                    Some(InApp {
                        title: "New reply in a discussion".into(),
                        body,
                        link: Some(link.clone()),
                    }),
                )
            }
            Self::DiscussionDigest {
                lines,
                account_link,
                unsubscribe_link,
            } => {
                let count = u32::try_from(lines.len()).unwrap_or(u32::MAX);
                let replies = if count == 1 { "reply" } else { "replies" };
                let mut parts = vec![Text(format!(
                    "{count} new {replies} in lesson discussions you take part in:"
                ))];
                parts.extend(lines.iter().map(|line| Text(format!("• {line}"))));
                parts.push(Text(
                    "You get at most one such digest a day. To stop it, open this link:".into(),
                ));
                parts.push(Link(unsubscribe_link.clone()));
                parts.push(Text(
                    "(or turn off \"Daily digest of discussion replies\" on your account page):"
                        .into(),
                ));
                parts.push(Link(account_link.clone()));
                (
                    format!("{count} new {replies} in your discussions"),
                    parts,
                    None,
                )
            }
            Self::StreakAtRisk {
                streak,
                learn_link,
                unsubscribe_link,
            } => {
                let body =
                    format!("Your {streak}-day streak ends tonight unless you reach today's goal.");
                (
                    format!("Your {streak}-day streak is at risk"),
                    vec![
                        Text(format!("{body} A lesson or a few cards will do:")),
                        Link(learn_link.clone()),
                        Text(
                            "You get at most one such reminder a day. To stop them, open this \
                             link (or change it on your account page):"
                                .into(),
                        ),
                        Link(unsubscribe_link.clone()),
                    ],
                    Some(InApp {
                        title: "Your streak is at risk".into(),
                        body,
                        link: Some(LEARN_PATH.into()),
                    }),
                )
            }
        }
    }

    fn russian(&self) -> (String, Vec<Part>, Option<InApp>) {
        use Part::{Link, Text};
        let ignore = || Text("Если вы этого не запрашивали, просто проигнорируйте письмо.".into());
        match self {
            Self::VerifyEmail { link } => (
                "Подтвердите адрес электронной почты".into(),
                vec![
                    Text("Откройте ссылку, чтобы подтвердить адрес для EduPlatform:".into()),
                    Link(link.clone()),
                    Text("Ссылка действует один раз.".into()),
                    ignore(),
                ],
                None,
            ),
            Self::ConfirmEmailChange { link } => (
                "Подтвердите новый адрес электронной почты".into(),
                vec![
                    Text("Откройте ссылку, чтобы сделать этот адрес адресом вашей учётной записи EduPlatform:".into()),
                    Link(link.clone()),
                    Text("Ссылка действует один раз.".into()),
                    ignore(),
                ],
                None,
            ),
            Self::ResetPassword { link } => (
                "Сброс пароля".into(),
                vec![
                    Text("Откройте ссылку, чтобы задать новый пароль EduPlatform:".into()),
                    Link(link.clone()),
                    Text("Ссылка действует один раз.".into()),
                    ignore(),
                ],
                None,
            ),
            Self::AccountAlreadyExists {
                sign_in_link,
                reset_link,
            } => (
                "Кто-то пытался зарегистрироваться с вашим адресом".into(),
                vec![
                    Text(
                        "Кто-то (возможно, вы) пытался создать учётную запись EduPlatform с этим \
                         адресом, но она уже есть. Войти можно здесь:"
                            .into(),
                    ),
                    Link(sign_in_link.clone()),
                    Text("Забыли пароль? Сбросьте его здесь:".into()),
                    Link(reset_link.clone()),
                    Text("Если это были не вы, ничего делать не нужно.".into()),
                ],
                None,
            ),
            Self::PasswordChanged => (
                "Ваш пароль изменён".into(),
                vec![Text(
                    "Пароль вашей учётной записи EduPlatform только что изменён. Если это были не \
                     вы, немедленно сбросьте пароль."
                        .into(),
                )],
                None,
            ),
            Self::EmailChanged { new_email } => (
                "Ваш адрес электронной почты изменён".into(),
                vec![Text(format!(
                    "Теперь ваша учётная запись EduPlatform использует адрес {new_email}. Если \
                     это были не вы, немедленно свяжитесь с нами."
                ))],
                None,
            ),
            Self::TeacherApplicationApproved => {
                let body = "Теперь вы преподаватель EduPlatform и можете создавать курсы.";
                (
                    "Ваша заявка преподавателя одобрена".into(),
                    vec![Text(body.into())],
                    Some(InApp {
                        title: "Заявка преподавателя одобрена".into(),
                        body: body.into(),
                        link: Some("/teach".into()),
                    }),
                )
            }
            Self::TeacherApplicationRejected { reason } => (
                "Ваша заявка преподавателя отклонена".into(),
                vec![
                    Text("Ваша заявка на преподавание в EduPlatform отклонена.".into()),
                    Text(format!("Причина: {reason}")),
                    Text("Вы можете подать заявку снова.".into()),
                ],
                Some(InApp {
                    title: "Заявка преподавателя отклонена".into(),
                    body: format!("Причина: {reason}"),
                    link: Some("/teach".into()),
                }),
            ),
            Self::CardsDue {
                count,
                review_link,
                unsubscribe_link,
            } => {
                let cards = russian_plural(*count, "карточка", "карточки", "карточек");
                let body = format!("Пора повторить: {count} {cards}.");
                (
                    format!("Пора повторить: {count} {cards}"),
                    vec![
                        Text(format!(
                            "{body} Несколько минут сейчас сохранят их в памяти:"
                        )),
                        Link(review_link.clone()),
                        Text(
                            "Такое напоминание приходит не чаще раза в день. Чтобы отключить \
                             его, откройте эту ссылку (или измените настройку на странице \
                             учётной записи):"
                                .into(),
                        ),
                        Link(unsubscribe_link.clone()),
                    ],
                    Some(InApp {
                        title: "Пора повторить карточки".into(),
                        body,
                        link: Some(REVIEW_PATH.into()),
                    }),
                )
            }
            Self::DiscussionReply {
                author,
                lesson_title,
                link,
            } => {
                let body = format!("{author} ответил(а) в обсуждении урока «{lesson_title}».");
                (
                    format!("Новый ответ: «{lesson_title}»"),
                    vec![Text(body.clone())],
                    Some(InApp {
                        title: "Новый ответ в обсуждении".into(),
                        body,
                        link: Some(link.clone()),
                    }),
                )
            }
            Self::DiscussionDigest {
                lines,
                account_link,
                unsubscribe_link,
            } => {
                let count = u32::try_from(lines.len()).unwrap_or(u32::MAX);
                let replies = russian_plural(count, "новый ответ", "новых ответа", "новых ответов");
                let mut parts = vec![Text(format!(
                    "В обсуждениях уроков, где вы участвуете, {count} {replies}:"
                ))];
                parts.extend(lines.iter().map(|line| Text(format!("• {line}"))));
                parts.push(Text(
                    "Такая сводка приходит не чаще раза в день. Чтобы отключить её, откройте \
                     эту ссылку:"
                        .into(),
                ));
                parts.push(Link(unsubscribe_link.clone()));
                parts.push(Text(
                    "(или снимите флажок «Ежедневная сводка ответов в обсуждениях» на странице \
                     учётной записи):"
                        .into(),
                ));
                parts.push(Link(account_link.clone()));
                (
                    format!("Обсуждения: {count} {replies}"),
                    parts,
                    None,
                )
            }
            Self::StreakAtRisk {
                streak,
                learn_link,
                unsubscribe_link,
            } => {
                let days = russian_plural(*streak, "день", "дня", "дней");
                let body = format!(
                    "Серия в {streak} {days} прервётся сегодня, если не выполнить дневную цель."
                );
                (
                    format!("Серия в {streak} {days} под угрозой"),
                    vec![
                        Text(format!(
                            "{body} Хватит одного урока или нескольких карточек:"
                        )),
                        Link(learn_link.clone()),
                        Text(
                            "Такое напоминание приходит не чаще раза в день. Чтобы отключить \
                             его, откройте эту ссылку (или измените настройку на странице \
                             учётной записи):"
                                .into(),
                        ),
                        Link(unsubscribe_link.clone()),
                    ],
                    Some(InApp {
                        title: "Серия под угрозой".into(),
                        body,
                        link: Some(LEARN_PATH.into()),
                    }),
                )
            }
        }
    }
}

/// The client's page where due cards are reviewed (the in-app notification's link).
pub const REVIEW_PATH: &str = "/review";

/// The client's page of the learner's courses (the streak reminder's link).
pub const LEARN_PATH: &str = "/learning";

/// The Russian form of a noun after `n`: one (1, 21, 101), few (2-4, 22-24) or many (the rest,
/// 11-14 included).
fn russian_plural<'a>(n: u32, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    match (n % 10, n % 100) {
        (1, h) if h != 11 => one,
        (2..=4, h) if !(12..=14).contains(&h) => few,
        _ => many,
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_html_into(&mut out, text);
    out
}

/// Appends `text` to `out` with the five characters that mean something in HTML escaped (what
/// `escape_html` returns, without a string of its own).
pub fn escape_html_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_template() -> Vec<Template> {
        let link = "https://edu.example.org/verify-email?token=abc&x=1".to_owned();
        vec![
            Template::VerifyEmail { link: link.clone() },
            Template::ConfirmEmailChange { link: link.clone() },
            Template::ResetPassword { link: link.clone() },
            Template::AccountAlreadyExists {
                sign_in_link: "https://edu.example.org/sign-in".into(),
                reset_link: "https://edu.example.org/forgot-password".into(),
            },
            Template::PasswordChanged,
            Template::EmailChanged {
                new_email: "new@example.org".into(),
            },
            Template::TeacherApplicationApproved,
            Template::TeacherApplicationRejected {
                reason: "Please add a sample lesson.".into(),
            },
            Template::CardsDue {
                count: 3,
                review_link: "https://edu.example.org/review".into(),
                unsubscribe_link: "https://edu.example.org/unsubscribe?token=a.b".into(),
            },
            Template::DiscussionReply {
                author: "Bob".into(),
                lesson_title: "Loops".into(),
                link: "/courses/c/lessons/l".into(),
            },
            Template::DiscussionDigest {
                lines: vec!["Bob in Loops: try a while loop".into()],
                account_link: "https://edu.example.org/account".into(),
                unsubscribe_link: "https://edu.example.org/unsubscribe?token=a.digest.b".into(),
            },
            Template::StreakAtRisk {
                streak: 12,
                learn_link: "https://edu.example.org/learning".into(),
                unsubscribe_link: "https://edu.example.org/unsubscribe?token=a.streak.b".into(),
            },
        ]
    }

    #[test]
    fn every_template_renders_in_both_languages_with_different_subjects() {
        for template in every_template() {
            let en = template.render(Locale::En, "Ada");
            let ru = template.render(Locale::Ru, "Ada");
            let named = template.greets_by_name();
            for r in [&en, &ru] {
                assert!(!r.subject.is_empty(), "{}", template.code());
                assert_eq!(r.text.contains("Ada"), named, "{}", template.code());
                assert_eq!(r.html.contains("Ada"), named, "{}", template.code());
                assert!(r.html.starts_with("<!doctype html>"));
            }
            assert_ne!(en.subject, ru.subject, "{}", template.code());
            if named {
                assert!(en.text.starts_with("Hello, Ada!"));
                assert!(ru.text.starts_with("Здравствуйте, Ada!"));
            } else {
                assert!(en.text.starts_with("Hello!\n"));
                assert!(ru.text.starts_with("Здравствуйте!\n"));
            }
            assert!(en.html.contains("<html lang=\"en\">"));
            assert!(ru.html.contains("<html lang=\"ru\">"));
        }
    }

    #[test]
    fn mail_to_unconfirmed_addresses_never_repeats_the_typed_name() {
        let phishing = "Your bank: call +1 555 0100 now";
        for template in [
            Template::VerifyEmail {
                link: "https://e.org/v?token=a".into(),
            },
            Template::ConfirmEmailChange {
                link: "https://e.org/v?token=a".into(),
            },
        ] {
            for locale in [Locale::En, Locale::Ru] {
                let r = template.render(locale, phishing);
                assert!(!r.text.contains("555"), "{}", r.text);
                assert!(!r.html.contains("555"), "{}", r.html);
                assert!(!r.subject.contains("555"));
            }
        }
    }

    #[test]
    fn links_appear_verbatim_in_text_and_escaped_and_clickable_in_html() {
        let link = "https://edu.example.org/verify-email?token=abc&x=1";
        let r = Template::VerifyEmail { link: link.into() }.render(Locale::En, "Ada");
        assert_eq!(r.subject, "Confirm your email address");
        assert!(r.text.contains(link));
        let escaped = "https://edu.example.org/verify-email?token=abc&amp;x=1";
        assert!(
            r.html
                .contains(&format!("<a href=\"{escaped}\">{escaped}</a>")),
            "{}",
            r.html
        );
        assert!(r.in_app.is_none());
    }

    #[test]
    fn interpolated_values_are_escaped_in_html_only() {
        let name = "<script>alert('x')</script> & \"co\"";
        let reason = "<b>too short</b>";
        let r = Template::TeacherApplicationRejected {
            reason: reason.into(),
        }
        .render(Locale::Ru, name);
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(!r.html.contains("<b>"), "{}", r.html);
        assert!(r
            .html
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;"));
        assert!(r.html.contains("Причина: &lt;b&gt;too short&lt;/b&gt;"));
        assert!(r.text.contains(name));
        assert!(r.text.contains("Причина: <b>too short</b>"));
        let in_app = r.in_app.expect("in-app notification");
        assert_eq!(in_app.body, "Причина: <b>too short</b>");
        assert_eq!(in_app.link.as_deref(), Some("/teach"));
    }

    #[test]
    fn only_decisions_reminders_and_replies_make_in_app_notifications() {
        for template in every_template() {
            let expected = matches!(
                template,
                Template::TeacherApplicationApproved
                    | Template::TeacherApplicationRejected { .. }
                    | Template::CardsDue { .. }
                    | Template::DiscussionReply { .. }
                    | Template::StreakAtRisk { .. }
            );
            for locale in [Locale::En, Locale::Ru] {
                assert_eq!(
                    template.render(locale, "Ada").in_app.is_some(),
                    expected,
                    "{}",
                    template.code()
                );
            }
        }
    }

    #[test]
    fn cards_due_counts_in_both_languages_and_links_to_unsubscribe() {
        let unsubscribe = "https://edu.example.org/unsubscribe?token=a.b";
        let cases = [
            (1, Locale::En, "1 card is due for review"),
            (2, Locale::En, "2 cards are due for review"),
            (1, Locale::Ru, "Пора повторить: 1 карточка"),
            (3, Locale::Ru, "Пора повторить: 3 карточки"),
            (11, Locale::Ru, "Пора повторить: 11 карточек"),
            (21, Locale::Ru, "Пора повторить: 21 карточка"),
            (25, Locale::Ru, "Пора повторить: 25 карточек"),
        ];
        for (count, locale, subject) in cases {
            let r = Template::CardsDue {
                count,
                review_link: "https://edu.example.org/review".into(),
                unsubscribe_link: unsubscribe.into(),
            }
            .render(locale, "Ada");
            assert_eq!(r.subject, subject);
            assert!(r.text.contains(unsubscribe), "{}", r.text);
            assert!(
                r.html.contains("https://edu.example.org/review"),
                "{}",
                r.html
            );
            let in_app = r.in_app.expect("an in-app notification");
            assert_eq!(in_app.link.as_deref(), Some(REVIEW_PATH));
            assert!(!in_app.body.contains("token"), "{}", in_app.body);
        }
    }

    #[test]
    fn escape_html_table() {
        let cases = [
            ("plain", "plain"),
            ("a & b", "a &amp; b"),
            ("<a href='x'>", "&lt;a href=&#39;x&#39;&gt;"),
            ("\"quoted\"", "&quot;quoted&quot;"),
            ("Привет", "Привет"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_html(input), expected);
        }
    }
}
