//! Pure rendering: `draw(frame, &App, Option<&Snapshot>, Theme)` reads plain data and writes
//! cells; it never touches the tracker. Columns that do not fit the width are dropped by
//! priority (the detail pane below each table shows everything about the selected row), so
//! every view reads at 80x24 and uses the room of a wide terminal.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Clear, HighlightSpacing, Paragraph, Row, Sparkline, Table, TableState,
    Wrap,
};

use super::app::{App, KEYS};
use super::snapshot::{
    Arrow, Body, DiagDetail, DiagRow, IkeRow, IpsecRow, Ladder, LadderRow, Mark, PacketList,
    RunState, Snapshot, Status, TunnelDetail, TunnelRow, View, Window,
};
use super::theme::Theme;

/// The screen's regions: tab bar, body, status line, key hints (or the filter being typed).
struct Areas {
    tabs: Rect,
    body: Rect,
    status: Rect,
    hint: Rect,
}

fn areas(area: Rect) -> Areas {
    let [tabs, body, status, hint] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Areas {
        tabs,
        body,
        status,
        hint,
    }
}

/// Rows of the Ladder's header (title, outcome, note, peers, current states).
const LADDER_HEADER: u16 = 5;

/// The list part and the detail part of a view's body.
fn split(view: View, body: Rect) -> (Rect, Rect) {
    let detail = match view {
        View::Tunnels | View::IkeSas | View::IpsecSas => {
            if body.height >= 30 {
                10
            } else {
                7
            }
        }
        View::Diagnoses => body.height / 2,
        View::Packets => body.height - body.height * 2 / 5,
        View::Ladder => 0,
    }
    .min(body.height / 2 + 1);
    let [list, detail] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(detail)]).areas(body);
    (list, detail)
}

/// How many rows of the view's list fit on a terminal of this size (what the UI asks the
/// worker for).
pub fn list_height(view: View, width: u16, height: u16) -> usize {
    let (list, _) = split(view, areas(Rect::new(0, 0, width, height)).body);
    usize::from(match view {
        View::Ladder => list.height.saturating_sub(LADDER_HEADER),
        View::Packets => list.height.saturating_sub(1),
        _ => list.height.saturating_sub(2),
    })
    .max(1)
}

/// Draws the whole screen.
pub fn draw(f: &mut Frame<'_>, app: &App, snap: Option<&Snapshot>, theme: Theme) {
    let a = areas(f.area());
    draw_tabs(f, a.tabs, app, snap, theme);
    match snap {
        None => f.render_widget(Paragraph::new("reading…"), a.body),
        Some(s) => {
            let (list, detail) = split(app.view, a.body);
            match &s.body {
                Body::Tunnels { table, detail: d } => {
                    tunnels(f, list, app, table, theme);
                    tunnel_detail(f, detail, d.as_ref(), theme);
                }
                Body::IkeSas { table, detail: d } => {
                    ike_sas(f, list, app, table, theme);
                    detail_lines(f, detail, "selected IKE SA", d, theme);
                }
                Body::IpsecSas { table, detail: d } => {
                    ipsec_sas(f, list, app, table, theme);
                    detail_lines(f, detail, "selected IPsec SA pair", d, theme);
                }
                Body::Ladder(l) => ladder(f, a.body, app, l, theme),
                Body::Diagnoses { table, detail: d } => {
                    diagnoses(f, list, app, table, theme);
                    diag_detail(f, detail, d.as_ref(), theme);
                }
                Body::Packets(p) => packets(f, list, detail, app, p, theme),
            }
        }
    }
    if let Some(s) = snap {
        draw_status(f, a.status, app, &s.status, theme);
    }
    draw_hint(f, a.hint, app, theme);
    if app.help {
        help(f, f.area(), theme);
    }
}

