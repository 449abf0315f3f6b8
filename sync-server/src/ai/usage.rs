//! The usage ledger: one `ai_usage` row per provider call, with its tokens and estimated cost
//! from the configured price table. Cache hits and the offline provider cost nothing and are not
//! rows.

use std::collections::BTreeMap;

use chrono::Utc;
use shared::domain::UserId;

use super::provider::Usage;
use crate::config::Price;
use crate::db::{on_pool, Db};

/// The estimated cost of `usage` on `model` in USD; 0 for a model without a price.
pub fn cost_usd(prices: &BTreeMap<String, Price>, model: &str, usage: Usage) -> f64 {
    prices.get(model).map_or(0.0, |price| {
        (usage.input_tokens as f64 * price.input_per_million
            + usage.output_tokens as f64 * price.output_per_million)
            / 1_000_000.0
    })
}

/// One provider call as the ledger keeps it.
#[derive(Debug, Clone)]
pub struct UsageRecord<'a> {
    pub user: Option<&'a UserId>,
    pub task: &'a str,
    pub provider: &'a str,
    pub model: &'a str,
    pub usage: Usage,
    pub cost_usd: f64,
    /// `ok` or `failed`.
    pub outcome: &'static str,
}

pub async fn record(db: &Db, entry: &UsageRecord<'_>) -> Result<(), sqlx::Error> {
    let micro = (entry.cost_usd * 1_000_000.0).round() as i64;
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO ai_usage (id, user_id, task, provider, model, input_tokens, \
                                   output_tokens, cost_micro_usd, outcome, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(entry.user)
        .bind(entry.task)
        .bind(entry.provider)
        .bind(entry.model)
        .bind(i64::try_from(entry.usage.input_tokens).unwrap_or(i64::MAX))
        .bind(i64::try_from(entry.usage.output_tokens).unwrap_or(i64::MAX))
        .bind(micro)
        .bind(entry.outcome)
        .bind(Utc::now())
        .execute(pool)
        .await?;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_follows_the_price_table() {
        let prices = BTreeMap::from([(
            "m".to_owned(),
            Price {
                input_per_million: 1.0,
                output_per_million: 4.0,
            },
        )]);
        let usage = Usage {
            input_tokens: 500_000,
            output_tokens: 250_000,
        };
        assert!((cost_usd(&prices, "m", usage) - 1.5).abs() < 1e-9);
        assert_eq!(cost_usd(&prices, "unpriced", usage), 0.0);
    }
}
