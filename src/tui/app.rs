//! The UI thread's state: which view, where the selection is, sort, filter, pause, freeze,
//! help. Plain data changed by keys; the worker is told what to show through
//! [`App::next_request`], and the answer is adopted with [`App::adopt`].

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::draw::list_height;
use super::snapshot::{Focus, RowKey, Snapshot, Target, View, ViewRequest};

/// The keys, as the help overlay and docs/tui.md list them.
pub const KEYS: &[(&str, &str)] = &[
    (
        "1 … 6, Tab",
        "Tunnels, IKE SAs, IPsec SAs, Ladder, Diagnoses, Packets",
    ),
    ("↑ ↓ j k", "select a row"),
    ("PgUp PgDn Home End", "page, first, last (g, G too)"),
    ("Enter", "SA → its ladder; ladder row, diagnosis → packet"),
    ("p", "packets of the selected tunnel or SA"),
    ("/", "filter: address, state, SPI, diagnosis (Esc: undo)"),
    ("Esc", "clear the filter"),
    ("s  r", "next sort column, reverse the order"),
    ("space", "pause / resume (live: the screen holds)"),
    ("f", "freeze the selection on its row as data changes"),
    ("[ ]", "scroll the packet tree"),
    ("?", "this help"),
    ("q, Ctrl-C", "quit"),
];

/// What a key asks of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    /// Only the UI changed (help, filter line, tree scroll): draw again.
    Redraw,
    /// The worker must build a new snapshot: send [`App::next_request`].
    Request,
    Pause(bool),
    Quit,
}

#[derive(Debug, Clone, Default)]
struct ViewState {
    selected: usize,
    offset: usize,
    sort: usize,
    reverse: bool,
    total: usize,
    key: Option<RowKey>,
    target: Target,
    anchor: Option<RowKey>,
}

#[derive(Debug, Clone)]
pub struct App {
    pub view: View,
    states: [ViewState; 6],
    pub filter: String,
    /// The filter line being edited, with the filter to restore on Esc.
    pub editing: Option<String>,
    pub paused: bool,
    pub frozen: bool,
    pub help: bool,
    pub focus: Option<Focus>,
    goto_frame: Option<u64>,
    pub tree_scroll: u16,
    seq: u64,
    size: (u16, u16),
}

impl App {
    pub fn new(width: u16, height: u16) -> App {
        App {
            view: View::Tunnels,
            states: Default::default(),
            filter: String::new(),
            editing: None,
            paused: false,
            frozen: false,
            help: false,
            focus: None,
            goto_frame: None,
            tree_scroll: 0,
            seq: 0,
            size: (width, height),
        }
    }

    fn st(&self) -> &ViewState {
        &self.states[self.view.index()]
    }

    fn st_mut(&mut self) -> &mut ViewState {
        &mut self.states[self.view.index()]
    }

    /// The selected row of the current view (index into its filtered, sorted rows).
    pub fn selected(&self) -> usize {
        self.st().selected
    }

    pub fn sort(&self) -> (usize, bool) {
        (self.st().sort, self.st().reverse)
    }

    pub fn resize(&mut self, width: u16, height: u16) {
        self.size = (width, height);
    }

    fn height(&self) -> usize {
        list_height(self.view, self.size.0, self.size.1)
    }

    /// The request for the current view, with a new sequence number.
    pub fn next_request(&mut self) -> ViewRequest {
        self.seq += 1;
        self.request()
    }

    /// The current request (same sequence number).
    pub fn request(&self) -> ViewRequest {
        let st = self.st();
        ViewRequest {
            seq: self.seq,
            view: self.view,
            sort: st.sort,
            reverse: st.reverse,
            filter: self.filter.clone(),
            offset: st.offset,
            selected: st.selected,
            height: self.height(),
            anchor: if self.frozen { st.anchor } else { None },
            focus: self.focus,
            goto_frame: self.goto_frame,
        }
    }

    /// Takes the selection from the answer to the latest request (the worker clamps it,
    /// follows a frozen row, and resolves a frame to go to). Older answers are only drawn.
    pub fn adopt(&mut self, snap: &Snapshot) {
        if snap.seq != self.seq || snap.view != self.view {
            return;
        }
        let (total, selected, offset) = snap.body.scroll();
        let (key, target) = snap.body.key_and_target();
        let frozen = self.frozen;
        let st = self.st_mut();
        st.total = total;
        st.selected = selected;
        st.offset = offset;
        st.key = key;
        st.target = target;
        if frozen && st.anchor.is_none() {
            st.anchor = key;
        }
        self.goto_frame = None;
        if self.view.is_sa_table()
            && let Some(f) = target.focus
        {
            self.set_focus(f);
        }
    }

    fn set_focus(&mut self, f: Focus) {
        if self.focus != Some(f) {
            self.focus = Some(f);
            for v in [View::Ladder, View::Packets] {
                let st = &mut self.states[v.index()];
                st.selected = 0;
                st.offset = 0;
                st.anchor = None;
            }
        }
    }