fn draw_tabs(f: &mut Frame<'_>, area: Rect, app: &App, snap: Option<&Snapshot>, theme: Theme) {
    let c = snap.map(|s| s.counts).unwrap_or_default();
    let mut spans = Vec::new();
    if area.width >= 100 {
        spans.push(Span::styled("ikescope ", theme.bold()));
    }
    for (i, v) in View::ALL.iter().enumerate() {
        let count = match v {
            View::Tunnels => format!("({})", c.tunnels),
            View::IkeSas => format!("({})", c.ike_sas),
            View::IpsecSas => format!("({})", c.ipsec_sas),
            View::Diagnoses if c.errors > 0 => format!("(!!{})", c.errors),
            View::Diagnoses if c.warnings > 0 => format!("(!{})", c.warnings),
            View::Diagnoses => "(0)".into(),
            View::Ladder | View::Packets => String::new(),
        };
        let text = if area.width >= 100 {
            format!(" {} {}{} ", i + 1, v.title(), count)
        } else {
            format!("{} {}{}", i + 1, v.title(), count)
        };
        if area.width < 100 && i > 0 {
            spans.push(Span::raw(" "));
        }
        let style = if *v == app.view {
            theme.selected().patch(theme.bold())
        } else if *v == View::Diagnoses && c.errors > 0 {
            theme.bad()
        } else {
            Style::new()
        };
        spans.push(Span::styled(text, style));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn state_text(s: &RunState, app: &App, wide: bool) -> String {
    let base = match s {
        RunState::Replaying { speed } if wide => format!("▶ replay ×{}", trim_float(*speed)),
        RunState::Replaying { speed } => format!("▶ ×{}", trim_float(*speed)),
        RunState::Loading => "» loading".into(),
        RunState::Live => "● live".into(),
        RunState::Paused => "II PAUSED".into(),
        RunState::Finished if wide => "■ end of capture".into(),
        RunState::Finished => "■ end".into(),
        RunState::Failed(e) => format!("✖ read error: {e}"),
    };
    if app.frozen {
        format!("{base} · FROZEN")
    } else {
        base
    }
}

fn trim_float(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e9 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn draw_status(f: &mut Frame<'_>, area: Rect, app: &App, s: &Status, theme: Theme) {
    let wide = area.width >= 120;
    let sep = Span::styled(" │ ", theme.dim());
    let state_style = match s.state {
        RunState::Failed(_) => theme.bad(),
        RunState::Paused => theme.warn().patch(theme.bold()),
        _ => theme.bold(),
    };
    let mut spans = vec![
        Span::styled(state_text(&s.state, app, wide), state_style),
        sep.clone(),
        Span::raw(format!("{} pkts", s.packets)),
        sep.clone(),
        Span::styled(
            format!("{} drops", s.drops.unwrap_or(0)),
            if s.drops.unwrap_or(0) > 0 {
                theme.bad()
            } else {
                Style::new()
            },
        ),
        sep.clone(),
        Span::raw(if wide {
            format!("{} pkt/s", rate_text(s.rate))
        } else {
            format!("{}/s", rate_text(s.rate))
        }),
        sep.clone(),
        Span::raw(if wide {
            format!("decrypted {}/{} IKE SAs", s.decrypted.0, s.decrypted.1)
        } else {
            format!("decrypted {}/{}", s.decrypted.0, s.decrypted.1)
        }),
        sep.clone(),
        Span::raw(if s.keys.is_empty() {
            "no keys".to_string()
        } else {
            format!("keys: {}", s.keys)
        }),
    ];
    if !s.time.is_empty() && wide {
        spans.push(sep.clone());
        spans.push(Span::raw(s.time.clone()));
    }
    if s.evicted > 0 {
        spans.push(sep.clone());
        spans.push(Span::styled(
            format!("{} SAs evicted", s.evicted),
            theme.warn(),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_hint(f: &mut Frame<'_>, area: Rect, app: &App, theme: Theme) {
    let line = if app.editing.is_some() {
        Line::from(vec![
            Span::styled("/", theme.bold()),
            Span::raw(app.filter.clone()),
            Span::styled("█", theme.dim()),
            Span::styled("   Enter keeps · Esc restores", theme.dim()),
        ])
    } else if !app.filter.is_empty() {
        Line::from(vec![
            Span::styled(format!("filter: {}", app.filter), theme.warn()),
            Span::styled(
                "  · Esc clears · / new filter · ? help · q quit",
                theme.dim(),
            ),
        ])
    } else {
        Line::from(Span::styled(
            "? help · q quit · 1-6 views · ↑↓ select · Enter open · p packets · / filter · s sort · space pause · f freeze",
            theme.dim(),
        ))
    };
    f.render_widget(Paragraph::new(line), area);
}

// ---------------------------------------------------------------------- tables

/// A column: title, width, priority (0 is kept first), whether it takes the spare room.
struct Col {
    title: &'static str,
    width: u16,
    prio: u8,
    fill: bool,
    right: bool,
}

const fn col(title: &'static str, width: u16, prio: u8) -> Col {
    Col {
        title,
        width,
        prio,
        fill: false,
        right: false,
    }
}

const fn fill(title: &'static str, width: u16, prio: u8) -> Col {
    Col {
        title,
        width,
        prio,
        fill: true,
        right: false,
    }
}

const fn num(title: &'static str, width: u16, prio: u8) -> Col {
    Col {
        title,
        width,
        prio,
        fill: false,
        right: true,
    }
}

/// The columns that fit, by priority, in their own order. The fill column gets the width its
/// content wants (`fill_want`) before columns less important than it.
fn fit(cols: &[Col], width: u16, fill_want: u16) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|i| cols.get(*i).map_or(u8::MAX, |c| c.prio));
    let mut used: u16 = 2; // the selection marker
    let mut chosen: Vec<usize> = Vec::new();
    for i in order {
        let Some(c) = cols.get(i) else { continue };
        let w = c.width + u16::from(!chosen.is_empty());
        if used + w <= width {
            used += w;
            chosen.push(i);
        }
    }
    if let Some(fill) = chosen.iter().find_map(|i| cols.get(*i).filter(|c| c.fill)) {
        let extra = fill_want.saturating_sub(fill.width);
        // Drop the least important columns (a whole priority at a time) until it fits.
        while used + extra > width {
            let Some(worst) = chosen
                .iter()
                .filter_map(|i| cols.get(*i))
                .map(|c| c.prio)
                .filter(|p| *p > fill.prio)
                .max()
            else {
                break;
            };
            chosen.retain(|i| {
                let Some(c) = cols.get(*i) else { return false };
                if c.prio == worst {
                    used -= c.width + 1;
                    false
                } else {
                    true
                }
            });
        }
    }
    chosen.sort_unstable();
    chosen
}

/// The widest text, for a fill column.
fn widest<'a>(texts: impl Iterator<Item = &'a str>) -> u16 {
    texts
        .map(|t| u16::try_from(t.chars().count()).unwrap_or(u16::MAX))
        .max()
        .unwrap_or(0)
}

/// Draws a list as a table: the title line, the header with the sort column marked, and the
/// window's rows (the UI's selection highlighted).
#[allow(clippy::too_many_arguments)]
fn table(
    f: &mut Frame<'_>,
    area: Rect,
    title: String,
    cols: &[Col],
    sort_col: Option<usize>,
    app: &App,
    rows: Vec<Vec<Cell<'static>>>,
    fill_want: u16,
    offset: usize,
    theme: Theme,
) {
    let chosen = fit(cols, area.width, fill_want);
    let (_, reverse) = app.sort();
    let header = Row::new(chosen.iter().filter_map(|i| {
        let c = cols.get(*i)?;
        let mark = if sort_col == Some(*i) {
            if reverse { " ▼" } else { " ▲" }
        } else {
            ""
        };
        let text = format!("{}{mark}", c.title);
        Some(Cell::from(if c.right {
            Line::from(text).right_aligned()
        } else {
            Line::from(text)
        }))
    }))
    .style(theme.header());
    let widths: Vec<Constraint> = chosen
        .iter()
        .filter_map(|i| cols.get(*i))
        .map(|c| {
            if c.fill {
                Constraint::Min(c.width)
            } else {
                Constraint::Length(c.width)
            }
        })
        .collect();
    let rows: Vec<Row<'static>> = rows
        .into_iter()
        .map(|cells| {
            let mut cells: Vec<Option<Cell<'static>>> = cells.into_iter().map(Some).collect();
            Row::new(
                chosen
                    .iter()
                    .filter_map(|i| cells.get_mut(*i).and_then(Option::take)),
            )
        })
        .collect();
    let mut state = TableState::default();
    let sel = app
        .selected()
        .checked_sub(offset)
        .filter(|i| *i < rows.len());
    state.select(sel);
    let t = Table::new(rows, widths)
        .header(header)
        .block(
            Block::new()
                .borders(Borders::TOP)
                .title(Span::styled(title, theme.bold())),
        )
        .row_highlight_style(theme.selected())
        .highlight_symbol("▶ ")
        .highlight_spacing(HighlightSpacing::Always);
    f.render_stateful_widget(t, area, &mut state);
}

fn list_title<R>(name: &str, w: &Window<R>, app: &App, what: &str) -> String {
    let (sort, reverse) = app.sort();
    let by = app.view.sort_keys().get(sort).copied().unwrap_or("");
    let mut s = format!(
        "{name}: {} {what} · sorted by {by}{}",
        w.total,
        if reverse { " (reversed)" } else { "" }
    );
    if !app.filter.is_empty() {
        s.push_str(&format!(" · filter \"{}\"", app.filter));
    }
    if w.total > 0 {
        s.push_str(&format!(" · {}/{}", w.selected + 1, w.total));
    }
    s
}

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).right_aligned())
}

fn worst_cell(w: Option<super::snapshot::Worst>, theme: Theme) -> Cell<'static> {
    match w {
        Some(w) => {
            let (sym, style) = theme.severity(w.severity);
            let more = if w.count > 1 {
                format!(" +{}", w.count - 1)
            } else {
                String::new()
            };
            Cell::from(Span::styled(format!("{sym} {}{more}", w.code), style))
        }
        None => Cell::from(Span::styled("-", theme.dim())),
    }
}

