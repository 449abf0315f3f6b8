//! `[ai]`: the language-model providers (`EDU_AI_{OPENAI,ANTHROPIC,GEMINI}_{URL,KEY}`), the router
//! from task tiers to (provider, model) (`EDU_AI_CHEAP`, `EDU_AI_MID`, `EDU_AI_EXPENSIVE`), daily
//! budgets, timeouts and the price table. No provider configured: the offline provider does all.
//!
//! Owns parsing only; the clients are `ai::providers`'. A key never shows in `Debug` or an error.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::{redact, ConfigError, Vars};

/// The provider families the server speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProviderKind {
    /// OpenAI chat completions, and every server that copies them (Ollama, vLLM, llama.cpp).
    OpenAi,
    Anthropic,
    Gemini,
}

impl ProviderKind {
    pub const ALL: [Self; 3] = [Self::OpenAi, Self::Anthropic, Self::Gemini];

    /// The name used in `EDU_AI_CHEAP=openai:model`, metrics and the usage table.
    pub fn name(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::Gemini => "gemini",
        }
    }

    fn var_prefix(self) -> &'static str {
        match self {
            Self::OpenAi => "EDU_AI_OPENAI",
            Self::Anthropic => "EDU_AI_ANTHROPIC",
            Self::Gemini => "EDU_AI_GEMINI",
        }
    }

    pub fn default_url(self) -> &'static str {
        match self {
            Self::OpenAi => "https://api.openai.com/v1",
            Self::Anthropic => "https://api.anthropic.com",
            Self::Gemini => "https://generativelanguage.googleapis.com",
        }
    }

    /// The model a tier gets when its variable names only the provider (cheap, mid, expensive).
    fn default_models(self) -> [&'static str; 3] {
        match self {
            Self::OpenAi => ["gpt-4o-mini", "gpt-4o", "gpt-4o"],
            Self::Anthropic => [
                "claude-3-5-haiku-latest",
                "claude-sonnet-4-0",
                "claude-sonnet-4-0",
            ],
            Self::Gemini => ["gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.5-pro"],
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// How costly a task may be; the router maps each to one (provider, model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Summaries, quiz drafts.
    Cheap,
    /// The tutor.
    Mid,
    /// Graph extraction.
    Expensive,
}

impl Tier {
    pub const ALL: [Self; 3] = [Self::Cheap, Self::Mid, Self::Expensive];

    fn var(self) -> &'static str {
        match self {
            Self::Cheap => "EDU_AI_CHEAP",
            Self::Mid => "EDU_AI_MID",
            Self::Expensive => "EDU_AI_EXPENSIVE",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A provider's secret. `Debug` and `Display` show `***`; only `expose` gives the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The key itself: only for the request header that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// One configured provider: where it answers and with which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    /// Without a trailing slash: `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`.
    pub base_url: String,
    /// `None` for local servers that need none (Ollama, llama.cpp).
    pub key: Option<ApiKey>,
}

/// Where a tier's requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub provider: ProviderKind,
    pub model: String,
}

/// Daily limits, per user and for the whole server, reset at 00:00 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budgets {
    pub user_requests: u64,
    pub user_tokens: u64,
    pub global_requests: u64,
    pub global_tokens: u64,
}

impl Default for Budgets {
    fn default() -> Self {
        Self {
            user_requests: 200,
            user_tokens: 400_000,
            global_requests: 20_000,
            global_tokens: 20_000_000,
        }
    }
}

/// USD per million tokens, input and output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    pub input_per_million: f64,
    pub output_per_million: f64,
}

