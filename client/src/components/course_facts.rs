//! Small facts about a course shown on its card and its page: the price (or "Free"), the rating
//! as stars with its count, and a cover (the image, or a coloured initial).

use shared::api::courses::{CourseSummary, Price, Rating};
use yew::prelude::*;

use crate::contexts::locale::{use_locale, use_texts};
use crate::i18n::{Locale, Texts};

/// "Free", or the price in the reader's language ("$19.00", "1 990,00 ₽").
pub fn price_text(price: Option<&Price>, texts: &Texts, locale: Locale) -> String {
    let Some(price) = price else {
        return texts.courses.price_free.to_owned();
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"style".into(), &"currency".into());
    let _ = js_sys::Reflect::set(
        &options,
        &"currency".into(),
        &price.currency.as_str().into(),
    );
    let locales = js_sys::Array::of1(&locale.code().into());
    let format = js_sys::Intl::NumberFormat::new(&locales, &options);
    // Minor units per major unit follow the currency (2 for most, 0 for yen).
    let digits = js_sys::Reflect::get(&format.resolved_options(), &"maximumFractionDigits".into())
        .ok()
        .and_then(|d| d.as_f64())
        .unwrap_or(2.0);
    let amount = f64::from(price.amount_minor) / 10f64.powf(digits);
    format
        .format()
        .call1(&format, &amount.into())
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| format!("{amount:.2} {}", price.currency))
}

/// The average as the reader writes decimals: "4.5" / "4,5".
pub fn average_text(average: f32, locale: Locale) -> String {
    let text = format!("{average:.1}");
    match locale {
        Locale::Ru => text.replace('.', ","),
        _ => text,
    }
}

#[derive(Properties, PartialEq)]
pub struct StarsProps {
    /// 0 to 5, rounded to whole stars.
    pub value: f32,
    /// The accessible name: the stars themselves are decoration.
    pub label: AttrValue,
}

/// Five stars, `value` of them filled.
#[function_component(Stars)]
pub fn stars(props: &StarsProps) -> Html {
    let filled = props.value.round();
    html! {
        <span class="stars" role="img" aria-label={props.label.clone()}>
            { for (1..=5).map(|i| {
                let full = filled >= i as f32;
                html! {
                    <span class={classes!("stars__star", full.then_some("stars__star--full"))} aria-hidden="true">
                        { if full { "★" } else { "☆" } }
                    </span>
                }
            }) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct RatingSummaryProps {
    pub rating: Rating,
}

/// Stars, the average and the count: "★★★★☆ 4.3 (12 ratings)", or "No ratings yet".
#[function_component(RatingSummary)]
pub fn rating_summary(props: &RatingSummaryProps) -> Html {
    let texts = use_texts();
    let locale = use_locale().locale;
    let rating = &props.rating;
    match rating.average {
        Some(average) if rating.count > 0 => {
            let shown = average_text(average, locale);
            let label = texts.courses.rating_out_of_five.replace("{n}", &shown);
            html! {
                <span class="rating" data-testid="rating">
                    <Stars value={average} label={label} />
                    <span class="rating__average" data-testid="rating-average">{ shown }</span>
                    <span class="rating__count" data-testid="rating-count">
                        { format!("({})", texts.count(rating.count, &texts.courses.ratings)) }
                    </span>
                </span>
            }
        }
        _ => html! {
            <span class="rating rating--none" data-testid="rating">{ texts.courses.no_ratings }</span>
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct CourseCoverProps {
    pub course: CourseSummary,
    #[prop_or_default]
    pub classes: Classes,
}

/// Where a cover's image comes from now.
#[derive(Debug, Clone, PartialEq)]
enum CoverSource {
    /// `cover_url`, from the network.
    Network,
    /// The network could not bring it: the bytes kept with a downloaded course (an object URL).
    Kept(String),
    /// No image could be had: the initial instead of a broken image.
    Initial,
}

/// The course's cover image, or its initial on a colour of its own. When the image cannot load
/// (offline), the copy kept with a downloaded course is shown instead, else the initial.
#[function_component(CourseCover)]
pub fn course_cover(props: &CourseCoverProps) -> Html {
    let course = &props.course;
    let source = use_state_eq(|| CoverSource::Network);
    {
        let source = source.clone();
        use_effect_with(course.cover_url.clone(), move |_| {
            source.set(CoverSource::Network);
        });
    }
    {
        // An object URL lives as long as it is shown.
        let kept = match &*source {
            CoverSource::Kept(url) => Some(url.clone()),
            _ => None,
        };
        use_effect_with(kept, |kept| {
            let kept = kept.clone();
            move || {
                if let Some(url) = kept {
                    let _ = web_sys::Url::revoke_object_url(&url);
                }
            }
        });
    }
    // The image's `error` event, heard on the element itself (it does not bubble, so Yew's
    // delegated `onerror` never hears it); an image that failed before this ran counts too.
    let image = use_node_ref();
    {
        let current = (*source).clone();
        let source = source.clone();
        let failed = move |path: Option<String>| match (&*source, path) {
            (CoverSource::Network, Some(path)) => {
                let source = source.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    source.set(match crate::offline::kept_image_url(&path).await {
                        Some(url) => CoverSource::Kept(url),
                        None => CoverSource::Initial,
                    });
                });
            }
            _ => source.set(CoverSource::Initial),
        };
        use_effect_with(
            (image.clone(), course.cover_url.clone(), current),
            move |(image, path, _)| {
                let element = image.cast::<web_sys::HtmlImageElement>();
                let listener = element.as_ref().map(|element| {
                    let (failed, path) = (failed.clone(), path.clone());
                    gloo_events::EventListener::new(element, "error", move |_| failed(path.clone()))
                });
                if element.is_some_and(|e| e.complete() && e.natural_width() == 0) {
                    failed(path.clone());
                }
                move || drop(listener)
            },
        );
    }
    let style = format!("--cover-hue: {}", cover_hue(&course.slug));
    let src = match (&*source, &course.cover_url) {
        (CoverSource::Network, Some(url)) => Some(url.clone()),
        (CoverSource::Kept(url), Some(_)) => Some(url.clone()),
        _ => None,
    };
    html! {
        <div class={classes!("course-cover", props.classes.clone())} style={style} aria-hidden="true">
            if let Some(src) = src {
                <img ref={image} class="course-cover__image" {src} alt="" loading="lazy" />
            } else {
                <span class="course-card__initial">{ initial(&course.title) }</span>
            }
            <span class="course-card__lang">{ course.language.code().to_uppercase() }</span>
        </div>
    }
}

/// The first letter of the title, for the cover.
fn initial(title: &str) -> String {
    title
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

/// A stable hue (0-359) per course, so each cover keeps its colour between visits.
fn cover_hue(slug: &str) -> u32 {
    // FNV-1a: tiny, deterministic, good enough spread for colours.
    let hash = slug.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash % 360
}
