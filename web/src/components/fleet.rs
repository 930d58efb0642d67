//! The map of a large cluster (more nodes or pods than cards can show): one tile per node
//! with its status and a bar of its pods by health, and the totals above. Only the rows
//! of tiles in view are drawn, so a thousand nodes scroll and update as smoothly as ten.
//! A tile clicked (or Enter on it) opens the node in the inspector.

use kubarium_core::view::{ClusterView, Health, NodeView};
use yew::prelude::*;

use crate::state::{Action, Target};

pub const TILE_W: f64 = 120.0;
pub const TILE_H: f64 = 46.0;
pub const GAP: f64 = 6.0;
/// Rows drawn beyond the visible ones, above and below.
const SLACK: usize = 2;

/// The part of the map's scrolling box in view: its scroll offset and size, and where
/// the tiles start inside it (pixels).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Viewport {
    pub top: f64,
    pub height: f64,
    pub width: f64,
    pub offset: f64,
}

/// Thousands with commas, as the totals are read.
fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The totals: nodes and how many are Ready, pods by health, pods not scheduled.
pub fn totals(v: &ClusterView) -> String {
    let ready = v
        .nodes
        .iter()
        .filter(|n| n.status.starts_with("Ready"))
        .count();
    let mut by_health = [0usize; 5];
    for n in &v.nodes {
        for (i, c) in n.counts.iter().enumerate() {
            by_health[i] += *c as usize;
        }
    }
    let pods: usize = by_health.iter().sum();
    let parts: Vec<String> = Health::ALL
        .iter()
        .zip(by_health)
        .filter(|(_, c)| *c > 0)
        .map(|(h, c)| format!("{} {}", count(c), h.class()))
        .collect();
    let mut text = format!(
        "{} nodes ({} Ready) · {} pods on nodes: {}",
        count(v.nodes.len()),
        count(ready),
        count(pods),
        parts.join(", ")
    );
    if v.pending_total > 0 {
        text.push_str(&format!(" · {} not scheduled", count(v.pending_total)));
    }
    text
}

fn tile(n: &NodeView, x: f64, y: f64, dispatch: &Callback<Action>) -> Html {
    let pods: u32 = n.counts.iter().sum();
    let ready = n.status.starts_with("Ready");
    let label = format!(
        "Node {}: {}, {} pods ({})",
        n.name,
        n.status,
        pods,
        Health::ALL
            .iter()
            .zip(n.counts)
            .filter(|(_, c)| *c > 0)
            .map(|(h, c)| format!("{c} {}", h.class()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let open = {
        let d = dispatch.clone();
        let target = Target {
            kind: "Node".into(),
            namespace: None,
            name: n.name.clone(),
        };
        Callback::from(move |_: MouseEvent| d.emit(Action::Inspect(target.clone())))
    };
    let style =
        format!("left: {x:.0}px; top: {y:.0}px; width: {TILE_W:.0}px; height: {TILE_H:.0}px;");
    html! {
        <button class={classes!("tile", if ready { "ready" } else { "notready" })} data-node={n.name.clone()}
            {style} title={label.clone()} aria-label={label} onclick={open}>
            <span class="tile-name">{ &n.name }</span>
            <span class="tile-count">{ pods }</span>
            <span class="tile-bar" aria-hidden="true">
                { for Health::ALL.iter().zip(n.counts).filter(|(_, c)| *c > 0).map(|(h, c)| html! {
                    <span class={h.class()} style={format!("flex-grow: {c}")}></span>
                }) }
            </span>
        </button>
    }
}

/// The tiles in view, in a box as tall as all of them.
pub fn fleet(v: &ClusterView, view: Viewport, dispatch: &Callback<Action>) -> Html {
    let columns = (((view.width + GAP) / (TILE_W + GAP)).floor() as usize).max(1);
    let rows = v.nodes.len().div_ceil(columns);
    let row_h = TILE_H + GAP;
    let height = rows as f64 * row_h;
    let seen_from = ((view.top - view.offset) / row_h).floor().max(0.0) as usize;
    let seen_rows = (view.height / row_h).ceil() as usize + 1;
    let first = seen_from.saturating_sub(SLACK);
    let last = (seen_from + seen_rows + SLACK).min(rows);
    let tiles = (first..last).flat_map(|row| {
        (0..columns).filter_map(move |col| {
            let n = v.nodes.get(row * columns + col)?;
            Some((n, col as f64 * (TILE_W + GAP), row as f64 * row_h))
        })
    });
    html! {
        <div class="fleet" style={format!("height: {height:.0}px")}>
            { for tiles.map(|(n, x, y)| tile(n, x, y, dispatch)) }
        </div>
    }
}