fn tunnels(f: &mut Frame<'_>, area: Rect, app: &App, w: &Window<TunnelRow>, theme: Theme) {
    let cols = [
        col("status", 18, 0),
        fill("peers", 23, 0),
        col("IKE", 12, 0),
        num("IPsec", 5, 2),
        num("pkt/s →", 8, 3),
        num("pkt/s ←", 8, 3),
        col("last 12 s", 12, 5),
        num("age", 6, 4),
        col("diagnosis", 22, 1),
    ];
    let rows = w
        .rows
        .iter()
        .map(|r| {
            let (status, style) = theme.session(r.status);
            vec![
                Cell::from(Span::styled(status, style)),
                Cell::from(format!("{} <-> {}", r.peers[0], r.peers[1])),
                Cell::from(if r.ike_version == 2 {
                    format!("{} v2", r.ike_state)
                } else {
                    r.ike_state.clone()
                }),
                right(r.ipsec_up.to_string()),
                right(rate_text(r.rate[0])),
                right(rate_text(r.rate[1])),
                Cell::from(spark_text(r.spark.iter().rev().take(12).rev().copied())),
                right(age(r.age_secs)),
                worst_cell(r.worst, theme),
            ]
        })
        .collect();
    let sort_col = match app.sort().0 {
        0 => Some(1),
        1 => Some(0),
        2 => Some(7),
        3 => Some(4),
        4 => Some(8),
        _ => None,
    };
    table(
        f,
        area,
        list_title("Tunnels", w, app, "peer pairs"),
        &cols,
        sort_col,
        app,
        rows,
        widest(
            w.rows
                .iter()
                .map(|r| format!("{} <-> {}", r.peers[0], r.peers[1]))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
        ),
        w.offset,
        theme,
    );
}

