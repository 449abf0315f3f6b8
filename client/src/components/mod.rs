//! Small reusable widgets: props in, callbacks out, no HTTP or storage.

pub mod course_card;
pub mod error_notice;
pub mod footer;
pub mod header;
pub mod icons;
pub mod locale_switch;
pub mod logo;
pub mod online_indicator;

pub use course_card::{CourseCard, CourseCardSkeleton};
pub use error_notice::ErrorNotice;
pub use footer::Footer;
pub use header::Header;
pub use locale_switch::LocaleSwitch;
pub use logo::Logo;
pub use online_indicator::OnlineIndicator;