    fn switch(&mut self, v: View) -> Effect {
        self.view = v;
        self.tree_scroll = 0;
        Effect::Request
    }

    fn move_by(&mut self, delta: isize) -> Effect {
        let height = self.height().max(1);
        let st = self.st_mut();
        let last = st.total.saturating_sub(1);
        let sel = st.selected.saturating_add_signed(delta).min(last);
        if sel == st.selected {
            return Effect::None;
        }
        st.selected = sel;
        if sel < st.offset {
            st.offset = sel;
        } else if sel >= st.offset + height {
            st.offset = sel + 1 - height;
        }
        st.anchor = None;
        self.tree_scroll = 0;
        Effect::Request
    }

    /// Handles one key.
    pub fn on_key(&mut self, key: KeyEvent) -> Effect {
        if key.kind == KeyEventKind::Release {
            return Effect::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
            return Effect::Quit;
        }
        if let Some(before) = &self.editing {
            return match key.code {
                KeyCode::Enter => {
                    self.editing = None;
                    Effect::Redraw
                }
                KeyCode::Esc => {
                    self.filter = before.clone();
                    self.editing = None;
                    Effect::Request
                }
                KeyCode::Backspace => {
                    self.filter.pop();
                    Effect::Request
                }
                KeyCode::Char(c) if !ctrl => {
                    self.filter.push(c);
                    Effect::Request
                }
                _ => Effect::None,
            };
        }
        if self.help {
            if key.code == KeyCode::Char('q') {
                return Effect::Quit;
            }
            self.help = false;
            return Effect::Redraw;
        }
        let page = self.height().max(1) as isize;
        match key.code {
            KeyCode::Char('q') => Effect::Quit,
            KeyCode::Char('?') => {
                self.help = true;
                Effect::Redraw
            }
            KeyCode::Char(c @ '1'..='6') => {
                let i = usize::from(c as u8 - b'1');
                match View::ALL.get(i) {
                    Some(v) => self.switch(*v),
                    None => Effect::None,
                }
            }
            KeyCode::Tab => self.switch(View::ALL[(self.view.index() + 1) % View::ALL.len()]),
            KeyCode::BackTab => {
                self.switch(View::ALL[(self.view.index() + View::ALL.len() - 1) % View::ALL.len()])
            }
            KeyCode::Up | KeyCode::Char('k') => self.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::Home | KeyCode::Char('g') => self.move_by(isize::MIN / 2),
            KeyCode::End | KeyCode::Char('G') => self.move_by(isize::MAX / 2),
            KeyCode::Enter => self.enter(),
            KeyCode::Char('p') => {
                let t = self.st().target;
                match t.focus {
                    Some(f) if self.view.is_sa_table() => {
                        self.set_focus(f);
                        self.switch(View::Packets)
                    }
                    _ => Effect::None,
                }
            }
            KeyCode::Char('/') => {
                self.editing = Some(std::mem::take(&mut self.filter));
                Effect::Request
            }
            KeyCode::Esc if !self.filter.is_empty() => {
                self.filter.clear();
                Effect::Request
            }
            KeyCode::Char('s') => {
                let n = self.view.sort_keys().len().max(1);
                let st = self.st_mut();
                st.sort = (st.sort + 1) % n;
                Effect::Request
            }
            KeyCode::Char('r' | 'S') => {
                let st = self.st_mut();
                st.reverse = !st.reverse;
                Effect::Request
            }
            KeyCode::Char(' ') => {
                self.paused = !self.paused;
                Effect::Pause(self.paused)
            }
            KeyCode::Char('f') => {
                self.frozen = !self.frozen;
                let st = self.st_mut();
                st.anchor = st.key;
                Effect::Request
            }
            KeyCode::Char(']') => {
                self.tree_scroll = self.tree_scroll.saturating_add(page as u16 / 2);
                Effect::Redraw
            }
            KeyCode::Char('[') => {
                self.tree_scroll = self.tree_scroll.saturating_sub(page as u16 / 2);
                Effect::Redraw
            }
            _ => Effect::None,
        }
    }

    fn enter(&mut self) -> Effect {
        let t = self.st().target;
        match self.view {
            View::Tunnels | View::IkeSas | View::IpsecSas => match t.focus {
                Some(f) => {
                    self.set_focus(f);
                    self.switch(View::Ladder)
                }
                None => Effect::None,
            },
            View::Ladder | View::Diagnoses => {
                if let Some(f) = t.focus {
                    self.set_focus(f);
                }
                if t.frame.is_none() && t.focus.is_none() {
                    return Effect::None;
                }
                self.goto_frame = t.frame;
                self.switch(View::Packets)
            }
            View::Packets => Effect::None,
        }
    }
}