fn ike_sas(f: &mut Frame<'_>, area: Rect, app: &App, w: &Window<IkeRow>, theme: Theme) {
    let cols = [
        num("conn", 6, 0),
        col("src (I)", 15, 0),
        col("dst (R)", 15, 0),
        col("state", 15, 0),
        col("status", 13, 2),
        col("initiator side", 26, 3),
        col("responder side", 26, 3),
        col("mode", 10, 4),
        num("life", 7, 4),
        num("rtx", 3, 5),
        col("policy", 37, 6),
        fill("identities", 20, 7),
        col("diagnosis", 22, 1),
    ];
    let rows = w
        .rows
        .iter()
        .map(|r| {
            let (status, style) = theme.ike_status(r.status);
            vec![
                right(r.conn_id.to_string()),
                Cell::from(r.initiator.to_string()),
                Cell::from(r.responder.to_string()),
                Cell::from(Span::styled(
                    format!("{} {}", status.split(' ').next().unwrap_or(""), r.state),
                    style,
                )),
                Cell::from(Span::styled(status, style)),
                Cell::from(r.sides[0].clone()),
                Cell::from(r.sides[1].clone()),
                Cell::from(if r.version == 2 {
                    "ikev2".to_string()
                } else {
                    r.mode.to_string()
                }),
                right(r.life.map_or("-".into(), duration)),
                right(r.retransmissions.to_string()),
                Cell::from(r.policy.clone()),
                Cell::from(r.ids.clone()),
                worst_cell(r.worst, theme),
            ]
        })
        .collect();
    let sort_col = match app.sort().0 {
        0 => Some(0),
        1 => Some(3),
        2 => Some(1),
        4 => Some(8),
        _ => None,
    };
    table(
        f,
        area,
        list_title("IKE SAs", w, app, "(show crypto isakmp sa)"),
        &cols,
        sort_col,
        app,
        rows,
        0,
        w.offset,
        theme,
    );
}