/// Everything the AI service is configured with.
#[derive(Debug, Clone, PartialEq)]
pub struct AiConfig {
    /// The configured providers; empty: the offline provider does everything.
    pub providers: Vec<ProviderConfig>,
    /// cheap, mid, expensive; `None` when no provider is configured.
    routes: [Option<Route>; 3],
    /// `EDU_AI_TIMEOUT_SECS`: one provider call, streaming included (default 60).
    pub timeout: Duration,
    /// `EDU_AI_MAX_ATTEMPTS`: tries of one call on 429, 5xx and time-outs (default 3).
    pub max_attempts: u32,
    pub budgets: Budgets,
    /// Model name → price; `EDU_AI_PRICES` adds to and overrides the built-in table.
    pub prices: BTreeMap<String, Price>,
}

impl Default for AiConfig {
    fn default() -> Self {
        Self {
            providers: Vec::new(),
            routes: [None, None, None],
            timeout: Duration::from_secs(60),
            max_attempts: 3,
            budgets: Budgets::default(),
            prices: default_prices(),
        }
    }
}

/// Published list prices (USD per million tokens) of the default models.
fn default_prices() -> BTreeMap<String, Price> {
    [
        ("gpt-4o-mini", 0.15, 0.60),
        ("gpt-4o", 2.50, 10.00),
        ("claude-3-5-haiku-latest", 0.80, 4.00),
        ("claude-sonnet-4-0", 3.00, 15.00),
        ("gemini-2.0-flash", 0.10, 0.40),
        ("gemini-2.5-flash", 0.30, 2.50),
        ("gemini-2.5-pro", 1.25, 10.00),
    ]
    .into_iter()
    .map(|(model, input, output)| {
        (
            model.to_owned(),
            Price {
                input_per_million: input,
                output_per_million: output,
            },
        )
    })
    .collect()
}

impl AiConfig {
    /// Where `tier`'s requests go; `None`: the offline provider.
    pub fn route(&self, tier: Tier) -> Option<&Route> {
        self.routes[tier.index()].as_ref()
    }

    /// A config with `providers` and the routes given (tests and benchmarks build it in code).
    pub fn with_routes(
        mut self,
        providers: Vec<ProviderConfig>,
        routes: [Option<Route>; 3],
    ) -> Self {
        self.providers = providers;
        self.routes = routes;
        self
    }

    pub fn provider(&self, kind: ProviderKind) -> Option<&ProviderConfig> {
        self.providers.iter().find(|p| p.kind == kind)
    }

    pub(super) fn from_vars(vars: &Vars<'_>) -> Result<Self, ConfigError> {
        let mut config = Self::default();
        for kind in ProviderKind::ALL {
            if let Some(provider) = provider_from_vars(vars, kind)? {
                config.providers.push(provider);
            }
        }
        for tier in Tier::ALL {
            config.routes[tier.index()] = route_from_vars(vars, tier, &config.providers)?;
        }
        if let Some(secs) = parse_number(vars, "EDU_AI_TIMEOUT_SECS")? {
            if secs == 0 {
                return Err(ConfigError::new(
                    "EDU_AI_TIMEOUT_SECS",
                    "must be at least 1",
                ));
            }
            config.timeout = Duration::from_secs(secs);
        }
        if let Some(attempts) = parse_number(vars, "EDU_AI_MAX_ATTEMPTS")? {
            config.max_attempts = u32::try_from(attempts.clamp(1, 10)).unwrap_or(3);
        }
        let budgets = &mut config.budgets;
        for (var, slot) in [
            ("EDU_AI_USER_DAILY_REQUESTS", &mut budgets.user_requests),
            ("EDU_AI_USER_DAILY_TOKENS", &mut budgets.user_tokens),
            ("EDU_AI_GLOBAL_DAILY_REQUESTS", &mut budgets.global_requests),
            ("EDU_AI_GLOBAL_DAILY_TOKENS", &mut budgets.global_tokens),
        ] {
            if let Some(n) = parse_number(vars, var)? {
                *slot = n;
            }
        }
        if let Some(prices) = vars.get("EDU_AI_PRICES") {
            for (model, price) in
                parse_prices(&prices).map_err(|m| ConfigError::new("EDU_AI_PRICES", m))?
            {
                config.prices.insert(model, price);
            }
        }
        Ok(config)
    }
}

