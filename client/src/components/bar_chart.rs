//! A small bar chart drawn as SVG (no chart library): one bar per value, a few axis labels, each
//! bar's value as a tooltip, and the same numbers as a table for screen readers.

use yew::prelude::*;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Under the axis (shown for the first, middle and last bars only, to stay readable).
    pub label: AttrValue,
    /// `None`: no data (no bar, unlike zero).
    pub value: Option<f64>,
    /// The bar's value in words, for its tooltip and the table ("12 Mar: 85 %").
    pub text: AttrValue,
}

#[derive(Properties, PartialEq)]
pub struct BarChartProps {
    /// What the chart shows (its caption and accessible name).
    pub title: AttrValue,
    pub bars: Vec<Bar>,
    /// The value at the top of the chart; the largest bar's when not given.
    #[prop_or_default]
    pub max: Option<f64>,
    /// The top value as text ("100 %", "12"), beside the axis.
    #[prop_or_default]
    pub max_label: Option<AttrValue>,
    /// Shown instead of the bars when no bar has a value above zero.
    pub empty: AttrValue,
    pub testid: AttrValue,
}

const WIDTH: f64 = 300.0;
const HEIGHT: f64 = 100.0;

#[function_component(BarChart)]
pub fn bar_chart(props: &BarChartProps) -> Html {
    let largest = props
        .bars
        .iter()
        .filter_map(|b| b.value)
        .fold(0.0_f64, f64::max);
    let top = props.max.unwrap_or(largest).max(f64::EPSILON);
    let has_data = largest > 0.0;
    let count = props.bars.len().max(1);
    let slot = WIDTH / count as f64;
    let gap = (slot * 0.2).min(4.0);
    let labelled = |i: usize| i == 0 || i + 1 == count || i == count / 2;
    let bars = props.bars.iter().enumerate().filter_map(|(i, bar)| {
        let value = bar.value?;
        let height = (value / top).clamp(0.0, 1.0) * HEIGHT;
        let x = i as f64 * slot + gap / 2.0;
        Some(html! {
            <rect class="bar-chart__bar" x={format!("{x:.2}")} y={format!("{:.2}", HEIGHT - height)}
                width={format!("{:.2}", slot - gap)} height={format!("{height:.2}")}>
                <title>{ bar.text.clone() }</title>
            </rect>
        })
    });
    let labels = props.bars.iter().enumerate().filter(|(i, _)| labelled(*i)).map(|(i, bar)| {
        let x = (i as f64 + 0.5) * slot;
        let anchor = if i == 0 { "start" } else if i + 1 == count { "end" } else { "middle" };
        let x = match anchor {
            "start" => i as f64 * slot,
            "end" => (i + 1) as f64 * slot,
            _ => x,
        };
        html! {
            <text class="bar-chart__label" x={format!("{x:.2}")} y={format!("{}", HEIGHT + 12.0)} text-anchor={anchor}>
                { bar.label.clone() }
            </text>
        }
    });
    html! {
        <figure class="bar-chart" data-testid={props.testid.clone()} data-bars={props.bars.len().to_string()}>
            <figcaption class="bar-chart__title">{ props.title.clone() }</figcaption>
            if has_data {
                if let Some(label) = &props.max_label {
                    <span class="bar-chart__max" aria-hidden="true">{ label.clone() }</span>
                }
                <svg class="bar-chart__svg" viewBox={format!("0 -2 {WIDTH} {}", HEIGHT + 18.0)}
                    role="img" aria-label={props.title.clone()} focusable="false">
                    <line class="bar-chart__axis" x1="0" y1={HEIGHT.to_string()} x2={WIDTH.to_string()} y2={HEIGHT.to_string()} />
                    <line class="bar-chart__grid" x1="0" y1="0" x2={WIDTH.to_string()} y2="0" />
                    { for bars }
                    { for labels }
                </svg>
                <table class="visually-hidden">
                    <caption>{ props.title.clone() }</caption>
                    <tbody>
                        { for props.bars.iter().map(|bar| html! { <tr><td>{ bar.text.clone() }</td></tr> }) }
                    </tbody>
                </table>
            } else {
                <p class="bar-chart__empty">{ props.empty.clone() }</p>
            }
        </figure>
    }
}
