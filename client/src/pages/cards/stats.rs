//! The cards page's statistics: true retention by week, reviews per day and the due forecast as
//! small SVG bar charts (numbers from `shared::srs::stats`), the desired retention setting, and
//! how well the learner's personal schedule fits when the server has fitted one.

use std::rc::Rc;

use shared::srs::stats::{day_start_ms, due_forecast, retention_by_week, reviews_per_day};
use shared::srs::DESIRED_RETENTION_RANGE;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::{Bar, BarChart};
use crate::contexts::locale::{use_locale, use_texts};
use crate::error::ClientError;
use crate::i18n::format_day;
use crate::learn::cards::{self, Deck};
use crate::learn::utc_offset_minutes;

/// How many weeks of retention and days of reviews and forecast the charts show.
const WEEKS: usize = 12;
const DAYS: usize = 30;

#[derive(Properties)]
pub struct CardStatsProps {
    pub deck: Rc<Deck>,
    /// After the setting was saved (the page reads the cards, rescheduled, again).
    pub on_changed: Callback<()>,
}

impl PartialEq for CardStatsProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.deck, &other.deck) && self.on_changed == other.on_changed
    }
}

#[function_component(CardStats)]
pub fn card_stats(props: &CardStatsProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let t = &texts.cards;
    let deck = &props.deck;
    let chosen = deck.params.desired_retention;
    let percent = use_state(|| format!("{:.0}", chosen * 100.0));
    let status = use_state(|| None::<Result<f32, String>>);
    let failed = use_state(|| None::<ClientError>);

    let now = js_sys::Date::now() as i64;
    let offset = utc_offset_minutes();
    // A decimal number as the language writes it (0,334 in Russian).
    let decimal = |text: String| match locale {
        crate::i18n::Locale::Ru => text.replace('.', ","),
        _ => text,
    };
    let facts = deck.review_facts();
    let day = |d: i64| format_day(day_start_ms(d, offset), locale);

    let retention: Vec<Bar> = retention_by_week(&facts, now, offset, WEEKS)
        .into_iter()
        .map(|week| {
            let value = week.retention().map(|r| r * 100.0);
            let shown = match value {
                Some(v) => format!("{v:.0}% ({}/{})", week.recalled, week.reviewed),
                None => t.no_data.to_owned(),
            };
            Bar {
                label: day(week.first_day).into(),
                value,
                text: t
                    .week_value
                    .replace("{when}", &day(week.first_day))
                    .replace("{value}", &shown)
                    .into(),
            }
        })
        .collect();
    let reviews: Vec<Bar> = reviews_per_day(&facts, now, offset, DAYS)
        .into_iter()
        .map(|d| Bar {
            label: day(d.day).into(),
            value: Some(f64::from(d.total())),
            text: t
                .day_value
                .replace("{when}", &day(d.day))
                .replace("{n}", &d.total().to_string())
                .into(),
        })
        .collect();
    let due = deck
        .cards
        .iter()
        .filter(|c| !c.card.suspended)
        .map(|c| c.card.schedule.due_ms);
    let today = shared::srs::stats::local_day(now, offset);
    let forecast: Vec<Bar> = due_forecast(due, now, offset, DAYS)
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let when = if i == 0 {
                t.today.to_owned()
            } else {
                day(today + i as i64)
            };
            Bar {
                label: when.clone().into(),
                value: Some(f64::from(n)),
                text: t
                    .day_value
                    .replace("{when}", &when)
                    .replace("{n}", &n.to_string())
                    .into(),
            }
        })
        .collect();

    let oninput = {
        let (percent, status) = (percent.clone(), status.clone());
        Callback::from(move |e: InputEvent| {
            percent.set(e.target_unchecked_into::<HtmlInputElement>().value());
            status.set(None);
        })
    };
    let onsubmit = {
        let (percent, status, failed) = (percent.clone(), status.clone(), failed.clone());
        let on_changed = props.on_changed.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(retention) = cards::retention_from_percent(&percent) else {
                status.set(Some(Err(texts.cards.retention_invalid.to_owned())));
                return;
            };
            let (status, failed, on_changed) = (status.clone(), failed.clone(), on_changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match cards::set_desired_retention(retention).await {
                    Ok(()) => {
                        failed.set(None);
                        status.set(Some(Ok(retention)));
                        on_changed.emit(());
                    }
                    Err(error) => failed.set(Some(error)),
                }
            });
        })
    };
    let (min, max) = (
        DESIRED_RETENTION_RANGE.start() * 100.0,
        DESIRED_RETENTION_RANGE.end() * 100.0,
    );

    html! {
        <section class="panel cards-stats" aria-labelledby="cards-stats-title" data-testid="cards-stats">
            <h2 id="cards-stats-title" class="panel__title">{ t.stats_title }</h2>
            <div class="cards-stats__charts">
                <BarChart title={t.retention_chart} bars={retention} max={Some(100.0)} max_label={Some(AttrValue::Static("100%"))}
                    empty={t.no_reviews} testid="chart-retention" />
                <BarChart title={t.reviews_chart} bars={reviews} empty={t.no_reviews} testid="chart-reviews" />
                <BarChart title={t.forecast_chart} bars={forecast} empty={t.no_forecast} testid="chart-forecast" />
            </div>
            <form class="cards-stats__retention" {onsubmit} novalidate=true data-testid="retention-form">
                <div class="field">
                    <label class="field__label" for="desired-retention">{ t.desired_retention }{ " (%)" }</label>
                    <input id="desired-retention" type="number" inputmode="numeric" class="field__input"
                        min={format!("{min:.0}")} max={format!("{max:.0}")} step="1"
                        aria-describedby="desired-retention-hint" data-testid="retention-input"
                        value={(*percent).clone()} {oninput} />
                    <p class="field__hint" id="desired-retention-hint">{ t.desired_retention_hint }</p>
                </div>
                <button type="submit" class="button button--secondary" data-testid="retention-save">{ t.retention_save }</button>
                <p class="status-line" role="status" data-testid="retention-status">
                    { match &*status {
                        Some(Ok(r)) => t.retention_saved.replace("{value}", &format!("{:.0}%", r * 100.0)),
                        Some(Err(problem)) => problem.clone(),
                        None => String::new(),
                    } }
                </p>
                if let Some(error) = &*failed {
                    <p class="status-line status-line--error" role="alert">{ t.action_error }{ ": " }{ error.message(texts) }</p>
                }
            </form>
            <p class="cards-stats__schedule" data-testid="personal-schedule">
                { match &deck.fitted {
                    Some(fitted) => html! {
                        <>
                            <strong>{ t.personal_schedule
                                .replace("{before}", &decimal(format!("{:.3}", fitted.log_loss_before)))
                                .replace("{after}", &decimal(format!("{:.3}", fitted.log_loss_after))) }</strong>
                            { " " }
                            { t.personal_schedule_hint.replace("{n}", &fitted.review_count.to_string()) }
                        </>
                    },
                    None => html! { { t.default_schedule } },
                } }
            </p>
        </section>
    }
}
