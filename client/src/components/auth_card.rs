//! The narrow card the sign-in, sign-up and other account forms sit in.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AuthCardProps {
    pub title: AttrValue,
    #[prop_or_default]
    pub lead: Option<AttrValue>,
    /// `data-testid` of the card.
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
    /// Links under the card ("Already have an account? Sign in").
    #[prop_or_default]
    pub footer: Html,
}

#[function_component(AuthCard)]
pub fn auth_card(props: &AuthCardProps) -> Html {
    html! {
        <section class="auth" data-testid={props.testid.clone()}>
            <div class="auth-card">
                <h1 class="auth-card__title">{ props.title.clone() }</h1>
                if let Some(lead) = &props.lead {
                    <p class="auth-card__lead">{ lead.clone() }</p>
                }
                { props.children.clone() }
            </div>
            <div class="auth__footer">{ props.footer.clone() }</div>
        </section>
    }
}