fn spi_text(s: Option<u32>) -> String {
    s.map_or("-".into(), |s| format!("0x{s:08x}"))
}

fn ipsec_sas(f: &mut Frame<'_>, area: Rect, app: &App, w: &Window<IpsecRow>, theme: Theme) {
    let cols = [
        col("local", 15, 0),
        col("remote", 15, 0),
        col("SPI in", 10, 0),
        col("SPI out", 10, 0),
        num("encaps", 7, 1),
        num("decaps", 7, 1),
        col("status", 9, 2),
        num("fail d/v", 9, 2),
        num("gaps", 6, 3),
        num("life s/KB", 15, 4),
        col("transform", 31, 5),
        fill("proxies (local → remote)", 30, 6),
    ];
    let rows = w
        .rows
        .iter()
        .map(|r| {
            let fails = r.decrypt_failed[0] + r.decrypt_failed[1];
            let verify = r.verify_failed[0] + r.verify_failed[1];
            let (status, style) = if !r.alive {
                ("− deleted", theme.dim())
            } else if r.encaps > 0 && r.decaps == 0 || r.decaps > 0 && r.encaps == 0 {
                ("→ one-way", theme.warn())
            } else {
                ("✔ active", theme.good())
            };
            vec![
                Cell::from(r.local.to_string()),
                Cell::from(r.remote.to_string()),
                Cell::from(spi_text(r.spi_in)),
                Cell::from(spi_text(r.spi_out)),
                right(r.encaps.to_string()),
                right(r.decaps.to_string()),
                Cell::from(Span::styled(status, style)),
                Cell::from(
                    Line::from(Span::styled(
                        format!("{fails}/{verify}"),
                        if fails + verify > 0 {
                            theme.bad()
                        } else {
                            Style::new()
                        },
                    ))
                    .right_aligned(),
                ),
                right((r.gaps[0] + r.gaps[1]).to_string()),
                right(format!(
                    "{}/{}",
                    r.life_secs.map_or("-".into(), |s| s.to_string()),
                    r.life_kb.map_or("-".into(), |k| k.to_string())
                )),
                Cell::from(format!(
                    "{}{}",
                    if r.protocol == 51 { "AH " } else { "" },
                    r.transform
                )),
                Cell::from(r.proxies.clone()),
            ]
        })
        .collect();
    let sort_col = match app.sort().0 {
        0 => Some(0),
        1 => Some(2),
        2 => Some(4),
        3 => Some(7),
        4 => Some(8),
        _ => None,
    };
    table(
        f,
        area,
        list_title("IPsec SAs", w, app, "SA pairs (show crypto ipsec sa)"),
        &cols,
        sort_col,
        app,
        rows,
        0,
        w.offset,
        theme,
    );
}

fn diagnoses(f: &mut Frame<'_>, area: Rect, app: &App, w: &Window<DiagRow>, theme: Theme) {
    let cols = [
        col("", 2, 0),
        col("code", 24, 0),
        col("what", 30, 2),
        fill("tunnel", 23, 1),
        col("evidence", 14, 1),
    ];
    let rows = w
        .rows
        .iter()
        .map(|r| {
            let (sym, style) = theme.severity(r.severity);
            vec![
                Cell::from(Span::styled(sym, style)),
                Cell::from(Span::styled(r.code, style)),
                Cell::from(r.title),
                Cell::from(r.tunnel.clone()),
                Cell::from(frames_text(&r.frames)),
            ]
        })
        .collect();
    let sort_col = match app.sort().0 {
        0 => Some(4),
        1 => Some(0),
        2 => Some(1),
        3 => Some(3),
        _ => None,
    };
    table(
        f,
        area,
        list_title("Diagnoses", w, app, "findings · Enter: the packet"),
        &cols,
        sort_col,
        app,
        rows,
        widest(w.rows.iter().map(|r| r.tunnel.as_str())),
        w.offset,
        theme,
    );
}

fn frames_text(frames: &[u64]) -> String {
    let list: Vec<String> = frames.iter().take(4).map(u64::to_string).collect();
    let more = if frames.len() > 4 { ", …" } else { "" };
    format!("frames {}{more}", list.join(", "))
}

