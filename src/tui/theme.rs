//! Colours and symbols. Every colour-coded state also carries a symbol and a word, so a
//! monochrome terminal (or `NO_COLOR`, <https://no-color.org>) loses nothing; selection and
//! headers use modifiers (reverse, bold), which survive without colour.

use ratatui::style::{Color, Modifier, Style};

use super::snapshot::{IkeStatus, Mark};
use crate::track::diagnosis::Severity;
use crate::track::states::SessionStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set to a non-empty value.
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    pub const fn mono() -> Theme {
        Theme { color: false }
    }

    pub fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn header(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// `show crypto session` status with its symbol.
    pub fn session(&self, s: SessionStatus) -> (&'static str, Style) {
        match s {
            SessionStatus::UpActive => ("✔ UP-ACTIVE", self.fg(Color::Green)),
            SessionStatus::UpIdle => ("○ UP-IDLE", self.fg(Color::Yellow)),
            SessionStatus::UpNoIke => ("◐ UP-NO-IKE", self.fg(Color::Yellow)),
            SessionStatus::DownNegotiating => ("… DOWN-NEGOTIATING", self.fg(Color::Yellow)),
            SessionStatus::Down => ("✖ DOWN", self.fg(Color::Red).add_modifier(Modifier::BOLD)),
        }
    }

    pub fn ike_status(&self, s: IkeStatus) -> (&'static str, Style) {
        match s {
            IkeStatus::Active => ("✔ ACTIVE", self.fg(Color::Green)),
            IkeStatus::Negotiating => ("… negotiating", self.fg(Color::Yellow)),
            IkeStatus::Failed => ("✖ failed", self.fg(Color::Red).add_modifier(Modifier::BOLD)),
            IkeStatus::Deleted => ("− deleted", self.dim()),
        }
    }

    /// `!!` error, `!` warning.
    pub fn severity(&self, s: Severity) -> (&'static str, Style) {
        match s {
            Severity::Error => ("!!", self.fg(Color::Red).add_modifier(Modifier::BOLD)),
            Severity::Warning => ("! ", self.fg(Color::Yellow)),
        }
    }

    pub fn mark(&self, m: &Mark) -> Style {
        if m.is_failure() {
            self.fg(Color::Red)
        } else {
            self.fg(Color::Yellow)
        }
    }

    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn bad(&self) -> Style {
        self.fg(Color::Red)
    }
}