fn parse_number(vars: &Vars<'_>, var: &'static str) -> Result<Option<u64>, ConfigError> {
    vars.get(var)
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| ConfigError::new(var, format!("expected a whole number, got {v:?}")))
        })
        .transpose()
}

/// A provider is configured when its key is set, or (OpenAI-compatible only, for local servers
/// that take no key) its URL.
fn provider_from_vars(
    vars: &Vars<'_>,
    kind: ProviderKind,
) -> Result<Option<ProviderConfig>, ConfigError> {
    let prefix = kind.var_prefix();
    let url_var = match kind {
        ProviderKind::OpenAi => "EDU_AI_OPENAI_URL",
        ProviderKind::Anthropic => "EDU_AI_ANTHROPIC_URL",
        ProviderKind::Gemini => "EDU_AI_GEMINI_URL",
    };
    let key = vars
        .get(&format!("{prefix}_KEY"))
        .map(|k| ApiKey::new(k.trim()));
    let url = vars.get(url_var);
    let configured = key.is_some() || (kind == ProviderKind::OpenAi && url.is_some());
    if !configured {
        return Ok(None);
    }
    let base_url = match url {
        Some(url) => {
            let url = url.trim();
            let parsed = url::Url::parse(url).map_err(|_| {
                ConfigError::new(
                    url_var,
                    format!("expected an http(s) URL, got {}", redact(url)),
                )
            })?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return Err(ConfigError::new(
                    url_var,
                    format!("expected an http(s) URL, got {}", redact(url)),
                ));
            }
            url.trim_end_matches('/').to_owned()
        }
        None => kind.default_url().to_owned(),
    };
    Ok(Some(ProviderConfig {
        kind,
        base_url,
        key,
    }))
}

/// `provider:model`, `provider` (its default model for the tier), or unset (the first configured
/// provider's default model).
fn route_from_vars(
    vars: &Vars<'_>,
    tier: Tier,
    providers: &[ProviderConfig],
) -> Result<Option<Route>, ConfigError> {
    let var = tier.var();
    let Some(value) = vars.get(var) else {
        return Ok(providers.first().map(|p| Route {
            provider: p.kind,
            model: p.kind.default_models()[tier.index()].to_owned(),
        }));
    };
    let value = value.trim();
    let (name, model) = match value.split_once(':') {
        Some((name, model)) => (name.trim(), Some(model.trim())),
        None => (value, None),
    };
    let provider = ProviderKind::parse(name).ok_or_else(|| {
        ConfigError::new(
            var,
            format!("expected openai, anthropic or gemini, then :model; got {value:?}"),
        )
    })?;
    if !providers.iter().any(|p| p.kind == provider) {
        return Err(ConfigError::new(
            var,
            format!(
                "names {name}, which is not configured: set {}_KEY",
                provider.var_prefix()
            ),
        ));
    }
    let model = match model {
        Some("") => return Err(ConfigError::new(var, "the model after ':' is empty")),
        Some(model) => model.to_owned(),
        None => provider.default_models()[tier.index()].to_owned(),
    };
    Ok(Some(Route { provider, model }))
}

