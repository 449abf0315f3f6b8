//! The response cache: a model's answer kept per (task, model, prompt version, input hash), so the
//! same prompt to the same model is asked once. Only answers their feature accepted are stored
//! (a quiz that did not parse is never served again).

use chrono::Utc;

use super::prompt::RenderedPrompt;
use super::provider::{Completion, Usage};
use crate::db::{on_pool, Db};

/// The cached answer to `prompt` from `model`, if any.
pub async fn lookup(
    db: &Db,
    model: &str,
    prompt: &RenderedPrompt,
) -> Result<Option<Completion>, sqlx::Error> {
    let row: Option<(String, i64, i64)> = on_pool!(db, pool => {
        sqlx::query_as(
            "SELECT response, input_tokens, output_tokens FROM ai_cache \
             WHERE task = $1 AND model = $2 AND prompt_version = $3 AND input_hash = $4",
        )
        .bind(prompt.task)
        .bind(model)
        .bind(i32::try_from(prompt.version).unwrap_or(i32::MAX))
        .bind(prompt.input_hash())
        .fetch_optional(pool)
        .await?
    });
    Ok(row.map(|(text, input, output)| Completion {
        text,
        usage: Usage {
            input_tokens: u64::try_from(input).unwrap_or(0),
            output_tokens: u64::try_from(output).unwrap_or(0),
        },
    }))
}

/// Keeps `answer` to `prompt` from `model` (a racing writer's equal answer wins, nothing fails).
pub async fn store(
    db: &Db,
    model: &str,
    prompt: &RenderedPrompt,
    answer: &Completion,
) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => {
        sqlx::query(
            "INSERT INTO ai_cache (task, model, prompt_version, input_hash, response, \
                                   input_tokens, output_tokens, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (task, model, prompt_version, input_hash) DO NOTHING",
        )
        .bind(prompt.task)
        .bind(model)
        .bind(i32::try_from(prompt.version).unwrap_or(i32::MAX))
        .bind(prompt.input_hash())
        .bind(&answer.text)
        .bind(i64::try_from(answer.usage.input_tokens).unwrap_or(i64::MAX))
        .bind(i64::try_from(answer.usage.output_tokens).unwrap_or(i64::MAX))
        .bind(Utc::now())
        .execute(pool)
        .await?;
    });
    Ok(())
}
