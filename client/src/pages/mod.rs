//! One component per route.

pub mod catalog;
pub mod not_found;

pub use catalog::CatalogPage;
pub use not_found::NotFoundPage;