/// `model=input/output,model=input/output` in USD per million tokens.
fn parse_prices(text: &str) -> Result<Vec<(String, Price)>, String> {
    text.split(',')
        .filter(|entry| !entry.trim().is_empty())
        .map(|entry| {
            let bad =
                || format!("expected model=input/output (USD per million tokens), got {entry:?}");
            let (model, prices) = entry.split_once('=').ok_or_else(bad)?;
            let (input, output) = prices.split_once('/').ok_or_else(bad)?;
            let number = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|n| n.is_finite() && *n >= 0.0)
                    .ok_or_else(bad)
            };
            let model = model.trim();
            if model.is_empty() {
                return Err(bad());
            }
            Ok((
                model.to_owned(),
                Price {
                    input_per_million: number(input)?,
                    output_per_million: number(output)?,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::parse;
    use super::*;

    #[test]
    fn no_provider_means_offline_for_every_tier() {
        let config = parse(&[]).unwrap().ai;
        assert!(config.providers.is_empty());
        for tier in Tier::ALL {
            assert_eq!(config.route(tier), None);
        }
        assert_eq!(config.timeout, Duration::from_secs(60));
    }

    #[test]
    fn tiers_route_to_the_named_provider_and_model() {
        let config = parse(&[
            ("EDU_AI_OPENAI_URL", "http://127.0.0.1:11434/v1/"),
            ("EDU_AI_ANTHROPIC_KEY", "sk-ant-secret"),
            ("EDU_AI_CHEAP", "openai:llama3.2"),
            ("EDU_AI_MID", "anthropic"),
        ])
        .unwrap()
        .ai;
        let openai = config.provider(ProviderKind::OpenAi).unwrap();
        assert_eq!(openai.base_url, "http://127.0.0.1:11434/v1");
        assert_eq!(openai.key, None);
        let cheap = config.route(Tier::Cheap).unwrap();
        assert_eq!(
            (cheap.provider, cheap.model.as_str()),
            (ProviderKind::OpenAi, "llama3.2")
        );
        let mid = config.route(Tier::Mid).unwrap();
        assert_eq!(
            (mid.provider, mid.model.as_str()),
            (ProviderKind::Anthropic, "claude-sonnet-4-0")
        );
        // Unset: the first configured provider's default for the tier.
        let expensive = config.route(Tier::Expensive).unwrap();
        assert_eq!(expensive.provider, ProviderKind::OpenAi);
    }

    #[test]
    fn bad_ai_variables_name_themselves() {
        let bad: &[(&[(&str, &str)], &str)] = &[
            (&[("EDU_AI_CHEAP", "openai:gpt-4o-mini")], "EDU_AI_CHEAP"),
            (
                &[("EDU_AI_GEMINI_KEY", "k"), ("EDU_AI_MID", "mistral:x")],
                "EDU_AI_MID",
            ),
            (
                &[("EDU_AI_GEMINI_KEY", "k"), ("EDU_AI_MID", "gemini:")],
                "EDU_AI_MID",
            ),
            (&[("EDU_AI_OPENAI_URL", "ftp://x")], "EDU_AI_OPENAI_URL"),
            (&[("EDU_AI_TIMEOUT_SECS", "0")], "EDU_AI_TIMEOUT_SECS"),
            (
                &[("EDU_AI_USER_DAILY_TOKENS", "-5")],
                "EDU_AI_USER_DAILY_TOKENS",
            ),
            (&[("EDU_AI_PRICES", "gpt=1")], "EDU_AI_PRICES"),
        ];
        for (vars, var) in bad {
            let err = parse(vars).unwrap_err();
            assert_eq!(err.var, *var, "{vars:?}");
        }
    }

    #[test]
    fn keys_never_show() {
        let config = parse(&[
            ("EDU_AI_OPENAI_KEY", "sk-live-hunter2"),
            ("EDU_AI_GEMINI_KEY", "AIza-hunter2"),
        ])
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        let key = config
            .ai
            .provider(ProviderKind::OpenAi)
            .unwrap()
            .key
            .clone()
            .unwrap();
        assert_eq!(key.expose(), "sk-live-hunter2");
        assert_eq!(key.to_string(), "***");
    }

    #[test]
    fn prices_add_to_the_built_in_table() {
        let config = parse(&[("EDU_AI_PRICES", "llama3.2=0/0, gpt-4o-mini=0.2/0.8")])
            .unwrap()
            .ai;
        assert_eq!(config.prices["llama3.2"].output_per_million, 0.0);
        assert_eq!(config.prices["gpt-4o-mini"].input_per_million, 0.2);
        assert_eq!(config.prices["gpt-4o"].input_per_million, 2.5);
    }
}