// ---------------------------------------------------------------------- detail panes

fn detail_block(title: &str, theme: Theme) -> Block<'static> {
    Block::new()
        .borders(Borders::TOP)
        .title(Span::styled(title.to_string(), theme.header()))
}

fn detail_lines(f: &mut Frame<'_>, area: Rect, title: &str, lines: &[String], theme: Theme) {
    let text: Vec<Line<'static>> = if lines.is_empty() {
        vec![Line::from(Span::styled("(nothing selected)", theme.dim()))]
    } else {
        lines.iter().map(|l| Line::from(l.clone())).collect()
    };
    f.render_widget(
        Paragraph::new(text)
            .block(detail_block(title, theme))
            .wrap(Wrap { trim: false }),
        area,
    );
}

fn tunnel_detail(f: &mut Frame<'_>, area: Rect, d: Option<&TunnelDetail>, theme: Theme) {
    let Some(d) = d else {
        detail_lines(f, area, "selected tunnel", &[], theme);
        return;
    };
    let block = detail_block(
        "selected tunnel · ESP/AH packets per second, last 30 s",
        theme,
    );
    let inner = block.inner(area);
    f.render_widget(block, area);
    let [s1, s2, text] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    let [a, b] = d.peers;
    for (row, label, series) in [
        (s1, format!("{a} → {b}"), &d.series[0]),
        (s2, format!("{b} → {a}"), &d.series[1]),
    ] {
        let [l, s, n] = Layout::horizontal([
            Constraint::Length(36),
            Constraint::Length(30),
            Constraint::Min(0),
        ])
        .areas(row);
        f.render_widget(Paragraph::new(label), l);
        if series.iter().all(|x| *x == 0) {
            f.render_widget(Paragraph::new(Span::styled("(no traffic)", theme.dim())), s);
        } else {
            f.render_widget(
                Sparkline::default()
                    .data(series.as_slice())
                    .style(theme.good()),
                s,
            );
        }
        let peak = series.iter().max().copied().unwrap_or(0);
        f.render_widget(
            Paragraph::new(Span::styled(format!(" peak {peak}/s"), theme.dim())),
            n,
        );
    }
    let lines: Vec<Line<'static>> = d.lines.iter().map(|l| Line::from(l.clone())).collect();
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), text);
}

fn diag_detail(f: &mut Frame<'_>, area: Rect, d: Option<&DiagDetail>, theme: Theme) {
    let Some(d) = d else {
        let msg = "No problems found.";
        f.render_widget(
            Paragraph::new(Span::styled(msg, theme.good()))
                .block(detail_block("selected diagnosis", theme)),
            area,
        );
        return;
    };
    let mut lines = vec![Line::from(d.message.clone())];
    for (attr, i, r) in &d.differences {
        lines.push(Line::from(format!(
            "  {attr}: initiator {i}, responder {r}"
        )));
    }
    lines.push(Line::from(vec![
        Span::styled("router would log: ", theme.dim()),
        Span::raw(d.cisco_log.clone()),
    ]));
    lines.push(Line::from(vec![
        Span::styled("check: ", theme.dim()),
        Span::raw(d.fix),
    ]));
    f.render_widget(
        Paragraph::new(lines)
            .block(detail_block("selected diagnosis", theme))
            .wrap(Wrap { trim: false }),
        area,
    );
}

// ---------------------------------------------------------------------- ladder

/// Width of each side's state column.
fn side_width(total: u16) -> usize {
    if total >= 120 { 24 } else { 16 }
}

fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n > w {
        let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
        t.push('…');
        t
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// Short mark forms for the arrows (the help lists them).
fn mark_short(m: &Mark) -> String {
    match m {
        Mark::Retransmission => "↻".into(),
        Mark::Encrypted => "#".into(),
        Mark::DecryptFailed => "✖undecryptable".into(),
        Mark::AuthFailed => "✖auth".into(),
        Mark::Error(n) => format!("✖{n}"),
    }
}

/// The arrow between the two state columns, `width` cells wide.
fn arrow_spans(r: &LadderRow, width: usize, theme: Theme) -> Vec<Span<'static>> {
    let mut text: Vec<(String, Style)> = vec![(r.label.clone(), theme.bold())];
    for m in &r.marks {
        text.push((format!(" {}", mark_short(m)), theme.mark(m)));
    }
    if !r.payloads.is_empty() {
        text.push((format!(" [{}]", r.payloads), Style::new()));
    }
    // Room for the label between the arrow's ends: "─ " … " ─▶".
    let room = width.saturating_sub(5);
    let mut used = 0;
    let mut parts: Vec<Span<'static>> = Vec::new();
    for (s, style) in text {
        let n = s.chars().count();
        if used + n <= room {
            used += n;
            parts.push(Span::styled(s, style));
        } else {
            let left = room.saturating_sub(used);
            if left > 0 {
                let t: String = s.chars().take(left.saturating_sub(1)).collect();
                parts.push(Span::styled(format!("{t}…"), style));
                used += left;
            }
            break;
        }
    }
    let rest = room.saturating_sub(used);
    let line = theme.dim();
    let mut out = Vec::new();
    match r.arrow {
        Arrow::Right => {
            out.push(Span::styled("─ ", line));
            out.extend(parts);
            out.push(Span::styled(format!(" {}─▶", "─".repeat(rest)), line));
        }
        Arrow::Left => {
            out.push(Span::styled(format!("◀─{} ", "─".repeat(rest)), line));
            out.extend(parts);
            out.push(Span::styled(" ─", line));
        }
        Arrow::Unknown => {
            out.push(Span::styled("? ", line));
            out.extend(parts);
            out.push(Span::raw(" ".repeat(rest + 3)));
        }
    }
    out
}

/// A header line of the ladder: the initiator's text from its column leftwards-aligned, the
/// responder's ending at the right edge (both may use the arrow area, blank in the header).
fn two_sides(
    a: &str,
    b: &str,
    sides: &[String; 2],
    sw: usize,
    aw: usize,
    lead: Style,
    style: Style,
) -> Line<'static> {
    let half = sw + 1 + aw / 2;
    let rest = sw + 1 + aw - aw / 2;
    let right = {
        let r = &sides[1];
        let n = r.chars().count();
        if n >= rest {
            pad(r, rest)
        } else {
            format!("{}{r}", " ".repeat(rest - n))
        }
    };
    Line::from(vec![
        Span::styled(format!("{a:>6} {b:>9} "), lead),
        Span::styled(pad(&sides[0], half), style),
        Span::styled(right, style),
    ])
}

fn ladder(f: &mut Frame<'_>, area: Rect, app: &App, l: &Ladder, theme: Theme) {
    let [head, list] =
        Layout::vertical([Constraint::Length(LADDER_HEADER), Constraint::Min(0)]).areas(area);
    if l.title.is_empty() {
        let note = l.note.clone().unwrap_or_default();
        f.render_widget(
            Paragraph::new(note)
                .block(detail_block("Ladder", theme))
                .wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    let sw = side_width(area.width);
    let fixed = 7 + 10 + 2 * sw + 2;
    let aw = usize::from(area.width).saturating_sub(fixed);
    let outcome_style = match l.outcome.as_deref() {
        Some(o) if o.starts_with('✖') => theme.bad(),
        Some(o) if o.starts_with('✔') => theme.good(),
        _ => theme.warn(),
    };
    let head_lines = vec![
        Line::from(vec![
            Span::styled("Ladder ", theme.header()),
            Span::styled(l.title.clone(), theme.bold()),
        ]),
        Line::from(Span::styled(
            l.outcome.clone().unwrap_or_default(),
            outcome_style,
        )),
        Line::from(Span::styled(
            l.note.clone().unwrap_or_default(),
            theme.dim(),
        )),
        two_sides(
            "frame",
            "time",
            &l.peers,
            sw,
            aw,
            theme.header(),
            theme.header(),
        ),
        two_sides("", "now:", &l.states, sw, aw, Style::new(), theme.bold()),
    ];
    f.render_widget(Paragraph::new(head_lines), head);
    let sel = app
        .selected()
        .checked_sub(l.rows.offset)
        .filter(|i| *i < l.rows.rows.len());
    let lines: Vec<Line<'static>> = l
        .rows
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut spans = vec![
                Span::raw(format!(
                    "{}{:>5} {:>9} ",
                    if sel == Some(i) { "▶" } else { " " },
                    r.frame,
                    format!("{:+.3}", r.time)
                )),
                Span::styled(pad(r.states[0].as_deref().unwrap_or(""), sw), theme.warn()),
                Span::raw(" "),
            ];
            spans.extend(arrow_spans(r, aw, theme));
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                pad(r.states[1].as_deref().unwrap_or(""), sw),
                theme.warn(),
            ));
            let line = Line::from(spans);
            if sel == Some(i) {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(lines), list);
}

