//! Small reusable widgets: props in, callbacks out, no HTTP or storage.

pub mod application;
pub mod auth_card;
pub mod authoring;
pub mod course_card;
pub mod course_facts;
pub mod error_notice;
pub mod footer;
pub mod form;
pub mod guard;
pub mod header;
pub mod icons;
pub mod locale_switch;
pub mod logo;
pub mod nav_link;
pub mod notification_bell;
pub mod online_indicator;
pub mod resend_status;
pub mod search_box;
pub mod user_menu;

pub use application::{ApplicationItem, ApplicationStatusCard, RejectDialog};
pub use auth_card::AuthCard;
pub use course_card::{CourseCard, CourseCardSkeleton};
pub use course_facts::{CourseCover, RatingSummary, Stars};
pub use error_notice::ErrorNotice;
pub use footer::Footer;
pub use guard::{ForbiddenView, Guard, PageLoading};
pub use header::Header;
pub use locale_switch::LocaleSwitch;
pub use logo::Logo;
pub use nav_link::NavLink;
pub use notification_bell::NotificationBell;
pub use online_indicator::OnlineIndicator;
pub use resend_status::ResendStatusLine;
pub use search_box::SearchBox;
pub use user_menu::UserMenu;