// ---------------------------------------------------------------------- packets

fn packets(f: &mut Frame<'_>, list: Rect, detail: Rect, app: &App, p: &PacketList, theme: Theme) {
    if p.title.is_empty() {
        f.render_widget(
            Paragraph::new(p.note.clone().unwrap_or_default())
                .block(detail_block("Packets", theme))
                .wrap(Wrap { trim: false }),
            list.union(detail),
        );
        return;
    }
    let sel = app
        .selected()
        .checked_sub(p.list.offset)
        .filter(|i| *i < p.list.rows.len());
    let lines: Vec<Line<'static>> = p
        .list
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let style = match r.marks.iter().find(|m| m.is_failure()) {
                Some(m) => theme.mark(m),
                None if r.marks.contains(&Mark::Retransmission) => theme.warn(),
                None => Style::new(),
            };
            let line = Line::from(vec![
                Span::raw(if sel == Some(i) { "▶" } else { " " }),
                Span::styled(r.line.clone(), style),
            ]);
            if sel == Some(i) {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    let title = format!(
        "Packets of {} · {}/{}",
        p.title,
        if p.list.total == 0 {
            0
        } else {
            p.list.selected + 1
        },
        p.list.total
    );
    f.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::TOP)
                .title(Span::styled(title, theme.bold())),
        ),
        list,
    );
    let frame = p.list.target.frame;
    let tree_title = match frame {
        Some(fr) => format!("frame {fr} decoded · [ ] scroll"),
        None => "decoded".into(),
    };
    let mut tree: Vec<Line<'static>> = p
        .tree
        .iter()
        .map(|t| Line::from(format!("{}{}", "  ".repeat(usize::from(t.depth)), t.label)))
        .collect();
    if let Some(n) = &p.note {
        tree.push(Line::from(Span::styled(n.clone(), theme.dim())));
    }
    f.render_widget(
        Paragraph::new(tree)
            .block(detail_block(&tree_title, theme))
            .wrap(Wrap { trim: false })
            .scroll((app.tree_scroll, 0)),
        detail,
    );
}

// ---------------------------------------------------------------------- help

fn help(f: &mut Frame<'_>, area: Rect, theme: Theme) {
    let legend = [
        "✔ up / active   ○ up, idle   ◐ up, no IKE SA   … negotiating",
        "✖ down / failed   − deleted   → one-way   !! error   ! warning",
        "ladder: ↻ retransmitted   # encrypted, no keys   ✖ failed/refused",
    ];
    let mut lines: Vec<Line<'static>> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:>18}  "), theme.bold()),
                Span::raw(*what),
            ])
        })
        .collect();
    if area.height >= 30 {
        lines.push(Line::from(""));
    }
    lines.extend(
        legend
            .iter()
            .map(|l| Line::from(Span::styled(*l, theme.dim()))),
    );
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = 90.min(area.width);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(Span::styled(" keys · any key closes ", theme.header())))
            .wrap(Wrap { trim: false }),
        r,
    );
}

// ---------------------------------------------------------------------- text helpers

fn rate_text(r: f64) -> String {
    if r == 0.0 {
        "0".into()
    } else if r < 10.0 {
        format!("{r:.1}")
    } else {
        format!("{r:.0}")
    }
}

/// A text sparkline: one block character per value, scaled to the largest.
fn spark_text(values: impl Iterator<Item = u64>) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let v: Vec<u64> = values.collect();
    let max = v.iter().copied().max().unwrap_or(0);
    v.iter()
        .map(|x| {
            if *x == 0 || max == 0 {
                ' '
            } else {
                let i = usize::try_from(x.saturating_mul(7) / max)
                    .unwrap_or(7)
                    .min(7);
                BARS.get(i).copied().unwrap_or('█')
            }
        })
        .collect()
}

/// "9s", "5m02s", "3h04m", "2d03h".
fn age(secs: i64) -> String {
    let s = secs.max(0);
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("{}h{:02}m", s / 3600, s / 60 % 60)
    } else {
        format!("{}d{:02}h", s / 86_400, s / 3600 % 24)
    }
}

/// A remaining lifetime: negative when expired.
fn duration(secs: i64) -> String {
    if secs < 0 {
        "expired".into()
    } else {
        age(secs)
    }
}
